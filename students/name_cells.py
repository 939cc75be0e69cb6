"""A name that a spreadsheet would take for a formula (= + - @, a tab) is never a name.

Pupils' and guardians' names already allow letters only; these are the other
columns that name something and become a record: hamlets, schools, donors.
The raw cell is looked at, before cleaning removes a leading tab.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from common.spreadsheets.table import CellError, Row

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def starts_like_formula(value) -> bool:
    return isinstance(value, str) and value.lstrip(" \u00a0")[:1] in FORMULA_STARTS and value.strip() != ""


def formula_name_errors(row: Row, keys: Iterable[str]) -> list[CellError]:
    """One error per column of `keys` whose cell in `row` starts like a formula."""
    errors = []
    for key in keys:
        position = row.positions.get(key)
        if position is not None and position < len(row.cells) and starts_like_formula(row.cells[position]):
            errors.append(
                CellError(
                    row.number,
                    key,
                    _("A name cannot start with =, +, -, @ or a tab: a spreadsheet would take it for a formula."),
                )
            )
    return errors
