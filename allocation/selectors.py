"""Reads about supports that pages, reports and other apps share. No personal data leaves here
except through `explain_pupil`, which staff pages call for a pupil they may already see."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Q

from allocation import engine
from allocation.models import AllocationRun, AllocationSettings, LeftOut, Support
from allocation.proposals import load_pupils, rules_from
from donations.models import DeviceType, Pledge
from students.models import SchoolLevel

_ZERO = {"supported": 0, "supported_device": 0, "supported_connectivity": 0}


def report_figures() -> dict:
    """Supported pupils (approved, handed over, or returned and not released) overall, by commune and level.

    One grouped query; devices allocated by type in a second.
    """
    rows = (
        Support.objects.given()
        .values("student__commune__code", "student__level")
        .annotate(
            supported=Count("student", distinct=True),
            supported_device=Count("student", filter=Q(device__isnull=False), distinct=True),
            supported_connectivity=Count("student", filter=Q(offer__isnull=False), distinct=True),
        )
    )
    total = dict(_ZERO)
    by_commune: dict[str, int] = defaultdict(int)
    by_level = {level: dict(_ZERO) for level in SchoolLevel.values}
    for row in rows:
        for key in _ZERO:
            total[key] += row[key]
            by_level[row["student__level"]][key] += row[key]
        by_commune[row["student__commune__code"]] += row["supported"]
    allocated = dict.fromkeys(DeviceType.values, 0)
    devices = Support.objects.filter(
        status__in=[Support.Status.APPROVED, Support.Status.HANDED_OVER], device__isnull=False
    )
    for row in devices.values("device__device_type").annotate(n=Count("pk")):
        allocated[row["device__device_type"]] = row["n"]
    return {"students": total, "by_commune": dict(by_commune), "by_level": by_level, "devices_allocated": allocated}


def pledge_destinations(pledge: Pledge) -> list[dict]:
    """Where a pledge's devices and places went, by commune and school — never a pupil's name."""
    given = Support.objects.given()
    rows: dict[tuple[str, str], dict] = {}

    def add(queryset, key: str) -> None:
        for row in queryset.values("student__commune__name", "student__school__name").annotate(n=Count("pk")):
            place = (row["student__commune__name"], row["student__school__name"])
            entry = rows.setdefault(place, {"commune": place[0], "school": place[1], "devices": 0, "connectivity": 0})
            entry[key] += row["n"]

    add(given.filter(device__pledge_line__pledge=pledge), "devices")
    add(given.filter(offer__pledge_line__pledge=pledge), "connectivity")
    return sorted(rows.values(), key=lambda row: (row["commune"], row["school"]))


def explain_pupil(student) -> dict:
    """Why this pupil was or was not supported: their support, score, rank, rule, and what was short."""
    settings = AllocationSettings.current()
    supports = list(
        Support.objects.filter(student=student)
        .select_related("device", "offer__provider", "sim_assignment", "run", "batch", "approved_by")
        .order_by("-created_at")
    )
    holding = next((s for s in supports if not s.released), None)
    pupils = load_pupils([student.pk])
    now = engine.eligibility(pupils[0]) if pupils else "not_in_need"
    score = engine.explain_score(pupils[0], rules_from(settings)) if pupils else None
    last_run = AllocationRun.objects.order_by("-started_at", "-pk").first()
    left_out = []
    if last_run is not None:
        left_out = list(LeftOut.objects.filter(run=last_run, student=student).order_by("need"))
    return {
        "support": holding,
        "earlier_supports": [s for s in supports if s is not holding],
        "eligibility": now,
        "score": score,
        "last_run": last_run,
        "left_out": left_out,
    }
