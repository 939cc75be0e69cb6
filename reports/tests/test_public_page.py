import itertools
import re
from datetime import date

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from allocation.models import Support
from donations import ledger
from donations.models import Device, PledgeLine
from donations.tests.factories import DeviceFactory, DeviceLineFactory, PledgeLineFactory, TelecomLineFactory
from reports.public import DONORS_PER_PAGE
from students.models import Student
from students.tests.factories import HamletFactory, StudentFactory
from telecom.tests.factories import (
    ConnectivityOfferFactory,
    HamletCoverageFactory,
    SimAssignmentFactory,
    ZeroRatingFactory,
)

pytestmark = pytest.mark.django_db

URL = "/cong-khai/"
DONORS_URL = "/cong-khai/nha-hao-tam/"
# Queries of the page computed afresh, whatever the size of the data (the progress report's 22, its
# savepoint in a test and, on PostgreSQL, its settings; the page's own 4, the day of the latest bank
# statement among them); none when cached for an anonymous visitor.
UNCACHED_QUERIES = 29
# A signed-in user's menu (session, user, permissions) costs the same cached or not.
SIGNED_IN_MENU_QUERIES = 8
DONOR_ROLL_QUERIES = 5
_serial = itertools.count(1)


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def _html(client, url: str = URL) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _svgs(html: str) -> list[str]:
    return re.findall(r"<svg\b.*?</svg>", html, flags=re.DOTALL)


def _fill(n: int, commune_a, commune_b, provider) -> list[Student]:
    """n of everything the page counts: pupils (half supported), donors of every kind of gift, offers, coverage."""
    pupils = []
    for _ in range(n):
        for commune in (commune_a, commune_b):
            serial = next(_serial)
            pupils.append(
                StudentFactory(
                    commune=commune,
                    full_name=f"Quách Thị Bí Mật {serial}",
                    birth_date=date(2011, 3, 14),
                    personal_id=f"0011{serial:08d}",
                    pupil_id=f"88{serial:08d}",
                    guardian_name=f"Phụ Huynh Kín Đáo {serial}",
                    guardian_phone=f"097{serial:07d}",
                    status=Student.Status.VERIFIED,
                    lacks_internet=True,
                )
            )
        cash = PledgeLineFactory(amount_vnd=1_500_000, pledge__donor__publish_consent=True)
        ledger.receipt_record(received_on=date(2021, 9, 20), amount_vnd=1_000_000, payer="Thử", pledge_line=cash)
        PledgeLineFactory(kind=PledgeLine.Kind.BUDGET, amount_vnd=20_000_000, fund_source="Quỹ khuyến học")
        devices = DeviceLineFactory(device_type="tablet", quantity=2)
        device = DeviceFactory(
            device_type="tablet", pledge_line=devices, pledge=devices.pledge, status=Device.Status.READY
        )
        Support.objects.create(student=pupils[-2], device=device, status=Support.Status.APPROVED)
        TelecomLineFactory(quantity=50, confirmed_on=date(2021, 9, 21))
        offer = ConnectivityOfferFactory(provider=provider, capacity=10)
        place = SimAssignmentFactory(offer=offer, student=pupils[-1])
        Support.objects.create(student=pupils[-1], offer=offer, sim_assignment=place, status=Support.Status.APPROVED)
        HamletCoverageFactory(hamlet=HamletFactory(commune=commune_a), provider=provider)
        ZeroRatingFactory(provider=provider)
    return pupils


# --- access ------------------------------------------------------------------------------------


def test_anonymous_visitors_see_the_page_and_the_donor_roll(client):
    assert client.get(URL).status_code == 200
    assert client.get(DONORS_URL).status_code == 200
    assert reverse("reports-public:transparency") == URL
    assert reverse("reports-public:donors") == DONORS_URL


@pytest.mark.parametrize(
    "user",
    ["education_office_user", "accountant_user", "leadership_user", "commune_a_official", "viettel_user"],
)
def test_every_role_sees_the_public_page_with_its_own_menu(client, request, user):
    user = request.getfixturevalue(user)
    client.force_login(user)
    html = _html(client)
    assert user.username in html  # the logout button, rendered around the cached content
    assert _html(client, DONORS_URL)


def test_the_pages_only_answer_get_and_head(client):
    for url in (URL, DONORS_URL):
        assert client.head(url).status_code == 200
        assert client.post(url).status_code == 405


def test_the_menu_and_the_home_page_link_to_the_public_report(client, education_office_user):
    link = f'href="{URL}"'
    assert link in _html(client, "/")
    assert f'<a class="nav-link" href="{URL}">Công khai</a>' in _html(client, "/ung-ho/")
    client.force_login(education_office_user)
    # Staff find it in their menu's reports group, marked as the current page.
    assert re.search(
        rf'<a class="nav-link staff-link active" href="{URL}" aria-current="page">'
        r'<span class="staff-link-text">Công khai</span>',
        _html(client),
    )


# --- content -----------------------------------------------------------------------------------


def test_the_page_shows_the_figures_in_vietnamese_with_money_as_dong(client, commune_a, commune_b, viettel):
    _fill(2, commune_a, commune_b, viettel)
    html = _html(client)
    assert "Công khai" in html and "Số liệu tính đến" in html
    assert re.search(r"\d\d/\d\d/\d{4} \d\d:\d\d", html)  # as of dd/mm/yyyy HH:MM
    assert "3.000.000 ₫" in html  # cash pledged: 2 × 1.500.000 ₫
    assert "2.000.000 ₫" in html  # cash received
    assert "40.000.000 ₫" in html  # budget and funds pledged
    assert "43.000.000 ₫" in html  # all money pledged
    main = html.split('id="main"')[1]
    # 4 pupils in need in all, 2 per commune; 4 supported (2 device, 2 connection).
    assert "Học sinh có nhu cầu" in main
    assert re.search(r"Vĩnh Tường</th>\s*<td[^>]*>2</td>\s*<td[^>]*>2</td>\s*<td[^>]*>2</td>", main)
    assert "100,0%" in main
    assert "Viettel" in main  # the provider's offers: 2 offers, 20 places, 2 taken
    assert re.search(r"Viettel</th>\s*<td[^>]*>2</td>\s*<td[^>]*>20</td>\s*<td[^>]*>2</td>", main)
    assert re.search(r"2 nền tảng học trực tuyến", main)
    assert "<script>" not in main and "onclick" not in html


def test_the_charts_are_svg_with_title_description_and_text_labels(client, commune_a, commune_b, viettel):
    _fill(1, commune_a, commune_b, viettel)
    svgs = _svgs(_html(client))
    assert len(svgs) == 6
    for svg in svgs:
        assert 'role="img"' in svg and "<title id=" in svg and "<desc id=" in svg
    by_commune = next(svg for svg in svgs if 'id="chart-communes-title"' in svg)
    assert ">Vĩnh Tường</text>" in by_commune and ">1 / 1 (100,0%)</text>" in by_commune
    money = next(svg for svg in svgs if 'id="chart-money-title"' in svg)
    assert "1.000.000 ₫ / 1.500.000 ₫ (66,7%)" in money


def test_consented_donors_are_named_and_the_others_shown_as_nha_hao_tam(client):
    PledgeLineFactory(pledge__donor__name="Công ty Cổ phần Sông Hồng", pledge__donor__publish_consent=True)
    PledgeLineFactory(
        amount_vnd=9_000_000, pledge__donor__name="Ông Ẩn Danh Không Muốn Nêu Tên", pledge__donor__publish_consent=False
    )
    for url in (URL, DONORS_URL):
        html = _html(client, url)
        assert "Công ty Cổ phần Sông Hồng" in html
        assert "Ẩn Danh Không Muốn" not in html
        assert "Nhà hảo tâm" in html
    roll = _html(client, DONORS_URL)
    assert "9.000.000 ₫" in roll and "1.500.000 ₫" in roll


def test_html_in_a_donors_name_is_escaped_in_tables_and_charts(client):
    name = '<img src=x onerror="alert(1)">Công ty & Con'
    PledgeLineFactory(pledge__donor__name=name, pledge__donor__publish_consent=True)
    html = _html(client)
    assert "<img src=x" not in html
    escaped = "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;Công ty &amp; Con"
    donors_chart = next(svg for svg in _svgs(html) if 'id="chart-donors-title"' in svg)
    assert "&lt;img src=x" in donors_chart  # the label (shortened to fit, full in its <title>)
    assert escaped in donors_chart  # the description
    assert escaped in _html(client, DONORS_URL)


def test_no_personal_data_of_pupils_or_donors_contacts_appears(client, commune_a, commune_b, viettel):
    pupils = _fill(3, commune_a, commune_b, viettel)
    donor = PledgeLineFactory(pledge__donor__publish_consent=True).pledge.donor
    donor.phone, donor.email, donor.address = "0987654321", "giam.doc@example.vn", "Số 7 ngõ Bí Mật"
    donor.save()
    pages = _html(client) + _html(client, DONORS_URL)
    for pupil in Student.objects.all():
        for value in (pupil.full_name, pupil.guardian_name, pupil.guardian_phone, pupil.personal_id, pupil.pupil_id):
            assert value and value not in pages
    assert "14/03/2011" not in pages and "2011-03-14" not in pages
    assert "Quách" not in pages and "Phụ Huynh" not in pages
    for value in ("0987654321", "giam.doc@example.vn", "Bí Mật", "0912345678"):
        assert value not in pages
    assert len(pupils) == 6


# --- caching and queries -----------------------------------------------------------------------


def _queries(client, url: str = URL) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("size", [1, 4])
def test_the_query_count_is_pinned_uncached_and_cached(
    client, commune_a, commune_b, viettel, size, django_assert_max_num_queries, django_assert_num_queries
):
    _fill(size, commune_a, commune_b, viettel)
    with django_assert_max_num_queries(UNCACHED_QUERIES):
        assert client.get(URL).status_code == 200
    with django_assert_num_queries(0):
        assert client.get(URL).status_code == 200


def test_the_query_count_does_not_grow_with_the_data(client, commune_a, commune_b, viettel, education_office_user):
    _fill(1, commune_a, commune_b, viettel)
    small = _queries(client)
    cache.clear()
    _fill(5, commune_a, commune_b, viettel)
    assert _queries(client) == small
    client.force_login(education_office_user)
    cache.clear()
    uncached = _queries(client)
    cached = _queries(client)
    assert cached <= SIGNED_IN_MENU_QUERIES
    assert uncached - cached == small


@pytest.mark.parametrize("donors", [3, DONORS_PER_PAGE + 5])
def test_the_donor_roll_needs_a_fixed_number_of_queries(client, donors, django_assert_max_num_queries):
    for _ in range(donors):
        line = DeviceLineFactory(quantity=2)
        DeviceFactory(pledge_line=line, pledge=line.pledge)
        PledgeLineFactory(pledge=line.pledge)
        TelecomLineFactory(pledge=line.pledge)
    with django_assert_max_num_queries(DONOR_ROLL_QUERIES):
        assert client.get(DONORS_URL).status_code == 200
    with django_assert_max_num_queries(0):
        assert client.get(DONORS_URL).status_code == 200


def test_figures_are_cached_until_the_cache_expires(client, commune_a, settings):
    StudentFactory(commune=commune_a, full_name="Học sinh Một")
    first = _html(client)
    StudentFactory.create_batch(5, commune=commune_a)
    assert _html(client) == first  # from the cache
    cache.clear()
    assert _html(client) != first
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    StudentFactory(commune=commune_a)
    html = _html(client)
    StudentFactory(commune=commune_a)
    assert _html(client) != html


def test_an_anonymous_visitor_gets_the_whole_page_from_the_cache(client, education_office_user):
    first = client.get(URL)
    assert "reports/public.html" in [t.name for t in first.templates]
    again = client.get(URL)
    assert again.templates == []  # nothing rendered: the page itself came from the cache
    assert again.content == first.content
    client.force_login(education_office_user)
    signed_in = client.get(URL)
    assert "reports/public.html" in [t.name for t in signed_in.templates]
    assert "reports/_public_figures.html" not in [t.name for t in signed_in.templates]  # the content is cached


def test_a_page_that_used_a_csrf_token_is_not_shared(client, monkeypatch):
    from django.middleware.csrf import get_token

    from reports.views import public

    original = public.render

    def render_with_token(request, *args, **kwargs):
        get_token(request)  # as a form in the menu would
        return original(request, *args, **kwargs)

    monkeypatch.setattr(public, "render", render_with_token)
    client.get(URL)
    assert client.get(URL).templates  # rendered again, not shared


def test_a_visitors_message_is_shown_to_them_and_never_shared(rf, client):
    from django.contrib import messages
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.messages.storage.fallback import FallbackStorage

    from reports.views.public import transparency

    request = rf.get(URL)
    request.user, request.session = AnonymousUser(), {}
    request._messages = FallbackStorage(request)
    messages.info(request, "Tin nhắn riêng của khách")
    response = transparency(request)
    assert "Tin nhắn riêng của khách" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert "Tin nhắn riêng của khách" not in _html(client)


def test_signed_in_users_content_never_reaches_the_cache(client, education_office_user):
    client.force_login(education_office_user)
    signed_in = _html(client)
    assert "csrfmiddlewaretoken" in signed_in and "phonggd" in signed_in
    client.logout()
    anonymous = _html(client)
    assert "csrfmiddlewaretoken" not in anonymous and "phonggd" not in anonymous
    assert "Đăng nhập" in anonymous


def test_anonymous_responses_may_be_kept_signed_in_ones_may_not(client, settings, education_office_user):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 120
    response = client.get(URL)
    assert response["Cache-Control"] == "public, max-age=120"
    assert "Cookie" in response["Vary"]
    assert not response.cookies
    assert client.get(DONORS_URL)["Cache-Control"] == "public, max-age=120"
    client.force_login(education_office_user)
    for url in (URL, DONORS_URL):
        control = client.get(url)["Cache-Control"]
        assert "private" in control and "no-store" in control and "public" not in control


def test_a_response_that_sends_a_visitors_session_cookie_is_never_public(client, settings):
    """An anonymous visitor who sent a report keeps it in their session (the thanks page); the session
    cookie goes out with every response, and a shared cache must never hand it to someone else."""
    settings.PUBLIC_PAGE_CACHE_SECONDS = 120
    session = client.session
    session["reports_last_feedback"] = "PA-ABCDEF"
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    for url in (URL, URL, DONORS_URL):
        response = client.get(url)
        assert settings.SESSION_COOKIE_NAME in response.cookies
        assert "public" not in response["Cache-Control"] and "private" in response["Cache-Control"]


# --- the donor roll ----------------------------------------------------------------------------


def test_the_donor_roll_lists_what_each_donor_gave(client):
    donor_line = PledgeLineFactory(pledge__donor__name="Hội Khuyến học", pledge__donor__publish_consent=True)
    pledge = donor_line.pledge
    ledger.receipt_record(received_on=date(2021, 9, 20), amount_vnd=500_000, payer="Hội", pledge_line=donor_line)
    laptops = DeviceLineFactory(pledge=pledge, quantity=3)
    DeviceFactory(pledge_line=laptops, pledge=pledge)
    TelecomLineFactory(pledge=pledge, quantity=40)
    PledgeLineFactory(pledge=pledge, amount_vnd=7_000_000, cancelled=True)  # cancelled: not counted
    html = _html(client, DONORS_URL)
    row = html.split("Hội Khuyến học")[1].split("</tr>")[0]
    assert "1.500.000 ₫" in row and "500.000 ₫" in row and "7.000.000" not in row
    assert "Máy tính xách tay: đăng ký 3, đã nhận 1" in row
    assert "cho 40 học sinh" in row


def test_donors_whose_every_pledge_was_cancelled_are_not_listed(client):
    PledgeLineFactory(pledge__donor__name="Công ty Đã Huỷ", pledge__donor__publish_consent=True, cancelled=True)
    html = _html(client, DONORS_URL)
    assert "Công ty Đã Huỷ" not in html
    assert "Chưa có khoản ủng hộ nào" in html


def test_the_donor_roll_is_paginated_with_trang(client):
    for n in range(DONORS_PER_PAGE + 3):
        PledgeLineFactory(pledge__donor__name=f"Nhà tài trợ số {n:03d}", pledge__donor__publish_consent=True)
    first = _html(client, DONORS_URL)
    assert "Nhà tài trợ số 000" in first and f"Nhà tài trợ số {DONORS_PER_PAGE:03d}" not in first
    assert 'href="?trang=2"' in first
    second = _html(client, f"{DONORS_URL}?trang=2")
    assert f"Nhà tài trợ số {DONORS_PER_PAGE:03d}" in second and "Nhà tài trợ số 000" not in second
    assert 'href="?trang=1"' in second


@pytest.mark.parametrize("page", ["abc", "0", "-1", "99999", "1.5", "9" * 5000, "", "%00"])
def test_bad_page_numbers_answer_a_page_not_an_error(client, page):
    for _ in range(DONORS_PER_PAGE + 1):
        PledgeLineFactory(pledge__donor__publish_consent=True)
    response = client.get(DONORS_URL, {"trang": page})
    assert response.status_code == 200
    assert "Nhà tài trợ" in response.content.decode()


@pytest.mark.filterwarnings("error::django.core.cache.backends.base.CacheKeyWarning")
@pytest.mark.parametrize("page", ["9" * 4000, "-" + "9" * 4000])
def test_a_huge_page_number_makes_no_cache_key_memcached_would_refuse(client, page):
    PledgeLineFactory(pledge__donor__publish_consent=True)
    response = client.get(DONORS_URL, {"trang": page})
    assert response.status_code == 200
    assert "Nhà tài trợ" in response.content.decode()
