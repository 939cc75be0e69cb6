"""The report as PDF: the same document as the .docx, laid out with allocation/pdf.py's helpers,
with a bar chart of pupils supported against pupils in need by commune after the first annex."""

from __future__ import annotations

from fpdf.enums import XPos, YPos

from allocation import pdf as layout
from reports.documents import tables, text
from reports.documents.tables import Table

MARGINS = (20, 20, 30, 15)  # top, bottom, left, right in mm (Decree 30/2020/NĐ-CP)
SIZE = 11  # DejaVu Sans is wider than Times New Roman: 11 pt reads like the .docx's 13
NEED_COLOUR, SUPPORTED_COLOUR = (205, 213, 224), (46, 125, 50)


def _block(document, block: text.Block) -> None:
    if block.kind == text.SECTION:
        document.ln(1.5)
        layout.paragraph(document, block.text, bold=True, size=SIZE)
    elif block.kind == text.HEADING:
        layout.paragraph(document, block.text, bold=True, size=SIZE)
    elif block.kind == text.BULLET:
        layout.paragraph(document, f"- {block.text}", size=SIZE)
    else:
        layout.paragraph(document, block.text, size=SIZE)
    document.ln(1)


def _annex(document, number: str, table: Table, note: str) -> None:
    document.add_page(orientation="L")
    layout.paragraph(document, f"{text.ANNEX} {number}", bold=True, size=SIZE, align="C")
    layout.paragraph(document, table.title.upper(), bold=True, size=SIZE, align="C")
    layout.paragraph(document, note, size=9.5, align="C")
    document.ln(2)
    columns = [
        layout.Column(column.heading, column.width, align)
        for column, align in zip(table.columns, text.aligns(table), strict=True)
    ]
    rows, total = text.cells(table)
    layout.table(document, columns, rows, size=8.5 if len(columns) > 8 else 9.5, total=total)


def _chart(document, report: dict) -> None:
    """Horizontal bars, one per commune: the whole bar is pupils in need, the green part those supported."""
    communes = report["by_commune"]
    if not communes:
        return
    document.add_page(orientation="L")
    layout.paragraph(document, text.chart_title(), bold=True, size=SIZE, align="C")
    document.ln(2)
    name_width, label_width, row_height = 42, 22, 5.2
    left = document.l_margin + name_width
    bar_width = document.epw - name_width - label_width
    most = max((row["in_need"] for row in communes), default=0) or 1
    document.set_font(layout.FONT, "", 8.5)
    for label, colour in zip(text.chart_legend(), (NEED_COLOUR, SUPPORTED_COLOUR), strict=True):
        document.set_fill_color(*colour)
        document.rect(document.get_x(), document.get_y() + 1, 6, 3, style="F")
        document.set_x(document.get_x() + 8)
        document.cell(document.get_string_width(label) + 8, row_height, label)
    document.ln(row_height + 2)
    for row in communes:
        if document.get_y() + row_height > document.page_break_trigger:
            document.add_page(orientation="L")
        y = document.get_y()
        document.set_x(document.l_margin)
        document.cell(name_width - 2, row_height, tables.name(row["name"]), align="R")
        document.set_fill_color(*NEED_COLOUR)
        document.rect(left, y + 0.8, bar_width * row["in_need"] / most, row_height - 1.6, style="F")
        if row["supported"]:
            document.set_fill_color(*SUPPORTED_COLOUR)
            document.rect(left, y + 0.8, bar_width * row["supported"] / most, row_height - 1.6, style="F")
        document.set_xy(left + bar_width + 2, y)
        figures = f"{text.number(row['supported'])}/{text.number(row['in_need'])}"
        document.cell(label_width - 2, row_height, figures, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def render(report: dict) -> bytes:
    document_text = text.document(report)
    document = layout.new_document(title=f"{text.TITLE} {text.SUBJECT}", margins=MARGINS)
    layout.official_header(document, number=text.NUMBER, place_and_date=document_text.place_and_date)
    layout.title(document, text.TITLE, text.SUBJECT, "———————")
    layout.paragraph(document, text.RECIPIENT, size=SIZE, align="C")
    document.ln(3)
    for block in document_text.body:
        _block(document, block)
    document.ln(3)
    layout.closing(document, text.COPIES, layout.Signature(text.SIGNER, hint=""), heading=text.COPIES_HEADING)
    for index, table in enumerate(document_text.annexes):
        _annex(document, text.NUMERALS[index], table, document_text.annex_note)
        if index == 0:
            with document.local_context():  # the bars' colours stay in the chart
                _chart(document, report)
    return layout.to_bytes(document)
