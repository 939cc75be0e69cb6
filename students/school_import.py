"""The district's school list (`import_schools`, the school list page): read, checked, saved all or nothing.

Idempotent by school code; students/schools.py says which names clash.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from common.name_case import place_name, typed_note
from common.spreadsheets.reader import read_table
from common.spreadsheets.table import CellError, Column, SpreadsheetError
from common.text import clean_text, fold
from students.models import Commune, School
from students.name_cells import formula_name_errors
from students.pupil_columns import LEVELS, school_key
from students.schools import name_clashes

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
    communes: dict[str, Commune] = {}
    for each in Commune.objects.all():
        communes[each.code] = communes[fold(each.name)] = each
        communes[fold(str(each))] = each
    rows: list[tuple[str, str, Any, Commune | None, str]] = []
    seen: dict[str, int] = {}
    numbered: list[tuple[int, str, str, object]] = []
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
            if level is None or commune is None:  # never: a row without either is an error, and errors save nothing
                continue
            school = existing.get(code) or School(code=code)
            if school.pk and (school.name, school.level, school.commune_id) == (name, level, commune.pk):
                continue
            school.name, school.level, school.commune = name, level, commune
            if typed != name:  # the history keeps the name as typed
                note = typed_note({str(_("School")): (typed, name)})
                school._change_reason = note  # type: ignore[attr-defined]
            result.updated += bool(school.pk)
            result.created += not school.pk
            school.save()
    return result
