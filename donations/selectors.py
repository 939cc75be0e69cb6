"""Reads about donations that pages and reports share."""

from __future__ import annotations

from django.db.models import Count

from donations.models import Device, DeviceType


def _count_by_type(devices) -> dict[str, int]:
    counts = dict.fromkeys(DeviceType.values, 0)
    for row in devices.values("device_type").annotate(n=Count("pk")):
        counts[row["device_type"]] = row["n"]
    return counts


def report_figures() -> dict:
    """The `donations` part of the progress report, except connectivity (telecom's)."""
    # TODO(issue 4): cash pledged/received/spent and devices pledged come with pledge lines and the ledger.
    in_stock = Device.objects.exclude(status=Device.Status.UNUSABLE)
    return {
        "cash_pledged_vnd": 0,
        "cash_received_vnd": 0,
        "cash_spent_vnd": 0,
        "devices_pledged": dict.fromkeys(DeviceType.values, 0),
        "devices_received": _count_by_type(in_stock),
        "devices_allocated": _count_by_type(
            Device.objects.filter(status__in=[Device.Status.ALLOCATED, Device.Status.HANDED_OVER])
        ),
    }
