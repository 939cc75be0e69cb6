"""After a bank statement is imported, the ledger, the reconciliation page, the report and the public page agree."""

import io
import json
from datetime import date

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse

from donations import ledger, statements
from donations.statement_models import StatementEntry
from donations.tests.statement_files import CLOSING, agribank_xlsx
from donations.tests.test_statements import _pledges

pytestmark = pytest.mark.django_db


def test_ledger_reconciliation_report_and_public_page_agree_to_the_dong(client, accountant_user):
    cache.clear()
    _pledges()
    statements.statement_import(file=agribank_xlsx(), filename="saoke.xlsx")
    spending = ledger.spending_record(
        spent_on=date(2021, 9, 23), category="data", description="Gói cước", supplier="VNPT", amount_vnd=1_000_000
    )
    statements.debit_link(entry_id=StatementEntry.objects.get(direction="debit").pk, spending_id=spending.pk)
    received = 4_700_000
    assert ledger.total_received() == received and ledger.balance() == CLOSING

    client.force_login(accountant_user)
    page = client.get(reverse("donations:statement-reconciliation"))
    assert page.context["ledger_balance"] == page.context["closing_balance"] == CLOSING
    assert page.context["difference"] == 0

    out = io.StringIO()
    call_command("progress_report", "--format", "json", stdout=out)
    money = json.loads(out.getvalue())["donations"]
    assert money["cash_received_vnd"] == received
    assert money["cash_received_vnd"] - money["cash_spent_vnd"] == CLOSING

    client.logout()
    public = client.get(reverse("reports-public:transparency")).content.decode()
    assert "4.700.000 ₫" in public
    assert "23/09/2021" in public and 'data-testid="statement-day"' in public
