"""`manage.py run_worker`: django-tasks' db_worker (same options) with a memory ceiling, which first
closes the uploads a dead worker left "processing" (students/upload_recovery.py)."""

from __future__ import annotations

from django.conf import settings
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from common.process_limits import limit_memory
from students.upload_recovery import uploads_orphaned_fail


class Command(DatabaseWorkerCommand):
    help = "The background worker (db_worker's options), limited to WORKER_MEMORY_LIMIT_MB."

    def handle(self, *args, **options):
        limit_memory(settings.WORKER_MEMORY_LIMIT_MB)
        failed = uploads_orphaned_fail()
        if failed:
            self.stderr.write(f"{failed} upload(s) left processing by a stopped worker were marked failed.")
        return super().handle(*args, **options)
