import json

import pytest
from django.urls import reverse

from reports.tests import world
from students.tests.factories import CommuneFactory, SchoolFactory, StudentFactory

pytestmark = pytest.mark.django_db
PAGE = reverse("reports:progress")


@pytest.fixture
def w(commune_a, commune_b, viettel, vnpt):
    return world.build(commune_a, commune_b, viettel, vnpt)


@pytest.mark.parametrize("role", ["education_office_user", "accountant_user", "leadership_user"])
def test_district_wide_roles_read_the_report(client, request, role, w):
    client.force_login(request.getfixturevalue(role))
    response = client.get(PAGE)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Báo cáo tiến độ" in body
    assert reverse("reports:download", args=["docx"]) in body


@pytest.mark.parametrize("role", ["commune_a_official", "viettel_user"])
def test_other_roles_are_refused(client, request, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(PAGE).status_code == 403
    assert client.get(reverse("reports:download", args=["json"])).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client):
    for url in (PAGE, reverse("reports:download", args=["json"])):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_page_shows_the_figures_and_no_pupil_names(client, leadership_user, w):
    client.force_login(leadership_user)
    body = client.get(PAGE).content.decode()
    assert "Trường THPT Kim Xá" in body
    assert "15.000.000 ₫" in body and "5.000.000 ₫" in body  # money pledged and received
    assert "27,3%" in body  # supported share, written the Vietnamese way
    for pupil in w.pupils.values():
        assert pupil.full_name not in body


def test_names_from_the_database_are_escaped(client, education_office_user):
    commune = CommuneFactory(name="<script>alert(1)</script>")
    school = SchoolFactory(commune=commune, name="<b>Trường</b>")
    StudentFactory(commune=commune, school=school)
    client.force_login(education_office_user)
    body = client.get(PAGE).content.decode()
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<b>Trường</b>" not in body


def test_a_past_day_is_shown_from_history_and_carried_to_the_downloads(client, leadership_user, w):
    client.force_login(leadership_user)
    body = client.get(PAGE, {"ngay": "24/09/2021"}).content.decode()
    assert "24/09/2021" in body
    assert reverse("reports:download", args=["pdf"]) + "?ngay=2021-09-24" in body
    report = json.loads(client.get(reverse("reports:download", args=["json"]), {"ngay": "2021-09-24"}).content)
    assert report["as_of"] == "2021-09-24" and report["live"] is False


@pytest.mark.parametrize("day", ["31/02/2021", "01/01/2020", "01/01/2999", "x" * 300])
def test_a_wrong_day_gets_a_message_and_todays_figures(client, leadership_user, day):
    client.force_login(leadership_user)
    response = client.get(PAGE, {"ngay": day})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'role="alert"' in body and "Số liệu hôm nay được hiển thị" in body


def test_a_download_with_a_wrong_day_or_format_is_not_found(client, leadership_user):
    client.force_login(leadership_user)
    assert client.get(reverse("reports:download", args=["json"]), {"ngay": "31/02/2021"}).status_code == 404
    assert client.get(reverse("reports:download", args=["exe"])).status_code == 404


def test_the_json_download_is_the_commands_report(client, leadership_user, w):
    client.force_login(leadership_user)
    response = client.get(reverse("reports:download", args=["json"]))
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith('attachment; filename="bao-cao-tien-do-')
    assert json.loads(response.content)["students"]["supported"] == 3


def test_the_page_takes_the_same_queries_at_any_size(
    client, education_office_user, commune_a, commune_b, w, django_assert_max_num_queries
):
    from reports.tests.test_progress_report import _grow

    client.force_login(education_office_user)
    # The report's queries (reports/tests/test_progress_report.py), a savepoint around them in a
    # test, and the session, the user and the menu.
    with django_assert_max_num_queries(33) as small:
        client.get(PAGE)
    _grow(commune_a, commune_b, 10)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(PAGE)


def test_a_day_before_any_data_is_explained_not_only_zeros(client, leadership_user, commune_a):
    from django.utils import timezone

    client.force_login(leadership_user)
    body = client.get(PAGE, {"ngay": "30/09/2021"}).content.decode()
    assert 'data-testid="before-data"' in body and "chưa có học sinh" in body
    StudentFactory(commune=commune_a)
    body = client.get(PAGE, {"ngay": "30/09/2021"}).content.decode()
    assert f"được ghi nhận ngày {timezone.localdate():%d/%m/%Y}" in body
    # Today's figures need no word, nor a day after the first record.
    assert 'data-testid="before-data"' not in client.get(PAGE).content.decode()


def test_a_day_after_the_first_record_has_no_explanation(client, leadership_user, commune_a):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    pupil = StudentFactory(commune=commune_a)
    pupil.history.update(history_date=datetime(2021, 9, 20, 8, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")))
    client.force_login(leadership_user)
    body = client.get(PAGE, {"ngay": "30/09/2021"}).content.decode()
    assert 'data-testid="before-data"' not in body
    assert 'data-testid="before-data"' in client.get(PAGE, {"ngay": "19/09/2021"}).content.decode()
