"""The donation list page: bounded in time, nothing half-saved, the marked-up file made by the worker (issue 16)."""

from __future__ import annotations

import io
import socket

import pytest
from django.test import override_settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from common.request_deadline import Deadline
from donations import importing, marked_up
from donations.importing import import_file
from donations.models import CashReceipt, Device, Donor, Pledge, PledgeLine
from donations.tests.donation_files import donation_row, generated_rows, xlsx_file

pytestmark = pytest.mark.django_db
STOPPED = "giây nên đã dừng lại và chưa lưu gì"
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _nothing_saved() -> bool:
    return not any(m.objects.exists() for m in (Donor, Pledge, PledgeLine, CashReceipt, Device)) and not (
        Pledge.history.exists() or Donor.history.exists()
    )


def _named(file: io.BytesIO, name: str = "ds.xlsx") -> io.BytesIO:
    file.name = name
    return file


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    """POST to the import page as a request would: the enqueue waits for the commit."""

    def send(data: dict):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("donations:import"), data)

    return send


def _bad_list() -> io.BytesIO:
    return _named(xlsx_file([donation_row(), donation_row(**{"Số tiền": "-1"}), donation_row()]))


def test_a_list_that_passes_its_time_while_checked_is_refused_whole():
    clock = Clock()
    deadline = Deadline(60, clock=clock)
    clock.now = 61
    result = import_file(xlsx_file(generated_rows(30)), "ds.xlsx", deadline=deadline)
    assert not result.ok and STOPPED in result.file_error
    assert result.pledges == result.devices == result.receipts == 0
    assert _nothing_saved()


def test_a_list_that_passes_its_time_while_saved_keeps_nothing(monkeypatch):
    clock = Clock()
    save = importing.save_rows

    def slow_save(rows, *, user=None, deadline=None):
        saved = save(rows, user=user, deadline=deadline)
        clock.now = 61
        return saved

    monkeypatch.setattr(importing, "save_rows", slow_save)
    result = import_file(xlsx_file(generated_rows(30)), "ds.xlsx", deadline=Deadline(60, clock=clock))
    assert not result.ok and STOPPED in result.file_error
    assert result.pledges == result.devices == result.receipts == 0
    assert _nothing_saved()


def test_a_list_that_passes_its_time_between_two_batches_keeps_nothing(monkeypatch):
    clock = Clock()
    create = importing.bulk_create_with_history

    def slow_create(objs, model, **kwargs):
        created = create(objs, model, **kwargs)
        if model is Pledge:
            clock.now = 61
        return created

    monkeypatch.setattr(importing, "bulk_create_with_history", slow_create)
    result = import_file(xlsx_file(generated_rows(30)), "ds.xlsx", deadline=Deadline(60, clock=clock))
    assert STOPPED in result.file_error and _nothing_saved()


def test_the_command_line_has_no_time_budget(monkeypatch):
    result = import_file(xlsx_file(generated_rows(6)), "ds.xlsx")
    assert result.ok and result.pledges == 6


def test_the_page_says_the_list_took_too_long(client, education_office_user, settings):
    settings.REQUEST_IMPORT_SECONDS = 0
    client.force_login(education_office_user)
    response = client.post(reverse("donations:import"), {"file": _named(xlsx_file(generated_rows(12)))})
    assert response.status_code == 400
    assert "quá 0 giây nên đã dừng lại và chưa lưu gì" in response.content.decode()
    assert _nothing_saved()


def test_the_page_counts_every_error_and_shows_the_first(client, education_office_user, settings):
    settings.IMPORT_ERRORS_KEPT = 2
    client.force_login(education_office_user)
    rows = [donation_row(**{"Số tiền": "-1"}) for _ in range(7)]
    response = client.post(reverse("donations:import"), {"file": _named(xlsx_file(rows))})
    page = response.content.decode()
    assert response.status_code == 400 and "7 lỗi" in page and "5 dòng khác: " in page
    assert _nothing_saved()


def test_the_marked_up_file_is_made_by_the_worker_not_in_the_request(post, client, education_office_user):
    client.force_login(education_office_user)
    with override_settings(TASKS=DATABASE_TASKS):
        response = post({"file": _bad_list(), "annotated": "on"})
        assert response.status_code == 400 and response["Content-Type"].startswith("text/html")
        link = response.context["marked_up_url"]
        assert link in response.content.decode()
        # Enqueued for the worker; the request made no file.
        task = DBTaskResult.objects.get()
        assert task.task_path == "donations.tasks.donation_marked_up_build"
        waiting = client.get(link)
        assert waiting.status_code == 200 and waiting["Content-Type"].startswith("text/html")
        assert 'http-equiv="refresh"' in waiting.content.decode()
        assert "Tệp đang được chuẩn bị" in waiting.content.decode()
        args = task.args_kwargs["args"]
    assert marked_up.marked_up_build(user_id=args[0], token=args[1]) == marked_up.READY
    ready = client.get(link)
    assert ready.status_code == 200 and ready["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(b"".join(ready.streaming_content))).active
    assert [cell.row for row in sheet.iter_rows() for cell in row if cell.comment] == [5]
    folder = marked_up._folder(args[0], args[1])
    assert not list(folder.glob("original*"))  # the donors' list is not kept once marked
    assert _nothing_saved()


def test_with_the_immediate_backend_the_link_gives_the_file_at_once(post, client, education_office_user):
    client.force_login(education_office_user)
    response = post({"file": _bad_list(), "annotated": "on"})
    ready = client.get(response.context["marked_up_url"])
    assert ready["Content-Disposition"].startswith("attachment")


def test_the_marked_up_file_is_only_its_uploaders(post, client, education_office_user, accountant_user):
    client.force_login(education_office_user)
    response = post({"file": _bad_list(), "annotated": "on"})
    link = response.context["marked_up_url"]
    client.force_login(accountant_user)
    assert client.get(link).status_code == 404
    assert client.get(reverse("donations:import-marked-up", args=["..%2F..%2Fetc"])).status_code == 404
    assert client.get(reverse("donations:import-marked-up", args=["0" * 32])).status_code == 404


def test_a_worker_that_died_while_marking_is_reported_not_waited_for(post, client, education_office_user):
    client.force_login(education_office_user)
    with override_settings(TASKS=DATABASE_TASKS):
        response = post({"file": _bad_list(), "annotated": "on"})
    token = response.context["marked_up_url"].rstrip("/").rsplit("/", 1)[1]
    folder = marked_up._folder(education_office_user.pk, token)
    # A worker of this host whose process is gone took the job.
    gone = f"{socket.gethostname()}:999999999:1"
    marked_up._state_write(folder, state=marked_up.BUILDING, name="ds.xlsx", worker=gone)
    page = client.get(response.context["marked_up_url"]).content.decode()
    assert "Tiến trình chạy nền đã dừng khi đang đánh dấu tệp này" in page
    assert 'http-equiv="refresh"' not in page


def test_a_job_gone_silent_past_the_stale_time_is_failed(post, client, education_office_user, settings):
    client.force_login(education_office_user)
    with override_settings(TASKS=DATABASE_TASKS):
        response = post({"file": _bad_list(), "annotated": "on"})
    token = response.context["marked_up_url"].rstrip("/").rsplit("/", 1)[1]
    folder = marked_up._folder(education_office_user.pk, token)
    marked_up._state_write(folder, state=marked_up.BUILDING, name="ds.xlsx", worker="another-host:12:34")
    settings.STUDENT_UPLOAD_STALE_SECONDS = -1
    assert "Tiến trình chạy nền đã dừng" in client.get(response.context["marked_up_url"]).content.decode()


def test_a_fault_while_marking_is_said_in_vietnamese(post, client, education_office_user, monkeypatch):
    client.force_login(education_office_user)
    with override_settings(TASKS=DATABASE_TASKS):
        response = post({"file": _bad_list(), "annotated": "on"})
    token = response.context["marked_up_url"].rstrip("/").rsplit("/", 1)[1]

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(marked_up, "marked_up_workbook", broken)
    with pytest.raises(RuntimeError):
        marked_up.marked_up_build(user_id=education_office_user.pk, token=token)
    page = client.get(response.context["marked_up_url"]).content.decode()
    assert "Không tạo được tệp đánh dấu lỗi do hệ thống gặp sự cố" in page


def test_the_page_refuses_a_list_recording_more_devices_than_its_bound(client, education_office_user, settings):
    settings.REQUEST_IMPORT_MAX_DEVICES = 9
    client.force_login(education_office_user)
    device = {"Hình thức": "thiết bị", "Loại thiết bị": "máy tính bảng", "Tình trạng": "mới", "Số tiền": None}
    received = {**device, "Đã nhận": "x", "Ngày nhận": "23/09/2021"}
    rows = [donation_row(**received, **{"Số lượng": 5}), donation_row(**received, **{"Số lượng": 5})]
    rows.append(donation_row(**device, **{"Số lượng": 5000}))  # pledged, not received: no inventory rows
    response = client.post(reverse("donations:import"), {"file": _named(xlsx_file(rows))})
    assert response.status_code == 400
    assert "Danh sách này ghi đã nhận 10 thiết bị" in response.content.decode()
    assert _nothing_saved()
    settings.REQUEST_IMPORT_MAX_DEVICES = 10
    assert client.post(reverse("donations:import"), {"file": _named(xlsx_file(rows))}).status_code == 302
    assert Device.objects.count() == 10


def test_a_users_marked_up_files_are_kept_a_day(post, client, education_office_user):
    import os

    client.force_login(education_office_user)
    first = post({"file": _bad_list(), "annotated": "on"}).context["marked_up_url"]
    folder = marked_up._folder(education_office_user.pk, first.rstrip("/").rsplit("/", 1)[1])
    old = (folder / "state.json").stat().st_mtime - marked_up.KEPT_FOR.total_seconds() - 60
    os.utime(folder / "state.json", (old, old))
    second = post({"file": _bad_list(), "annotated": "on"}).context["marked_up_url"]
    assert not folder.exists() and client.get(first).status_code == 404
    assert client.get(second)["Content-Disposition"].startswith("attachment")
