"""Numbers, dates and table cells as the 30/9 report's documents print them: 1.500.000 đồng, 12,5%, 30/09/2021."""

from __future__ import annotations

from datetime import date, datetime

from django.utils.translation import gettext as _

from reports.documents.tables import COUNT, DAY, MOMENT, MONEY, PERCENT, TEXT, Table


def number(value: int) -> str:
    """1500000 → '1.500.000'."""
    return f"{value:,}".replace(",", ".")


def money(value: int) -> str:
    return f"{number(value)} đồng"


def percent(value: float) -> str:
    """12.5 → '12,5%'; 60.0 → '60%'."""
    text = f"{value:.1f}".replace(".", ",")
    return (text[:-2] if text.endswith(",0") else text) + "%"


def day(value: date) -> str:
    return f"{value:%d/%m/%Y}"


def deadline(value: datetime) -> str:
    """'22/09/2021', or '17:00 ngày 22/09/2021' when the deadline is not the end of the day."""
    if (value.hour, value.minute) in ((23, 59), (0, 0)):
        return day(value)
    return _("%(time)s on %(day)s") % {"time": f"{value:%H:%M}", "day": day(value)}


def cell(value, kind: str) -> str:
    """A table value as the documents print it."""
    if value is None or value == "":
        return ""
    if kind == COUNT:
        return number(value)
    if kind == MONEY:
        return number(value)
    if kind == PERCENT:
        return percent(value)
    if kind == DAY:
        return day(value)
    if kind == MOMENT:
        return f"{value:%H:%M} {day(value)}"
    return str(value)


def cells(table: Table) -> tuple[list[list[str]], list[str] | None]:
    """The table's rows and total as the documents print them."""

    def words(values: tuple) -> list[str]:
        return [cell(value, column.kind) for column, value in zip(table.columns, values, strict=True)]

    return [words(values) for values in table.rows], (words(table.total) if table.total else None)


def aligns(table: Table) -> list[str]:
    """Text left, figures right, the row number centred."""
    return [
        "LEFT" if column.kind == TEXT else ("CENTER" if index == 0 and column.kind == COUNT else "RIGHT")
        for index, column in enumerate(table.columns)
    ]
