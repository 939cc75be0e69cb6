"""Donation lists handed over by the Fatherland Front, associations and communes.

One row = one donor's pledge of one kind. Read and check every row first; save
all rows or none (as for pupil lists). "Đã nhận" marks what was already handed
over: the money becomes a receipt in the ledger, the devices inventory rows,
the telecom policy a confirmed one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from common.name_case import person_name, typed_note
from common.parsers import parse_date, parse_int, parse_yes
from common.phones import parse_contact_phone
from common.request_deadline import Deadline, DeadlinePassed
from common.spreadsheets.import_limits import ErrorList, error_dicts
from common.spreadsheets.reader import read_table
from common.spreadsheets.table import CellError, Column, SpreadsheetError, Table
from common.text import clean_text
from donations.inventory import initial_status
from donations.ledger import _lock_account
from donations.models import (
    MAX_AMOUNT_VND,
    MAX_DEVICES_PER_LINE,
    MAX_MONTHS,
    MAX_PUPILS_PER_OFFER,
    CashReceipt,
    Device,
    Donor,
    Pledge,
    PledgeLine,
    new_reference_code,
)
from donations.synonyms import DEVICE_SYNONYMS, device_type, offer_quantity
from donations.synonyms import amount as amount_words
from donations.text import fold
from students.name_cells import formula_name_errors

DONATION_COLUMNS = [
    Column(
        "name",
        "Đơn vị/Cá nhân ủng hộ",
        ("don vi ung ho", "ca nhan ung ho", "ten don vi", "ho ten", "nha hao tam"),
        True,
    ),
    Column("donor_kind", "Loại đơn vị", ("loai", "doi tuong")),
    Column("phone", "Điện thoại", ("so dien thoai", "sdt", "dt")),
    Column("kind", "Hình thức", ("hinh thuc ung ho",), True),
    Column("amount", "Số tiền", ("so tien ung ho", "tien", "thanh tien")),
    Column("device_type", "Loại thiết bị", ("thiet bi",)),
    Column("quantity", "Số lượng", ("sl",)),
    Column("condition", "Tình trạng", ("tinh trang thiet bi",)),
    Column("received", "Đã nhận", ("da tiep nhan",)),
    Column("received_on", "Ngày nhận", ("ngay tiep nhan",)),
    Column("note", "Ghi chú", ("ghi chu",)),
    Column("contact_person", "Người liên hệ", ("nguoi lien he", "nguoi dai dien")),
]

KINDS = {
    "tien": PledgeLine.Kind.CASH,
    "tien mat": PledgeLine.Kind.CASH,
    "chuyen khoan": PledgeLine.Kind.CASH,
    "thiet bi": PledgeLine.Kind.DEVICE,
    "hien vat": PledgeLine.Kind.DEVICE,
    "vien thong": PledgeLine.Kind.TELECOM,
    "chinh sach vien thong": PledgeLine.Kind.TELECOM,
    "ngan sach": PledgeLine.Kind.BUDGET,
    "quy": PledgeLine.Kind.BUDGET,
    "ngan sach/quy": PledgeLine.Kind.BUDGET,
}
DEVICE_TYPES = DEVICE_SYNONYMS  # one table of the words lists use: donations/synonyms.py
CONDITIONS = {"moi": "new", "new": "new", "cu": "used", "da qua su dung": "used", "used": "used"}
DONOR_KINDS = [
    # First matching word wins; checked in this order.
    ("vien thong", Donor.Kind.TELECOM),
    ("nha mang", Donor.Kind.TELECOM),
    ("quy", Donor.Kind.FUND),
    ("doanh nghiep", Donor.Kind.BUSINESS),
    ("cong ty", Donor.Kind.BUSINESS),
    ("hoi", Donor.Kind.ASSOCIATION),
    ("doan the", Donor.Kind.ASSOCIATION),
    ("to chuc", Donor.Kind.ASSOCIATION),
    ("mat tran", Donor.Kind.ASSOCIATION),
    ("co quan", Donor.Kind.STATE_AGENCY),
    ("nha nuoc", Donor.Kind.STATE_AGENCY),
    ("ca nhan", Donor.Kind.INDIVIDUAL),
    ("ho gia dinh", Donor.Kind.INDIVIDUAL),
]
_MONTHS = re.compile(r"(\d{1,2})\s*thang")


@dataclass
class DonationRow:
    number: int
    donor: dict
    line: dict
    note: str
    received: bool
    received_on: date | None
    # Names stored in another case than typed, as typed: the reason of the donor's history row.
    typed_note: str = ""


@dataclass
class ImportResult:
    table: Table | None = None
    rows: list[DonationRow] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=ErrorList)  # the first IMPORT_ERRORS_KEPT, all counted
    file_error: str = ""
    pledges: int = 0
    devices: int = 0
    receipts: int = 0

    @property
    def ok(self) -> bool:
        return not self.file_error and not self.errors

    def error_dicts(self) -> list[dict]:
        return error_dicts(self.errors, DONATION_COLUMNS)


def _donor_kind(value) -> str:
    folded = fold(value)
    if not folded:
        return Donor.Kind.INDIVIDUAL
    for word, kind in DONOR_KINDS:
        if word in folded:
            return kind
    raise ValueError(
        _("“%(value)s” is not a kind of donor; write e.g. cá nhân, doanh nghiệp, hội, cơ quan, quỹ, viễn thông.")
        % {"value": clean_text(value)}
    )


def _lookup(value, table: dict, message: str) -> str:
    found = table.get(fold(value))
    if found is None:
        raise ValueError(message % {"value": clean_text(value)})
    return found


def _count(value, maximum: int) -> int:
    number = parse_int(value)
    if number < 1:
        raise ValueError(_("The number must be at least 1."))
    if number > maximum:
        raise ValueError(_("The number may be at most %(limit_value)s; please check it.") % {"limit_value": maximum})
    return number


def _check_row(row, today: date) -> tuple[DonationRow | None, list[CellError]]:
    """One row of the list: the donor's cells, the kind, the line's cells for that kind, the receipt."""
    cells = _Cells(row)
    name, donor_kind, phone = _clean_donor_cells(cells)
    kind = _clean_kind(cells)
    note = clean_text(cells.values.get("note"))
    if len(note) > 1000:
        cells.fail("note", _("At most %(n)s characters.") % {"n": 1000})
    line: dict = {"kind": kind}
    cleaner = _LINE_CLEANERS.get(kind)
    if cleaner is not None:
        line.update(cleaner(cells, kind, note, name))
    received, received_on = _clean_receipt(cells, today)
    if cells.errors:
        return None, cells.errors
    donor, typed_names = _donor(cells.values, donor_kind, name, phone)
    return DonationRow(row.number, donor, line, note, received, received_on, typed_names), []


class _Cells:
    """One row's cells, and the errors found cleaning them (in the order they are found)."""

    def __init__(self, row) -> None:
        self.number = row.number
        self.values = row.values
        self.errors: list[CellError] = []

    def given(self, column: str) -> bool:
        return self.values.get(column) is not None

    def fail(self, column: str, message: str) -> None:
        self.errors.append(CellError(self.number, column, message))

    def parse(self, column: str, parser, *args):
        """`parser(cell, *args)`, or None with the parser's message (or a generic one) as the cell's error."""
        try:
            return parser(self.values.get(column), *args)
        except ValueError as error:
            message = str(error.args[0]) if error.args and isinstance(error.args[0], str) else ""
            self.fail(
                column, message or _("“%(value)s” is not valid here.") % {"value": clean_text(self.values.get(column))}
            )
            return None


def _clean_donor_cells(cells: _Cells) -> tuple[str, str | None, str]:
    """The donor's name, kind and phone."""
    name = clean_text(cells.values.get("name"))
    if not name:
        cells.fail("name", _("Type the name."))
    elif len(name) > 200:
        cells.fail("name", _("At most %(n)s characters.") % {"n": 200})
    donor_kind = cells.parse("donor_kind", _donor_kind)
    phone = ""
    if cells.given("phone"):
        phone = cells.parse("phone", parse_contact_phone) or ""
    return name, donor_kind, phone


def _clean_kind(cells: _Cells) -> str | None:
    if not cells.given("kind"):
        cells.fail("kind", _("Write the kind: tiền, thiết bị, viễn thông or ngân sách."))
        return None
    return cells.parse(
        "kind",
        _lookup,
        KINDS,
        _("“%(value)s” is not a kind of support; write tiền, thiết bị, viễn thông or ngân sách."),
    )


def _money_line(cells: _Cells, kind: str, note: str, name: str) -> dict:
    line: dict = {}
    if not cells.given("amount"):
        cells.fail("amount", _("Write the amount in đồng, e.g. 5.000.000."))
    else:
        amount = cells.parse("amount", amount_words)
        if amount is not None and amount > MAX_AMOUNT_VND:
            cells.fail("amount", _("This amount is too large; please check it."))
        line["amount_vnd"] = amount
    if kind == PledgeLine.Kind.BUDGET:
        line["fund_source"] = (note or name)[:200]
    return line


def _device_line(cells: _Cells, kind: str, note: str, name: str) -> dict:
    line: dict = {}
    written_condition = None
    if not cells.given("device_type"):
        cells.fail("device_type", _("Write the device type, e.g. máy tính xách tay."))
    else:
        line["device_type"], written_condition = cells.parse("device_type", device_type) or (None, None)
    if not cells.given("quantity"):
        cells.fail("quantity", _("Write how many devices."))
    else:
        line["quantity"] = cells.parse("quantity", _count, MAX_DEVICES_PER_LINE)
    if not cells.given("condition") and written_condition:
        line["condition"] = written_condition  # "laptop cũ"
    elif not cells.given("condition"):
        cells.fail("condition", _("Write the condition: mới or cũ."))
    else:
        line["condition"] = cells.parse(
            "condition", _lookup, CONDITIONS, _("“%(value)s” is not a condition; write mới or cũ.")
        )
    line["specification"] = note[:300]
    return line


def _telecom_line(cells: _Cells, kind: str, note: str, name: str) -> dict:
    line: dict = {}
    if not cells.given("quantity"):
        # "Tặng 100 SIM 4G, 4GB/ngày, miễn phí 3 tháng": the number is in the description.
        before = len(cells.errors)
        line["quantity"] = cells.parse("note", offer_quantity)
        if line["quantity"] is None and len(cells.errors) == before:
            cells.fail("quantity", _("Write for how many pupils, or name them in the description (“100 SIM”)."))
        elif line["quantity"] is not None and not 1 <= line["quantity"] <= MAX_PUPILS_PER_OFFER:
            cells.fail("quantity", _("Write for how many pupils (1 to %(n)s).") % {"n": MAX_PUPILS_PER_OFFER})
    else:
        line["quantity"] = cells.parse("quantity", _count, MAX_PUPILS_PER_OFFER)
    months = _MONTHS.search(fold(note))
    if not note or not months:
        cells.fail("note", _("Describe the offer with its length, e.g. “SIM 4 GB/ngày miễn phí 3 tháng”."))
    elif not 1 <= int(months.group(1)) <= MAX_MONTHS:
        cells.fail("note", _("The offer lasts at most %(n)s months.") % {"n": MAX_MONTHS})
    else:
        line["offer"] = note[:300]
        line["months"] = int(months.group(1))
    return line


# One cleaner per kind of pledge line: the fields of the line beyond its kind.
_LINE_CLEANERS = {
    PledgeLine.Kind.CASH: _money_line,
    PledgeLine.Kind.BUDGET: _money_line,
    PledgeLine.Kind.DEVICE: _device_line,
    PledgeLine.Kind.TELECOM: _telecom_line,
}


def _clean_receipt(cells: _Cells, today: date) -> tuple[bool, date | None]:
    """Whether the gift has been received, and on which day."""
    received = bool(cells.parse("received", parse_yes)) if cells.given("received") else False
    received_on = None
    if cells.given("received_on"):
        received_on = cells.parse("received_on", parse_date)
        if received_on and received_on > today:
            cells.fail("received_on", _("The date is in the future."))
        elif received_on and received_on.year < 2021:
            cells.fail("received_on", _("The date is before the programme began."))
    if received and not cells.given("received_on"):
        cells.fail("received_on", _("Write the date it was received."))
    return received, received_on


def _donor(values: dict, kind: str, name: str, phone: str) -> tuple[dict, str]:
    """The donor's fields, people's names in Vietnamese case, and the history's note of the names as typed."""
    typed = {"name": name, "contact_person": clean_text(values.get("contact_person"))}
    if kind == Donor.Kind.INDIVIDUAL:
        name = person_name(name)  # a person's name, as Vietnamese write it; a company's stays as typed
    donor = {"kind": kind, "name": name, "phone": phone, "contact_person": person_name(typed["contact_person"])[:100]}
    return donor, typed_note({capfirst(Donor._meta.get_field(k).verbose_name): (typed[k], donor[k]) for k in typed})


def read_rows(file, filename: str, *, max_rows: int | None = None, deadline: Deadline | None = None) -> ImportResult:
    """Every row checked (`deadline`: the request's time budget, DeadlinePassed when it runs out)."""
    result = ImportResult()
    try:
        result.table = read_table(file, filename, DONATION_COLUMNS, max_rows=max_rows)
    except SpreadsheetError as error:
        result.file_error = str(error)
        return result
    if not result.table.rows:
        result.file_error = _("The list has no rows.")
        return result
    today = timezone.localdate()
    rows = deadline.rows(result.table.rows) if deadline else result.table.rows
    for row in rows:
        checked, errors = _check_row(row, today)
        errors += formula_name_errors(row, ("name",))
        if checked and not errors:
            result.rows.append(checked)
        result.errors += errors
    return result


def _unique_codes(count: int) -> list[str]:
    codes: set[str] = set()
    while len(codes) < count:
        fresh = {new_reference_code() for _ in range(count - len(codes))} - codes
        taken = set(Pledge.objects.filter(reference_code__in=fresh).values_list("reference_code", flat=True))
        codes |= fresh - taken
    return list(codes)


_BATCH = 2000


def _create(objs: list, model, deadline: Deadline | None) -> None:
    """bulk_create_with_history in batches, with a look at the request's clock before each."""
    for start in range(0, len(objs), _BATCH):
        if deadline:
            deadline.check()
        bulk_create_with_history(objs[start : start + _BATCH], model, batch_size=_BATCH)


def save_rows(rows: list[DonationRow], *, user=None, deadline: Deadline | None = None) -> tuple[int, int, int]:
    """Donors (reused by name and phone), pledges, lines, receipts and devices; (pledges, devices, receipts)."""
    tz = timezone.get_current_timezone()
    known = {(d.name_key, d.phone): d for d in Donor.objects.only("pk", "name_key", "phone")}
    new_donors: dict[tuple[str, str], Donor] = {}
    donor_of_row: list[Donor] = []
    for row in rows:
        key = (fold(row.donor["name"])[:200], row.donor["phone"])
        donor = known.get(key) or new_donors.get(key)
        if donor is None:
            donor = Donor(**row.donor, name_key=key[0])
            if row.typed_note:
                donor._change_reason = row.typed_note
            new_donors[key] = donor
        donor_of_row.append(donor)
    _create(list(new_donors.values()), Donor, deadline)
    now = timezone.now()
    pledges = [
        Pledge(
            reference_code=code,
            donor=donor,
            channel=Pledge.Channel.IMPORT,
            note=row.note,
            created_by=user,
            pledged_at=datetime.combine(row.received_on, time(8), tz) if row.received_on else now,
            confirmed_at=now,  # staff's own list: confirmed when saved (donations/confirmation.py)
            confirmed_by=user if getattr(user, "pk", None) else None,
        )
        for row, donor, code in zip(rows, donor_of_row, _unique_codes(len(rows)), strict=True)
    ]
    _create(pledges, Pledge, deadline)
    lines = [PledgeLine(pledge=pledge, **row.line) for row, pledge in zip(rows, pledges, strict=True)]
    _create(lines, PledgeLine, deadline)
    receipts, devices = [], []
    for row, line, donor in zip(rows, lines, donor_of_row, strict=True):
        if not row.received:
            continue
        if line.kind in PledgeLine.MONEY_KINDS:
            receipts.append(
                CashReceipt(
                    received_on=row.received_on,
                    amount_vnd=line.amount_vnd,
                    payer=donor.name,
                    pledge_line=line,
                    note=_("Imported list"),
                    recorded_by=user,
                )
            )
        elif line.kind == PledgeLine.Kind.DEVICE:
            status = initial_status(line.condition)
            devices += [
                Device(
                    device_type=line.device_type,
                    condition=line.condition,
                    pledge_line=line,
                    pledge=line.pledge,
                    received_on=row.received_on,
                    status=status,
                )
                for _n in range(line.quantity)
            ]
        else:
            line.confirmed_on = row.received_on
    confirmed = [line for line in lines if line.confirmed_on]
    if confirmed:
        bulk_update_with_history(confirmed, PledgeLine, ["confirmed_on"], batch_size=2000)
    if receipts:
        _lock_account()
        _create(receipts, CashReceipt, deadline)
    _create(devices, Device, deadline)
    return len(pledges), len(devices), len(receipts)


def import_file(
    file,
    filename: str,
    *,
    user=None,
    dry_run: bool = False,
    max_rows: int | None = None,
    max_devices: int | None = None,
    deadline: Deadline | None = None,
) -> ImportResult:
    """Check every row, then save all of them in one transaction, or nothing.

    In a request, `max_rows`, `max_devices` (one inventory row each) and `deadline`
    (REQUEST_IMPORT_SECONDS) bound it: a list over them, or that passes its time budget while
    checked or while saved, is refused with the reason and nothing of it is kept.
    """
    try:
        result = read_rows(file, filename, max_rows=max_rows, deadline=deadline)
    except DeadlinePassed as passed:
        return ImportResult(file_error=str(passed))
    if not result.ok:
        return result
    devices = sum(r.line["quantity"] for r in result.rows if r.received and r.line["kind"] == PledgeLine.Kind.DEVICE)
    if max_devices is not None and devices > max_devices:
        result.file_error = _(
            "This list records %(count)s devices as received, and a list imported on this page may record at "
            "most %(limit)s. Nothing was saved. Split the list into smaller files and import them one after another."
        ) % {"count": devices, "limit": max_devices}
        return result
    try:
        with deadline.atomic() if deadline else transaction.atomic():
            result.pledges, result.devices, result.receipts = save_rows(result.rows, user=user, deadline=deadline)
            if dry_run:
                transaction.set_rollback(True)
    except DeadlinePassed as passed:
        result.file_error = str(passed)
        result.pledges = result.devices = result.receipts = 0
    except IntegrityError:
        result.file_error = _(
            "The list could not be saved because of a conflict with data saved at the same moment; "
            "nothing was saved. Import it again."
        )
        result.pledges = result.devices = result.receipts = 0
    return result
