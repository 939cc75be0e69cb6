import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.e2e.conftest import log_in
from vinhtuong_program.core.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_education_office_logs_in_and_sees_the_vietnamese_staff_home_and_admin(page, education_office_user):
    call_command("load_reference_data")
    page.goto("/")
    expect(page.get_by_role("heading", name="Sóng và máy tính cho em")).to_be_visible()
    page.get_by_role("link", name="Đăng nhập cán bộ").click()

    log_in(page, "phonggd", PASSWORD)
    expect(page).to_have_url(re.compile(r"/can-bo/$"))
    expect(page.get_by_role("heading", name="Trang cán bộ")).to_be_visible()
    expect(page.get_by_text("Cán bộ Phòng GD&ĐT")).to_be_visible()
    # All 28 communes of the district are listed for the education office.
    expect(page.locator("table tbody tr")).to_have_count(28)

    page.get_by_role("link", name="Mở trang quản trị").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.get_by_role("link", name="Sóng và máy tính cho em — Vĩnh Tường")).to_be_visible()
    page.get_by_role("link", name="Xã, thị trấn", exact=True).click()
    expect(page.get_by_text("Lũng Hoà")).to_be_visible()
    # Bootstrap came from our own static files: the navbar is styled.
    page.goto("/can-bo/")
    navbar_colour = page.locator("nav.navbar").evaluate("el => getComputedStyle(el).backgroundColor")
    assert navbar_colour != "rgba(0, 0, 0, 0)"


def test_commune_official_sees_own_commune_and_not_another(page, commune_a, commune_b, commune_a_official):
    log_in(page, "xa_a", PASSWORD)
    expect(page.get_by_role("heading", name="Trang cán bộ")).to_be_visible()
    page.get_by_role("link", name="Xã của tôi").click()
    expect(page.get_by_role("heading", name=re.compile("Vĩnh Tường"))).to_be_visible()
    response = page.goto(f"/can-bo/xa/{commune_b.code}/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Không tìm thấy trang")).to_be_visible()


def test_logging_out_ends_the_session(page, education_office_user):
    log_in(page, "phonggd", PASSWORD)
    page.get_by_role("button", name=re.compile("Đăng xuất")).click()
    expect(page.get_by_role("link", name="Đăng nhập cán bộ")).to_be_visible()
    page.goto("/can-bo/")
    expect(page).to_have_url(re.compile(r"/dang-nhap/\?next="))
