"""A spreadsheet's real extent, found before any reader allocates its cell grid.

python-calamine allocates the rectangle from the first to the last cell that
holds a value: a 5 KB .xlsx with one value at XFD1048576 asks for half a
terabyte and aborts the process. So every upload is measured first, from the
cells themselves (a sheet's `<dimension>` tag, like an .xls DIMENSIONS
record, can lie): .xlsx worksheets are scanned as a stream, .ods rows and
cells are counted with their repeat counts, .xls records are walked
(common/spreadsheets/xls_extent.py), a .csv's lines are counted. A sheet over the limits
(settings SPREADSHEET_MAX_ROWS, SPREADSHEET_MAX_COLUMNS, SPREADSHEET_MAX_CELLS)
is refused with a message that says where the far cell is.
"""

from __future__ import annotations

import io
import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any
from xml.parsers import expat

from django.conf import settings
from django.utils.translation import gettext as _

from common.spreadsheets.table import SpreadsheetError

_CHUNK = 1 << 20
# A tag longer than this is no spreadsheet's.
_MAX_CARRY = 8 << 20


@dataclass
class Extent:
    """The bounding box of the cells that hold something, 1-based (0 = no such cell)."""

    rows: int = 0
    columns: int = 0
    # Cells a reader would create, with repeats expanded (an .ods row repeated a million times).
    cells: int = 0
    # An .xlsx sheet with a formula, seen in the same pass (its text is read with openpyxl).
    formulas: bool = False

    def add(self, row: int, column: int, count: int = 1) -> None:
        self.rows = max(self.rows, row)
        self.columns = max(self.columns, column)
        self.cells += count


def column_letters(number: int) -> str:
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters or "A"


# A lower row limit for one reading (a list imported while the browser waits).
_row_limit: ContextVar[int | None] = ContextVar("row_limit", default=None)


def check(extent: Extent) -> None:
    """SpreadsheetError when `extent` is beyond what a list can be."""
    max_rows = min(settings.SPREADSHEET_MAX_ROWS, _row_limit.get() or settings.SPREADSHEET_MAX_ROWS)
    max_columns = settings.SPREADSHEET_MAX_COLUMNS
    if extent.rows > max_rows or extent.columns > max_columns:
        raise SpreadsheetError(
            _(
                "A sheet of the file has a cell at row %(row)s, column %(column)s; a list has at most "
                "%(max_rows)s rows and %(max_columns)s columns. Delete what lies below or to the right "
                "of the list (or split the list) and upload it again."
            )
            % {
                "row": f"{extent.rows:,}".replace(",", "."),
                "column": column_letters(extent.columns),
                "max_rows": f"{max_rows:,}".replace(",", "."),
                "max_columns": max_columns,
            }
        )
    if max(extent.cells, extent.rows * extent.columns) > settings.SPREADSHEET_MAX_CELLS:
        raise SpreadsheetError(_("A sheet of the file has far more cells than a list can have; it was refused."))


def check_extent(data: bytes, extension: str, *, max_rows: int | None = None) -> bool:
    """Refuse a file whose sheets are too large, before python-calamine or openpyxl reads it.

    Returns whether a sheet of an .xlsx has a formula, found in the same pass over its XML.
    """
    token = _row_limit.set(max_rows)
    try:
        return _check_extent(data, extension)
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, OSError, EOFError, struct.error):
        # Damage the zip check could not see (a part that does not inflate, an encrypted part).
        raise SpreadsheetError(_("The file is damaged or is not a spreadsheet.")) from None
    finally:
        _row_limit.reset(token)


def _check_extent(data: bytes, extension: str) -> bool:
    formulas = False
    if extension == ".csv":
        check(Extent(rows=data.count(b"\n") + 1, columns=1))
    elif extension == ".xlsx":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for name in _xlsx_worksheets(archive):
                extent = _xlsx_sheet_extent(archive, name)
                check(extent)
                formulas = formulas or extent.formulas
    elif extension == ".ods":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            _ods_check(archive)
    elif extension == ".xls":
        from common.spreadsheets.xls_extent import xls_extents

        for extent in xls_extents(data):
            check(extent)
    return formulas


# ---------------------------------------------------------------- .xlsx

_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*>")
_ATTRIBUTE = re.compile(rb"""(\w+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def _xlsx_worksheets(archive: zipfile.ZipFile) -> list[str]:
    """Every part a reader may take for a worksheet: xl/worksheets/ and what the workbook's relations name."""
    names = set(archive.namelist())
    found = {name for name in names if name.startswith("xl/worksheets/") and name.endswith(".xml")}
    if "xl/_rels/workbook.xml.rels" in names:
        with archive.open("xl/_rels/workbook.xml.rels") as part:
            rels = part.read(4 << 20)
        for tag in _RELATIONSHIP.findall(rels):
            attributes = {m[0]: m[1] or m[2] for m in _ATTRIBUTE.findall(tag)}
            target = attributes.get(b"Target", b"").decode("utf-8", "replace")
            if b"worksheet" in attributes.get(b"Type", b"") or b"chartsheet" in attributes.get(b"Type", b""):
                path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
                if path in names:
                    found.add(path)
    return sorted(found)


def _chunks(archive: zipfile.ZipFile, name: str) -> Iterator[bytes]:
    """The part's text in pieces that each end at a '>', so no tag is cut in two."""
    carry = b""
    with archive.open(name) as part:
        while chunk := part.read(_CHUNK):
            chunk = carry + chunk
            cut = chunk.rfind(b">") + 1
            carry = chunk[cut:]
            if len(carry) > _MAX_CARRY:
                raise SpreadsheetError(_("The file is damaged or is not a spreadsheet."))
            if cut:
                yield chunk[:cut]
    if carry:
        yield carry


# Every writer we know (Excel, LibreOffice, openpyxl, WPS) starts a cell with its place: <c r="B7" ...>.
# A cell that is not self-closing holds something (`<c r="B2" s="1"/>` is only a format and no reader
# keeps it); a cell's attributes (r, s, t, cm, vm, ph) never contain '/'.
_ROW_TAG = re.compile(rb'<row r="(\d{1,9})"')
_TWO_LETTERS = re.compile(rb'<c r="[A-Z]{2}')
_FULL_CELL_COLUMN = re.compile(rb'<c r="([A-Z]{1,3})\d{1,9}"[^>/]*>')
_LETTERS = [(bytes([letter]), letter - 64) for letter in range(ord("Z"), ord("A") - 1, -1)]
_FORMULA = re.compile(rb"<(?:\w+:)?f[ >/]")


def _has_formula(piece: bytes) -> bool:
    # Two substring searches rule out nearly every piece; the pattern confirms (<filterColumn> is no formula).
    return (b"<f" in piece or b":f" in piece) and _FORMULA.search(piece) is not None


_MAIN_NAMESPACE_PREFIX = re.compile(
    rb'xmlns:\w+\s*=\s*["\'](?:http://schemas\.openxmlformats\.org/spreadsheetml/2006/main'
    rb'|http://purl\.oclc\.org/ooxml/spreadsheetml/main)["\']'
)


def _plainly_referenced(piece: bytes, cells: int) -> bool:
    """True when every cell of `piece` is written <c r="..." (no cell without its place).

    Counting is the fast test; a piece with other tags starting "<c" (<cols>, <cfRule>…) is looked at closely.
    """
    if piece.count(b"<c") == cells:
        return True
    return not (b"<c>" in piece or b"<c/" in piece or re.search(rb"<c\s+(?!r=)[^>]*>", piece))


def _full_cell_rows(piece: bytes, digits: int) -> list[int]:
    """Rows of the cells with a value whose row number has `digits` digits or more."""
    pattern = re.compile(rb'<c r="[A-Z]{1,3}(\d{%d,9})"[^>/]*>' % digits)
    return [int(row) for row in pattern.findall(piece)]


def _piece_columns(piece: bytes, known: int) -> int:
    """The last column of `piece` with a value, or `known` when none lies beyond it."""
    beyond = rb'<c r="(?:[A-Z]{2}|[%c-Z]\d)' % (65 + known) if known < 26 else rb'<c r="[A-Z]{2}'
    if not re.search(beyond, piece):
        return known
    if _TWO_LETTERS.search(piece):
        return max(map(_column_number, set(_FULL_CELL_COLUMN.findall(piece))), default=0)
    for letter, number in _LETTERS:
        if b'<c r="' + letter in piece:
            return number
    return 0


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number


def _xlsx_sheet_extent(archive: zipfile.ZipFile, name: str) -> Extent:
    """At C speed: the rows named by the row tags, checked against the cells' own places.

    A cell may name a row far below its row tag: any cell whose row has more digits than the
    piece's last row tag, or as many digits as the row limit, is read exactly.
    """
    extent = Extent()
    limit_digits = len(str(settings.SPREADSHEET_MAX_ROWS))
    for number, piece in enumerate(_chunks(archive, name)):
        cells = piece.count(b'<c r="')
        if (number == 0 and _MAIN_NAMESPACE_PREFIX.search(piece)) or not _plainly_referenced(piece, cells):
            return _xlsx_sheet_extent_counted(archive, name)
        if not extent.formulas and _has_formula(piece):
            extent.formulas = True
        if not cells:
            continue
        tagged = _ROW_TAG.findall(piece)
        last_tag = max(map(int, tagged), default=0)
        digits = min(len(str(last_tag)) + 1, limit_digits) if tagged else 1
        rows = _full_cell_rows(piece, digits)
        if rows or not tagged:
            last_tag = max([*rows, last_tag]) if rows else last_tag
        if not tagged and not rows:
            last_tag = max(_full_cell_rows(piece, 1), default=0)
        extent.add(last_tag, _piece_columns(piece, extent.columns), cells)
        check(extent)  # early: the rest of a hostile sheet need not be read
    return extent


def _xlsx_sheet_extent_counted(archive: zipfile.ZipFile, name: str) -> Extent:
    """Cells without a reference sit after the previous one: follow them as a reader does."""
    extent = Extent()
    state: dict[str, Any] = {"row": 0, "column": 0, "cell": None}

    def start(tag: str, attributes: dict[str, str]) -> None:
        local = tag.rpartition(":")[2]
        if local == "f":
            extent.formulas = True
        if local == "row":
            reference = attributes.get("r", "")
            state["row"] = int(reference) if reference.isdigit() else state["row"] + 1
            state["column"] = 0
        elif local == "c":
            match = re.fullmatch(r"([A-Za-z]{1,3})(\d{1,9})", attributes.get("r", ""))
            if match:
                state["column"], state["row"] = _column_number(match[1].encode()), int(match[2])
            else:
                state["column"] += 1
            state["cell"] = (state["row"], state["column"])
        elif local in ("v", "is", "f") and state["cell"]:
            extent.add(*state["cell"])
            state["cell"] = None
            if extent.cells % 4096 == 0:
                check(extent)

    _parse(archive, name, start)
    return extent


def _parse(
    archive: zipfile.ZipFile,
    name: str,
    start: Callable[[str, dict[str, str]], None],
    end: Callable[[str], None] | None = None,
) -> None:
    parser = expat.ParserCreate()
    parser.StartElementHandler = start
    if end is not None:
        parser.EndElementHandler = end
    try:
        with archive.open(name) as part:
            while chunk := part.read(_CHUNK):
                parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except (expat.ExpatError, ValueError, zipfile.BadZipFile, OSError, EOFError):
        raise SpreadsheetError(_("The file is damaged or is not a spreadsheet.")) from None


# ---------------------------------------------------------------- .ods


def _repeat(attributes: dict[str, str], name: str) -> int:
    value = attributes.get(name, "1")
    return int(value) if value.isdigit() and 0 < len(value) < 10 else 1


def _ods_check(archive: zipfile.ZipFile) -> None:
    """Rows and cells with their repeat counts; only cells that hold something make the extent."""
    if "content.xml" not in archive.namelist():
        return  # not an OpenDocument spreadsheet: the reader says so
    state: dict[str, Any] = {"extent": None, "row": 0, "repeat": 1, "column": 0, "cell": None, "filled": 0}

    def start(tag: str, attributes: dict[str, str]) -> None:
        local = tag.rpartition(":")[2]
        if local == "table":
            state["extent"], state["row"] = Extent(), 0
        elif local == "table-row":
            state["repeat"] = _repeat(attributes, "table:number-rows-repeated")
            state["column"], state["filled"] = 0, 0
        elif local in ("table-cell", "covered-table-cell"):
            span = _repeat(attributes, "table:number-columns-repeated")
            state["cell"] = (state["column"] + 1, span)
            state["column"] += span
            if "office:value-type" in attributes:
                _ods_fill(state)
        elif state["cell"] is not None and local in ("p", "h", "span", "a"):
            _ods_fill(state)

    def end(tag: str) -> None:
        local = tag.rpartition(":")[2]
        if local in ("table-cell", "covered-table-cell"):
            state["cell"] = None
        elif local == "table-row" and state["extent"] is not None:
            extent, repeat = state["extent"], state["repeat"]
            if state["filled"]:
                extent.cells += state["filled"] * repeat
                check(extent)
            state["row"] += repeat

    _parse(archive, "content.xml", start, end)


def _ods_fill(state: dict[str, Any]) -> None:
    first, span = state["cell"]
    state["cell"] = None
    extent = state["extent"]
    if extent is None:
        return
    state["filled"] += span
    extent.add(state["row"] + 1, first + span - 1, 0)
    extent.rows = max(extent.rows, state["row"] + state["repeat"])
    check(extent)
