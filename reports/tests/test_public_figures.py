from dataclasses import asdict
from datetime import date

import pytest

from donations import ledger
from donations.models import PledgeLine, Spending
from donations.tests.factories import DeviceFactory, DeviceLineFactory, PledgeLineFactory, TelecomLineFactory
from reports.public import DONORS_PER_PAGE, DonorGifts, donor_roll, public_figures
from telecom.models import SimAssignment
from telecom.tests.factories import ConnectivityOfferFactory, SimAssignmentFactory, ZeroRatingFactory

pytestmark = pytest.mark.django_db


def _receive(line, amount: int) -> None:
    ledger.receipt_record(received_on=date(2021, 9, 22), amount_vnd=amount, payer="Thử", pledge_line=line)


def test_money_is_split_into_donations_and_budget_with_unlinked_receipts_apart():
    cash = PledgeLineFactory(amount_vnd=3_000_000)
    budget = PledgeLineFactory(kind=PledgeLine.Kind.BUDGET, amount_vnd=50_000_000, fund_source="Ngân sách huyện")
    PledgeLineFactory(amount_vnd=9_000_000, cancelled=True)
    _receive(cash, 1_000_000)
    _receive(budget, 50_000_000)
    ledger.receipt_record(received_on=date(2021, 9, 23), amount_vnd=700_000, payer="Chuyển khoản lẻ")
    ledger.spending_record(
        spent_on=date(2021, 9, 24), category="data", description="Gói cước", supplier="VNPT", amount_vnd=400_000
    )

    figures = public_figures()

    rows = {row["code"]: row for row in figures["money_by_kind"]}
    assert (rows["cash"]["pledged"], rows["cash"]["received"]) == (3_000_000, 1_000_000)
    assert (rows["budget"]["pledged"], rows["budget"]["received"]) == (50_000_000, 50_000_000)
    assert (rows["other"]["pledged"], rows["other"]["received"]) == (None, 700_000)
    assert sum(row["received"] for row in rows.values()) == figures["donations"]["cash_received_vnd"]
    spent = {row["code"]: row["spent"] for row in figures["spending_by_category"]}
    assert spent == {Spending.Category.DEVICES: 0, Spending.Category.DATA: 400_000, Spending.Category.OTHER: 0}


def test_without_unlinked_receipts_there_is_no_third_money_row():
    PledgeLineFactory()
    assert [row["code"] for row in public_figures()["money_by_kind"]] == ["cash", "budget"]


def test_offers_are_summed_by_provider_with_the_places_taken(viettel, vnpt):
    first = ConnectivityOfferFactory(provider=viettel, capacity=30)
    ConnectivityOfferFactory(provider=viettel, capacity=20)
    SimAssignmentFactory(offer=first)
    SimAssignmentFactory(offer=first, status=SimAssignment.Status.CANCELLED)
    ZeroRatingFactory(provider=vnpt)
    TelecomLineFactory(quantity=100, confirmed_on=date(2021, 9, 20))
    TelecomLineFactory(quantity=40)

    figures = public_figures()

    assert figures["offers_by_provider"] == [{"name": "Viettel", "offers": 2, "capacity": 50, "used": 1, "proposed": 0}]
    assert (figures["telecom_pupils_pledged"], figures["telecom_pupils_confirmed"]) == (140, 100)
    assert figures["zero_rated_platforms"] == 1


def test_the_largest_money_donors_come_first_under_their_public_name():
    PledgeLineFactory(amount_vnd=2_000_000, pledge__donor__name="Công ty Hai", pledge__donor__publish_consent=True)
    secret = PledgeLineFactory(amount_vnd=8_000_000, pledge__donor__name="Ông Giấu Tên")
    _receive(secret, 8_000_000)
    DeviceLineFactory(pledge__donor__name="Chỉ tặng máy", pledge__donor__publish_consent=True)

    donors = public_figures()["donors"]

    assert [(d["name"], d["pledged"], d["received"]) for d in donors["top_money"]] == [
        ("Nhà hảo tâm", 8_000_000, 8_000_000),
        ("Công ty Hai", 2_000_000, 0),
    ]
    assert (donors["count"], donors["named"]) == (3, 2)


def test_the_donor_roll_holds_only_public_names_and_gifts():
    line = DeviceLineFactory(quantity=5, device_type="tablet", pledge__donor__email="a@example.vn")
    DeviceFactory(device_type="tablet", pledge_line=line, pledge=line.pledge)
    cancelled = DeviceLineFactory(quantity=9, device_type="laptop", pledge=line.pledge, cancelled=True)
    DeviceFactory(device_type="laptop", pledge_line=cancelled, pledge=line.pledge)

    page = donor_roll(1)

    (row,) = page.object_list
    assert isinstance(row, DonorGifts)
    assert row.name == "Nhà hảo tâm"
    assert row.devices_pledged == {"tablet": 5} and row.devices_received == {"tablet": 1}
    assert row.devices == [{"label": "Máy tính bảng", "pledged": 5, "received": 1}]
    assert "a@example.vn" not in str(asdict(row)) and "0912345678" not in str(asdict(row))


@pytest.mark.parametrize(("asked", "given"), [(2, 2), (99, 2), ("x", 1), (0, 2), (None, 1)])
def test_the_donor_roll_answers_a_page_whatever_was_asked(asked, given):
    for _ in range(DONORS_PER_PAGE + 1):
        PledgeLineFactory()
    page = donor_roll(asked)
    assert page.number == given
    assert len(page.object_list) == (1 if given == 2 else DONORS_PER_PAGE)
