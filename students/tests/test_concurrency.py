"""The one-active-record-per-ID rule holds when two uploads race (PostgreSQL)."""

import threading

import pytest
from django.db import IntegrityError, connection, connections, transaction

from students.models import Student
from students.tests.factories import SchoolFactory, StudentFactory


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("field", "value"), [("personal_id", "026312345678"), ("pupil_id", "2600012345")])
def test_two_concurrent_inserts_of_the_same_id_leave_exactly_one(commune_a, commune_b, field, value):
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is proven on PostgreSQL, the production database")
    school_a, school_b = SchoolFactory(commune=commune_a), SchoolFactory(commune=commune_b)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def insert(commune, school):
        try:
            with transaction.atomic():
                student = StudentFactory.build(commune=commune, school=school, **{field: value})
                barrier.wait(timeout=10)
                student.save()
            outcomes.append("saved")
        except IntegrityError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=insert, args=args) for args in ((commune_a, school_a), (commune_b, school_b))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["refused", "saved"]
    assert Student.objects.filter(**{field: value}).count() == 1
