"""The standard cast of every test: one user per role, two communes, two providers."""

import os
from pathlib import Path

import pytest
from django.contrib.auth.models import Group

from students.tests.factories import CommuneFactory
from telecom.tests.factories import ProviderFactory
from vinhtuong_program.core import roles
from vinhtuong_program.core.roles import sync_roles
from vinhtuong_program.core.tests.factories import make_user

ROLE_GROUPS = [role.group_name for role in roles.ROLES]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Each test database starts with the role groups, made once: setting their permissions took
    6% of the suite when every test with a user made them again."""
    with django_db_blocker.unblock():
        sync_roles()


@pytest.fixture
def role_groups(db):
    if Group.objects.filter(name__in=ROLE_GROUPS).count() < len(ROLE_GROUPS):
        sync_roles()  # a transactional test before this one emptied the database


@pytest.fixture
def commune_a(db):
    return CommuneFactory(code="09076", name="Vĩnh Tường", kind="township")


@pytest.fixture
def commune_b(db):
    return CommuneFactory(code="09079", name="Kim Xá")


@pytest.fixture
def viettel(db):
    return ProviderFactory(code="viettel", name="Viettel", short_name="Viettel")


@pytest.fixture
def vnpt(db):
    return ProviderFactory(code="vnpt", name="VNPT", short_name="VNPT/VinaPhone")


@pytest.fixture
def education_office_user(role_groups):
    return make_user(roles.EDUCATION_OFFICE, "phonggd")


@pytest.fixture
def accountant_user(role_groups):
    return make_user(roles.ACCOUNTANT, "ketoan")


@pytest.fixture
def leadership_user(role_groups):
    return make_user(roles.LEADERSHIP, "lanhdao")


@pytest.fixture
def commune_a_official(role_groups, commune_a):
    return make_user(roles.COMMUNE_OFFICIAL, "xa_a", commune=commune_a)


@pytest.fixture
def commune_b_official(role_groups, commune_b):
    return make_user(roles.COMMUNE_OFFICIAL, "xa_b", commune=commune_b)


@pytest.fixture
def viettel_user(role_groups, viettel):
    return make_user(roles.TELECOM_STAFF, "nv_viettel", provider=viettel)


@pytest.fixture
def vnpt_user(role_groups, vnpt):
    return make_user(roles.TELECOM_STAFF, "nv_vnpt", provider=vnpt)


@pytest.fixture
def csrf_client():
    """A client that enforces CSRF like a browser does."""
    from django.test import Client

    return Client(enforce_csrf_checks=True)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files go to a per-test directory, never into the checkout."""
    settings.MEDIA_ROOT = tmp_path / "media"


def pytest_configure(config):
    _flush_postgresql_by_delete()


def _flush_postgresql_by_delete():
    """A transactional test (live server, concurrency) empties its PostgreSQL database with DELETE,
    not Django's TRUNCATE: TRUNCATE gives each of the 81 tables and their indexes new files, about
    0.25 s on a quiet machine and 2.5 s in `make test`, against 3 ms for deleting the few rows a test
    leaves. The foreign keys are deferred to the end of the flush's one transaction, so the order of
    the tables does not matter. A flush that must also reset the sequences keeps Django's TRUNCATE."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    truncate = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or allow_cascade or not tables:
            return truncate(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        delete = style.SQL_KEYWORD("DELETE FROM")
        return [f"{style.SQL_KEYWORD('SET CONSTRAINTS ALL DEFERRED')};"] + [
            f"{delete} {style.SQL_FIELD(self.quote_name(table))};" for table in tables
        ]

    DatabaseOperations.sql_flush = sql_flush


def pytest_collection_modifyitems(config, items):
    """Browser journeys and whatever serves the app live are `slow`, like the tests marked so by hand
    (other processes: manage.py, gunicorn, the HTML checker, benchmarks). `pytest -m "not slow"` leaves
    them out; `make test` runs every test. They are `live` too: `make test` runs those in a process of
    their own (scripts/test_lanes.sh), since a live server's flushes and locks would break the tests
    that follow them on a shared worker."""
    for item in items:
        if "tests/e2e/" in Path(item.fspath).as_posix() or "live_server" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)
            item.add_marker(pytest.mark.live)
    # The PostgreSQL run of `make test` leaves out what the SQLite run has just run identically.
    if os.environ.get("SKIP_DATABASE_INDEPENDENT") == "1":
        once = [item for item in items if item.get_closest_marker("database_independent")]
        if once:
            config.hook.pytest_deselected(items=once)
            items[:] = [item for item in items if not item.get_closest_marker("database_independent")]


@pytest.fixture
def empty_database(db, settings, tmp_path):
    """A connection to a new, empty database of the suite's kind (alias "empty"), for the migrations
    themselves: the suite's own databases are built from the models (pytest.ini: --nomigrations).
    Outside the test's transaction, so a migration runs on it as `manage.py migrate` would."""
    from django.db import connection

    from tests.databases import extra_connection

    settings.MIGRATION_MODULES = {}  # the real ones, not pytest-django's "none"
    postgresql = connection.vendor == "postgresql"
    name = f"{connection.settings_dict['NAME']}_empty" if postgresql else str(tmp_path / "empty.sqlite3")
    if postgresql:
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        with extra_connection("empty", NAME=name) as empty:
            yield empty
    finally:
        if postgresql:
            with connection._nodb_cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
