"""Backups of the database and the uploaded files, and restoring one into an empty database.

A backup is one directory, BACKUP_DIR/vinhtuong-YYYYMMDD-HHMMSS/, holding
- database.dump (PostgreSQL: pg_dump's custom format) or database.sqlite3 (SQLite: the online
  backup API, consistent while the application writes);
- media.tar.gz: MEDIA_ROOT (uploaded pupil lists, signed handover scans);
- manifest.json: when, which database, and each file's size and SHA-256.

The directory is written under a ".partial" name and renamed when complete, so an interrupted
backup is never mistaken for a good one. Everything is readable by its owner only: a backup
holds children's personal data.

Passwords reach pg_dump and pg_restore through PGPASSWORD, never on the command line, where
every user of the machine could read them in the process list.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess  # nosec B404  # pg_dump and pg_restore, with argument lists and no shell
import tarfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone
from django.utils.translation import gettext as _

PREFIX = "vinhtuong-"
PARTIAL_SUFFIX = ".partial"
MANIFEST = "manifest.json"
MEDIA_ARCHIVE = "media.tar.gz"
DATABASE_FILES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
VENDOR_NAMES = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}
MANIFEST_FORMAT = 1
# A partial directory this old is a backup that died; younger ones may still be running.
ABANDONED_AFTER = timedelta(days=1)
_BACKUP_NAME = re.compile(rf"^{PREFIX}\d{{8}}-\d{{6}}(-\d+)?$")


class BackupError(Exception):
    """A backup or a restore that cannot go on; the message says why and what to do."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    vendor: str
    database_bytes: int
    media_files: int
    media_bytes: int


@dataclass(frozen=True)
class RestoreResult:
    vendor: str
    database: str
    tables: int
    media_files: int
    media_root: Path
    replaced: bool
    created_at: str


def configured_vendor() -> str:
    vendor = connection.vendor
    if vendor not in DATABASE_FILES:
        raise BackupError(_("Backups support PostgreSQL and SQLite, not %(vendor)s.") % {"vendor": vendor})
    return vendor


def database_label() -> str:
    """The configured database as an operator recognises it (never with its password)."""
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        return f"{db['NAME']} @ {db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432}"
    return str(db["NAME"])


# ---------------------------------------------------------------- backing up


def create_backup(backup_dir: Path, *, now: datetime | None = None) -> BackupResult:
    vendor = configured_vendor()
    backup_dir = Path(backup_dir)
    backup_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    final = _free_name(backup_dir, timezone.localtime(now or timezone.now()))
    partial = final.with_name(final.name + PARTIAL_SUFFIX)
    partial.mkdir(mode=0o700)
    try:
        database_file = partial / DATABASE_FILES[vendor]
        # The database first: files it refers to were saved before their rows, so the media
        # archive taken afterwards holds every file the dump mentions.
        tool = _dump_postgresql(database_file) if vendor == "postgresql" else _dump_sqlite(database_file)
        media_files = _archive_media(Path(settings.MEDIA_ROOT), partial / MEDIA_ARCHIVE)
        manifest = {
            "format": MANIFEST_FORMAT,
            "created_at": timezone.localtime(now or timezone.now()).isoformat(timespec="seconds"),
            "database": {
                "vendor": vendor,
                "name": database_label(),
                "tool": tool,
                **_describe(database_file),
            },
            "media": {"root": str(settings.MEDIA_ROOT), "files": media_files, **_describe(partial / MEDIA_ARCHIVE)},
        }
        _write_private(partial / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2).encode())
        partial.rename(final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return BackupResult(
        path=final,
        vendor=vendor,
        database_bytes=manifest["database"]["size"],
        media_files=media_files,
        media_bytes=manifest["media"]["size"],
    )


def _free_name(backup_dir: Path, moment: datetime) -> Path:
    base = f"{PREFIX}{moment:%Y%m%d-%H%M%S}"
    candidate, counter = backup_dir / base, 1
    while candidate.exists() or candidate.with_name(candidate.name + PARTIAL_SUFFIX).exists():
        counter += 1
        candidate = backup_dir / f"{base}-{counter}"
    return candidate


def _dump_postgresql(target: Path) -> str:
    tool = _tool_version("pg_dump")  # "pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)"
    existing_tables()  # reachable, or a clear message
    server_major = connection.connection.server_version // 10000
    connection.close()
    tool_major = int(re.search(r"\)\s*(\d+)", tool).group(1))
    if tool_major < server_major:
        raise BackupError(
            _("%(tool)s is older than the PostgreSQL %(server)s server: install postgresql-client-%(server)s.")
            % {"tool": tool, "server": server_major}
        )
    _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={target}"])
    os.chmod(target, 0o600)
    return tool


def _dump_sqlite(target: Path) -> str:
    source_path = Path(connection.settings_dict["NAME"])
    if not source_path.is_file():
        raise BackupError(_("The SQLite database %(path)s does not exist.") % {"path": source_path})
    _sqlite_copy(source_path, target)
    return f"sqlite3 {sqlite3.sqlite_version} (online backup API)"


def _sqlite_copy(source_path: Path, target_path: Path) -> None:
    """Copy a live SQLite database page by page under SQLite's own locking, then check the copy."""
    target_path.touch(mode=0o600, exist_ok=True)
    source = sqlite3.connect(source_path.resolve().as_uri() + "?mode=ro", uri=True)
    target = sqlite3.connect(target_path)
    try:
        source.backup(target)
        (verdict,) = target.execute("PRAGMA quick_check").fetchone()
    finally:
        target.close()
        source.close()
    if verdict != "ok":
        raise BackupError(_("The copy of %(path)s is damaged: %(verdict)s") % {"path": source_path, "verdict": verdict})


def _archive_media(media_root: Path, target: Path) -> int:
    files = sorted(path for path in media_root.rglob("*") if path.is_file()) if media_root.is_dir() else []
    target.touch(mode=0o600)
    with tarfile.open(target, "w:gz") as archive:
        for path in files:
            archive.add(path, arcname=path.relative_to(media_root).as_posix(), recursive=False)
    return len(files)


def prune_backups(backup_dir: Path, keep: int, *, now: datetime | None = None) -> list[Path]:
    """Delete all but the `keep` newest complete backups, and partial ones abandoned a day ago.

    Counted in backups, not days: when backups fail for a while, the last good ones stay.
    """
    backup_dir = Path(backup_dir)
    if keep <= 0 or not backup_dir.is_dir():
        return []
    complete = sorted(
        (path for path in backup_dir.iterdir() if _BACKUP_NAME.match(path.name) and (path / MANIFEST).is_file()),
        key=_backup_sort_key,
    )
    doomed = complete[:-keep]
    limit = (now or timezone.now()).timestamp() - ABANDONED_AFTER.total_seconds()
    doomed += [
        path
        for path in backup_dir.iterdir()
        if path.name.endswith(PARTIAL_SUFFIX)
        and _BACKUP_NAME.match(path.name.removesuffix(PARTIAL_SUFFIX))
        and path.stat().st_mtime < limit
    ]
    for path in doomed:
        shutil.rmtree(path)
    return doomed


def _backup_sort_key(path: Path) -> tuple[str, int]:
    """Oldest first: by the time in the name, then by the "-2" of a second backup in the same second."""
    stamp_end = len(PREFIX) + len("YYYYmmdd-HHMMSS")
    return path.name[:stamp_end], int(path.name[stamp_end + 1 :] or 1)


# ---------------------------------------------------------------- restoring


def restore_backup(backup: Path, *, force: bool = False) -> RestoreResult:
    """Restore a backup into the configured database and MEDIA_ROOT.

    Everything is checked before anything is touched: the backup is complete and unaltered, of the
    configured kind of database, and the target is empty unless `force` (then it is replaced).
    """
    backup = Path(backup)
    manifest = read_manifest(backup)
    vendor = configured_vendor()
    backup_vendor = manifest["database"]["vendor"]
    if backup_vendor != vendor:
        raise BackupError(
            _(
                "This backup is of a %(backup)s database and the configured database is %(configured)s: "
                "point DATABASE_URL at a %(backup)s database to restore it."
            )
            % {"backup": VENDOR_NAMES.get(backup_vendor, backup_vendor), "configured": VENDOR_NAMES[vendor]}
        )
    database_file = backup / manifest["database"]["file"]
    media_archive = backup / manifest["media"]["file"]
    for part, path in (("database", database_file), ("media", media_archive)):
        _verify(path, manifest[part])
    _check_readable(vendor, database_file)

    media_root = Path(settings.MEDIA_ROOT)
    tables = existing_tables()
    media_files_before = _count_files(media_root)
    if (tables or media_files_before) and not force:
        raise BackupError(
            _(
                "Nothing was restored: the database %(database)s already has %(tables)d tables and %(media)s "
                "holds %(files)d files. Restore into an empty database, or replace what is there with "
                "--force (make restore RESTORE_FORCE=1)."
            )
            % {"database": database_label(), "tables": len(tables), "media": media_root, "files": media_files_before}
        )
    if vendor == "postgresql":
        _restore_postgresql(database_file, tables)
    else:
        _restore_sqlite(database_file)
    media_files = _restore_media(media_archive, media_root)
    return RestoreResult(
        vendor=vendor,
        database=database_label(),
        tables=len(existing_tables()),
        media_files=media_files,
        media_root=media_root,
        replaced=bool(tables or media_files_before),
        created_at=manifest["created_at"],
    )


def read_manifest(backup: Path) -> dict:
    manifest_path = backup / MANIFEST
    if not manifest_path.is_file():
        raise BackupError(
            _("%(path)s is not a complete backup (it has no %(manifest)s).") % {"path": backup, "manifest": MANIFEST}
        )
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        if manifest["format"] != MANIFEST_FORMAT:
            raise ValueError(manifest["format"])
        for part in ("database", "media"):
            if not {"file", "size", "sha256"} <= manifest[part].keys():
                raise KeyError(part)
    except (ValueError, KeyError, TypeError):
        raise BackupError(_("%(path)s is not a manifest this version can read.") % {"path": manifest_path}) from None
    return manifest


def existing_tables() -> list[str]:
    try:
        with connection.cursor() as cursor:
            return connection.introspection.table_names(cursor)
    except DatabaseError as error:
        raise BackupError(
            _("Cannot open the database %(database)s: %(error)s") % {"database": database_label(), "error": error}
        ) from None


def _verify(path: Path, expected: dict) -> None:
    if Path(expected["file"]).name != expected["file"] or not path.is_file():
        raise BackupError(_("The backup is incomplete: %(path)s is missing.") % {"path": path})
    if _describe(path)["sha256"] != expected["sha256"]:
        raise BackupError(
            _("%(path)s is not the file that was backed up (its checksum differs): the copy is damaged.")
            % {"path": path}
        )


def _check_readable(vendor: str, database_file: Path) -> None:
    """The dump or copy opens with this machine's tools, before a forced restore drops anything.

    An unaltered file may still be unreadable here: a dump of a newer pg_dump, say.
    """
    if vendor == "postgresql":
        _run(["pg_restore", "--list", str(database_file)])
        return
    try:
        copy = sqlite3.connect(database_file.resolve().as_uri() + "?mode=ro", uri=True)
        try:
            (verdict,) = copy.execute("PRAGMA quick_check").fetchone()
        finally:
            copy.close()
    except sqlite3.DatabaseError as error:
        verdict = str(error)
    if verdict != "ok":
        raise BackupError(
            _("The copy of %(path)s is damaged: %(verdict)s") % {"path": database_file, "verdict": verdict}
        )


def _restore_postgresql(dump: Path, tables: list[str]) -> None:
    if tables:
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {', '.join(quote(name) for name in tables)} CASCADE")
    connection.close()
    _run(
        [
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={connection.settings_dict['NAME']}",
            str(dump),
        ]
    )


def _restore_sqlite(copy: Path) -> None:
    target = Path(connection.settings_dict["NAME"])
    connection.close()
    target.parent.mkdir(parents=True, exist_ok=True)
    # The backup API replaces every page of the target under its lock, so a process that has the
    # file open sees either the old database or the restored one.
    _sqlite_copy(copy, target)


def _restore_media(archive: Path, media_root: Path) -> int:
    if media_root.is_dir():
        for child in media_root.iterdir():
            shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive, "r:gz") as tar:
        members = [member for member in tar.getmembers() if member.isfile()]
        # The "data" filter refuses absolute paths, "..", links out of the tree and device files.
        tar.extractall(media_root, members=members, filter="data")
    return len(members)


def _count_files(directory: Path) -> int:
    return sum(1 for path in directory.rglob("*") if path.is_file()) if directory.is_dir() else 0


# ---------------------------------------------------------------- helpers


def _describe(path: Path) -> dict:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1024 * 1024), b""):
            digest.update(block)
    return {"file": path.name, "size": path.stat().st_size, "sha256": digest.hexdigest()}


def _write_private(path: Path, content: bytes) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as stream:
        stream.write(content)


def _postgres_environment() -> dict[str, str]:
    """The connection of settings.DATABASES as libpq variables, for pg_dump and pg_restore."""
    db = connection.settings_dict
    env = dict(os.environ)
    values = {
        "PGHOST": db.get("HOST"),
        "PGPORT": db.get("PORT"),
        "PGUSER": db.get("USER"),
        "PGPASSWORD": db.get("PASSWORD"),
        "PGDATABASE": db.get("NAME"),
    }
    options = db.get("OPTIONS") or {}
    for option, variable in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT"), ("sslcert", "PGSSLCERT")):
        values[variable] = options.get(option)
    env.update({name: str(value) for name, value in values.items() if value not in (None, "")})
    return env


def _tool_version(tool: str) -> str:
    if shutil.which(tool) is None:
        raise BackupError(
            _("%(tool)s is not installed: apt-get install postgresql-client (the server's major version).")
            % {"tool": tool}
        )
    return subprocess.run([tool, "--version"], capture_output=True, text=True, check=True).stdout.strip()  # noqa: S603  # nosec B603


def _run(command: list[str]) -> None:
    _tool_version(command[0])
    result = subprocess.run(command, env=_postgres_environment(), capture_output=True, text=True)  # noqa: S603  # nosec B603
    if result.returncode != 0:
        raise BackupError(
            _("%(tool)s failed (exit %(code)d): %(error)s")
            % {"tool": command[0], "code": result.returncode, "error": result.stderr.strip()}
        )
