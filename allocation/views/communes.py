"""A commune's allocation summary: criteria and counts a commune can post publicly. No personal data."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from allocation import run_figures
from allocation.models import AllocationRun, AllocationSettings
from allocation.views.display import criteria, need_label, reason_label
from students.models import Commune


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
            for row in run_figures.left_out_in_commune(last_run, commune)
        ]
    return render(
        request,
        "allocation/commune_summary.html",
        {
            "commune": commune,
            "criteria": criteria(AllocationSettings.current()),
            "counts": run_figures.supports_by_level(commune),
            "last_run": last_run,
            "shares": shares,
            "left_out": left_out,
        },
    )
