"""A commune's pupil list from template to verified pupils, in the browser (issue 3, "Done when")."""

from __future__ import annotations

import re
from datetime import date

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from students.models import DuplicateCandidate, SchoolLevel, Student, StudentUpload
from students.template import FIRST_DATA_ROW, HEADERS
from students.tests.factories import SchoolFactory, StudentFactory
from tests.e2e.conftest import log_in
from vinhtuong_program.core.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

SHARED_ID = "026212345678"
ROWS = [
    {"Họ và tên": "Nguyễn Văn An", "Ngày sinh": "05/09/2012", "Mã định danh": SHARED_ID, "Lớp": "3A"},
    # 31/02 is no date: the first upload is refused as a whole.
    {"Họ và tên": "Trần Thị Bình", "Ngày sinh": "31/02/2013", "Lớp": "2B"},
    {"Họ và tên": "Lê Văn Cường", "Ngày sinh": "14/03/2011", "Lớp": "4A"},
]


def _fill(template_path, out_path):
    workbook = load_workbook(template_path)
    sheet = workbook["Danh sách học sinh"]
    column = {header: number for number, header in enumerate(HEADERS, start=1)}
    for offset, row in enumerate(ROWS):
        values = {
            "STT": offset + 1,
            "Giới tính": "Nam",
            "Trường": "Trường Tiểu học Vĩnh Tường",
            "Cấp học": "Tiểu học",
            "Thôn/Xóm": "Thôn Đông",
            "SĐT phụ huynh": "0912345678",
            "Thiếu thiết bị": "x",
            "Hoàn cảnh": "hộ nghèo",
        } | row
        for header, value in values.items():
            sheet.cell(row=FIRST_DATA_ROW + offset, column=column[header], value=value)
    workbook.save(out_path)


def _upload(page, path):
    page.get_by_label("Tệp danh sách học sinh").set_input_files(str(path))
    page.get_by_role("button", name="Tải lên và kiểm tra").click()
    expect(page).to_have_url(re.compile(r"/tai-len/\d+/$"))


def test_a_commune_sends_its_list_and_the_education_office_verifies_it(
    browser, live_server, tmp_path, commune_a, commune_b, commune_a_official, education_office_user
):
    SchoolFactory(commune=commune_a, name="Trường Tiểu học Vĩnh Tường", level=SchoolLevel.PRIMARY)
    # The same child is already on Kim Xá's list (lives there, studies here).
    StudentFactory(commune=commune_b, full_name="Nguyễn Văn An", birth_date=date(2012, 9, 5), personal_id=SHARED_ID)

    context = browser.new_context(base_url=live_server.url, locale="vi-VN", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, "xa_a", PASSWORD)
    page.get_by_role("link", name="Xã của tôi").click()

    with page.expect_download() as download:
        page.get_by_role("link", name="Tải mẫu Excel").click()
    template = tmp_path / "mau.xlsx"
    download.value.save_as(template)
    filled = tmp_path / "danh-sach.xlsx"
    _fill(template, filled)

    page.get_by_role("link", name="Tải lên danh sách học sinh").click()
    _upload(page, filled)
    expect(page.get_by_text("Danh sách có 1 lỗi. Chưa có dòng nào được lưu.")).to_be_visible()
    error_row = page.locator("#upload-errors tbody tr")
    expect(error_row).to_have_count(1)
    expect(error_row.locator("td").nth(0)).to_have_text(str(FIRST_DATA_ROW + 1))
    expect(error_row.locator("td").nth(1)).to_have_text("Ngày sinh")
    assert not Student.objects.filter(commune=commune_a).exists()

    with page.expect_download() as download:
        page.get_by_role("link", name="Tải tệp của bạn có đánh dấu ô sai").click()
    marked = tmp_path / "can-sua.xlsx"
    download.value.save_as(marked)
    workbook = load_workbook(marked)
    sheet = workbook.active
    wrong = [cell for row in sheet.iter_rows() for cell in row if cell.comment]
    assert len(wrong) == 1 and wrong[0].value == "31/02/2013"
    wrong[0].value = "28/02/2013"
    wrong[0].comment = None
    workbook.save(marked)

    page.get_by_role("link", name="Tải lên tệp đã sửa").click()
    _upload(page, marked)
    expect(page.get_by_text("Đã nhập danh sách.")).to_be_visible()
    expect(page.locator('[data-count="created"]')).to_have_text("3")
    expect(page.locator('[data-count="held"]')).to_have_text("1")
    assert StudentUpload.objects.filter(commune=commune_a).count() == 2

    page.get_by_role("link", name="Xem học sinh của xã").click()
    expect(page.get_by_role("link", name="Trần Thị Bình")).to_be_visible()
    expect(page.get_by_role("link", name="Lê Văn Cường")).to_be_visible()
    expect(page.get_by_text("3 học sinh")).to_be_visible()
    context.close()

    # The education office decides the pair, then verifies the commune's pupils.
    context = browser.new_context(base_url=live_server.url, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, "phonggd", PASSWORD)
    page.locator("#staff-menu").get_by_role("link", name=re.compile(r"^Hồ sơ nghi trùng")).click()
    expect(page.get_by_text("1 cặp đang chờ quyết định.")).to_be_visible()
    expect(page.get_by_text("trùng mã định danh", exact=True)).to_be_visible()
    page.get_by_role("button", name="Cùng một học sinh").click()
    expect(page.get_by_text("Đã ghi quyết định")).to_be_visible()
    expect(page.get_by_text("Không có cặp nào chờ quyết định.")).to_be_visible()
    pair = DuplicateCandidate.objects.get()
    assert pair.decision == "same" and pair.decided_by == education_office_user
    assert Student.objects.filter(personal_id=SHARED_ID, status__in=Student.ACTIVE_STATUSES).count() == 1

    page.goto(f"/can-bo/xac-minh/?commune={commune_a.pk}")
    page.get_by_role("button", name=re.compile("Xác minh cả 2 học sinh")).click()
    # A server-rendered confirmation says what will happen before anything changes.
    expect(page.get_by_test_id("bulk-confirm")).to_contain_text("Anh/chị sắp xác minh 2 học sinh")
    assert not Student.objects.filter(commune=commune_a, status=Student.Status.VERIFIED).exists()
    page.get_by_role("button", name="Đồng ý, xác minh 2 học sinh").click()
    expect(page.get_by_text("Đã cập nhật 2 học sinh.")).to_be_visible()
    expect(page.get_by_test_id("undo-verify")).to_be_visible()
    verified = Student.objects.filter(commune=commune_a, status=Student.Status.VERIFIED)
    assert sorted(verified.values_list("full_name", flat=True)) == ["Lê Văn Cường", "Trần Thị Bình"]
    context.close()
