import threading
from datetime import date
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection, connections

from donations import ledger, statements
from donations.models import CashReceipt, LineStatus, Spending
from donations.statement_matching import code_candidates
from donations.statement_models import BankStatement, StatementEntry
from donations.statement_reader import parse_booked, parse_money
from donations.tests.factories import DonorFactory, PledgeFactory, PledgeLineFactory
from donations.tests.statement_files import CLOSING, MIXED, agribank_xlsx, signed_csv, xls_file

pytestmark = pytest.mark.django_db


def _pledges():
    def cash(code, name, amount):
        line = PledgeLineFactory(pledge=PledgeFactory(reference_code=code, donor=DonorFactory(name=name)))
        line.amount_vnd = amount
        line.save()
        return line

    return {
        "exact": cash("UH-KUE3QF", "Nguyễn Văn A", 2_000_000),
        "part": cash("UH-ABCDEF", "Công ty Minh Phát", 3_000_000),
        "typo": cash("UH-MNPQRS", "Trần Thị Bích", 500_000),
    }


def _import(file=None, name="saoke.xlsx", **kwargs):
    return statements.statement_import(file=file or agribank_xlsx(), filename=name, **kwargs)


@pytest.mark.parametrize(
    "text,codes",
    [
        ("uh kue3qf", ["UH-KUE3QF"]),
        ("UHKUE3QF", ["UH-KUE3QF"]),
        ("MBVCB.1234.uh kue3qf.NGUYEN VAN A chuyen tien", ["UH-KUE3QF"]),
        ("IBFT UH-KUE3QF-Nguyen Van A", ["UH-KUE3QF"]),
        ("Ung ho hoc sinh", []),
    ],
)
def test_codes_are_found_however_the_banking_app_mangled_them(text, codes):
    assert code_candidates(text)[: len(codes)] == codes
    assert bool(code_candidates(text)) == bool(codes)


def test_amounts_and_dates_as_banks_print_them():
    assert parse_money("2.000.000") == 2_000_000
    assert parse_money("2,000,000.00") == 2_000_000
    assert parse_money("-1.200.000") == -1_200_000
    assert parse_money("+500,000") == 500_000
    assert parse_money(1500000.0) == 1_500_000
    assert parse_money(None) == 0
    with pytest.raises(ValueError):
        parse_money("1.000,50")
    assert parse_booked("21/09/2021 08:15:02") == date(2021, 9, 21)
    assert parse_booked("2021-09-21 08:15") == date(2021, 9, 21)


def test_a_statement_with_mangled_codes_an_unknown_credit_a_debit_and_totals_imports_with_the_right_matches():
    lines = _pledges()
    result = _import()
    assert result.ok, (result.file_error, result.error_dicts())
    assert (result.credits, result.debits, result.matched, result.waiting) == (5, 1, 3, 2)
    assert result.closing_balance == CLOSING
    receipts = {r.bank_reference: r for r in CashReceipt.objects.all()}
    assert len(receipts) == 5  # every credit is a receipt, the debit is not
    assert receipts["FT21264001"].pledge_line == lines["exact"]
    assert receipts["FT21264002"].pledge_line == lines["part"]
    assert receipts["FT21265003"].pledge_line == lines["typo"]  # one character mistyped; amount and name agree
    assert receipts["FT21265004"].pledge_line is None  # no code
    assert receipts["FT21266006"].pledge_line is None  # the same typo, but another payer and nothing owed
    assert receipts["FT21264001"].received_on == date(2021, 9, 21)
    assert lines["exact"].pledge.status == LineStatus.RECEIVED
    assert lines["part"].pledge.status == LineStatus.PARTLY_RECEIVED
    entry = StatementEntry.objects.get(bank_reference="FT21265003")
    assert entry.match == "typo" and "UH-MNPQRS" in entry.match_note
    assert StatementEntry.objects.get(bank_reference="FT21266005").direction == "debit"
    assert ledger.total_received() == 4_700_000
    statement = BankStatement.objects.get()
    assert statement.last_day == date(2021, 9, 23) and statement.closing_balance_vnd == CLOSING
    assert statement.original_file.read().startswith(b"PK")  # the file is kept


def test_importing_the_same_statement_again_or_an_overlapping_one_records_nothing_twice():
    _pledges()
    _import()
    again = _import()
    assert again.ok and again.already == 6 and again.new_credits == 0
    overlapping = _import(agribank_xlsx(MIXED[3:] + [("24/09/2021 09:00", "FT21267007", "", "250.000", "x", "")]))
    assert overlapping.new_credits == 1 and overlapping.already == 3
    assert CashReceipt.objects.count() == 6
    assert StatementEntry.objects.count() == 7
    assert BankStatement.objects.count() == 2


def test_a_csv_with_a_signed_amount_and_an_old_xls_read_the_same_transactions():
    _pledges()
    csv_result = _import(signed_csv(), "vcb.csv", dry_run=True)
    assert csv_result.ok, (csv_result.file_error, csv_result.error_dicts())
    assert (csv_result.credits, csv_result.debits, csv_result.matched) == (5, 1, 3)
    xls_result = _import(xls_file(), "vietinbank.xls", dry_run=True)
    assert xls_result.ok, (xls_result.file_error, xls_result.error_dicts())
    assert (xls_result.credits, xls_result.debits, xls_result.matched) == (5, 1, 3)
    assert CashReceipt.objects.count() == 0 and BankStatement.objects.count() == 0  # dry runs


def test_a_wrong_row_saves_nothing_and_says_where():
    _pledges()
    rows = [*MIXED[:2], ("31/02/2021", "FT1", "", "100.000", "x", ""), ("22/09/2021", "FT2", "", "abc", "x", "")]
    result = _import(agribank_xlsx(rows))
    assert not result.ok
    assert [e["row"] for e in result.error_dicts()] == [9, 10]
    assert CashReceipt.objects.count() == 0 and StatementEntry.objects.count() == 0


def test_a_file_without_amount_columns_is_refused_in_vietnamese():
    import io

    data = io.BytesIO("Ngày giao dịch,Nội dung\n21/09/2021,abc\n".encode())
    result = _import(data, "x.csv")
    assert "Ghi nợ" in result.file_error


def test_a_receipt_typed_by_hand_before_the_import_is_not_recorded_again():
    _pledges()
    ledger.receipt_record(received_on=date(2021, 9, 21), amount_vnd=2_000_000, payer="A", bank_reference="FT21264001")
    result = _import()
    assert result.new_credits == 5 and CashReceipt.objects.count() == 5


def test_the_accountant_links_a_waiting_credit_or_records_it_as_an_anonymous_donor():
    lines = _pledges()
    _import()
    unknown = StatementEntry.objects.get(bank_reference="FT21265004")
    other = StatementEntry.objects.get(bank_reference="FT21266006")
    statements.credit_link(entry_id=unknown.pk, code="uh-abcdef")
    assert CashReceipt.objects.get(bank_reference="FT21265004").pledge_line == lines["part"]
    with pytest.raises(ValidationError):
        statements.credit_link(entry_id=unknown.pk, code="UH-ABCDEF")  # not waiting any more
    statements.credit_record_anonymous(entry_id=other.pk)
    receipt = CashReceipt.objects.get(bank_reference="FT21266006")
    assert receipt.pledge_line.amount_vnd == 400_000
    assert not receipt.pledge_line.pledge.donor.publish_consent  # the public roll says "Nhà hảo tâm"
    assert not statements.waiting_credits().exists()


def test_ledger_and_reconciliation_agree_with_the_statement_to_the_dong():
    _pledges()
    _import()
    spending = ledger.spending_record(
        spent_on=date(2021, 9, 23), category="data", description="Gói cước", supplier="VNPT", amount_vnd=1_000_000
    )
    debit = StatementEntry.objects.get(direction="debit")
    statements.debit_link(entry_id=debit.pk, spending_id=spending.pk)
    figures = statements.reconciliation()
    assert figures["ledger_balance"] == figures["closing_balance"] == CLOSING
    assert figures["difference"] == 0
    assert figures["unmatched_debits"] == []


def test_a_debit_is_matched_to_the_one_spending_of_its_amount():
    ledger.receipt_record(received_on=date(2021, 9, 20), amount_vnd=5_000_000, payer="X")
    spending = ledger.spending_record(
        spent_on=date(2021, 9, 22), category="data", description="Gói cước", supplier="VNPT", amount_vnd=1_000_000
    )
    _import()
    assert StatementEntry.objects.get(direction="debit").spending == spending
    assert Spending.objects.count() == 1


def test_the_command_follows_the_contract(tmp_path):
    _pledges()
    path = tmp_path / "saoke.xlsx"
    path.write_bytes(agribank_xlsx().getvalue())
    out = StringIO()
    call_command("import_bank_statement", str(path), "--dry-run", stdout=out)
    assert "5" in out.getvalue() and CashReceipt.objects.count() == 0
    call_command("import_bank_statement", str(path), stdout=out)
    assert CashReceipt.objects.count() == 5
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(agribank_xlsx([("xx", "R1", "", "1.000", "d", "")]).getvalue())
    err = StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_bank_statement", str(bad), stdout=StringIO(), stderr=err)
    assert exit_info.value.code == 1
    assert "7" in err.getvalue() and CashReceipt.objects.count() == 5


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_imports_of_the_same_statement_at_once_record_each_credit_once():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is proven on PostgreSQL, the production database")
    _pledges()
    data = agribank_xlsx().getvalue()
    barrier = threading.Barrier(2)
    results = []

    def run():
        import io

        try:
            barrier.wait(timeout=10)
            results.append(statements.statement_import(file=io.BytesIO(data), filename="saoke.xlsx"))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(r.new_credits for r in results) == [0, 5]
    assert CashReceipt.objects.count() == 5
    assert StatementEntry.objects.count() == 6
    assert ledger.total_received() == 4_700_000


def test_bidv_style_headers_with_times_and_decimals_read_as_well():
    import io

    _pledges()
    text = (
        "NGAN HANG TMCP DAU TU VA PHAT TRIEN VIET NAM - BIDV\n"
        "SAO KE TAI KHOAN,,,,,\n"
        ",,,,,\n"
        "Thời gian giao dịch,Số bút toán,Số tiền ghi nợ,Số tiền ghi có,Số dư,Nội dung giao dịch\n"
        '21/09/2021 08:15:02,BT0001,,"2,000,000.00","2,000,000.00",IBFT UHKUE3QF NGUYEN VAN A\n'
        '23/09/2021 07:55,BT0002,"500,000.00",,"1,500,000.00",Phi dich vu\n'
        "Tổng cộng,,,,,\n"
    )
    result = _import(io.BytesIO(text.encode("utf-8")), "bidv.csv")
    assert result.ok, (result.file_error, result.error_dicts())
    assert (result.credits, result.debits, result.matched) == (1, 1, 1)
    assert result.closing_balance == 1_500_000  # the last running balance, with no closing line printed


def test_a_transfer_from_the_bank_confirms_a_public_pledge_nobody_had_called_yet(education_office_user):
    lines = _pledges()
    for line in lines.values():
        line.pledge.confirmed_at = None
        line.pledge.save(update_fields=["confirmed_at"])
    _import(user=education_office_user)
    lines["exact"].pledge.refresh_from_db()
    assert lines["exact"].pledge.confirmed_at is not None  # matched by its code: the money came
    assert lines["exact"].pledge.confirmed_by == education_office_user
    lines["part"].pledge.refresh_from_db()
    assert lines["part"].pledge.confirmed_at is not None
    later = PledgeLineFactory(pledge=PledgeFactory(reference_code="UH-ZZZZZZ", confirmed_at=None))
    unknown = StatementEntry.objects.get(bank_reference="FT21265004")
    statements.credit_link(entry_id=unknown.pk, code="uh zzzzzz", user=education_office_user)
    later.pledge.refresh_from_db()
    assert later.pledge.confirmed_by == education_office_user  # linked by the accountant: confirmed too
