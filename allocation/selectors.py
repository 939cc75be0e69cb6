"""Reads about supports that pages, reports and other apps share. No personal data leaves here
except through `explain_pupil`, which staff pages call for a pupil they may already see."""

from __future__ import annotations

from django.db.models import Count

from allocation import engine
from allocation.models import AllocationRun, AllocationSettings, LeftOut, Support
from allocation.proposals import load_pupils, rules_from
from donations.models import Pledge


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
