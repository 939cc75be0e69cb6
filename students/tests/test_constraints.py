import pytest
from django.db import IntegrityError, transaction

from students.models import Student
from students.tests.factories import StudentFactory

pytestmark = pytest.mark.django_db


def test_two_active_records_cannot_share_a_personal_id(commune_a, commune_b):
    StudentFactory(commune=commune_a, personal_id="026212345678")
    with pytest.raises(IntegrityError), transaction.atomic():
        StudentFactory(commune=commune_b, personal_id="026212345678")


def test_two_active_records_cannot_share_a_pupil_id(commune_a, commune_b):
    StudentFactory(commune=commune_a, pupil_id="2600012345")
    with pytest.raises(IntegrityError), transaction.atomic():
        StudentFactory(commune=commune_b, pupil_id="2600012345")


def test_a_second_listing_is_kept_when_held_as_a_possible_duplicate(commune_a, commune_b):
    StudentFactory(commune=commune_a, personal_id="026212345678")
    held = StudentFactory(commune=commune_b, personal_id="026212345678", status=Student.Status.HELD)
    assert Student.objects.filter(personal_id="026212345678").count() == 2
    held.status = Student.Status.VERIFIED
    with pytest.raises(IntegrityError), transaction.atomic():
        held.save()


def test_pupils_without_an_id_do_not_collide(commune_a):
    StudentFactory(commune=commune_a, personal_id="", pupil_id="")
    StudentFactory(commune=commune_a, personal_id="", pupil_id="")
    assert Student.objects.count() == 2


def test_a_pupil_on_the_list_needs_a_device_or_internet(commune_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        StudentFactory(commune=commune_a, lacks_device=False, lacks_internet=False)
