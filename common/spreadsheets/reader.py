"""Reading the spreadsheets communes, associations and operators really send.

One reader for every import (pupils, schools, donations, hamlets, SIM lists):
.xlsx, .xls, .ods and .csv (UTF-8, UTF-16 or Windows-1258: csv_encoding.py),
text typed in the legacy TCVN3 and VNI fonts converted to Unicode NFC before
anything else sees it (legacy_encoding.py, told in `Table.notices`),
with title rows above the header, headers
in any order, case or without diacritics, blank rows and a "Tổng cộng" line or
signature block below the table. Rows keep the number Excel shows, so an
error message points at the cell the user sees. What it returns: table.py;
the values in the cells are parsed by common.parsers and common.phones.

python-calamine reads ten times faster than openpyxl (../shared/reference/IMPORT-NOTES.md);
openpyxl only writes (templates and marked-up copies: marked_up.py).
"""

from __future__ import annotations

import csv
import io
import zipfile
import zlib
from collections.abc import Sequence
from pathlib import PurePath
from typing import Any, Protocol

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook

from common.spreadsheets.csv_encoding import CsvEncodingError, decode_csv
from common.spreadsheets.legacy_encoding import convert_grid
from common.spreadsheets.sheet_extent import check_extent
from common.spreadsheets.table import Column, Row, SpreadsheetError, Table, clean_cell, fold_header
from common.text import fold


class BinaryFile(Protocol):
    """An uploaded file, a stored one or a BytesIO: read in bytes."""

    def read(self, size: int = -1, /) -> bytes: ...


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


def _check_size(file: BinaryFile) -> bytes:
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
            grid: list[list[Any]] = []
            cells = 0
            for row in sheet.iter_rows(values_only=True):
                cells += len(row)
                if cells > max_cells:
                    raise SpreadsheetError(
                        _("A sheet of the file has far more cells than a list can have; it was refused.")
                    )
                grid.append(list(row))
            found: list[str] = []
            if _find_header(convert_grid(grid, found), columns) is not None:
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
        found: list[str] = []
        grid = convert_grid(sheet.to_python(skip_empty_area=False), found)
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
        headers = {i: fold_header(cell) for i, cell in enumerate(cells) if isinstance(cell, str) and cell.strip()}
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
            if cell.__class__ in (int, float):
                return False  # a row's number (STT); every footer starts with a word
            text = fold(cell)
            return text.startswith(_FOOTER_STARTS)
    return False


def checked_bytes(file: BinaryFile, filename: str, *, max_rows: int | None = None) -> tuple[bytes, str, bool]:
    """The file's bytes, its extension and whether it is an .xlsx with formulas, once every check
    that comes before reading has passed: the extension, the size, the signature, zip bombs and
    the sheet's real extent (SpreadsheetError)."""
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
    # Before calamine or openpyxl allocates the cell grid; the same pass over the XML finds formulas.
    has_formulas = check_extent(data, extension, max_rows=max_rows)
    return data, extension, has_formulas


def no_header_error(columns: Sequence[Column]) -> SpreadsheetError:
    return SpreadsheetError(
        _("No header row was found. The list needs the columns: %(headers)s.")
        % {"headers": ", ".join(c.header for c in columns if c.required) or ", ".join(c.header for c in columns)}
    )


def read_table(file: BinaryFile, filename: str, columns: Sequence[Column], *, max_rows: int | None = None) -> Table:
    """The list in `file`, or SpreadsheetError with a message for the user (`max_rows`: a lower row limit)."""
    data, extension, has_formulas = checked_bytes(file, filename, max_rows=max_rows)

    notices: list[str] = []  # legacy fonts and encodings converted (legacy_encoding, csv_encoding)
    if extension == ".csv":
        sheet_name, grid = "", _read_csv(data, notices)
    elif has_formulas:
        sheet_name, grid = _read_xlsx_keeping_formulas(data, columns, notices)
    else:
        sheet_name, grid = _read_workbook(data, columns, notices)
    del data
    found = _find_header(grid, columns)
    if found is None:
        raise no_header_error(columns)
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
        if all(i >= len(cells) or clean_cell(cells[i]) is None for i in data_positions):
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
