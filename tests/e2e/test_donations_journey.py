import io
import json
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.e2e.conftest import log_in
from vinhtuong_program.core.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 390, "height": 844}


def test_a_donor_pledges_three_laptops_on_a_phone_and_staff_receive_two(
    browser, live_server, settings, education_office_user
):
    settings.DONATIONS_MIN_FILL_SECONDS = 0
    call_command("load_reference_data", stdout=io.StringIO())
    phone = browser.new_context(
        base_url=live_server.url, locale="vi-VN", viewport=PHONE, is_mobile=True, has_touch=True
    )
    donor = phone.new_page()
    donor.set_default_timeout(15_000)
    donor.goto("/ung-ho/")
    expect(donor.get_by_role("heading", name="Đăng ký ủng hộ Chương trình")).to_be_visible()
    # The form fits the phone: nothing wider than the screen.
    assert donor.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    donor.get_by_label("Tên đơn vị hoặc cá nhân").fill("Nguyễn Thị <b>Mai</b>")
    donor.get_by_label("Điện thoại").fill("0912 345 678")
    donor.get_by_label("Loại thiết bị").select_option("laptop")
    donor.get_by_label("Số lượng thiết bị").fill("3")
    donor.get_by_label("Tình trạng").select_option("new")
    donor.get_by_role("button", name="Gửi đăng ký ủng hộ").click()
    code_box = donor.get_by_test_id("reference-code")
    expect(code_box).to_have_text(re.compile(r"^UH-[A-Z0-9]{6}$"))
    code = code_box.inner_text()
    expect(donor.get_by_text("Nguyễn Thị <b>Mai</b>", exact=False).first).to_be_visible()
    expect(donor.get_by_text("0982114338")).to_be_visible()

    donor.get_by_role("link", name="Tra cứu ủng hộ").first.click()
    donor.get_by_label("Mã ủng hộ").fill(code)
    donor.get_by_label("Số điện thoại đã ghi khi đăng ký").fill("0912345678")
    donor.get_by_role("button", name="Tra cứu").click()
    expect(donor.get_by_test_id("pledge-status")).to_have_text("đã đăng ký")

    staff = browser.new_context(base_url=live_server.url, locale="vi-VN").new_page()
    staff.set_default_timeout(15_000)
    log_in(staff, "phonggd", PASSWORD)
    staff.locator("#staff-menu").get_by_role("link", name=re.compile(r"^Khoản ủng hộ")).click()
    staff.get_by_role("link", name=code).click()
    staff.locator("summary", has_text="Tiếp nhận thiết bị").click()
    staff.get_by_label("Số thiết bị tiếp nhận lần này").fill("2")
    staff.get_by_label("Số sê-ri hoặc IMEI").fill("5CG1234ABC\n5CG1234ABD")
    staff.get_by_role("button", name="Tiếp nhận thiết bị").click()
    expect(staff.get_by_test_id("device-serial")).to_have_text(["5CG1234ABC", "5CG1234ABD"])
    expect(staff.get_by_test_id("pledge-status")).to_have_text("đã nhận một phần")

    donor.reload()
    donor.get_by_label("Mã ủng hộ").fill(code)
    donor.get_by_label("Số điện thoại đã ghi khi đăng ký").fill("0912345678")
    donor.get_by_role("button", name="Tra cứu").click()
    expect(donor.get_by_test_id("pledge-status")).to_have_text("đã nhận một phần")

    out = io.StringIO()
    call_command("progress_report", "--format", "json", stdout=out)
    donations = json.loads(out.getvalue())["donations"]
    assert donations["devices_pledged"]["laptop"] == 3
    assert donations["devices_received"]["laptop"] == 2
    phone.close()
