"""Backups round trip: a filled database, backed up and restored into an empty one, gives the same report.

The round trip runs on the database `make test` is running on (SQLite or PostgreSQL): a source
and a target database of that kind are made for it, filled and read by `manage.py` subprocesses
exactly as an operator would. The source, migrated from empty, also proves the migrations.
"""

import json
import os
import secrets
import subprocess
import sys
import tarfile
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import dj_database_url
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from tests.databases import extra_connection, schema
from vinhtuong_program.core import backups

BASE_DIR = Path(settings.BASE_DIR)

# What a restore must bring back, read in one process: the report's JSON, row counts, the tables.
STATE = """
import io, json
from django.apps import apps
from django.core.management import call_command
from django.db import connection
report = io.StringIO()
call_command("progress_report", "--format", "json", stdout=report)
labels = ["auth.User", "auth.Group", "students.Student", "students.HistoricalStudent", "students.School",
          "donations.Donor", "donations.Pledge", "allocation.Support", "django_tasks_database.DBTaskResult"]
print(json.dumps({
    "report": json.loads(report.getvalue()),
    "counts": {label: apps.get_model(label).objects.count() for label in labels},
    "tables": sorted(connection.introspection.table_names()),
}))
"""
# An operator's first steps, in one process: the tables, the reference data, the demo data.
FILL = """
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
call_command("load_reference_data", verbosity=0)
call_command("load_demo_data", verbosity=0)
"""
# A change after the backup: a row (whose id must not collide with restored ones) and a table.
CHANGE = """
from django.contrib.auth.models import Group
from django.db import connection
Group.objects.create(name="after the restore")
with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE made_after_the_backup (id integer)")
"""

UPLOADS = {
    "uploads/students/2021/09/danh-sach-kim-xa.xlsx": b"PK\x03\x04 a pupil list " + bytes(range(256)) * 20,
    "handover/2021/09/bien-ban-09079.pdf": b"%PDF-1.4 a signed handover record\n",
}


def _manage(*args: str, database_url: str, media_root: Path, debug: bool = False) -> subprocess.CompletedProcess:
    env = os.environ | {
        "DATABASE_URL": database_url,
        "DJANGO_MEDIA_ROOT": str(media_root),
        "DJANGO_DEBUG": "1" if debug else "0",
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )


def _ok(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def _state(**where) -> dict:
    state = json.loads(_ok(_manage("shell", "--no-imports", "-c", STATE, **where)))
    state["report"].pop("generated_at")  # the minute it was computed, not a figure
    return state


@pytest.fixture(scope="module")
def new_database(tmp_path_factory):
    """Makes empty databases of the kind the suite runs on, as DATABASE_URLs; drops them after the module."""
    vendor, made = connection.vendor, []
    db = connection.settings_dict
    directory = tmp_path_factory.mktemp("databases")
    if vendor == "postgresql":
        import psycopg2

        admin = psycopg2.connect(
            dbname="postgres", host=db["HOST"], port=db["PORT"], user=db["USER"], password=db["PASSWORD"]
        )
        admin.autocommit = True

    def make(role: str) -> str:
        if vendor == "sqlite":
            return f"sqlite:///{directory / f'{role}.sqlite3'}"
        name = f"{db['NAME']}_backup_{role}_{secrets.token_hex(4)}"[-63:]
        with admin.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        made.append(name)
        credentials = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
        return f"postgres://{credentials}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{name}"

    yield make
    if vendor == "postgresql":
        with admin.cursor() as cursor:
            for name in made:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture(scope="module")
def filled_source(new_database, tmp_path_factory):
    """A new database filled as an operator fills it (migrate, reference and demo data, uploaded files).
    Made once for the module: migrating a new database is the costly part of these tests."""
    root = tmp_path_factory.mktemp("source")
    source = {"database_url": new_database("source"), "media_root": root / "media-source"}
    for name, content in UPLOADS.items():
        (source["media_root"] / name).parent.mkdir(parents=True, exist_ok=True)
        (source["media_root"] / name).write_bytes(content)
    _ok(_manage("shell", "--no-imports", "-c", FILL, debug=True, **source))
    return source


@pytest.fixture(scope="module")
def filled_backup(filled_source, tmp_path_factory):
    """The filled database backed up with `manage.py backup_database`: (the backup, the state it holds)."""
    state = _state(**filled_source)
    directory = tmp_path_factory.mktemp("backups")
    _ok(_manage("backup_database", "--dir", str(directory), **filled_source))
    (backup,) = directory.iterdir()
    return backup, state


@pytest.mark.django_db
@pytest.mark.slow  # another process
def test_every_migration_applies_to_an_empty_database_and_gives_the_models_schema(filled_source):
    """The migrations, which the suite's own databases skip (pytest.ini: --nomigrations builds them from
    the models): `manage.py migrate` on a new database (FILL) gives the schema the models give. Here, on
    the database the backups are made from, not on one more: migrating one is 10 s, 25 s under make test."""
    with extra_connection("migrated", **dj_database_url.parse(filled_source["database_url"])) as migrated:
        assert schema(migrated) == schema(connection)


@pytest.mark.timeout(240)
@pytest.mark.slow  # another process
def test_a_backup_restored_into_an_empty_database_gives_the_identical_report(new_database, filled_backup, tmp_path):
    backup, before = filled_backup
    assert before["counts"]["students.Student"] > 0 and before["counts"]["donations.Pledge"] > 0
    assert before["report"]["students"]["in_need"] > 0
    assert backup.name.startswith("vinhtuong-")
    assert backup.stat().st_mode & 0o077 == 0, "a backup holds children's personal data: owner only"
    assert all(path.stat().st_mode & 0o077 == 0 for path in backup.iterdir())

    target = {"database_url": new_database("target"), "media_root": tmp_path / "media-target"}
    output = _ok(_manage("restore_database", str(backup), **target))
    assert str(target["media_root"]) in output

    assert _state(**target) == before
    for name, content in UPLOADS.items():
        assert (target["media_root"] / name).read_bytes() == content

    _ok(_manage("shell", "--no-imports", "-c", CHANGE, **target))  # also proves sequences came back
    (target["media_root"] / "stray.txt").write_text("not in the backup")
    refused = _manage("restore_database", str(backup), **target)
    assert refused.returncode == 1
    assert "--force" in refused.stderr
    assert (target["media_root"] / "stray.txt").exists(), "a refused restore changes nothing"

    # Forced, the target is replaced: the new row, the new table and the stray file are gone.
    _ok(_manage("restore_database", str(backup), "--force", **target))
    assert _state(**target) == before
    assert not (target["media_root"] / "stray.txt").exists()


def _fake_backup(directory: Path, vendor: str, *, database: bytes = b"db", media_files: dict | None = None) -> Path:
    directory.mkdir(parents=True)
    (directory / backups.DATABASE_FILES[vendor]).write_bytes(database)
    with tarfile.open(directory / backups.MEDIA_ARCHIVE, "w:gz") as archive:
        for name, content in (media_files or {}).items():
            path = directory / "source" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
            archive.add(path, arcname=name)
    manifest = {
        "format": backups.MANIFEST_FORMAT,
        "created_at": "2021-09-30T02:00:00+07:00",
        "database": {"vendor": vendor, **backups._describe(directory / backups.DATABASE_FILES[vendor])},
        "media": {"files": len(media_files or {}), **backups._describe(directory / backups.MEDIA_ARCHIVE)},
    }
    (directory / backups.MANIFEST).write_text(json.dumps(manifest))
    return directory


def test_a_backup_of_the_other_kind_of_database_is_refused_before_anything_is_touched(tmp_path):
    other = "sqlite" if connection.vendor == "postgresql" else "postgresql"
    backup = _fake_backup(tmp_path / "vinhtuong-20210930-020000", other)
    with pytest.raises(CommandError, match="DATABASE_URL"):
        call_command("restore_database", str(backup))


def test_a_damaged_backup_is_refused_before_anything_is_touched(tmp_path):
    backup = _fake_backup(tmp_path / "vinhtuong-20210930-020000", connection.vendor)
    (backup / backups.DATABASE_FILES[connection.vendor]).write_bytes(b"dB")
    with pytest.raises(CommandError, match=backups.DATABASE_FILES[connection.vendor]):
        call_command("restore_database", str(backup))


def test_a_directory_without_manifest_is_not_a_backup(tmp_path):
    with pytest.raises(CommandError, match=backups.MANIFEST):
        call_command("restore_database", str(tmp_path))


def test_media_archive_cannot_write_outside_media_root(tmp_path):
    archive = tmp_path / "evil.tar.gz"
    outside = tmp_path / "outside.txt"
    (tmp_path / "payload").write_text("x")
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(tmp_path / "payload", arcname="../outside.txt")
    with pytest.raises(tarfile.FilterError):
        backups._restore_media(archive, tmp_path / "media")
    assert not outside.exists()


def test_pruning_keeps_the_newest_complete_backups_and_forgets_abandoned_partial_ones(tmp_path):
    names = ["vinhtuong-20210928-020000", "vinhtuong-20210929-020000", "vinhtuong-20210930-020000"]
    names += ["vinhtuong-20210930-020000-2"]
    for name in names:
        _fake_backup(tmp_path / name, "sqlite")
    (tmp_path / "vinhtuong-20210927-020000.partial").mkdir()
    (tmp_path / "vinhtuong-20210930-030000.partial").mkdir()  # may still be running
    (tmp_path / "my-notes").mkdir()  # not ours: never touched
    later = timezone.now() + timedelta(hours=12)
    os.utime(tmp_path / "vinhtuong-20210927-020000.partial", (0, 0))

    deleted = backups.prune_backups(tmp_path, keep=2, now=later)

    assert sorted(path.name for path in deleted) == [
        "vinhtuong-20210927-020000.partial",
        "vinhtuong-20210928-020000",
        "vinhtuong-20210929-020000",
    ]
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "my-notes",
        "vinhtuong-20210930-020000",
        "vinhtuong-20210930-020000-2",
        "vinhtuong-20210930-030000.partial",
    ]
    assert backups.prune_backups(tmp_path, keep=0) == [], "0 keeps every backup"


@pytest.mark.timeout(240)
@pytest.mark.slow  # another process
def test_a_forced_restore_of_a_dump_the_tools_cannot_read_leaves_the_database_as_it_was(
    new_database, filled_backup, tmp_path
):
    # The checksum matches, yet the dump is unreadable here (made by a newer pg_dump, say): the
    # forced restore used to drop every table before pg_restore refused the file.
    target = {"database_url": new_database("unreadable"), "media_root": tmp_path / "media-target"}
    _ok(_manage("restore_database", str(filled_backup[0]), **target))  # a database in use, with its data
    (target["media_root"] / "uploads").mkdir(parents=True, exist_ok=True)
    (target["media_root"] / "uploads" / "kept.txt").write_text("a pupil list")
    before = _state(**target)
    backup = _fake_backup(tmp_path / "vinhtuong-20210930-020000", connection.vendor, database=b"not a dump" * 100)

    refused = _manage("restore_database", str(backup), "--force", **target)

    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert "Traceback" not in refused.stderr
    assert _state(**target) == before
    assert (target["media_root"] / "uploads" / "kept.txt").exists()
