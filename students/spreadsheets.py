"""Reading the spreadsheets communes, associations and operators really send.

One reader for every import (pupils, schools, donations, hamlets, SIM lists):
.xlsx, .xls, .ods and .csv (UTF-8, UTF-16 or Windows-1258: csv_encoding.py),
text typed in the legacy TCVN3 and VNI fonts converted to Unicode NFC before
anything else sees it (legacy_encoding.py, told in `Table.notices`),
with title rows above the header, headers
in any order, case or without diacritics, blank rows and a "Tổng cộng" line or
signature block below the table. Rows keep the number Excel shows, so an
error message points at the cell the user sees.

python-calamine reads ten times faster than openpyxl (../shared/reference/IMPORT-NOTES.md);
openpyxl only writes (templates and annotated files).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook

from students.csv_encoding import CsvEncodingError, decode_csv
from students.legacy_encoding import convert_grid

EXTENSIONS = (".xlsx", ".xls", ".ods", ".csv")
_ZIP_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# A zip that inflates beyond this many times its size, or beyond this size, is a bomb, not a list.
_MAX_COMPRESSION_RATIO = 200
_MAX_INFLATED_BYTES = 400 * 1024 * 1024
_HEADER_SEARCH_ROWS = 30
# A row starting with one of these ends the table: totals and signature blocks.
_FOOTER_STARTS = (
    "tong cong",
    "tong so",
    "cong:",
    "nguoi lap",
    "nguoi ky",
    "xac nhan",
    "chu tich",
    "hieu truong",
    "truong phong",
    "ky ten",
    "ky, ghi ro",
)
_SPACES = re.compile(r"\s+")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff\u00ad"), None)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class SpreadsheetError(Exception):
    """The file as a whole cannot be used; the message is for the user."""


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    aliases: tuple[str, ...] = ()
    required: bool = False

    def folded_names(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(_fold_header(name) for name in (self.header, *self.aliases)))


@dataclass
class Row:
    """A data row: its Excel number and its values by column key."""

    number: int
    cells: list[Any] = field(repr=False)
    positions: dict[str, int] = field(repr=False)

    @property
    def values(self) -> dict[str, Any]:
        cells = self.cells
        return {key: _clean_cell(cells[i] if i < len(cells) else None) for key, i in self.positions.items()}


@dataclass
class Table:
    rows: list[Row]
    header_row: int
    column_numbers: dict[str, int]
    sheet_name: str = ""
    # Every row as read, title rows included, for the annotated copy.
    grid: list[list[Any]] = field(default_factory=list, repr=False)
    # What the reader did to the file, for the uploader ("Tệp dùng bảng mã TCVN3, đã chuyển sang Unicode").
    notices: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class CellError:
    row: int
    column: str
    message: str

    def as_dict(self, columns: Sequence[Column]) -> dict[str, Any]:
        headers = {c.key: c.header for c in columns}
        return {"row": self.row, "column": headers.get(self.column, ""), "message": self.message}


# ---------------------------------------------------------------- text


def clean_text(value: Any) -> str:
    """NFC, no invisible characters, single spaces, trimmed; numbers without '.0'."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        return value.strftime("%d/%m/%Y")
    return _clean_str(str(value))


def _clean_str(text: str) -> str:
    # The hot path of every import: C-level string methods only.
    if not text.isascii():
        text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    if not text.isprintable():
        # Control characters would break every .xlsx and .docx written later.
        text = _CONTROL.sub(" ", text)
    return " ".join(text.split())


def _fold_table() -> dict[int, str | None]:
    """Each precomposed Latin letter to its base letter; combining marks dropped."""
    table: dict[int, str | None] = {ord("đ"): "d", ord("Đ"): "d"}
    for code in range(0xC0, 0x2000):
        base = "".join(c for c in unicodedata.normalize("NFD", chr(code)) if not unicodedata.combining(c))
        if base != chr(code) and base.isascii():
            table[code] = base.lower()
    table.update(dict.fromkeys(range(0x300, 0x370)))
    return table


_FOLD = _fold_table()


def fold(value: Any) -> str:
    """Lower case without diacritics: 'Nguyễn  Văn Ấn' → 'nguyen van an'.

    Old and new tone-mark placement ('Hòa'/'Hoà') fold to the same key.
    """
    text = _clean_str(value) if isinstance(value, str) else clean_text(value)
    return text.lower().translate(_FOLD) if not text.isascii() else text.lower()


# Categories (yes-marks, levels, schools, hamlets) repeat on every row.
fold_category = lru_cache(maxsize=8192, typed=True)(fold)


def _fold_header(value: Any) -> str:
    text = fold(value)
    text = re.sub(r"\(.*?\)|\*|:", " ", text)
    return _SPACES.sub(" ", text).strip(" .")


def _clean_cell(value: Any) -> Any:
    if isinstance(value, str):
        return _clean_str(value) or None
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    if value == "":
        return None
    return value


# ---------------------------------------------------------------- parsers

_DATE_TEXT = re.compile(r"^(\d{1,2})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T].*)?$")
_EXCEL_EPOCH = date(1899, 12, 30)


def parse_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and 1 <= value < 100_000:
        return _EXCEL_EPOCH + timedelta(days=int(value))
    text = clean_text(value)
    match = _DATE_TEXT.match(text)
    if match:
        day, month, year = (int(part) for part in match.groups())
    else:
        match = _ISO_DATE.match(text)
        if not match:
            raise ValueError(_("“%(value)s” is not a date; write it as dd/mm/yyyy.") % {"value": text})
        year, month, day = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(_("%(value)s is not a real date.") % {"value": text}) from None


_YES = {"x", "co", "1", "true", "yes", "c", "v", "✓", "✔"}
_NO = {"", "khong", "0", "false", "no", "k"}


def parse_yes(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    folded = fold_category(value)
    if folded in _YES:
        return True
    if folded in _NO:
        return False
    raise ValueError(
        _("“%(value)s” is not a yes-mark; write x for yes or leave it empty.") % {"value": clean_text(value)}
    )


_MOBILE = re.compile(r"^0(3[2-9]|5[2689]|7[06-9]|8[1-9]|9\d)\d{7}$")


def parse_phone(value: Any) -> str:
    """A Vietnamese mobile number as 10 digits starting with 0."""
    digits = re.sub(r"[\s.\-()]", "", clean_text(value))
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    elif len(digits) == 9 and digits.isdigit() and not digits.startswith("0"):
        digits = "0" + digits  # Excel dropped the leading zero.
    if not _MOBILE.match(digits):
        raise ValueError(
            _("“%(value)s” is not a Vietnamese mobile number (10 digits starting with 03, 05, 07, 08 or 09).")
            % {"value": clean_text(value)}
        )
    return digits


_MONEY_WORDS = re.compile(r"(?i)\s*(vnđ|vnd|đồng|dong|đ|₫|d)\.?\s*$")


def parse_int(value: Any) -> int:
    """A whole number as people type it: 5000000, '5.000.000', '5,000,000 đ', 5000000.0."""
    if isinstance(value, bool):
        raise ValueError(_("“%(value)s” is not a number.") % {"value": value})
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise ValueError(_("%(value)s is not a whole number.") % {"value": value})
    text = _MONEY_WORDS.sub("", clean_text(value))
    compact = text.replace(" ", "")
    if re.fullmatch(r"-?\d{1,3}([.,]\d{3})+", compact):
        compact = compact.replace(".", "").replace(",", "")
    if not re.fullmatch(r"-?\d+", compact):
        raise ValueError(_("“%(value)s” is not a number.") % {"value": clean_text(value)})
    return int(compact)


def parse_digits(value: Any, length: int, *, restore_leading_zero: bool = False) -> str:
    """An identifier of `length` digits, also when Excel stored it as a number."""
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(_("“%(value)s” is not an identifier.") % {"value": value})
        value = int(value)
    text = clean_text(value).replace(" ", "").replace(".", "")
    if re.fullmatch(r"\d+(,\d+)?[eE]\+?\d+", text):
        raise ValueError(
            _("Excel turned this number into “%(value)s” and lost its digits; format the column as Text.")
            % {"value": text}
        )
    if restore_leading_zero and len(text) == length - 1 and text.isdigit():
        text = "0" + text
    if not (len(text) == length and text.isdigit()):
        raise ValueError(
            _("“%(value)s” must have exactly %(length)s digits.") % {"value": clean_text(value), "length": length}
        )
    return text


# ---------------------------------------------------------------- reading


def _check_size(file) -> bytes:
    limit = settings.SPREADSHEET_MAX_BYTES
    size = getattr(file, "size", None)
    if size is not None and size > limit:
        raise SpreadsheetError(_too_big(limit))
    data = file.read(limit + 1)
    if len(data) > limit:
        raise SpreadsheetError(_too_big(limit))
    if not data:
        raise SpreadsheetError(_("The file is empty."))
    return data


def _too_big(limit: int) -> str:
    # filesizeformat: a limit under 1 MB (set lower for a test or a small server) must not read "0 MB".
    return _("The file is larger than %(size)s; split it or remove what is not the list.") % {
        "size": filesizeformat(limit)
    }


def _check_zip(data: bytes) -> None:
    """Refuse zip bombs and XML entity tricks before any parser sees the file."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise SpreadsheetError(_("The file is damaged or is not a spreadsheet.")) from None
    inflated = sum(member.file_size for member in members)
    if len(members) > 10_000 or inflated > min(max(len(data), 1) * _MAX_COMPRESSION_RATIO, _MAX_INFLATED_BYTES):
        raise SpreadsheetError(_("The file expands to far more than a spreadsheet holds; it was refused."))
    for member in members:
        if member.filename.endswith((".xml", ".rels")):
            try:
                with archive.open(member) as part:
                    head = part.read(4096)
            except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError, RuntimeError):
                raise SpreadsheetError(_("The file is damaged or is not a spreadsheet.")) from None
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                raise SpreadsheetError(_("The file contains XML declarations a spreadsheet never has; it was refused."))


_FORMULA = re.compile(rb"<(?:\w+:)?f[ >/]")


def _xlsx_has_formulas(data: bytes) -> bool:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for member in archive.namelist():
            if member.startswith("xl/worksheets/") and member.endswith(".xml"):
                with archive.open(member) as part:
                    tail = b""
                    while chunk := part.read(1 << 20):
                        if _FORMULA.search(tail + chunk):
                            return True
                        tail = chunk[-8:]
    return False


def _read_xlsx_keeping_formulas(
    data: bytes, columns: Sequence[Column], notices: list[str]
) -> tuple[str, list[list[Any]]]:
    """The slow path for the rare file with formulas: openpyxl gives a formula's text, never its result.

    calamine only knows the cached results; a formula's text is what we keep
    (and reject where it is no valid value), so nothing is ever evaluated.
    """
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        max_cells = settings.SPREADSHEET_MAX_CELLS
        for sheet in workbook.worksheets:
            grid, cells = [], 0
            for row in sheet.iter_rows(values_only=True):
                cells += len(row)
                if cells > max_cells:
                    raise SpreadsheetError(
                        _("A sheet of the file has far more cells than a list can have; it was refused.")
                    )
                grid.append(list(row))
            if _find_header(convert_grid(grid, found := []), columns) is not None:
                notices += found
                return sheet.title, grid
        return (workbook.sheetnames[0] if workbook.sheetnames else ""), []
    finally:
        workbook.close()


def _read_csv(data: bytes, notices: list[str]) -> list[list[Any]]:
    try:
        text, found = decode_csv(data)
    except CsvEncodingError as exc:
        raise SpreadsheetError(str(exc)) from None
    notices += found
    if "\x00" in text:
        raise SpreadsheetError(_("The file is damaged or is not a spreadsheet."))
    sample = text[:20_000]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        return convert_grid([list(row) for row in csv.reader(io.StringIO(text), dialect)], notices)
    except csv.Error:
        raise SpreadsheetError(
            _("The CSV file is damaged (a quote is not closed or a cell is far too long).")
        ) from None


def _read_workbook(data: bytes, columns: Sequence[Column], notices: list[str]) -> tuple[str, list[list[Any]]]:
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = [(name, workbook.get_sheet_by_name(name)) for name in workbook.sheet_names]
    except Exception:  # calamine raises its own error types for every kind of damage
        raise SpreadsheetError(_("The file is damaged or is not a spreadsheet.")) from None
    max_cells = settings.SPREADSHEET_MAX_CELLS
    for name, sheet in sheets:
        if sheet.total_height * max(sheet.total_width, 1) > max_cells:
            raise SpreadsheetError(_("A sheet of the file has far more cells than a list can have; it was refused."))
        grid = convert_grid(sheet.to_python(skip_empty_area=False), found := [])
        if _find_header(grid, columns) is not None:
            notices += found
            return name, grid
    return (sheets[0][0], []) if sheets else ("", [])


def _find_header(grid: list[list[Any]], columns: Sequence[Column]) -> tuple[int, dict[str, int]] | None:
    """The header row (0-based) and each column's position, or None."""
    wanted = [(c.key, c.folded_names()) for c in columns]
    required = {c.key for c in columns if c.required} or {c.key for c in columns}
    best: tuple[int, dict[str, int]] | None = None
    for index, cells in enumerate(grid[:_HEADER_SEARCH_ROWS]):
        headers = {i: _fold_header(cell) for i, cell in enumerate(cells) if isinstance(cell, str) and cell.strip()}
        positions: dict[str, int] = {}
        for key, names in wanted:  # exact names first
            for i, text in headers.items():
                if text in names and i not in positions.values():
                    positions[key] = i
                    break
        for key, names in wanted:  # then a header that contains a known name
            if key in positions:
                continue
            for i, text in headers.items():
                if i not in positions.values() and any(name and name in text for name in names):
                    positions[key] = i
                    break
        found_required = len(required & positions.keys())
        if found_required >= min(2, len(required)) and (best is None or len(positions) > len(best[1])):
            best = (index, positions)
    return best


def _is_footer(cells: list[Any]) -> bool:
    for cell in cells:
        if cell not in (None, ""):
            text = fold(cell)
            return text.startswith(_FOOTER_STARTS)
    return False


def read_table(file, filename: str, columns: Sequence[Column], *, max_rows: int | None = None) -> Table:
    """The list in `file`, or SpreadsheetError with a message for the user (`max_rows`: a lower row limit)."""
    extension = PurePath(filename or "").suffix.lower()
    if extension not in EXTENSIONS:
        raise SpreadsheetError(
            _("“%(name)s” is not a spreadsheet; upload an .xlsx, .xls, .ods or .csv file.") % {"name": filename}
        )
    data = _check_size(file)
    expected_magic = {".xlsx": _ZIP_MAGIC, ".ods": _ZIP_MAGIC, ".xls": _OLE2_MAGIC}.get(extension)
    if expected_magic and not data.startswith(expected_magic):
        raise SpreadsheetError(_("The file is damaged or is not a spreadsheet."))
    if extension == ".csv" and data.startswith((_ZIP_MAGIC, _OLE2_MAGIC)):
        raise SpreadsheetError(_("The file is damaged or is not a spreadsheet."))
    if expected_magic == _ZIP_MAGIC:
        _check_zip(data)
    from students.sheet_extent import check_extent  # imports this module

    check_extent(data, extension, max_rows=max_rows)  # before calamine or openpyxl allocates the cell grid

    notices: list[str] = []  # legacy fonts and encodings converted (legacy_encoding, csv_encoding)
    if extension == ".csv":
        sheet_name, grid = "", _read_csv(data, notices)
    elif extension == ".xlsx" and _xlsx_has_formulas(data):
        sheet_name, grid = _read_xlsx_keeping_formulas(data, columns, notices)
    else:
        sheet_name, grid = _read_workbook(data, columns, notices)
    del data
    found = _find_header(grid, columns)
    if found is None:
        raise SpreadsheetError(
            _("No header row was found. The list needs the columns: %(headers)s.")
            % {"headers": ", ".join(c.header for c in columns if c.required) or ", ".join(c.header for c in columns)}
        )
    header_index, positions = found
    missing = [c.header for c in columns if c.required and c.key not in positions]
    if missing:
        raise SpreadsheetError(_("The list lacks the columns: %(headers)s.") % {"headers": ", ".join(missing)})

    data_positions = [i for key, i in positions.items() if key != "stt"]
    rows = []
    for index in range(header_index + 1, len(grid)):
        cells = grid[index]
        if _is_footer(cells):
            break
        if all(i >= len(cells) or _clean_cell(cells[i]) is None for i in data_positions):
            continue
        rows.append(Row(index + 1, cells, positions))
    return Table(
        rows=rows,
        header_row=header_index + 1,
        column_numbers={key: i + 1 for key, i in positions.items()},
        sheet_name=sheet_name,
        grid=grid,
        notices=notices,
    )


# ---------------------------------------------------------------- annotated copy


def annotated_workbook(table: Table, columns: Sequence[Column], errors: Sequence[CellError]) -> bytes:
    """The uploaded sheet back as .xlsx, wrong cells in red with a comment each.

    Rows and columns stay where the user had them, so the messages match.
    A last column "Lỗi" sums up each wrong row.
    """
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill

    red = PatternFill("solid", fgColor="FFC7CE")
    by_cell: dict[tuple[int, int], list[str]] = {}
    by_row: dict[int, list[str]] = {}
    headers = {c.key: c.header for c in columns}
    for error in errors:
        column = table.column_numbers.get(error.column)
        by_row.setdefault(error.row, []).append(
            f"{headers[error.column]}: {error.message}" if error.column in headers else error.message
        )
        if column:
            by_cell.setdefault((error.row, column), []).append(error.message)

    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = (table.sheet_name or "Danh sách")[:31]
    width = max((len(r) for r in table.grid), default=0)
    error_column = width + 1
    for index, cells in enumerate(table.grid, start=1):
        for col, value in enumerate(cells, start=1):
            if value in (None, ""):
                continue
            cell = sheet.cell(row=index, column=col, value=value)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # the user's text, never a formula Excel would run
            if isinstance(value, date):
                cell.number_format = "dd/mm/yyyy"
        if index == table.header_row:
            sheet.cell(row=index, column=error_column, value=_("Errors")).font = Font(bold=True, color="9C0006")
        if index in by_row:
            sheet.cell(row=index, column=error_column, value="; ".join(by_row[index])).font = Font(color="9C0006")
    for (row, col), messages in by_cell.items():
        cell = sheet.cell(row=row, column=col)
        cell.fill = red
        cell.comment = Comment("\n".join(messages), "Phòng GD&ĐT")
    sheet.column_dimensions[sheet.cell(row=1, column=error_column).column_letter].width = 60
    if table.notices:  # what the reader converted, next to the errors and on a sheet of its own
        sheet.cell(row=table.header_row, column=error_column).comment = Comment("\n".join(table.notices), "Phòng GD&ĐT")
        notes = workbook.create_sheet(_("Notes")[:31])
        for index, notice in enumerate(table.notices, start=1):
            notes.cell(row=index, column=1, value=notice)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
