"""Pledges still to receive and supports still to approve or hand over (office, accountant), and milestones."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from allocation.models import Support
from donations.confirmation import awaiting_confirmation
from donations.selectors import outstanding_pledge_counts
from reports.dashboard.items import (
    DETAIL_LIMIT,
    AttentionItem,
    Detail,
    Severity,
    Viewer,
    counted,
    moment,
    url_with_query,
)
from reports.feedback import OPEN, OPEN_TOO_LONG
from reports.models import Feedback


def pledges(viewer: Viewer) -> list[AttentionItem]:
    read_only = viewer.access(act="donations.change_pledge", see="donations.view_pledge")
    if read_only is None:
        return []
    counts = outstanding_pledge_counts()
    nothing, part = counts["pledged"], counts["partly_received"]
    details = [
        Detail(
            counted(
                ngettext("%(count)s with nothing received yet", "%(count)s with nothing received yet", nothing), nothing
            ),
            url_with_query("donations:pledge-list", status="pledged"),
        ),
        Detail(
            counted(ngettext("%(count)s partly received", "%(count)s partly received", part), part),
            url_with_query("donations:pledge-list", status="partly_received"),
        ),
    ]
    return [
        AttentionItem(
            key="pledges_outstanding",
            severity=Severity.INFO,
            label=counted(
                ngettext("%(count)s pledge not fully received", "%(count)s pledges not fully received", nothing + part),
                nothing + part,
            ),
            count=nothing + part,
            url=reverse("donations:pledge-list"),
            details=[d for d, n in zip(details, (nothing, part), strict=True) if n],
            read_only=read_only,
        )
    ]


def pledges_to_confirm(viewer: Viewer) -> list[AttentionItem]:
    """Public-form pledges waiting for staff to call the donor and confirm them (counted nowhere public)."""
    read_only = viewer.access(act="donations.change_pledge", see="donations.view_pledge")
    if read_only is None:
        return []
    waiting = list(awaiting_confirmation()[: DETAIL_LIMIT + 1])
    count = len(waiting) if len(waiting) <= DETAIL_LIMIT else awaiting_confirmation().count()
    details = [
        Detail(
            f"{pledge.reference_code} — {pledge.donor.name} ({moment(pledge.pledged_at)})",
            reverse("donations:pledge-detail", args=[pledge.reference_code]),
        )
        for pledge in waiting[:DETAIL_LIMIT]
    ]
    label = ngettext(
        "%(count)s pledge from the public form waits for confirmation",
        "%(count)s pledges from the public form wait for confirmation",
        count,
    )
    return [
        AttentionItem(
            key="pledges_to_confirm",
            severity=Severity.WARNING,
            label=counted(label, count),
            count=count,
            url=url_with_query("donations:pledge-list", confirmation="waiting"),
            details=details,
            read_only=read_only,
        )
    ]


def supports(viewer: Viewer) -> list[AttentionItem]:
    read_only = viewer.access(act="allocation.change_support", see="allocation.view_support")
    if read_only is None:
        return []
    approved = Q(status=Support.Status.APPROVED)
    counts = Support.objects.visible_to(viewer.user).aggregate(
        proposed=Count("pk", filter=Q(status=Support.Status.PROPOSED)),
        unrecorded=Count("pk", filter=approved & Q(batch__isnull=True)),
        recorded=Count("pk", filter=approved & Q(batch__isnull=False)),
    )
    waiting = counts["unrecorded"] + counts["recorded"]
    details = []
    if counts["unrecorded"] and viewer.may("allocation.add_handoverbatch"):
        details.append(
            Detail(
                counted(
                    ngettext(
                        "%(count)s not on a handover record yet",
                        "%(count)s not on a handover record yet",
                        counts["unrecorded"],
                    ),
                    counts["unrecorded"],
                ),
                reverse("allocation:handover-prepare"),
            )
        )
    if counts["recorded"] and viewer.may("allocation.view_handoverbatch"):
        details.append(
            Detail(
                counted(
                    ngettext(
                        "%(count)s on a record not yet handed over",
                        "%(count)s on records not yet handed over",
                        counts["recorded"],
                    ),
                    counts["recorded"],
                ),
                url_with_query("allocation:handover-list", status="prepared"),
            )
        )
    return [
        AttentionItem(
            key="supports_proposed",
            severity=Severity.WARNING,
            label=counted(
                ngettext(
                    "%(count)s proposed support waiting for approval",
                    "%(count)s proposed supports waiting for approval",
                    counts["proposed"],
                ),
                counts["proposed"],
            ),
            count=counts["proposed"],
            url=url_with_query("allocation:support-list", status=Support.Status.PROPOSED),
            read_only=read_only,
        ),
        AttentionItem(
            key="supports_not_handed_over",
            severity=Severity.INFO,
            label=counted(
                ngettext(
                    "%(count)s approved support not handed over yet",
                    "%(count)s approved supports not handed over yet",
                    waiting,
                ),
                waiting,
            ),
            count=waiting,
            url=url_with_query("allocation:support-list", status=Support.Status.APPROVED),
            details=details,
            read_only=read_only,
        ),
    ]


# --- milestones (everyone who sees them) ---------------------------------------------------------


def milestones(viewer: Viewer) -> list[AttentionItem]:
    if not viewer.may("reports.view_milestone"):
        return []
    at_risk = [m for m in viewer.milestones if m.status_at(viewer.now) in ("late", "at_risk")]
    overdue = [m for m in at_risk if m.status_at(viewer.now) == "late"]
    details = [
        Detail(
            (_("%(name)s — overdue since %(due)s") if m in overdue else _("%(name)s — due %(due)s"))
            % {"name": m.name, "due": moment(m.due_at)}
        )
        for m in at_risk
    ]
    marks_done = viewer.user.is_staff and viewer.may("reports.change_milestone")
    return [
        AttentionItem(
            key="milestones_at_risk",
            severity=Severity.DANGER if overdue else Severity.WARNING,
            label=counted(
                ngettext(
                    "%(count)s milestone overdue or due within 48 hours",
                    "%(count)s milestones overdue or due within 48 hours",
                    len(at_risk),
                ),
                len(at_risk),
            ),
            count=len(at_risk),
            url=reverse("admin:reports_milestone_changelist") if marks_done else "#milestones-title",
            details=details,
            read_only=not marks_done,
        )
    ]


# --- reports from the public (the office, and a commune for its own) ---------------------------


def feedback(viewer: Viewer) -> list[AttentionItem]:
    if not viewer.may("reports.view_feedback"):
        return []
    open_ = Q(status__in=Feedback.OPEN_STATUSES)
    counts = Feedback.objects.visible_to(viewer.user).aggregate(
        open=Count("pk", filter=open_),
        overdue=Count("pk", filter=open_ & Q(created_at__lt=viewer.now - OPEN_TOO_LONG)),
    )
    details = []
    if counts["overdue"]:
        details.append(
            Detail(
                counted(
                    ngettext(
                        "%(count)s waiting for more than 3 days",
                        "%(count)s waiting for more than 3 days",
                        counts["overdue"],
                    ),
                    counts["overdue"],
                )
            )
        )
    return [
        AttentionItem(
            key="feedback_open",
            severity=Severity.DANGER if counts["overdue"] else Severity.WARNING,
            label=counted(
                ngettext(
                    "%(count)s report from the public waiting for an answer",
                    "%(count)s reports from the public waiting for an answer",
                    counts["open"],
                ),
                counts["open"],
            ),
            count=counts["open"],
            url=url_with_query("feedback:list", status=OPEN),
            details=details,
            read_only=not viewer.may("reports.change_feedback"),
        )
    ]
