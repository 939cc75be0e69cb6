"""Pupil lists and pupils: for the education office, and for a commune official within their commune."""

from __future__ import annotations

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import ngettext

from reports.dashboard.items import (
    AttentionItem,
    Detail,
    Severity,
    Viewer,
    by_commune,
    capped,
    counted,
    moment,
    url_with_query,
)
from students.lists import communes_with_list_state, refused_wording
from students.models import VIEW_ALL_COMMUNES, Commune, DuplicateCandidate, Student
from students.review import can_review

# The plan's deadline for the communes' pupil lists (17:00 22/09/2021), kept as a milestone.
PUPIL_LISTS_MILESTONE = "pupil-lists"


def pupil_lists(viewer: Viewer) -> list[AttentionItem]:
    """Communes without a list received, those whose only files were refused, and those whose later file
    was refused while their list stands (all as students.lists defines them)."""
    if not viewer.may("students.view_studentupload"):
        return []
    communes = communes_with_list_state(Commune.objects.visible_to(viewer.user).order_by("code"))
    missing = [c for c in communes if not c.list_state.received]
    with_errors = [c for c in communes if c.list_state.has_errors]
    refused = [c for c in communes if c.list_state.refused_after_received]
    can_upload = viewer.may("students.add_studentupload")
    return [_lists_missing(viewer, missing, can_upload), _lists_with_errors(with_errors), _lists_refused(refused)]


def _lists_refused(communes: list[Commune]) -> AttentionItem:
    """A list stands and a later file was refused: said, not urgent (the list still counts)."""
    details = [
        Detail(
            f"{c}: {refused_wording(c.list_state.refused_at)}",
            reverse("students:upload-detail", args=[c.code, c.list_state.refused_upload_id]),
        )
        for c in communes
    ]
    return AttentionItem(
        key="lists_refused",
        severity=Severity.INFO,
        label=counted(
            ngettext(
                "%(count)s commune sent a file that was refused; its earlier list stands",
                "%(count)s communes sent a file that was refused; their earlier lists stand",
                len(communes),
            ),
            len(communes),
        ),
        count=len(communes),
        url=details[0].url if len(details) == 1 else "",
        details=capped(details),
    )


def _lists_missing(viewer: Viewer, communes: list[Commune], can_upload: bool) -> AttentionItem:
    deadline = next((m.due_at for m in viewer.milestones if m.code == PUPIL_LISTS_MILESTONE), None)
    count = len(communes)
    late = deadline is not None and viewer.now > deadline
    if deadline is None:
        label = counted(
            ngettext(
                "%(count)s commune has not sent its pupil list",
                "%(count)s communes have not sent their pupil list",
                count,
            ),
            count,
        )
    elif late:
        label = counted(
            ngettext(
                "%(count)s commune has not sent its pupil list, late since %(deadline)s",
                "%(count)s communes have not sent their pupil list, late since %(deadline)s",
                count,
            ),
            count,
            deadline=moment(deadline),
        )
    else:
        label = counted(
            ngettext(
                "%(count)s commune has not sent its pupil list (deadline %(deadline)s)",
                "%(count)s communes have not sent their pupil list (deadline %(deadline)s)",
                count,
            ),
            count,
            deadline=moment(deadline),
        )
    url = ""
    if count == 1:
        name = "students:upload" if can_upload else "students:commune-detail"
        url = reverse(name, args=[communes[0].code])
    details = [Detail(str(c), reverse("students:commune-detail", args=[c.code])) for c in communes]
    return AttentionItem(
        key="lists_missing",
        severity=Severity.DANGER if late else Severity.WARNING,
        label=label,
        count=count,
        url=url,
        details=capped(details),
    )


def _lists_with_errors(communes: list[Commune]) -> AttentionItem:
    details = [
        Detail(str(c), reverse("students:upload-detail", args=[c.code, c.list_state.refused_upload_id]))
        for c in communes
    ]
    return AttentionItem(
        key="lists_with_errors",
        severity=Severity.DANGER,
        label=counted(
            ngettext(
                "%(count)s commune's latest pupil list has errors and was not imported",
                "%(count)s communes' latest pupil lists have errors and were not imported",
                len(communes),
            ),
            len(communes),
        ),
        count=len(communes),
        url=details[0].url if len(details) == 1 else "",
        details=capped(details),
    )


def duplicates(viewer: Viewer) -> list[AttentionItem]:
    rows = list(
        DuplicateCandidate.objects.visible_to(viewer.user)
        .filter(decision=DuplicateCandidate.Decision.PENDING)
        .values("candidate__commune__code", "candidate__commune__name", "candidate__commune__kind")
        .annotate(n=Count("pk"))
        .order_by("candidate__commune__code")
    )
    count = sum(row["n"] for row in rows)
    deciding = can_review(viewer.user)
    return [
        AttentionItem(
            key="duplicates_pending",
            severity=Severity.WARNING,
            label=counted(
                ngettext(
                    "%(count)s possible duplicate pair waiting for a decision",
                    "%(count)s possible duplicate pairs waiting for a decision",
                    count,
                ),
                count,
            ),
            count=count,
            url=reverse("students:duplicate-review")
            if deciding
            else url_with_query("students:student-list", status=Student.Status.HELD),
            details=capped(by_commune(rows, "candidate__commune__")) if viewer.may(VIEW_ALL_COMMUNES) else [],
            read_only=not deciding,
        )
    ]


def unverified(viewer: Viewer) -> list[AttentionItem]:
    rows = list(
        Student.objects.visible_to(viewer.user)
        .filter(status=Student.Status.LISTED)
        .values("commune", "commune__code", "commune__name", "commune__kind")
        .annotate(n=Count("pk"))
        .order_by("commune__code")
    )
    count = sum(row["n"] for row in rows)
    verifying = can_review(viewer.user)
    if verifying:
        url = reverse("students:verification")
        details = by_commune(
            rows, "commune__", lambda row: url_with_query("students:verification", commune=row["commune"])
        )
    else:
        url = url_with_query("students:student-list", status=Student.Status.LISTED)
        details = []
    return [
        AttentionItem(
            key="pupils_unverified",
            severity=Severity.WARNING,
            label=counted(
                ngettext(
                    "%(count)s pupil listed but not verified yet", "%(count)s pupils listed but not verified yet", count
                ),
                count,
            ),
            count=count,
            url=url,
            details=capped(details) if viewer.may(VIEW_ALL_COMMUNES) else [],
            read_only=not verifying,
        )
    ]
