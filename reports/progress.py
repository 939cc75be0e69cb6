"""The 30/9 progress report: one set of figures for the screen, the files and the JSON."""

from __future__ import annotations

from django.utils import timezone

from allocation.selectors import report_figures as support_figures
from donations.selectors import report_figures as donation_figures
from reports.models import Milestone
from students.selectors import report_figures as student_figures
from telecom.selectors import connectivity_figures, infrastructure_figures


def _with_support(figures: dict, support: dict) -> dict:
    supported = support["supported"]
    in_need = figures["in_need"]
    return {
        **figures,
        **support,
        "unsupported": max(in_need - supported, 0),
        "supported_pct": round(100 * supported / in_need, 1) if in_need else 0.0,
    }


def milestone_figures() -> list[dict]:
    return [
        {
            "code": m.code,
            "name": m.name,
            "due": timezone.localtime(m.due_at).isoformat(),
            "done": m.is_done,
            "late": m.is_late,
        }
        for m in Milestone.objects.all()
    ]


def build_progress_report() -> dict:
    pupils = student_figures()
    supports = support_figures()
    return {
        "as_of": timezone.localdate().isoformat(),
        "students": _with_support(pupils["students"], supports["students"]),
        "by_commune": [
            {**row, "supported": supports["by_commune"].get(row["code"], 0)} for row in pupils["by_commune"]
        ],
        "by_level": {level: _with_support(f, supports["by_level"][level]) for level, f in pupils["by_level"].items()},
        "donations": {
            **donation_figures(),
            "devices_allocated": supports["devices_allocated"],
            **connectivity_figures(),
        },
        "infrastructure": infrastructure_figures(),
        "milestones": milestone_figures(),
    }
