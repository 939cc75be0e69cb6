import pytest
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse

from donations.tests.factories import seed_every_donations_model
from reports.models import Feedback
from reports.tests.factories import FeedbackFactory
from students.models import Commune, DataExport, DuplicateCandidate, GuardianRequest, Student, StudentUpload
from students.tests.factories import DuplicateCandidateFactory, HamletFactory, SchoolFactory, StudentFactory
from telecom.tests.factories import LearningPlatformFactory
from vinhtuong_program.core.roles import LEADERSHIP, role_permissions

pytestmark = pytest.mark.django_db

# Personal data of children: leadership reads figures, never these records
# (reports from the public name the pupil and the reporter; guardians' requests name the guardian;
# the export log holds the filters staff used).
PUPIL_RECORDS = (Student, StudentUpload, DuplicateCandidate, Feedback, GuardianRequest, DataExport)


def test_leadership_can_only_view():
    permissions = role_permissions()[LEADERSHIP]
    assert permissions
    assert all(code.split(".", 1)[1].startswith("view_") for code in permissions)


def test_sync_roles_sets_permissions_exactly(leadership_user):
    from django.contrib.auth.models import Group, Permission

    group = Group.objects.get(name=LEADERSHIP.group_name)
    group.permissions.add(Permission.objects.get(codename="change_commune"))
    from vinhtuong_program.core.roles import sync_roles

    sync_roles()
    assert not group.permissions.filter(codename="change_commune").exists()


def _admin_models():
    return [
        model
        for model in admin.site._registry
        if model._meta.app_label in ("students", "donations", "telecom", "reports")
    ]


def test_leadership_reads_every_business_list_in_admin_but_pupils_records(client, leadership_user, commune_a):
    client.force_login(leadership_user)
    for model in _admin_models():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        expected = 403 if model in PUPIL_RECORDS else 200
        assert client.get(url).status_code == expected, url


def test_leadership_cannot_add_change_or_delete_anything(client, leadership_user, commune_a):
    call_command("load_reference_data")
    StudentFactory(commune=commune_a, school=SchoolFactory(commune=commune_a))
    HamletFactory(commune=commune_a)
    DuplicateCandidateFactory(existing__commune=commune_a, candidate__commune=commune_a)
    StudentUpload.objects.create(commune=commune_a, original_name="ds.xlsx")
    LearningPlatformFactory()
    FeedbackFactory(commune=commune_a)
    seed_every_donations_model()
    office = leadership_user.__class__.objects.create(username="office-seed")
    DataExport.objects.create(user=office, kind=DataExport.Kind.PUPIL_LIST)
    GuardianRequest.objects.create(
        student=Student.objects.first(),
        kind="see",
        requester_name="Phụ huynh",
        channel="phone",
        received_on="2021-09-20",
        handled_by=office,
        outcome="provided",
    )
    client.force_login(leadership_user)
    for model in _admin_models():
        opts = model._meta
        add_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
        assert client.get(add_url).status_code == 403, add_url
        assert client.post(add_url, {}).status_code == 403, add_url
        obj = model.objects.first()
        assert obj is not None, f"seed a {opts.model_name} so that its change page is tried"
        change_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        # A view-only user sees the change form read-only and cannot post it.
        assert client.post(change_url, {}).status_code == 403, change_url
        delete_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[obj.pk])
        assert client.post(delete_url, {"post": "yes"}).status_code == 403, delete_url
    assert Commune.objects.filter(pk=commune_a.pk).exists()


def test_accountant_cannot_see_pupils(client, accountant_user):
    client.force_login(accountant_user)
    assert client.get(reverse("admin:students_student_changelist")).status_code == 403
    assert client.get(reverse("admin:reports_feedback_changelist")).status_code == 403
    assert client.get(reverse("admin:donations_pledge_changelist")).status_code == 200


def test_education_office_manages_every_business_model(client, education_office_user):
    client.force_login(education_office_user)
    for model in _admin_models():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
        # Uploads come through the checked upload page, pairs from the importer, reports from the
        # public form, requests and the export log on the staff pages: never typed in by hand.
        expected = 403 if model in (StudentUpload, DuplicateCandidate, Feedback, GuardianRequest, DataExport) else 200
        assert client.get(url).status_code == expected, url


@pytest.mark.parametrize("fixture", ["commune_a_official", "viettel_user"])
def test_scoped_users_do_not_use_the_admin(client, request, fixture):
    client.force_login(request.getfixturevalue(fixture))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
