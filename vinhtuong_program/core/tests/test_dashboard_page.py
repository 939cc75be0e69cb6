"""The staff home as a dashboard: each role sees what needs attention within its scope, in fixed queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.tests.dashboard_data import district, upload
from students.models import Student, StudentUpload
from students.tests.factories import DuplicateCandidateFactory, StudentFactory

pytestmark = pytest.mark.django_db

ROLES = ("education_office_user", "accountant_user", "leadership_user", "commune_a_official", "viettel_user")
# Queries for the whole page (session, user, permissions, groups, profile, the dashboard, the commune
# table, the milestones, saving the session), the same whatever the size of the district.
# + 2 for the office, the accountant and leadership: the programme account and the bank transfers waiting;
# + 1 for them: the pledges waiting for confirmation.
MAX_QUERIES = {
    "education_office_user": 27,
    "accountant_user": 16,
    "leadership_user": 23,
    "commune_a_official": 16,
    "viettel_user": 18,
}


def _page(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("staff-home"))
    assert response.status_code == 200
    return response.content.decode()


def test_every_signed_in_role_gets_the_dashboard(client, request, commune_a, vnpt):
    for role in ROLES:
        body = _page(client, request.getfixturevalue(role))
        assert "Việc cần xử lý ngay" in body, role


def test_the_page_says_so_when_nothing_needs_attention(client, education_office_user, commune_a):
    from donations.models import ProgrammeAccount

    ProgrammeAccount.objects.create(bank_name="Agribank", account_number="2900205123456")  # donors get a VietQR
    upload(commune_a, StudentUpload.Status.IMPORTED)
    body = _page(client, education_office_user)
    assert "Không có việc nào cần xử lý" in body
    assert "attention-list" not in body


def test_items_show_their_severity_in_words_and_link_where_staff_act(client, education_office_user, commune_a):
    upload(commune_a, StudentUpload.Status.INVALID)
    StudentFactory(commune=commune_a)
    body = _page(client, education_office_user)
    assert "Khẩn" in body and "Cần xử lý" in body
    assert "1 xã, thị trấn có danh sách gửi gần nhất bị lỗi" in body
    assert reverse("students:verification") in body
    assert "Không có việc nào cần xử lý" not in body


def test_a_commune_official_never_sees_another_communes_items(client, commune_a, commune_b, commune_a_official):
    upload(commune_b, StudentUpload.Status.INVALID)
    DuplicateCandidateFactory(existing__commune=commune_b, candidate__commune=commune_b)
    StudentFactory.create_batch(3, commune=commune_b, full_name="Bí Mật B")
    StudentFactory(commune=commune_a)
    body = _page(client, commune_a_official)
    assert "1 học sinh có trong danh sách" in body
    assert commune_b.name not in body and commune_b.code not in body
    assert "Bí Mật B" not in body
    assert reverse("students:upload", args=[commune_a.code]) in body


def test_leadership_reads_items_marked_for_information(client, leadership_user, viettel, vnpt, education_office_user):
    district(communes=2, pupils=1, viettel=viettel, vnpt=vnpt, inspector=education_office_user)
    body = _page(client, leadership_user)
    assert "để biết" in body
    assert "đăng ký ủng hộ chưa nhận đủ" in body
    # Pupils' records are not leadership's: no list, pair or verification items.
    assert "chưa được xác minh" not in body and "nghi trùng" not in body


def test_telecom_staff_never_see_a_pupils_name(client, viettel_user, viettel, vnpt, education_office_user):
    district(communes=3, pupils=2, viettel=viettel, vnpt=vnpt, inspector=education_office_user)
    body = _page(client, viettel_user)
    assert "thiếu Internet ở thôn/xóm chưa nhà mạng nào phủ sóng" in body
    names = Student.objects.values_list("full_name", flat=True)
    assert not any(name in body for name in names)


def _queries(client, user) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as context:
        assert client.get(reverse("staff-home")).status_code == 200
    return len(context)


def test_the_dashboard_needs_the_same_queries_for_3_or_30_communes(
    client, request, django_assert_max_num_queries, viettel, vnpt, education_office_user, commune_a
):
    users = {role: request.getfixturevalue(role) for role in ROLES}
    district(communes=3, pupils=1, viettel=viettel, vnpt=vnpt, inspector=education_office_user)
    small = {}
    for role, user in users.items():
        client.force_login(user)
        with django_assert_max_num_queries(MAX_QUERIES[role], info=role):
            client.get(reverse("staff-home"))
        small[role] = _queries(client, user)
    district(communes=27, pupils=10, viettel=viettel, vnpt=vnpt, inspector=education_office_user)
    for role, user in users.items():
        client.force_login(user)
        with django_assert_max_num_queries(MAX_QUERIES[role], info=role):
            response = client.get(reverse("staff-home"))
        assert response.context["attention"], role
        assert _queries(client, user) == small[role], role


def test_every_link_on_the_dashboard_opens_for_the_role_that_sees_it(
    client, request, viettel, vnpt, education_office_user, commune_a
):
    from reports.dashboard import attention_items
    from reports.tests.dashboard_data import AFTER_DEADLINES

    district(communes=2, pupils=1, viettel=viettel, vnpt=vnpt, inspector=education_office_user)
    upload(commune_a, StudentUpload.Status.UNREADABLE)
    for role in ROLES:
        user = request.getfixturevalue(role)
        client.force_login(user)
        found = attention_items(user, now=AFTER_DEADLINES)
        assert found, role
        urls = {item.url for item in found} | {d.url for item in found for d in item.details}
        for url in sorted(url for url in urls if url and not url.startswith("#")):
            assert client.get(url).status_code == 200, (role, url)
