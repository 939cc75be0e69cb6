"""The uploader's own sheet back, wrong cells in red with a comment each, the errors summed up in a last column.

`marked_up_workbook` is built by the worker and streamed: openpyxl's write-only
mode writes row after row, so a 100,000-row list never becomes a grid of cell
objects. Only the errors kept in full (IMPORT_ERRORS_KEPT) are marked on their
cells; the others are counted, by column and reason, on a second sheet.
`annotated_workbook` is the small in-memory version for the lists checked while
the browser waits (donations).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from common.spreadsheets.table import CellError, Column, Table


def marked_up_workbook(
    table: Table, columns: Sequence[Column], errors: Sequence[CellError], summary: Sequence[dict[str, Any]] = ()
) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill

    red = PatternFill("solid", fgColor="FFC7CE")
    error_font = Font(color="9C0006")
    headers = {c.key: c.header for c in columns}
    by_cell: dict[tuple[int, int], list[str]] = {}
    by_row: dict[int, list[str]] = {}
    for error in errors:
        by_row.setdefault(error.row, []).append(
            f"{headers[error.column]}: {error.message}" if error.column in headers else error.message
        )
        column = table.column_numbers.get(error.column)
        if column:
            by_cell.setdefault((error.row, column), []).append(error.message)

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet((table.sheet_name or "Danh sách")[:31])
    width = max((len(r) for r in table.grid), default=0)
    sheet.column_dimensions[_letter(width + 1)].width = 60

    def cell(value: Any, row: int, col: int) -> Any:
        messages = by_cell.get((row, col))
        if not messages and not isinstance(value, date) and not (isinstance(value, str) and value.startswith("=")):
            return value  # a plain value needs no cell object
        written = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str) and value.startswith("="):
            written.data_type = "s"  # the user's text, never a formula Excel would run
        if isinstance(value, date):
            written.number_format = "dd/mm/yyyy"
        if messages:
            written.fill = red
            written.comment = Comment("\n".join(messages), "Phòng GD&ĐT")
        return written

    for number, cells in enumerate(table.grid, start=1):
        line = [cell(None if value == "" else value, number, col) for col, value in enumerate(cells, start=1)]
        line += [None] * (width - len(line))
        if number == table.header_row:
            last = WriteOnlyCell(sheet, value=_("Errors"))
            last.font = Font(bold=True, color="9C0006")
            line.append(last)
        elif number in by_row:
            last = WriteOnlyCell(sheet, value="; ".join(by_row[number]))
            last.font = error_font
            line.append(last)
        sheet.append(line)
    if summary:
        counted = workbook.create_sheet(_("Other errors")[:31])
        counted.append([_("Column"), _("What is wrong"), _("Rows")])
        for item in summary:
            counted.append([item["column"] or "—", item["message"], item["count"]])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _letter(number: int) -> str:
    from openpyxl.utils import get_column_letter

    letter: str = get_column_letter(max(number, 1))
    return letter


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
