from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from donations import ledger
from donations.models import CashReceipt
from donations.statement_models import StatementEntry
from donations.tests.statement_files import CLOSING, agribank_xlsx
from donations.tests.test_statements import _pledges

pytestmark = pytest.mark.django_db


def _upload(client, dry_run=False, content=None):
    data = {"file": SimpleUploadedFile("saoke.xlsx", content or agribank_xlsx().getvalue())}
    if dry_run:
        data["dry_run"] = "on"
    return client.post(reverse("donations:statement-import"), data)


def test_the_accountant_imports_a_statement_links_the_waiting_credits_and_the_ledger_agrees(client, accountant_user):
    lines = _pledges()
    client.force_login(accountant_user)
    assert client.get(reverse("donations:statement-import")).status_code == 200
    response = _upload(client, dry_run=True)
    assert response.status_code == 200 and CashReceipt.objects.count() == 0
    assert "5" in response.content.decode()
    response = _upload(client)
    assert response.status_code == 302 and response.url == reverse("donations:statement-waiting")
    page = client.get(response.url).content.decode()
    assert page.count('data-testid="waiting-credit"') == 2
    unknown = StatementEntry.objects.get(bank_reference="FT21265004")
    other = StatementEntry.objects.get(bank_reference="FT21266006")
    client.post(reverse("donations:statement-credit-link", args=[unknown.pk]), {"code": "uh abcdef"})
    assert CashReceipt.objects.get(bank_reference="FT21265004").pledge_line == lines["part"]
    client.post(reverse("donations:statement-credit-anonymous", args=[other.pk]))
    assert client.get(reverse("donations:statement-waiting")).content.decode().count("waiting-credit") == 0

    spending = ledger.spending_record(
        spent_on=date(2021, 9, 23), category="data", description="Gói cước", supplier="VNPT", amount_vnd=1_000_000
    )
    debit = StatementEntry.objects.get(direction="debit")
    client.post(reverse("donations:statement-debit-link", args=[debit.pk]), {"spending": spending.pk})
    page = client.get(reverse("donations:statement-reconciliation")).content.decode()
    shown = f"{CLOSING:,}".replace(",", ".") + " ₫"
    assert page.count(shown) >= 2  # the ledger's balance and the statement's closing balance
    assert "khớp với sao kê" in page or "agrees with the statement" in page


def test_a_wrong_statement_is_refused_with_its_errors_and_nothing_saved(client, accountant_user):
    client.force_login(accountant_user)
    response = _upload(client, content=agribank_xlsx([("xx", "R1", "", "1.000", "d", "")]).getvalue())
    assert response.status_code == 400
    assert CashReceipt.objects.count() == 0


def test_a_bad_code_or_a_stale_link_is_a_message_not_an_error(client, accountant_user):
    _pledges()
    client.force_login(accountant_user)
    _upload(client)
    unknown = StatementEntry.objects.get(bank_reference="FT21265004")
    response = client.post(reverse("donations:statement-credit-link", args=[unknown.pk]), {"code": "UH-ZZZZZZ"})
    assert response.status_code == 302
    response = client.post(reverse("donations:statement-credit-link", args=[999999]), {"code": "UH-ABCDEF"})
    assert response.status_code == 302
    response = client.post(reverse("donations:statement-debit-link", args=[unknown.pk]), {"spending": "x"})
    assert response.status_code == 302


def test_commune_officials_cannot_reach_the_statement_pages(client, commune_a_official):
    client.force_login(commune_a_official)
    for name in ("statement-import", "statement-waiting", "statement-reconciliation"):
        assert client.get(reverse(f"donations:{name}")).status_code == 403
