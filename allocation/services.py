"""Changing supports after the engine: approval, changes by hand, handover, follow-up.

Every function runs in one transaction, takes the allocation lock shared
(`allocation.locks`) and locks the rows it changes, so two staff working on
the same pupil, device or last place are served one after the other; the
loser gets a ValidationError in Vietnamese, never a half-saved change. The
unique constraints on `Support` stay as the last guard.
"""

from __future__ import annotations

import datetime
import uuid

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from allocation.locks import lock_allocation
from allocation.models import FollowUp, HandoverBatch, Support
from common.bulk import record_history
from common.text import clean_text
from donations import inventory
from donations.models import Device
from students.models import Commune, DuplicateCandidate, School, Student
from telecom import offers
from telecom.models import SimAssignment

S = Support.Status
# The programme's plan dates from September 2021: nothing is handed over or checked before it.
PROGRAMME_START = datetime.date(2021, 9, 1)


def _not_before_programme(day: datetime.date, message: str) -> None:
    if day < PROGRAMME_START:
        raise ValidationError(message % {"date": f"{PROGRAMME_START:%d/%m/%Y}"}, code="before_programme")


def _required_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give a reason for this change."), code="reason")
    return reason


def _locked_support(support_id: int, *, allowed: tuple[str, ...]) -> Support:
    support = Support.objects.select_for_update().select_related("student").get(pk=support_id)
    if support.status not in allowed:
        raise ValidationError(
            _("This support is “%(status)s”; that cannot be done now.") % {"status": support.get_status_display()},
            code="wrong_status",
        )
    return support


def _check_pupil_eligible(student: Student) -> None:
    if student.status != Student.Status.VERIFIED:
        raise ValidationError(
            _("Only a verified pupil can be supported; this record is “%(status)s”.")
            % {"status": student.get_status_display()},
            code="not_verified",
        )
    pending = DuplicateCandidate.objects.filter(decision=DuplicateCandidate.Decision.PENDING)
    if pending.filter(existing=student).exists() or pending.filter(candidate=student).exists():
        raise ValidationError(
            _("This pupil is in a possible-duplicate pair nobody has decided yet."), code="duplicate_pending"
        )
    if Support.objects.holding().filter(student=student).exists():
        raise ValidationError(_("This pupil already has a support: one per pupil."), code="already_supported")


def _take_device(device_id: int, reason: str) -> Device:
    """Reserve a device under its row lock; it must be ready to give and held by no support."""
    device = Device.objects.select_for_update().get(pk=device_id)
    if device.status == Device.Status.ALLOCATED:
        raise ValidationError(
            _("This device was just given to another pupil; choose another one."), code="device_unavailable"
        )
    if device.status not in Device.ALLOCATABLE_STATUSES:
        raise ValidationError(
            _("Device %(device)s is “%(status)s” and cannot be given.")
            % {"device": device, "status": device.get_status_display()},
            code="device_unavailable",
        )
    return inventory.device_status_change(device_id=device.pk, status=Device.Status.ALLOCATED, reason=reason)


def _lock_devices(*device_ids: int | None) -> None:
    ids = sorted(pk for pk in device_ids if pk is not None)
    list(Device.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))


def _free_device(device_id: int | None, reason: str, *, to: str = Device.Status.READY) -> None:
    if device_id is None:
        return
    device = Device.objects.select_for_update().get(pk=device_id)
    if device.status == Device.Status.HANDED_OVER:
        inventory.device_status_change(device_id=device.pk, status=Device.Status.RETURNED, reason=reason)
        inventory.device_status_change(device_id=device.pk, status=to, reason=reason)
    elif device.status == Device.Status.ALLOCATED:
        inventory.device_status_change(device_id=device.pk, status=Device.Status.READY, reason=reason)


def _free_place(assignment_id: int | None, reason: str) -> None:
    if assignment_id is not None:
        offers.place_cancel(assignment_id=assignment_id, reason=reason)


def _stamp(record: Model, user: User | None, reason: str | None = None) -> None:
    """Who made the change (and why), for the history row django-simple-history writes on save."""
    record._history_user = user  # type: ignore[attr-defined]  # simple_history's hook, not a field
    if reason is not None:
        record._change_reason = reason  # type: ignore[attr-defined]


def _save(support: Support, reason: str, fields: list[str]) -> Support:
    support._change_reason = reason  # type: ignore[attr-defined]  # simple_history's hook, not a field
    try:
        with transaction.atomic():
            support.save(update_fields=fields)
    except IntegrityError as error:
        raise ValidationError(
            _("Someone else gave this pupil or this device a support at the same moment; reload and check."),
            code="conflict",
        ) from error
    return support


def support_create(
    *, student_id: int, device_id: int | None, offer_id: int | None, reason: str, user: User | None
) -> Support:
    """Staff propose a support by hand, with a reason."""
    reason = _required_reason(reason)
    if device_id is None and offer_id is None:
        raise ValidationError(_("Choose a device, a connectivity offer, or both."), code="empty")
    with transaction.atomic():
        lock_allocation(exclusive=False)
        student = Student.objects.select_for_update().get(pk=student_id)
        _check_pupil_eligible(student)
        if device_id is not None:
            _take_device(device_id, reason)
        place = offers.place_assign(offer_id=offer_id, student_id=student.pk) if offer_id is not None else None
        support = Support(
            student=student,
            device_id=device_id,
            offer_id=offer_id,
            sim_assignment=place,
            manual_reason=reason,
        )
        _stamp(support, user, reason)
        try:
            with transaction.atomic():
                support.save()
        except IntegrityError as error:
            raise ValidationError(
                _("This pupil or this device got a support at the same moment from someone else."), code="conflict"
            ) from error
    return support


def support_change(
    *, support_id: int, device_id: int | None, offer_id: int | None, reason: str, user: User | None
) -> Support:
    """Swap the device or the offer of a proposed or approved support, with a reason."""
    reason = _required_reason(reason)
    if device_id is None and offer_id is None:
        raise ValidationError(_("Choose a device, a connectivity offer, or both."), code="empty")
    with transaction.atomic():
        lock_allocation(exclusive=False)
        support = _locked_support(support_id, allowed=(S.PROPOSED, S.APPROVED))
        fields = ["manual_reason"]
        if device_id != support.device_id:
            # Both devices locked in id order first: two changes swapping devices between two
            # supports then wait for each other instead of deadlocking (a server error).
            _lock_devices(support.device_id, device_id)
            _free_device(support.device_id, reason)
            if device_id is not None:
                _take_device(device_id, reason)
            support.device_id = device_id
            support.device_rule = ""
            fields += ["device_id", "device_rule"]
        if offer_id != support.offer_id:
            _free_place(support.sim_assignment_id, reason)
            support.sim_assignment = (
                offers.place_assign(offer_id=offer_id, student_id=support.student_id) if offer_id is not None else None
            )
            support.offer_id = offer_id
            support.connectivity_rule = ""
            fields += ["offer_id", "sim_assignment", "connectivity_rule"]
        support.manual_reason = reason
        _stamp(support, user)
        _save(support, reason, fields)
    return support


def approvable(supports: QuerySet[Support]) -> QuerySet[Support]:
    """The proposed supports whose pupil is still eligible: verified, in no undecided duplicate pair.

    A pupil may have been rejected (by the admin's free edit) or listed again by another commune
    after the run proposed them; their support waits, proposed, until someone decides.
    """
    pending = DuplicateCandidate.objects.filter(decision=DuplicateCandidate.Decision.PENDING)
    return (
        supports.filter(status=S.PROPOSED, student__status=Student.Status.VERIFIED)
        .exclude(student__in=pending.values("existing"))
        .exclude(student__in=pending.values("candidate"))
    )


def supports_approve(*, supports: QuerySet[Support], user: User | None) -> int:
    """Approve the proposed supports among `supports` (a commune, a school, or one) whose pupil is
    still eligible (`approvable`); returns how many."""
    with transaction.atomic():
        lock_allocation(exclusive=False)
        ids = list(approvable(supports).select_for_update(of=("self",)).order_by("pk").values_list("pk", flat=True))
        now = timezone.now()
        Support.objects.filter(pk__in=ids, status=S.PROPOSED).update(
            status=S.APPROVED, approved_at=now, approved_by=user
        )
        record_history(Support, ids, user_id=getattr(user, "pk", None), reason=_("Approved"))
    return len(ids)


def support_withdraw(*, support_id: int, reason: str, user: User | None, release: bool = False) -> Support:
    """Withdraw a support not yet handed over: the device goes back on the shelf, the place is freed.

    A support on a prepared (not yet signed) handover record comes off it; the record is printed
    again without the pupil. The pupil's one place stays taken unless staff say otherwise (`release`).
    """
    reason = _required_reason(reason)
    with transaction.atomic():
        lock_allocation(exclusive=False)
        # The record is locked before the support, in the order batch_hand_over takes them (no deadlock),
        # so it is not marked handed over while the support comes off it.
        batch_id = Support.objects.filter(pk=support_id).values_list("batch_id", flat=True).first()
        batch = HandoverBatch.objects.select_for_update().get(pk=batch_id) if batch_id else None
        support = _locked_support(support_id, allowed=(S.PROPOSED, S.APPROVED))
        fields = ["status", "end_reason", "ended_on", "released"]
        if support.batch_id != batch_id:
            raise ValidationError(
                _("This support was put on a handover record at the same moment; reload and check."),
                code="conflict",
            )
        if batch is not None:
            if batch.status != HandoverBatch.Status.PREPARED:
                raise ValidationError(
                    _("This support is on handover record %(number)s, already handed over.") % {"number": batch.number},
                    code="in_batch",
                )
            support.batch = None
            fields.append("batch")
        _free_device(support.device_id, reason)
        _free_place(support.sim_assignment_id, reason)
        support.status = S.WITHDRAWN
        support.end_reason = reason
        support.ended_on = timezone.localdate()
        support.released = release
        _stamp(support, user)
        _save(support, reason, fields)
    return support


def support_release(*, support_id: int, reason: str, user: User | None) -> Support:
    """Staff decide a pupil whose support ended may be supported again."""
    reason = _required_reason(reason)
    with transaction.atomic():
        lock_allocation(exclusive=False)
        support = _locked_support(support_id, allowed=Support.ENDED_STATUSES)
        if support.released:
            raise ValidationError(_("Staff already let this pupil be supported again."), code="already_released")
        support.released = True
        support.end_reason = f"{support.end_reason}\n{reason}".strip()
        _stamp(support, user)
        _save(support, reason, ["released", "end_reason"])
    return support


def batch_create(*, school: School | None = None, commune: Commune | None = None, user: User | None) -> HandoverBatch:
    """A handover record for the approved supports not yet on one: a school's, or a commune's.

    Give exactly one of `school` (its pupils' supports) and `commune` (the supports of the pupils
    who live in the commune, whatever their school: handed over at the commune People's Committee).
    A school record belongs to the school's commune.
    """
    if (school is None) == (commune is None):
        raise ValueError("batch_create needs exactly one of school= and commune=")
    with transaction.atomic():
        lock_allocation(exclusive=False)
        waiting = Support.objects.select_for_update().filter(status=S.APPROVED, batch__isnull=True)
        if school is not None:
            supports, commune_id, place = waiting.filter(student__school=school), school.commune_id, school.name
        elif commune is not None:
            supports, commune_id, place = waiting.filter(student__commune=commune), commune.pk, str(commune)
        ids = list(supports.values_list("pk", flat=True))
        if not ids:
            raise ValidationError(
                _("%(school)s has no approved support waiting for a handover record.") % {"school": place},
                code="nothing_to_hand_over",
            )
        # Numbered from the row's id, so two records prepared at once never share a number.
        # A unique placeholder that fits the 30-character column (a full uuid hex does not, on PostgreSQL).
        batch = HandoverBatch(number=f"tmp-{uuid.uuid4().hex[:24]}", school=school, commune_id=commune_id)
        batch.created_by = user
        batch.save_without_historical_record()  # type: ignore[attr-defined]  # added by simple_history
        batch.number = f"BB-{timezone.localdate():%Y}-{batch.pk:04d}"
        _stamp(batch, user)
        batch.save(update_fields=["number"])
        Support.objects.filter(pk__in=ids).update(batch=batch)
        record_history(Support, ids, user_id=getattr(user, "pk", None), reason=batch.number)
    return batch


def batch_hand_over(
    *,
    batch_id: int,
    handed_over_on: datetime.date,
    received_by: str,
    user: User | None,
    signed_record: UploadedFile[bytes] | None = None,
) -> HandoverBatch:
    """The batch was handed over: its supports and devices are "handed over", with date and receiver.

    Each pupil's receiving guardian is the one on the list unless staff wrote another.
    """
    received_by = clean_text(received_by)
    if not received_by:
        raise ValidationError(_("Write who received the devices for the school or the commune."), code="receiver")
    if handed_over_on > timezone.localdate():
        raise ValidationError(_("The handover date cannot be in the future."), code="future")
    _not_before_programme(handed_over_on, _("The handover date cannot be before the programme started (%(date)s)."))
    with transaction.atomic():
        lock_allocation(exclusive=False)
        batch = HandoverBatch.objects.select_for_update().get(pk=batch_id)
        if batch.status == HandoverBatch.Status.HANDED_OVER:
            raise ValidationError(
                _("Handover record %(number)s is already marked handed over.") % {"number": batch.number},
                code="already_handed_over",
            )
        supports = list(
            Support.objects.select_for_update(of=("self",))
            .filter(batch=batch, status=S.APPROVED)
            .select_related("student")
        )
        if not supports:
            raise ValidationError(
                _("Handover record %(number)s has no pupil left on it: every support was withdrawn.")
                % {"number": batch.number},
                code="empty_record",
            )
        reason = _("Handed over, record %(number)s") % {"number": batch.number}
        for support in supports:
            if support.device_id:
                inventory.device_status_change(
                    device_id=support.device_id, status=Device.Status.HANDED_OVER, reason=reason
                )
            support.status = S.HANDED_OVER
            support.handed_over_on = handed_over_on
            support.received_by = support.received_by or support.student.guardian_name or received_by
            _stamp(support, user)
            _save(support, reason, ["status", "handed_over_on", "received_by"])
        batch.status = HandoverBatch.Status.HANDED_OVER
        batch.handed_over_on = handed_over_on
        batch.received_by = received_by
        if signed_record is not None:
            batch.signed_record = signed_record
        _stamp(batch, user, reason)
        batch.save()
    return batch


# Follow-up results that end the support and bring the device back.
RETURNING_RESULTS = (FollowUp.Result.BROKEN, FollowUp.Result.MOVED, FollowUp.Result.NOT_NEEDED)


def follow_up_record(
    *,
    support_id: int,
    checked_on: datetime.date,
    result: str,
    note: str = "",
    user: User | None,
    take_back: bool = False,
    device_to: str = Device.Status.AWAITING_INSPECTION,
) -> FollowUp:
    """A check on a handed-over support. With `take_back`, the support ends as "returned":

    the device goes back to the inventory (`device_to`: ready, or awaiting
    inspection for repair) and the connectivity place is freed. The pupil's
    place stays taken until staff release it.
    """
    if checked_on > timezone.localdate():
        raise ValidationError(_("The check date cannot be in the future."), code="future")
    _not_before_programme(checked_on, _("The check date cannot be before the programme started (%(date)s)."))
    if device_to not in (Device.Status.READY, Device.Status.AWAITING_INSPECTION):
        raise ValidationError(_("A returned device goes back as ready or for inspection."), code="device_to")
    if take_back and result not in RETURNING_RESULTS:
        raise ValidationError(
            _("Only a broken device, a pupil who moved or no longer needs it is taken back."), code="take_back"
        )
    with transaction.atomic():
        lock_allocation(exclusive=False)
        support = _locked_support(support_id, allowed=(S.HANDED_OVER,))
        if support.handed_over_on and checked_on < support.handed_over_on:
            raise ValidationError(
                _("The check date cannot be before the handover (%(date)s).")
                % {"date": f"{support.handed_over_on:%d/%m/%Y}"},
                code="before_handover",
            )
        follow_up = FollowUp(support=support, checked_on=checked_on, result=result, note=note, checked_by=user)
        _stamp(follow_up, user)
        follow_up.full_clean()
        follow_up.save()
        if take_back:
            reason = FollowUp.Result(result).label
            _free_device(support.device_id, str(reason), to=device_to)
            _free_place(support.sim_assignment_id, str(reason))
            support.status = S.RETURNED
            note = (note or "").strip()
            support.end_reason = f"{reason}. {note}" if note else str(reason)
            support.ended_on = checked_on
            _stamp(support, user)
            _save(support, str(reason), ["status", "end_reason", "ended_on"])
    return follow_up


def active_place(support: Support) -> SimAssignment | None:
    place = support.sim_assignment
    return place if place and place.status in SimAssignment.ACTIVE_STATUSES else None
