import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import log_in
from vinhtuong_program.core.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 390, "height": 844}
ANSWER = "Đã xác minh và bổ sung em Hoa vào danh sách của thị trấn; em được xét hỗ trợ máy tính bảng."


def _look_up(parent, code: str) -> None:
    parent.goto("/phan-anh/tra-cuu/")
    parent.get_by_label("Mã phản ánh").fill(code)
    parent.get_by_label("Số điện thoại đã ghi khi gửi phản ánh").fill("0912345678")
    parent.get_by_role("button", name="Tra cứu").click()


def test_a_parent_reports_a_missed_pupil_and_later_reads_the_communes_answer(
    browser, live_server, settings, commune_a, commune_b, commune_a_official
):
    settings.DONATIONS_MIN_FILL_SECONDS = 0
    phone = browser.new_context(
        base_url=live_server.url, locale="vi-VN", viewport=PHONE, is_mobile=True, has_touch=True
    )
    parent = phone.new_page()
    parent.set_default_timeout(15_000)
    parent.goto("/")
    parent.get_by_role("button", name="Mở trình đơn").click()  # the menu is folded on a phone
    # Bootstrap unfolds it over 0.35 s and marks it `show` when done; a click meanwhile may be lost.
    expect(parent.locator("#main-nav")).to_have_class(re.compile(r"\bshow\b"))
    parent.get_by_role("link", name="Phản ánh học sinh bị sót").click()
    parent.wait_for_url("**/phan-anh/")
    expect(parent.get_by_role("heading", name="Phản ánh học sinh bị sót hoặc vướng mắc về hỗ trợ")).to_be_visible()
    assert parent.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    parent.get_by_label("học sinh cần hỗ trợ nhưng không có trong danh sách").check()
    parent.get_by_label("Xã, thị trấn").select_option(label="Thị trấn Vĩnh Tường")
    parent.get_by_label("Thôn, xóm, tổ dân phố").fill("Tổ dân phố Đông")
    parent.get_by_label("Họ và tên học sinh").fill("Lê Thị <b>Hoa</b>")
    parent.get_by_label("Năm sinh").fill("2010")
    parent.get_by_label("Học sinh không có thiết bị để học trực tuyến").check()
    parent.get_by_label("Mô tả cụ thể").fill(
        "Gia đình cận nghèo, em học lớp 5 nhưng không có thiết bị nào để học trực tuyến."
    )
    parent.get_by_label("Họ và tên của Quý vị").fill("Lê Văn Nam")
    parent.get_by_label("Số điện thoại của Quý vị").fill("0912 345 678")
    parent.get_by_label("Quý vị là").select_option("parent")
    parent.get_by_role("button", name="Gửi phản ánh").click()
    code_box = parent.get_by_test_id("feedback-code")
    expect(code_box).to_have_text(re.compile(r"^PA-[A-Z2-9]{6}$"))
    code = code_box.inner_text()
    expect(parent.get_by_text("UBND Thị trấn Vĩnh Tường")).to_be_visible()

    _look_up(parent, code)
    expect(parent.get_by_test_id("feedback-status")).to_have_text("mới tiếp nhận")

    official = browser.new_context(base_url=live_server.url, locale="vi-VN").new_page()
    official.set_default_timeout(15_000)
    log_in(official, "xa_a", PASSWORD)
    # The menu link, whose name gains its badge's count once the count arrives.
    official.locator("#staff-menu a", has_text="Phản ánh của người dân").first.click()
    official.get_by_role("link", name=code).click()
    # Staff see the pupil's name as typed, escaped, never as markup.
    expect(official.get_by_test_id("pupil-name")).to_have_text("Lê Thị <b>Hoa</b>")
    official.get_by_label("Trạng thái").select_option("resolved")
    official.get_by_role("button", name="Lưu").click()
    expect(official.get_by_text("Ghi nội dung trả lời")).to_be_visible()  # a response is needed to resolve
    official.get_by_label("Trả lời người phản ánh").fill(ANSWER)
    official.get_by_role("button", name="Lưu").click()
    expect(official.get_by_test_id("feedback-status")).to_have_text("đã giải quyết")

    _look_up(parent, code)
    expect(parent.get_by_test_id("feedback-status")).to_have_text("đã giải quyết")
    expect(parent.get_by_test_id("feedback-response")).to_have_text(ANSWER)
    # The lookup shows the answer, never the pupil's or the reporter's personal data.
    body = parent.content()
    assert "Hoa</b>" not in body and "Lê Văn Nam" not in body
    official.context.close()
    phone.close()
