import pytest

from students.models import SchoolLevel, Student
from students.selectors import commune_schools, commune_totals
from students.tests.factories import SchoolFactory, StudentFactory

pytestmark = pytest.mark.django_db


def test_commune_totals_count_both_records_of_an_undecided_pair_and_leave_out_rejected(commune_a, commune_b):
    StudentFactory(commune=commune_a, lacks_device=True, lacks_internet=True, status=Student.Status.VERIFIED)
    StudentFactory(commune=commune_a, lacks_device=False, lacks_internet=True)
    StudentFactory(commune=commune_a, status=Student.Status.HELD)
    StudentFactory(commune=commune_a, status=Student.Status.REJECTED)
    StudentFactory(commune=commune_a, status=Student.Status.DUPLICATE)
    StudentFactory(commune=commune_b)
    assert commune_totals(commune_a) == {
        "in_need": 3,
        "lacks_device": 2,
        "lacks_internet": 2,
        "verified": 1,
        "held": 1,
    }


def test_commune_schools_count_only_this_communes_pupils_and_include_schools_elsewhere(commune_a, commune_b):
    upper_school_in_b = SchoolFactory(commune=commune_b, level=SchoolLevel.UPPER_SECONDARY, name="THPT Lê Xoay")
    primary_in_a = SchoolFactory(commune=commune_a)
    StudentFactory.create_batch(2, commune=commune_a, school=upper_school_in_b, level=SchoolLevel.UPPER_SECONDARY)
    StudentFactory.create_batch(5, commune=commune_b, school=upper_school_in_b, level=SchoolLevel.UPPER_SECONDARY)
    SchoolFactory(commune=commune_b, name="Trường không liên quan")
    counts = {school.name: school.in_need for school in commune_schools(commune_a)}
    assert counts == {primary_in_a.name: 0, "THPT Lê Xoay": 2}
