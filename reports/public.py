"""What the public transparency page shows: aggregated figures and the donor roll.

Nothing here reads a pupil's row beyond counts, and donors leave only as their public
name (`Donor.public_name`), kind and what they gave — never a phone, e-mail or address.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from donations.models import CashReceipt, Device, DeviceType, Donor, PledgeLine, Spending
from donations.statements import latest_statement
from reports.progress import build_progress_report
from telecom.models import LearningPlatform, Technology

MONEY_KINDS = [str(kind) for kind in PledgeLine.MONEY_KINDS]
TOP_DONORS = 10
MONEY_LABELS = {
    "cash": _("Money donated"),
    "budget": _("State budget and funds"),
    "other": _("Receipts not linked to a pledge"),
}
DONORS_PER_PAGE = 50
DEVICE_KEYS = ("devices_pledged", "devices_received", "devices_allocated")


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _active_lines() -> QuerySet[PledgeLine]:
    """Lines the public page shows: not cancelled, of a pledge staff confirmed (donations/confirmation.py)."""
    return PledgeLine.objects.filter(cancelled=False, pledge__confirmed_at__isnull=False)


# Aggregate aliases may not shadow field names, hence the prefix.
_LINE_SUMS = {
    "sum_amount": Sum("amount_vnd"),
    "sum_quantity": Sum("quantity"),
    "sum_confirmed": Sum("quantity", filter=Q(confirmed_on__isnull=False)),
}


def _money_by_kind(donations: dict) -> list[dict]:
    """Money pledged and received by kind; receipts not linked to a pledge on a line of their own."""
    received = dict(donations["money_received_by_kind"])
    without_pledge = donations["money_received_without_pledge_vnd"]
    received[PledgeLine.Kind.CASH] -= without_pledge
    rows = [
        {
            "code": kind,
            "label": str(MONEY_LABELS[kind]),
            "pledged": donations["money_pledged_by_kind"][kind],
            "received": received[kind],
        }
        for kind in MONEY_KINDS
    ]
    if without_pledge:
        rows.append({"code": "other", "label": str(MONEY_LABELS["other"]), "pledged": None, "received": without_pledge})
    return rows


def _spending_by_category(donations: dict) -> list[dict]:
    spent = donations["spent_by_category"]
    return [
        {"code": code, "label": capfirst(str(label)), "spent": spent.get(code, 0)}
        for code, label in Spending.Category.choices
    ]


def _devices_by_type(donations: dict) -> list[dict]:
    return [
        {
            "code": code,
            "label": capfirst(str(label)),
            "pledged": donations["devices_pledged"].get(code, 0),
            "received": donations["devices_received"].get(code, 0),
            "allocated": donations["devices_allocated"].get(code, 0),
        }
        for code, label in DeviceType.choices
    ]


def _offers_by_provider(donations: dict) -> list[dict]:
    """Each provider with an offer: how many offers, places offered (capacity) and places taken."""
    return [
        {
            "name": row["name"],
            "offers": row["offers"],
            "capacity": row["capacity"],
            "used": row["used"],
            "proposed": row["proposed"],
        }
        for row in donations["connectivity_by_provider"]
        if row["offers"]
    ]


def _money_pledged_by(donor: OuterRef) -> Subquery:
    lines = _active_lines().filter(pledge__donor=donor, kind__in=MONEY_KINDS).values("pledge__donor")
    return Coalesce(Subquery(lines.annotate(total=Sum("amount_vnd")).values("total")), 0)


def _money_received_from(donor: OuterRef) -> Subquery:
    receipts = CashReceipt.objects.filter(
        pledge_line__pledge__donor=donor,
        pledge_line__pledge__confirmed_at__isnull=False,
        pledge_line__cancelled=False,
        pledge_line__kind__in=MONEY_KINDS,
    ).values("pledge_line__pledge__donor")
    return Coalesce(Subquery(receipts.annotate(total=Sum("amount_vnd")).values("total")), 0)


def _donors_who_gave() -> QuerySet[Donor]:
    """Donors with at least one pledge line not cancelled."""
    return Donor.objects.filter(Exists(_active_lines().filter(pledge__donor=OuterRef("pk"))))


def _donor_figures() -> dict:
    counts = _donors_who_gave().aggregate(total=Count("pk"), named=Count("pk", filter=Q(publish_consent=True)))
    top = (
        _donors_who_gave()
        .annotate(money_pledged=_money_pledged_by(OuterRef("pk")), money_received=_money_received_from(OuterRef("pk")))
        .filter(money_pledged__gt=0)
        .only("name", "kind", "publish_consent")
        .order_by("-money_pledged", "pk")[:TOP_DONORS]
    )
    return {
        "count": counts["total"],
        "named": counts["named"],
        "top_money": [
            {
                "name": donor.public_name,
                "kind": donor.get_kind_display(),
                "pledged": donor.money_pledged,
                "received": donor.money_received,
            }
            for donor in top
        ],
    }


def public_figures() -> dict:
    """Every figure of the public page: the progress report's, and what the page adds to it.

    Computed at `computed_at`; a fixed number of queries whatever the size of the data.
    """
    report = build_progress_report()
    donations = report["donations"]
    infrastructure = report["infrastructure"]
    hamlets = infrastructure["hamlets"]
    return {
        "computed_at": timezone.now(),
        "students": report["students"],
        "by_commune": [
            {**row, "supported_pct": _pct(row["supported"], row["in_need"])} for row in report["by_commune"]
        ],
        "donations": donations,
        "devices_total": {key: sum(donations[key].values()) for key in DEVICE_KEYS},
        "infrastructure": infrastructure,
        "coverage": [
            {
                "label": capfirst(str(label)),
                "covered": infrastructure[key],
                "hamlets": hamlets,
                "pct": _pct(infrastructure[key], hamlets),
            }
            for key, label in (("with_mobile_4g", Technology.MOBILE_4G.label), ("with_fibre", Technology.FIBRE.label))
        ],
        "money_by_kind": _money_by_kind(donations),
        "spending_by_category": _spending_by_category(donations),
        "devices_by_type": _devices_by_type(donations),
        "offers_by_provider": _offers_by_provider(donations),
        "telecom_pupils_pledged": donations["telecom_pupils_pledged"],
        "telecom_pupils_confirmed": donations["telecom_pupils_confirmed"],
        "zero_rated_platforms": LearningPlatform.objects.filter(published=True).count(),
        "donors": _donor_figures(),
        # Money received is the receipts, which the imported bank statements reconcile: say up to which day.
        "statement_day": getattr(latest_statement(), "last_day", None),
    }


# --- the donor roll ----------------------------------------------------------------------------


@dataclass
class DonorGifts:
    """One line of the public donor roll: the public name and what the donor gave, nothing else."""

    name: str
    kind: str
    money_pledged: int = 0
    money_received: int = 0
    devices_pledged: dict[str, int] = field(default_factory=dict)
    devices_received: dict[str, int] = field(default_factory=dict)
    telecom_pupils_pledged: int = 0
    telecom_pupils_confirmed: int = 0

    @property
    def devices(self) -> list[dict]:
        """Device types this donor pledged or delivered, with both counts, in the types' order."""
        labels = dict(DeviceType.choices)
        return [
            {
                "label": capfirst(str(labels[code])),
                "pledged": self.devices_pledged.get(code, 0),
                "received": self.devices_received.get(code, 0),
            }
            for code in DeviceType.values
            if self.devices_pledged.get(code) or self.devices_received.get(code)
        ]


def _gifts_of(donor_ids: list[int]) -> dict[int, dict]:
    """What each of these donors pledged and delivered, in three grouped queries (lines, money, devices)."""
    gifts: dict[int, dict] = defaultdict(
        lambda: {"money_pledged": 0, "money_received": 0, "devices_pledged": {}, "devices_received": {},
                 "telecom_pupils_pledged": 0, "telecom_pupils_confirmed": 0}
    )  # fmt: skip
    lines = (
        _active_lines()
        .filter(pledge__donor_id__in=donor_ids)
        .values("pledge__donor_id", "kind", "device_type")
        .annotate(**_LINE_SUMS)
    )
    for row in lines:
        entry = gifts[row["pledge__donor_id"]]
        if row["kind"] in MONEY_KINDS:
            entry["money_pledged"] += row["sum_amount"] or 0
        elif row["kind"] == PledgeLine.Kind.DEVICE:
            entry["devices_pledged"][row["device_type"]] = row["sum_quantity"] or 0
        else:
            entry["telecom_pupils_pledged"] += row["sum_quantity"] or 0
            entry["telecom_pupils_confirmed"] += row["sum_confirmed"] or 0
    receipts = (
        CashReceipt.objects.filter(
            pledge_line__pledge__donor_id__in=donor_ids,
            pledge_line__pledge__confirmed_at__isnull=False,
            pledge_line__cancelled=False,
            pledge_line__kind__in=MONEY_KINDS,
        )
        .values("pledge_line__pledge__donor_id")
        .annotate(total=Sum("amount_vnd"))
    )
    for row in receipts:
        gifts[row["pledge_line__pledge__donor_id"]]["money_received"] = row["total"] or 0
    devices = (
        Device.objects.filter(
            pledge_line__pledge__donor_id__in=donor_ids,
            pledge_line__pledge__confirmed_at__isnull=False,
            pledge_line__cancelled=False,
        )
        .values("pledge_line__pledge__donor_id", "device_type")
        .annotate(n=Count("pk"))
    )
    for row in devices:
        gifts[row["pledge_line__pledge__donor_id"]]["devices_received"][row["device_type"]] = row["n"]
    return gifts


def donor_roll(page: object = 1) -> Page:
    """One page of the public donor roll, in the order donors were recorded.

    `page` may be anything a visitor typed: a number out of range gives the last page,
    anything else the first. The page's `object_list` holds `DonorGifts`, never a `Donor`.
    Five queries whatever the page or the data (count, donors, lines, receipts, devices).
    """
    donors = _donors_who_gave().only("name", "kind", "publish_consent").order_by("pk")
    result = Paginator(donors, DONORS_PER_PAGE).get_page(page)
    donors_here = list(result.object_list)
    gifts = _gifts_of([donor.pk for donor in donors_here]) if donors_here else {}
    result.object_list = [
        DonorGifts(name=donor.public_name, kind=donor.get_kind_display(), **gifts[donor.pk]) for donor in donors_here
    ]
    return result
