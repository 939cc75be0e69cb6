"""Finding a pupil already listed: in the same commune (a re-upload) or elsewhere (a possible duplicate).

Only the district's records that share a blocking key with the new rows are
read (an ID; or birth date, given name and the family name's initial; or birth
date, family and middle names and the given name's initial): PostgreSQL picks
them out; on SQLite, the demo's database, one pass over the district does. The
cost grows with the district, never with pairs of pupils. Typos are caught by
an edit distance within a block; a pupil whose two initials were both mistyped
is not.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple, Protocol

from django.db import connection, transaction
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


@dataclass
class _UploadKeys:
    """What a record of the district must share with the new rows to be worth a look."""

    personal_ids: set[str]
    pupil_ids: set[str]
    # Lists, not sets: nearly every block holds one name, and a set of one is 216 bytes against 64
    # (100,000 rows: 30 MB less while the district is read).
    given_blocks: dict[tuple, list[str]]  # block → the family names of the new rows in it
    family_blocks: dict[tuple, list[str]]  # block → their given names
    name_births: set[tuple[str, date]]

    @classmethod
    def of(cls, rows: list[NewRow]) -> _UploadKeys:
        keys = cls({r.personal_id for r in rows} - {""}, {r.pupil_id for r in rows} - {""}, {}, {}, set())
        names: dict[str, str] = {}  # a family or given name once, however many rows have it
        for r in rows:
            family, given = split_name(r.name_key)
            family, given = names.setdefault(family, family), names.setdefault(given, given)
            families = keys.given_blocks.setdefault(_given_block(r.birth_date, family, given), [])
            if family not in families:
                families.append(family)
            givens = keys.family_blocks.setdefault(_family_block(r.birth_date, family, given), [])
            if given not in givens:
                givens.append(given)
            keys.name_births.add((r.name_key, r.birth_date))
        return keys

    def shared_with(self, values: tuple, family: str, given: str) -> bool:
        """What _CANDIDATES_SQL selects, on the raw row (_RECORD_FIELDS' order); its test holds the two
        alike. DistrictIndex.load keeps fewer: the near ones, which are all among these."""
        return (
            _given_block(values[3], family, given) in self.given_blocks
            or _family_block(values[3], family, given) in self.family_blocks
            or values[5] in self.personal_ids
            or values[6] in self.pupil_ids
        )

    def near_in_given_block(self, birth_date: date, family: str, given: str) -> bool:
        """A new row of the block has a family name close enough for district_match to return it."""
        families = self.given_blocks.get(_given_block(birth_date, family, given), ())
        return any(Levenshtein.distance(family, other, score_cutoff=2) <= 2 for other in families)

    def near_in_family_block(self, birth_date: date, family: str, given: str) -> bool:
        givens = self.family_blocks.get(_family_block(birth_date, family, given), ())
        return any(Levenshtein.distance(given, other, score_cutoff=1) <= 1 for other in givens)


_RECORD_FIELDS = ("pk", "commune_id", "name_key", "birth_date", "school_id", "personal_id", "pupil_id", "status")

# The blocks of _given_block and _family_block, split as str.rpartition(" ") splits: the given name
# follows the last space (split_part's -1), the family name is what comes before that space: the
# records of _UploadKeys.shared_with. DistrictIndex.load keeps those near enough to a new row.
_CANDIDATES_SQL = """
SELECT {columns} FROM (
    SELECT s.*, left(s.name_key, greatest(length(s.name_key) - length(split.given) - 1, 0)) AS block_family,
           split.given AS block_given
    FROM {table} s CROSS JOIN LATERAL (SELECT split_part(s.name_key, ' ', -1) AS given) split
) s
WHERE s.{personal_id} = ANY(%s::text[]) OR s.{pupil_id} = ANY(%s::text[])
   OR (s.{birth_date}, s.block_given, left(s.block_family, 1))
      IN (SELECT * FROM unnest(%s::date[], %s::text[], %s::text[]))
   OR (s.{birth_date}, s.block_family, left(s.block_given, 1))
      IN (SELECT * FROM unnest(%s::date[], %s::text[], %s::text[]))
ORDER BY s.{pk}
"""


def _candidates(keys: _UploadKeys) -> Iterator[tuple]:
    """The district's records that may share a key with the upload, as tuples in _RECORD_FIELDS' order.

    Oldest first, on either database: of two earlier records that both match a new row, the pair
    names the one listed first.

    PostgreSQL narrows them itself in one pass: against a million pupils, reading every one into
    Python took 11–15 s (bench import_memory). SQLite, the demo's database, gives them all.
    """
    if connection.vendor != "postgresql":
        yield from Student.objects.order_by("pk").values_list(*_RECORD_FIELDS).iterator(chunk_size=20_000)
        return
    meta = Student._meta
    column_of = {field.attname: str(field.column) for field in meta.concrete_fields}
    column_of["pk"] = column_of["id"]
    columns = {name: connection.ops.quote_name(column_of[name]) for name in _RECORD_FIELDS}
    sql = _CANDIDATES_SQL.format(
        columns=", ".join(f"s.{column}" for column in columns.values()),
        table=connection.ops.quote_name(meta.db_table),
        **columns,
    )
    params = [_array_literal(keys.personal_ids), _array_literal(keys.pupil_ids)]
    for blocks in (keys.given_blocks, keys.family_blocks):
        params += [_array_literal(block[part] for block in blocks) for part in range(3)]
    with transaction.atomic(), connection.cursor() as settings_cursor:
        # The planner hashes the blocks only if it expects them to fit in work_mem; otherwise it
        # compares every pupil with every block (100,000 rows against a million pupils: over 13
        # minutes with the default 4 MB, 1.2 s hashed). 16 MB was enough for 200,000 rows.
        settings_cursor.execute("SELECT set_config('work_mem', %s, true)", [_work_mem(keys)])
        with connection.chunked_cursor() as cursor:
            cursor.execute(sql, params)
            while chunk := cursor.fetchmany(20_000):
                yield from chunk
        settings_cursor.execute("RESET work_mem")


def _array_literal(values: Iterable[str | date]) -> str:
    """An array as one literal ('{"a","b"}'): psycopg2 adapted a list value by value, 1.1 s for the
    six arrays of 100,000 rows, even against an empty district."""
    texts = list(map(str, values))
    if not texts:
        return "{}"
    every = "".join(texts)
    if "\\" not in every and '"' not in every:  # nothing to escape: checked once on the whole list
        return '{"' + '","'.join(texts) + '"}'
    return "{" + ",".join('"' + _escaped_for_array(text) + '"' for text in texts) + "}"


def _escaped_for_array(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"') if "\\" in text or '"' in text else text


def _work_mem(keys: _UploadKeys) -> str:
    return f"{max(64, len(keys.given_blocks) // 2_000)}MB"


_IN_GIVEN_BLOCK, _IN_FAMILY_BLOCK = 1, 2


def _near_records(keys: _UploadKeys) -> tuple[list[_Record], bytearray]:
    """The district's records near a new row, and for each the blocks (_IN_…) it is near in.

    A block is coarse ("Anh" born on one day, family initial N): most records in it are too far
    from every new row to be returned, and are left out (bench import_memory: 171,155 candidates
    against a million pupils). What is kept answers every lookup of DistrictIndex alike.
    """
    records: list[_Record] = []
    blocks = bytearray()
    # The values records share (a birth date, a school, a status) are kept once, not once per
    # record as the database returns them: a re-upload keeps the commune's records, 100,000 in the bench.
    shared: dict = {}
    one = shared.setdefault
    for values in _candidates(keys):
        family, _, given = values[2].rpartition(" ")
        in_blocks = (_IN_GIVEN_BLOCK if keys.near_in_given_block(values[3], family, given) else 0) | (
            _IN_FAMILY_BLOCK if keys.near_in_family_block(values[3], family, given) else 0
        )
        if (
            in_blocks
            or values[5] in keys.personal_ids
            or values[6] in keys.pupil_ids
            or (values[2], values[3]) in keys.name_births
        ):
            pk, commune, name_key, birth_date, school, personal_id, pupil_id, status = values
            record = _Record(
                pk, one(commune, commune), name_key, one(birth_date, birth_date), one(school, school),
                personal_id, pupil_id, one(status, status),
            )  # fmt: skip
            records.append(record)
            blocks.append(in_blocks)
    return records, blocks


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
        # The upload's keys are dropped before the index is built: for a re-upload of 100,000 rows,
        # their 60 MB and the index of the commune's 100,000 records were the import's peak together.
        records, blocks = _near_records(_UploadKeys.of(rows))
        names: dict[str, str] = {}  # a family or given name once, however many records have it
        one = names.setdefault
        for record, in_blocks in zip(records, blocks, strict=True):
            family, _, given = record.name_key.rpartition(" ")
            index._add(
                record, one(family, family), one(given, given),
                given_block=bool(in_blocks & _IN_GIVEN_BLOCK), family_block=bool(in_blocks & _IN_FAMILY_BLOCK),
            )  # fmt: skip
        return index

    def _add(self, record: _Record, family: str, given: str, *, given_block: bool, family_block: bool) -> None:
        if record.commune_id == self.commune_id and record.status in _OWN_STATUSES:
            self._own_status[record.pk] = record.status
            if record.personal_id:
                self._keep_own(self.own_by_personal_id, record.personal_id, record)
            if record.pupil_id:
                self._keep_own(self.own_by_pupil_id, record.pupil_id, record)
            self._keep_own(self.own_by_natural_key, (record.name_key, record.birth_date, record.school_id), record)
        self._add_matchable(record, family, given, given_block=given_block, family_block=family_block)

    def _add_matchable(
        self, record: _Record, family: str, given: str, *, given_block: bool = True, family_block: bool = True
    ) -> None:
        # Once per record of the district and per new row: the fields are unpacked once.
        pk, _commune, name_key, birth_date, _school, personal_id, pupil_id, status = record
        if status in _ACTIVE:
            if personal_id:
                self.active_by_personal_id[personal_id] = pk
            if pupil_id:
                self.active_by_pupil_id[pupil_id] = pk
        if status in _IN_NEED:
            self.by_name_birth[(name_key, birth_date)].append(record)
            if given_block:
                self.by_given[_given_block(birth_date, family, given)].append(record)
            if family_block:
                self.by_family[_family_block(birth_date, family, given)].append(record)

    def in_file(self, row: NewRow, student_id: int, status: str) -> None:
        """A row of the file being saved, now a record (`student_id` may stand for one not inserted
        yet): later rows of the same file are matched against it as against the district."""
        name_key, birth_date = row.name_key, row.birth_date
        self.file_by_natural_key.setdefault((name_key, birth_date, row.school_id), student_id)
        if student_id not in self._own_status:  # a re-uploaded record is in the index already
            record = _Record._make(
                (
                    student_id,
                    self.commune_id,
                    name_key,
                    birth_date,
                    row.school_id,
                    row.personal_id,
                    row.pupil_id,
                    status,
                )
            )
            family, given = split_name(name_key)
            self._add_matchable(record, family, given)

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
