"""Pupils' data: each export recorded, guardians' requests served and recorded, corrections kept in history."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from allocation.models import Support
from reports.tests import world
from reports.tests.factories import FeedbackFactory
from students.models import DataExport, GuardianRequest, Student
from students.tests.factories import StudentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pupil_a(commune_a):
    return StudentFactory(
        commune=commune_a,
        full_name="Nguyễn Thị Bí Mật",
        personal_id="026212000111",
        guardian_name="Nguyễn Văn Cha",
        guardian_phone="0912000111",
    )


@pytest.fixture
def pupil_b(commune_b):
    return StudentFactory(commune=commune_b, full_name="Trần Văn Xã Khác")


# ---------------------------------------------------------------- the pupil list export


def test_each_export_of_the_list_is_recorded_with_who_what_and_how_many(
    client, education_office_user, commune_a_official, pupil_a, pupil_b
):
    client.force_login(education_office_user)
    response = client.get(reverse("students:student-export"), {"q": "Bí Mật", "level": "primary"})
    assert response.status_code == 200
    export = DataExport.objects.get()
    assert export.user == education_office_user and export.kind == DataExport.Kind.PUPIL_LIST
    assert export.row_count == 1
    # The filters are kept; the search text (a child's name) is not.
    assert export.scope == {"search": True, "level": "primary"}
    assert "Bí Mật" not in str(export.scope)

    client.force_login(commune_a_official)
    client.get(reverse("students:student-export"))
    mine = DataExport.objects.filter(user=commune_a_official).get()
    assert mine.row_count == 1  # their commune's pupil only


@pytest.mark.parametrize("role", ["leadership_user", "accountant_user", "viettel_user"])
def test_roles_that_do_not_work_on_pupils_cannot_export_and_nothing_is_recorded(client, request, role, pupil_a):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("students:student-export")).status_code == 403
    assert not DataExport.objects.exists()


def test_the_admin_export_is_recorded(client, education_office_user, pupil_a, pupil_b):
    client.force_login(education_office_user)
    response = client.post(
        reverse("admin:students_student_export"), {"format": "0", "resource": "0", "studentresource_full_name": "on"}
    )
    assert response.status_code == 200, response.content[:500]
    export = DataExport.objects.get()
    assert (export.kind, export.row_count, export.user) == (DataExport.Kind.PUPIL_ADMIN, 2, education_office_user)


def test_the_export_log_is_read_by_the_office_only(
    client, education_office_user, leadership_user, accountant_user, pupil_a
):
    DataExport.objects.create(user=education_office_user, kind=DataExport.Kind.PUPIL_LIST, row_count=3)
    url = reverse("admin:students_dataexport_changelist")
    client.force_login(education_office_user)
    assert client.get(url).status_code == 200
    export = DataExport.objects.get()
    assert client.get(reverse("admin:students_dataexport_change", args=[export.pk])).status_code == 200
    assert client.post(reverse("admin:students_dataexport_delete", args=[export.pk])).status_code == 403
    for user in (leadership_user, accountant_user):
        client.force_login(user)
        assert client.get(url).status_code == 403


# ---------------------------------------------------------------- a guardian's requests


PAGES = ["students:guardian-requests", "students:pupil-record", "students:student-correct"]


@pytest.mark.parametrize("page", PAGES)
def test_guardian_pages_follow_the_pupils_scope(
    client, page, pupil_a, pupil_b, education_office_user, commune_a_official, commune_b_official
):
    client.force_login(commune_a_official)
    assert client.get(reverse(page, args=[pupil_a.pk])).status_code == 200
    assert client.get(reverse(page, args=[pupil_b.pk])).status_code == 404
    client.force_login(commune_b_official)
    assert client.get(reverse(page, args=[pupil_a.pk])).status_code == 404
    client.force_login(education_office_user)
    assert client.get(reverse(page, args=[pupil_b.pk])).status_code == 200


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("role", ["leadership_user", "accountant_user", "viettel_user"])
def test_guardian_pages_are_closed_to_roles_without_pupils_records(client, request, page, role, pupil_a):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse(page, args=[pupil_a.pk])).status_code == 403
    assert not DataExport.objects.exists()


def test_anonymous_is_sent_to_sign_in(client, pupil_a):
    for page in PAGES:
        response = client.get(reverse(page, args=[pupil_a.pk]))
        assert response.status_code == 302 and "/dang-nhap/" in response["Location"]


def test_the_pupils_page_offers_the_guardian_actions(client, commune_a_official, pupil_a):
    client.force_login(commune_a_official)
    body = client.get(reverse("students:student-detail", args=[pupil_a.pk])).content.decode()
    assert reverse("students:guardian-requests", args=[pupil_a.pk]) in body
    assert reverse("students:student-correct", args=[pupil_a.pk]) in body
    assert "Yêu cầu của cha mẹ/người giám hộ" in body


def test_a_request_is_recorded_with_who_asked_how_and_who_handled_it(client, commune_a_official, pupil_a):
    client.force_login(commune_a_official)
    url = reverse("students:guardian-requests", args=[pupil_a.pk])
    response = client.post(
        url,
        {
            "kind": "see",
            "requester_name": "Nguyễn Văn Cha",
            "channel": "in_person",
            "received_on": "20/09/2021",
            "outcome": "provided",
            "note": "",
        },
    )
    assert response.status_code == 302
    saved = GuardianRequest.objects.get()
    assert (saved.student, saved.kind, saved.requester_name, saved.channel) == (
        pupil_a,
        "see",
        "Nguyễn Văn Cha",
        "in_person",
    )
    assert saved.received_on == date(2021, 9, 20) and saved.handled_by == commune_a_official
    assert saved.history.count() == 1
    assert "Nguyễn Văn Cha" in client.get(url).content.decode()


def test_a_refusal_needs_its_reason_in_vietnamese(client, commune_a_official, pupil_a):
    client.force_login(commune_a_official)
    response = client.post(
        reverse("students:guardian-requests", args=[pupil_a.pk]),
        {"kind": "see", "requester_name": "Ai Đó", "channel": "phone", "received_on": "20/09/2021"}
        | {"outcome": "refused"},
    )
    assert response.status_code == 400
    assert "Ghi lý do từ chối" in response.content.decode()
    assert not GuardianRequest.objects.exists()


@pytest.mark.parametrize(
    ("received_on", "message"),
    [("01/01/2099", "sau hôm nay"), ("20/09/0001", "bắt đầu từ năm 2021")],
)
def test_a_request_dated_after_today_or_before_the_programme_is_refused(
    client, commune_a_official, pupil_a, received_on, message
):
    client.force_login(commune_a_official)
    response = client.post(
        reverse("students:guardian-requests", args=[pupil_a.pk]),
        {"kind": "see", "requester_name": "Ai Đó", "channel": "phone", "received_on": received_on}
        | {"outcome": "provided"},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not GuardianRequest.objects.exists()


def test_another_communes_requests_are_not_listed(client, commune_b_official, education_office_user, pupil_a, pupil_b):
    GuardianRequest.objects.create(
        student=pupil_a,
        kind="see",
        requester_name="Phụ Huynh A",
        channel="phone",
        received_on=date(2021, 9, 1),
        handled_by=education_office_user,
        outcome="provided",
    )
    assert list(GuardianRequest.objects.visible_to(commune_b_official)) == []
    assert GuardianRequest.objects.visible_to(education_office_user).count() == 1


def test_a_head_request_for_the_record_sends_no_data_and_records_no_export(client, commune_a_official, pupil_a):
    client.force_login(commune_a_official)
    response = client.head(reverse("students:pupil-record", args=[pupil_a.pk]))
    assert response.status_code == 200
    assert response.content == b""
    assert not DataExport.objects.exists()


def test_the_record_holds_everything_about_the_pupil_and_is_itself_recorded(
    client, commune_a_official, education_office_user, pupil_a, pupil_b
):
    FeedbackFactory(
        commune=pupil_a.commune, student=pupil_a, reporter_name="Hàng Xóm Bí Ẩn", reporter_phone="0987111222"
    )
    client.force_login(education_office_user)
    client.post(
        reverse("students:student-correct", args=[pupil_a.pk]),
        _correction(pupil_a, guardian_phone="0912000999", reason="Phụ huynh báo đổi số điện thoại"),
    )
    client.force_login(commune_a_official)
    response = client.get(reverse("students:pupil-record", args=[pupil_a.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    for held in ("Nguyễn Thị Bí Mật", "026212000111", "Nguyễn Văn Cha", "0912000999", "Phụ huynh báo đổi số"):
        assert held in body
    assert "0912000111 → 0912000999" in body  # the history: what changed
    assert "Phản ánh của người dân" in body  # rows of other apps that refer to the pupil
    # Someone else's data is not the guardian's to read.
    for other in ("Hàng Xóm Bí Ẩn", "0987111222", pupil_b.full_name):
        assert other not in body
    export = DataExport.objects.get()
    assert (export.user, export.kind, export.scope["student"]) == (commune_a_official, "pupil_record", pupil_a.pk)

    download = client.get(reverse("students:pupil-record", args=[pupil_a.pk]), {"tai-ve": "1"})
    assert download["Content-Disposition"] == f'attachment; filename="ho-so-hoc-sinh-{pupil_a.pk}.html"'
    assert DataExport.objects.count() == 2


# ---------------------------------------------------------------- correcting


def _correction(student: Student, **changes) -> dict:
    data = {
        "full_name": student.full_name,
        "birth_date": student.birth_date.strftime("%d/%m/%Y"),
        "gender": student.gender,
        "personal_id": student.personal_id,
        "pupil_id": student.pupil_id,
        "class_name": student.class_name,
        "hamlet": student.hamlet_id or "",
        "guardian_name": student.guardian_name,
        "guardian_phone": student.guardian_phone,
        "reason": "",
        "requester_name": "",
        "channel": "",
    }
    data.update(changes)
    return data


def test_a_correction_is_saved_with_its_reason_and_the_guardians_request(client, commune_a_official, pupil_a):
    client.force_login(commune_a_official)
    response = client.post(
        reverse("students:student-correct", args=[pupil_a.pk]),
        _correction(
            pupil_a,
            full_name="Nguyễn  Thị Bí Mật Mới",
            reason="Giấy khai sinh ghi khác",
            requester_name="Nguyễn Văn Cha",
            channel="in_person",
        ),
    )
    assert response.status_code == 302
    pupil_a.refresh_from_db()
    assert pupil_a.full_name == "Nguyễn Thị Bí Mật Mới" and pupil_a.name_key == "nguyen thi bi mat moi"
    latest = pupil_a.history.first()
    assert latest.history_change_reason == "Giấy khai sinh ghi khác" and latest.history_user == commune_a_official
    request = GuardianRequest.objects.get()
    assert (request.kind, request.outcome, request.requester_name) == ("correct", "corrected", "Nguyễn Văn Cha")


def test_a_correction_without_reason_or_with_a_taken_id_saves_nothing(client, education_office_user, pupil_a):
    StudentFactory(commune=pupil_a.commune, personal_id="026212000999", status=Student.Status.VERIFIED)
    client.force_login(education_office_user)
    url = reverse("students:student-correct", args=[pupil_a.pk])
    response = client.post(url, _correction(pupil_a, full_name="Tên Khác"))
    assert response.status_code == 400 and "This field is required" not in response.content.decode()
    response = client.post(url, _correction(pupil_a, personal_id="026212000999", reason="Sửa mã"))
    assert response.status_code == 400
    assert "đã có mã định danh" in response.content.decode()
    response = client.post(url, _correction(pupil_a, guardian_phone="12345", reason="Sửa số"))
    assert response.status_code == 400
    pupil_a.refresh_from_db()
    assert pupil_a.personal_id == "026212000111" and pupil_a.full_name == "Nguyễn Thị Bí Mật"
    assert not GuardianRequest.objects.exists()


def test_a_communes_correction_of_a_verified_pupil_needs_a_new_verification(client, commune_a_official, pupil_a):
    # As when an upload changes a verified pupil (students/importing.py): the office verified other data.
    Student.objects.filter(pk=pupil_a.pk).update(status=Student.Status.VERIFIED)
    client.force_login(commune_a_official)
    url = reverse("students:student-correct", args=[pupil_a.pk])
    response = client.post(url, _correction(pupil_a, full_name="Một Em Khác Hẳn", reason="Sửa tên"))
    assert response.status_code == 302
    pupil_a.refresh_from_db()
    assert pupil_a.full_name == "Một Em Khác Hẳn" and pupil_a.status == Student.Status.LISTED


def test_the_office_correcting_a_verified_pupil_keeps_it_verified(client, education_office_user, pupil_a):
    Student.objects.filter(pk=pupil_a.pk).update(status=Student.Status.VERIFIED)
    client.force_login(education_office_user)
    url = reverse("students:student-correct", args=[pupil_a.pk])
    assert client.post(url, _correction(pupil_a, guardian_phone="0912000999", reason="Sửa số")).status_code == 302
    pupil_a.refresh_from_db()
    assert pupil_a.guardian_phone == "0912000999" and pupil_a.status == Student.Status.VERIFIED


def test_a_supported_pupil_is_corrected_by_the_office_only(client, commune_a_official, education_office_user, pupil_a):
    # An upload cannot change a supported pupil either: the handover record names them.
    world.support(pupil_a, Support.Status.APPROVED, with_device="tablet")
    url = reverse("students:student-correct", args=[pupil_a.pk])
    client.force_login(commune_a_official)
    response = client.post(url, _correction(pupil_a, full_name="Một Em Khác Hẳn", reason="Sửa tên"))
    assert response.status_code == 400
    assert "chỉ Phòng GD&amp;ĐT" in response.content.decode()
    pupil_a.refresh_from_db()
    assert pupil_a.full_name == "Nguyễn Thị Bí Mật"
    client.force_login(education_office_user)
    response = client.post(url, _correction(pupil_a, full_name="Nguyễn Thị Bí Mật Mới", reason="Giấy khai sinh"))
    assert response.status_code == 302


@pytest.mark.parametrize("model", ["guardianrequest", "student"])
@pytest.mark.parametrize("suffix", ["history/", "history/1/"])
def test_an_admin_history_with_a_non_numeric_id_is_not_found(client, education_office_user, model, suffix):
    client.force_login(education_office_user)
    assert client.get(f"/admin/students/{model}/abc/{suffix}").status_code == 404


def test_an_admin_past_version_with_a_non_numeric_id_is_not_found(client, education_office_user, pupil_a):
    client.force_login(education_office_user)
    for version in ("abc", "99999999999999999999"):
        assert client.get(f"/admin/students/student/{pupil_a.pk}/history/{version}/").status_code == 404
