"""Merging two hamlets that turn out to be one: pupils and coverage rows follow, in one transaction."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from students.hamlets import hamlet_pupils_move
from students.models import Hamlet
from telecom.models import HamletCoverage

# Which of two reports for the same provider and technology survives a merge.
_RANK: dict[str, int] = {
    HamletCoverage.Status.AVAILABLE: 0,
    HamletCoverage.Status.PLANNED: 1,
    HamletCoverage.Status.NOT_POSSIBLE: 2,
}


def _better(a: HamletCoverage, b: HamletCoverage) -> bool:
    """True when `a` says more for the pupils than `b`: available, then the earlier plan."""
    if _RANK[a.status] != _RANK[b.status]:
        return _RANK[a.status] < _RANK[b.status]
    if a.status == HamletCoverage.Status.PLANNED:
        # A plan always has its date (HamletCoverage's check constraint).
        return a.planned_on is not None and b.planned_on is not None and a.planned_on < b.planned_on
    return False


def _coverage_follow(source: Hamlet, target: Hamlet) -> int:
    kept = {(row.provider_id, row.technology): row for row in HamletCoverage.objects.filter(hamlet=target)}
    moved = 0
    for row in HamletCoverage.objects.select_for_update().filter(hamlet=source).order_by("pk"):
        existing = kept.get((row.provider_id, row.technology))
        if existing is None:
            row.hamlet = target
            row._change_reason = _("Hamlet merged")  # type: ignore[attr-defined]  # simple_history's hook, not a field
            row.save(update_fields=["hamlet"])
            moved += 1
            continue
        if _better(row, existing):
            existing.status, existing.planned_on, existing.reason = row.status, row.planned_on, row.reason
            existing._change_reason = _("Hamlet merged")  # type: ignore[attr-defined]  # simple_history's hook, not a field
            existing.save()
        row.delete()
    return moved


def hamlet_merge(*, user: User, source_id: int, target_id: int) -> dict[str, int]:
    """Fold `source` into `target` (same commune): its pupils and coverage move, then it is deleted."""
    if source_id == target_id:
        raise ValidationError(_("Choose two different hamlets to merge."), code="same_hamlet")
    with transaction.atomic():
        found = {
            h.pk: h
            for h in Hamlet.objects.editable_by(user)
            .select_for_update(of=("self",))
            .filter(pk__in=[source_id, target_id])
            .order_by("pk")
        }
        if len(found) != 2:
            raise Hamlet.DoesNotExist
        source, target = found[source_id], found[target_id]
        pupils = hamlet_pupils_move(source=source, target=target)
        coverage = _coverage_follow(source, target)
        source._change_reason = _("Merged into %(hamlet)s") % {"hamlet": target.name}  # type: ignore[attr-defined]  # simple_history's hook, not a field
        source.delete()
    return {"pupils": pupils, "coverage": coverage}
