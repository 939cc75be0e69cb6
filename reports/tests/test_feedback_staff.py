import pytest
from django.urls import reverse

from reports.models import Feedback
from reports.tests.factories import FeedbackFactory
from students.tests.factories import StudentFactory

pytestmark = pytest.mark.django_db
LIST = "/can-bo/phan-anh/"
NO_ACCESS = ["leadership_user", "accountant_user", "viettel_user"]


def _detail(feedback: Feedback) -> str:
    return reverse("feedback:detail", args=[feedback.pk])


def test_the_staff_pages_live_where_the_readme_says():
    assert reverse("feedback:list") == LIST
    assert reverse("feedback:detail", args=[7]) == "/can-bo/phan-anh/7/"


def test_anonymous_visitors_are_sent_to_log_in(client, commune_a):
    feedback = FeedbackFactory(commune=commune_a)
    for url in (LIST, _detail(feedback)):
        response = client.get(url)
        assert response.status_code == 302 and "/dang-nhap/" in response["Location"]
    response = client.post(_detail(feedback), {"status": "resolved", "response": "x"})
    assert response.status_code == 302
    feedback.refresh_from_db()
    assert feedback.status == "new"


@pytest.mark.parametrize("fixture", NO_ACCESS)
def test_leadership_accountant_and_telecom_staff_get_403(client, request, commune_a, fixture):
    feedback = FeedbackFactory(commune=commune_a)
    client.force_login(request.getfixturevalue(fixture))
    assert client.get(LIST).status_code == 403
    assert client.get(_detail(feedback)).status_code == 403
    assert client.post(_detail(feedback), {"status": "resolved", "response": "x"}).status_code == 403
    feedback.refresh_from_db()
    assert feedback.status == "new"


def test_the_office_sees_every_communes_cases(client, education_office_user, commune_a, commune_b):
    a = FeedbackFactory(commune=commune_a, pupil_name="Học sinh Xã A")
    b = FeedbackFactory(commune=commune_b, pupil_name="Học sinh Xã B")
    client.force_login(education_office_user)
    body = client.get(LIST).content.decode()
    assert a.code in body and b.code in body
    assert client.get(_detail(b)).status_code == 200


def test_a_commune_official_sees_only_their_communes_cases(client, commune_a_official, commune_a, commune_b):
    own = FeedbackFactory(commune=commune_a)
    other = FeedbackFactory(commune=commune_b)
    client.force_login(commune_a_official)
    body = client.get(LIST).content.decode()
    assert own.code in body and other.code not in body
    assert client.get(_detail(own)).status_code == 200
    assert client.get(_detail(other)).status_code == 404
    assert client.post(_detail(other), {"status": "resolved", "response": "x"}).status_code == 404
    other.refresh_from_db()
    assert other.status == "new"
    # Filtering by another commune's id shows nothing of it either.
    assert other.code not in client.get(LIST, {"commune": commune_b.pk}).content.decode()


def test_the_list_filters_by_status_kind_commune_and_search(client, education_office_user, commune_a, commune_b):
    missed = FeedbackFactory(commune=commune_a, pupil_name="Nguyễn Thị Hoà")
    problem = FeedbackFactory(commune=commune_b, kind="support_problem", status="checking", pupil_name="Trần Văn Bình")
    client.force_login(education_office_user)

    def codes(**params):
        body = client.get(LIST, params).content.decode()
        return {f.code for f in (missed, problem) if f.code in body}

    assert codes(status="checking") == {problem.code}
    assert codes(kind="missed_pupil") == {missed.code}
    assert codes(commune=commune_a.pk) == {missed.code}
    assert codes(q="nguyen thi hoa") == {missed.code}
    assert codes(status="nonsense") == {missed.code, problem.code}  # a wrong filter is ignored


def test_a_commune_official_resolves_a_case_and_links_the_pupil(client, commune_a_official, commune_a):
    feedback = FeedbackFactory(commune=commune_a, pupil_name="Lê Thị Hoa")
    pupil = StudentFactory(commune=commune_a, full_name="Lê Thị Hoa", name_key="le thi hoa")
    client.force_login(commune_a_official)
    page = client.get(_detail(feedback)).content.decode()
    assert f"/can-bo/hoc-sinh/{pupil.pk}/" in page  # offered as a possible match
    response = client.post(
        _detail(feedback), {"status": "resolved", "response": "Đã bổ sung em vào danh sách.", "student": pupil.pk}
    )
    assert response.status_code == 302
    feedback.refresh_from_db()
    assert feedback.status == "resolved" and feedback.student == pupil
    assert feedback.handled_by == commune_a_official
    page = client.get(_detail(feedback)).content.decode()
    assert "Đã lưu phản ánh" in page and "đã giải quyết" in page


def test_resolving_without_a_response_or_with_another_communes_pupil_is_refused(
    client, commune_a_official, commune_a, commune_b
):
    feedback = FeedbackFactory(commune=commune_a)
    elsewhere = StudentFactory(commune=commune_b)
    client.force_login(commune_a_official)
    no_response = client.post(_detail(feedback), {"status": "rejected", "response": "  "})
    assert no_response.status_code == 400
    assert "lý do" in no_response.content.decode()
    wrong_pupil = client.post(_detail(feedback), {"status": "checking", "response": "", "student": elsewhere.pk})
    assert wrong_pupil.status_code == 400
    assert "Không có học sinh nào" in wrong_pupil.content.decode()
    not_a_number = client.post(_detail(feedback), {"status": "checking", "response": "", "student": "1.234"})
    assert not_a_number.status_code == 400
    feedback.refresh_from_db()
    assert feedback.status == "new" and feedback.student is None


def test_html_in_names_is_escaped_on_the_staff_list_detail_and_admin(client, education_office_user, commune_a):
    evil = "<script>alert(1)</script>"
    feedback = FeedbackFactory(
        commune=commune_a, pupil_name=f"{evil}Hoa", reporter_name=f"{evil}Nam", description=f"{evil} mô tả"
    )
    client.force_login(education_office_user)
    pages = [
        client.get(LIST),
        client.get(_detail(feedback)),
        client.get(reverse("admin:reports_feedback_changelist")),
        client.get(reverse("admin:reports_feedback_change", args=[feedback.pk])),
    ]
    for response in pages:
        body = response.content.decode()
        assert response.status_code == 200
        assert "<script>alert(1)" not in body and "&lt;script&gt;alert(1)" in body


def test_the_update_form_refuses_a_post_without_csrf(csrf_client, education_office_user, commune_a):
    feedback = FeedbackFactory(commune=commune_a)
    csrf_client.force_login(education_office_user)
    assert csrf_client.post(_detail(feedback), {"status": "checking", "response": ""}).status_code == 403
    feedback.refresh_from_db()
    assert feedback.status == "new"


@pytest.mark.parametrize("fixture", ["education_office_user", "commune_a_official"])
def test_the_list_takes_a_fixed_number_of_queries_whatever_the_number_of_cases(
    client, request, commune_a, django_assert_max_num_queries, fixture
):
    client.force_login(request.getfixturevalue(fixture))
    counts = []
    for size in (2, 40):
        FeedbackFactory.create_batch(size - Feedback.objects.count(), commune=commune_a)
        with django_assert_max_num_queries(12) as captured:
            response = client.get(LIST)
        assert response.status_code == 200
        assert response.context["page_obj"].paginator.count == size
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


def test_the_detail_page_takes_a_fixed_number_of_queries(
    client, education_office_user, commune_a, django_assert_max_num_queries
):
    from reports.feedback import feedback_update

    client.force_login(education_office_user)
    feedback = FeedbackFactory(commune=commune_a)
    StudentFactory.create_batch(3, commune=commune_a, full_name=feedback.pupil_name)
    counts = []
    for _round in range(2):
        with django_assert_max_num_queries(12) as captured:
            assert client.get(_detail(feedback)).status_code == 200
        counts.append(len(captured.captured_queries))
        for status in ("checking", "new", "checking"):
            feedback_update(feedback=feedback, status=status, response="", user=education_office_user)
    assert counts[0] == counts[1]


def test_staff_who_handle_cases_find_them_in_the_menu(
    client, commune_a_official, education_office_user, leadership_user
):
    for user, shown in ((commune_a_official, True), (education_office_user, True), (leadership_user, False)):
        client.force_login(user)
        assert (f'href="{LIST}"' in client.get("/can-bo/").content.decode()) is shown


def test_the_admin_lists_cases_scoped_read_only_and_with_history(client, education_office_user, commune_a):
    feedback = FeedbackFactory(commune=commune_a)
    client.force_login(education_office_user)
    assert client.get(reverse("admin:reports_feedback_add")).status_code == 403
    change = reverse("admin:reports_feedback_change", args=[feedback.pk])
    assert client.post(change, {"status": "resolved"}).status_code == 403
    assert client.get(reverse("admin:reports_feedback_history", args=[feedback.pk])).status_code == 200
    search = client.get(reverse("admin:reports_feedback_changelist"), {"q": feedback.code})
    assert feedback.code in search.content.decode()


def test_roles_give_the_case_pages_to_the_office_and_communes_only():
    from vinhtuong_program.core.roles import (
        ACCOUNTANT,
        COMMUNE_OFFICIAL,
        EDUCATION_OFFICE,
        LEADERSHIP,
        TELECOM_STAFF,
        role_permissions,
    )

    permissions = role_permissions()
    assert {"reports.view_feedback", "reports.change_feedback"} <= permissions[COMMUNE_OFFICIAL]
    assert "reports.delete_feedback" not in permissions[COMMUNE_OFFICIAL]
    assert "reports.view_feedback" in permissions[EDUCATION_OFFICE]
    for role in (LEADERSHIP, ACCOUNTANT, TELECOM_STAFF):
        assert not {p for p in permissions[role] if p.endswith("_feedback")}, role
