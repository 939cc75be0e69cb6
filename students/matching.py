"""Finding a pupil already listed: in the same commune (a re-upload) or elsewhere (a possible duplicate).

One pass over the district's records keeps only those sharing a blocking key
with the new rows (an ID; or birth date, given name and the family name's
initial; or birth date, family and middle names and the given name's initial),
so the cost grows with the district, never with pairs of pupils. Typos are
caught by an edit distance within a block; a pupil whose two initials were
both mistyped is not.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple, Protocol

from rapidfuzz.distance import Levenshtein

from students.models import DuplicateCandidate, Student

# A re-upload matches every one of the commune's own records; confirmed duplicates are matched
# so that they are left alone rather than listed again.
_OWN_STATUSES = frozenset(Student.Status.values)
_ACTIVE = set(Student.ACTIVE_STATUSES)
_IN_NEED = set(Student.IN_NEED_STATUSES)
Reason = DuplicateCandidate.Reason


class NewRow(Protocol):
    """A row being saved (students.pupil_columns.PupilRow)."""

    name_key: str
    birth_date: date
    school_id: int
    personal_id: str
    pupil_id: str


@dataclass(frozen=True)
class Match:
    student_id: int
    reason: str


class _Record(NamedTuple):
    pk: int
    commune_id: int
    name_key: str
    birth_date: date
    school_id: int
    personal_id: str
    pupil_id: str
    status: str


def split_name(name_key: str) -> tuple[str, str]:
    """('nguyen van', 'an') — family and middle names, and the given name."""
    family, _, given = name_key.rpartition(" ")
    return family, given


def _given_block(birth_date: date, family: str, given: str) -> tuple:
    # The family name's initial keeps the block small ("Nguyễn" is four pupils in ten);
    # a typo in that initial is still caught by the family block when the given name matches.
    return (birth_date, given, family[:1])


def _family_block(birth_date: date, family: str, given: str) -> tuple:
    # Likewise the given name's initial: "Nguyễn Văn" alone would put half the district in a block.
    return (birth_date, family, given[:1])


def _different_people(a: NewRow | _Record, b: _Record) -> bool:
    """Two different IDs of the same kind prove two different pupils."""
    return bool(
        (a.personal_id and b.personal_id and a.personal_id != b.personal_id)
        or (a.pupil_id and b.pupil_id and a.pupil_id != b.pupil_id)
    )


class DistrictIndex:
    def __init__(self, commune_id: int):
        self.commune_id = commune_id
        self.own_by_personal_id: dict[str, int] = {}
        self.own_by_pupil_id: dict[str, int] = {}
        self.own_by_natural_key: dict[tuple, int] = {}
        self._own_status: dict[int, str] = {}
        self.active_by_personal_id: dict[str, int] = {}
        self.active_by_pupil_id: dict[str, int] = {}
        self.by_name_birth: dict[tuple[str, date], list[_Record]] = defaultdict(list)
        self.by_given: dict[tuple[date, str], list[_Record]] = defaultdict(list)
        self.by_family: dict[tuple, list[_Record]] = defaultdict(list)
        self.file_by_natural_key: dict[tuple, int] = {}

    @classmethod
    def load(cls, commune_id: int, rows: list[NewRow]) -> DistrictIndex:
        index = cls(commune_id)
        personal_ids = {r.personal_id for r in rows} - {""}
        pupil_ids = {r.pupil_id for r in rows} - {""}
        blocks_given, blocks_family = set(), set()
        for r in rows:
            family, given = split_name(r.name_key)
            blocks_given.add(_given_block(r.birth_date, family, given))
            blocks_family.add(_family_block(r.birth_date, family, given))
        fields = ("pk", "commune_id", "name_key", "birth_date", "school_id", "personal_id", "pupil_id", "status")
        records = Student.objects.values_list(*fields)
        # One pass over the district; most rows are dropped after a few set lookups on the raw tuple.
        for values in records.iterator(chunk_size=20_000):
            family, _, given = values[2].rpartition(" ")
            if not (
                _given_block(values[3], family, given) in blocks_given
                or _family_block(values[3], family, given) in blocks_family
                or values[5] in personal_ids
                or values[6] in pupil_ids
            ):
                continue
            index._add(_Record._make(values), family, given)
        return index

    def _add(self, record: _Record, family: str, given: str) -> None:
        if record.commune_id == self.commune_id and record.status in _OWN_STATUSES:
            self._own_status[record.pk] = record.status
            if record.personal_id:
                self._keep_own(self.own_by_personal_id, record.personal_id, record)
            if record.pupil_id:
                self._keep_own(self.own_by_pupil_id, record.pupil_id, record)
            self._keep_own(self.own_by_natural_key, (record.name_key, record.birth_date, record.school_id), record)
        self._add_matchable(record, family, given)

    def _add_matchable(self, record: _Record, family: str, given: str) -> None:
        if record.status in _ACTIVE:
            if record.personal_id:
                self.active_by_personal_id[record.personal_id] = record.pk
            if record.pupil_id:
                self.active_by_pupil_id[record.pupil_id] = record.pk
        if record.status in _IN_NEED:
            self.by_name_birth[(record.name_key, record.birth_date)].append(record)
            self.by_given[_given_block(record.birth_date, family, given)].append(record)
            self.by_family[_family_block(record.birth_date, family, given)].append(record)

    def in_file(self, row: NewRow, student_id: int, status: str) -> None:
        """A row of the file being saved, now a record (`student_id` may stand for one not inserted
        yet): later rows of the same file are matched against it as against the district."""
        v = row
        self.file_by_natural_key.setdefault((v.name_key, v.birth_date, v.school_id), student_id)
        if student_id not in self._own_status:  # a re-uploaded record is in the index already
            record = _Record(
                student_id, self.commune_id, v.name_key, v.birth_date, v.school_id, v.personal_id, v.pupil_id, status
            )
            self._add_matchable(record, *split_name(v.name_key))

    def file_twin(self, row: NewRow) -> Match | None:
        """An earlier row of this file with the same name, birth date and school, whatever its IDs:
        two children so alike in one list are held for a person to decide, never refused."""
        found = self.file_by_natural_key.get((row.name_key, row.birth_date, row.school_id))
        return Match(found, Reason.NAME_BIRTH_DATE) if found is not None else None

    def _keep_own(self, mapping: dict, key, record: _Record) -> None:
        """One own record per key; a live record wins over a confirmed duplicate of it."""
        current = mapping.get(key)
        if current is None or (
            self._own_status[current] == Student.Status.DUPLICATE and record.status != Student.Status.DUPLICATE
        ):
            mapping[key] = record.pk

    def own_record(self, row: NewRow) -> int | None:
        """The commune's earlier record of this pupil: by ID, else by name + birth date + school."""
        found = None
        if row.personal_id:
            found = self.own_by_personal_id.get(row.personal_id)
        if found is None and row.pupil_id:
            found = self.own_by_pupil_id.get(row.pupil_id)
        if found is None:
            found = self.own_by_natural_key.get((row.name_key, row.birth_date, row.school_id))
        return found

    def id_holder(self, row: NewRow, *, exclude: int) -> Match | None:
        """Another active record that already holds this row's personal or pupil ID."""
        for value, holders, reason in (
            (row.personal_id, self.active_by_personal_id, Reason.PERSONAL_ID),
            (row.pupil_id, self.active_by_pupil_id, Reason.PUPIL_ID),
        ):
            holder = holders.get(value) if value else None
            if holder is not None and holder != exclude:
                return Match(holder, reason)
        return None

    def district_match(self, row: NewRow) -> Match | None:
        """An earlier record anywhere that may be this pupil; the new record is then held."""
        v = row
        if v.personal_id and v.personal_id in self.active_by_personal_id:
            return Match(self.active_by_personal_id[v.personal_id], Reason.PERSONAL_ID)
        if v.pupil_id and v.pupil_id in self.active_by_pupil_id:
            return Match(self.active_by_pupil_id[v.pupil_id], Reason.PUPIL_ID)
        for record in self.by_name_birth.get((v.name_key, v.birth_date), ()):
            if not _different_people(v, record):
                return Match(record.pk, Reason.NAME_BIRTH_DATE)
        family, given = split_name(v.name_key)
        for record in self.by_given.get(_given_block(v.birth_date, family, given), ()):
            other_family, _ = split_name(record.name_key)
            if Levenshtein.distance(family, other_family, score_cutoff=2) <= 2 and not _different_people(v, record):
                return Match(record.pk, Reason.SIMILAR_NAME)
        for record in self.by_family.get(_family_block(v.birth_date, family, given), ()):
            _, other_given = split_name(record.name_key)
            if Levenshtein.distance(given, other_given, score_cutoff=1) <= 1 and not _different_people(v, record):
                return Match(record.pk, Reason.SIMILAR_NAME)
        return None
