"""What was given to the programme and what reached the hamlets: money, devices, places, coverage.

Every figure is read from a `Snapshot`, so the same functions give today's report and the
report as it stood at the end of a past day. One grouped query per table.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Case, Count, Exists, OuterRef, Q, Subquery, Sum, When
from django.utils import timezone

from allocation.models import AllocationRun, Support
from donations.models import CashReceipt, Device, DeviceType, Pledge, PledgeLine, Spending
from reports.snapshot import Snapshot
from students.lists import list_states
from students.models import Hamlet, StudentUpload
from telecom.models import ConnectivityOffer, HamletCoverage, Provider, SimAssignment, Technology


def _by_type() -> dict[str, int]:
    return dict.fromkeys(DeviceType.values, 0)


def confirmed_lines(snapshot: Snapshot):
    """Pledge lines every "pledged" figure counts: not cancelled, of a pledge staff confirmed
    (a public-form pledge counts nowhere until then, donations/confirmation.py)."""
    confirmed_at = snapshot.field_of(Pledge, "confirmed_at", id_from="pledge_id")
    return (
        snapshot.rows(PledgeLine)
        .filter(cancelled=False)
        .annotate(pledge_confirmed_at=confirmed_at)
        .filter(pledge_confirmed_at__isnull=False)
    )


def donation_figures(snapshot: Snapshot) -> dict:
    """The `donations` part of the report: money (cash and budget or fund alike), devices, places.

    Pledged figures count confirmed pledges only (`confirmed_lines`); received figures count
    everything that arrived. Devices received are every inventory row, donated or bought, whatever
    became of it; devices allocated are those of supports approved or handed over.
    """
    money_pledged, devices_pledged, telecom_pupils = _pledged(snapshot)
    money_received, without_pledge = _money_received(snapshot)
    spent_by_category = _spent_by_category(snapshot)
    devices_received, devices_by_status = _devices_received(snapshot)
    devices_allocated = _devices_allocated(snapshot)
    pledges = _pledge_counts(snapshot)
    received = sum(money_received.values())
    spent = sum(spent_by_category.values())
    return {
        "cash_pledged_vnd": sum(money_pledged.values()),
        "cash_received_vnd": received,
        "cash_spent_vnd": spent,
        "cash_balance_vnd": received - spent,
        "money_pledged_by_kind": money_pledged,
        "money_received_by_kind": money_received,
        "money_received_without_pledge_vnd": without_pledge,
        "spent_by_category": spent_by_category,
        "devices_pledged": devices_pledged,
        "devices_received": devices_received,
        "devices_allocated": devices_allocated,
        "devices_by_status": devices_by_status,
        "telecom_pupils_pledged": telecom_pupils["pledged"],
        "telecom_pupils_confirmed": telecom_pupils["confirmed"],
        "pledges": pledges["pledges"],
        "donors": pledges["donors"],
        "pledges_awaiting_confirmation": pledges["awaiting"],
        **connectivity_figures(snapshot),
    }


def _pledged(snapshot: Snapshot) -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
    """Money by kind, devices by type and telecom pupils (pledged, confirmed) of the confirmed pledges."""
    money_pledged: dict[str, int] = dict.fromkeys(PledgeLine.MONEY_KINDS, 0)
    devices_pledged = _by_type()
    telecom_pupils = {"pledged": 0, "confirmed": 0}
    lines = (
        confirmed_lines(snapshot)
        .values("kind", "device_type")
        .annotate(
            sum_amount=Sum("amount_vnd"),
            sum_quantity=Sum("quantity"),
            sum_confirmed=Sum("quantity", filter=Q(confirmed_on__isnull=False)),
        )
    )
    for row in lines:
        if row["kind"] in money_pledged:
            money_pledged[row["kind"]] += row["sum_amount"] or 0
        elif row["kind"] == PledgeLine.Kind.DEVICE and row["device_type"] in devices_pledged:
            devices_pledged[row["device_type"]] += row["sum_quantity"] or 0
        elif row["kind"] == PledgeLine.Kind.TELECOM:
            telecom_pupils["pledged"] += row["sum_quantity"] or 0
            telecom_pupils["confirmed"] += row["sum_confirmed"] or 0
    return money_pledged, devices_pledged, telecom_pupils


def _money_received(snapshot: Snapshot) -> tuple[dict[str, int], int]:
    """Money received by kind, and how much of it came with no pledge."""
    # A receipt's kind is its pledge line's (kinds never change); receipts without a line are cash.
    money_received: dict[str, int] = dict.fromkeys(PledgeLine.MONEY_KINDS, 0)
    without_pledge = 0
    for row in snapshot.rows(CashReceipt).values("pledge_line__kind").annotate(total=Sum("amount_vnd")):
        kind = row["pledge_line__kind"] if row["pledge_line__kind"] in money_received else PledgeLine.Kind.CASH
        money_received[kind] += row["total"] or 0
        without_pledge += (row["total"] or 0) if row["pledge_line__kind"] is None else 0
    return money_received, without_pledge


def _spent_by_category(snapshot: Snapshot) -> dict[str, int]:
    spent_by_category = dict.fromkeys(Spending.Category.values, 0)
    for row in snapshot.rows(Spending).values("category").annotate(total=Sum("amount_vnd")):
        spent_by_category[row["category"]] = row["total"] or 0
    return spent_by_category


def _devices_received(snapshot: Snapshot) -> tuple[dict[str, int], dict[str, int]]:
    """Every inventory row, by type and by status."""
    devices_received = _by_type()
    devices_by_status = dict.fromkeys(Device.Status.values, 0)
    for row in snapshot.rows(Device).values("device_type", "status").annotate(n=Count("id")):
        devices_received[row["device_type"]] += row["n"]
        devices_by_status[row["status"]] += row["n"]
    return devices_received, devices_by_status


def _devices_allocated(snapshot: Snapshot) -> dict[str, int]:
    """Devices of supports approved or handed over, by type."""
    devices_allocated = _by_type()
    given_devices = (
        snapshot.rows(Support)
        .filter(status__in=[Support.Status.APPROVED, Support.Status.HANDED_OVER], device__isnull=False)
        .annotate(device_type=snapshot.field_of(Device, "device_type", id_from="device_id"))
    )
    for row in given_devices.values("device_type").annotate(n=Count("id")):
        devices_allocated[row["device_type"]] = row["n"]
    return devices_allocated


def _pledge_counts(snapshot: Snapshot) -> dict[str, int]:
    """Pledges and donors that gave something, and pledges awaiting confirmation."""
    # Pledges and donors that gave something: a confirmed pledge with a line not cancelled (the
    # public page's donor count, reports.public, reads the same).
    gave = Exists(snapshot.rows(PledgeLine).filter(pledge_id=OuterRef("id"), cancelled=False))
    counted = Q(confirmed_at__isnull=False, gave=True)
    return (
        snapshot.rows(Pledge)
        .annotate(gave=gave)
        .aggregate(
            pledges=Count("id", filter=counted),
            donors=Count("donor_id", distinct=True, filter=counted),
            awaiting=Count("id", filter=Q(confirmed_at__isnull=True)),
        )
    )


def connectivity_figures(snapshot: Snapshot) -> dict:
    """Places on connectivity offers, in total and by provider: capacity; used, the places of supports
    approved or handed over and places given by hand; proposed, the places a saved run holds for
    supports nobody has approved yet (held, so never promised twice, but not used)."""
    providers = {p.pk: p for p in Provider.objects.order_by("name")}
    by_provider: dict[int, dict] = defaultdict(lambda: {"capacity": 0, "used": 0, "proposed": 0, "offers": 0})
    for row in snapshot.rows(ConnectivityOffer).values("provider_id").annotate(cap=Sum("capacity"), n=Count("id")):
        by_provider[row["provider_id"]]["capacity"] += row["cap"] or 0
        by_provider[row["provider_id"]]["offers"] += row["n"]
    support_status = Subquery(
        snapshot.rows(Support).filter(sim_assignment_id=OuterRef("id"), released=False).values("status")[:1]
    )
    places = (
        snapshot.rows(SimAssignment)
        .filter(status__in=SimAssignment.ACTIVE_STATUSES)
        .annotate(support_status=support_status)
        .annotate(proposed=Case(When(support_status=Support.Status.PROPOSED, then=1), default=0))
    )
    for row in places.values("offer__provider_id", "proposed").annotate(n=Count("id")):
        by_provider[row["offer__provider_id"]]["proposed" if row["proposed"] else "used"] += row["n"]
    rows = [
        {"code": providers[pk].code, "name": providers[pk].short_name or providers[pk].name, **figures}
        for pk, figures in by_provider.items()
        if pk in providers
    ]
    rows.sort(key=lambda row: row["name"])
    return {
        "connectivity_capacity": sum(row["capacity"] for row in rows),
        "connectivity_used": sum(row["used"] for row in rows),
        "connectivity_proposed": sum(row["proposed"] for row in rows),
        "connectivity_by_provider": rows,
    }


def infrastructure_figures(snapshot: Snapshot, communes: list[dict]) -> dict:
    """Hamlets where at least one provider has the technology available, overall, by commune and
    by provider. Two queries: the hamlets, and each hamlet's available technologies."""
    commune_of = dict(snapshot.rows(Hamlet).values_list("id", "commune_id"))
    available = (
        snapshot.rows(HamletCoverage)
        .filter(status=HamletCoverage.Status.AVAILABLE)
        .values_list("hamlet_id", "provider__code", "provider__short_name", "provider__name", "technology")
    )
    by_technology: dict[str, set[int]] = defaultdict(set)
    by_provider: dict[str, dict] = {}
    for hamlet_id, code, short_name, name, technology in available:
        if hamlet_id not in commune_of:
            continue  # a hamlet merged into another since
        by_technology[technology].add(hamlet_id)
        by_technology["any"].add(hamlet_id)
        entry = by_provider.setdefault(code, {"code": code, "name": short_name or name, **_tech_sets()})
        entry[technology].add(hamlet_id)

    def tally(hamlets: set[int] | None = None) -> dict[str, int]:
        def n(technology: str) -> int:
            found = by_technology[technology]
            return len(found if hamlets is None else found & hamlets)

        return {
            "with_mobile_3g": n(Technology.MOBILE_3G),
            "with_mobile_4g": n(Technology.MOBILE_4G),
            "with_fibre": n(Technology.FIBRE),
            "covered": n("any"),
        }

    hamlets_of: dict[int, set[int]] = defaultdict(set)
    for hamlet_id, commune_id in commune_of.items():
        hamlets_of[commune_id].add(hamlet_id)
    totals = tally()
    return {
        "hamlets": len(commune_of),
        **totals,
        "uncovered": len(commune_of) - totals["covered"],
        "by_commune": [
            {"code": c["code"], "name": c["name"], "hamlets": len(hamlets_of[c["id"]]), **tally(hamlets_of[c["id"]])}
            for c in communes
        ],
        "by_provider": [
            {
                "code": entry["code"],
                "name": entry["name"],
                "with_mobile_3g": len(entry[Technology.MOBILE_3G]),
                "with_mobile_4g": len(entry[Technology.MOBILE_4G]),
                "with_fibre": len(entry[Technology.FIBRE]),
            }
            for entry in sorted(by_provider.values(), key=lambda e: e["name"])
        ],
    }


def _tech_sets() -> dict[str, set[int]]:
    return {technology: set() for technology in Technology.values}


def allocation_figures(snapshot: Snapshot) -> dict:
    """Supports by status (proposed ones are not "supported" yet) and the last saved run."""
    by_status = dict.fromkeys(Support.Status.values, 0)
    for row in snapshot.rows(Support).filter(released=False).values("status").annotate(n=Count("id")):
        by_status[row["status"]] = row["n"]
    last = snapshot.rows(AllocationRun).order_by("-started_at", "-id").values("started_at").first()
    last_run_at = timezone.localtime(last["started_at"]).isoformat(timespec="minutes") if last else None
    return {"supports_by_status": by_status, "last_run_at": last_run_at}


def list_figures(snapshot: Snapshot) -> dict[int, dict]:
    """Per commune id: whether a list was received, when last uploaded, and a refused file, all as
    `students.lists.list_states` defines them (the staff home and the dashboard read the same)."""
    result = {}
    for commune_id, state in list_states(snapshot.rows(StudentUpload)).items():
        result[commune_id] = {
            "list_received": state.received,
            "last_upload": state.last_upload,
            # No list imported and the latest file refused: the list is still to be fixed.
            "list_has_errors": state.has_errors,
            # A list stands and a later file was refused: that file's day, shown, nothing undone.
            "list_refused_on": _local_day(state.refused_at) if state.refused_after_received else None,
        }
    return result


def _local_day(moment) -> str:
    return timezone.localtime(moment).date().isoformat()
