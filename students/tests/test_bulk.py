import threading
from datetime import date

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from common.bulk import insert_batches_with_history, insert_with_history
from students.models import Student
from students.tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db


def test_fast_insert_round_trips_every_kind_of_value_and_writes_history(commune_a, education_office_user):
    school = SchoolFactory(commune=commune_a)
    now = timezone.now()
    row = {
        "commune_id": commune_a.pk, "hamlet_id": None, "school_id": school.pk, "full_name": "Tab\there \\ back\nslash",
        "birth_date": date(2012, 5, 17), "gender": "", "personal_id": "026212345678", "pupil_id": "",
        "class_name": "3A", "level": "primary", "guardian_name": "", "guardian_phone": "", "lacks_device": True,
        "lacks_internet": False, "hardships": ["poor", "covid_orphan"], "status": "listed", "name_key": "k",
        "upload_id": None, "source_row": 7, "rejection_reason": "", "verified_by_id": None, "verified_at": None,
        "created_at": now, "updated_at": now,
    }  # fmt: skip
    [pk] = insert_with_history(Student, [row], user_id=education_office_user.pk)

    pupil = Student.objects.get(pk=pk)
    assert pupil.full_name == "Tab\there \\ back\nslash"
    assert (pupil.birth_date, pupil.lacks_device, pupil.lacks_internet) == (date(2012, 5, 17), True, False)
    assert pupil.hardships == ["poor", "covid_orphan"] and pupil.source_row == 7 and pupil.hamlet_id is None
    assert abs((pupil.created_at - now).total_seconds()) < 1
    record = pupil.history.get()
    assert (record.history_type, record.history_user, record.full_name) == ("+", education_office_user, pupil.full_name)
    # The next ORM insert does not collide with the ids the fast path took.
    row.pop("id", None)
    assert Student.objects.create(**{**row, "personal_id": "", "full_name": "Khác"}).pk != pk


def test_fast_insert_of_many_rows_keeps_each_rows_own_values(commune_a, commune_b, education_office_user):
    """Columns are formatted whole where they can be: one value for all, text with nothing to escape,
    integers, booleans; a column with a NULL or a character to escape goes a value at a time."""
    school = SchoolFactory(commune=commune_a)
    now = timezone.now()
    names = ["An", "Bình", "Tab\there", "Back\\slash", "Xuống\ndòng"]
    rows = [
        {
            "commune_id": commune_a.pk if n % 2 else commune_b.pk, "hamlet_id": None, "school_id": school.pk,
            "full_name": name, "birth_date": date(2012, 5, 1 + n), "gender": "", "personal_id": "",
            "pupil_id": f"{n:010d}", "class_name": f"{n + 1}A", "level": "primary", "guardian_name": "",
            "guardian_phone": "", "lacks_device": n % 2 == 0, "lacks_internet": True, "hardships": ["poor"] * n,
            "status": "listed", "name_key": name.lower(), "upload_id": None, "source_row": None if n == 3 else n,
            "rejection_reason": "", "verified_by_id": None, "verified_at": None, "created_at": now, "updated_at": now,
        }
        for n, name in enumerate(names)
    ]  # fmt: skip
    ids = insert_with_history(Student, rows, reason="r", row_reasons=["", "", "typed: BÌNH", "", ""])

    pupils = Student.objects.in_bulk(ids)
    for pk, row in zip(ids, rows, strict=True):
        pupil = pupils[pk]
        assert (pupil.full_name, pupil.commune_id, pupil.pupil_id, pupil.class_name) == (
            row["full_name"], row["commune_id"], row["pupil_id"], row["class_name"],
        )  # fmt: skip
        assert (pupil.lacks_device, pupil.hardships, pupil.source_row) == (
            row["lacks_device"], row["hardships"], row["source_row"],
        )  # fmt: skip
    reasons = dict(Student.history.filter(id__in=ids).values_list("id", "history_change_reason"))
    assert [reasons[pk] for pk in ids] == ["r", "r", "typed: BÌNH", "r", "r"]
    assert set(Student.history.filter(id__in=ids).values_list("full_name", flat=True)) == set(names)


def _pupil_rows(commune, school, names: list[str], *, personal_id: str = "") -> list[dict]:
    now = timezone.now()
    return [
        {
            "commune_id": commune.pk, "hamlet_id": None, "school_id": school.pk, "full_name": name,
            "birth_date": date(2012, 5, 1), "gender": "", "personal_id": personal_id, "pupil_id": "",
            "class_name": "3A", "level": "primary", "guardian_name": "", "guardian_phone": "", "lacks_device": True,
            "lacks_internet": True, "hardships": [], "status": "listed", "name_key": name.lower(), "upload_id": None,
            "source_row": None, "rejection_reason": "", "verified_by_id": None, "verified_at": None,
            "created_at": now, "updated_at": now,
        }
        for name in names
    ]  # fmt: skip


def test_batches_are_inserted_in_order_with_their_history(commune_a, education_office_user):
    school = SchoolFactory(commune=commune_a)
    names = [f"Học sinh {n}" for n in range(7)]

    def batches():
        yield _pupil_rows(commune_a, school, names[:3]), ["", "typed: HỌC SINH 1", ""]
        yield [], None  # an empty batch costs nothing
        yield _pupil_rows(commune_a, school, names[3:]), None

    ids = insert_batches_with_history(
        Student, batches(), count=len(names), user_id=education_office_user.pk, reason="list"
    )

    assert [Student.objects.get(pk=pk).full_name for pk in ids] == names
    history = {record.id: record for record in Student.history.filter(id__in=ids)}
    assert [history[pk].history_change_reason for pk in ids] == ["list", "typed: HỌC SINH 1"] + ["list"] * 5
    assert {record.history_user_id for record in history.values()} == {education_office_user.pk}


def test_batches_must_match_the_count_announced(commune_a):
    school = SchoolFactory(commune=commune_a)
    with pytest.raises(ValueError, match="announced"):
        insert_batches_with_history(Student, iter([(_pupil_rows(commune_a, school, ["An"]), None)]), count=2)
    with pytest.raises(ValueError, match="announced"):
        insert_batches_with_history(Student, iter([(_pupil_rows(commune_a, school, ["An", "Bình"]), None)]), count=1)


def test_a_batch_that_breaks_a_rule_raises_djangos_error_and_the_transaction_rolls_back(commune_a):
    """Sent in the background on PostgreSQL, the COPY's unique violation still reaches the caller as
    django.db.IntegrityError (the import catches that one), and the connection serves the next query."""
    school = SchoolFactory(commune=commune_a)

    def batches():
        yield _pupil_rows(commune_a, school, ["An"], personal_id="026212345678"), None
        yield _pupil_rows(commune_a, school, ["Bình"], personal_id="026212345678"), None  # the same ID, active
        yield _pupil_rows(commune_a, school, ["Cường"]), None

    with pytest.raises(IntegrityError), transaction.atomic():
        insert_batches_with_history(Student, batches(), count=3)
    assert not Student.objects.filter(full_name__in=["An", "Bình", "Cường"]).exists()
    assert not any(t.name.startswith("copy") for t in threading.enumerate())


def test_an_error_while_a_batch_is_built_waits_for_the_batch_sent(commune_a):
    """The caller's own error propagates only once the copies already sent have ended: the
    transaction's rollback then finds the connection free."""
    school = SchoolFactory(commune=commune_a)

    def batches():
        yield _pupil_rows(commune_a, school, [f"An {n}" for n in range(2000)]), None
        raise RuntimeError("a row could not be built")

    with pytest.raises(RuntimeError, match="could not be built"), transaction.atomic():
        insert_batches_with_history(Student, batches(), count=2001)
    assert not any(t.name.startswith("copy") for t in threading.enumerate())
    assert not Student.objects.filter(full_name__startswith="An ").exists()
