"""The uploader's own sheet back, wrong cells in red: built by the worker, streamed, bounded.

openpyxl's write-only mode writes row after row, so a 100,000-row list never
becomes a grid of cell objects. Only the errors kept in full
(IMPORT_ERRORS_KEPT) are marked on their cells; the others are counted, by
column and reason, on a second sheet.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from students.spreadsheets import CellError, Column, Table


def marked_up_workbook(
    table: Table, columns: Sequence[Column], errors: Sequence[CellError], summary: Sequence[dict] = ()
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

    def cell(value: Any, row: int, col: int):
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

    return get_column_letter(max(number, 1))


def upload_marked_up_save(upload, read) -> None:
    """Keep the marked-up copy of an upload with errors, for the uploader to download."""
    from django.core.files.base import ContentFile

    from students.pupil_columns import HEADERS, STUDENT_COLUMNS
    from students.spreadsheets import read_table

    # The reading let each row go once checked: the sheet is read again, as the user sent it.
    with upload.original_file.open("rb") as file:
        table = read_table(file, upload.original_name, STUDENT_COLUMNS)
    content = marked_up_workbook(table, STUDENT_COLUMNS, list(read.errors), read.errors.summary(HEADERS))
    upload.annotated_file.save(f"{upload.pk}-can-sua.xlsx", ContentFile(content), save=False)
    type(upload).objects.filter(pk=upload.pk).update(annotated_file=upload.annotated_file.name)
