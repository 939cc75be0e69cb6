import io
from datetime import date

import pytest
from django.core.cache import cache
from django.core.management import call_command
from playwright.sync_api import expect

from allocation.models import Support
from donations.models import Device
from donations.tests.factories import DeviceFactory, DeviceLineFactory, PledgeLineFactory
from students.models import Commune, Student
from students.tests.factories import StudentFactory
from tests.e2e.accessibility import PHONE, axe_violations, describe, failing, phone_problems

pytestmark = pytest.mark.django_db(transaction=True)


def _district() -> None:
    call_command("load_reference_data", stdout=io.StringIO())
    for n, commune in enumerate(Commune.objects.order_by("code")[:6]):
        for k in range(3):
            StudentFactory(
                commune=commune,
                full_name=f"Trịnh Thị Riêng Tư {n}{k}",
                guardian_name=f"Lã Văn Phụ Huynh {n}{k}",
                guardian_phone=f"0961{n:03d}{k:03d}",
                personal_id=f"0012{n:04d}{k:04d}",
                birth_date=date(2012, 2, 29),
                status=Student.Status.VERIFIED,
            )
    line = DeviceLineFactory(device_type="tablet", quantity=4, pledge__donor__name="Công ty Cổ phần Minh Bạch")
    line.pledge.donor.publish_consent = True
    line.pledge.donor.save()
    device = DeviceFactory(device_type="tablet", pledge_line=line, pledge=line.pledge, status=Device.Status.READY)
    Support.objects.create(student=Student.objects.first(), device=device, status=Support.Status.APPROVED)
    PledgeLineFactory(pledge=line.pledge, amount_vnd=5_000_000)
    PledgeLineFactory(amount_vnd=2_500_000, pledge__donor__name="Bà Không Công Khai")


def _check_no_pupil_data(page) -> None:
    text = page.inner_text("body")
    html = page.content()
    names = Student.objects.values_list("full_name", "guardian_name", "guardian_phone", "personal_id")
    assert names  # every pupil in the database, not only those this test made
    for values in names:
        for value in filter(None, values):
            assert value not in text
            assert value not in html
    assert "29/02/2012" not in text


def test_the_public_page_shows_figures_and_charts_and_no_pupil_data(page, live_server):
    cache.clear()
    _district()
    page.goto("/")
    page.get_by_role("link", name="Công khai", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Công khai kết quả Chương trình")
    expect(page.get_by_text("Số liệu tính đến")).to_be_visible()
    charts = page.locator("main svg[role=img]")
    expect(charts).to_have_count(6)
    for index in range(6):
        box = charts.nth(index).bounding_box()
        assert box and box["width"] > 200 and box["height"] > 20
    expect(
        page.get_by_role("img", name="Học sinh đã được hỗ trợ so với học sinh cần hỗ trợ, theo xã, thị trấn")
    ).to_be_visible()
    expect(page.locator("main table").get_by_text("Công ty Cổ phần Minh Bạch")).to_be_visible()
    donors_chart = page.locator("#chart-donors-title").locator("xpath=..")
    expect(donors_chart.locator("g.chart-row > text:first-child")).to_have_text(
        ["Công ty Cổ phần Minh Bạch", "Nhà hảo tâm"]
    )
    assert "Bà Không Công Khai" not in page.content()
    _check_no_pupil_data(page)

    page.get_by_role("link", name="Xem toàn bộ danh sách ủng hộ").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Danh sách đơn vị, cá nhân ủng hộ")
    expect(page.locator("tbody th", has_text="Nhà hảo tâm")).to_have_count(1)
    expect(page.locator("tbody th", has_text="Công ty Cổ phần Minh Bạch")).to_be_visible()
    expect(page.get_by_text("Máy tính bảng: đăng ký 4, đã nhận 1")).to_be_visible()
    _check_no_pupil_data(page)


def test_the_public_page_fits_a_360_pixel_phone(browser, live_server):
    cache.clear()
    _district()
    context = browser.new_context(
        base_url=live_server.url, locale="vi-VN", viewport=PHONE, is_mobile=True, has_touch=True, bypass_csp=True
    )
    phone = context.new_page()
    phone.set_default_timeout(15_000)
    for url in ("/cong-khai/nha-hao-tam/", "/cong-khai/"):
        phone.goto(url)
        # Nothing wider than the screen (tables scroll inside their own box), every control on screen and tappable.
        assert not phone_problems(phone), (url, phone_problems(phone))
        assert not failing(axe_violations(phone)), (url, describe(url, axe_violations(phone)))
    chart = phone.locator("#chart-communes-title").locator("xpath=..")
    box = chart.bounding_box()
    assert box and box["width"] <= PHONE["width"] and box["height"] > 28 * 30
    context.close()
