"""A commune's pupil list: read, normalise, validate every row, then save all or nothing.

The steps are separate so each can be tested and timed:
`read_rows` (spreadsheet → clean rows with errors, row by row: students/row_stream.py
and the column cleaners of students/pupil_columns.py) → `save_rows` (match with
the commune's earlier lists, de-duplicate across the district, bulk insert
with history, a batch at a time). A file with any wrong row saves nothing.
The upload's record and the worker's entry point are in students/upload_processing.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from common.bulk import insert_batches_with_history, insert_with_history
from common.cycle_collection import without_cycle_collection
from common.spreadsheets.import_limits import ErrorList
from common.spreadsheets.row_stream import stream_table
from common.spreadsheets.table import CellError, SpreadsheetError, Table
from common.text import fold, fold_category
from students import pupils
from students.matching import DistrictIndex, Match
from students.models import Commune, DuplicateCandidate, Hamlet, School, Student, StudentUpload
from students.name_cells import formula_name_errors
from students.pupil_columns import (
    STUDENT_COLUMNS,
    PupilRow,
    RowValidator,
    SchoolDirectory,
)
from students.pupil_updates import UPDATABLE_FIELDS, SaveResult, existing_update

# Rows inserted (and their history written) per COPY: the text of every row is never built at once.
SAVE_BATCH = 5000


@dataclass
class ReadResult:
    table: Table | None
    rows: list[PupilRow] = field(default_factory=list)
    row_count: int = 0
    errors: ErrorList = field(default_factory=ErrorList)  # the first IMPORT_ERRORS_KEPT, all counted
    file_error: str = ""

    @property
    def ok(self) -> bool:
        return not self.file_error and not self.errors


def read_rows(
    file,
    filename: str,
    schools: SchoolDirectory,
    *,
    progress: Callable[[int, int], None] | None = None,
    progress_every: int = 5000,
) -> ReadResult:
    """Read and validate every row, one at a time; nothing touches the pupils table.

    Each row's cells go once it is checked, so the sheet and the valid rows are never all
    in memory together (the marked-up copy reads the file again).
    """
    try:
        streamed = stream_table(file, filename, STUDENT_COLUMNS)
        result = ReadResult(streamed.table)
        validator = RowValidator(schools)
        seen: dict[tuple, int] = {}
        done = 0
        for row in streamed.rows:
            done += 1
            pupil = validator.validate(row, result.errors)
            if formula_names := formula_name_errors(row, ("hamlet",)):
                result.errors += formula_names
                pupil = None
            if pupil is not None:
                _check_repeated(pupil, seen, result.errors)
                result.rows.append(pupil)
            if progress and done % progress_every == 0:
                progress(done, max(streamed.size_hint, done))
    except SpreadsheetError as exc:  # also found while the rows are read (a damaged CSV line)
        return ReadResult(None, file_error=str(exc))
    result.row_count = done
    if not done:
        result.file_error = _("The list has a header but no pupils.")
        return result
    if progress:
        progress(done, done)
    return result


def _check_repeated(pupil: PupilRow, seen: dict[tuple, int], errors: list[CellError]) -> None:
    """The same personal ID or pupil ID twice in one file is an error on the later row."""
    # Only an ID twice is certain; the same name, birth date and school twice is held as a pair instead.
    keys = []
    if pupil.personal_id:
        keys.append(("personal_id", pupil.personal_id))
    if pupil.pupil_id:
        keys.append(("pupil_id", pupil.pupil_id))
    for kind, key in keys:
        first = seen.get((kind, key))
        if first is not None:
            errors.append(CellError(pupil.number, kind, _("The same pupil as row %(row)s.") % {"row": first}))
            return
    for kind, key in keys:
        seen[(kind, key)] = pupil.number


# ---------------------------------------------------------------- saving


def _lock_district() -> None:
    """Serialise saving across communes so de-duplication sees every committed list.

    A pupil may be listed by the commune where they live and the one where they
    study at the same moment; with the lock the second import sees the first
    and holds its record as a possible duplicate. SQLite serialises writers itself.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [2021_0930])


def assign_hamlets(commune: Commune, rows: list[PupilRow]) -> None:
    """Each row's hamlet id, by folded name; unknown hamlets are created for this commune."""
    existing = {fold(h.name): h.pk for h in Hamlet.objects.filter(commune=commune)}
    missing = {}
    for name in {row.hamlet_name for row in rows}:
        if name and fold(name) not in existing and fold(name) not in missing:
            missing[fold(name)] = Hamlet(commune=commune, name=name)
    if missing:
        bulk_create_with_history(list(missing.values()), Hamlet)
        existing.update({fold(h.name): h.pk for h in Hamlet.objects.filter(commune=commune)})
    for row in rows:
        row.hamlet_id = existing.get(fold_category(row.hamlet_name)) if row.hamlet_name else None


def save_rows(commune: Commune, upload: StudentUpload | None, rows: list[PupilRow], *, user=None) -> SaveResult:
    """Update the commune's pupils from `rows` and add the new ones. Caller holds a transaction."""
    _lock_district()
    result = SaveResult()
    assign_hamlets(commune, rows)

    index = DistrictIndex.load(commune.pk, rows)
    row_of_record: dict[int, PupilRow] = {}  # the commune's records this file lists again
    new_rows: list[PupilRow] = []
    for row in rows:
        existing_id = index.own_record(row)
        # One record per row: a second row of the file that finds the same record is a new one.
        if existing_id is None or existing_id in row_of_record:
            new_rows.append(row)
        else:
            row_of_record[existing_id] = row
            index.in_file(row, existing_id, "")
    existing_update(row_of_record, index, result)  # pops each record it reads from the commune
    del row_of_record
    _insert_new(commune, upload, new_rows, index, result, user_id=user.pk if user else None)
    return result


def _insert_new(
    commune: Commune,
    upload: StudentUpload | None,
    rows: list[PupilRow],
    index: DistrictIndex,
    result: SaveResult,
    *,
    user_id: int | None,
) -> None:
    """Insert the new rows with their history, a batch at a time, and record their possible duplicates."""
    now = timezone.now()
    common = {
        "commune_id": commune.pk,
        "upload_id": upload.pk if upload else None,
        "rejection_reason": "",
        "verified_by_id": None,
        "verified_at": None,
        "created_at": now,
        "updated_at": now,
    }
    pairs: list[tuple[int, int, str]] = []  # (existing_id, position among the new rows, reason)

    def batches() -> Iterator[tuple[list[dict[str, Any]], list[str]]]:
        # Built while the previous batch is saved (insert_batches_with_history): no database here.
        for start in range(0, len(rows), SAVE_BATCH):
            batch = rows[start : start + SAVE_BATCH]
            inserts = []
            for position, row in enumerate(batch, start=start):
                # The file and the district are one set: earlier rows of this file are matched like earlier lists.
                match: Match | None = index.district_match(row) or index.file_twin(row)
                status = pupils.status_for_new(held=match is not None)
                if match is not None:
                    pairs.append((match.student_id, position, match.reason))
                index.in_file(row, -1 - position, status)  # stands for ids[position] until inserted
                inserts.append(_insert_values(row, status, common))
            yield inserts, [row.typed_note for row in batch]

    ids = insert_batches_with_history(Student, batches(), count=len(rows), user_id=user_id)
    # With history, like every business row: the 30/9 report counts pending pairs as of a past day.
    # Through COPY like the pupils: against a million pupils an upload holds thousands of pairs.
    insert_with_history(
        DuplicateCandidate,
        [
            {
                "existing_id": ids[-1 - existing_id] if existing_id < 0 else existing_id,
                "candidate_id": ids[position],
                "reason": reason,
                "decision": DuplicateCandidate.Decision.PENDING,
                "decided_by_id": None,
                "decided_at": None,
                "note": "",
                "created_at": now,
            }
            for existing_id, position, reason in pairs
        ],
        user_id=user_id,
    )
    result.created = len(rows)
    result.held += len(pairs)


def _insert_values(row: PupilRow, status: str, common: dict[str, Any]) -> dict[str, Any]:
    values = {name: getattr(row, name) for name in UPDATABLE_FIELDS}
    values.update(common, name_key=row.name_key, source_row=row.number, status=status)
    return values


# ---------------------------------------------------------------- entry points


@dataclass
class ImportOutcome:
    read: ReadResult
    saved: SaveResult | None = None

    @property
    def ok(self) -> bool:
        return self.read.ok and self.saved is not None


def import_file(
    file,
    filename: str,
    commune: Commune,
    *,
    user=None,
    upload: StudentUpload | None = None,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportOutcome:
    with without_cycle_collection():
        return _import_file(file, filename, commune, user=user, upload=upload, dry_run=dry_run, progress=progress)


def _import_file(file, filename: str, commune: Commune, *, user, upload, dry_run: bool, progress) -> ImportOutcome:
    schools = SchoolDirectory(School.objects.all())
    read = read_rows(file, filename, schools, progress=progress)
    outcome = ImportOutcome(read)
    if not read.ok:
        return outcome
    try:
        with transaction.atomic():
            outcome.saved = save_rows(commune, upload, read.rows, user=user)
            if dry_run:
                transaction.set_rollback(True)
    except IntegrityError:
        # Another change to the same pupil landed at this very moment; nothing was saved.
        read.file_error = _(
            "Another change to the same pupils was saved at the same moment; nothing was saved. Upload the file again."
        )
        outcome.saved = None
    return outcome
