"""A commune's allocation summary: criteria and counts a commune can post publicly. No personal data."""

from __future__ import annotations

from collections import Counter

from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from allocation.models import AllocationRun, AllocationSettings, LeftOut, Support
from allocation.views.display import LEVEL_LABELS, TYPE_LABELS, criteria, need_label, reason_label
from donations.models import DeviceType
from students.models import Commune, SchoolLevel

STATUSES = [status for status, _label in Support.Status.choices]


def _by_level(commune: Commune) -> dict:
    """Supports of the commune counted by level and status, devices by type, places — numbers only."""
    rows = (
        Support.objects.filter(student__commune=commune)
        .values("student__level", "status", "device__device_type")
        .annotate(n=Count("pk"), places=Count("offer"))
    )
    levels = {level: Counter() for level in SchoolLevel.values}
    types = {kind: Counter() for kind in DeviceType.values}
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


@login_required
@permission_required("allocation.view_support", raise_exception=True)
@require_safe
def commune_summary(request: HttpRequest, code: str) -> HttpResponse:
    # Another commune's summary is a 404, like its other pages.
    commune = get_object_or_404(Commune.objects.visible_to(request.user), code=code)
    last_run = AllocationRun.objects.order_by("-started_at", "-pk").first()
    shares, left_out = None, []
    if last_run is not None:
        shares = next((row for row in last_run.totals.get("by_commune", []) if row.get("code") == commune.code), None)
        left_out = [
            {"need": need_label(row["need"]), "reason": reason_label(row["reason"]), "count": row["n"]}
            for row in LeftOut.objects.filter(run=last_run, student__commune=commune)
            .values("need", "reason")
            .annotate(n=Count("pk"))
            .order_by("need", "reason")
        ]
    return render(
        request,
        "allocation/commune_summary.html",
        {
            "commune": commune,
            "criteria": criteria(AllocationSettings.current()),
            "counts": _by_level(commune),
            "last_run": last_run,
            "shares": shares,
            "left_out": left_out,
        },
    )
