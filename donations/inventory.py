"""The device lifecycle: which status may follow which, changed under a row lock."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from donations.models import Device

S = Device.Status

ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    S.RECEIVED: frozenset({S.AWAITING_INSPECTION, S.READY}),
    S.AWAITING_INSPECTION: frozenset({S.READY, S.NEEDS_REPAIR, S.UNUSABLE}),
    S.READY: frozenset({S.ALLOCATED, S.NEEDS_REPAIR, S.AWAITING_INSPECTION}),
    S.NEEDS_REPAIR: frozenset({S.REPAIRED, S.UNUSABLE}),
    S.REPAIRED: frozenset({S.ALLOCATED, S.NEEDS_REPAIR}),
    S.UNUSABLE: frozenset(),
    # A withdrawn allocation puts the device back on the shelf.
    S.ALLOCATED: frozenset({S.HANDED_OVER, S.READY}),
    S.HANDED_OVER: frozenset({S.RETURNED}),
    S.RETURNED: frozenset({S.AWAITING_INSPECTION, S.READY}),
}


# Statuses that only a service may set: inspection results (telecom units, who also check the
# previous owner's data was wiped) and the allocation lifecycle (the allocation app).
_SERVICE_ONLY: dict[str, frozenset[str]] = {
    S.AWAITING_INSPECTION: frozenset({S.READY, S.NEEDS_REPAIR, S.UNUSABLE}),
    S.NEEDS_REPAIR: frozenset({S.REPAIRED, S.UNUSABLE}),
}
_ALLOCATION_STATUSES: frozenset[str] = frozenset({S.ALLOCATED, S.HANDED_OVER, S.RETURNED})


def manual_transitions(status: str) -> list[str]:
    """What staff may set by hand on the inventory page from `status`."""
    if status in _ALLOCATION_STATUSES - {S.RETURNED}:
        # A support holds the device: only allocation's services free it (withdraw, take back),
        # so the inventory never calls a device free while a pupil's support still holds it.
        return []
    allowed = ALLOWED_TRANSITIONS[status] - _SERVICE_ONLY.get(status, frozenset()) - _ALLOCATION_STATUSES
    return sorted(allowed)


def initial_status(condition: str) -> str:
    """New devices are ready on receipt; used ones wait for the telecom units' inspection."""
    return S.READY if condition == "new" else S.AWAITING_INSPECTION


def device_status_change(*, device_id: int, status: str, reason: str = "") -> Device:
    """Move a device to `status`, or raise ValidationError if the lifecycle forbids it.

    The row is locked so two people changing the same device at once are serialised.
    """
    with transaction.atomic():
        device = Device.objects.select_for_update().get(pk=device_id)
        if status not in ALLOWED_TRANSITIONS[device.status]:
            raise ValidationError(
                _("A device that is “%(current)s” cannot become “%(new)s”.")
                % {"current": device.get_status_display(), "new": S(status).label},
                code="invalid_transition",
            )
        device.status = status
        device._change_reason = reason  # type: ignore[attr-defined]  # simple_history's hook, not a field
        device.save(update_fields=["status"])
    return device
