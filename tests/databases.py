"""Test support: a connection to a database the suite did not make, and a database's schema as data."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import load_backend


@contextmanager
def extra_connection(alias: str, **settings: Any) -> Iterator[BaseDatabaseWrapper]:
    """A connection of the suite's kind, with `settings` over the suite's own (another NAME, say).

    Not in settings.DATABASES, so Django's test case lets it through; registered as `alias` for
    the time it is open, since Django looks a cursor's connection up by its alias (and a data
    migration's `.using(alias)` must find it)."""
    opened = load_backend(connection.settings_dict["ENGINE"]).DatabaseWrapper(
        {**connection.settings_dict, **settings}, alias
    )
    connections[alias] = opened
    try:
        yield opened
    finally:
        opened.close()
        del connections[alias]


def schema(database: BaseDatabaseWrapper) -> dict[str, list]:
    """Each table's columns and the names of its constraints and indexes."""
    introspection = database.introspection
    with database.cursor() as cursor:
        return {
            table: [
                sorted(column.name for column in introspection.get_table_description(cursor, table)),
                sorted(name for name in introspection.get_constraints(cursor, table) if not name.startswith("__")),
            ]
            for table in sorted(introspection.table_names(cursor))
            if table != "django_migrations"  # the migrations' own record
        }
