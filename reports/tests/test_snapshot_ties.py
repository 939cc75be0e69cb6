"""A record's history rows that share a date: the report as of that day reads the one written last."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from reports.snapshot import Snapshot
from students.models import Student
from students.tests.factories import StudentFactory

pytestmark = pytest.mark.django_db


def test_the_row_written_last_wins_a_tie_of_dates(commune_a):
    pupil = StudentFactory(commune=commune_a, status=Student.Status.LISTED)
    pupil.status = Student.Status.VERIFIED
    pupil.save()
    pupil.status = Student.Status.REJECTED
    pupil.save()
    # Three versions at one instant (a bulk change can write them so): only the last one is the record.
    Student.history.filter(id=pupil.pk).update(
        history_date=datetime(2021, 9, 24, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    )

    rows = list(Snapshot(as_of=date(2021, 9, 24)).rows(Student).values_list("id", "status"))

    assert rows == [(pupil.pk, Student.Status.REJECTED)]
    assert not Snapshot(as_of=date(2021, 9, 23)).rows(Student).exists()


def test_a_record_deleted_by_its_last_row_is_left_out(commune_a):
    pupil = StudentFactory(commune=commune_a)
    pupil.delete()
    Student.history.update(history_date=datetime(2021, 9, 24, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")))

    assert not Snapshot(as_of=date(2021, 9, 24)).rows(Student).exists()
