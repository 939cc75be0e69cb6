"""The migrations, which the suite's own databases skip (pytest.ini: --nomigrations builds them from the
models, 10 s less per database): they are in step with the models, and applied one after the other to
an empty database they give the schema the models give."""

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent

# Run by a process of its own, on the database it has just migrated.
_PRINT_SCHEMA = """
import json, django
django.setup()
from django.db import connection
from tests.test_migrations import schema
print(json.dumps(schema(connection)))
"""


def schema(connection) -> dict[str, list]:
    """Each table's columns and the names of its constraints and indexes."""
    introspection = connection.introspection
    with connection.cursor() as cursor:
        return {
            table: [
                sorted(column.name for column in introspection.get_table_description(cursor, table)),
                sorted(name for name in introspection.get_constraints(cursor, table) if not name.startswith("__")),
            ]
            for table in sorted(introspection.table_names(cursor))
            if table != "django_migrations"  # the migrations' own record
        }


@pytest.mark.django_db
def test_models_and_migrations_are_in_step(settings):
    settings.MIGRATION_MODULES = {}  # the real migrations, not pytest-django's "none"
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.fixture
def empty_database(tmp_path, django_db_blocker):
    """The URL of a new, empty database on the suite's server (SQLite: a file)."""
    if connection.vendor != "postgresql":
        yield f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
        return
    name = f"{connection.settings_dict['NAME']}_migrations"
    with django_db_blocker.unblock(), connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{name}").geturl()
    with django_db_blocker.unblock(), connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


@pytest.mark.slow
@pytest.mark.django_db
def test_every_migration_applies_to_an_empty_database_and_gives_the_models_schema(empty_database):
    env = {**os.environ, "DATABASE_URL": empty_database, "DJANGO_SETTINGS_MODULE": "vinhtuong_program.settings"}
    run = {"cwd": ROOT, "env": env, "capture_output": True, "text": True, "timeout": 240}
    migrated = subprocess.run([sys.executable, "manage.py", "migrate", "--noinput"], **run)  # noqa: S603
    assert migrated.returncode == 0, migrated.stderr[-3000:]
    printed = subprocess.run([sys.executable, "-c", _PRINT_SCHEMA], **run)  # noqa: S603
    assert printed.returncode == 0, printed.stderr[-3000:]

    assert json.loads(printed.stdout.splitlines()[-1]) == schema(connection)
