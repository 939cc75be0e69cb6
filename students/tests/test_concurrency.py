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


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("with_id", [True, False], ids=["same-personal-id", "same-name-and-birth-date"])
def test_two_communes_uploading_the_same_pupil_at_once_end_with_one_active_and_one_held(commune_a, commune_b, with_id):
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is proven on PostgreSQL, the production database")
    import io

    from students.importing import import_file
    from students.models import DuplicateCandidate
    from students.tests.spreadsheet_files import grid, pupil_row, xlsx

    SchoolFactory(commune=commune_a, name="Trường Tiểu học Thử", level="primary")
    pupil = pupil_row(1, **({"Mã định danh": "026212345678"} if with_id else {}))
    data = xlsx(grid([pupil, pupil_row(2)]))
    barrier = threading.Barrier(2)
    outcomes: list[object] = []

    def upload(commune):
        try:
            barrier.wait(timeout=10)
            outcomes.append(import_file(io.BytesIO(data), "ds.xlsx", commune))
        except Exception as exc:  # any exception here would be a server error
            outcomes.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=upload, args=(c,)) for c in (commune_a, commune_b)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert all(getattr(o, "ok", False) for o in outcomes), outcomes
    records = Student.objects.filter(full_name="Nguyễn Văn An")
    assert sorted(records.values_list("status", flat=True)) == ["held", "listed"]
    pair = DuplicateCandidate.objects.get(candidate__full_name="Nguyễn Văn An")
    assert pair.existing.status == "listed" and pair.candidate.status == "held"
    assert pair.existing.commune != pair.candidate.commune
