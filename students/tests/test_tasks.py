"""An uploaded list waits in the database queue until the worker (`manage.py db_worker`) imports it."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from students.models import SchoolLevel, Student, StudentUpload
from students.tests.factories import SchoolFactory
from students.tests.spreadsheet_files import grid, pupil_row, xlsx

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.django_db(transaction=True)
def test_the_worker_imports_an_uploaded_list_and_the_page_follows(client, commune_a, commune_a_official):
    SchoolFactory(commune=commune_a, name="Trường Tiểu học Thử", level=SchoolLevel.PRIMARY)
    client.force_login(commune_a_official)
    with override_settings(TASKS=DATABASE_TASKS):
        response = client.post(
            reverse("students:upload", args=[commune_a.code]),
            {"file": SimpleUploadedFile("ds.xlsx", xlsx(grid([pupil_row(1), pupil_row(2)])))},
        )
        upload = StudentUpload.objects.get()
        progress_url = reverse("students:upload-progress", args=[commune_a.code, upload.pk])
        assert client.get(progress_url).json()["finished"] is False
        assert "js/upload_progress.js" in client.get(response["Location"]).content.decode()
        assert not Student.objects.exists()

        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    upload.refresh_from_db()
    assert upload.status == StudentUpload.Status.IMPORTED and upload.rows_done == upload.rows_total == 2
    assert client.get(progress_url).json() | {"status_label": ""} == {
        "status": "imported",
        "status_label": "",
        "rows_total": 2,
        "rows_done": 2,
        "percent": 100,
        "finished": True,
    }
    assert Student.objects.filter(upload=upload).count() == 2
