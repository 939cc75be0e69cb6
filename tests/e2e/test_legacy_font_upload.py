"""A commune's list typed in TCVN3 is uploaded and the official is told it was converted (issue 17)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from common.tests.legacy_files import to_tcvn3
from students.models import SchoolLevel, Student
from students.tests.factories import SchoolFactory
from students.tests.spreadsheet_files import grid, pupil_row, xlsx
from tests.e2e.conftest import log_in
from vinhtuong_program.core.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

SCHOOL = "Trường Tiểu học Vĩnh Tường"


def test_a_list_typed_in_tcvn3_is_converted_and_the_official_is_told(
    browser, live_server, tmp_path, commune_a, commune_a_official
):
    SchoolFactory(commune=commune_a, name=SCHOOL, level=SchoolLevel.PRIMARY)
    rows = [
        pupil_row(1, **{"Họ và tên": "Nguyễn Văn Đức", "Trường": SCHOOL, "Thôn/Xóm": "Thôn Đông"}),
        pupil_row(2, **{"Họ và tên": "HỒ BẢO HƯƠNG", "Giới tính": "Nữ", "Trường": SCHOOL, "Thôn/Xóm": "Xóm Chùa"}),
    ]
    path = tmp_path / "danh-sach-vntime.xlsx"
    path.write_bytes(xlsx([[to_tcvn3(v) if isinstance(v, str) else v for v in row] for row in grid(rows)]))

    context = browser.new_context(base_url=live_server.url, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, "xa_a", PASSWORD)
    page.get_by_role("link", name="Xã của tôi").click()
    page.get_by_role("link", name="Tải lên danh sách học sinh").click()
    page.get_by_label("Tệp danh sách học sinh").set_input_files(str(path))
    page.get_by_role("button", name="Tải lên và kiểm tra").click()
    expect(page).to_have_url(re.compile(r"/tai-len/\d+/$"))

    expect(page.get_by_text("Đã nhập danh sách.")).to_be_visible()
    expect(page.get_by_text(re.compile("Tệp dùng bảng mã TCVN3, đã chuyển sang Unicode"))).to_be_visible()
    expect(page.locator('[data-count="created"]')).to_have_text("2")
    assert sorted(Student.objects.values_list("full_name", flat=True)) == ["Hồ Bảo Hương", "Nguyễn Văn Đức"]
    context.close()
