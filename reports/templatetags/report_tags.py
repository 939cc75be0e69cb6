"""Words for the report's codes, and its ISO moments as dates, in templates."""

from __future__ import annotations

from datetime import datetime

from django import template

from reports import labels
from students.lists import refused_wording

register = template.Library()

_GROUPS = {
    "levels": labels.LEVELS,
    "device_types": labels.DEVICE_TYPES,
    "device_statuses": labels.DEVICE_STATUSES,
    "money_kinds": labels.MONEY_KINDS,
    "spending": labels.SPENDING,
    "hardships": labels.HARDSHIPS,
    "needs": labels.NEEDS,
    "gap_reasons": labels.GAP_REASONS,
    "milestone_statuses": labels.MILESTONE_STATUSES,
    "support_statuses": labels.SUPPORT_STATUSES,
    "feedback_statuses": labels.FEEDBACK_STATUSES,
    "feedback_kinds": labels.FEEDBACK_KINDS,
}


@register.filter
def label(code, group: str) -> str:
    """`{{ "primary"|label:"levels" }}` → "tiểu học"; an unknown code is shown as it is."""
    return str(_GROUPS[group].get(code, code))


@register.filter
def get(mapping, key):
    """`{{ figures|get:kind }}`: a dict's value by a key held in a variable."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def moment(value):
    """An ISO 8601 text of the report ("2021-09-22T17:00+07:00") as a datetime, for |date."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None


@register.filter
def refused_upload(day) -> str:
    """`{{ row.list_refused_on|refused_upload }}` → "lần gửi ngày 21/09/2021 bị từ chối" (students.lists)."""
    return refused_wording(day) if day else ""
