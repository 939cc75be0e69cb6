"""An upload whose worker died is found and closed, never left "processing" for good.

The worker writes its identity (host, process id and the process's start time,
so a reused pid is not mistaken for it) and a heartbeat on the upload. An
upload still "processing" is failed, with the reason, when its worker process
is gone from this host, or when its heartbeat is older than
STUDENT_UPLOAD_STALE_SECONDS (a worker on another host). This runs when the
worker starts (`manage.py run_worker`) and when the upload's page is opened.
"""

from __future__ import annotations

import os
import socket
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from common.bulk import record_history
from students.models import StudentUpload


def _start_time(pid: int) -> str:
    """The process's start time in clock ticks since boot (/proc/PID/stat field 22), or ""."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            fields = stat.read().rsplit(b")", 1)[1].split()
    except OSError:
        return ""
    return fields[19].decode() if len(fields) > 19 else ""


def this_worker() -> str:
    pid = os.getpid()
    return f"{socket.gethostname()}:{pid}:{_start_time(pid)}"[:100]


def _gone(worker: str) -> bool:
    """True when `worker` names a process of this host that no longer runs."""
    host, _sep, rest = worker.partition(":")
    pid, _sep, started = rest.partition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    if started and os.path.exists("/proc/self/stat"):
        return _start_time(int(pid)) != started
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def worker_gone(worker: str) -> bool:
    """True when `worker` (as this_worker() wrote it) names a process of this host that no longer runs."""
    return _gone(worker)


def upload_claim(upload_id: int) -> None:
    """The worker takes the upload: status processing, its identity and a first heartbeat."""
    now = timezone.now()
    StudentUpload.objects.filter(pk=upload_id).update(
        status=StudentUpload.Status.PROCESSING, worker=this_worker(), heartbeat_at=now
    )
    record_history(StudentUpload, [upload_id], reason=str(StudentUpload.Status.PROCESSING.label))


def uploads_orphaned_fail(*, upload_ids: list[int] | None = None) -> int:
    """Fail the uploads left "processing" by a worker that is gone; returns how many."""
    uploads = StudentUpload.objects.filter(status=StudentUpload.Status.PROCESSING)
    if upload_ids is not None:
        uploads = uploads.filter(pk__in=upload_ids)
    stale = timezone.now() - timedelta(seconds=settings.STUDENT_UPLOAD_STALE_SECONDS)
    # No heartbeat yet (claimed before this code): the upload's own time stands for it.
    silent = Q(heartbeat_at__lt=stale) | Q(heartbeat_at__isnull=True, uploaded_at__lt=stale)
    candidates = uploads.filter(silent | ~Q(worker=""))
    orphaned = [
        pk
        for pk, worker, heartbeat, uploaded in candidates.values_list("pk", "worker", "heartbeat_at", "uploaded_at")
        if (heartbeat or uploaded) < stale or _gone(worker)
    ]
    if not orphaned:
        return 0
    # Only those still processing: a worker that finished meanwhile keeps its result.
    failed = list(uploads.filter(pk__in=orphaned).values_list("pk", flat=True))
    message = _(
        "The background worker stopped while it was processing this file (it may have needed more "
        "memory than allowed). Nothing was saved. Check that the file holds only the list, or split "
        "it, and upload it again."
    )
    return upload_fail(*failed, message=message, only_processing=True)


def upload_fail(*upload_ids: int, message: str, only_processing: bool = False) -> int:
    """Mark uploads as unreadable with the reason (nothing of them was saved); returns how many."""
    uploads = StudentUpload.objects.filter(pk__in=upload_ids)
    if only_processing:  # a worker that finished meanwhile keeps its result
        uploads = uploads.filter(status=StudentUpload.Status.PROCESSING)
    failed = list(uploads.values_list("pk", flat=True))
    uploads.filter(pk__in=failed).update(
        status=StudentUpload.Status.UNREADABLE, finished_at=timezone.now(), message=message
    )
    record_history(StudentUpload, failed, reason=str(StudentUpload.Status.UNREADABLE.label))
    return len(failed)
