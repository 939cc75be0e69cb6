"""Confirming a pledge: a public-form pledge counts nowhere public until staff confirm it.

Anyone can send the public form under any name and any amount; staff call the donor (the
thank-you page says so) and confirm. Pledges staff enter or import are confirmed when saved
(`donations.pledges.pledge_create`). Receiving money or devices against a pledge confirms it too:
what arrived is real. Every change is in the pledge's history, with who and why.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from donations.models import Pledge

CONFIRMED_ON_SAVE = (Pledge.Channel.STAFF, Pledge.Channel.IMPORT)


def confirmed(pledges: QuerySet[Pledge] | None = None) -> QuerySet[Pledge]:
    """The pledges every figure and public page counts."""
    return (Pledge.objects.all() if pledges is None else pledges).filter(confirmed_at__isnull=False)


def awaiting_confirmation() -> QuerySet[Pledge]:
    """Public-form pledges staff have not confirmed yet, oldest first."""
    return Pledge.objects.filter(confirmed_at__isnull=True).select_related("donor").order_by("pledged_at", "pk")


def pledge_confirm(*, pledge_id: int, by: User | None, reason: str = "") -> Pledge:
    """Staff confirm a pledge (after calling the donor). A pledge already confirmed is refused."""
    with transaction.atomic():
        pledge = Pledge.objects.select_for_update().get(pk=pledge_id)
        if pledge.confirmed_at is not None:
            raise ValidationError(_("This pledge has already been confirmed."), code="already_confirmed")
        _mark(pledge, by=by, reason=reason or _("Confirmed by staff"))
    return pledge


def pledge_confirm_on_receipt(*, pledge_id: int, by: User | None) -> None:
    """Money or devices arrived against the pledge: it is real, whatever its channel.
    Call inside the transaction that records what arrived."""
    pledge = Pledge.objects.select_for_update().get(pk=pledge_id)
    if pledge.confirmed_at is None:
        _mark(pledge, by=by, reason=_("Confirmed: something was received against it"))


def _mark(pledge: Pledge, *, by: User | None, reason: str) -> None:
    pledge.confirmed_at = timezone.now()
    pledge.confirmed_by = by if getattr(by, "pk", None) else None
    pledge._history_user = pledge.confirmed_by  # type: ignore[attr-defined]  # simple_history's hooks
    pledge._change_reason = reason[:100]  # type: ignore[attr-defined]
    pledge.save(update_fields=["confirmed_at", "confirmed_by"])
