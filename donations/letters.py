"""The thank-you letter to a donor, as DOCX in Vietnamese administrative style (Nghị định 30/2020)."""

from __future__ import annotations

import io

from django.utils import timezone
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from donations import vietqr
from donations.amount_words import in_words_line
from donations.models import CommitteeMember, Pledge, PledgeLine

ISSUER_PARENT = "UBND HUYỆN VĨNH TƯỜNG"
ISSUER = "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO"
PLACE = "Vĩnh Tường"
PROGRAMME = "“Sóng và máy tính cho em”"


def _vnd(amount: int) -> str:
    return f"{amount:,}".replace(",", ".") + " đồng"


def _received_items(pledge: Pledge) -> list[str]:
    """What has actually been received, line by line, in words."""
    items = []
    for line in pledge.lines.with_received():
        received = line.received_units
        if line.cancelled or received <= 0:
            continue
        if line.kind in PledgeLine.MONEY_KINDS:
            source = f" ({line.fund_source})" if line.fund_source else ""
            items.append(
                f"{line.get_kind_display().capitalize()}{source}: {_vnd(received)} ({in_words_line(received)})"
            )
        elif line.kind == PledgeLine.Kind.DEVICE:
            spec = f", {line.specification}" if line.specification else ""
            items.append(f"{received} {line.get_device_type_display()} ({line.get_condition_display()}{spec})")
        else:
            items.append(f"{line.offer}, cho {received} học sinh trong {line.months} tháng")
    return items


def _paragraph(doc, text="", *, bold=False, italic=False, size=13, align=None, space_after=0):
    paragraph = doc.add_paragraph()
    if text:
        run = paragraph.add_run(text)
        run.bold, run.italic, run.font.size = bold, italic, Pt(size)
    if align is not None:
        paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(space_after)
    return paragraph


def _cell_lines(cell, lines):
    cell.paragraphs[0].text = ""
    for index, (text, bold, italic) in enumerate(lines):
        paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_after = Pt(0)
        run = paragraph.add_run(text)
        run.bold, run.italic, run.font.size = bold, italic, Pt(13 if not italic else 14)


def _transfer_qr(doc, pledge: Pledge) -> None:
    """What the pledge still owes in cash, in words, with its VietQR (4.5 cm: a phone reads it from paper)."""
    transfer = vietqr.pledge_transfer(pledge)
    if transfer is None:
        return
    text = (
        f"Số tiền đã đăng ký còn chưa chuyển: {_vnd(transfer.amount)} ({in_words_line(transfer.amount)}). "
        f"Quý vị có thể quét mã VietQR dưới đây bằng ứng dụng ngân hàng: tài khoản {transfer.account} "
        f"tại {transfer.bank.short_name}, nội dung “{transfer.note}”."
    )
    paragraph = _paragraph(doc, text, size=14, align=WD_ALIGN_PARAGRAPH.JUSTIFY, space_after=6)
    paragraph.paragraph_format.first_line_indent = Cm(1)
    doc.add_picture(io.BytesIO(transfer.png()), width=Cm(4.5))
    doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER


def thank_you_docx(pledge: Pledge, *, on=None) -> bytes:
    on = on or timezone.localdate()
    doc = Document()
    _page_setup(doc)
    _letterhead(doc, on)
    _letter_body(doc, pledge)
    _signature(doc, pledge)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _page_setup(doc) -> None:
    """A4, the margins of Nghị định 30/2020, Times New Roman 14."""
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(14)


def _letterhead(doc, on) -> None:
    """Issuing body and national motto, place and date, the letter's title and addressee line."""
    # Header: issuing body on the left, the national motto (Quốc hiệu, tiêu ngữ) on the right.
    header = doc.add_table(rows=1, cols=2)
    header.alignment = WD_TABLE_ALIGNMENT.CENTER
    _cell_lines(header.cell(0, 0), [(ISSUER_PARENT, False, False), (ISSUER, True, False), ("———", False, False)])
    _cell_lines(
        header.cell(0, 1),
        [
            ("CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM", True, False),
            ("Độc lập - Tự do - Hạnh phúc", True, False),
            ("———————————", False, False),
        ],
    )
    _paragraph(doc)
    _paragraph(
        doc,
        f"{PLACE}, ngày {on.day:02d} tháng {on.month:02d} năm {on.year}",
        italic=True,
        size=14,
        align=WD_ALIGN_PARAGRAPH.RIGHT,
        space_after=12,
    )
    _paragraph(doc, "THƯ CẢM ƠN", bold=True, size=16, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(
        doc,
        f"Về việc ủng hộ Chương trình {PROGRAMME} trên địa bàn huyện Vĩnh Tường",
        bold=True,
        size=14,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        space_after=12,
    )


def _letter_body(doc, pledge: Pledge) -> None:
    """Addressee, thanks, what was received, what is still owed (with its VietQR), closing."""
    _paragraph(doc, f"Kính gửi: {pledge.donor.name}", size=14, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=12)
    body = (
        f"Phòng Giáo dục và Đào tạo huyện Vĩnh Tường, đơn vị đầu mối tiếp nhận tài trợ Chương trình {PROGRAMME}, "
        f"trân trọng cảm ơn {pledge.donor.name} đã ủng hộ Chương trình (mã ủng hộ {pledge.reference_code}). "
        "Phòng GD&ĐT đã tiếp nhận:"
    )
    paragraph = _paragraph(doc, body, size=14, align=WD_ALIGN_PARAGRAPH.JUSTIFY, space_after=6)
    paragraph.paragraph_format.first_line_indent = Cm(1)
    items = _received_items(pledge) or ["(chưa ghi nhận hiện vật hoặc số tiền đã nhận)"]
    for item in items:
        line = _paragraph(doc, f"- {item};", size=14, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
        line.paragraph_format.first_line_indent = Cm(1)
    _transfer_qr(doc, pledge)
    closing = (
        "Sự chung tay của Quý vị giúp các em học sinh có hoàn cảnh khó khăn trên địa bàn huyện có thiết bị "
        "và kết nối Internet để học trực tuyến. Toàn bộ tài trợ được phân bổ công khai, minh bạch, "
        "đúng đối tượng, hỗ trợ 01 lần/01 học sinh. Xin trân trọng cảm ơn!"
    )
    paragraph = _paragraph(doc, closing, size=14, align=WD_ALIGN_PARAGRAPH.JUSTIFY, space_after=12)
    paragraph.paragraph_format.first_line_indent = Cm(1)


def _signature(doc, pledge: Pledge) -> None:
    # Signature block on the right; "Nơi nhận" on the left, as in every administrative letter.
    signer = CommitteeMember.objects.order_by("position").first()
    footer = doc.add_table(rows=1, cols=2)
    left = footer.cell(0, 0)
    left.paragraphs[0].text = ""
    run = left.paragraphs[0].add_run("Nơi nhận:")
    run.bold, run.italic, run.font.size = True, True, Pt(12)
    for recipient in (f"- {pledge.donor.name};", "- Lưu: VT."):
        left.add_paragraph().add_run(recipient).font.size = Pt(11)
    _cell_lines(
        footer.cell(0, 1),
        [
            ("KT. TRƯỞNG PHÒNG", True, False),
            ("PHÓ TRƯỞNG PHÒNG", True, False),
            ("", False, False),
            ("", False, False),
            ("", False, False),
            (signer.full_name if signer else "", True, False),
        ],
    )
