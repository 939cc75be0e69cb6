"""A commune official sees their own commune and nothing of any other."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from allocation.models import HandoverBatch, Support
from donations.models import Device
from donations.tests.factories import DeviceFactory
from reports.models import Feedback
from reports.tests.factories import FeedbackFactory
from students.models import Commune, Hamlet, School, Student, StudentUpload
from students.tests.factories import HamletFactory, SchoolFactory, StudentFactory
from students.tests.spreadsheet_files import csv_bytes, grid, pupil_row
from telecom.models import Provider
from vinhtuong_program.core.tests.site_urls import kwargs_for, named_patterns

pytestmark = pytest.mark.django_db


def _scoped_patterns():
    """(route, name) of every non-admin URL that takes a parameter."""
    # Telecom pages are scoped by provider, not commune: telecom/tests/test_scoping.py.
    # Donations are district-wide, not a commune's: commune officials get 403 on every page
    # (donations/tests/test_staff_pages.py proves it).
    for pattern, name in named_patterns(skip_apps=("admin", "telecom", "donations")):
        if pattern.converters:
            yield pattern, name


# Pages only the education office uses, even for a commune's own rows: refused to every official.
OFFICE_ONLY = {
    "allocation:approve-one",
    "allocation:support-change",
    "allocation:support-withdraw",
    "allocation:support-release",
    "allocation:support-create",
    # The district's progress report: for district-wide roles only.
    "reports:download",
}
# Handover records and follow-up are the office's; they answer 404 before the role is checked, so
# an official never learns a record exists (allocation/tests/test_handover_pages.py).
REFUSED_TO_OFFICIALS = {
    "allocation:handover-detail",
    "allocation:handover-docx",
    "allocation:handover-pdf",
    "allocation:handover-mark",
    "allocation:handover-scan",
    "allocation:follow-up-release",
}


def _kwargs_for(pattern, name, commune):
    upload = StudentUpload.objects.filter(commune=commune).first()
    student = Student.objects.filter(commune=commune).first()
    support = Support.objects.filter(student__commune=commune).first()
    batch = HandoverBatch.objects.filter(commune=commune).first()
    feedback = Feedback.objects.filter(commune=commune).first()
    values = {
        "code": commune.code,
        "pk": commune.pk,
        "commune_code": commune.code,
        "commune_id": commune.pk,
        "upload_id": upload.pk if upload else 0,
        "student_id": student.pk if student else 0,
        "support_id": support.pk if support else 0,
        "batch_id": batch.pk if batch else 0,
        "feedback_id": feedback.pk if feedback else 0,
        "fmt": "json",
    }
    return kwargs_for(pattern, name, values)


def _bad_list(school_name: str) -> bytes:
    # 31/02 is no date: the upload ends "invalid", with a marked file to download.
    return csv_bytes(grid([pupil_row(1, **{"Trường": school_name, "Ngày sinh": "31/02/2012"})]))


def _seed_commune(client, official, commune, school_name, on_commit):
    """A pupil and an upload with errors in the commune, so that every URL has something to show."""
    school = SchoolFactory(commune=commune, name=school_name)
    pupil = StudentFactory(commune=commune, school=school, full_name=f"Học Sinh {school_name}")
    client.force_login(official)
    upload = SimpleUploadedFile("ds.csv", _bad_list(school_name))
    with on_commit(execute=True):
        client.post(reverse("students:upload", args=[commune.code]), {"file": upload})
    assert StudentUpload.objects.get(commune=commune).status == StudentUpload.Status.INVALID
    # A support for the pupil, so that allocation's pages have a row of the commune to show.
    Support.objects.create(student=pupil, device=DeviceFactory(status=Device.Status.ALLOCATED))
    # A report from the public about a pupil of the commune.
    FeedbackFactory(commune=commune, pupil_name=f"Học Sinh {school_name}")


def test_every_parametrised_url_refuses_another_communes_official(
    client, commune_a, commune_b, commune_a_official, commune_b_official, django_capture_on_commit_callbacks
):
    on_commit = django_capture_on_commit_callbacks
    _seed_commune(client, commune_a_official, commune_a, "Trường Tiểu học Bí Mật A", on_commit)
    _seed_commune(client, commune_b_official, commune_b, "Trường Tiểu học Kim Xá", on_commit)
    client.force_login(commune_b_official)
    patterns = list(_scoped_patterns())
    assert patterns, "no parametrised URL found: the walk is broken"
    for pattern, name in patterns:
        own = client.get(reverse(name, kwargs=_kwargs_for(pattern, name, commune_b)))
        other = client.get(reverse(name, kwargs=_kwargs_for(pattern, name, commune_a)))
        if name in REFUSED_TO_OFFICIALS:
            assert own.status_code in (403, 404, 405), name
        else:
            assert own.status_code == (403 if name in OFFICE_ONLY else 200), name
        assert other.status_code in (403, 404, 405), name
        assert "Bí Mật A" not in other.content.decode()


def test_staff_home_lists_only_the_officials_commune(client, commune_a, commune_b, commune_a_official):
    client.force_login(commune_a_official)
    body = client.get(reverse("staff-home")).content.decode()
    assert commune_a.name in body
    assert commune_b.name not in body


def test_querysets_scope_by_profile(commune_a, commune_b, commune_a_official, education_office_user, viettel_user):
    StudentFactory(commune=commune_a)
    StudentFactory(commune=commune_b)
    HamletFactory(commune=commune_b)
    assert list(Commune.objects.visible_to(commune_a_official)) == [commune_a]
    assert set(Student.objects.visible_to(commune_a_official).values_list("commune", flat=True)) == {commune_a.pk}
    assert not Hamlet.objects.visible_to(commune_a_official).exists()
    assert School.objects.visible_to(commune_a_official).count() == 1
    assert Student.objects.visible_to(education_office_user).count() == 2
    # A telecom user is scoped to a provider, not a commune.
    assert not Student.objects.visible_to(viettel_user).exists()


def test_anonymous_and_inactive_users_see_nothing(commune_a, commune_a_official):
    from django.contrib.auth.models import AnonymousUser

    assert not Commune.objects.visible_to(AnonymousUser()).exists()
    commune_a_official.is_active = False
    assert not Commune.objects.visible_to(commune_a_official).exists()


def test_telecom_staff_may_change_only_their_own_provider(viettel, vnpt, viettel_user, education_office_user):
    assert list(Provider.objects.editable_by(viettel_user)) == [viettel]
    assert set(Provider.objects.editable_by(education_office_user)) == {viettel, vnpt}


def test_a_commune_page_hides_pupils_personal_data(client, commune_a, commune_a_official):
    StudentFactory(commune=commune_a, full_name="Trần Thị Riêng Tư", personal_id="026312345678")
    client.force_login(commune_a_official)
    body = client.get(reverse("students:commune-detail", args=[commune_a.code])).content.decode()
    assert "Riêng Tư" not in body
    assert "026312345678" not in body


def test_telecom_staff_see_hamlets_everywhere_but_no_school_or_pupil(commune_a, commune_b, viettel_user):
    HamletFactory(commune=commune_a)
    HamletFactory(commune=commune_b)
    StudentFactory(commune=commune_a)
    assert Hamlet.objects.visible_to(viettel_user).count() == 2
    assert Commune.objects.visible_to(viettel_user).count() == 2
    assert not School.objects.visible_to(viettel_user).exists()
    assert not Student.objects.visible_to(viettel_user).exists()


def test_commune_officials_change_only_their_own_communes_pupils(
    commune_a, commune_b, commune_a_official, education_office_user, leadership_user
):
    own, other = StudentFactory(commune=commune_a), StudentFactory(commune=commune_b)
    assert list(Student.objects.editable_by(commune_a_official)) == [own]
    assert set(Student.objects.editable_by(education_office_user)) == {own, other}
    assert not Student.objects.editable_by(leadership_user).exists()


def test_scope_never_grants_what_the_role_lacks(commune_a, accountant_user, leadership_user):
    StudentFactory(commune=commune_a)
    assert Commune.objects.visible_to(accountant_user).exists()
    assert not Student.objects.visible_to(accountant_user).exists()
    assert not Student.objects.visible_to(leadership_user).exists()
