"""The operator's round trip: export an offer's places, get them back with SIM numbers and activation.

The export carries what an operator needs to hand a SIM to a family and no
more: the place's number, the pupil's record number, school, class, commune
and hamlet, and the guardian's name and phone — no pupil name, birth date or
personal ID. It is only ever given to the offer's own provider (and the office).
The import is all or nothing: any wrong row and nothing is saved.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db import IntegrityError, connection
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from common.parsers import parse_date, parse_int, parse_yes
from common.phones import parse_phone
from common.request_deadline import Deadline, DeadlinePassed
from common.spreadsheets.import_limits import ErrorList, error_dicts
from common.spreadsheets.reader import read_table
from common.spreadsheets.table import CellError, Column, SpreadsheetError
from telecom.exports import safe_text
from telecom.models import ConnectivityOffer, SimAssignment

COLUMNS = (
    Column("assignment", "Mã suất", aliases=("Ma suat", "Mã phân bổ"), required=True),
    Column("pupil", "Mã hồ sơ học sinh"),
    Column("school", "Trường"),
    Column("class_name", "Lớp"),
    Column("commune", "Xã/Thị trấn"),
    Column("hamlet", "Thôn/Xóm"),
    Column("guardian", "Họ tên phụ huynh"),
    Column("phone", "SĐT phụ huynh"),
    Column("sim", "Số thuê bao SIM", aliases=("Số SIM", "SIM", "Số thuê bao")),
    Column("activated", "Đã kích hoạt", aliases=("Kích hoạt",)),
    Column("activated_on", "Ngày kích hoạt"),
)
EDITABLE_FILL = PatternFill("solid", fgColor="FFF2CC")


def sim_workbook(offer: ConnectivityOffer) -> Workbook:
    assignments = (
        SimAssignment.objects.for_operator()
        .filter(offer=offer)
        .select_related("student__school", "student__commune", "student__hamlet")
        .order_by("student__commune__code", "student__hamlet__name", "pk")
    )
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "SIM"
    sheet.append([safe_text(column.header) for column in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for a in assignments:
        s = a.student
        sheet.append(
            [
                a.pk,
                s.pk,
                safe_text(s.school.name),
                safe_text(s.class_name),
                safe_text(s.commune.name),
                safe_text(s.hamlet.name if s.hamlet else ""),
                safe_text(s.guardian_name),
                safe_text(s.guardian_phone),
                safe_text(a.sim_number),
                "có" if a.status == SimAssignment.Status.ACTIVATED else "",
                a.activated_on,
            ]
        )
        sheet.cell(row=sheet.max_row, column=11).number_format = "DD/MM/YYYY"
        for column in (9, 10, 11):
            sheet.cell(row=sheet.max_row, column=column).fill = EDITABLE_FILL
    widths = [10, 12, 30, 8, 20, 20, 26, 14, 16, 12, 14]
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A2"
    return workbook


@dataclass
class SimImportResult:
    updated: int = 0
    unchanged: int = 0
    errors: list[dict] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)  # legacy fonts converted by the reader

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class _Change:
    assignment: SimAssignment
    sim: str
    activated: bool
    activated_on: date | None


def _parse_rows(offer, table, assignments, errors, deadline: Deadline) -> list[_Change]:
    changes: list[_Change] = []
    seen_ids: dict[int, int] = {}
    seen_sims: dict[str, int] = {}
    today = timezone.localdate()
    for row in deadline.rows(table.rows):
        values = row.values

        def fail(column: str, message: str, row=row) -> None:
            errors.append(CellError(row.number, column, message))

        try:
            assignment_id = parse_int(values.get("assignment"))
        except ValueError as error:
            fail("assignment", str(error))
            continue
        assignment = assignments.get(assignment_id)
        if assignment is None:
            fail("assignment", _("No active place number %(id)s on this offer.") % {"id": assignment_id})
            continue
        if assignment_id in seen_ids:
            fail(
                "assignment",
                _("Place %(id)s is also on row %(row)s.") % {"id": assignment_id, "row": seen_ids[assignment_id]},
            )
            continue
        seen_ids[assignment_id] = row.number
        sim = ""
        if values.get("sim") not in (None, ""):
            try:
                sim = parse_phone(values["sim"])
            except ValueError as error:
                fail("sim", str(error))
                continue
            if sim in seen_sims:
                fail(
                    "sim",
                    _("SIM %(sim)s is also on row %(row)s: a SIM serves one pupil.")
                    % {"sim": sim, "row": seen_sims[sim]},
                )
                continue
            seen_sims[sim] = row.number
        try:
            activated = parse_yes(values.get("activated"))
        except ValueError as error:
            fail("activated", str(error))
            continue
        activated_on = None
        if activated:
            if offer.is_sim and not sim:
                fail("sim", _("An activated SIM needs its number."))
                continue
            if values.get("activated_on") not in (None, ""):
                try:
                    activated_on = parse_date(values["activated_on"])
                except ValueError as error:
                    fail("activated_on", str(error))
                    continue
                if activated_on > today:
                    fail("activated_on", _("The activation date is in the future."))
                    continue
            else:
                activated_on = assignment.activated_on or today
        changes.append(_Change(assignment, sim, activated, activated_on))
    return changes


def _check_sims_free(changes: list[_Change], table, errors) -> None:
    """A SIM number may not already serve a pupil outside this file's rows."""
    in_file = {c.assignment.pk for c in changes}
    sims = {c.sim: c for c in changes if c.sim}
    taken = (
        SimAssignment.objects.active()
        .filter(sim_number__in=list(sims))
        .exclude(pk__in=in_file)
        .values_list("sim_number", flat=True)
    )
    rows_by_id: dict[int, int] = {}
    for row in table.rows:
        try:
            rows_by_id.setdefault(parse_int(row.values.get("assignment")), row.number)
        except ValueError:
            continue
    for sim in taken:
        change = sims[sim]
        errors.append(
            CellError(
                rows_by_id.get(change.assignment.pk, 0),
                "sim",
                _("SIM %(sim)s already serves another pupil.") % {"sim": sim},
            )
        )


_BATCH = 500


def _batches(rows: list, deadline: Deadline) -> Iterator[list]:
    """`rows` in slices of _BATCH, with a look at the clock before each."""
    for start in range(0, len(rows), _BATCH):
        deadline.check()
        yield rows[start : start + _BATCH]


_SET = "sim_number = v.sim, status = v.status, activated_on = CAST(v.day AS date)"


def _update(places: list[SimAssignment], deadline: Deadline, *, reason: str | None) -> None:
    """Write the places' SIM, status and activation date, with their history, a batch at a time.

    On PostgreSQL one UPDATE … FROM (VALUES …) per batch: Django's bulk_update builds a CASE per row
    and field, which took most of a minute for 10,000 places (bench/bench_request_imports.py).
    """
    fields = ["sim_number", "status", "activated_on"]
    table = connection.ops.quote_name(SimAssignment._meta.db_table)
    for batch in _batches(places, deadline):
        if connection.vendor != "postgresql":
            SimAssignment.objects.bulk_update(batch, fields)
        else:
            rows = ", ".join(["(%s, %s, %s, %s)"] * len(batch))  # placeholders only; the table name is ours
            sql = f"UPDATE {table} SET {_SET} FROM (VALUES {rows}) AS v(id, sim, status, day) WHERE {table}.id = v.id"  # noqa: S608  # nosec B608
            with connection.cursor() as cursor:
                cursor.execute(sql, [v for a in batch for v in (a.pk, a.sim_number, a.status, a.activated_on)])
        SimAssignment.history.bulk_history_create(batch, update=True, default_change_reason=reason or "")


def _apply(changes: list[_Change], deadline: Deadline) -> tuple[int, int]:
    updated = unchanged = 0
    dirty = []
    for change in changes:
        a = change.assignment
        status = SimAssignment.Status.ACTIVATED if change.activated else SimAssignment.Status.PENDING
        new = (change.sim, status, change.activated_on if change.activated else None)
        if (a.sim_number, a.status, a.activated_on) == new:
            unchanged += 1
            continue
        dirty.append((a, new))
    # Clear first so that two SIMs swapped between rows never collide midway; each pass is a few
    # statements (500 rows each, with their history), so a 10,000-row list stays well inside its budget.
    cleared = [a for a, _new in dirty if a.sim_number]
    for a in cleared:
        a.sim_number = ""
    _update(cleared, deadline, reason=None)
    for a, (sim, status, activated_on) in dirty:
        a.sim_number, a.status, a.activated_on = sim, status, activated_on
    changed = [a for a, _new in dirty]
    _update(changed, deadline, reason=_("SIM list imported"))
    updated = len(changed)
    return updated, unchanged


def sim_import(*, offer: ConnectivityOffer, file, filename: str, deadline: Deadline | None = None) -> SimImportResult:
    """All or nothing: a wrong row, or the list passing its time budget (REQUEST_IMPORT_SECONDS), saves nothing."""
    deadline = deadline or Deadline()
    result = SimImportResult()
    try:
        table = read_table(file, filename, COLUMNS, max_rows=settings.REQUEST_IMPORT_MAX_ROWS)
    except SpreadsheetError as error:
        result.errors = [{"row": "", "column": "", "message": str(error)}]
        return result
    result.notices = table.notices
    errors: list[CellError] = []
    try:
        with deadline.atomic():
            assignments = {
                a.pk: a
                for a in SimAssignment.objects.for_operator()
                .select_for_update(of=("self",))
                .filter(offer=offer)
                .order_by("pk")
            }
            changes = _parse_rows(offer, table, assignments, errors, deadline)
            if not errors:
                _check_sims_free(changes, table, errors)
            if errors:
                raise _Rollback
            result.updated, result.unchanged = _apply(changes, deadline)
    except _Rollback:
        pass
    except DeadlinePassed as passed:
        return SimImportResult(errors=[{"row": "", "column": "", "message": str(passed)}], notices=result.notices)
    except IntegrityError:
        errors.append(CellError(0, "sim", _("A SIM number in the file was just given to another pupil; try again.")))
    if errors:
        result.updated = result.unchanged = 0
        result.errors = error_dicts(ErrorList(sorted(errors, key=lambda e: e.row)), COLUMNS)
    return result


class _Rollback(Exception):
    """Nothing of a file with errors is kept."""
