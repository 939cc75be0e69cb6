"""A commune's pupil list: read, normalise, validate every row, then save all or nothing.

The steps are separate so each can be tested and timed:
`read_rows` (spreadsheet → clean rows with errors) → `save_rows` (match with
the commune's earlier lists, de-duplicate across the district, bulk insert
with history). A file with any wrong row saves nothing.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from common.bulk import insert_with_history, record_history
from common.name_case import person_name, place_name, typed_note
from common.parsers import parse_date, parse_yes
from common.phones import parse_phone
from common.spreadsheets.import_limits import ErrorList
from common.spreadsheets.marked_up import annotated_workbook
from common.spreadsheets.reader import read_table
from common.spreadsheets.table import CellError, Column, SpreadsheetError, Table
from common.text import clean_text, fold, fold_category
from students import pupils
from students.marked_up import upload_marked_up_save
from students.matching import DistrictIndex, Match
from students.models import (
    Commune,
    DuplicateCandidate,
    Hamlet,
    Hardship,
    School,
    SchoolLevel,
    Student,
    StudentUpload,
)
from students.name_cells import formula_name_errors
from students.pupils import supported_student_ids
from students.schools import name_clashes
from students.upload_recovery import upload_claim

STUDENT_COLUMNS = [
    Column("stt", "STT", ("tt", "so tt", "so thu tu")),
    Column("full_name", "Họ và tên", ("ho ten", "ho ten hoc sinh", "ho va ten hoc sinh", "ten hoc sinh"), True),
    Column("birth_date", "Ngày sinh", ("ngay thang nam sinh", "ngay/thang/nam sinh", "sinh ngay"), True),
    Column("gender", "Giới tính", ("gioi", "nam/nu")),
    Column("personal_id", "Mã định danh", ("ma dinh danh ca nhan", "so dinh danh", "so dinh danh ca nhan", "ma ddcn")),
    Column("pupil_id", "Mã học sinh", ("ma hs", "ma so hoc sinh", "ma dinh danh hoc sinh")),
    Column("school", "Trường", ("truong hoc", "ten truong", "hoc truong"), True),
    Column("class_name", "Lớp", ("lop hoc",), True),
    Column("level", "Cấp học", ("cap",)),
    Column("hamlet", "Thôn/Xóm", ("thon", "xom", "thon xom", "thon/xom/to dan pho", "to dan pho", "thon/to dan pho")),
    Column("guardian_name", "Họ tên phụ huynh", ("ho va ten phu huynh", "phu huynh", "ten phu huynh", "cha me")),
    Column(
        "guardian_phone", "SĐT phụ huynh", ("so dien thoai phu huynh", "dien thoai phu huynh", "so dien thoai", "sdt")
    ),
    Column("lacks_device", "Thiếu thiết bị", ("khong co thiet bi", "chua co thiet bi", "can thiet bi"), True),
    Column(
        "lacks_internet",
        "Thiếu Internet",
        ("khong co internet", "chua co internet", "thieu mang", "can internet"),
        True,
    ),
    Column("hardships", "Hoàn cảnh", ("hoan canh gia dinh", "dien", "doi tuong")),
]

HEADERS = {c.key: c.header for c in STUDENT_COLUMNS}
GENDERS = {
    "nam": Student.Gender.MALE,
    "m": Student.Gender.MALE,
    "nu": Student.Gender.FEMALE,
    "f": Student.Gender.FEMALE,
}
LEVELS = {
    "tieu hoc": SchoolLevel.PRIMARY,
    "th": SchoolLevel.PRIMARY,
    "primary": SchoolLevel.PRIMARY,
    "trung hoc co so": SchoolLevel.LOWER_SECONDARY,
    "thcs": SchoolLevel.LOWER_SECONDARY,
    "lower_secondary": SchoolLevel.LOWER_SECONDARY,
    "trung hoc pho thong": SchoolLevel.UPPER_SECONDARY,
    "thpt": SchoolLevel.UPPER_SECONDARY,
    "upper_secondary": SchoolLevel.UPPER_SECONDARY,
}
HARDSHIPS = {
    "ho ngheo": Hardship.POOR,
    "ngheo": Hardship.POOR,
    "ho can ngheo": Hardship.NEAR_POOR,
    "can ngheo": Hardship.NEAR_POOR,
    "gia dinh nguoi co cong": Hardship.MERIT,
    "nguoi co cong": Hardship.MERIT,
    "con nguoi co cong": Hardship.MERIT,
    "bao tro xa hoi": Hardship.SOCIAL_PROTECTION,
    "bo/me mat do covid-19": Hardship.COVID_ORPHAN,
    "bo/me mat do covid": Hardship.COVID_ORPHAN,
    "bo me mat do covid-19": Hardship.COVID_ORPHAN,
    "cha/me mat do covid-19": Hardship.COVID_ORPHAN,
    "mo coi": Hardship.ORPHAN,
    "khuyet tat": Hardship.DISABILITY,
    "dan toc thieu so": Hardship.ETHNIC_MINORITY,
    "kho khan khac": Hardship.OTHER,
    "kho khan": Hardship.OTHER,
}
HARDSHIP_LABELS = "hộ nghèo; hộ cận nghèo; gia đình người có công; bảo trợ xã hội; bố/mẹ mất do COVID-19; mồ côi; khuyết tật; dân tộc thiểu số; khó khăn khác"  # noqa: E501
_SCHOOL_PREFIXES = (
    ("truong ", ""),
    ("pt dtnt ", "pho thong dan toc noi tru "),
    ("thpt ", "trung hoc pho thong "),
    ("thcs ", "trung hoc co so "),
    ("th&thcs ", "tieu hoc va trung hoc co so "),
    ("th ", "tieu hoc "),
)
# Fields an upload may change on a pupil already listed by the same commune.
UPDATABLE_FIELDS = (
    "full_name",
    "birth_date",
    "gender",
    "personal_id",
    "pupil_id",
    "school_id",
    "class_name",
    "level",
    "hamlet_id",
    "guardian_name",
    "guardian_phone",
    "lacks_device",
    "lacks_internet",
    "hardships",
)


@lru_cache(maxsize=4096)
def school_key(name: str) -> str:
    """'Trường TH Hoà Bình', 'tiểu học Hòa Bình' → 'tieu hoc hoa binh'."""
    key = fold(name)
    changed = True
    while changed:
        changed = False
        for prefix, replacement in _SCHOOL_PREFIXES:
            if key.startswith(prefix):
                key = replacement + key[len(prefix) :]
                changed = replacement == ""
                break
    return key


@dataclass
class PupilRow:
    """One valid row, ready to save."""

    number: int
    values: dict
    hamlet_name: str = ""
    # Names stored in another case than typed, as typed: the reason of the pupil's history row.
    typed_note: str = ""

    @property
    def natural_key(self) -> tuple[str, date, int]:
        return (self.values["name_key"], self.values["birth_date"], self.values["school_id"])


@dataclass
class ReadResult:
    table: Table | None
    rows: list[PupilRow] = field(default_factory=list)
    row_count: int = 0
    errors: list[CellError] = field(default_factory=ErrorList)  # the first IMPORT_ERRORS_KEPT, all counted
    file_error: str = ""

    @property
    def ok(self) -> bool:
        return not self.file_error and not self.errors


class SchoolDirectory:
    """The district's schools by folded name and code, with a closest-name suggestion."""

    def __init__(self, schools: Iterable[School]):
        self.by_key: dict[str, School] = {}
        for school in schools:
            self.by_key.setdefault(school_key(school.name), school)
            self.by_key.setdefault(fold(school.code), school)

    def find(self, name: str) -> School | None:
        return self.by_key.get(school_key(name))

    def suggestion(self, name: str) -> str:
        close = difflib.get_close_matches(school_key(name), self.by_key, n=1, cutoff=0.6)
        return self.by_key[close[0]].name if close else ""


class RowValidator:
    """Turns one spreadsheet row into model values, collecting every error."""

    def __init__(self, schools: SchoolDirectory):
        self.schools = schools

    def validate(self, number: int, raw: dict, errors: list[CellError]) -> PupilRow | None:
        before = len(errors)

        def error(key: str, message: str) -> None:
            errors.append(CellError(number, key, message))

        values: dict = {}
        typed = {"full_name": clean_text(raw.get("full_name")), "guardian_name": clean_text(raw.get("guardian_name"))}
        name = person_name(typed["full_name"])
        try:
            pupils.clean_name(name)
        except ValueError as exc:
            error("full_name", str(exc))
        values["full_name"] = name
        values["name_key"] = pupils.name_key(name)

        birth_date = None
        if raw.get("birth_date") is None:
            error("birth_date", _("The birth date is missing."))
        else:
            try:
                birth_date = parse_date(raw["birth_date"])
            except ValueError as exc:
                error("birth_date", str(exc))
        values["birth_date"] = birth_date

        gender = raw.get("gender")
        values["gender"] = ""
        if gender is not None:
            values["gender"] = GENDERS.get(fold_category(gender), "")
            if not values["gender"]:
                error("gender", _("Write Nam or Nữ."))

        values["personal_id"] = ""
        if raw.get("personal_id") is not None:
            try:
                values["personal_id"] = pupils.clean_personal_id(raw["personal_id"])
            except ValueError as exc:
                error("personal_id", str(exc))
        values["pupil_id"] = ""
        if raw.get("pupil_id") is not None:
            try:
                values["pupil_id"] = pupils.clean_pupil_id(raw["pupil_id"])
            except ValueError as exc:
                error("pupil_id", str(exc))

        school = None
        school_name = clean_text(raw.get("school"))
        if not school_name:
            error("school", _("The school is missing."))
        else:
            school = self.schools.find(school_name)
            if school is None:
                hint = self.schools.suggestion(school_name)
                error(
                    "school",
                    _("No school “%(name)s” in the district. Did you mean “%(hint)s”?")
                    % {"name": school_name, "hint": hint}
                    if hint
                    else _("No school “%(name)s” in the district.") % {"name": school_name},
                )
        values["school_id"] = school.pk if school else None

        class_name, grade = clean_text(raw.get("class_name")).upper().replace(" ", ""), None
        try:
            class_name, grade = pupils.clean_class(class_name)
        except ValueError as exc:
            error("class_name", str(exc))
        values["class_name"] = class_name

        level = None
        if raw.get("level") is not None:
            level = LEVELS.get(fold_category(raw["level"]))
            if level is None:
                error("level", _("Write Tiểu học, THCS or THPT."))
        elif school is not None:
            level = school.level
        if level is None and grade is not None:
            level = next(lv for lv, grades in pupils.GRADES.items() if grade in grades)
        if message := pupils.grade_error(grade, level):
            error("class_name", message)
        if level and school and school.level != level:
            error(
                "level",
                _("%(school)s is a %(school_level)s school, not %(level)s.")
                % {
                    "school": school.name,
                    "school_level": school.get_level_display(),
                    "level": SchoolLevel(level).label,
                },
            )
        values["level"] = level or ""

        if message := pupils.birth_error(birth_date, grade):
            error("birth_date", message)
        if not pupils.id_fits_birth_date(values["personal_id"], birth_date):
            error("personal_id", _("The personal ID does not match the birth year."))

        values["guardian_name"] = person_name(typed["guardian_name"])
        try:
            pupils.clean_name(values["guardian_name"], required=False)
        except ValueError as exc:
            error("guardian_name", str(exc))
        values["guardian_phone"] = ""
        if raw.get("guardian_phone") is not None:
            try:
                values["guardian_phone"] = parse_phone(raw["guardian_phone"])
            except ValueError as exc:
                error("guardian_phone", str(exc))

        for key in ("lacks_device", "lacks_internet"):
            try:
                values[key] = parse_yes(raw.get(key))
            except ValueError as exc:
                values[key] = False
                error(key, str(exc))
        if not (values["lacks_device"] or values["lacks_internet"]) and len(errors) == before:
            error("lacks_device", _("Mark at least one need: no device or no Internet."))

        hardships: list[str] = []
        for part in re.split(r"[;,\n]+", clean_text(raw.get("hardships"))):
            part = fold_category(part).strip(" .")
            if not part:
                continue
            code = HARDSHIPS.get(part)
            if code is None:
                error(
                    "hardships",
                    _("“%(value)s” is not a known hardship; use: %(known)s.")
                    % {"value": part, "known": HARDSHIP_LABELS},
                )
            elif code not in hardships:
                hardships.append(code)
        values["hardships"] = hardships

        hamlet = place_name(clean_text(raw.get("hamlet")))
        if len(hamlet) > 100:
            error("hamlet", _("At most 100 characters."))
        if len(errors) > before:
            return None
        labels = {key: capfirst(Student._meta.get_field(key).verbose_name) for key in typed}
        note = typed_note({labels[key]: (text, values[key]) for key, text in typed.items()})
        return PupilRow(number, values, hamlet, note)


def read_rows(
    file,
    filename: str,
    schools: SchoolDirectory,
    *,
    progress: Callable[[int, int], None] | None = None,
    progress_every: int = 5000,
) -> ReadResult:
    """Read and validate every row; nothing touches the pupils table."""
    try:
        table = read_table(file, filename, STUDENT_COLUMNS)
    except SpreadsheetError as exc:
        return ReadResult(None, file_error=str(exc))
    result = ReadResult(table)
    if not table.rows:
        result.file_error = _("The list has a header but no pupils.")
        return result
    validator = RowValidator(schools)
    seen: dict[tuple, int] = {}
    total = result.row_count = len(table.rows)
    grid = table.grid
    for done, row in enumerate(table.rows, start=1):
        pupil = validator.validate(row.number, row.values, result.errors)
        if formula_names := formula_name_errors(row, ("hamlet",)):
            result.errors += formula_names
            pupil = None
        if pupil is not None:
            _check_repeated(pupil, seen, result.errors)
            result.rows.append(pupil)
        # A checked row's cells go at once, so the sheet and the rows are never all in memory together
        # (the marked-up copy reads the file again).
        grid[row.number - 1] = row.cells = None
        if progress and done % progress_every == 0:
            progress(done, total)
    table.grid, table.rows = [], []
    if progress:
        progress(total, total)
    return result


def _check_repeated(pupil: PupilRow, seen: dict[tuple, int], errors: list[CellError]) -> None:
    """The same personal ID or pupil ID twice in one file is an error on the later row."""
    # Only an ID twice is certain; the same name, birth date and school twice is held as a pair instead.
    keys = []
    if pupil.values["personal_id"]:
        keys.append(("personal_id", pupil.values["personal_id"]))
    if pupil.values["pupil_id"]:
        keys.append(("pupil_id", pupil.values["pupil_id"]))
    for kind, key in keys:
        first = seen.get((kind, key))
        if first is not None:
            errors.append(CellError(pupil.number, kind, _("The same pupil as row %(row)s.") % {"row": first}))
            return
    for kind, key in keys:
        seen[(kind, key)] = pupil.number


# ---------------------------------------------------------------- saving


@dataclass
class SaveResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    held: int = 0
    changes: list[dict] = field(default_factory=list)


def _lock_district() -> None:
    """Serialise saving across communes so de-duplication sees every committed list.

    A pupil may be listed by the commune where they live and the one where they
    study at the same moment; with the lock the second import sees the first
    and holds its record as a possible duplicate. SQLite serialises writers itself.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [2021_0930])


def _hamlets_for(commune: Commune, names: set[str]) -> dict[str, int]:
    """Hamlet ids by folded name; unknown hamlets are created for this commune."""
    existing = {fold(h.name): h.pk for h in Hamlet.objects.filter(commune=commune)}
    missing = {}
    for name in names:
        if name and fold(name) not in existing and fold(name) not in missing:
            missing[fold(name)] = Hamlet(commune=commune, name=name)
    if missing:
        bulk_create_with_history(list(missing.values()), Hamlet)
        existing.update({fold(h.name): h.pk for h in Hamlet.objects.filter(commune=commune)})
    return existing


def save_rows(commune: Commune, upload: StudentUpload | None, rows: list[PupilRow], *, user=None) -> SaveResult:
    """Update the commune's pupils from `rows` and add the new ones. Caller holds a transaction."""
    _lock_district()
    result = SaveResult()
    hamlets = _hamlets_for(commune, {row.hamlet_name for row in rows})
    for row in rows:
        row.values["hamlet_id"] = hamlets.get(fold_category(row.hamlet_name)) if row.hamlet_name else None

    index = DistrictIndex.load(commune.pk, rows)
    own_matches: list[tuple[PupilRow, int]] = []
    new_rows: list[PupilRow] = []
    for row in rows:
        existing_id = index.own_record(row)
        # One record per row: a second row of the file that finds the same record is a new one.
        if existing_id is None or existing_id in {taken for _row, taken in own_matches}:
            new_rows.append(row)
        else:
            own_matches.append((row, existing_id))
            index.in_file(row, existing_id, "")

    _update_existing(own_matches, index, result)

    now = timezone.now()
    to_create: list[dict] = []
    pairs: list[tuple[int, int, str]] = []  # (existing_id, position in to_create, reason)
    for row in new_rows:
        # The file and the district are one set: earlier rows of this file are matched like earlier lists.
        match: Match | None = index.district_match(row) or index.file_twin(row)
        status = pupils.status_for_new(held=match is not None)
        if match is not None:
            pairs.append((match.student_id, len(to_create), match.reason))
        index.in_file(row, -1 - len(to_create), status)  # stands for ids[position] until inserted
        # The row's own dict becomes the insert (no copy: 100,000 rows).
        row.values.update(
            {
                "commune_id": commune.pk,
                "upload_id": upload.pk if upload else None,
                "source_row": row.number,
                "status": status,
                "rejection_reason": "",
                "verified_by_id": None,
                "verified_at": None,
                "created_at": now,
                "updated_at": now,
            }
        )
        to_create.append(row.values)
    ids = insert_with_history(
        Student, to_create, user_id=user.pk if user else None, row_reasons=[row.typed_note for row in new_rows]
    )
    # With history, like every business row: the 30/9 report counts pending pairs as of a past day.
    bulk_create_with_history(
        [
            DuplicateCandidate(
                existing_id=ids[-1 - existing_id] if existing_id < 0 else existing_id,
                candidate_id=ids[position],
                reason=reason,
            )
            for existing_id, position, reason in pairs
        ],
        DuplicateCandidate,
        batch_size=2000,
    )
    result.created = len(to_create)
    result.held += len(pairs)
    return result


def _update_existing(matches: list[tuple[PupilRow, int]], index: DistrictIndex, result: SaveResult) -> None:
    if not matches:
        return
    # Locked, so a verification or duplicate decision made meanwhile is not overwritten.
    students = Student.objects.select_for_update().in_bulk([student_id for _row, student_id in matches])
    locked = supported_student_ids(students)
    changed: list[Student] = []
    pairs: list[DuplicateCandidate] = []
    for row, student_id in matches:
        student = students[student_id]
        differences = [f for f in UPDATABLE_FIELDS if getattr(student, f) != row.values[f]]
        if not differences or student.status == Student.Status.DUPLICATE:
            # A confirmed duplicate stays as the office decided; the pupil lives on in the other record.
            result.unchanged += 1
            continue
        fields = [str(Student._meta.get_field(f).verbose_name) for f in differences]
        if student.pk in locked:
            result.unchanged += 1
            result.changes.append(
                {
                    "row": row.number,
                    "name": student.full_name,
                    "fields": fields,
                    "applied": False,
                    "note": _("Already supported: not changed by an upload; ask the education office."),
                }
            )
            continue
        for f in differences:
            setattr(student, f, row.values[f])
        if row.typed_note:
            student._change_reason = row.typed_note
        pupils.data_changed(student)  # the name key follows; changed data needs a new verification
        clash = index.id_holder(row, exclude=student.pk)
        if clash is not None and student.status in Student.ACTIVE_STATUSES:
            # The new ID is another active record's: hold this one for a person to decide.
            pupils.hold(student)
            pairs.append(DuplicateCandidate(existing_id=clash.student_id, candidate_id=student.pk, reason=clash.reason))
        changed.append(student)
        result.changes.append({"row": row.number, "name": student.full_name, "fields": fields, "applied": True})
    if changed:
        bulk_update_with_history(changed, Student, [*UPDATABLE_FIELDS, "name_key", "status"], batch_size=2000)
    if pairs:
        # A pair already recorded is not recorded twice (the import holds the lock: no race here).
        known = set(
            DuplicateCandidate.objects.filter(candidate_id__in=[p.candidate_id for p in pairs]).values_list(
                "existing_id", "candidate_id"
            )
        )
        new_pairs = [p for p in pairs if (p.existing_id, p.candidate_id) not in known]
        bulk_create_with_history(new_pairs, DuplicateCandidate, batch_size=2000)
    result.updated = len(changed)
    result.held += len(pairs)


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
    schools = SchoolDirectory(School.objects.all())
    read = read_rows(file, filename, schools, progress=progress)
    outcome = ImportOutcome(read)
    if not read.ok:
        return outcome
    # A valid file needs no annotated copy: free the sheet before saving.
    read.table.grid, read.table.rows = [], []
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


def upload_status_set(upload_id: int, status: str, *, unless: str | None = None, **fields) -> bool:
    """Set an upload's status (and `fields`) in one UPDATE, unless it is in status `unless`, and keep
    the change in its history (the report as of a past day reads it there); True when it changed."""
    uploads = StudentUpload.objects.filter(pk=upload_id)
    if unless is not None:
        uploads = uploads.exclude(status=unless)
    if not uploads.update(status=status, **fields):
        return False
    record_history(StudentUpload, [upload_id], reason=str(StudentUpload.Status(status).label))
    return True


def process_upload(upload_id: int, *, progress_every: int = 5000) -> StudentUpload:
    """Import an uploaded list (run by the background worker); records the outcome on the upload."""
    upload = StudentUpload.objects.select_related("commune").get(pk=upload_id)
    upload_claim(upload.pk)  # who works on it, so a dead worker's upload is found (upload_recovery)

    def progress(done: int, total: int) -> None:
        # Counters for the progress bar and the worker's heartbeat: not kept in the history.
        StudentUpload.objects.filter(pk=upload.pk).update(rows_done=done, rows_total=total, heartbeat_at=timezone.now())

    with upload.original_file.open("rb") as file:
        outcome = import_file(
            file, upload.original_name, upload.commune, user=upload.uploaded_by, upload=upload, progress=progress
        )
    return upload_outcome_record(upload, outcome)


def upload_outcome_record(upload: StudentUpload, outcome: ImportOutcome) -> StudentUpload:
    """Write what came of an import on its upload record (every import path calls this)."""
    read = outcome.read
    upload.refresh_from_db()
    upload.rows_total = read.row_count
    upload.rows_done = upload.rows_total
    upload.finished_at = timezone.now()
    upload.errors = [e.as_dict(STUDENT_COLUMNS) for e in read.errors]
    upload.error_count, upload.error_summary = len(read.errors), read.errors.summary(HEADERS)
    upload.message = " ".join([*(read.table.notices if read.table else []), read.file_error]).strip()
    if outcome.ok:
        saved = outcome.saved
        upload.status = StudentUpload.Status.IMPORTED
        upload.created_count, upload.updated_count = saved.created, saved.updated
        upload.unchanged_count, upload.held_count = saved.unchanged, saved.held
        upload.changes = saved.changes
    else:
        upload.status = StudentUpload.Status.UNREADABLE if read.table is None else StudentUpload.Status.INVALID
    upload.save()
    if upload.status == StudentUpload.Status.INVALID:
        upload_marked_up_save(upload, read)  # built here, by the worker, never in a request
    return upload


def annotated_file(upload: StudentUpload) -> bytes:
    """The uploader's own rows back as .xlsx, wrong cells red with a comment each."""
    with upload.original_file.open("rb") as file:
        table = read_table(file, upload.original_name, STUDENT_COLUMNS)
    headers = {c.header: c.key for c in STUDENT_COLUMNS}
    errors = [CellError(e["row"], headers.get(e["column"], ""), e["message"]) for e in upload.errors]
    return annotated_workbook(table, STUDENT_COLUMNS, errors)


# ---------------------------------------------------------------- schools

SCHOOL_COLUMNS = [
    Column("code", "Mã trường", ("ma", "ma so truong"), True),
    Column("name", "Tên trường", ("truong", "ten"), True),
    Column("level", "Cấp học", ("cap",), True),
    Column("commune", "Xã/Thị trấn", ("xa", "xa/thi tran", "dia ban", "thi tran"), True),
]


@dataclass
class SchoolImport:
    errors: list[CellError] = field(default_factory=list)
    file_error: str = ""
    created: int = 0
    updated: int = 0
    notices: list[str] = field(default_factory=list)


def import_school_file(file, filename: str) -> SchoolImport:
    """The district's school list, idempotent by school code; all or nothing."""
    result = SchoolImport()
    try:
        table = read_table(file, filename, SCHOOL_COLUMNS)
    except SpreadsheetError as exc:
        result.file_error = str(exc)
        return result
    result.notices = table.notices
    communes = {}
    for commune in Commune.objects.all():
        communes[commune.code] = communes[fold(commune.name)] = commune
        communes[fold(str(commune))] = commune
    rows, seen, numbered = [], {}, []
    for row in table.rows:
        values = row.values
        result.errors += formula_name_errors(row, ("name",))
        code = clean_text(values.get("code")).upper()
        typed = clean_text(values.get("name"))
        name = place_name(typed)
        level = LEVELS.get(fold(values.get("level")))
        commune = communes.get(fold(values.get("commune")))
        checks = [
            ("code", bool(code) and len(code) <= 20, _("The school code is missing or longer than 20 characters.")),
            ("name", bool(name) and len(name) <= 200, _("The school name is missing or longer than 200 characters.")),
            ("level", level is not None, _("Write Tiểu học, THCS or THPT.")),
            (
                "commune",
                commune is not None,
                _("No commune “%(name)s” in Vĩnh Tường.") % {"name": clean_text(values.get("commune"))},
            ),
        ]
        result.errors += [CellError(row.number, key, message) for key, ok, message in checks if not ok]
        if code in seen:
            result.errors.append(
                CellError(row.number, "code", _("The same school as row %(row)s.") % {"row": seen[code]})
            )
        seen[code] = row.number
        rows.append((code, name, level, commune, typed))
        numbered.append((row.number, code, name, commune))
    # Two schools of one name in one commune would leave pupils attached to either, silently.
    result.errors += name_clashes(numbered, school_key)
    if result.errors:
        return result
    with transaction.atomic():
        existing = School.objects.in_bulk([r[0] for r in rows], field_name="code")
        for code, name, level, commune, typed in rows:
            school = existing.get(code) or School(code=code)
            if school.pk and (school.name, school.level, school.commune_id) == (name, level, commune.pk):
                continue
            school.name, school.level, school.commune = name, level, commune
            if typed != name:  # the history keeps the name as typed
                school._change_reason = typed_note({str(_("School")): (typed, name)})
            result.updated += bool(school.pk)
            result.created += not school.pk
            school.save()
    return result
