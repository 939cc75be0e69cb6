import threading
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from donations import ledger
from donations.models import Spending
from donations.tests.factories import DeviceLineFactory, PledgeLineFactory

DAY = date(2021, 9, 23)


def _spend(amount, **extra):
    return ledger.spending_record(
        spent_on=DAY, category="data", description="Gói cước", supplier="VNPT", amount_vnd=amount, **extra
    )


@pytest.mark.django_db
def test_the_running_balance_follows_receipts_and_spending_in_date_order():
    ledger.receipt_record(received_on=date(2021, 9, 22), amount_vnd=10_000_000, payer="A")
    _spend(4_000_000)
    ledger.receipt_record(received_on=date(2021, 9, 24), amount_vnd=1_000_000, payer="B")
    assert [row.balance for row in ledger.ledger_rows()] == [10_000_000, 6_000_000, 7_000_000]
    assert ledger.balance() == 7_000_000


@pytest.mark.django_db
def test_spending_more_than_received_is_refused_with_the_balance_in_the_message():
    ledger.receipt_record(received_on=DAY, amount_vnd=1_000_000, payer="A")
    with pytest.raises(ValidationError, match="1.000.000"):
        _spend(1_000_001)
    assert not Spending.objects.exists()
    _spend(1_000_000)
    assert ledger.balance() == 0


@pytest.mark.django_db
def test_the_same_bank_transfer_is_never_counted_twice():
    ledger.receipt_record(received_on=DAY, amount_vnd=1_000_000, payer="A", bank_reference="FT21266")
    with pytest.raises(ValidationError):
        ledger.receipt_record(received_on=DAY, amount_vnd=1_000_000, payer="A", bank_reference="FT21266")
    assert ledger.total_received() == 1_000_000


@pytest.mark.django_db
@pytest.mark.parametrize("amount", [0, -5])
def test_zero_or_negative_amounts_are_refused(amount):
    with pytest.raises(ValidationError):
        ledger.receipt_record(received_on=DAY, amount_vnd=amount, payer="A")


@pytest.mark.django_db
def test_money_cannot_be_received_against_a_device_line():
    with pytest.raises(ValidationError):
        ledger.receipt_record(received_on=DAY, amount_vnd=5, payer="A", pledge_line=DeviceLineFactory())
    assert ledger.total_received() == 0
    ledger.receipt_record(received_on=DAY, amount_vnd=5, payer="A", pledge_line=PledgeLineFactory())


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_people_spending_the_last_money_at_the_same_moment_exactly_one_succeeds():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is proven on PostgreSQL, the production database")
    ledger.receipt_record(received_on=DAY, amount_vnd=10_000_000, payer="A")
    _spend(4_000_000)  # 6,000,000 left; each of the two wants 5,000,000
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def spend():
        try:
            barrier.wait(timeout=10)
            _spend(5_000_000)
            outcomes.append("spent")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=spend) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["refused", "spent"]
    assert ledger.balance() == 1_000_000
    assert Spending.objects.count() == 2
