"""Used devices to inspect or repair, offers filling up, late coverage, pupils no network reaches.

For the education office and the telecom units (each its own provider's rows); never a pupil's name.
"""

from __future__ import annotations

from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from donations.models import Device
from reports.dashboard.items import (
    AttentionItem,
    Detail,
    Severity,
    Viewer,
    by_commune,
    capped,
    counted,
    number,
    url_with_query,
)
from students.models import Hamlet
from telecom.coverage import COVERAGE_DEADLINE, late_condition
from telecom.inspections import inspections_awaiting_repair
from telecom.models import CHANGE_ANY_PROVIDER, ConnectivityOffer, DeviceInspection, Provider, Technology
from telecom.selectors import blocked_pupils

# An offer is nearly full from this share of its capacity used (9 places in 10).
NEARLY_FULL_TENTHS = 9


def devices(viewer: Viewer) -> list[AttentionItem]:
    read_only = viewer.access(act="telecom.add_deviceinspection", see="donations.view_device")
    if read_only is None:
        return []
    counts = Device.objects.aggregate(
        awaiting=Count("pk", filter=Q(status=Device.Status.AWAITING_INSPECTION)),
        to_repair=Count("pk", filter=Q(status=Device.Status.NEEDS_REPAIR)),
    )
    if not (viewer.may(CHANGE_ANY_PROVIDER) or read_only):
        # A telecom unit repairs what its own inspections found (any unit may inspect).
        counts["to_repair"] = inspections_awaiting_repair(DeviceInspection.objects.editable_by(viewer.user)).count()
    inspecting = not read_only
    return [
        AttentionItem(
            key="devices_awaiting_inspection",
            severity=Severity.WARNING,
            label=counted(
                ngettext(
                    "%(count)s used device awaiting inspection",
                    "%(count)s used devices awaiting inspection",
                    counts["awaiting"],
                ),
                counts["awaiting"],
            ),
            count=counts["awaiting"],
            url=reverse("telecom:devices")
            if inspecting
            else url_with_query("donations:device-list", status=Device.Status.AWAITING_INSPECTION),
            read_only=read_only,
        ),
        AttentionItem(
            key="devices_to_repair",
            severity=Severity.WARNING,
            label=counted(
                ngettext("%(count)s device needs repair", "%(count)s devices need repair", counts["to_repair"]),
                counts["to_repair"],
            ),
            count=counts["to_repair"],
            url=reverse("telecom:devices")
            if inspecting
            else url_with_query("donations:device-list", status=Device.Status.NEEDS_REPAIR),
            read_only=read_only,
        ),
    ]


def offers(viewer: Viewer) -> list[AttentionItem]:
    read_only = viewer.access(act="telecom.change_connectivityoffer", see="telecom.view_connectivityoffer")
    if read_only is None:
        return []
    # Telecom staff see their own provider's offers; the office (and leadership, reading) every offer.
    scoped = ConnectivityOffer.objects.all() if read_only else ConnectivityOffer.objects.editable_by(viewer.user)
    rows = list(
        scoped.with_usage()
        .annotate(used_tenths=F("used") * 10)
        .filter(used_tenths__gte=F("capacity") * NEARLY_FULL_TENTHS)
        .values("pk", "name", "capacity", "used", "provider__short_name")
        .order_by("provider__name", "name")
    )
    details = [
        Detail(
            _("%(offer)s (%(provider)s): %(used)s of %(capacity)s places taken")
            % {
                "offer": row["name"],
                "provider": row["provider__short_name"],
                "used": number(row["used"]),
                "capacity": number(row["capacity"]),
            },
            reverse("telecom:offer-detail", args=[row["pk"]]),
        )
        for row in rows
    ]
    any_full = any(row["used"] >= row["capacity"] for row in rows)
    return [
        AttentionItem(
            key="offers_nearly_full",
            severity=Severity.DANGER if any_full else Severity.WARNING,
            label=counted(
                ngettext(
                    "%(count)s connectivity offer full or nearly full (90%% of places or more)",
                    "%(count)s connectivity offers full or nearly full (90%% of places or more)",
                    len(rows),
                ),
                len(rows),
            ),
            count=len(rows),
            url=reverse("telecom:offers"),
            details=capped(details, offers=True),
            read_only=read_only,
        )
    ]


def coverage_late(viewer: Viewer) -> list[AttentionItem]:
    read_only = viewer.access(act="telecom.change_hamletcoverage", see="telecom.view_hamletcoverage")
    if read_only is None:
        return []
    today = timezone.localdate(viewer.now)
    providers = Provider.objects.all() if read_only else Provider.objects.editable_by(viewer.user)
    rows = list(
        providers.annotate(
            late=Count("coverage", filter=late_condition(today=today, prefix="coverage__")),
            reported=Count("coverage"),
        ).order_by("name")
    )
    cells = Hamlet.objects.count() * len(Technology.values)
    details = [
        Detail(
            _("%(provider)s: %(late)s late, %(missing)s not reported")
            % {
                "provider": provider.short_name,
                "late": number(provider.late),
                "missing": number(max(cells - provider.reported, 0)),
            },
            url_with_query("telecom:coverage", provider=provider.code),
        )
        for provider in rows
        if provider.late
    ]
    count = sum(provider.late for provider in rows)
    return [
        AttentionItem(
            key="coverage_late",
            severity=Severity.DANGER if today > COVERAGE_DEADLINE else Severity.WARNING,
            label=counted(
                ngettext(
                    "%(count)s hamlet coverage entry late for the %(deadline)s deadline",
                    "%(count)s hamlet coverage entries late for the %(deadline)s deadline",
                    count,
                ),
                count,
                deadline=formats.date_format(COVERAGE_DEADLINE, "SHORT_DATE_FORMAT"),
            ),
            count=count,
            url=reverse("telecom:coverage"),
            details=details,
            read_only=read_only,
        )
    ]


def pupils_blocked(viewer: Viewer) -> list[AttentionItem]:
    """Counts by commune for the telecom units and the office: never a pupil's name."""
    read_only = viewer.access(act="telecom.change_hamletcoverage", see="telecom.view_hamletcoverage")
    if read_only is None:
        return []
    rows = list(
        blocked_pupils()
        .values("commune__code", "commune__name", "commune__kind")
        .annotate(n=Count("pk"))
        .order_by("commune__code")
    )
    count = sum(row["n"] for row in rows)
    return [
        AttentionItem(
            key="pupils_blocked",
            severity=Severity.WARNING,
            label=counted(
                ngettext(
                    "%(count)s pupil lacking Internet lives in a hamlet no provider covers",
                    "%(count)s pupils lacking Internet live in hamlets no provider covers",
                    count,
                ),
                count,
            ),
            count=count,
            url=reverse("telecom:blocked-pupils"),
            details=capped(by_commune(rows, "commune__")),
            read_only=read_only,
        )
    ]
