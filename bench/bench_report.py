"""The 30/9 progress report (issue 7) at district and national scale.

The synthetic district of bench_allocation (28 communes, 280 hamlets, 62 schools,
coverage, offers, devices, 2 % of pupils listed but not verified, 0.5 % in undecided
pairs) is grown to each size N; then, written straight through COPY with their
history rows (the ORM per row would take hours at a million):

- supports for 45 % of the verified pupils (a device for the first 30 %, a place
  on an offer for the rest; a third still proposed, the others approved or handed
  over), and a saved run leaving 10 % of the pupils out with a reason;
- a pledge line and a receipt per 1,000 pupils.

For each size it measures `build_progress_report()` live and as of today (from the
history tables), and the .xlsx, .docx and .pdf documents (writing the file alone, and the
figures and the file as a download does): time, queries, peak Python memory (a second
run: tracing slows Python down).

Required (issue 7): at 1,000,000 pupils on PostgreSQL, the JSON in under 3 s with at
most 25 queries, the same number as at 10,000; the .xlsx and .docx in under 10 s.

Sizes: BENCH_REPORT_SIZES ("10000,1000000" on PostgreSQL, "2000,10000" on SQLite).
"""

from __future__ import annotations

import io
import json
import os
import random
import time
import tracemalloc
from collections.abc import Callable
from datetime import date
from typing import Any

from django.db import connection
from django.utils import timezone

from allocation import engine
from allocation.models import AllocationRun, LeftOut, Support
from bench.bench_allocation import District, _row
from common.bulk import insert_with_history, record_history
from donations.models import CashReceipt, Device, Pledge, PledgeLine
from reports.progress import build_progress_report
from reports.snapshot import Snapshot
from students.models import DuplicateCandidate, Hamlet, Student
from telecom.models import ConnectivityOffer, HamletCoverage, SimAssignment

CHUNK = 20_000


def _sizes() -> list[int]:
    default = "10000,1000000" if connection.vendor == "postgresql" else "2000,10000"
    return sorted({int(s) for s in os.environ.get("BENCH_REPORT_SIZES", default).split(",") if s.strip()})


class Supports:
    """Tops the district's supports, left-out rows, pledges and receipts up to its size."""

    def __init__(self, district: District):
        self.district = district
        self.done: set[int] = set()
        self.devices_used: set[int] = set()
        self.run = AllocationRun.objects.create(totals={"bench": True})
        self.line = district.lines["district"][0]

    def grow(self, rng: random.Random) -> None:
        now = timezone.now()
        pupils = [
            pk
            for pk in Student.objects.filter(status=Student.Status.VERIFIED).values_list("pk", flat=True)
            if pk not in self.done
        ]
        free_devices = [
            pk
            for pk in Device.objects.filter(status__in=Device.ALLOCATABLE_STATUSES).values_list("pk", flat=True)
            if pk not in self.devices_used
        ]
        offers = self.district.offers
        supports, places, left_out = [], [], []
        for pk in pupils:
            self.done.add(pk)
            roll = rng.random()
            if roll < 0.30 and free_devices:
                device = free_devices.pop()
                self.devices_used.add(device)
                supports.append(self._support(pk, now, rng, device=device))
            elif roll < 0.45:
                offer = rng.choice(offers)
                places.append(_row(SimAssignment, offer_id=offer.pk, student_id=pk, created_at=now))
                supports.append(self._support(pk, now, rng, offer=offer.pk))
            elif roll < 0.55:
                reason = rng.choice([engine.NO_DEVICE_LEFT, engine.NO_COVERAGE, engine.NO_PLACE_LEFT])
                left_out.append(_row(LeftOut, run_id=self.run.pk, student_id=pk, need="device", reason=reason))
        place_ids = iter(self._insert(SimAssignment, places))
        for support in supports:
            if support["offer_id"]:
                support["sim_assignment_id"] = next(place_ids)
        self._insert(Support, supports)
        self._insert(LeftOut, left_out)
        given = [s["device_id"] for s in supports if s["device_id"]]
        for start in range(0, len(given), CHUNK):
            chunk = given[start : start + CHUNK]
            Device.objects.filter(pk__in=chunk).update(status=Device.Status.ALLOCATED)
            record_history(Device, chunk, reason="bench")
        lines = [
            _row(PledgeLine, pledge_id=self.line.pledge_id, kind="cash", amount_vnd=rng.randrange(1, 50) * 1_000_000)
            for _ in range(max(len(pupils) // 1000, 1))
        ]
        for line_id in self._insert(PledgeLine, lines):
            CashReceipt.objects.create(
                received_on=date(2021, 9, 25), amount_vnd=1_000_000, payer="A", pledge_line_id=line_id
            )

    def _support(self, pk: int, now, rng: random.Random, device: int | None = None, offer: int | None = None) -> dict:
        status = rng.choice([Support.Status.PROPOSED, Support.Status.APPROVED, Support.Status.HANDED_OVER])
        return _row(
            Support,
            student_id=pk,
            device_id=device,
            offer_id=offer,
            status=status,
            run_id=self.run.pk,
            handed_over_on=date(2021, 9, 28) if status == Support.Status.HANDED_OVER else None,
            created_at=now,
        )

    @staticmethod
    def _insert(model, rows: list[dict]) -> list[int]:
        ids: list[int] = []
        for start in range(0, len(rows), CHUNK):
            ids += insert_with_history(model, rows[start : start + CHUNK])
        return ids


def _history_of_bulk_rows() -> None:
    """The allocation bench's district writes some tables with bulk_create/bulk_update, which
    keep no history; the application never does. Record them as they stand, so that the report
    as of today, read from history, can be compared with the live one."""
    for model in (Hamlet, HamletCoverage, Pledge, PledgeLine, ConnectivityOffer, DuplicateCandidate):
        ids = list(model.objects.values_list("pk", flat=True))
        record_history(model, ids, reason="bench")


def _measure(function: Callable[[], Any]) -> dict[str, Any]:
    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    started = time.perf_counter()
    with connection.execute_wrapper(count):
        result = function()
    return {"time": time.perf_counter() - started, "queries": queries, "result": result}


def _peak_mib(function: Callable[[], Any]) -> float:
    tracemalloc.start()
    function()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1024 / 1024


def _documents() -> dict[str, Callable[[dict], bytes]]:
    """The document writers that exist (the report files), by format."""
    try:
        from reports.documents import render
    except ImportError:
        return {}
    return {fmt: (lambda report, fmt=fmt: render(report, fmt)) for fmt in ("xlsx", "docx", "pdf")}


def run(figures) -> None:
    sizes = _sizes()
    started = time.perf_counter()
    rng = random.Random(930)
    district = District(random.Random(2021))
    supports = Supports(district)
    today = Snapshot(timezone.localdate())
    for size in sizes:
        t0 = time.perf_counter()
        district.grow(size)
        supports.grow(rng)
        _history_of_bulk_rows()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")  # what autovacuum would have done after the COPY
        print(f"  (grew to {size:,} pupils in {time.perf_counter() - t0:.1f} s)", flush=True)
        n = f"{size:,} pupils"
        build_progress_report()  # warm the database's cache, as a second visitor would find it
        live = min((_measure(build_progress_report) for _ in range(2)), key=lambda m: m["time"])
        report = live["result"]
        figures.add(f"{n}: pupils in need", report["students"]["in_need"])
        figures.add(f"{n}: supported", report["students"]["supported"])
        figures.add(f"{n}: JSON report: time", live["time"] * 1000, "ms")
        figures.add(f"{n}: JSON report: queries", live["queries"])
        figures.add(f"{n}: JSON report: peak Python memory", _peak_mib(build_progress_report), "MiB")
        figures.add(f"{n}: JSON size", len(json.dumps(report, ensure_ascii=False)) / 1024, "KiB")
        as_of = _measure(lambda: build_progress_report(today))
        same = json.dumps({**as_of["result"], "as_of": "", "live": None, "generated_at": ""}, sort_keys=True) == (
            json.dumps({**report, "as_of": "", "live": None, "generated_at": ""}, sort_keys=True)
        )
        figures.add(f"{n}: as of today (history): time", as_of["time"] * 1000, "ms")
        figures.add(f"{n}: as of today (history): queries", as_of["queries"])
        figures.text([f"{n}: the report from history equals the live report: {'yes' if same else 'NO'}"])
        for fmt, render in _documents().items():
            made = _measure(lambda render=render, report=report: render(report))
            figures.add(f"{n}: .{fmt}: writing the file: time", made["time"] * 1000, "ms")
            whole = _measure(lambda render=render: render(build_progress_report()))
            figures.add(f"{n}: .{fmt}: figures and file: time", whole["time"] * 1000, "ms")
            figures.add(f"{n}: .{fmt}: size", len(made["result"]) / 1024, "KiB")
            _ = io.BytesIO(made["result"])
    figures.add("total time", time.perf_counter() - started, "s")
