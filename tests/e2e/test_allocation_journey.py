"""Allocation in the browser, the issue's whole journey as the education office.

Dry run, save, approve a commune, prepare its school's handover record, download it as PDF
and DOCX, mark it handed over, record a follow-up that takes a broken device back, and read
why a supported and a left-out pupil got what they got. Names of buttons and links match the
Vietnamese words and, should a msgid lose its translation, the English one.
"""

import datetime
import io
import re

import pytest
from django.utils import timezone
from docx import Document
from playwright.sync_api import expect
from pypdf import PdfReader

from allocation.models import HandoverBatch, Support
from donations.models import Device, DeviceCondition
from donations.tests.factories import DeviceFactory
from students.models import Student
from students.tests.factories import SchoolFactory, StudentFactory
from tests.e2e.conftest import log_in
from vinhtuong_program.core.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def words(*choices: str) -> re.Pattern:
    """A button or link name in Vietnamese or (before the catalogue is compiled) English."""
    return re.compile("|".join(re.escape(choice) for choice in choices))


def seed_allocation(commune_a, commune_b, *, tablets: int = 2) -> dict:
    """Verified pupils in two communes (A's first one poor), and tablets ready to give."""
    school_a, school_b = SchoolFactory(commune=commune_a), SchoolFactory(commune=commune_b)

    def verified(commune, school, name, **kwargs):
        return StudentFactory(commune=commune, school=school, full_name=name, status=Student.Status.VERIFIED, **kwargs)

    pupils = {
        "a1": verified(commune_a, school_a, "Lê Thị Ánh", hardships=["poor"], guardian_name="Lê Văn Hùng"),
        "a2": verified(commune_a, school_a, "Trần Văn Bình"),
        "a3": verified(commune_a, school_a, "Phạm Minh Châu"),
        "b1": verified(commune_b, school_b, "Đỗ Thu Dung"),
    }
    for _ in range(tablets):
        DeviceFactory(device_type="tablet", status=Device.Status.READY, condition=DeviceCondition.NEW)
    return {"school_a": school_a, "school_b": school_b, **pupils}


def dry_run_and_save(page, *, expected_proposed: int) -> None:
    page.goto("/can-bo/")
    page.locator("#staff-menu").get_by_role("link", name=words("Chạy phân bổ", "Allocation run")).click()
    page.get_by_role("button", name=words("Chạy thử", "Dry run")).click()
    expect(page.locator('[data-total="proposed"]')).to_have_text(str(expected_proposed))
    expect(page.locator("#by-commune tbody tr")).not_to_have_count(0)
    page.get_by_role("button", name=words("Lưu đề xuất", "Save the proposal")).click()
    expect(page.locator(".alert-success")).to_be_visible()


def approve_commune(page, commune) -> None:
    page.goto("/can-bo/phan-bo/ho-tro/")
    page.locator("#id_commune").select_option(label=str(commune))
    page.locator("form[method=get] button[type=submit]").click()
    page.get_by_role("button", name=words("Duyệt cả xã", "Approve the whole commune")).click()
    page.get_by_role("button", name=words("Đồng ý, phê duyệt", "Yes, approve")).click()
    expect(page.locator(".alert-success")).to_be_visible()


def open_pupil_panel(page, student):
    page.goto(f"/can-bo/hoc-sinh/{student.pk}/")
    panel = page.locator("#allocation-panel")
    expect(panel).to_be_visible()
    return panel


def prepare_record(page, school) -> HandoverBatch:
    """From the allocation pages' menu: the handover records, then a record for `school`."""
    page.goto("/can-bo/phan-bo/")
    page.get_by_role("link", name=words("Biên bản bàn giao", "Handover records")).click()
    page.get_by_role("link", name=words("Lập biên bản", "Prepare a record")).click()
    row = page.locator("tbody tr").filter(has_text=school.name)
    row.get_by_role("button", name=words("Lập biên bản", "Prepare the record")).click()
    expect(page.locator(".alert-success")).to_be_visible()
    batch = HandoverBatch.objects.get(school=school)
    expect(page.locator("h1")).to_contain_text(batch.number)
    return batch


def download(page, link_name: re.Pattern) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name).click()
    return info.value.path().read_bytes()


def pdf_text(content: bytes) -> str:
    """The PDF's text with whitespace folded (a long cell may wrap over lines)."""
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    return "\n".join(parts)


def mark_handed_over(page, day: datetime.date, receiver: str) -> None:
    page.get_by_role("link", name=words("Ghi nhận đã bàn giao", "Mark handed over")).click()
    page.get_by_label(words("Ngày bàn giao", "Handed over on")).fill(f"{day:%d/%m/%Y}")
    page.get_by_label(words("Người nhận thay mặt nhà trường", "Received for the school by")).fill(receiver)
    page.get_by_role("button", name=words("Ghi nhận đã bàn giao", "Mark handed over")).click()
    expect(page.locator(".alert-success")).to_be_visible()


def take_back_broken(page, support, day: datetime.date) -> None:
    """On the handed-over record, open a pupil's follow-up and take the broken device to inspection."""
    row = page.locator("tbody tr").filter(has_text=support.student.full_name)
    row.get_by_role("link", name=words("Theo dõi", "Follow-up")).click()
    page.get_by_label(words("Kết quả kiểm tra", "Result of the check")).select_option("broken")
    page.get_by_label(words("Ngày kiểm tra", "Checked on")).fill(f"{day:%d/%m/%Y}")
    page.get_by_label(words("Thu hồi thiết bị", "Take the device back")).check()
    page.get_by_label(words("đi kiểm tra hoặc sửa chữa trước", "to inspection or repair first")).check()
    page.get_by_role("button", name=words("Lưu kết quả kiểm tra", "Record the check")).click()
    expect(page.locator(".alert-success")).to_be_visible()


def test_staff_run_approve_hand_over_follow_up_and_explain(page, education_office_user, commune_a, commune_b):
    pupils = seed_allocation(commune_a, commune_b)
    log_in(page, "phonggd", PASSWORD)

    dry_run_and_save(page, expected_proposed=2)
    assert Support.objects.filter(status=Support.Status.PROPOSED).count() == 2

    approve_commune(page, commune_a)
    approved = Support.objects.filter(status=Support.Status.APPROVED).select_related("student")
    assert {s.student.commune_id for s in approved} == {commune_a.pk}
    assert {s.student for s in approved} == {pupils["a1"], pupils["a2"]}
    names = [pupils["a1"].full_name, pupils["a2"].full_name]

    # The record of A's school: both approved pupils, printed the same way in both files.
    batch = prepare_record(page, pupils["school_a"])
    assert set(batch.supports.values_list("student", flat=True)) == {pupils["a1"].pk, pupils["a2"].pk}
    for name in names:
        expect(page.locator("tbody")).to_contain_text(name)

    text = pdf_text(download(page, words("Tải về .pdf", "Download .pdf")))
    assert batch.number in text
    for name in names:
        assert name in text
    assert "Lê Văn Hùng" in text  # the guardian who signs for the first pupil
    assert pupils["a3"].full_name not in text

    text = docx_text(download(page, words("Tải về .docx", "Download .docx")))
    assert "BIÊN BẢN BÀN GIAO" in text
    assert batch.number in text
    for name in names:
        assert name in text

    # Handed over three days ago, received by the school's representative.
    day = timezone.localdate() - datetime.timedelta(days=3)
    mark_handed_over(page, day, "Nguyễn Thị Hoa, hiệu trưởng")
    expect(page.locator("main")).to_contain_text(f"{day:%d/%m/%Y}")
    expect(page.locator("main")).to_contain_text("Nguyễn Thị Hoa, hiệu trưởng")
    batch.refresh_from_db()
    assert (batch.status, batch.handed_over_on, batch.received_by) == (
        HandoverBatch.Status.HANDED_OVER,
        day,
        "Nguyễn Thị Hoa, hiệu trưởng",
    )
    handed = list(batch.supports.select_related("device", "student"))
    assert {(s.status, s.handed_over_on) for s in handed} == {(Support.Status.HANDED_OVER, day)}
    assert {s.device.status for s in handed} == {Device.Status.HANDED_OVER}
    # Each pupil's receiver is their guardian; without one on file, the school's representative.
    assert {s.student.full_name: s.received_by for s in handed} == {
        pupils["a1"].full_name: "Lê Văn Hùng",
        pupils["a2"].full_name: "Nguyễn Thị Hoa, hiệu trưởng",
    }
    # The record printed now carries the handover date.
    assert f"ngày {day:%d/%m/%Y}" in pdf_text(download(page, words("Tải về .pdf", "Download .pdf")))

    # A follow-up finds the second pupil's tablet broken: it goes back to inspection.
    broken = next(s for s in handed if s.student == pupils["a2"])
    take_back_broken(page, broken, timezone.localdate())
    expect(page.locator("main")).to_contain_text(words("đã thu hồi", "returned"))
    expect(page.locator("main")).to_contain_text(words("chờ kiểm tra", "awaiting inspection"))
    broken.refresh_from_db()
    broken.device.refresh_from_db()
    assert broken.status == Support.Status.RETURNED
    assert broken.ended_on == timezone.localdate()
    assert broken.device.status == Device.Status.AWAITING_INSPECTION
    assert broken.follow_ups.get().result == "broken"
    kept = next(s for s in handed if s.student == pupils["a1"])
    kept.refresh_from_db()
    assert kept.status == Support.Status.HANDED_OVER

    # The supported pupil's page names the rule that gave the tablet, the score and the rank.
    panel = open_pupil_panel(page, pupils["a1"])
    expect(panel).to_contain_text(words("đã bàn giao", "handed over"))
    expect(panel.locator('[data-rule="commune_share"]')).to_contain_text(
        words("trong phần chia của xã", "within the commune's share")
    )
    expect(panel).to_contain_text(re.compile(r"(Điểm ưu tiên|Priority score) \d+, (xếp hạng|rank) 1\b"))

    # The left-out pupil's page says what was short: no tablet was left, and where they ranked.
    panel = open_pupil_panel(page, pupils["a3"])
    expect(panel).to_contain_text(words("Chưa được hỗ trợ", "Left out"))
    expect(panel).to_contain_text(words("đã hết thiết bị", "no device of a type suited"))
    expect(panel).to_contain_text(re.compile(r"(hạng|rank) 3\b"))
