"""Import a bank statement of 2,000 transfers against 1,000 cash pledges (mangled codes, unknown payers, debits)."""

from donations.models import CashReceipt, Donor, Pledge, PledgeLine
from donations.statements import statement_import
from donations.tests.statement_files import agribank_xlsx

PLEDGES = 1_000
CREDITS = 2_000
DEBITS = 100


def _pledges() -> list[str]:
    donors = Donor.objects.bulk_create(Donor(kind="individual", name=f"Nhà hảo tâm {n}") for n in range(PLEDGES))
    pledges = Pledge.objects.bulk_create(Pledge(donor=d) for d in donors)
    PledgeLine.objects.bulk_create(PledgeLine(pledge=p, kind="cash", amount_vnd=1_000_000) for p in pledges)
    return [p.reference_code for p in pledges]


def _rows(codes: list[str]) -> list[tuple]:
    rows = []
    for n in range(CREDITS):
        code = codes[n % len(codes)]
        mangled = (code.lower(), code.replace("-", ""), code.replace("-", " "), f"MBVCB.{n}.{code.lower()}.CK")[n % 4]
        description = mangled if n % 5 else "Ung ho hoc sinh ngheo"
        rows.append((f"2{n % 9 + 1}/09/2021 08:{n % 60:02d}", f"FT{n:08d}", "", "500.000", description, f"KHACH {n}"))
    for n in range(DEBITS):
        rows.append(("28/09/2021 10:00", f"DB{n:06d}", "100.000", "", f"Thanh toan {n}", "NCC"))
    return rows


def run(figures) -> None:
    data = agribank_xlsx(_rows(_pledges())).getvalue()
    figures.add("file size", len(data) / 1024, "KiB")
    import io

    with figures.measure(f"import {CREDITS + DEBITS:,} transactions", rows=CREDITS + DEBITS, memory=False):
        result = statement_import(file=io.BytesIO(data), filename="saoke.xlsx")
    assert result.ok, result.error_dicts()[:5]
    figures.add("receipts matched", result.matched)
    figures.add("receipts waiting", result.waiting)
    with figures.measure("the same statement again", rows=CREDITS + DEBITS, memory=False):
        again = statement_import(file=io.BytesIO(data), filename="saoke.xlsx")
    assert again.new_credits == 0 and CashReceipt.objects.count() == CREDITS
    figures.add("receipts in the database", CashReceipt.objects.count())
