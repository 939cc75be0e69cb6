"""Imports run while the browser waits stop at their time budget and save nothing (issue 16)."""

from __future__ import annotations

import io

import pytest
from django.db import connection

from common.request_deadline import Deadline, DeadlinePassed
from students import hamlets
from students.hamlets import hamlets_import
from students.models import Commune, Hamlet
from students.tests.spreadsheet_files import xlsx

pytestmark = pytest.mark.django_db
STOPPED = "quá 60 giây nên đã dừng lại và chưa lưu gì"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_the_budget_comes_from_the_settings_and_is_well_inside_gunicorns_timeout(settings):
    from pathlib import Path

    gunicorn = Path(settings.BASE_DIR, "deploy", "gunicorn.conf.py").read_text()
    timeout = int(next(line for line in gunicorn.splitlines() if line.startswith("timeout")).split("=")[1])
    assert Deadline().seconds == settings.REQUEST_IMPORT_SECONDS <= timeout / 2


def test_the_rows_stop_once_the_time_is_up():
    clock = Clock()
    deadline = Deadline(60, clock=clock)
    seen = []
    with pytest.raises(DeadlinePassed) as passed:
        for row in deadline.rows(range(1000)):
            seen.append(row)
            if row == 150:
                clock.now = 61
    assert seen[-1] == 199  # looked at the clock every hundred rows
    assert STOPPED in str(passed.value)


def test_a_budget_run_out_inside_the_transaction_rolls_it_back(commune_a):
    clock = Clock()
    deadline = Deadline(60, clock=clock)
    with pytest.raises(DeadlinePassed), deadline.atomic():
        Hamlet.objects.create(commune=commune_a, name="Thôn Mới")
        clock.now = 61
    assert not Hamlet.objects.exists()


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="statement_timeout is PostgreSQL's")
def test_on_postgresql_one_slow_statement_cannot_outrun_the_budget(commune_a):
    deadline = Deadline(0.3)
    with pytest.raises(DeadlinePassed), deadline.atomic():
        Hamlet.objects.create(commune=commune_a, name="Thôn Mới")
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(5)")
    assert not Hamlet.objects.exists()
    with connection.cursor() as cursor:  # the test's own transaction keeps its own limit
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "0"


def _hamlet_list(commune, count: int) -> io.BytesIO:
    return io.BytesIO(xlsx([["Xã/Thị trấn", "Thôn/Xóm"], *[[commune.name, f"Thôn {n}"] for n in range(count)]]))


def test_a_hamlet_list_that_passes_its_time_while_checked_saves_nothing(commune_a):
    clock = Clock()
    deadline = Deadline(60, clock=clock)
    clock.now = 61  # the reading alone took the whole budget
    result = hamlets_import(
        file=_hamlet_list(commune_a, 5), filename="thon.xlsx", communes=Commune.objects.all(), deadline=deadline
    )
    assert not result.ok and result.created == 0
    assert [e["message"] for e in result.errors] == [str(DeadlinePassed(60))]
    assert STOPPED in result.errors[0]["message"]
    assert not Hamlet.objects.exists()


def test_a_hamlet_list_that_passes_its_time_while_saved_saves_nothing(commune_a, monkeypatch):
    clock = Clock()
    deadline = Deadline(60, clock=clock)
    save = hamlets.bulk_create_with_history

    def slow_save(*args, **kwargs):
        created = save(*args, **kwargs)
        clock.now = 61
        return created

    monkeypatch.setattr(hamlets, "bulk_create_with_history", slow_save)
    result = hamlets_import(
        file=_hamlet_list(commune_a, 300), filename="thon.xlsx", communes=Commune.objects.all(), deadline=deadline
    )
    assert not result.ok and result.created == 0 and STOPPED in result.errors[0]["message"]
    assert not Hamlet.objects.exists() and not Hamlet.history.exists()
