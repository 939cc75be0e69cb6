import re

import pytest
from playwright.sync_api import expect

from donations.tests.factories import DeviceFactory
from students.tests.factories import HamletFactory
from tests.e2e.conftest import log_in
from vinhtuong_program.core.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_telecom_user_reports_4g_and_repairs_a_laptop_and_the_office_sees_both(
    browser, live_server, commune_a, viettel, viettel_user, education_office_user
):
    hamlet = HamletFactory(commune=commune_a, name="Thôn Đồng Lạc")
    DeviceFactory(brand_model="Dell Latitude 5400", serial="SN-E2E-1")

    context = browser.new_context(base_url=live_server.url, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, "nv_viettel", PASSWORD)
    page.locator("#staff-menu").get_by_role("link", name=re.compile(r"^Phủ sóng")).click()
    page.get_by_role("link", name=f"Cập nhật phủ sóng Viettel 4G tại {hamlet.name}").click()
    page.get_by_label("Di động 4G", exact=True).select_option("available")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_text(f"Đã lưu phủ sóng của Viettel tại {hamlet.name}.")).to_be_visible()

    page.get_by_role("link", name="Thiết bị đã qua sử dụng").click()
    page.get_by_role("row", name=re.compile("SN-E2E-1")).get_by_role("link", name="Kiểm tra").click()
    page.get_by_label("cần sửa chữa").check()
    page.get_by_label("Ghi chú").fill("Bàn phím hỏng")
    page.get_by_role("button", name="Ghi kết quả kiểm tra").click()
    expect(page.get_by_text("Đã ghi kết quả kiểm tra")).to_be_visible()
    page.get_by_role("link", name="Ghi sửa chữa").click()
    page.get_by_label("đã sửa").check()
    page.get_by_label("Đã xoá dữ liệu của người dùng cũ").check()
    page.get_by_role("button", name="Ghi sửa chữa").click()
    expect(page.get_by_text("Đã ghi sửa chữa thiết bị")).to_be_visible()
    context.close()

    context = browser.new_context(base_url=live_server.url, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, "phonggd", PASSWORD)
    page.goto("/can-bo/vien-thong/phu-song/?provider=viettel")
    row = page.get_by_role("row", name=re.compile(hamlet.name))
    expect(row.locator("td.cov-available")).to_have_count(1)
    expect(row.locator("td.cov-available")).to_contain_text("có")
    page.goto("/can-bo/vien-thong/thiet-bi/")
    recent = page.get_by_role("row", name=re.compile("SN-E2E-1"))
    expect(recent).to_contain_text("cần sửa chữa")
    expect(recent).to_contain_text("đã sửa")
    context.close()
