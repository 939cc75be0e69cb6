import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from donations.models import Device, Pledge, PledgeLine
from students.models import DuplicateCandidate, Student
from vinhtuong_program.core.demo import DEMO_USERS

pytestmark = pytest.mark.django_db


def test_demo_data_refuses_to_run_when_debug_is_off(settings):
    settings.DEBUG = False
    call_command("load_reference_data")
    with pytest.raises(CommandError, match="DJANGO_DEBUG"):
        call_command("load_demo_data")
    assert not Student.objects.exists()


def test_demo_data_needs_the_reference_data_first(settings):
    settings.DEBUG = True
    with pytest.raises(CommandError, match="load_reference_data"):
        call_command("load_demo_data")


def test_demo_data_loads_once_and_says_it_is_demo(settings, capsys):
    settings.DEBUG = True
    call_command("load_reference_data")
    call_command("load_demo_data")
    first = capsys.readouterr().out
    pupils, pledges = Student.objects.count(), Pledge.objects.count()
    call_command("load_demo_data")
    second = capsys.readouterr().out
    assert "DỮ LIỆU MẪU" in first
    assert pupils > 28 and pledges == 5
    # Six lines of the four kinds; laptops and phones received, tablets bought with programme cash.
    assert PledgeLine.objects.count() == 6
    assert Device.objects.filter(purchase__isnull=False).count() == 10
    assert Device.objects.filter(pledge_line__isnull=False).count() == 14
    assert (Student.objects.count(), Pledge.objects.count()) == (pupils, pledges)
    # Reports from the public in three states, one answered with the pupil added to the list.
    from reports.models import Feedback

    assert sorted(Feedback.objects.values_list("status", flat=True)) == ["checking", "new", "resolved"]
    assert Feedback.objects.get(status="resolved").student is not None
    assert "phonggd" in second
    assert all(pledge.donor.name.startswith("[DEMO]") for pledge in Pledge.objects.select_related("donor"))
    users = get_user_model().objects.filter(username__in=[user.username for user in DEMO_USERS])
    assert all(user.groups.exists() for user in users)
    assert users.count() == len(DEMO_USERS)


def test_demo_pupils_respect_the_database_rules(settings):
    settings.DEBUG = True
    call_command("load_reference_data")
    call_command("load_demo_data")
    assert not Student.objects.filter(lacks_device=False, lacks_internet=False).exists()
    active = Student.objects.filter(status__in=Student.ACTIVE_STATUSES)
    ids = list(active.exclude(personal_id="").values_list("personal_id", flat=True))
    assert len(ids) == len(set(ids))
    assert all(len(pid) == 12 and pid.startswith("026") for pid in ids)


def test_demo_data_has_possible_duplicates_to_review(settings):
    settings.DEBUG = True
    call_command("load_reference_data")
    call_command("load_demo_data")
    pairs = DuplicateCandidate.objects.filter(decision=DuplicateCandidate.Decision.PENDING).select_related("candidate")
    assert pairs.count() == 2
    assert {pair.candidate.status for pair in pairs} == {Student.Status.HELD}
    assert Student.objects.exclude(name_key="").count() == Student.objects.count()
