"""Background work of the students app, run by django-tasks' database worker (`manage.py db_worker`)."""

from __future__ import annotations

import logging

from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from students import upload_processing
from students.models import StudentUpload
from students.upload_recovery import uploads_orphaned_fail

logger = logging.getLogger(__name__)


@task()
def process_student_upload(upload_id: int) -> str:
    """Import one uploaded pupil list; returns the upload's final status."""
    uploads_orphaned_fail()  # another upload a dead worker left behind
    try:
        return upload_processing.process_upload(upload_id).status
    except Exception:
        # The page polls this upload: it must end in a final state, never spin for ever.
        logger.exception("Pupil list upload %s failed", upload_id)
        upload_processing.upload_status_set(
            upload_id,
            StudentUpload.Status.UNREADABLE,
            unless=StudentUpload.Status.IMPORTED,
            message=_("The file could not be processed because of a fault in the system. Nothing was saved."),
            finished_at=timezone.now(),
        )
        raise
