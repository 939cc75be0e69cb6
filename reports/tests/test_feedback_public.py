import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from donations import antispam
from reports.models import Feedback
from reports.tests.factories import FeedbackFactory

pytestmark = pytest.mark.django_db
URL = "/phan-anh/"
LOOKUP = "/phan-anh/tra-cuu/"
# Letters only Vietnamese has (any message in English would have none of them).
VIETNAMESE = set("ăâđêôơưàáạảãấầẩẫậắằẳẵặèéẹẻẽếềểễệìíịỉĩòóọỏõốồổỗộớờởỡợùúụủũứừửữựỳýỵỷỹ")


@pytest.fixture(autouse=True)
def _fresh_rate_limits(settings):
    """Each test starts with no attempts counted and no minimum fill time unless it sets one."""
    cache.clear()
    settings.DONATIONS_MIN_FILL_SECONDS = 0
    yield
    cache.clear()


def _post(client, to_commune, meta=None, **changes):
    data = {
        "kind": "missed_pupil",
        "commune": to_commune.pk,
        "hamlet": "Thôn Đông",
        "school": "Trường THCS Vĩnh Tường",
        "pupil_name": "Lê Thị Hoa",
        "pupil_birth_year": "2009",
        "pupil_class": "7A",
        "lacks_device": "on",
        "description": "Gia đình hộ nghèo, em chưa có điện thoại để học trực tuyến.",
        "reporter_name": "Lê Văn Nam",
        "reporter_phone": "0912 345 678",
        "reporter_relation": "parent",
        "form_token": antispam.new_form_token(),
        "website": "",
    }
    data.update(changes)
    return client.post(URL, {k: v for k, v in data.items() if v is not None}, **(meta or {}))


def test_a_parent_reports_a_missed_pupil_and_gets_the_code_and_what_happens_next(client, commune_a):
    assert client.get(URL).status_code == 200
    response = _post(client, commune_a)
    assert response.status_code == 302
    feedback = Feedback.objects.get()
    assert feedback.commune == commune_a and feedback.kind == "missed_pupil"
    assert feedback.reporter_phone == "0912345678" and feedback.pupil_birth_year == 2009
    assert feedback.submission_token
    page = client.get(response["Location"]).content.decode()
    assert feedback.code in page
    assert "Vĩnh Tường" in page and "vài ngày làm việc" in page
    assert f"{reverse('reports-public:feedback-lookup')}?ma={feedback.code}" in page


def test_the_thanks_page_without_a_report_in_the_session_goes_back_to_the_form(client):
    response = client.get(reverse("reports-public:feedback-thanks"))
    assert response.status_code == 302 and response["Location"] == URL


def test_the_form_has_no_inline_script_a_hidden_honeypot_and_a_link_to_the_lookup(client, commune_a):
    body = client.get(URL).content.decode()
    assert "<script>" not in body and "onclick" not in body
    assert 'class="hp-field"' in body and 'name="website"' in body
    assert f'href="{LOOKUP}"' in body
    assert "Phản ánh học sinh bị sót" in body


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"pupil_name": ""}, "pupil_name"),
        ({"lacks_device": None}, "lacks_device"),
        ({"description": ""}, "description"),
        ({"description": "x" * 100_000}, "description"),
        ({"reporter_name": "A" * 10_000}, "reporter_name"),
        ({"reporter_name": "   "}, "reporter_name"),
        ({"pupil_name": "B" * 10_000}, "pupil_name"),
        ({"hamlet": "T" * 5_000}, "hamlet"),
        ({"school": "S" * 5_000}, "school"),
        ({"pupil_class": "lớp sáu A chuyên toán"}, "pupil_class"),
        ({"pupil_birth_year": "1950"}, "pupil_birth_year"),
        ({"pupil_birth_year": "99999999999999999999"}, "pupil_birth_year"),
        ({"pupil_birth_year": "hai nghìn"}, "pupil_birth_year"),
        ({"reporter_phone": "12345"}, "reporter_phone"),
        ({"reporter_phone": "0912abc678"}, "reporter_phone"),
        ({"reporter_phone": "091234567890123"}, "reporter_phone"),
        ({"reporter_phone": ""}, "reporter_phone"),
        ({"commune": "999999"}, "commune"),
        ({"commune": "abc"}, "commune"),
        ({"kind": "complaint"}, "kind"),
        ({"reporter_relation": "cousin"}, "reporter_relation"),
    ],
)
def test_bad_input_is_refused_with_a_vietnamese_message_and_nothing_saved(client, commune_a, changes, field):
    response = _post(client, commune_a, **changes)
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    assert VIETNAMESE & set(" ".join(form.errors[field]).lower())
    assert not Feedback.objects.exists()


def test_a_problem_with_a_support_needs_no_pupil_name(client, commune_a):
    response = _post(
        client,
        commune_a,
        kind="support_problem",
        pupil_name="",
        lacks_device=None,
        description="Đã nhận SIM nhưng chưa được kích hoạt.",
    )
    assert response.status_code == 302
    assert Feedback.objects.get().kind == "support_problem"


def test_html_in_names_is_shown_escaped_on_the_thanks_page(client, commune_a):
    response = _post(client, commune_a, reporter_name="<script>alert(1)</script>Bà Hoa")
    thanks = client.get(response["Location"]).content.decode()
    assert "<script>alert(1)" not in thanks and "&lt;script&gt;alert(1)" in thanks


def test_a_replayed_form_saves_nothing_the_second_time(client, commune_a):
    token = antispam.new_form_token()
    assert _post(client, commune_a, form_token=token).status_code == 302
    replay = _post(client, commune_a, form_token=token)
    assert replay.status_code == 200
    assert "đã được gửi" in replay.content.decode()
    assert Feedback.objects.count() == 1


def test_a_forged_or_missing_token_is_refused(client, commune_a):
    assert _post(client, commune_a, form_token="forged").status_code == 200
    assert _post(client, commune_a, form_token=None).status_code == 200
    assert not Feedback.objects.exists()


def test_a_filled_honeypot_or_a_form_sent_too_quickly_saves_nothing(client, commune_a, settings):
    honeypot = _post(client, commune_a, website="http://spam.example")
    assert honeypot.status_code == 200 and "Không thể tiếp nhận" in honeypot.content.decode()
    settings.DONATIONS_MIN_FILL_SECONDS = 3
    quick = _post(client, commune_a)
    assert quick.status_code == 200 and "quá nhanh" in quick.content.decode()
    assert not Feedback.objects.exists()


def test_quick_submissions_from_one_client_are_rate_limited_per_client(client, commune_a, settings):
    settings.DONATIONS_PLEDGE_RATE_LIMIT = (5, 3600)
    statuses = [_post(client, commune_a, pupil_name=f"Học sinh {n}").status_code for n in range(20)]
    assert statuses[:5] == [302] * 5
    assert set(statuses[5:]) == {429}
    assert Feedback.objects.count() == 5
    assert _post(Client(REMOTE_ADDR="10.1.2.3"), commune_a).status_code == 302


def test_the_pledge_forms_count_is_not_the_report_forms(client, commune_a, settings):
    settings.DONATIONS_PLEDGE_RATE_LIMIT = (1, 3600)
    assert client.post("/ung-ho/", {}).status_code == 200
    assert _post(client, commune_a).status_code == 302


def test_lookup_shows_status_dates_commune_and_response_but_no_personal_data(client, commune_a):
    feedback = FeedbackFactory(
        commune=commune_a,
        pupil_name="Trần Thị Bí Mật",
        reporter_name="Ông Người Gửi",
        reporter_phone="0912345678",
        hamlet="Thôn Kín",
        school="Trường Riêng",
        description="Mô tả riêng tư về gia đình",
        status="resolved",
        response="Đã bổ sung em vào danh sách của xã.",
    )
    body = client.post(LOOKUP, {"code": feedback.code.lower(), "phone": "+84 912 345 678"}).content.decode()
    assert "Đã bổ sung em vào danh sách của xã." in body
    assert "đã giải quyết" in body and "Vĩnh Tường" in body
    for private in ("Bí Mật", "Người Gửi", "0912345678", "Thôn Kín", "Trường Riêng", "riêng tư"):
        assert private not in body, private


def test_lookup_dates_are_day_month_year(client, commune_a):
    from datetime import datetime

    from django.utils import timezone

    sent = timezone.make_aware(datetime(2021, 9, 21, 9, 0))
    feedback = FeedbackFactory(commune=commune_a, created_at=sent, reporter_phone="0912345678")
    body = client.post(LOOKUP, {"code": feedback.code, "phone": "0912345678"}).content.decode()
    assert "21/09/2021" in body


def test_a_wrong_phone_reads_exactly_like_a_wrong_code(client, commune_a):
    feedback = FeedbackFactory(commune=commune_a, reporter_phone="0912345678", response="")
    wrong_phone = client.post(LOOKUP, {"code": feedback.code, "phone": "0987654321"})
    wrong_code = client.post(LOOKUP, {"code": "PA-ZZZZZZ", "phone": "0912345678"})
    assert wrong_phone.context["not_found"] and wrong_code.context["not_found"]
    assert "feedback" not in wrong_phone.context
    message = "Không tìm thấy phản ánh với mã và số điện thoại này"
    assert message in wrong_phone.content.decode() and message in wrong_code.content.decode()
    assert feedback.pupil_name not in wrong_phone.content.decode()


def test_lookup_is_rate_limited(client, settings):
    settings.DONATIONS_LOOKUP_RATE_LIMIT = (3, 600)
    statuses = [client.post(LOOKUP, {"code": "PA-AAAAAA", "phone": "0912345678"}).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]


def test_the_lookup_prefills_the_code_from_the_address(client):
    body = client.get(LOOKUP + "?ma=PA-7KQ2MX").content.decode()
    assert 'value="PA-7KQ2MX"' in body


def test_the_public_pages_refuse_a_post_without_csrf(csrf_client):
    assert csrf_client.post(URL, {}).status_code == 403
    assert csrf_client.post(LOOKUP, {}).status_code == 403


def test_anonymous_visitors_find_the_form_in_the_menu(client, commune_a_official):
    assert f'href="{URL}"' in client.get("/").content.decode()
    client.force_login(commune_a_official)
    assert f'href="{URL}"' not in client.get("/").content.decode()
