"""Issue 15 items 5 and 6: one file and the district are one set for duplicate detection."""

from __future__ import annotations

import io

import pytest

from students.importing import import_file
from students.models import DuplicateCandidate, SchoolLevel, Student
from students.tests.factories import SchoolFactory
from students.tests.spreadsheet_files import grid, pupil_row, xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def school(commune_a):
    return SchoolFactory(commune=commune_a, name="Trường Tiểu học Thử", level=SchoolLevel.PRIMARY)


def run(commune, rows):
    return import_file(io.BytesIO(xlsx(grid(rows))), "ds.xlsx", commune)


def pairs() -> set[tuple[str, str, str]]:
    return set(
        DuplicateCandidate.objects.values_list("existing__full_name", "candidate__full_name", "reason").order_by()
    )


def test_a_typo_inside_one_file_is_held_as_a_pair_as_it_is_across_two_files(commune_a, commune_b, school):
    rows = [pupil_row(1, **{"Họ và tên": "Nguyễn Văn Anh"}), pupil_row(2, **{"Họ và tên": "Nguyễn Vn Anh"})]
    outcome = run(commune_a, rows)
    assert outcome.ok and outcome.saved.created == 2 and outcome.saved.held == 1
    assert pairs() == {("Nguyễn Văn Anh", "Nguyễn Vn Anh", "similar_name")}
    assert Student.objects.get(full_name="Nguyễn Vn Anh").status == Student.Status.HELD
    in_one_file = pairs()

    # The same two rows sent in two files (by two communes) give the same pair.
    DuplicateCandidate.objects.all().delete()
    Student.objects.all().delete()
    assert run(commune_a, rows[:1]).ok
    assert run(commune_b, rows[1:]).saved.held == 1
    assert pairs() == in_one_file


def test_same_name_birth_date_and_school_with_different_personal_ids_are_both_imported_and_held(commune_a, school):
    rows = [pupil_row(1, **{"Mã định danh": "026212000001"}), pupil_row(1, STT=2, **{"Mã định danh": "026212000002"})]
    outcome = run(commune_a, rows)
    assert outcome.ok, outcome.read.errors
    assert outcome.saved.created == 2 and outcome.saved.held == 1
    statuses = dict(Student.objects.values_list("personal_id", "status"))
    assert statuses == {"026212000001": Student.Status.LISTED, "026212000002": Student.Status.HELD}
    assert DuplicateCandidate.objects.get().reason == DuplicateCandidate.Reason.NAME_BIRTH_DATE
    # The same file again changes nothing: each row finds its own record.
    again = run(commune_a, rows)
    assert again.ok and (again.saved.created, again.saved.held, again.saved.unchanged) == (0, 0, 2)


@pytest.mark.parametrize(("column", "value"), [("Mã định danh", "026212000001"), ("Mã học sinh", "0123456789")])
def test_only_the_same_id_twice_in_one_file_is_an_error(commune_a, school, column, value):
    rows = [pupil_row(1, **{column: value}), pupil_row(3, **{column: value})]
    outcome = run(commune_a, rows)
    assert not outcome.ok
    assert [(e.row, "dòng 2" in e.message.lower()) for e in outcome.read.errors] == [(3, True)]
    assert not Student.objects.exists()
