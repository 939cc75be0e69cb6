"""Inserting many rows and their history fast, for list imports.

Django's bulk_create prepares every value through the field API and, on
SQLite, splits inserts into batches of ~38 rows; for a 100,000-row pupil list
that was most of the import's time (bench/bench_pupil_import.py). Here each
column is adapted once per value with the backend's own adapters and rows go
out through COPY (PostgreSQL) or one executemany (SQLite). The
historical rows are the ones django-simple-history would write ("+", who,
when), so the audit trail is the same as with the ORM.
"""

from __future__ import annotations

import io
import json
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from operator import itemgetter
from typing import Any

from django.db import connection, models
from django.utils import timezone

_COPY_PAGE = 20_000


def _converter(field: models.Field[Any, Any]) -> Callable[[Any], Any] | None:
    kind = field.get_internal_type()
    if kind == "DateTimeField":
        return connection.ops.adapt_datetimefield_value
    if kind == "DateField":
        return connection.ops.adapt_datefield_value
    if kind == "JSONField":
        return lambda value: json.dumps(value, ensure_ascii=False)
    return None


_Column = tuple[str, str, Callable[[Any], Any] | None]  # attname, database column, adapter


def _columns(model: type[models.Model], skip: Sequence[str] = ()) -> list[_Column]:
    return [
        (field.attname, _column(field), _converter(field))
        for field in model._meta.concrete_fields
        if field.attname not in skip
    ]


def _allocate_ids(model: type[models.Model], count: int) -> list[int]:
    table = model._meta.db_table
    pk = model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, pk, count]
            )
            return [row[0] for row in cursor.fetchall()]
        # SQLite: the import holds the database's write lock, so max + 1 onwards is ours.
        cursor.execute(f'SELECT COALESCE(MAX("{pk}"), 0) FROM "{table}"')  # noqa: S608  # nosec B608  # names from the model
        start = cursor.fetchone()[0] + 1
        return list(range(start, start + count))


def _copy_formatter(field: models.Field[Any, Any]) -> Callable[[Any], str]:
    """Writes one column's values in PostgreSQL's COPY text format."""
    kind = field.get_internal_type()

    def escape(text: str) -> str:
        if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
            text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
        return text

    if kind == "JSONField":
        return lambda value: "\\N" if value is None else escape(json.dumps(value, ensure_ascii=False))
    if kind == "BooleanField":
        return lambda value: "\\N" if value is None else ("t" if value else "f")
    if kind in ("DateField", "DateTimeField"):
        return lambda value: "\\N" if value is None else value.isoformat()
    if kind in ("CharField", "TextField", "SlugField", "EmailField"):
        return lambda value: "\\N" if value is None else escape(value)
    return lambda value: "\\N" if value is None else str(value)


_Send = Callable[[str, list[str], list[str]], None]  # (table, columns, lines in COPY's text format)


def _copy_statement(table: str, columns: list[str]) -> str:
    names = ", ".join(f'"{c}"' for c in columns)
    return f'COPY "{table}" ({names}) FROM STDIN'


def _copy_payload(lines: list[str]) -> bytes:
    return ("\n".join(lines) + "\n").encode()


class _BackgroundCopies:
    """Sends COPY statements in order from a thread of its own while the caller builds the next batch.

    psycopg2 lets go of the GIL while libpq sends a batch and waits for the server, so PostgreSQL
    parses, checks and indexes one batch on its core while Python prepares the next on the other:
    a 100,000-row pupil list spent 2.4 s waiting on its COPYs (bench import_memory). The caller
    touches the connection again only after `close()` (psycopg2's connection lock would make it
    wait, not break). At most `in_flight` statements wait, so the text of every batch is never held.
    """

    def __init__(self, in_flight: int = 2):
        connection.ensure_connection()
        self._raw = connection.connection
        self._in_flight = in_flight
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="copy")
        self._sent: deque[Future[None]] = deque()

    def __call__(self, table: str, columns: list[str], lines: list[str]) -> None:
        while len(self._sent) >= self._in_flight:
            self._result(self._sent.popleft())
        self._sent.append(self._executor.submit(self._copy, _copy_statement(table, columns), _copy_payload(lines)))

    def _copy(self, statement: str, payload: bytes) -> None:
        # One read of the whole payload: psycopg2 reads its file 8 KB at a time by default, each read
        # a call into Python that, from this thread, waited for the GIL (up to 5 ms) every time.
        with self._raw.cursor() as cursor:
            cursor.copy_expert(statement, io.BytesIO(payload), size=max(len(payload), 1))

    @staticmethod
    def _result(sent: Future[None]) -> None:
        # Django wraps execute() but not copy_expert(): without the wrapper a unique violation would
        # escape as psycopg2's IntegrityError, which callers' `except django.db.IntegrityError` miss.
        with connection.wrap_database_errors:
            sent.result()

    def close(self) -> None:
        """Wait for every statement sent; the first that failed raises (as Django's error)."""
        self._executor.shutdown(wait=True)
        while self._sent:
            self._result(self._sent.popleft())

    def abandon(self) -> None:
        """After the caller's error: wait for the statements sent, whose own errors (the transaction
        aborted by the first) would only hide it."""
        self._executor.shutdown(wait=True)
        self._sent.clear()


def _insert(model: type[models.Model], columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    table = model._meta.db_table
    names = ", ".join(f'"{c}"' for c in columns)
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    with connection.cursor() as cursor:
        cursor.executemany(f'INSERT INTO "{table}" ({names}) VALUES {one}', rows)  # noqa: S608  # nosec B608  # names from the model


def _column(field: models.Field[Any, Any]) -> str:
    """A concrete field's database column (only a field with no column of its own has None)."""
    if field.column is None:
        raise TypeError(f"{field} has no database column")
    return field.column


def _history_model(model: type[models.Model]) -> type[models.Model]:
    """The historical model django-simple-history registered for `model`."""
    history: type[models.Model] = model.history.model  # type: ignore[attr-defined]  # added by HistoricalRecords
    return history


_HISTORY_FIELDS = ("history_id", "history_date", "history_change_reason", "history_type", "history_user_id")


def _insert_with_history_copy(
    model: type[models.Model],
    rows: list[dict[str, Any]],
    user_id: int | None,
    reason: str,
    row_reasons: Sequence[str] | None,
    send: _Send,
) -> None:
    """PostgreSQL: both tables through COPY, formatted a column at a time (see `_copy_column`)."""
    fields = list(model._meta.concrete_fields)
    history = _history_model(model)
    tracked = [f for f in history._meta.concrete_fields if f.attname not in _HISTORY_FIELDS]
    position = {f.attname: i for i, f in enumerate(fields)}
    order = [position[f.attname] for f in tracked]
    now, user, default_reason = timezone.now().isoformat(), _copy_text_or_null(user_id), _copy_text_or_null(reason)
    main_columns = [_column(f) for f in fields]
    history_columns = [_column(f) for f in tracked] + list(_HISTORY_FIELDS[1:])
    # Formatted and sent a page at a time, so the text of 100,000 rows never sits in memory at once.
    for start in range(0, len(rows), _COPY_PAGE):
        page = rows[start : start + _COPY_PAGE]
        count = len(page)
        texts = [_copy_column(field, list(map(itemgetter(field.attname), page))) for field in fields]
        send(model._meta.db_table, main_columns, list(map("\t".join, zip(*texts, strict=True))))
        if row_reasons:
            reasons = [_copy_text_or_null(r) if r else default_reason for r in row_reasons[start : start + count]]
        else:
            reasons = [default_reason] * count
        history_texts = [texts[i] for i in order] + [[now] * count, reasons, ["+"] * count, [user] * count]
        send(history._meta.db_table, history_columns, list(map("\t".join, zip(*history_texts, strict=True))))


_TEXT_KINDS = frozenset({"CharField", "TextField", "SlugField", "EmailField"})
_INTEGER_KINDS = frozenset(
    {"AutoField", "BigAutoField", "IntegerField", "BigIntegerField", "PositiveIntegerField", "ForeignKey"}
)
_BOOLEAN_TEXT = {True: "t", False: "f", None: "\\N"}


def _copy_column(field: models.Field[Any, Any], values: list[Any]) -> list[str]:
    """A column's values in COPY's text format, whole columns at C speed where their values allow it:
    a column with one value (the import's commune, its time), booleans, integers, and text that
    holds nothing to escape (checked once on the whole column). The rest goes a value at a time."""
    count = len(values)
    if not count:
        return []
    kind = field.get_internal_type()
    if values.count(values[0]) == count:
        return [_copy_formatter(field)(values[0])] * count
    if kind == "BooleanField" and all(v is None or v.__class__ is bool for v in values):
        return list(map(_BOOLEAN_TEXT.__getitem__, values))
    if None not in values:
        if kind in _TEXT_KINDS and all(v.__class__ is str for v in values):
            joined = "\n".join(values)
            if joined.count("\n") == count - 1 and "\\" not in joined and "\t" not in joined and "\r" not in joined:
                return values
        elif kind in _INTEGER_KINDS and all(v.__class__ is int for v in values):
            return list(map(str, values))
    return list(map(_copy_formatter(field), values))


def _copy_text_or_null(value: Any) -> str:
    return "\\N" if value in (None, "") else str(value).replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")


def insert_with_history(
    model: type[models.Model],
    rows: list[dict[str, Any]],
    *,
    user_id: int | None = None,
    reason: str = "",
    row_reasons: Sequence[str] | None = None,
) -> list[int]:
    """Insert `rows` (attname → value, every concrete field but the pk) and their "+" history; returns the ids.

    `row_reasons`, when given, is a history reason per row (empty: `reason`).
    """
    return insert_batches_with_history(model, [(rows, row_reasons)], count=len(rows), user_id=user_id, reason=reason)


def insert_batches_with_history(
    model: type[models.Model],
    batches: Iterable[tuple[list[dict[str, Any]], Sequence[str] | None]],
    *,
    count: int,
    user_id: int | None = None,
    reason: str = "",
) -> list[int]:
    """`insert_with_history` for `count` rows that come a batch at a time, each as (rows, row_reasons).

    On PostgreSQL a batch's COPYs run in the background while `batches` builds the next one
    (`_BackgroundCopies`); `batches` must not use the database. Returns the ids in the rows' order.
    """
    if not count:
        return []
    ids = _allocate_ids(model, count)
    given = 0
    send = _BackgroundCopies() if connection.vendor == "postgresql" else None
    try:
        for rows, row_reasons in batches:
            if given + len(rows) > count:
                raise ValueError(f"more than the {count} rows announced")
            _set_ids(model, rows, ids[given : given + len(rows)])
            given += len(rows)
            if send is not None:
                _insert_with_history_copy(model, rows, user_id, reason, row_reasons, send)
            elif rows:
                _insert_with_history_sqlite(model, rows, user_id, reason, row_reasons)
    except BaseException:
        if send is not None:
            send.abandon()  # the connection is the caller's again only once the copies sent have ended
        raise
    if send is not None:
        send.close()
    if given != count:
        raise ValueError(f"{given} rows given, {count} announced")
    return ids


def _set_ids(model: type[models.Model], rows: list[dict[str, Any]], ids: Sequence[int]) -> None:
    pk = model._meta.pk.attname
    for pk_value, row in zip(ids, rows, strict=True):
        row[pk] = pk_value


def _insert_with_history_sqlite(
    model: type[models.Model],
    rows: list[dict[str, Any]],
    user_id: int | None,
    reason: str,
    row_reasons: Sequence[str] | None,
) -> None:
    columns = _columns(model)
    _insert(
        model,
        [column for _a, column, _c in columns],
        [tuple(convert(row[a]) if convert else row[a] for a, _c, convert in columns) for row in rows],
    )
    history = _history_model(model)
    tracked = _columns(history, skip=_HISTORY_FIELDS)
    tail = (connection.ops.adapt_datetimefield_value(timezone.now()), reason or None, "+", user_id)
    _insert(
        history,
        [column for _a, column, _c in tracked] + list(_HISTORY_FIELDS[1:]),
        [
            tuple(convert(row[a]) if convert else row[a] for a, _c, convert in tracked)
            + (tail if not (row_reasons and row_reasons[number]) else (tail[0], row_reasons[number], *tail[2:]))
            for number, row in enumerate(rows)
        ],
    )


def record_history(
    model: type[models.Model], ids: Sequence[int], *, user_id: int | None = None, reason: str = "", kind: str = "~"
) -> None:
    """Write a "~" history row for each of `ids` as the rows stand now, after a bulk UPDATE.

    `QuerySet.update()` bypasses simple-history; this copies the current rows
    into the history table in one INSERT … SELECT, with who, when and why.
    """
    if not ids:
        return
    history = _history_model(model)
    tracked = [_column(f) for f in history._meta.concrete_fields if f.attname not in _HISTORY_FIELDS]
    table, pk = model._meta.db_table, model._meta.pk.column
    target = ", ".join(f'"{c}"' for c in tracked + list(_HISTORY_FIELDS[1:]))
    source = ", ".join(f'"{c}"' for c in tracked)
    tail: list[Any] = [connection.ops.adapt_datetimefield_value(timezone.now()), reason or None, kind, user_id]
    with connection.cursor() as cursor:
        for start in range(0, len(ids), 10_000):
            chunk = list(ids[start : start + 10_000])
            params: list[Any]
            if connection.vendor == "postgresql":
                where, params = f'"{pk}" = ANY(%s)', [chunk]
            else:
                where, params = f'"{pk}" IN ({", ".join(["%s"] * len(chunk))})', chunk
            cursor.execute(
                f'INSERT INTO "{history._meta.db_table}" ({target}) '  # noqa: S608  # nosec B608  # names from the models
                f'SELECT {source}, %s, %s, %s, %s FROM "{table}" WHERE {where}',
                tail + params,
            )
