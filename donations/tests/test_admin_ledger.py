"""The cash ledger in the admin: entries go through the ledger service and are never edited."""

import pytest
from django.urls import reverse

from donations import ledger
from donations.models import CashReceipt, Spending

pytestmark = pytest.mark.django_db


def test_the_accountant_records_a_receipt_and_cannot_overspend_in_the_admin(client, accountant_user):
    client.force_login(accountant_user)
    response = client.post(
        reverse("admin:donations_cashreceipt_add"),
        {"received_on": "23/09/2021", "amount_vnd": "2000000", "payer": "Hội Khuyến học", "bank_reference": "FT1"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    receipt = CashReceipt.objects.get()
    assert (receipt.amount_vnd, receipt.recorded_by) == (2_000_000, accountant_user)

    too_much = {
        "spent_on": "24/09/2021", "category": "data", "description": "Gói cước", "supplier": "VNPT",
        "amount_vnd": "2000001",
    }  # fmt: skip
    response = client.post(reverse("admin:donations_spending_add"), too_much)
    assert response.status_code == 200
    assert not Spending.objects.exists()
    assert ledger.balance() == 2_000_000

    listing = client.get(reverse("admin:donations_cashreceipt_changelist"))
    assert listing.status_code == 200 and "Hội Khuyến học" in listing.content.decode()
    edit = client.post(reverse("admin:donations_cashreceipt_change", args=[receipt.pk]), {"amount_vnd": "1"})
    assert edit.status_code == 403
    receipt.refresh_from_db()
    assert receipt.amount_vnd == 2_000_000
