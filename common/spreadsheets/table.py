"""What reading a list gives: the table, its rows and columns, and the errors found in its cells."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from common.text import clean_str, fold

_SPACES = re.compile(r"\s+")


class SpreadsheetError(Exception):
    """The file as a whole cannot be used; the message is for the user."""


def fold_header(value: Any) -> str:
    """A header as it is matched: folded, without '(…)', '*' or ':'."""
    text = fold(value)
    text = re.sub(r"\(.*?\)|\*|:", " ", text)
    return _SPACES.sub(" ", text).strip(" .")


def clean_cell(value: Any) -> Any:
    """A cell's value as the importers get it: cleaned text or None, whole floats as int."""
    if isinstance(value, str):
        return clean_str(value) or None
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    if value == "":
        return None
    return value


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    aliases: tuple[str, ...] = ()
    required: bool = False

    def folded_names(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(fold_header(name) for name in (self.header, *self.aliases)))


@dataclass
class Row:
    """A data row: its Excel number and its values by column key."""

    number: int
    cells: list[Any] = field(repr=False)
    positions: dict[str, int] = field(repr=False)

    @property
    def values(self) -> dict[str, Any]:
        cells = self.cells
        return {key: clean_cell(cells[i] if i < len(cells) else None) for key, i in self.positions.items()}


@dataclass
class Table:
    rows: list[Row]
    header_row: int
    column_numbers: dict[str, int]
    sheet_name: str = ""
    # Every row as read, title rows included, for the annotated copy.
    grid: list[list[Any]] = field(default_factory=list, repr=False)
    # What the reader did to the file, for the uploader ("Tệp dùng bảng mã TCVN3, đã chuyển sang Unicode").
    notices: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class CellError:
    row: int
    column: str
    message: str

    def as_dict(self, columns: Sequence[Column]) -> dict[str, Any]:
        headers = {c.key: c.header for c in columns}
        return {"row": self.row, "column": headers.get(self.column, ""), "message": self.message}
