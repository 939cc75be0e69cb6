"""Connectivity offers and the places on them: never more pupils than the offer's capacity."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from donations.models import PledgeLine
from students.models import Student
from telecom.models import ConnectivityOffer, Provider, SimAssignment

OFFER_FIELDS = (
    "provider",
    "name",
    "kind",
    "allowance",
    "months",
    "monthly_price_vnd",
    "capacity",
    "pledge_line",
    "notes",
)


def _check_provider(user: User, provider: Provider) -> None:
    if not Provider.objects.editable_by(user).filter(pk=provider.pk).exists():
        raise PermissionDenied(_("You may change only your own provider's offers."))


def _check_pledge(line: PledgeLine | None) -> None:
    if line is not None and line.kind != PledgeLine.Kind.TELECOM:
        raise ValidationError(_("Only a telecom-policy pledge can be the source of an offer."), code="pledge_kind")


def offer_save(*, user: User, offer: ConnectivityOffer | None = None, **fields: Any) -> ConnectivityOffer:
    """Create or change an offer; its capacity may not fall below the places already given."""
    unknown = set(fields) - set(OFFER_FIELDS)
    if unknown:
        raise TypeError(f"unknown offer fields: {sorted(unknown)}")
    with transaction.atomic():
        if offer is None:
            offer = ConnectivityOffer()
        else:
            offer = ConnectivityOffer.objects.select_for_update().get(pk=offer.pk)
            _check_provider(user, offer.provider)
        for name, value in fields.items():
            setattr(offer, name, value)
        _check_provider(user, offer.provider)
        _check_pledge(offer.pledge_line)
        if offer.pk:
            used = offer.assignments.filter(status__in=SimAssignment.ACTIVE_STATUSES).count()
            if offer.capacity < used:
                raise ValidationError(
                    _("%(used)s pupils already have a place on this offer: the capacity cannot be less.")
                    % {"used": used},
                    code="capacity_below_used",
                )
        offer.full_clean()
        offer.save()
    return offer


def offer_from_pledge(*, user: User, pledge_line: PledgeLine, provider: Provider, **fields: Any) -> ConnectivityOffer:
    """The office turns a telecom-policy pledge line into an offer pupils can be given places on."""
    _check_pledge(pledge_line)
    if not fields.get("notes"):
        fields["notes"] = pledge_line.offer
    return offer_save(user=user, provider=provider, pledge_line=pledge_line, **fields)


def place_assign(*, offer_id: int, student_id: int) -> SimAssignment:
    """Give a pupil a place on an offer, or raise ValidationError (Vietnamese) when it cannot be.

    The offer's row is locked while its places are counted, so two people
    taking the last place at once are served one after the other: one wins.
    The database refuses a second active place for the same pupil.
    """
    with transaction.atomic():
        offer = ConnectivityOffer.objects.select_for_update().get(pk=offer_id)
        student = Student.objects.get(pk=student_id)
        if student.status not in Student.ACTIVE_STATUSES:
            raise ValidationError(
                _("This pupil's record is “%(status)s” and cannot be given a place.")
                % {"status": student.get_status_display()},
                code="student_not_active",
            )
        used = offer.assignments.filter(status__in=SimAssignment.ACTIVE_STATUSES).count()
        if used >= offer.capacity:
            raise ValidationError(
                _("The offer “%(offer)s” is full: all %(capacity)s places are taken.")
                % {"offer": offer.name, "capacity": offer.capacity},
                code="offer_full",
            )
        try:
            with transaction.atomic():
                return SimAssignment.objects.create(offer=offer, student=student)
        except IntegrityError as error:
            raise ValidationError(
                _("This pupil already has a connectivity place."), code="student_already_assigned"
            ) from error


def place_cancel(*, assignment_id: int, reason: str) -> SimAssignment:
    """Withdraw a place; it frees the offer's capacity and the SIM number."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why the place is cancelled."), code="reason")
    with transaction.atomic():
        assignment = SimAssignment.objects.select_for_update().get(pk=assignment_id)
        if assignment.status == SimAssignment.Status.CANCELLED:
            return assignment
        assignment.status = SimAssignment.Status.CANCELLED
        assignment.cancel_reason = reason
        assignment._change_reason = reason  # type: ignore[attr-defined]  # simple_history's hook, not a field
        assignment.save(update_fields=["status", "cancel_reason"])
    return assignment
