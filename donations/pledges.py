"""Taking pledges and receiving what they promised (devices unit by unit, telecom offers)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from donations.confirmation import pledge_confirm_on_receipt
from donations.inventory import initial_status
from donations.models import Device, Donor, Pledge, PledgeLine
from students.models import Commune, School


@dataclass
class LineData:
    """What a form or an import row says about one pledge line (already validated)."""

    kind: str
    amount_vnd: int | None = None
    fund_source: str = ""
    device_type: str = ""
    condition: str = ""
    quantity: int | None = None
    specification: str = ""
    offer: str = ""
    months: int | None = None


@dataclass
class DonorData:
    kind: str
    name: str
    contact_person: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    tax_code: str = ""
    publish_consent: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def _line(pledge: Pledge, data: LineData) -> PledgeLine:
    return PledgeLine(
        pledge=pledge,
        kind=data.kind,
        amount_vnd=data.amount_vnd if data.kind in PledgeLine.MONEY_KINDS else None,
        fund_source=data.fund_source if data.kind == PledgeLine.Kind.BUDGET else "",
        device_type=data.device_type if data.kind == PledgeLine.Kind.DEVICE else "",
        condition=data.condition if data.kind == PledgeLine.Kind.DEVICE else "",
        quantity=data.quantity if data.kind in (PledgeLine.Kind.DEVICE, PledgeLine.Kind.TELECOM) else None,
        specification=data.specification if data.kind == PledgeLine.Kind.DEVICE else "",
        offer=data.offer if data.kind == PledgeLine.Kind.TELECOM else "",
        months=data.months if data.kind == PledgeLine.Kind.TELECOM else None,
    )


def pledge_create(
    *,
    donor: DonorData | Donor,
    lines: Sequence[LineData],
    channel: str = Pledge.Channel.STAFF,
    earmark_commune: Commune | None = None,
    earmark_school: School | None = None,
    note: str = "",
    created_by: User | None = None,
    submission_token: str | None = None,
) -> Pledge:
    """A donor (new, or an existing one) with a pledge and its lines, all or nothing.

    A repeated `submission_token` (a replayed public form) raises ValidationError and saves nothing.
    """
    if not lines:
        raise ValidationError(_("Say what you would like to give: money, devices or a telecom policy."))
    try:
        with transaction.atomic():
            if isinstance(donor, DonorData):
                donor = Donor.objects.create(
                    kind=donor.kind,
                    name=donor.name,
                    contact_person=donor.contact_person,
                    phone=donor.phone,
                    email=donor.email,
                    address=donor.address,
                    tax_code=donor.tax_code,
                    publish_consent=donor.publish_consent,
                )
            pledge = Pledge.objects.create(
                donor=donor,
                channel=channel,
                earmark_commune=earmark_commune,
                earmark_school=earmark_school,
                note=note,
                created_by=created_by,
                submission_token=submission_token,
                # Staff's own pledges are confirmed when saved; a public one waits (donations/confirmation.py).
                confirmed_at=None if channel == Pledge.Channel.PUBLIC_FORM else timezone.now(),
                confirmed_by=None if channel == Pledge.Channel.PUBLIC_FORM else created_by,
            )
            for data in lines:
                _line(pledge, data).save()
    except IntegrityError as error:
        if submission_token and Pledge.objects.filter(submission_token=submission_token).exists():
            raise ValidationError(_("This form has already been sent."), code="replayed") from error
        raise
    return pledge


def line_add(*, pledge: Pledge, data: LineData) -> PledgeLine:
    line = _line(pledge, data)
    line.save()
    return line


def line_cancel(*, line: PledgeLine, reason: str) -> PledgeLine:
    with transaction.atomic():
        line = PledgeLine.objects.select_for_update().get(pk=line.pk)
        line.cancelled = True
        line.cancel_reason = reason
        line._change_reason = reason[:100]  # type: ignore[attr-defined]  # simple_history's hook, not a field
        line.save(update_fields=["cancelled", "cancel_reason"])
    return line


def telecom_confirm(*, line: PledgeLine, on: date | None = None) -> PledgeLine:
    """Staff confirm the telecom policy is in force; the offer itself lives in telecom."""
    if line.kind != PledgeLine.Kind.TELECOM:
        raise ValidationError(_("Only a telecom policy line can be confirmed."))
    line.confirmed_on = on or timezone.localdate()
    line.save(update_fields=["confirmed_on"])
    return line


def _clean_serials(serials: Sequence[str]) -> list[str]:
    cleaned = [s.strip() for s in serials]
    typed = [s for s in cleaned if s]
    if len(set(typed)) != len(typed):
        raise ValidationError(_("The same serial number is typed twice."), code="serial_repeated")
    too_long = [s for s in typed if len(s) > 50]
    if too_long:
        raise ValidationError(_("A serial number has at most 50 characters."), code="serial_too_long")
    taken = list(Device.objects.filter(serial__in=typed).values_list("serial", flat=True))
    if taken:
        raise ValidationError(
            _("Serial number already in the inventory: %(serials)s") % {"serials": ", ".join(sorted(taken))},
            code="serial_taken",
        )
    return cleaned


def devices_receive(
    *,
    line: PledgeLine,
    count: int,
    received_on: date,
    serials: Sequence[str] = (),
    brand_model: str = "",
    storage_place: str = "",
    received_by: User | None = None,
) -> list[Device]:
    """Receive `count` devices of a pledge line: one inventory row each, serials now or later.

    The line is locked so two people receiving the same pledge never exceed what was pledged.
    """
    if count < 1:
        raise ValidationError(_("Receive at least one device."), code="count")
    if len(serials) > count:
        raise ValidationError(_("More serial numbers than devices."), code="serials_count")
    serials = _clean_serials(serials)
    serials = list(serials) + [""] * (count - len(serials))
    with transaction.atomic():
        line = PledgeLine.objects.select_for_update().select_related("pledge").get(pk=line.pk)
        if line.kind != PledgeLine.Kind.DEVICE or line.cancelled:
            raise ValidationError(_("This line does not promise devices."), code="not_devices")
        outstanding = (line.quantity or 0) - line.devices.count()
        if count > outstanding:
            raise ValidationError(
                _("Only %(n)s device(s) of this line are still expected.") % {"n": outstanding}, code="too_many"
            )
        devices = [
            Device(
                device_type=line.device_type,
                brand_model=brand_model,
                serial=serial,
                condition=line.condition,
                pledge_line=line,
                pledge=line.pledge,
                received_on=received_on,
                storage_place=storage_place,
                status=initial_status(line.condition),
            )
            for serial in serials
        ]
        try:
            with transaction.atomic():
                for device in devices:
                    device.save()
            pledge_confirm_on_receipt(pledge_id=line.pledge_id, by=received_by)
        except IntegrityError as error:
            raise ValidationError(_("A serial number is already in the inventory."), code="serial_taken") from error
    return devices


def device_set_serial(
    *, device: Device, serial: str, brand_model: str | None = None, storage_place: str | None = None
) -> Device:
    """Type or scan a serial later; unique across the inventory."""
    serial = serial.strip()
    if serial and Device.objects.filter(serial=serial).exclude(pk=device.pk).exists():
        raise ValidationError(_("Serial number already in the inventory: %(serials)s") % {"serials": serial})
    device.serial = serial
    if brand_model is not None:
        device.brand_model = brand_model
    if storage_place is not None:
        device.storage_place = storage_place
    try:
        with transaction.atomic():
            device.save(update_fields=["serial", "brand_model", "storage_place"])
    except IntegrityError as error:
        raise ValidationError(_("Serial number already in the inventory: %(serials)s") % {"serials": serial}) from error
    return device


def find_for_lookup(code: str, phone: str) -> Pledge | None:
    """The pledge with this code whose donor has this phone (both must match)."""
    from common.phones import normalise_phone

    code = (code or "").strip().upper()
    phone = normalise_phone(phone)
    if not code or len(phone) < 10:
        return None
    pledge = Pledge.objects.select_related("donor").filter(reference_code=code).first()
    if pledge is None or normalise_phone(pledge.donor.phone) != phone:
        return None
    return pledge
