"""The hamlet and SIM lists, imported while the browser waits, stop at their time budget and save nothing."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from common.request_deadline import Deadline
from students.models import Hamlet
from students.tests.spreadsheet_files import xlsx
from telecom import sim_sheets
from telecom.models import SimAssignment
from telecom.sim_sheets import sim_import
from telecom.tests.test_sim_sheets import _fill, offer  # noqa: F401  (the offer fixture)

pytestmark = pytest.mark.django_db
STOPPED = "giây nên đã dừng lại và chưa lưu gì"


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _sim_file(client, offer) -> io.BytesIO:  # noqa: F811
    response = client.get(reverse("telecom:sim-export", args=[offer.pk]))
    workbook = load_workbook(io.BytesIO(response.content))
    _fill(workbook.active, 2, "0961234567", "có", date(2021, 9, 25))
    _fill(workbook.active, 3, "0961234568")
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def test_the_hamlet_page_says_the_list_took_too_long(client, education_office_user, commune_a, settings):
    settings.REQUEST_IMPORT_SECONDS = 0
    client.force_login(education_office_user)
    data = xlsx([["Xã/Thị trấn", "Thôn/Xóm"], [commune_a.name, "Thôn Đông"], [commune_a.name, "Thôn Tây"]])
    response = client.post(reverse("telecom:hamlet-import"), {"file": SimpleUploadedFile("thon.xlsx", data)})
    assert response.status_code == 400
    assert "quá 0 giây nên đã dừng lại và chưa lưu gì" in response.content.decode()
    assert not Hamlet.objects.exists()


def test_a_sim_list_that_passes_its_time_while_saved_saves_nothing(client, offer, viettel_user, monkeypatch):  # noqa: F811
    client.force_login(viettel_user)
    file = _sim_file(client, offer)
    clock = Clock()
    apply = sim_sheets._apply

    def slow_apply(changes, deadline):
        applied = apply(changes, deadline)
        clock.now = 61
        return applied

    monkeypatch.setattr(sim_sheets, "_apply", slow_apply)
    history = SimAssignment.history.count()
    result = sim_import(offer=offer, file=file, filename="sim.xlsx", deadline=Deadline(60, clock=clock))
    assert not result.ok and result.updated == result.unchanged == 0
    assert len(result.errors) == 1 and STOPPED in result.errors[0]["message"]
    assert not SimAssignment.objects.exclude(sim_number="").exists()
    assert SimAssignment.history.count() == history


def test_a_sim_list_that_passes_its_time_while_checked_saves_nothing(client, offer, viettel_user):  # noqa: F811
    client.force_login(viettel_user)
    file = _sim_file(client, offer)
    clock = Clock()
    deadline = Deadline(60, clock=clock)
    clock.now = 60.5
    result = sim_import(offer=offer, file=file, filename="sim.xlsx", deadline=deadline)
    assert [STOPPED in e["message"] for e in result.errors] == [True]
    assert not SimAssignment.objects.exclude(sim_number="").exists()


def test_the_sim_page_says_the_list_took_too_long(client, offer, viettel_user, settings):  # noqa: F811
    client.force_login(viettel_user)
    file = _sim_file(client, offer)
    settings.REQUEST_IMPORT_SECONDS = 0
    upload = SimpleUploadedFile("sim.xlsx", file.getvalue())
    response = client.post(reverse("telecom:sim-upload", args=[offer.pk]), {"file": upload})
    assert response.status_code == 400
    assert "quá 0 giây nên đã dừng lại và chưa lưu gì" in response.content.decode()
    assert not SimAssignment.objects.exclude(sim_number="").exists()
