"""Issue 15 item 1: every import path records the upload, and "list received" is one definition
(students.lists) that the report, the staff home, the commune's page and the dashboard all read."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from reports.dashboard import attention_items
from reports.progress import build_progress_report
from reports.tests.dashboard_data import AFTER_DEADLINES
from students.models import SchoolLevel, Student, StudentUpload
from students.tests.factories import SchoolFactory
from students.tests.spreadsheet_files import csv_bytes, grid, pupil_row, xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def school(commune_a):
    return SchoolFactory(commune=commune_a, name="Trường Tiểu học Thử", level=SchoolLevel.PRIMARY)


def _good(tmp_path):
    path = tmp_path / "ds-zalo.xlsx"
    path.write_bytes(xlsx(grid([pupil_row(1), pupil_row(2)])))
    return path


def _bad(tmp_path):
    path = tmp_path / "ds-sai.csv"
    path.write_bytes(csv_bytes(grid([pupil_row(1, **{"Ngày sinh": "32/13/2012"})])))
    return path


def _items(user) -> dict:
    return {item.key: item for item in attention_items(user, now=AFTER_DEADLINES)}


def _row(commune) -> dict:
    return next(r for r in build_progress_report()["by_commune"] if r["code"] == commune.code)


def test_a_list_imported_on_the_command_line_is_recorded_and_counts_as_received(
    tmp_path, commune_a, school, education_office_user, client
):
    call_command("import_students", str(_good(tmp_path)), "--commune", commune_a.code, "--user", "phonggd")
    upload = StudentUpload.objects.get(commune=commune_a)
    assert upload.status == StudentUpload.Status.IMPORTED
    assert upload.channel == StudentUpload.Channel.COMMAND_LINE and upload.on_behalf
    assert upload.uploaded_by == education_office_user and upload.created_count == 2
    assert set(Student.objects.values_list("upload", flat=True)) == {upload.pk}
    assert _row(commune_a)["list_received"] and not _row(commune_a)["list_has_errors"]
    assert "lists_missing" not in _items(education_office_user) or commune_a.name not in " ".join(
        d.label for d in _items(education_office_user)["lists_missing"].details
    )
    client.force_login(education_office_user)
    home = client.get(reverse("staff-home")).content.decode()
    assert "đã tiếp nhận" in home


def test_a_refused_command_line_file_is_recorded_too_and_the_os_account_is_kept(tmp_path, commune_a, school):
    with pytest.raises(SystemExit):
        call_command("import_students", str(_bad(tmp_path)), "--commune", commune_a.code)
    upload = StudentUpload.objects.get(commune=commune_a)
    assert upload.status == StudentUpload.Status.INVALID and upload.error_count == 1
    assert upload.uploaded_by is None and upload.system_account
    assert not Student.objects.exists()
    assert not _row(commune_a)["list_received"] and _row(commune_a)["list_has_errors"]


def test_a_dry_run_records_nothing(tmp_path, commune_a, school):
    call_command("import_students", str(_good(tmp_path)), "--commune", commune_a.code, "--dry-run")
    assert not StudentUpload.objects.exists()


def test_a_refused_file_after_an_imported_list_is_shown_without_undoing_it(
    tmp_path, commune_a, commune_b, school, education_office_user, client
):
    call_command("import_students", str(_good(tmp_path)), "--commune", commune_a.code)
    with pytest.raises(SystemExit):
        call_command("import_students", str(_bad(tmp_path)), "--commune", commune_a.code)
    row = _row(commune_a)
    assert row["list_received"] and not row["list_has_errors"]
    assert row["list_refused_on"]
    found = _items(education_office_user)
    assert "lists_with_errors" not in found  # no urgent alert: the list stands
    assert commune_a.name not in " ".join(d.label for d in found["lists_missing"].details)
    refused = found["lists_refused"]
    assert refused.count == 1 and "bị từ chối" in refused.details[0].label
    client.force_login(education_office_user)
    for url in (reverse("staff-home"), reverse("reports:progress"), reverse("students:commune-detail", args=["09076"])):
        page = client.get(url).content.decode()
        assert "bị từ chối" in page, url
        assert "còn lỗi" not in page, url
