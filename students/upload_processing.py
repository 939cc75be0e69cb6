"""A pupil list upload's life in the background worker: the import run on it, and its outcome recorded.

The import itself is students/importing.py; the marked-up copy of a list with
errors is built here, by the worker (students/marked_up.py), never in a request.
"""

from __future__ import annotations

from django.utils import timezone

from common.bulk import record_history
from common.spreadsheets.marked_up import annotated_workbook
from common.spreadsheets.reader import read_table
from common.spreadsheets.table import CellError
from students import importing
from students.marked_up import upload_marked_up_save
from students.models import StudentUpload
from students.pupil_columns import HEADERS, STUDENT_COLUMNS
from students.upload_recovery import upload_claim


def upload_status_set(upload_id: int, status: str, *, unless: str | None = None, **fields) -> bool:
    """Set an upload's status (and `fields`) in one UPDATE, unless it is in status `unless`, and keep
    the change in its history (the report as of a past day reads it there); True when it changed."""
    uploads = StudentUpload.objects.filter(pk=upload_id)
    if unless is not None:
        uploads = uploads.exclude(status=unless)
    if not uploads.update(status=status, **fields):
        return False
    record_history(StudentUpload, [upload_id], reason=str(StudentUpload.Status(status).label))
    return True


def process_upload(upload_id: int, *, progress_every: int = 5000) -> StudentUpload:
    """Import an uploaded list (run by the background worker); records the outcome on the upload."""
    upload = StudentUpload.objects.select_related("commune").get(pk=upload_id)
    upload_claim(upload.pk)  # who works on it, so a dead worker's upload is found (upload_recovery)

    def progress(done: int, total: int) -> None:
        # Counters for the progress bar and the worker's heartbeat: not kept in the history.
        StudentUpload.objects.filter(pk=upload.pk).update(rows_done=done, rows_total=total, heartbeat_at=timezone.now())

    with upload.original_file.open("rb") as file:
        outcome = importing.import_file(
            file, upload.original_name, upload.commune, user=upload.uploaded_by, upload=upload, progress=progress
        )
    return upload_outcome_record(upload, outcome)


def upload_outcome_record(upload: StudentUpload, outcome: importing.ImportOutcome) -> StudentUpload:
    """Write what came of an import on its upload record (every import path calls this)."""
    read = outcome.read
    upload.refresh_from_db()
    upload.rows_total = read.row_count
    upload.rows_done = upload.rows_total
    upload.finished_at = timezone.now()
    upload.errors = [e.as_dict(STUDENT_COLUMNS) for e in read.errors]
    upload.error_count, upload.error_summary = len(read.errors), read.errors.summary(HEADERS)
    upload.message = " ".join([*(read.table.notices if read.table else []), read.file_error]).strip()
    saved = outcome.saved
    if outcome.ok and saved is not None:
        upload.status = StudentUpload.Status.IMPORTED
        upload.created_count, upload.updated_count = saved.created, saved.updated
        upload.unchanged_count, upload.held_count = saved.unchanged, saved.held
        upload.changes = saved.changes
    else:
        upload.status = StudentUpload.Status.UNREADABLE if read.table is None else StudentUpload.Status.INVALID
    upload.save()
    if upload.status == StudentUpload.Status.INVALID:
        upload_marked_up_save(upload, read)  # built here, by the worker, never in a request
    return upload


def annotated_file(upload: StudentUpload) -> bytes:
    """The uploader's own rows back as .xlsx, wrong cells red with a comment each."""
    with upload.original_file.open("rb") as file:
        table = read_table(file, upload.original_name, STUDENT_COLUMNS)
    headers = {c.header: c.key for c in STUDENT_COLUMNS}
    errors = [CellError(e["row"], headers.get(e["column"], ""), e["message"]) for e in upload.errors]
    return annotated_workbook(table, STUDENT_COLUMNS, errors)
