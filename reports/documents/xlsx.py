"""The report as a workbook: a summary sheet ("Tổng hợp") and one annex sheet per breakdown.

Real numbers with number formats (counts, VND, percentages, dates), bold headers, frozen
header rows, A4 landscape fitted to the page's width, and a native bar chart of pupils
supported against pupils in need by commune. Names come from the database: every text is
stored as text, so a name such as "=HYPERLINK(…)" is never a formula.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Sequence

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from donations.letters import ISSUER, ISSUER_PARENT
from reports.documents import tables, text
from reports.documents.tables import COUNT, DAY, MOMENT, MONEY, PERCENT, TEXT, Table

FORMATS = {
    COUNT: "#,##0",
    MONEY: '#,##0" ₫"',
    PERCENT: "0.0%",
    DAY: "dd/mm/yyyy",
    MOMENT: "dd/mm/yyyy hh:mm",
}
WIDTHS = {COUNT: 12, MONEY: 18, PERCENT: 12, DAY: 12, MOMENT: 17}
TEXT_WIDTH = (10, 48)  # the narrowest and widest a text column gets, in characters
FORMULA_STARTS = ("=", "+", "-", "@")
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="center", horizontal="center")


def _put(sheet: Worksheet, row: int, column: int, value, kind: str = TEXT):
    """One cell: numbers as numbers with their format, text always as text (never a formula)."""
    cell = sheet.cell(row=row, column=column)
    if value is None or value == "":
        return cell
    if kind == PERCENT:
        cell.value = value / 100
    elif kind in FORMATS:
        cell.value = value
    else:
        cell.value = str(value)
        cell.data_type = "s"
        # Excel keeps a quote-prefixed cell as text even when someone edits it.
        cell.quotePrefix = cell.value.startswith(FORMULA_STARTS)
    if kind in FORMATS:
        cell.number_format = FORMATS[kind]
    return cell


def _table(sheet: Worksheet, top: int, table: Table, widths: dict[int, float]) -> tuple[int, int]:
    """Writes the table's title, header, rows and total from row `top`; returns (header row, next free row)."""
    _put(sheet, top, 1, table.title).font = Font(bold=True, size=12)
    header = top + 1
    for index, column in enumerate(table.columns, start=1):
        cell = _put(sheet, header, index, column.heading)
        cell.font, cell.fill, cell.border, cell.alignment = BOLD, HEADER_FILL, BORDER, WRAP
        if column.kind == TEXT:
            width = max(TEXT_WIDTH[0], min(TEXT_WIDTH[1], len(column.heading) // 2 + 2))
        else:
            width = max(WIDTHS[column.kind], min(24, len(column.heading) // 2 + 2))
        widths[index] = max(widths.get(index, 0), width)
    # Spreadsheet programs do not grow a row for wrapped text written by a program: say how tall.
    lines = max(math.ceil(len(column.heading) / max(widths[i] - 2, 1)) for i, column in enumerate(table.columns, 1))
    sheet.row_dimensions[header].height = 15 * max(lines, 1)
    row = header
    rows = [*((values, False) for values in table.rows), *([(table.total, True)] if table.total else [])]
    for values, is_total in rows:
        row += 1
        for index, (column, value) in enumerate(zip(table.columns, values, strict=True), start=1):
            cell = _put(sheet, row, index, value, column.kind)
            cell.border = BORDER
            if is_total:
                cell.font = BOLD
            if column.kind == TEXT and isinstance(value, str):
                widths[index] = max(widths[index], min(TEXT_WIDTH[1], len(value) + 2))
                if len(value) + 2 > TEXT_WIDTH[1]:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
    return header, row + 2


def _printable(sheet: Worksheet, *, header_row: int | None = None) -> None:
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.oddFooter.center.text = "&P/&N"
    if header_row is not None:
        sheet.print_title_rows = f"{header_row}:{header_row}"


def _sheet_heading(sheet: Worksheet, report: dict, title: str) -> int:
    _put(sheet, 1, 1, title).font = Font(bold=True, size=14)
    _put(sheet, 2, 1, _capitalised(text.data_note(report))).font = Font(italic=True)
    return 4


def _capitalised(words: str) -> str:
    return words[:1].upper() + words[1:]


def _annex(sheet: Worksheet, report: dict, title: str, annex_tables: Sequence[Table]) -> list[int]:
    """The sheet's title and data note, then its tables; returns each table's header row."""
    top = _sheet_heading(sheet, report, title)
    widths: dict[int, float] = {}
    headers = []
    for table in annex_tables:
        header, top = _table(sheet, top, table, widths)
        headers.append(header)
    for index, width in widths.items():
        sheet.column_dimensions[get_column_letter(index)].width = width
    if len(headers) == 1:
        sheet.freeze_panes = sheet.cell(row=headers[0] + 1, column=1)
    _printable(sheet, header_row=headers[0] if len(headers) == 1 else None)
    return headers


def _summary(sheet: Worksheet, report: dict) -> int:
    """The key figures and the milestones; returns the row below them (where the chart may go)."""
    _put(sheet, 1, 1, f"{text.TITLE} {text.SUBJECT.upper()}").font = Font(bold=True, size=14)
    _put(sheet, 2, 1, f"{ISSUER_PARENT} - {ISSUER}").font = BOLD
    generated = tables.local_moment(report.get("generated_at"))
    if report.get("live") and generated is not None:
        _put(sheet, 3, 1, _("Figures as at")).font = Font(italic=True)
        _put(sheet, 3, 2, generated, MOMENT).alignment = Alignment(horizontal="left")
    else:
        _put(sheet, 3, 1, _("Figures up to the end of")).font = Font(italic=True)
        _put(sheet, 3, 2, tables.as_of_day(report), DAY).alignment = Alignment(horizontal="left")

    header = 5
    for index, heading in enumerate((_("Group"), _("Figure"), _("Value")), start=1):
        cell = _put(sheet, header, index, heading)
        cell.font, cell.fill, cell.border, cell.alignment = BOLD, HEADER_FILL, BORDER, WRAP
    row = header
    for group, figures in tables.key_figures(report):
        for position, figure in enumerate(figures):
            row += 1
            group_cell = _put(sheet, row, 1, group if position == 0 else "")
            group_cell.font, group_cell.border = BOLD, BORDER
            _put(sheet, row, 2, figure.label).border = BORDER
            _put(sheet, row, 3, figure.value, figure.kind).border = BORDER
    widths = {1: 18, 2: 36, 3: 18}
    _header, below = _table(sheet, row + 2, tables.milestone_table(report), widths)
    for index, width in widths.items():
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.column_dimensions["A"].width = 18
    _printable(sheet)
    return below


def _chart(summary: Worksheet, anchor: str, communes: Worksheet, header_row: int, count: int) -> None:
    """Horizontal bars, one pair per commune: pupils in need and pupils supported."""
    if count == 0:
        return
    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "clustered"
    chart.title = text.chart_title()
    chart.y_axis.title = _("Pupils")
    chart.x_axis.scaling.orientation = "maxMin"  # communes top-down, in the table's order
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.height = max(8.0, 0.55 * count + 3)
    chart.width = 18.0
    last = header_row + count
    for key in ("in_need", "supported"):
        column = tables.commune_column(key) + 1
        data = Reference(communes, min_col=column, min_row=header_row, max_row=last)
        chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(communes, min_col=2, min_row=header_row + 1, max_row=last))
    summary.add_chart(chart, anchor)


SHEETS: tuple[tuple[Callable[[], str], tuple[Callable[[dict], Table], ...]], ...] = (
    (lambda: _("By commune"), (tables.commune_table,)),
    (lambda: _("By school"), (tables.school_table,)),
    (lambda: _("By level"), (tables.level_table,)),
    (lambda: _("By need"), (tables.need_table,)),
    (lambda: _("By circumstance"), (tables.hardship_table,)),
    (lambda: _("Not supported yet"), (tables.gap_table, tables.support_status_table)),
    (
        lambda: _("Donations"),
        (
            tables.money_table,
            tables.spending_table,
            tables.device_table,
            tables.device_status_table,
            tables.connectivity_table,
        ),
    ),
    (lambda: _("Coverage by commune"), (tables.infrastructure_commune_table,)),
    (lambda: _("Coverage by provider"), (tables.infrastructure_provider_table,)),
    (lambda: _("Milestones"), (tables.milestone_table,)),
)


def render(report: dict) -> bytes:
    workbook = Workbook()
    summary = workbook.active
    summary.title = _("Summary")[:31]
    below = _summary(summary, report)
    headers = {}
    for title, builders in SHEETS:
        sheet = workbook.create_sheet(title()[:31])
        headers[builders[0]] = (sheet, _annex(sheet, report, title(), [build(report) for build in builders])[0])
    feedback = tables.feedback_table(report)
    if feedback is not None:
        name = _("Public reports")
        _annex(workbook.create_sheet(name[:31]), report, name, [feedback])
    communes, header_row = headers[tables.commune_table]
    _chart(summary, f"A{below}", communes, header_row, len(report["by_commune"]))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
