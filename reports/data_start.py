"""The first day anything the progress report counts was recorded: a report of an earlier day has nothing to show."""

from __future__ import annotations

from datetime import date

from django.db.models import Min
from django.utils import timezone

from donations.models import PledgeLine
from students.models import Student
from telecom.models import HamletCoverage

# What the report counts: pupils on the lists, pledges (and through them money and devices), coverage.
COUNTED = (Student, PledgeLine, HamletCoverage)


def first_recorded_day() -> date | None:
    """The local day of the earliest change to a pupil, a pledge line or a hamlet's coverage; None before any."""
    moments = [model.history.aggregate(first=Min("history_date"))["first"] for model in COUNTED]
    moments = [moment for moment in moments if moment is not None]
    return timezone.localdate(min(moments)) if moments else None
