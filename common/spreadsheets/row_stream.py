"""A list read row by row, so a 100,000-row file never becomes a grid of Python cells.

`stream_table` makes the same checks as `spreadsheets.read_table` (extension,
size, zip bombs, the sheet's real extent) and finds the header the same way,
then hands the rows over one at a time: python-calamine's `iter_rows()` for
.xlsx, .xls and .ods, the csv reader for .csv. Legacy-font text is converted
as in `read_table`: the file's encoding is decided on the same first cells
(`legacy_encoding.file_encoding`), and the notices are complete once every row
has been taken. Only the rare .xlsx with formulas is read whole (openpyxl).
A row's cells are the reader's own list: a caller that lets a row go frees it.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from python_calamine import CalamineSheet, CalamineWorkbook

from common.spreadsheets.csv_encoding import CsvEncodingError, decode_csv
from common.spreadsheets.legacy_encoding import _convert_row, conversion_notice, file_encoding
from common.spreadsheets.reader import (
    _HEADER_SEARCH_ROWS,
    BinaryFile,
    _find_header,
    _is_footer,
    _read_xlsx_keeping_formulas,
    checked_bytes,
    no_header_error,
)
from common.spreadsheets.table import Column, Row, SpreadsheetError, Table, clean_cell

# legacy_encoding.file_encoding decides on this many non-ASCII cells.
_ENCODING_SAMPLE = 3000


@dataclass
class StreamedTable:
    """The header as `read_table` finds it (`table` has no rows and no grid) and the data rows, lazily."""

    table: Table
    rows: Iterator[Row]
    # At most this many data rows (blank rows and a footer are counted too): for a progress bar.
    size_hint: int


def stream_table(file: BinaryFile, filename: str, columns: Sequence[Column]) -> StreamedTable:
    """The list in `file`; SpreadsheetError (also while the rows are taken) with a message for the user."""
    data, extension, has_formulas = checked_bytes(file, filename)

    notices: list[str] = []
    if extension == ".csv":
        lines, height = _csv_rows(data, notices)
        sheet_name, found = "", _header(_Converting(lines, notices), columns)
    elif has_formulas:
        sheet_name, grid = _read_xlsx_keeping_formulas(data, columns, notices)  # converted already
        found, height = _header(_Plain(grid), columns), len(grid)
    else:
        sheet_name, found, height = _workbook_header(data, columns, notices)
    del data
    if found is None:
        raise no_header_error(columns)
    source, header_index, positions = found
    missing = [c.header for c in columns if c.required and c.key not in positions]
    if missing:
        raise SpreadsheetError(_("The list lacks the columns: %(headers)s.") % {"headers": ", ".join(missing)})
    table = Table(
        rows=[],
        header_row=header_index + 1,
        column_numbers={key: i + 1 for key, i in positions.items()},
        sheet_name=sheet_name,
        notices=notices,
    )
    return StreamedTable(table, _data_rows(source, header_index, positions), max(height - header_index - 1, 0))


class _Plain:
    """Rows as read; `head` holds the first ones, kept for the header search."""

    def __init__(self, rows: Iterable[list[Any]]):
        self._rows = iter(rows)
        self.head: list[list[Any]] = []

    def fill_head(self) -> None:
        for cells in self._rows:
            self.head.append(cells)
            if len(self.head) >= _HEADER_SEARCH_ROWS:
                break

    def __iter__(self) -> Iterator[list[Any]]:
        head, self.head = self.head, []
        yield from head
        yield from self._rows


class _Converting(_Plain):
    """Rows with legacy-font text converted, the file's encoding decided on the first cells as in convert_grid."""

    def __init__(self, rows: Iterable[list[Any]], notices: list[str]):
        super().__init__(rows)
        self._notices = notices
        self._converted: Counter[str] = Counter()
        self._encoding: str | None = None

    def fill_head(self) -> None:
        seen = 0
        for cells in self._rows:
            self.head.append(cells)
            seen += sum(1 for cell in cells if cell.__class__ is str and not cell.isascii())
            if seen >= _ENCODING_SAMPLE and len(self.head) >= _HEADER_SEARCH_ROWS:
                break
        self._encoding = file_encoding(self.head, _ENCODING_SAMPLE)
        for cells in self.head:
            _convert_row(cells, self._encoding, self._converted)

    def __iter__(self) -> Iterator[list[Any]]:
        head, self.head = self.head, []
        yield from head
        for cells in self._rows:
            _convert_row(cells, self._encoding, self._converted)
            yield cells
        for name, count in self._converted.most_common():
            self._notices.append(conversion_notice(name, count))


def _header(source: _Plain, columns: Sequence[Column]) -> tuple[_Plain, int, dict[str, int]] | None:
    source.fill_head()
    found = _find_header(source.head, columns)
    return None if found is None else (source, *found)


def _csv_rows(data: bytes, notices: list[str]) -> tuple[Iterator[list[Any]], int]:
    """The rows of a CSV file, lazily, and how many lines it has."""
    try:
        text, found = decode_csv(data)
    except CsvEncodingError as exc:
        raise SpreadsheetError(str(exc)) from None
    notices += found
    if "\x00" in text:
        raise SpreadsheetError(_("The file is damaged or is not a spreadsheet."))
    try:
        dialect: Any = csv.Sniffer().sniff(text[:20_000], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return _csv_reading(csv.reader(io.StringIO(text), dialect)), text.count("\n") + 1


def _csv_reading(reader: Iterator[list[str]]) -> Iterator[list[Any]]:
    try:
        for row in reader:
            yield list(row)
    except csv.Error:
        raise SpreadsheetError(
            _("The CSV file is damaged (a quote is not closed or a cell is far too long).")
        ) from None


def _workbook_header(
    data: bytes, columns: Sequence[Column], notices: list[str]
) -> tuple[str, tuple[_Plain, int, dict[str, int]] | None, int]:
    """The first sheet with a header, as `spreadsheets._read_workbook` chooses it, and its height."""
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = [(name, workbook.get_sheet_by_name(name)) for name in workbook.sheet_names]
    except Exception:  # calamine raises its own error types for every kind of damage
        raise SpreadsheetError(_("The file is damaged or is not a spreadsheet.")) from None
    max_cells = settings.SPREADSHEET_MAX_CELLS
    for name, sheet in sheets:
        if sheet.total_height * max(sheet.total_width, 1) > max_cells:
            raise SpreadsheetError(_("A sheet of the file has far more cells than a list can have; it was refused."))
        # Conversion notices are added when the rows run out: a sheet left unread adds none.
        found = _header(_Converting(_sheet_rows(sheet), notices), columns)
        if found is not None:
            return name, found, sheet.total_height
    return (sheets[0][0] if sheets else ""), None, 0


def _sheet_rows(sheet: CalamineSheet) -> Iterator[list[Any]]:
    """Rows as `to_python(skip_empty_area=False)` has them: iter_rows() starts at row 1 but at the first used column."""
    start = sheet.start
    pad = [""] * start[1] if start else []
    for cells in sheet.iter_rows():
        yield pad + cells if pad else cells


def _data_rows(source: _Plain, header_index: int, positions: dict[str, int]) -> Iterator[Row]:
    """The rows below the header up to a footer, blank ones skipped, numbered as Excel shows them."""
    data_positions = [i for key, i in positions.items() if key != "stt"]
    first = data_positions[0] if data_positions else None  # none: every row is blank, as before
    rows = iter(source)
    for index, cells in enumerate(rows):
        if index <= header_index:
            continue
        if _is_footer(cells):
            for _cells in rows:  # converted and counted for the notices like the rest of the file
                pass
            return
        # Most rows start with a letter or digit in their first column, which no cleaning removes.
        lead = cells[first] if first is not None and first < len(cells) else None
        if not (lead.__class__ is str and lead[:1].isalnum()) and all(
            i >= len(cells) or clean_cell(cells[i]) is None for i in data_positions
        ):
            continue
        yield Row(index + 1, cells, positions)
