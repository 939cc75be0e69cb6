"""Reads about donations that pages and reports share."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django_stubs_ext import StrOrPromise

from donations.models import CashReceipt, Device, Donor, LineStatus, Pledge, PledgeLine, PledgeLineQuerySet


def _active_lines() -> PledgeLineQuerySet[PledgeLine]:
    return PledgeLine.objects.filter(cancelled=False)


def _with_status(pledges: QuerySet[Pledge], status: str) -> QuerySet[Pledge]:
    """Pledges whose derived status (`derive_status` over their lines) is `status`, decided in SQL."""
    lines = PledgeLine.objects.with_status().filter(pledge=OuterRef("pk"))
    active = lines.exclude(line_status=LineStatus.CANCELLED)
    some_received = active.filter(line_status__in=[LineStatus.RECEIVED, LineStatus.PARTLY_RECEIVED])
    not_received = active.exclude(line_status=LineStatus.RECEIVED)
    if status == LineStatus.CANCELLED:
        return pledges.filter(Exists(lines), ~Exists(active))
    if status == LineStatus.RECEIVED:
        return pledges.filter(Exists(active), ~Exists(not_received))
    if status == LineStatus.PARTLY_RECEIVED:
        return pledges.filter(Exists(some_received), Exists(not_received))
    return pledges.filter(Exists(active), ~Exists(some_received))


def outstanding_pledge_counts() -> dict[str, int]:
    """Pledges still waiting for what was promised, by status: nothing received yet, or part of it.

    Counted by the same rule as the pledge list's status filter, so a link to the filtered list shows as many.
    """
    waiting = (LineStatus.PLEDGED, LineStatus.PARTLY_RECEIVED)
    return {status: _with_status(Pledge.objects.all(), status).count() for status in waiting}


def pledges_for_list(
    *, search: str = "", kind: str = "", status: str = "", donor_kind: str = "", awaiting_confirmation: bool = False
) -> QuerySet[Pledge]:
    """Pledges with donor and lines (with what was received), filtered in SQL; paginate before reading."""
    pledges: QuerySet[Pledge] = (
        Pledge.objects.search(search)
        .select_related("donor", "earmark_commune")
        .prefetch_related(Prefetch("lines", queryset=PledgeLine.objects.with_received()))
    )
    if kind:
        pledges = pledges.filter(Exists(PledgeLine.objects.filter(pledge=OuterRef("pk"), kind=kind)))
    if donor_kind:
        pledges = pledges.filter(donor__kind=donor_kind)
    if status:
        pledges = _with_status(pledges, status)
    if awaiting_confirmation:
        pledges = pledges.filter(confirmed_at__isnull=True)
    return pledges


def lines_with_received(pledge: Pledge) -> list[PledgeLine]:
    return list(pledge.lines.with_received())


@dataclass
class Reconciliation:
    """Pledged against received, money in VND and devices in units."""

    label: StrOrPromise
    money_pledged: int = 0
    money_received: int = 0
    devices_pledged: int = 0
    devices_received: int = 0
    pupils_offered: int = 0
    children: list[Reconciliation] = field(default_factory=list)

    @property
    def money_outstanding(self) -> int:
        return max(self.money_pledged - self.money_received, 0)

    @property
    def devices_outstanding(self) -> int:
        return max(self.devices_pledged - self.devices_received, 0)

    def add(self, line: PledgeLine) -> None:
        if line.kind in PledgeLine.MONEY_KINDS:
            self.money_pledged += line.amount_vnd or 0
            self.money_received += line.received_units
        elif line.kind == PledgeLine.Kind.DEVICE:
            self.devices_pledged += line.quantity or 0
            self.devices_received += line.received_units
        else:
            self.pupils_offered += line.quantity or 0


def reconciliation() -> dict[str, Any]:
    """Per donor, per kind and in total; cancelled lines are left out. Receipts without a pledge are shown apart."""
    lines = _active_lines().with_received().select_related("pledge__donor").order_by("pledge__donor__name", "pk")
    total = Reconciliation(label="total")
    by_kind = {kind: Reconciliation(label=label) for kind, label in PledgeLine.Kind.choices}
    by_donor: dict[int, Reconciliation] = {}
    for line in lines:
        donor = line.pledge.donor
        by_donor.setdefault(donor.pk, Reconciliation(label=donor.name)).add(line)
        by_kind[line.kind].add(line)
        total.add(line)
    unlinked = CashReceipt.objects.filter(pledge_line__isnull=True).aggregate(t=Sum("amount_vnd"))["t"] or 0
    return {
        "by_donor": list(by_donor.values()),
        "by_kind": list(by_kind.values()),
        "total": total,
        "receipts_without_pledge_vnd": unlinked,
    }


def devices_for_list(
    *, search: str = "", device_type: str = "", status: str = "", condition: str = ""
) -> QuerySet[Device]:
    devices = Device.objects.select_related("pledge_line__pledge__donor", "purchase").order_by("-received_on", "pk")
    if search.strip():
        term = search.strip()
        devices = devices.filter(
            Q(serial__icontains=term)
            | Q(brand_model__icontains=term)
            | Q(pledge__reference_code__iexact=term)
            | Q(pledge__donor__name_key__contains=_fold(term))
        )
    if device_type:
        devices = devices.filter(device_type=device_type)
    if status:
        devices = devices.filter(status=status)
    if condition:
        devices = devices.filter(condition=condition)
    return devices


def _fold(term: str) -> str:
    from donations.text import fold

    return fold(term)


def public_donor_roll() -> QuerySet[Donor]:
    return Donor.objects.filter(publish_consent=True)


# Where a pledge's gifts went, by commune and school. Allocation (issue 6) sits above this
# app and registers a function here from its AppConfig.ready(); each returns rows
# {"commune": str, "school": str, "devices": int, "connectivity": int} — never a pupil's name.
DESTINATION_PROVIDERS: list[Callable[[Pledge], list[dict[str, Any]]]] = []


def pledge_destinations(pledge: Pledge) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for provider in DESTINATION_PROVIDERS:
        rows += provider(pledge)
    return rows
