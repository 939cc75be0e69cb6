"""The district's records read for matching: PostgreSQL's narrowing picks exactly those a full pass keeps."""

from __future__ import annotations

import random
import weakref
from datetime import date
from typing import NamedTuple

import pytest
from django.db import connection

from students.matching import _RECORD_FIELDS, DistrictIndex, _array_literal, _candidates, _Record, _UploadKeys
from students.models import Student
from students.tests.factories import SchoolFactory, StudentFactory

pytestmark = pytest.mark.django_db

# Names as odd as a key can be: no space, a space at either end, two spaces, one letter, none at all.
# And characters an array literal must escape, though a name's key never holds them.
WORDS = ["nguyen", "van", "an", "anh", "thi", "le", "a", "đỗ", "ẩn", "x", 'o"k', "b\\c", "{d,e}", "NULL"]
SPACES = [" ", " ", " ", "  "]


class Row(NamedTuple):
    name_key: str
    birth_date: date
    school_id: int
    personal_id: str
    pupil_id: str


def _name(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(0, 4))]
    name = "".join(word + rng.choice(SPACES) for word in words).rstrip(" ") if words else ""
    return rng.choice(["", " "]) + name + rng.choice(["", "", " "])


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_database_picks_exactly_the_records_a_full_pass_keeps(commune_a, commune_b, seed):
    rng = random.Random(seed)
    school = SchoolFactory(commune=commune_a)
    days = [date(2012, 1, 1), date(2012, 1, 2), date(2013, 5, 6)]
    Student.objects.bulk_create(
        Student(
            commune=rng.choice([commune_a, commune_b]), school=school, full_name="Học Sinh", name_key=_name(rng),
            birth_date=rng.choice(days), class_name="3A", level=school.level, lacks_device=True,
            personal_id=f"0010{n:08d}" if n % 7 == 0 else "", pupil_id=f"{n:010d}" if n % 11 == 0 else "",
            status=rng.choice(["listed", "held", "rejected"]) if n % 7 and n % 11 else "held",
        )
        for n in range(400)
    )  # fmt: skip
    rows = [
        Row(_name(rng), rng.choice(days), school.pk, f"0010{n:08d}" if n % 5 == 0 else "", f"{n:010d}" if n % 3 else "")
        for n in range(60)
    ]
    keys = _UploadKeys.of(rows)

    everyone = Student.objects.values_list(*_RECORD_FIELDS)
    kept = {values[0] for values in everyone if keys.shared_with(values, *_family_given(values[2]))}
    picked = [values[0] for values in _candidates(keys)]
    assert len(picked) == len(set(picked))
    assert kept <= set(picked)
    if connection.vendor == "postgresql":  # SQLite gives every record, for the full pass to sort out
        assert set(picked) == kept
    assert 0 < len(kept) < len(everyone)


def _family_given(name_key: str) -> tuple[str, str]:
    family, _, given = name_key.rpartition(" ")
    return family, given


def test_an_upload_with_no_rows_finds_nothing(commune_a):
    StudentFactory(commune=commune_a, full_name="Nguyễn Văn An", personal_id="001012000001")
    index = DistrictIndex.load(commune_a.pk, [])
    assert not index.own_by_natural_key and not index.active_by_personal_id


def _typo(name: str, rng: random.Random) -> str:
    if not name.strip():
        return name
    at = rng.randrange(len(name))
    return name[:at] + rng.choice("aeiounx") + name[at + 1 :]


@pytest.mark.parametrize("seed", [4, 5])
def test_the_records_left_out_of_the_index_change_no_answer(commune_a, commune_b, seed):
    """Against an index holding every record the query gives, each new row finds the same records."""
    rng = random.Random(seed)
    school = SchoolFactory(commune=commune_a)
    days = [date(2012, 1, 1), date(2012, 1, 2)]
    names = [_name(rng) for _ in range(300)]
    Student.objects.bulk_create(
        Student(
            commune=rng.choice([commune_a, commune_b]), school=school, full_name="Học Sinh", name_key=name,
            birth_date=rng.choice(days), class_name="3A", level=school.level, lacks_device=True,
            personal_id=f"0010{n:08d}" if n % 7 == 0 else "", pupil_id=f"{n:010d}" if n % 11 == 0 else "",
            status=rng.choice(["listed", "verified", "held", "rejected", "duplicate"]) if n % 7 and n % 11 else "held",
        )
        for n, name in enumerate(names)
    )  # fmt: skip
    rows = [
        Row(
            rng.choice([_typo(rng.choice(names), rng), rng.choice(names), _name(rng)]), rng.choice(days), school.pk,
            f"0010{n * 3:08d}" if n % 4 == 0 else "", f"{n * 2:010d}" if n % 5 == 0 else "",
        )
        for n in range(120)
    ]  # fmt: skip
    index = DistrictIndex.load(commune_a.pk, rows)
    everything = DistrictIndex(commune_a.pk)
    for values in _candidates(_UploadKeys.of(rows)):
        family, given = _family_given(values[2])
        everything._add(_Record._make(values), family, given, given_block=True, family_block=True)

    answers = [(index.district_match(r), index.own_record(r), index.id_holder(r, exclude=-1)) for r in rows]
    assert answers == [
        (everything.district_match(r), everything.own_record(r), everything.id_holder(r, exclude=-1)) for r in rows
    ]
    assert sum(match is not None for match, _own, _holder in answers) > 10
    kept = sum(map(len, index.by_given.values())) + sum(map(len, index.by_family.values()))
    assert kept < sum(map(len, everything.by_given.values())) + sum(map(len, everything.by_family.values()))


def test_the_upload_keys_are_freed_before_the_index_is_built(commune_a, monkeypatch):
    """A re-upload's peak memory: the keys of 100,000 rows never sit beside the index of 100,000 records.

    CPython frees an object when its last reference goes: a dead weak reference means the memory is back."""
    for n in range(3):
        StudentFactory(commune=commune_a, full_name=f"Nguyễn Văn An{n}", personal_id=f"00101200000{n}")
    rows = [Row(s.name_key, s.birth_date, s.school_id, s.personal_id, s.pupil_id) for s in Student.objects.all()]
    made, alive_while_adding = [], []
    build_keys, add = _UploadKeys.of.__func__, DistrictIndex._add

    def of(cls, new_rows):
        keys = build_keys(cls, new_rows)
        made.append(weakref.ref(keys))
        return keys

    def _add(self, *args, **kwargs):
        alive_while_adding.append(made[0]() is not None)
        return add(self, *args, **kwargs)

    monkeypatch.setattr(_UploadKeys, "of", classmethod(of))
    monkeypatch.setattr(DistrictIndex, "_add", _add)
    index = DistrictIndex.load(commune_a.pk, rows)
    assert alive_while_adding == [False, False, False]
    assert all(index.own_record(row) is not None for row in rows)


@pytest.mark.parametrize(
    "values",
    [
        [],
        ["nguyen van an", "đỗ thị ẩn", "", " ", "NULL", "{d,e}", "a,b"],  # nothing to escape: the whole-list path
        ['o"k', "b\\c", "nguyen", '","', '\\"'],  # escaped value by value
    ],
)
def test_an_array_literal_reads_back_as_the_values_it_was_made_of(values):
    if connection.vendor != "postgresql":
        pytest.skip("the literal is PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::text[]", [_array_literal(values)])
        assert cursor.fetchone()[0] == values
    assert _array_literal([date(2012, 5, 1)]) == '{"2012-05-01"}'
