"""The report as a Word document in the administrative format of Decree 30/2020/NĐ-CP.

A4, margins 20/20/30/15 mm, Times New Roman 13 pt, the page number at the top from the
second page; the borderless header (issuing body and number, national motto and the
place-and-date line), the title and subject, "Kính gửi", the numbered body, "Nơi nhận" and
the signature block, then the annexes on landscape pages as real Word tables.
"""

from __future__ import annotations

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from allocation import word
from reports.documents import text
from reports.documents.tables import Table

FONT = "Times New Roman"
SIZE = 13
A4 = (Cm(21), Cm(29.7))
MARGINS = {"top": 2.0, "bottom": 2.0, "left": 3.0, "right": 1.5}  # cm
INDENT = Cm(1)


def _page(section, *, landscape: bool) -> float:
    """A4 with the Decree's margins; returns the width left for text, in cm."""
    width, height = A4
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (height, width) if landscape else (width, height)
    section.top_margin, section.bottom_margin = Cm(MARGINS["top"]), Cm(MARGINS["bottom"])
    section.left_margin, section.right_margin = Cm(MARGINS["left"]), Cm(MARGINS["right"])
    section.header_distance = Cm(1)
    return (29.7 if landscape else 21) - MARGINS["left"] - MARGINS["right"]


def _fonts(doc) -> None:
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(SIZE)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)
    style.paragraph_format.space_after = Pt(0)


def _block(doc, block: text.Block) -> None:
    if block.kind == text.SECTION:
        paragraph = word.paragraph(doc, block.text, bold=True, size=SIZE, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
        paragraph.paragraph_format.space_before = Pt(6)
    elif block.kind == text.HEADING:
        paragraph = word.paragraph(doc, block.text, bold=True, size=SIZE, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    else:
        words = f"- {block.text}" if block.kind == text.BULLET else block.text
        paragraph = word.paragraph(doc, words, size=SIZE, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    paragraph.paragraph_format.first_line_indent = INDENT
    paragraph.paragraph_format.space_after = Pt(4)
    paragraph.paragraph_format.line_spacing = 1.15


def _closing(doc, usable: float) -> None:
    """'Nơi nhận' on the left, the signer's title on the right with room to sign (borderless)."""
    footer = doc.add_table(rows=1, cols=2)
    left = footer.cell(0, 0)
    word.cell_lines(left, [(text.COPIES_HEADING, True, True), *((copy, False, False) for copy in text.COPIES)], size=11)
    left.paragraphs[0].runs[0].font.size = Pt(12)
    for paragraph in left.paragraphs:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
    blank = [("", False, False)] * 4
    word.cell_lines(footer.cell(0, 1), [(text.SIGNER, True, False), *blank], size=SIZE)
    word.column_widths(footer, [usable * 0.45, usable * 0.55])


def _annex(doc, number: str, table: Table, note: str, usable: float, *, new_page: bool) -> None:
    center = WD_ALIGN_PARAGRAPH.CENTER
    heading = word.paragraph(doc, f"{text.ANNEX} {number}", bold=True, size=SIZE, align=center)
    heading.paragraph_format.page_break_before = new_page
    word.paragraph(doc, table.title.upper(), bold=True, size=SIZE, align=center)
    word.paragraph(doc, note, italic=True, size=12, align=center, space_after=8)
    rows, total = text.cells(table)
    word.table(
        doc,
        [column.heading for column in table.columns],
        rows,
        widths=[column.width for column in table.columns],
        usable_cm=usable,
        aligns=text.aligns(table),
        size=10 if len(table.columns) > 8 else 11,
        total=total,
    )


def render(report: dict) -> bytes:
    document = text.document(report)
    doc = Document()
    _fonts(doc)
    usable = _page(doc.sections[0], landscape=False)
    word.page_number_header(doc.sections[0], size=SIZE)
    word.official_header(
        doc,
        number=text.NUMBER,
        place_and_date=document.place_and_date,
        size=12,
        place_size=SIZE,
        widths_cm=[usable * 0.42, usable * 0.58],
    )
    word.paragraph(doc, space_after=6)
    center = WD_ALIGN_PARAGRAPH.CENTER
    word.paragraph(doc, text.TITLE, bold=True, size=14, align=center)
    word.paragraph(doc, text.SUBJECT, bold=True, size=14, align=center)
    word.paragraph(doc, "———————", size=SIZE, align=center, space_after=6)
    word.paragraph(doc, text.RECIPIENT, size=14, align=center, space_after=10)
    for block in document.body:
        _block(doc, block)
    word.paragraph(doc, space_after=6)
    _closing(doc, usable)

    if document.annexes:
        section = doc.add_section(WD_SECTION.NEW_PAGE)
        section.different_first_page_header_footer = False
        wide = _page(section, landscape=True)
        for index, table in enumerate(document.annexes):
            _annex(doc, text.NUMERALS[index], table, document.annex_note, wide, new_page=index > 0)
    return word.to_bytes(doc)
