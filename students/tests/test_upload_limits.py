"""No file can hurt the service (issue 16): the command line, the worker and the result pages stay bounded."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from students.models import SchoolLevel, Student, StudentUpload
from students.tests.factories import SchoolFactory
from students.tests.spreadsheet_files import grid, pupil_row, xlsx
from students.tests.test_sheet_extent import far_cell_xlsx
from students.upload_recovery import this_worker, uploads_orphaned_fail

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def school(commune_a):
    return SchoolFactory(commune=commune_a, name="Trường Tiểu học Thử", level=SchoolLevel.PRIMARY)


def run_import(tmp_path, commune, data: bytes, name: str = "ds.xlsx", *extra: str) -> tuple[int, str]:
    path = tmp_path / name
    path.write_bytes(data)
    err = io.StringIO()
    try:
        call_command("import_students", str(path), "--commune", commune.code, *extra, stderr=err, stdout=io.StringIO())
        code = 0
    except SystemExit as exit:
        code = exit.code
    return code, err.getvalue()


@pytest.mark.django_db
def test_import_students_refuses_the_far_cell_file_saying_why(tmp_path, commune_a, school):
    code, err = run_import(tmp_path, commune_a, far_cell_xlsx())
    assert code == 1
    assert "XFD" in err and "1.048.576" in err
    assert "Chưa lưu gì: không đọc được tệp." in err
    assert "0 lỗi" not in err
    assert not Student.objects.exists()


@pytest.mark.django_db
def test_import_students_caps_its_memory_and_a_list_too_big_for_it_is_failed_with_the_reason(
    tmp_path, commune_a, school, settings, monkeypatch
):
    from students.management.commands import import_students

    caps = []
    monkeypatch.setattr(import_students, "limit_memory", caps.append)  # the real cap would bind pytest itself
    settings.WORKER_MEMORY_LIMIT_MB = 1234

    def out_of_memory(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(import_students, "import_file", out_of_memory)
    code, err = run_import(tmp_path, commune_a, xlsx(grid([pupil_row(1)])))
    assert caps == [1234]
    assert code == 1 and "bộ nhớ" in err
    upload = StudentUpload.objects.get()  # recorded, and not left pending
    assert upload.status == StudentUpload.Status.UNREADABLE and "bộ nhớ" in upload.message


@pytest.mark.django_db
def test_import_students_prints_the_first_errors_then_counts(tmp_path, commune_a, school, settings):
    settings.IMPORT_ERRORS_KEPT = 3
    rows = [pupil_row(n, **{"Ngày sinh": f"ngày {n}"}) for n in range(1, 11)]
    code, err = run_import(tmp_path, commune_a, xlsx(grid(rows)), "ds.xlsx", "--dry-run")
    lines = err.splitlines()
    assert code == 1
    assert sum(line.startswith("Dòng ") for line in lines) == 3
    assert "… và 7 lỗi khác, đếm theo cột và lý do:" in err
    assert any(line.strip().startswith("7 × Ngày sinh: “…” không phải là ngày") for line in lines), err
    assert lines[-1] == "Chưa lưu gì: có 10 lỗi."


def _processing(commune, *, worker: str, heartbeat) -> StudentUpload:
    upload = StudentUpload.objects.create(commune=commune, original_name="ds.xlsx")
    StudentUpload.objects.filter(pk=upload.pk).update(
        status=StudentUpload.Status.PROCESSING, worker=worker, heartbeat_at=heartbeat
    )
    return upload


def _dead_worker() -> str:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    host, _pid, _started = this_worker().split(":")
    return f"{host}:{process.pid}:1"


@pytest.mark.django_db
def test_an_upload_left_by_a_dead_worker_is_failed_when_its_page_is_opened(client, commune_a, commune_a_official):
    now = timezone.now()
    dead = _processing(commune_a, worker=_dead_worker(), heartbeat=now)
    alive = _processing(commune_a, worker=this_worker(), heartbeat=now)
    far_away_silent = _processing(commune_a, worker="other-host:42:7", heartbeat=now - timedelta(hours=1))
    far_away_busy = _processing(commune_a, worker="other-host:43:7", heartbeat=now)
    client.force_login(commune_a_official)
    for upload in (dead, alive, far_away_silent, far_away_busy):
        client.get(reverse("students:upload-detail", args=[commune_a.code, upload.pk]))
    statuses = {u.pk: u.status for u in StudentUpload.objects.all()}
    assert statuses[dead.pk] == statuses[far_away_silent.pk] == StudentUpload.Status.UNREADABLE
    assert statuses[alive.pk] == statuses[far_away_busy.pk] == StudentUpload.Status.PROCESSING
    page = client.get(reverse("students:upload-detail", args=[commune_a.code, dead.pk])).content.decode()
    assert "Tiến trình xử lý nền đã dừng" in page
    progress = client.get(reverse("students:upload-progress", args=[commune_a.code, far_away_silent.pk])).json()
    assert progress["finished"] is True
    assert dead.history.first().status == StudentUpload.Status.UNREADABLE


@pytest.mark.django_db(transaction=True)
def test_the_worker_fails_what_a_dead_worker_left_when_it_starts(commune_a, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    dead = _processing(commune_a, worker=_dead_worker(), heartbeat=timezone.now())
    call_command("run_worker", "--batch", "--no-startup-delay", verbosity=0, stderr=io.StringIO())
    dead.refresh_from_db()
    assert dead.status == StudentUpload.Status.UNREADABLE and dead.finished_at
    assert uploads_orphaned_fail() == 0


@pytest.mark.django_db
def test_result_pages_show_a_page_of_errors_and_count_the_rest(client, commune_a, commune_a_official, settings):
    upload = StudentUpload.objects.create(
        commune=commune_a,
        original_name="ds.xlsx",
        status=StudentUpload.Status.INVALID,
        error_count=5150,
        errors=[{"row": n, "column": "Ngày sinh", "message": f"lỗi {n}"} for n in range(1, 151)],
        error_summary=[{"column": "Ngày sinh", "message": "“…” không phải là ngày", "count": 5000}],
        original_file=ContentFile(b"x", name="ds.xlsx"),
    )
    client.force_login(commune_a_official)
    url = reverse("students:upload-detail", args=[commune_a.code, upload.pk])
    first = client.get(url).content.decode()
    assert first.count("<td>lỗi ") == 100 and "page=2" in first
    second = client.get(url + "?page=2").content.decode()
    assert second.count("<td>lỗi ") == 50
    assert "<td>5.000</td>" in first and "150 lỗi đầu tiên" in first


def _database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_far_cell_file_through_the_upload_page_and_a_real_worker(client, commune_a, commune_a_official, school):
    """A db_worker process takes the hostile file, refuses it, then imports the next list: it survives."""
    if connection.vendor != "postgresql":
        pytest.skip("the worker is a separate process: it needs a database it can share (PostgreSQL)")
    client.force_login(commune_a_official)
    url = reverse("students:upload", args=[commune_a.code])
    with django_settings_tasks():
        client.post(url, {"file": SimpleUploadedFile("hiem.xlsx", far_cell_xlsx())})
        client.post(url, {"file": SimpleUploadedFile("ds.xlsx", xlsx(grid([pupil_row(1), pupil_row(2)])))})
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DJANGO_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "DJANGO_MEDIA_ROOT": str(django_settings.MEDIA_ROOT),
        "WORKER_MEMORY_LIMIT_MB": "1024",
    }
    worker = subprocess.run(
        [sys.executable, "manage.py", "run_worker", "--batch", "--no-startup-delay"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=240,
    )
    assert worker.returncode == 0, worker.stderr.decode()[-2000:]
    hostile, good = StudentUpload.objects.order_by("pk")
    assert hostile.status == StudentUpload.Status.UNREADABLE
    assert "XFD" in hostile.message and "1.048.576" in hostile.message
    assert good.status == StudentUpload.Status.IMPORTED and good.created_count == 2
    page = client.get(reverse("students:upload-detail", args=[commune_a.code, hostile.pk])).content.decode()
    assert "XFD" in page


def django_settings_tasks():
    from django.test import override_settings

    return override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})


@pytest.mark.django_db
def test_the_worker_builds_the_marked_up_file_with_the_first_errors_and_the_counts(
    client, commune_a, commune_a_official, school, settings
):
    from openpyxl import load_workbook

    from students.upload_processing import process_upload

    settings.IMPORT_ERRORS_KEPT = 2
    rows = [pupil_row(n, **{"Ngày sinh": f"ngày {n}"}) for n in range(1, 6)]
    upload = StudentUpload.objects.create(
        commune=commune_a,
        original_name="ds.xlsx",
        original_file=ContentFile(xlsx(grid(rows)), name="ds.xlsx"),
        uploaded_by=commune_a_official,
    )
    process_upload(upload.pk)
    upload.refresh_from_db()
    assert upload.status == StudentUpload.Status.INVALID and upload.error_count == 5
    assert len(upload.errors) == 2 and upload.error_summary[0]["count"] == 3
    assert upload.annotated_file
    client.force_login(commune_a_official)
    response = client.get(reverse("students:upload-annotated", args=[commune_a.code, upload.pk]))
    workbook = load_workbook(io.BytesIO(response.content))
    sheet, counted = workbook.worksheets
    marked = [c.coordinate for row in sheet.iter_rows() for c in row if c.comment]
    assert marked == ["C2", "C3"]
    assert list(counted.iter_rows(values_only=True))[1] == (
        "Ngày sinh",
        "“…” không phải là ngày; ghi theo dạng dd/mm/yyyy.",
        3,
    )
