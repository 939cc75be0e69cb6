"""The suite empties the database after a transactional test (conftest.py: DELETE on PostgreSQL)."""

import pytest
from django.core.management import call_command
from django.db import connection

from students.models import Commune, DuplicateCandidate, Student
from students.tests.factories import DuplicateCandidateFactory


@pytest.mark.django_db(transaction=True)
def test_a_flush_empties_tables_that_refer_to_each_other_in_any_order():
    pair = DuplicateCandidateFactory()  # a pair refers to two pupils, each to a commune and a school
    assert Student.objects.filter(pk__in=[pair.existing_id, pair.candidate_id]).count() == 2
    assert Student.history.exists()

    call_command("flush", interactive=False, verbosity=0)

    assert (DuplicateCandidate.objects.count(), Student.objects.count(), Commune.objects.count()) == (0, 0, 0)
    assert not Student.history.exists()


def test_on_postgresql_the_flush_deletes_rows_and_keeps_truncate_to_reset_sequences():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's flush is DELETE already")
    from django.core.management.color import no_style

    tables = ["students_commune", "students_student"]
    flush = connection.ops.sql_flush(no_style(), tables)
    assert flush[0] == "SET CONSTRAINTS ALL DEFERRED;"
    assert flush[1:] == ['DELETE FROM "students_commune";', 'DELETE FROM "students_student";']
    resetting = connection.ops.sql_flush(no_style(), tables, reset_sequences=True)
    assert resetting[0].startswith("TRUNCATE") and "RESTART IDENTITY" in resetting[0]
