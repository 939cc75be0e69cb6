"""Hamlet coverage: what providers report, against the 23/9 deadline (plan §VII.8)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from students.models import Hamlet
from telecom.models import HamletCoverage, Provider, Technology

# "phủ sóng 3G, 4G, lắp đặt cáp quang đến 100% các khu dân cư, thôn, xóm ... xong trước ngày 23/9/2021"
COVERAGE_DEADLINE = date(2021, 9, 23)

Status = HamletCoverage.Status


def is_late(status: str | None, planned_on: date | None, *, today: date | None = None) -> bool:
    """Not available by the deadline: planned after it, not possible, or still missing once it has passed."""
    if status == Status.AVAILABLE:
        return False
    if status == Status.NOT_POSSIBLE:
        return True
    if status == Status.PLANNED and planned_on and planned_on > COVERAGE_DEADLINE:
        return True
    today = today or timezone.localdate()
    return today > COVERAGE_DEADLINE


def late_condition(*, today: date | None = None, prefix: str = "") -> Q:
    """`is_late` for coverage rows, in SQL; `prefix` reaches the rows through a relation ("coverage__")."""
    today = today or timezone.localdate()
    if today > COVERAGE_DEADLINE:
        return Q(**{f"{prefix}status__in": [Status.PLANNED, Status.NOT_POSSIBLE]})
    return Q(**{f"{prefix}status": Status.NOT_POSSIBLE}) | Q(
        **{f"{prefix}status": Status.PLANNED, f"{prefix}planned_on__gt": COVERAGE_DEADLINE}
    )


@dataclass(frozen=True)
class CoverageChange:
    technology: str
    status: str
    planned_on: date | None = None
    reason: str = ""


def _validated(change: CoverageChange) -> CoverageChange:
    if change.technology not in Technology.values:
        raise ValidationError(_("Unknown technology."), code="technology")
    if change.status not in Status.values:
        raise ValidationError(_("Unknown coverage status."), code="status")
    reason = (change.reason or "").strip()
    if change.status == Status.PLANNED and not change.planned_on:
        raise ValidationError(_("Give the date by which the coverage is planned."), code="planned_on")
    if change.status == Status.NOT_POSSIBLE and not reason:
        raise ValidationError(_("Say why coverage is not possible."), code="reason")
    return CoverageChange(
        technology=change.technology,
        status=change.status,
        planned_on=change.planned_on if change.status == Status.PLANNED else None,
        reason=reason if change.status == Status.NOT_POSSIBLE else "",
    )


def coverage_set(
    *, user: User, hamlet: Hamlet, provider: Provider, changes: list[CoverageChange]
) -> list[HamletCoverage]:
    """Record a provider's coverage of a hamlet; only that provider's staff (or the office) may."""
    if not (
        user.has_perm("telecom.change_hamletcoverage")
        and Provider.objects.editable_by(user).filter(pk=provider.pk).exists()
    ):
        raise PermissionDenied(_("You may change only your own provider's coverage."))
    cleaned = [_validated(change) for change in changes]
    saved = []
    with transaction.atomic():
        for change in cleaned:
            row, _created = HamletCoverage.objects.select_for_update().get_or_create(
                hamlet=hamlet,
                provider=provider,
                technology=change.technology,
                defaults={
                    "status": change.status,
                    "planned_on": change.planned_on,
                    "reason": change.reason,
                    "updated_by": user,
                },
            )
            if not _created and (row.status, row.planned_on, row.reason) != (
                change.status,
                change.planned_on,
                change.reason,
            ):
                row.status, row.planned_on, row.reason, row.updated_by = (
                    change.status,
                    change.planned_on,
                    change.reason,
                    user,
                )
                row.save()
            saved.append(row)
    return saved
