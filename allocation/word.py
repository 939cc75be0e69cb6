"""Small python-docx helpers for the programme's Vietnamese administrative documents.

The DOCX twin of `allocation/pdf.py`: the official header, paragraphs, bordered tables whose
heading row repeats on each page, page numbers. Generic on purpose, so the handover record
and the 30/9 report lay out the same way and open cleanly in Word and LibreOffice.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from allocation.pdf import MOTTO
from donations.letters import ISSUER, ISSUER_PARENT

# (text, bold, italic)
Line = tuple[str, bool, bool]
ALIGNS = {"LEFT": WD_ALIGN_PARAGRAPH.LEFT, "CENTER": WD_ALIGN_PARAGRAPH.CENTER, "RIGHT": WD_ALIGN_PARAGRAPH.RIGHT}


def paragraph(container, text="", *, bold=False, italic=False, size=12, align=None, space_after=0):
    result = container.add_paragraph()
    if text:
        run = result.add_run(text)
        run.bold, run.italic, run.font.size = bold, italic, Pt(size)
    if align is not None:
        result.alignment = align
    result.paragraph_format.space_after = Pt(space_after)
    return result


def cell_lines(cell, lines: Sequence[Line], *, size=12, align=WD_ALIGN_PARAGRAPH.CENTER) -> None:
    """Write (text, bold, italic) lines into a table cell."""
    cell.paragraphs[0].clear()
    for index, (text, bold, italic) in enumerate(lines):
        line = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
        line.alignment = align
        line.paragraph_format.space_after = Pt(0)
        run = line.add_run(text)
        run.bold, run.italic, run.font.size = bold, italic, Pt(size)


def repeat_as_heading(row) -> None:
    """Word repeats this row at the top of every page the table runs onto."""
    properties = row._tr.get_or_add_trPr()
    heading = OxmlElement("w:tblHeader")
    heading.set(qn("w:val"), "true")
    properties.append(heading)


def column_widths(table, widths_cm: Sequence[float]) -> None:
    """Fixed widths that Word (cell widths) and LibreOffice (the grid) both honour."""
    table.autofit = False
    for column, width in zip(table.columns, widths_cm, strict=True):
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm, strict=True):
            cell.width = Cm(width)


def no_side_padding(table) -> None:
    """Cells without their left and right margins: the header's lines need the page's whole width."""
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), "0")
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    # The schema orders tblPr's children: the margins come before tblLook.
    table._tbl.tblPr.insert_element_before(margins, "w:tblLook", "w:tblCaption", "w:tblDescription")


def official_header(
    doc,
    *,
    number: str,
    place_and_date: str,
    issuer_parent: str = ISSUER_PARENT,
    issuer: str = ISSUER,
    size=12,
    place_size=None,
    widths_cm=None,
) -> None:
    """A borderless table: the issuing body and the number left, the national motto and the
    place-and-date line (italic) right (Decree 30/2020/NĐ-CP)."""
    header = doc.add_table(rows=2, cols=2)
    header.alignment = WD_TABLE_ALIGNMENT.CENTER
    cell_lines(
        header.cell(0, 0), [(issuer_parent, False, False), (issuer, True, False), ("———", False, False)], size=size
    )
    cell_lines(header.cell(0, 1), [(MOTTO[0], True, False), (MOTTO[1], True, False), ("———", False, False)], size=size)
    cell_lines(header.cell(1, 0), [(f"Số: {number}", False, False)], size=size)
    cell_lines(header.cell(1, 1), [(place_and_date, False, True)], size=place_size or size)
    if widths_cm:
        column_widths(header, widths_cm)
        no_side_padding(header)


def table(
    doc,
    headings: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    widths: Sequence[float],
    usable_cm: float,
    aligns: Sequence[str],
    size=11,
    total: Sequence[str] | None = None,
):
    """A bordered table, heading repeated on each page, widths relative to `usable_cm`.

    A cell's "\\n" starts a new line; `total` is a last row in bold.
    """
    grid = doc.add_table(rows=1, cols=len(headings))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    for index, heading in enumerate(headings):
        cell_lines(grid.rows[0].cells[index], [(heading, True, False)], size=size)
    repeat_as_heading(grid.rows[0])
    paragraph_aligns = [ALIGNS.get(align, WD_ALIGN_PARAGRAPH.LEFT) for align in aligns]
    for values, bold in [*((values, False) for values in rows), *([(total, True)] if total else [])]:
        cells = grid.add_row().cells
        for index, value in enumerate(values):
            lines = [(line, bold, False) for line in value.split("\n")]
            cell_lines(cells[index], lines, size=size, align=paragraph_aligns[index])
    scale = usable_cm / sum(widths)
    column_widths(grid, [width * scale for width in widths])
    return grid


def page_number_header(section, *, size=13) -> None:
    """The page number centred at the top, from the second page on (Decree 30/2020/NĐ-CP)."""
    section.different_first_page_header_footer = True
    number = section.header.paragraphs[0]
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    begin, instruction, end = OxmlElement("w:fldChar"), OxmlElement("w:instrText"), OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = " PAGE "
    end.set(qn("w:fldCharType"), "end")
    for element in (begin, instruction, end):
        run = number.add_run()
        run.font.size = Pt(size)
        run._r.append(element)


def to_bytes(doc) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
