from datetime import date

import pytest
from django.utils import timezone

from common.bulk import insert_with_history
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
