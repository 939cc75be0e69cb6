"""The district's school list: one name per school within a commune, and the template staff fill in.

`import_school_file` (students/school_import.py) reads the list, all or nothing; this module says which
rows clash by name, so that pupils never attach silently to one of two schools of the same name.
"""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from common.spreadsheets.table import CellError
from students.models import School


def name_clashes(rows: list[tuple[int, str, str, object]], key) -> list[CellError]:
    """Rows (number, code, name, commune) naming a second school of the same name in one commune,
    in the file or already in the district; the same code is the same school (updated, not refused)."""
    codes_in_file = {code for _number, code, _name, _commune in rows}
    taken: dict[tuple[int, str], str] = {}
    for school in School.objects.exclude(code__in=codes_in_file).only("code", "name", "commune_id"):
        taken[(school.commune_id, key(school.name))] = school.code
    errors, seen = [], {}
    for number, code, name, commune in rows:
        if commune is None or not name:
            continue
        slot = (commune.pk, key(name))
        if slot in taken:
            errors.append(
                CellError(
                    number,
                    "name",
                    _("%(commune)s already has a school of this name (code %(code)s); use that code to update it.")
                    % {"commune": commune, "code": taken[slot]},
                )
            )
        elif slot in seen:
            first_number, first_code = seen[slot]
            errors.append(
                CellError(
                    number,
                    "name",
                    _(
                        "The same name as row %(row)s (code %(code)s) in the same commune: "
                        "two schools of one commune cannot have the same name."
                    )
                    % {"row": first_number, "code": first_code},
                )
            )
        else:
            seen[slot] = (number, code)
    return errors


def school_template(columns) -> bytes:
    """An empty school list with its headers, as the import reads it."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Schools")[:31]
    for position, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=position, value=column.header)
        cell.font = Font(bold=True)
        sheet.column_dimensions[cell.column_letter].width = 30
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
