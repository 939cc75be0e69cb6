"""Hamlets: the pupil side of a merge, and the import of a hamlet list."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from common.name_case import place_name, typed_note
from common.spreadsheets.import_limits import ErrorList, error_dicts
from common.spreadsheets.reader import read_table
from common.spreadsheets.table import CellError, Column, SpreadsheetError
from common.text import clean_text, fold
from students.models import VIEW_ALL_COMMUNES, Commune, Hamlet, Student, profile_commune_id
from students.name_cells import formula_name_errors

if TYPE_CHECKING:
    from _typeshed import SupportsRead
from common.request_deadline import Deadline, DeadlinePassed


def hamlet_pupils_move(*, source: Hamlet, target: Hamlet) -> int:
    """Move every pupil of `source` to `target`; the caller holds the transaction (and the merge)."""
    if source.commune_id != target.commune_id:
        raise ValidationError(_("Only hamlets of the same commune can be merged."), code="other_commune")
    pupils = list(Student.objects.filter(hamlet=source).order_by("pk"))
    for pupil in pupils:
        pupil.hamlet = target
    if pupils:
        bulk_update_with_history(
            pupils,
            Student,
            ["hamlet"],
            batch_size=500,
            default_change_reason=_("Hamlet merged into %(hamlet)s") % {"hamlet": target.name},
        )
    return len(pupils)


def communes_open_for_hamlets(user: User | AnonymousUser) -> QuerySet[Commune]:
    """Communes where the user may add hamlets: every one for the office, their own for a commune."""
    if not (user.is_authenticated and user.has_perm("students.add_hamlet")):
        return Commune.objects.none()
    if user.has_perm(VIEW_ALL_COMMUNES):
        return Commune.objects.all()
    commune_id = profile_commune_id(user)
    return Commune.objects.filter(pk=commune_id) if commune_id else Commune.objects.none()


HAMLET_COLUMNS = (
    Column("commune", "Xã/Thị trấn", aliases=("Xã", "Mã xã", "Xã/Phường/Thị trấn", "Đơn vị"), required=True),
    Column("hamlet", "Thôn/Xóm", aliases=("Thôn", "Tên thôn", "Thôn/Xóm/Tổ dân phố", "Tổ dân phố"), required=True),
)
_COMMUNE_PREFIXES = ("thi tran ", "xa ", "tt ")


def _commune_key(value: str) -> str:
    key = fold(value)
    for prefix in _COMMUNE_PREFIXES:
        if key.startswith(prefix):
            return key.removeprefix(prefix)
    return key


@dataclass
class HamletImportResult:
    created: int = 0
    existing: int = 0
    errors: list[dict[str, object]] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def hamlets_import(
    *, file: SupportsRead[bytes], filename: str, communes: QuerySet[Commune], deadline: Deadline | None = None
) -> HamletImportResult:
    """Add the hamlets of a list to the given communes; a name already there (any case or accent) is kept.

    All or nothing: one wrong row, or the list passing its time budget (REQUEST_IMPORT_SECONDS),
    and nothing is saved.
    """
    deadline = deadline or Deadline()
    try:
        return _hamlets_import(file, filename, communes, deadline)
    except DeadlinePassed as passed:
        return HamletImportResult(errors=[{"row": "", "column": "", "message": str(passed)}])


def _hamlets_import(
    file: SupportsRead[bytes], filename: str, communes: QuerySet[Commune], deadline: Deadline
) -> HamletImportResult:
    result = HamletImportResult()
    try:
        table = read_table(file, filename, HAMLET_COLUMNS, max_rows=settings.REQUEST_IMPORT_MAX_ROWS)
    except SpreadsheetError as error:
        result.errors = [{"row": "", "column": "", "message": str(error)}]
        return result
    result.notices = table.notices
    by_key: dict[str, Commune] = {}
    for each in communes:
        by_key[each.code] = each
        by_key[_commune_key(each.name)] = each
    known = {(h.commune_id, fold(h.name)) for h in Hamlet.objects.filter(commune__in=communes)}
    errors: list[CellError] = ErrorList()  # the first IMPORT_ERRORS_KEPT shown, the others counted
    new: list[Hamlet] = []
    for row in deadline.rows(table.rows):
        commune_value = clean_text(row.values.get("commune"))
        typed = clean_text(row.values.get("hamlet"))
        name = place_name(typed)
        commune = by_key.get(commune_value) or by_key.get(_commune_key(commune_value))
        if commune is None:
            errors.append(
                CellError(
                    row.number, "commune", _("Unknown commune, or not yours: %(value)s") % {"value": commune_value}
                )
            )
            continue
        if not name:
            errors.append(CellError(row.number, "hamlet", _("The hamlet's name is missing.")))
            continue
        if formula_names := formula_name_errors(row, ("hamlet",)):
            errors += formula_names
            continue
        if len(name) > (Hamlet._meta.get_field("name").max_length or len(name)):
            errors.append(CellError(row.number, "hamlet", _("The hamlet's name is too long.")))
            continue
        key = (commune.pk, fold(name))
        if key in known:
            result.existing += 1
            continue
        known.add(key)
        hamlet = Hamlet(commune=commune, name=name)
        if typed != name:  # the history keeps the name as typed
            hamlet._change_reason = f"{_('Hamlet list imported')}; {typed_note({str(_('Hamlet')): (typed, name)})}"  # type: ignore[attr-defined]
        new.append(hamlet)
    if errors:
        result.existing = 0
        result.errors = error_dicts(errors, HAMLET_COLUMNS)
        return result
    with deadline.atomic():
        bulk_create_with_history(new, Hamlet, default_change_reason=_("Hamlet list imported"))
    result.created = len(new)
    return result
