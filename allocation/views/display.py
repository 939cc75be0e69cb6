"""Turn the engine's codes and the summaries' dicts into rows templates can show (labels, not codes)."""

from __future__ import annotations

from django.utils.text import capfirst

from allocation import labels
from allocation.models import AllocationSettings
from donations.models import DeviceType
from students.models import SchoolLevel

LEVEL_LABELS = dict(SchoolLevel.choices)
TYPE_LABELS = dict(DeviceType.choices)


def rule_label(code: str) -> str:
    return str(labels.RULES.get(code, code))


def reason_label(code: str) -> str:
    return str(labels.REASONS.get(code, code))


def need_label(code: str) -> str:
    """A left-out pupil's need: device or connectivity."""
    return str(labels.MISSED.get(code, code))


def score_need_label(code: str) -> str:
    """What the pupil lacks, as the score weighs it."""
    return str(labels.NEEDS.get(code, code))


def summary_rows(summary: dict) -> dict:
    """The dry run's (or a saved run's) summary with labels, for the run page."""
    by_level = summary.get("by_level", {})
    return {
        "totals": summary,
        "by_commune": summary.get("by_commune", []),
        "by_level": [
            {
                "label": LEVEL_LABELS.get(level, level),
                "proposed": by_level.get(level, {}).get("proposed", 0),
                "devices": by_level.get(level, {}).get("devices", 0),
                "places": by_level.get(level, {}).get("places", 0),
                "missed_device": by_level.get(level, {}).get("missed_device", 0),
                "missed_connectivity": by_level.get(level, {}).get("missed_connectivity", 0),
            }
            for level in SchoolLevel.values
        ],
        "by_type": [
            {"label": label, "count": summary.get("by_type", {}).get(kind, 0)} for kind, label in DeviceType.choices
        ],
        "left_out": [
            {"need": need_label(row["need"]), "reason": reason_label(row["reason"]), "count": row["count"]}
            for row in summary.get("left_out", [])
        ],
        "ineligible": [
            {"reason": reason_label(reason), "count": count}
            for reason, count in sorted(summary.get("ineligible", {}).items())
        ],
    }


def criteria(settings: AllocationSettings) -> dict:
    """The weights and the device table, in words, for pages that explain the rules."""
    return {
        "needs": [(capfirst(score_need_label(need)), weight) for need, weight in settings.need_weights.items()],
        "hardships": [
            (capfirst(labels.hardship_label(code)), weight)
            for code, weight in sorted(settings.hardship_weights.items(), key=lambda item: -item[1])
        ],
        "extra": settings.extra_hardship_weight,
        "devices": [
            (label, [TYPE_LABELS.get(kind, kind) for kind in settings.device_preferences.get(level, [])])
            for level, label in SchoolLevel.choices
        ],
    }
