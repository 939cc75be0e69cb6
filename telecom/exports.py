"""Spreadsheets the telecom pages hand out (openpyxl; text cells never start a formula)."""

from __future__ import annotations

import io

from django.utils import formats
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from telecom.models import HamletCoverage, Technology
from telecom.selectors import Cell, CommuneBlock

FILLS = {
    HamletCoverage.Status.AVAILABLE: PatternFill("solid", fgColor="C6EFCE"),
    HamletCoverage.Status.PLANNED: PatternFill("solid", fgColor="FFEB9C"),
    HamletCoverage.Status.NOT_POSSIBLE: PatternFill("solid", fgColor="FFC7CE"),
    None: PatternFill("solid", fgColor="E7E6E6"),
}
LATE_FONT = Font(color="9C0006", bold=True)


def safe_text(value) -> str:
    """Text for a cell that Excel will never read as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def cell_text(cell: Cell) -> str:
    if cell.status is None:
        return _("not reported")
    if cell.status == HamletCoverage.Status.PLANNED:
        return _("planned %(date)s") % {"date": formats.date_format(cell.planned_on, "SHORT_DATE_FORMAT")}
    if cell.status == HamletCoverage.Status.NOT_POSSIBLE:
        return _("not possible: %(reason)s") % {"reason": cell.reason}
    return str(HamletCoverage.Status(cell.status).label)


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def coverage_workbook(blocks: list[CommuneBlock], providers) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Coverage")[:31]
    tech_labels = dict(Technology.choices)
    header = [_("Commune"), _("Hamlet")] + [
        f"{provider.short_name} {tech_labels[technology]}" for provider in providers for technology in Technology.values
    ]
    sheet.append([safe_text(h) for h in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for block in blocks:
        for row in block.rows:
            sheet.append(
                [safe_text(block.commune.name), safe_text(row.hamlet.name)]
                + [safe_text(cell_text(c)) for c in row.cells]
            )
            for index, cell in enumerate(row.cells, start=3):
                target = sheet.cell(row=sheet.max_row, column=index)
                target.fill = FILLS[cell.status]
                if cell.late:
                    target.font = LATE_FONT
    for index in range(1, len(header) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 22 if index > 2 else 26
    sheet.freeze_panes = "C2"
    return workbook_bytes(workbook)
