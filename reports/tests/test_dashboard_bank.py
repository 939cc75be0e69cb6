"""The staff home says when donors get no VietQR, and how many bank transfers wait for a pledge."""

import pytest
from django.urls import reverse

from donations import statements
from donations.models import ProgrammeAccount
from donations.tests.statement_files import agribank_xlsx
from reports.dashboard import attention_items

pytestmark = pytest.mark.django_db


def _keys(user):
    return {item.key: item for item in attention_items(user)}


@pytest.mark.parametrize(
    "bank,number,shown",
    [
        ("", "", True),
        ("Agribank", "29-AB", True),
        ("[DEMO] Ngân hàng thử", "2900205123456", True),
        ("Agribank", "2900 205 123456", False),
    ],
)
def test_an_account_without_a_valid_bank_or_number_is_on_the_staff_home(education_office_user, bank, number, shown):
    ProgrammeAccount.objects.create(bank_name=bank, account_number=number)
    assert ("programme_account_no_qr" in _keys(education_office_user)) == shown


def test_the_accountant_sees_the_transfers_waiting(accountant_user, client):
    ProgrammeAccount.objects.create(bank_name="Agribank", account_number="2900205123456")
    statements.statement_import(file=agribank_xlsx(), filename="saoke.xlsx")
    item = _keys(accountant_user)["transfers_waiting"]
    assert item.count == 5 and item.url == reverse("donations:statement-waiting")
    client.force_login(accountant_user)
    assert "5" in client.get(reverse("staff-home")).content.decode()
