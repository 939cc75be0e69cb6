"""Inspection and repair of used donated devices by the telecom units (plan §VII.8).

The device's inventory status moves only through `donations.inventory.device_status_change`,
in the same transaction as the record, so the two never disagree.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from donations.inventory import device_status_change
from donations.models import Device
from telecom.models import DeviceInspection, Provider

Result = DeviceInspection.Result
Outcome = DeviceInspection.RepairOutcome


def devices_awaiting_inspection() -> QuerySet[Device]:
    return Device.objects.filter(status=Device.Status.AWAITING_INSPECTION).order_by("received_on", "pk")


def inspections_awaiting_repair(inspections: QuerySet[DeviceInspection]) -> QuerySet[DeviceInspection]:
    """Inspections that asked for a repair not yet recorded, on devices still waiting for it."""
    return inspections.filter(
        result=Result.NEEDS_REPAIR, repair_outcome="", device__status=Device.Status.NEEDS_REPAIR
    ).select_related("device", "provider")


def _wiped_or_refuse(result: str, data_wiped: bool) -> None:
    # A used device carries its donor's accounts, photos and messages: a pupil never gets them.
    if result in (Result.READY, Outcome.REPAIRED) and not data_wiped:
        raise ValidationError(
            _("Wipe the previous owner's data before the device is declared ready."), code="data_not_wiped"
        )


def inspection_record(
    *, user: User, device_id: int, provider: Provider, result: str, notes: str = "", data_wiped: bool = False
) -> DeviceInspection:
    if not (
        user.has_perm("telecom.add_deviceinspection")
        and Provider.objects.editable_by(user).filter(pk=provider.pk).exists()
    ):
        raise PermissionDenied(_("You may record inspections only for your own unit."))
    if result not in Result.values:
        raise ValidationError(_("Choose the result of the inspection."), code="result")
    _wiped_or_refuse(result, data_wiped)
    with transaction.atomic():
        # Locked until the record is written: two units cannot inspect the same device at once.
        device = Device.objects.select_for_update().get(pk=device_id)
        if device.status != Device.Status.AWAITING_INSPECTION:
            raise ValidationError(
                _("This device is not waiting for inspection (it is “%(status)s”).")
                % {"status": device.get_status_display()},
                code="not_awaiting",
            )
        device_status_change(
            device_id=device.pk, status=result, reason=_("Inspected by %(unit)s") % {"unit": provider.short_name}
        )
        return DeviceInspection.objects.create(
            device=device,
            provider=provider,
            inspector=user,
            result=result,
            notes=(notes or "").strip(),
            data_wiped=data_wiped,
        )


def repair_record(
    *, user: User, inspection_id: int, outcome: str, notes: str = "", data_wiped: bool = False
) -> DeviceInspection:
    """The unit that found the fault records the repair (or that it could not be done)."""
    if outcome not in Outcome.values:
        raise ValidationError(_("Choose the outcome of the repair."), code="outcome")
    with transaction.atomic():
        inspection: DeviceInspection | None = (
            DeviceInspection.objects.editable_by(user).select_for_update().filter(pk=inspection_id).first()
        )
        if inspection is None:
            raise PermissionDenied(_("You may record repairs only for your own unit's inspections."))
        if not inspection.awaits_repair:
            raise ValidationError(_("This repair has already been recorded."), code="already_recorded")
        _wiped_or_refuse(outcome, data_wiped or inspection.data_wiped)
        device_status_change(
            device_id=inspection.device_id,
            status=outcome,
            reason=_("Repair by %(unit)s") % {"unit": inspection.provider.short_name},
        )
        inspection.repair_outcome = outcome
        inspection.repaired_at = timezone.now()
        inspection.repaired_by = user
        inspection.repair_notes = (notes or "").strip()
        inspection.data_wiped = inspection.data_wiped or data_wiped
        inspection.save()
    return inspection
