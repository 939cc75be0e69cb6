"""PLACEHOLDER until the lead's students/spreadsheets.py lands on main: take main's version on merge."""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any


class SpreadsheetError(Exception):
    pass


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    aliases: tuple[str, ...] = ()
    required: bool = False


@dataclass
class Row:
    number: int
    values: dict[str, Any]


@dataclass
class Table:
    rows: list[Row]
    header_row: int
    column_numbers: dict[str, int]


@dataclass
class CellError:
    row: int
    column: str
    message: str

    def as_dict(self, columns) -> dict:
        headers = {c.key: c.header for c in columns}
        return {"row": self.row, "column": headers.get(self.column, ""), "message": self.message}


def clean_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(unicodedata.normalize("NFC", str(value)).split())


def fold(value) -> str:
    text = clean_text(value).lower().replace("đ", "d")
    text = "".join(ch for ch in unicodedata.normalize("NFD", text) if unicodedata.category(ch) != "Mn")
    return " ".join(text.split())


def read_table(file, filename: str, columns) -> Table:
    from python_calamine import CalamineWorkbook

    data = file.read()
    try:
        sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    except Exception as error:
        raise SpreadsheetError("Không đọc được tệp.") from error
    wanted = {fold(c.header): c.key for c in columns} | {fold(a): c.key for c in columns for a in c.aliases}
    for index, cells in enumerate(sheet):
        found = {wanted[fold(v)]: n for n, v in enumerate(cells) if fold(v) in wanted}
        if all(c.key in found for c in columns if c.required) and found:
            rows = []
            for number, values in enumerate(sheet[index + 1 :], start=index + 2):
                row = {
                    key: (clean_text(values[n]) if isinstance(values[n], str) else values[n])
                    for key, n in found.items()
                }
                row = {k: (None if v == "" else v) for k, v in row.items()}
                if any(v not in (None, "") for v in row.values()):
                    rows.append(Row(number, row))
            return Table(rows, index + 1, {k: n + 1 for k, n in found.items()})
    raise SpreadsheetError("Không tìm thấy dòng tiêu đề.")


def parse_int(value) -> int:
    if isinstance(value, bool):
        raise ValueError("Không phải số.")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    digits = re.sub(r"[.\sđ₫]", "", clean_text(value))
    if not digits.isdigit():
        raise ValueError(f"“{clean_text(value)}” không phải số.")
    return int(digits)


def parse_phone(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    digits = re.sub(r"[\s.\-]", "", clean_text(value))
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    if len(digits) == 9 and digits.isdigit():
        digits = "0" + digits
    if not (len(digits) == 10 and digits.isdigit() and digits.startswith("0")):
        raise ValueError(f"“{clean_text(value)}” không phải số điện thoại di động 10 chữ số.")
    return digits


def parse_yes(value) -> bool:
    if value in (None, "", 0, False):
        return False
    if value in (1, True):
        return True
    key = fold(value)
    if key in ("x", "co", "1", "true"):
        return True
    if key in ("khong", "0", "false"):
        return False
    raise ValueError(f"“{clean_text(value)}”: ghi “có” hoặc để trống.")


def parse_date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = clean_text(value)
    for pattern in ("%d/%m/%Y", "%d-%m-%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"“{text}” không phải ngày dd/mm/yyyy.")
