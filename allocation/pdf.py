"""Small fpdf2 helpers for the programme's Vietnamese administrative documents.

Generic on purpose (fonts, the official header, titles, a table, signature
blocks) so the handover record and the 30/9 report lay out the same way.
Vietnamese needs a Unicode TrueType font: DejaVu Sans from `PDF_FONT_DIR`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from donations.letters import ISSUER, ISSUER_PARENT

FONT = "DejaVu"
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
MOTTO = ("CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
LINE = 5.5  # mm, one line of 10–11 pt text


def font_paths() -> dict[str, Path]:
    """The regular and bold font files, or ImproperlyConfigured saying what is missing and where."""
    directory = Path(getattr(settings, "PDF_FONT_DIR", "") or "")
    paths = {style: directory / name for style, name in FONT_FILES.items()}
    missing = [path.name for path in paths.values() if not path.is_file()]
    if missing:
        raise ImproperlyConfigured(
            f"PDF_FONT_DIR={str(directory)!r} lacks {', '.join(missing)}: PDF documents need DejaVu Sans for "
            "Vietnamese text. Install Debian's fonts-dejavu-core or point PDF_FONT_DIR at a directory with them."
        )
    return paths


class Document(FPDF):
    """A4 page with the DejaVu fonts and "Trang x/y" at the foot of each page."""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, "", 8)
        self.cell(0, 5, f"Trang {self.page_no()}/{{nb}}", align="C")


def new_document(
    *, landscape: bool = False, title: str = "", margins: tuple[float, float, float, float] | None = None
) -> Document:
    """`margins`: top, bottom, left, right in mm (Decree 30/2020's 20, 20, 30, 15 for a report)."""
    pdf = Document(orientation="L" if landscape else "P", unit="mm", format="A4")
    for style, path in font_paths().items():
        pdf.add_font(FONT, style, str(path))
    top, bottom, left, right = margins or (15, 18, 20 if landscape else 25, 15)
    pdf.set_margins(left=left, top=top, right=right)
    pdf.set_auto_page_break(auto=True, margin=bottom)
    if title:
        pdf.set_title(title)
    pdf.set_creator("Sóng và máy tính cho em — Vĩnh Tường")
    pdf.add_page()
    pdf.set_font(FONT, "", 11)
    return pdf


def _column(pdf: FPDF, x: float, y: float, width: float, lines: Sequence[tuple[str, str]], size: float) -> float:
    """Centred lines (text, style) in a column starting at (x, y); returns the y below it."""
    pdf.set_xy(x, y)
    for text, style in lines:
        pdf.set_font(FONT, style, size)
        pdf.set_x(x)
        pdf.multi_cell(width, LINE, text, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return pdf.get_y()


def official_header(
    pdf: FPDF, *, number: str, place_and_date: str, issuer_parent: str = ISSUER_PARENT, issuer: str = ISSUER
) -> None:
    """Issuing body left, national motto right; the number under the body, place and date under the motto."""
    left_width = pdf.epw * 0.42
    right_width = pdf.epw - left_width
    top, left_x, right_x = pdf.get_y(), pdf.l_margin, pdf.l_margin + left_width
    bottom_left = _column(pdf, left_x, top, left_width, [(issuer_parent, ""), (issuer, "B"), ("———", "")], 10.5)
    bottom_right = _column(pdf, right_x, top, right_width, [(MOTTO[0], "B"), (MOTTO[1], "B"), ("———————", "")], 10.5)
    row = max(bottom_left, bottom_right) + 1
    _column(pdf, left_x, row, left_width, [(f"Số: {number}", "")], 10.5)
    _column(pdf, right_x, row, right_width, [(place_and_date, "")], 10.5)
    pdf.set_xy(pdf.l_margin, pdf.get_y() + 4)


def title(pdf: FPDF, text: str, *subtitles: str) -> None:
    pdf.set_font(FONT, "B", 14)
    pdf.multi_cell(0, 7, text, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "B", 11)
    for line in subtitles:
        pdf.multi_cell(0, LINE + 0.5, line, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)


def paragraph(pdf: FPDF, text: str, *, bold: bool = False, size: float = 11, align: str = "J") -> None:
    pdf.set_font(FONT, "B" if bold else "", size)
    pdf.multi_cell(0, LINE + 0.5, text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


@dataclass(frozen=True)
class Column:
    heading: str
    width: float  # relative; the columns share the page's width
    align: str = "LEFT"


def table(
    pdf: FPDF,
    columns: Sequence[Column],
    rows: Sequence[Sequence[str]],
    *,
    size: float = 9.5,
    total: Sequence[str] | None = None,
) -> None:
    """A bordered table whose heading repeats on each page; cells wrap; `total` is a last row in bold."""
    pdf.set_font(FONT, "", size)
    with pdf.table(
        col_widths=tuple(column.width for column in columns),
        headings_style=FontFace(emphasis="BOLD"),
        line_height=LINE - 0.5,
        text_align=tuple(column.align for column in columns),
        padding=1,
        repeat_headings=1,
    ) as grid:
        heading = grid.row()
        for column in columns:
            heading.cell(column.heading, align="CENTER")
        for values in rows:
            row = grid.row()
            for value in values:
                row.cell(value)
        if total:
            row = grid.row(style=FontFace(emphasis="BOLD"))
            for value in total:
                row.cell(value)
    pdf.ln(3)


@dataclass(frozen=True)
class Signature:
    role: str  # ĐẠI DIỆN ...
    hint: str = "(Ký, ghi rõ họ tên)"
    name: str = ""


def signatures(pdf: FPDF, blocks: Sequence[Signature], *, space: float = 24) -> None:
    """Signature blocks side by side, each with room to sign above the printed name."""
    needed = 3 * LINE + space + LINE
    if pdf.get_y() + needed > pdf.page_break_trigger:
        pdf.add_page()
    width = pdf.epw / len(blocks)
    top = pdf.get_y()
    bottom = top
    for index, block in enumerate(blocks):
        x = pdf.l_margin + index * width
        y = _column(pdf, x, top, width, [(block.role, "B"), (block.hint, "")], 10.5)
        y = _column(pdf, x, y + space, width, [(block.name, "B")], 10.5)
        bottom = max(bottom, y)
    pdf.set_xy(pdf.l_margin, bottom)


def closing(pdf: FPDF, copies: Sequence[str], signature: Signature, *, heading: str = "Nơi nhận:", space=24) -> None:
    """An administrative letter's foot: the copies ("Nơi nhận") on the left, the signer on the right."""
    needed = (len(copies) + 1) * LINE + space
    if pdf.get_y() + needed > pdf.page_break_trigger:
        pdf.add_page()
    top = pdf.get_y()
    left_width = pdf.epw * 0.45
    pdf.set_font(FONT, "B", 10)
    pdf.cell(left_width, LINE, heading, new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", 9.5)
    for line in copies:
        pdf.cell(left_width, LINE - 0.5, line, new_x=XPos.LEFT, new_y=YPos.NEXT)
    bottom = pdf.get_y()
    right_x, right_width = pdf.l_margin + left_width, pdf.epw - left_width
    lines = [(signature.role, "B"), *([(signature.hint, "")] if signature.hint else [])]
    y = _column(pdf, right_x, top, right_width, lines, 10.5)
    if signature.name:
        y = _column(pdf, right_x, y + space, right_width, [(signature.name, "B")], 10.5)
    pdf.set_xy(pdf.l_margin, max(bottom, y))


def to_bytes(pdf: FPDF) -> bytes:
    return bytes(pdf.output())
