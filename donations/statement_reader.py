"""Reading a bank statement (sao kê) through the shared spreadsheet reader.

Agribank, Vietcombank, VietinBank, BIDV and the others export .xlsx/.xls/.csv with a few
title rows (bank, account, period), a header row, one row per transaction with either
separate debit and credit columns or one signed amount, a reference ("Số tham chiếu",
"Mã giao dịch", "Số bút toán"), a date often with its time, then totals, the closing
balance and signatures. Headers are found as for every list (common.spreadsheets.reader).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from common.parsers import parse_date
from common.spreadsheets.import_limits import ErrorList
from common.spreadsheets.reader import read_table
from common.spreadsheets.table import CellError, Column, SpreadsheetError
from common.text import clean_text, fold
from donations.models import MAX_AMOUNT_VND

# Order matters: a header that only contains a name is tried key by key in this order,
# so the description takes "Nội dung giao dịch" before "nợ" could, and the debit/credit
# columns take "Số tiền ghi có" before the signed amount's "số tiền" could.
STATEMENT_COLUMNS = [
    Column(
        "booked",
        "Ngày giao dịch",
        (
            "ngay gd",
            "ngay hach toan",
            "ngay ghi so",
            "ngay hieu luc",
            "thoi gian giao dich",
            "transaction date",
            "ngay",
            "date",
        ),
        True,
    ),
    Column(
        "reference",
        "Số tham chiếu",
        (
            "ma giao dich",
            "ma gd",
            "so giao dich",
            "so gd",
            "so but toan",
            "so chung tu",
            "so ct",
            "so ref",
            "reference",
            "ref no",
            "transaction no",
            "ma tham chieu",
        ),
    ),
    Column(
        "description",
        "Nội dung",
        (
            "noi dung giao dich",
            "dien giai",
            "mo ta",
            "chi tiet giao dich",
            "noi dung chi tiet",
            "description",
            "transaction details",
            "details",
        ),
        True,
    ),
    Column(
        "counterpart",
        "Tên đối ứng",
        (
            "ten tai khoan doi ung",
            "ten tk doi ung",
            "don vi chuyen",
            "nguoi chuyen",
            "ten nguoi chuyen",
            "ten khach hang doi ung",
            "doi tac",
            "beneficiary",
            "remitter",
        ),
    ),
    Column(
        "debit",
        "Ghi nợ",
        ("so tien ghi no", "phat sinh no", "so tien no", "tien ra", "rut ra", "so tien rut", "debit", "no"),
    ),
    Column(
        "credit",
        "Ghi có",
        ("so tien ghi co", "phat sinh co", "so tien co", "tien vao", "gui vao", "so tien gui", "credit", "co"),
    ),
    Column("amount", "Số tiền", ("so tien giao dich", "amount", "so tien (vnd)")),
    Column("balance", "Số dư", ("so du cuoi", "balance", "so du tai khoan")),
]

_TIME_TAIL = re.compile(r"^(\S+?)[ T]+\d{1,2}:\d{2}(:\d{2})?(\s*[AP]M)?$", re.IGNORECASE)
_MONEY = re.compile(r"^[+-]?\d{1,3}(?:([.,])\d{3})*(?:[.,]\d{1,2})?$|^[+-]?\d+(?:[.,]\d{1,2})?$")
# Rows that sum up or close the table: skipped, and the closing balance read from them.
_SUMMARY = ("tong", "cong", "so du", "phat sinh", "total", "closing", "opening", "ket chuyen")
_CLOSING = ("so du cuoi", "closing balance", "ending balance", "so du cuoi ky")


@dataclass
class Transaction:
    row: int
    booked_on: date
    reference: str
    description: str
    counterpart: str
    credit: int
    debit: int


@dataclass
class Statement:
    transactions: list[Transaction] = field(default_factory=list)
    closing_balance: int | None = None
    # Capped like every list's errors: the first IMPORT_ERRORS_KEPT in full, the others counted.
    errors: ErrorList = field(default_factory=ErrorList)
    file_error: str = ""


def parse_money(value: Any) -> int:
    """'5.000.000', '5,000,000.00', '-1.200.000', 5000000.0 → đồng (a whole number)."""
    if value is None or value == "":
        return 0
    if isinstance(value, bool):
        raise ValueError(_("“%(value)s” is not an amount.") % {"value": value})
    if isinstance(value, int | float):
        if float(value) != int(value):
            raise ValueError(_("%(value)s is not a whole number of đồng.") % {"value": value})
        return int(value)
    text = re.sub(r"(?i)\s*(vnd|vnđ|đ|₫)\s*$", "", clean_text(value)).replace(" ", "")
    if not text or text in ("-", "0"):
        return 0
    if not _MONEY.match(text):
        raise ValueError(_("“%(value)s” is not an amount.") % {"value": clean_text(value)})
    sign = -1 if text.startswith("-") else 1
    text = text.lstrip("+-")
    decimals = re.search(r"[.,](\d{1,2})$", text)
    if decimals:
        if int(decimals.group(1)):
            raise ValueError(_("%(value)s is not a whole number of đồng.") % {"value": clean_text(value)})
        text = text[: decimals.start()]
    return sign * int(re.sub(r"[.,]", "", text))


def parse_booked(value: Any) -> date:
    if isinstance(value, str):
        text = clean_text(value)
        match = _TIME_TAIL.match(text)
        value = match.group(1) if match else text
    return parse_date(value)


def _is_summary(row, values: dict[str, Any]) -> bool:
    """A totals or balance line: no date, and a label such as "Tổng cộng", "Số dư đầu kỳ" in any cell."""
    try:
        parse_booked(values.get("booked"))
    except ValueError:
        return any(fold(cell).startswith(_SUMMARY) for cell in row.cells if isinstance(cell, str))
    return False


def _closing_from(grid: list[list[Any]], after_row: int) -> int | None:
    """The amount on a "Số dư cuối kỳ" line below the header, if the statement prints one."""
    for cells in grid[after_row:]:
        for index, cell in enumerate(cells):
            if isinstance(cell, str) and fold(cell).startswith(_CLOSING):
                for later in cells[index + 1 :]:
                    try:
                        amount = parse_money(later)
                    except ValueError:
                        continue
                    if later not in (None, ""):
                        return amount
    return None


def synthetic_reference(booked_on: date, amount: int, description: str, balance: Any) -> str:
    """For the rare export without a reference column: the same row always gets the same one."""
    key = f"{booked_on.isoformat()}|{amount}|{fold(description)}|{clean_text(balance)}"
    return "SK-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:20].upper()


def _transaction(row, values: dict[str, Any], errors: list[CellError]) -> Transaction | None:
    def fail(column: str, message: str) -> None:
        errors.append(CellError(row.number, column, message))

    try:
        booked_on = parse_booked(values.get("booked"))
    except ValueError as error:
        fail("booked", str(error))
        return None
    try:
        credit, debit = parse_money(values.get("credit")), parse_money(values.get("debit"))
        signed = parse_money(values.get("amount")) if not (credit or debit) else 0
    except ValueError as error:
        fail("amount", str(error))
        return None
    credit, debit = credit + max(signed, 0), debit + max(-signed, 0)
    if credit < 0 or debit < 0 or (credit and debit) or not (credit or debit):
        fail("amount", _("A transaction needs one amount, in or out, more than 0 ₫."))
        return None
    if max(credit, debit) > MAX_AMOUNT_VND:
        fail("amount", _("The amount is larger than any gift could be; check the cell."))
        return None
    description = clean_text(values.get("description"))[:500]
    reference = clean_text(values.get("reference")).replace(" ", "")[:60]
    if not reference:
        reference = synthetic_reference(booked_on, credit - debit, description, values.get("balance"))
    return Transaction(
        row.number, booked_on, reference, description, clean_text(values.get("counterpart"))[:200], credit, debit
    )


def read_statement(file, filename: str) -> Statement:
    statement = Statement()
    try:
        table = read_table(file, filename, STATEMENT_COLUMNS)
    except SpreadsheetError as error:
        statement.file_error = str(error)
        return statement
    keys = table.column_numbers.keys()
    if not ({"credit", "debit"} & keys or "amount" in keys):
        statement.file_error = _("The statement lacks the amount columns: Ghi nợ and Ghi có, or Số tiền.")
        return statement
    seen: dict[str, int] = {}
    last_balance = None
    for row in table.rows:
        values = row.values
        if _is_summary(row, values):
            continue
        found = _transaction(row, values, statement.errors)
        if found is None:
            continue
        if found.reference in seen:
            statement.errors.append(
                CellError(
                    row.number, "reference", _("Row %(row)s has the same reference.") % {"row": seen[found.reference]}
                )
            )
            continue
        seen[found.reference] = row.number
        statement.transactions.append(found)
        if values.get("balance") is not None:
            last_balance = values.get("balance")
    closing = _closing_from(table.grid, table.header_row)
    if closing is None and last_balance is not None:
        try:
            closing = parse_money(last_balance)
        except ValueError:
            closing = None
    statement.closing_balance = closing
    return statement
