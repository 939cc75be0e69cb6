"""Counts the allocation pages show that are not the report's: a commune's supports by level and
status, the last run's left-out pupils of a commune, and each past run's supports by status.
Views only read these (tests/test_figures_single_source.py)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db.models import Count, Q

from allocation.models import AllocationRun, LeftOut, Support
from allocation.views.display import LEVEL_LABELS, TYPE_LABELS
from donations.models import DeviceType
from students.models import Commune, SchoolLevel

STATUSES = [status for status, _label in Support.Status.choices]


def supports_by_level(commune: Commune) -> dict:
    """Supports of the commune counted by level and status, devices by type, places — numbers only."""
    rows = (
        Support.objects.filter(student__commune=commune)
        .values("student__level", "status", "device__device_type")
        .annotate(n=Count("pk"), places=Count("offer"))
    )
    levels: dict[str, Counter[str]] = {level: Counter() for level in SchoolLevel.values}
    types: dict[str, Counter[str]] = {kind: Counter() for kind in DeviceType.values}
    for row in rows:
        level = levels[row["student__level"]]
        level[row["status"]] += row["n"]
        level["places"] += row["places"] if row["status"] in Support.ACTIVE_STATUSES else 0
        kind = row["device__device_type"]
        if kind and row["status"] in Support.ACTIVE_STATUSES:
            level["devices"] += row["n"]
            types[kind][row["status"]] += row["n"]
    total = sum(levels.values(), Counter())
    return {
        "statuses": Support.Status.choices,
        "levels": [
            (LEVEL_LABELS[level], [counts[s] for s in STATUSES], counts["devices"], counts["places"])
            for level, counts in levels.items()
        ],
        "total": ([total[s] for s in STATUSES], total["devices"], total["places"]),
        "types": [
            (TYPE_LABELS[kind], counts[Support.Status.PROPOSED], counts[Support.Status.APPROVED], counts["handed_over"])
            for kind, counts in types.items()
        ],
    }


def left_out_in_commune(run: AllocationRun, commune: Commune) -> list[dict[str, Any]]:
    """The run's left-out pupils of the commune, counted by need and reason (codes)."""
    rows = LeftOut.objects.filter(run=run, student__commune=commune).values("need", "reason")
    return [dict(row) for row in rows.annotate(n=Count("pk")).order_by("need", "reason")]


def past_runs(shown: int):
    given = Q(supports__status__in=Support.GIVEN_STATUSES)
    return (
        AllocationRun.objects.select_related("run_by")
        .annotate(
            still_proposed=Count("supports", filter=Q(supports__status=Support.Status.PROPOSED)),
            given=Count("supports", filter=given),
            withdrawn=Count("supports", filter=Q(supports__status=Support.Status.WITHDRAWN)),
        )
        .order_by("-started_at", "-pk")[:shown]
    )
