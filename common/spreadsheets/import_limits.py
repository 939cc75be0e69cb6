"""Errors of an import, bounded: the first IMPORT_ERRORS_KEPT in full, the rest counted by column and reason.

A 400,000-row file with every row wrong must not become millions of objects,
a 90 MB page or millions of printed lines; the uploader needs the first errors
and a count of what else is wrong.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any, Self

from django.conf import settings
from django.utils.translation import gettext as _

from common.spreadsheets.table import CellError, Column

# The part of a message that names the value ("“abc” is not a date", "the same pupil as row 7").
_SPECIFIC = re.compile(r"“[^”]*”|\d+")


def reason_of(message: str) -> str:
    """A message without the value it names, so the same mistake on many rows counts as one reason."""
    return " ".join(_SPECIFIC.sub(lambda m: "“…”" if m[0].startswith("“") else "…", message).split())


class ErrorList(list[CellError]):
    """A list of CellError that keeps the first `keep` and counts the others by (column, reason).

    len() is the number of errors found, kept or not, so code that compares lengths
    ("did this row add an error?") and `not errors` keep their meaning.
    """

    def __init__(self, errors: Iterable[CellError] = (), *, keep: int | None = None) -> None:
        super().__init__()
        self.keep = settings.IMPORT_ERRORS_KEPT if keep is None else keep
        self.total = 0
        self.more: Counter[tuple[str, str]] = Counter()
        self.extend(errors)

    def append(self, error: CellError) -> None:
        self.total += 1
        if list.__len__(self) < self.keep:
            super().append(error)
        else:
            self.more[(error.column, reason_of(error.message))] += 1

    def extend(self, errors: Iterable[CellError]) -> None:
        for error in errors:
            self.append(error)

    def __iadd__(self, errors: Iterable[CellError]) -> Self:  # type: ignore[misc,override]  # list + list stays a list
        self.extend(errors)
        return self

    def __len__(self) -> int:
        return self.total

    def summary(self, headers: dict[str, str]) -> list[dict[str, Any]]:
        """The errors not kept: [{"column", "message", "count"}], the most frequent first."""
        return [
            {"column": headers.get(column, ""), "message": reason, "count": count}
            for (column, reason), count in self.more.most_common()
        ]


def error_dicts(errors: Iterable[CellError], columns: Sequence[Column]) -> list[dict[str, Any]]:
    """Errors as the pages show them: each kept one, then one line per column and reason counted."""
    headers = {c.key: c.header for c in columns}
    shown = [error.as_dict(columns) for error in errors]
    if isinstance(errors, ErrorList):
        shown += [
            {"row": "…", "column": item["column"], "message": _("%(count)s more rows: %(reason)s")
             % {"count": item["count"], "reason": item["message"]}}
            for item in errors.summary(headers)
        ]  # fmt: skip
    return shown


def errors_summarised(errors: Sequence[dict[str, Any]], summary: Sequence[dict[str, Any]] = ()) -> list[str]:
    """Lines for the command line: each kept error, then the count of the others by column and reason."""
    lines = [
        _("Row %(row)s, column %(column)s: %(message)s") % {**item, "column": item["column"] or "—"} for item in errors
    ]
    if summary:
        lines.append(
            _("… and %(count)s more errors, by column and reason:") % {"count": sum(s["count"] for s in summary)}
        )
        lines += [f"  {item['count']} × {item['column'] or '—'}: {item['message']}" for item in summary]
    return lines
