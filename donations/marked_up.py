"""A donation list given back with its wrong cells marked: built by the background worker, never in the request.

The import page that found the errors keeps the file under
MEDIA_ROOT/uploads/donations/marked/<user>/<token>/ and enqueues
donations.tasks.donation_marked_up_build. Until the worker has written the copy, its
download link answers "being prepared"; then it gives the file. The job's state is
one small JSON file beside it, replaced atomically. A worker that died on the job
is noticed as for pupil lists (its identity and start, students/upload_recovery.py),
and the page says so instead of waiting for ever. The original is deleted once
the copy is built: it holds donors' names and phones.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from common.spreadsheets.import_limits import ErrorList
from donations.importing import DONATION_COLUMNS, read_rows
from students.marked_up import marked_up_workbook
from students.upload_recovery import this_worker, worker_gone

WAITING, BUILDING, READY, FAILED = "waiting", "building", "ready", "failed"
MARKED_UP_NAME = "danh-sach-ung-ho-can-sua.xlsx"
KEPT_FOR = timedelta(days=1)
_TOKEN = re.compile(r"[0-9a-f]{32}")


def _folder(user_id: int, token: str) -> Path:
    if not _TOKEN.fullmatch(token):
        raise ValueError(token)
    return Path(settings.MEDIA_ROOT) / "uploads" / "donations" / "marked" / str(int(user_id)) / token


def _state_write(folder: Path, **state: Any) -> None:
    """The job's state, replaced in one step (a reader never sees half a file)."""
    temporary = folder / "state.json.tmp"
    temporary.write_text(json.dumps({**state, "at": timezone.now().isoformat()}), encoding="utf-8")
    os.replace(temporary, folder / "state.json")


def _state_read(folder: Path) -> dict[str, Any] | None:
    try:
        return json.loads((folder / "state.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def marked_up_open(*, file, filename: str, user_id: int) -> str:
    """Keep the uploaded list for the worker; returns the job's token (the caller enqueues the build).

    The user's jobs older than KEPT_FOR are deleted first: the copies hold donors' names and phones.
    """
    token = uuid.uuid4().hex
    folder = _folder(user_id, token)
    _old_jobs_delete(folder.parent)
    folder.mkdir(parents=True)
    file.seek(0)
    with open(folder / f"original{Path(filename).suffix.lower()[:10]}", "wb") as kept:
        shutil.copyfileobj(file, kept)
    _state_write(folder, state=WAITING, name=Path(filename).name[:255])
    return token


def _old_jobs_delete(user_folder: Path) -> None:
    oldest = time.time() - KEPT_FOR.total_seconds()
    for job in user_folder.glob("*/state.json"):
        if job.stat().st_mtime < oldest:
            shutil.rmtree(job.parent, ignore_errors=True)


def marked_up_build(*, user_id: int, token: str) -> str:
    """The worker's part: read the list again, write the marked-up copy; returns the final state."""
    folder = _folder(user_id, token)
    state = _state_read(folder)
    if state is None or state["state"] != WAITING:
        return state["state"] if state else FAILED
    _state_write(folder, state=BUILDING, name=state["name"], worker=this_worker())
    originals = sorted(folder.glob("original*"))
    try:
        with open(originals[0], "rb") as file:
            read = read_rows(file, originals[0].name, max_rows=settings.REQUEST_IMPORT_MAX_ROWS)
        if read.file_error or read.table is None or not read.errors:
            message = read.file_error or _("The list has no wrong cells to mark.")
            _state_write(folder, state=FAILED, name=state["name"], message=message)
            return FAILED
        headers = {c.key: c.header for c in DONATION_COLUMNS}
        summary = read.errors.summary(headers) if isinstance(read.errors, ErrorList) else []
        content = marked_up_workbook(read.table, DONATION_COLUMNS, list(read.errors), summary)
        (folder / MARKED_UP_NAME).write_bytes(content)
        _state_write(folder, state=READY, name=state["name"])
        return READY
    except Exception:
        _state_write(folder, state=FAILED, name=state["name"], message=_fault_message())
        raise
    finally:
        for original in originals:
            original.unlink(missing_ok=True)


def _fault_message() -> str:
    return _("The marked-up file could not be made because of a fault in the system. Import the list again.")


def marked_up_state(*, user_id: int, token: str) -> dict[str, Any] | None:
    """The job as its page shows it ({"state", "message", "path"}), or None when the user has no such job.

    A job "building" whose worker is gone, or silent for STUDENT_UPLOAD_STALE_SECONDS, is failed here.
    """
    try:
        folder = _folder(user_id, token)
    except ValueError:
        return None
    state = _state_read(folder)
    if state is None:
        return None
    if state["state"] == BUILDING and _orphaned(state):
        message = _(
            "The background worker stopped while it was marking this file (it may have needed more memory "
            "than allowed). Nothing was saved. Import the list again."
        )
        _state_write(folder, state=FAILED, name=state["name"], message=message)
        state = _state_read(folder) or {}
    if state.get("state") == READY:
        state["path"] = folder / MARKED_UP_NAME
    return state


def _orphaned(state: dict[str, Any]) -> bool:
    stale = timezone.now() - timedelta(seconds=settings.STUDENT_UPLOAD_STALE_SECONDS)
    return datetime.fromisoformat(state["at"]) < stale or worker_gone(state.get("worker", ""))
