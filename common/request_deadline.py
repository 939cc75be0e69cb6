"""A time budget for the imports that run while the browser waits (hamlet, SIM and donation lists).

Such an import is bounded in rows (REQUEST_IMPORT_MAX_ROWS) and, so that no file
can hold a web worker past gunicorn's timeout (deploy/gunicorn.conf.py), in time:
past REQUEST_IMPORT_SECONDS it stops with a Vietnamese message and, all or
nothing as ever, saves nothing. On PostgreSQL a single statement is also held to
what is left of the budget (SET LOCAL statement_timeout), so one slow query
cannot outrun it either.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.utils.translation import gettext as _

T = TypeVar("T")
_EVERY = 100  # rows between two looks at the clock


class DeadlinePassed(Exception):
    """The import passed its time budget; raised inside the transaction, so nothing is kept."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        super().__init__(deadline_message(seconds))


def deadline_message(seconds: float) -> str:
    return _(
        "Checking and saving this list took longer than %(seconds)s seconds, so it was stopped and nothing was "
        "saved. Split the list into smaller files and import them one after another."
    ) % {"seconds": f"{seconds:g}"}


class Deadline:
    """Ends `seconds` after it is made (REQUEST_IMPORT_SECONDS by default); `clock` is for tests."""

    def __init__(self, seconds: float | None = None, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = settings.REQUEST_IMPORT_SECONDS if seconds is None else seconds
        self.clock = clock
        self.ends = clock() + self.seconds

    def left(self) -> float:
        return self.ends - self.clock()

    def check(self) -> None:
        if self.left() <= 0:
            raise DeadlinePassed(self.seconds)

    def rows(self, rows: Iterable[T]) -> Iterator[T]:
        """The rows, with a look at the clock every hundred."""
        for number, row in enumerate(rows):
            if number % _EVERY == 0:
                self.check()
            yield row

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """transaction.atomic(), rolled back when the budget runs out inside it (checked once more at its end)."""
        self.check()
        try:
            with transaction.atomic():
                before = self._statement_timeout_set()
                yield
                self.check()
                if before is not None:  # the caller's own transaction goes on with its own limit
                    with connection.cursor() as cursor:
                        cursor.execute("SELECT set_config('statement_timeout', %s, true)", [before])
        except OperationalError as error:
            if _query_cancelled(error):
                raise DeadlinePassed(self.seconds) from error
            raise

    def _statement_timeout_set(self) -> str | None:
        """On PostgreSQL, hold each statement to the time left; returns the limit it replaced."""
        if connection.vendor != "postgresql":
            return None
        with connection.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            before = cursor.fetchone()[0]
            milliseconds = max(int(self.left() * 1000), 1)
            cursor.execute("SELECT set_config('statement_timeout', %s, true)", [f"{milliseconds}ms"])
        return str(before)


def _query_cancelled(error: OperationalError) -> bool:
    """PostgreSQL's query_canceled (57014), which statement_timeout raises."""
    cause = error.__cause__
    return getattr(cause, "sqlstate", None) == "57014" or getattr(cause, "pgcode", None) == "57014"
