"""The staff dashboard: what needs attention now, for the signed-in user's role and scope.

Every item is counted in SQL from what the user may see (the owning apps' `visible_to` /
`editable_by` and the role's permissions), in a fixed number of queries whatever the data size.
Items name communes, offers and providers, never a pupil. One module per area:
`pupils` (lists, pairs, verification), `telecom_work` (devices, offers, coverage, blocked pupils),
`programme` (pledges, supports, milestones); `items` says what an item is.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.utils import timezone

from reports.dashboard import bank, programme, pupils, telecom_work
from reports.dashboard.items import DETAIL_LIMIT, AttentionItem, Detail, Severity, Viewer
from reports.models import Milestone
from students.models import VIEW_ALL_COMMUNES

__all__ = ["DETAIL_LIMIT", "AttentionItem", "Detail", "Severity", "attention_items"]

SEVERITY_ORDER = {Severity.DANGER: 0, Severity.WARNING: 1, Severity.INFO: 2}

SECTIONS: list[Callable[[Viewer], list[AttentionItem]]] = [
    pupils.pupil_lists,
    pupils.duplicates,
    pupils.unverified,
    telecom_work.devices,
    telecom_work.offers,
    telecom_work.coverage_late,
    telecom_work.pupils_blocked,
    programme.pledges,
    programme.pledges_to_confirm,
    bank.account,
    bank.waiting,
    programme.supports,
    programme.feedback,
    programme.milestones,
]


def attention_items(
    user, *, now: datetime | None = None, milestones: list[Milestone] | None = None
) -> list[AttentionItem]:
    """What needs attention now for this user, most urgent first; items with nothing to do are left out.

    `milestones`: every milestone, when the caller has read them already (the staff home shows them).
    """
    if not (user and user.is_authenticated and user.is_active):
        return []
    viewer = Viewer(
        user=user,
        now=now or timezone.now(),
        milestones=list(Milestone.objects.all()) if milestones is None else milestones,
        follows_all=_changes_nothing(user),
    )
    items: list[AttentionItem] = []
    for build in SECTIONS:
        items += [item for item in build(viewer) if item.count > 0]
    return sorted(items, key=lambda item: SEVERITY_ORDER[item.severity])


def _changes_nothing(user) -> bool:
    if user.is_superuser or not user.has_perm(VIEW_ALL_COMMUNES):
        return False
    return not any(
        permission.split(".", 1)[1].startswith(("add_", "change_", "delete_"))
        for permission in user.get_all_permissions()
    )
