"""The handover record (biên bản bàn giao) of one HandoverBatch, as DOCX and as PDF.

A school's record is received by the school; a commune's record by the commune People's
Committee (UBND xã/thị trấn), and its table has a column for each pupil's school.

Both documents are built from the same `HandoverRecord`, gathered in one query
by `handover_record()`, so what the school signs on paper and what is filed as
PDF never differ. Every text from the database goes through `clean_text`: a
control character pasted into a name would otherwise make the DOCX fail.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import translation
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from allocation import pdf, word
from allocation.models import HandoverBatch, Support
from common.text import clean_text
from donations.letters import PLACE, PROGRAMME
from students.models import Commune

TITLE = "BIÊN BẢN BÀN GIAO THIẾT BỊ HỌC TẬP VÀ HỖ TRỢ KẾT NỐI"
SUBTITLE = f"Chương trình {PROGRAMME} — huyện Vĩnh Tường"
HEADINGS = (
    "STT",
    "Họ và tên học sinh",
    "Lớp",
    "Thiết bị được nhận (loại, hãng/model, số serial/IMEI)",
    "Hỗ trợ kết nối (gói cước, số SIM hoặc số thuê bao cáp quang)",
    "Phụ huynh ký nhận (ghi rõ họ tên)",
)
# Relative widths of the columns above, in both documents.
WIDTHS = (1.1, 4.6, 1.4, 6.6, 6.6, 4.6)
ALIGNS = ("CENTER", "LEFT", "CENTER", "LEFT", "LEFT", "LEFT")
# A commune's record: the pupil's school after the name (pupils of several schools on one record).
SCHOOL_HEADING, SCHOOL_WIDTH, SCHOOL_AT = "Trường", 3.8, 2
COMMUNE_HEADINGS = (*HEADINGS[:SCHOOL_AT], SCHOOL_HEADING, *HEADINGS[SCHOOL_AT:])
COMMUNE_WIDTHS = (1.1, 4.2, SCHOOL_WIDTH, 1.3, 5.6, 5.6, 4.2)
COMMUNE_ALIGNS = (*ALIGNS[:SCHOOL_AT], "LEFT", *ALIGNS[SCHOOL_AT:])
KIND_WORDS: dict[str, str] = {Commune.Kind.COMMUNE: "xã", Commune.Kind.TOWNSHIP: "thị trấn"}
DOTS = "…………"
GUARDIANS_SIGN = "Phụ huynh (người giám hộ) của từng học sinh ký nhận tại cột cuối của bảng trên."
OFFICE_ROLE = "ĐẠI DIỆN PHÒNG GIÁO DỤC VÀ ĐÀO TẠO"
SCHOOL_ROLE = "ĐẠI DIỆN NHÀ TRƯỜNG"
SCHOOL_HINT = "(Ký, ghi rõ họ tên, đóng dấu)"
COMMUNE_ROLE = "ĐẠI DIỆN UBND {kind}"
OFFICE_HINT = "(Ký, ghi rõ họ tên)"


@dataclass(frozen=True)
class HandoverRow:
    index: int
    support_id: int
    student_id: int
    full_name: str
    class_name: str
    school: str
    device: str
    connectivity: str
    guardian: str
    status: str
    status_label: str

    def cells(self, *, with_school: bool = False) -> tuple[str, ...]:
        guardian = f"\n\n{self.guardian}" if self.guardian else ""
        school = (self.school,) if with_school else ()
        return (str(self.index), self.full_name, *school, self.class_name, self.device, self.connectivity, guardian)


@dataclass(frozen=True)
class HandoverRecord:
    number: str
    school: str  # empty on a commune's record
    commune: str  # "Xã Vĩnh Sơn"
    handed_over_on: datetime.date | None
    received_by: str
    rows: tuple[HandoverRow, ...]
    commune_kind: str = "xã"  # "xã" or "thị trấn"
    commune_name: str = ""

    @property
    def for_commune(self) -> bool:
        return not self.school

    @property
    def receiver(self) -> str:
        """The receiving party: the school, or "UBND xã Vĩnh Sơn"."""
        return f"UBND {self.commune_kind} {self.commune_name}" if self.for_commune else self.school

    @property
    def receiver_short(self) -> str:
        return f"UBND {self.commune_kind}" if self.for_commune else "nhà trường"

    @property
    def venue(self) -> str:
        return f"Địa điểm bàn giao: {self.receiver}"

    @property
    def headings(self) -> tuple[str, ...]:
        return COMMUNE_HEADINGS if self.for_commune else HEADINGS

    @property
    def widths(self) -> tuple[float, ...]:
        return COMMUNE_WIDTHS if self.for_commune else WIDTHS

    @property
    def aligns(self) -> tuple[str, ...]:
        return COMMUNE_ALIGNS if self.for_commune else ALIGNS

    @property
    def table_rows(self) -> list[tuple[str, ...]]:
        return [row.cells(with_school=self.for_commune) for row in self.rows]

    @property
    def receiver_role(self) -> str:
        return COMMUNE_ROLE.format(kind=self.commune_kind.upper()) if self.for_commune else SCHOOL_ROLE

    @property
    def device_count(self) -> int:
        return sum(1 for row in self.rows if row.device)

    @property
    def connectivity_count(self) -> int:
        return sum(1 for row in self.rows if row.connectivity)

    @property
    def place_and_date(self) -> str:
        on = self.handed_over_on
        if on is None:
            return f"{PLACE}, ngày {DOTS} tháng {DOTS} năm {DOTS}"
        return f"{PLACE}, ngày {on.day:02d} tháng {on.month:02d} năm {on.year}"

    @property
    def introduction(self) -> str:
        when = f"ngày {self.handed_over_on:%d/%m/%Y}" if self.handed_over_on else f"ngày {DOTS}/{DOTS}/{DOTS}"
        if self.for_commune:
            place = f"trụ sở {self.receiver}"
            pupils = f"{len(self.rows)} học sinh cư trú trên địa bàn {self.commune_kind}"
        else:
            place, pupils = f"{self.school} ({self.commune})", f"{len(self.rows)} học sinh"
        return (
            f"Hôm nay, {when}, tại {place}, Phòng Giáo dục và Đào tạo huyện Vĩnh Tường "
            f"bàn giao cho {self.receiver_short} và phụ huynh học sinh thiết bị học tập và hỗ trợ kết nối Internet "
            f"thuộc Chương trình {PROGRAMME}, hỗ trợ 01 lần/01 học sinh, cho {pupils} "
            f"có tên dưới đây ({self.device_count} thiết bị, {self.connectivity_count} hỗ trợ kết nối)."
        )

    @property
    def parties(self) -> tuple[str, str]:
        receiver = self.received_by or DOTS * 3
        return (
            f"Bên giao: Phòng Giáo dục và Đào tạo huyện Vĩnh Tường, đại diện: {DOTS * 3}",
            f"Bên nhận: {self.receiver}, đại diện: {receiver}",
        )

    @property
    def undertaking(self) -> str:
        tell = f"UBND {self.commune_kind} hoặc nhà trường" if self.for_commune else "nhà trường"
        return (
            "Phụ huynh và học sinh giữ gìn, sử dụng thiết bị và gói cước đúng mục đích học tập; khi thiết bị hỏng, "
            f"bị mất, học sinh chuyển trường hoặc không còn nhu cầu sử dụng, báo {tell} để Phòng Giáo dục và "
            "Đào tạo thu hồi và hỗ trợ học sinh khác. Biên bản lập thành 03 bản: Phòng GD&ĐT giữ 01 bản, "
            f"{self.receiver_short} giữ 02 bản."
        )


def _label(text) -> str:
    text = str(text)
    return text[:1].upper() + text[1:]


def _device_text(support: Support) -> str:
    device = support.device
    if device is None:
        return ""
    parts = [_label(device.get_device_type_display())]
    if device.brand_model:
        parts[0] += f" {clean_text(device.brand_model)}"
    parts.append(f"Serial/IMEI: {clean_text(device.serial) or DOTS}")
    return "\n".join(parts)


def _connectivity_text(support: Support) -> str:
    offer = support.offer
    if offer is None:
        return ""
    place = support.sim_assignment
    provider = clean_text(offer.provider.short_name or offer.provider.name)
    lines = [f"{clean_text(offer.name)} ({provider})"]
    if offer.is_sim:
        lines.append(f"Số SIM: {clean_text(place.sim_number if place else '') or DOTS}")
    else:
        lines.append(f"Số thuê bao cáp quang: {clean_text(place.subscription_number if place else '') or DOTS}")
    return "\n".join(lines)


def handover_record(batch: HandoverBatch, *, supports: QuerySet[Support] | None = None) -> HandoverRecord:
    """Everything both documents print, in one query; `supports` narrows the rows (a user's scope)."""
    queryset = Support.objects.all() if supports is None else supports
    queryset = (
        queryset.filter(batch=batch)
        .select_related("student__school", "device", "offer__provider", "sim_assignment")
        .order_by("student__class_name", "student__full_name", "pk")
    )
    with translation.override("vi"):
        rows = tuple(
            HandoverRow(
                index=index,
                support_id=support.pk,
                student_id=support.student_id,
                full_name=clean_text(support.student.full_name),
                class_name=clean_text(support.student.class_name),
                school=clean_text(support.student.school.name if support.student.school_id else ""),
                device=_device_text(support),
                connectivity=_connectivity_text(support),
                guardian=clean_text(support.received_by or support.student.guardian_name),
                status=support.status,
                status_label=str(support.get_status_display()),
            )
            for index, support in enumerate(queryset, start=1)
        )
        commune = str(batch.commune)
    return HandoverRecord(
        number=batch.number,
        school=clean_text(batch.school.name) if batch.school is not None else "",
        commune=clean_text(commune),
        commune_kind=KIND_WORDS.get(batch.commune.kind, "xã"),
        commune_name=clean_text(batch.commune.name),
        handed_over_on=batch.handed_over_on,
        received_by=clean_text(batch.received_by),
        rows=rows,
    )


# --- DOCX -----------------------------------------------------------------------------------------


def handover_docx(record: HandoverRecord) -> bytes:
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21)
    section.top_margin, section.bottom_margin = Cm(1.5), Cm(1.5)
    section.left_margin, section.right_margin = Cm(2), Cm(1.5)
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(12)

    word.official_header(doc, number=record.number, place_and_date=record.place_and_date)
    word.paragraph(doc)
    word.paragraph(doc, TITLE, bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER)
    word.paragraph(doc, SUBTITLE, bold=True, size=12, align=WD_ALIGN_PARAGRAPH.CENTER)
    word.paragraph(doc, record.venue, bold=True, size=12, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=8)
    word.paragraph(doc, record.introduction, align=WD_ALIGN_PARAGRAPH.JUSTIFY, space_after=4)
    for party in record.parties:
        word.paragraph(doc, party, space_after=2)
    word.paragraph(doc, space_after=4)

    usable = 29.7 - 2 - 1.5
    word.table(doc, record.headings, record.table_rows, widths=record.widths, usable_cm=usable, aligns=record.aligns)
    word.paragraph(doc, space_after=4)
    word.paragraph(doc, record.undertaking, align=WD_ALIGN_PARAGRAPH.JUSTIFY, space_after=4)
    word.paragraph(doc, GUARDIANS_SIGN, italic=True, space_after=10)

    footer = doc.add_table(rows=1, cols=2)
    footer.alignment = WD_TABLE_ALIGNMENT.CENTER
    blank = [("", False, False)] * 4
    word.cell_lines(
        footer.cell(0, 0),
        [(record.receiver_role, True, False), (SCHOOL_HINT, False, True), *blank, (record.received_by, True, False)],
    )
    word.cell_lines(footer.cell(0, 1), [(OFFICE_ROLE, True, False), (OFFICE_HINT, False, True), *blank])
    return word.to_bytes(doc)


# --- PDF ------------------------------------------------------------------------------------------


def handover_pdf(record: HandoverRecord) -> bytes:
    document = pdf.new_document(landscape=True, title=f"{TITLE} {record.number}")
    pdf.official_header(document, number=record.number, place_and_date=record.place_and_date)
    pdf.title(document, TITLE, SUBTITLE, record.venue)
    pdf.paragraph(document, record.introduction)
    for party in record.parties:
        pdf.paragraph(document, party, align="L")
    document.ln(2)
    columns = zip(record.headings, record.widths, record.aligns, strict=True)
    pdf.table(document, [pdf.Column(heading, width, align) for heading, width, align in columns], record.table_rows)
    pdf.paragraph(document, record.undertaking)
    pdf.paragraph(document, GUARDIANS_SIGN, align="L")
    document.ln(4)
    pdf.signatures(
        document,
        [
            pdf.Signature(record.receiver_role, SCHOOL_HINT, record.received_by),
            pdf.Signature(OFFICE_ROLE, OFFICE_HINT),
        ],
    )
    return pdf.to_bytes(document)


def filename(record: HandoverRecord, extension: str) -> str:
    return f"bien-ban-ban-giao-{record.number}.{extension}"
