"""Reads about telecom coverage and offers that pages and reports share."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Exists, OuterRef, QuerySet, Sum
from django.utils.translation import gettext as _

from students.models import Commune, Hamlet, Student
from telecom.coverage import is_late
from telecom.models import (
    ConnectivityOffer,
    ConnectivityOfferQuerySet,
    HamletCoverage,
    Provider,
    SimAssignment,
    Technology,
)

AVAILABLE = HamletCoverage.Status.AVAILABLE


def _hamlets_with(technology: str) -> int:
    return HamletCoverage.objects.filter(technology=technology, status=AVAILABLE).values("hamlet_id").distinct().count()


def infrastructure_figures() -> dict[str, int]:
    """The `infrastructure` part of the progress report: hamlets where at least one provider has it available."""
    return {
        "hamlets": Hamlet.objects.count(),
        "with_mobile_4g": _hamlets_with(Technology.MOBILE_4G),
        "with_fibre": _hamlets_with(Technology.FIBRE),
    }


def connectivity_figures() -> dict[str, int]:
    """`connectivity_capacity`, `connectivity_used` and `connectivity_proposed` of the report's
    `donations` part, live (reports.supply_figures.connectivity_figures reads them as of any day; the
    figures guard keeps the two equal): used places are those the operator activates, approved,
    handed over or given by hand; a place a run only proposed is counted apart."""
    capacity = ConnectivityOffer.objects.aggregate(total=Sum("capacity"))["total"] or 0
    active = SimAssignment.objects.active()
    used = active.without_proposals().count()
    return {
        "connectivity_capacity": capacity,
        "connectivity_used": used,
        "connectivity_proposed": active.count() - used,
    }


# --- the commune × hamlet matrix -------------------------------------------------------------


@dataclass
class Cell:
    provider: Provider
    technology: str
    status: str | None = None
    planned_on: date | None = None
    reason: str = ""
    late: bool = False

    @property
    def technology_label(self) -> str:
        """'3G', '4G', 'Cáp quang': what a column and a screen reader call the technology."""
        return str(_("Fibre")) if self.technology == Technology.FIBRE else self.technology.upper()


@dataclass
class HamletRow:
    hamlet: Hamlet
    cells: list[Cell]


@dataclass
class CommuneBlock:
    commune: Commune
    rows: list[HamletRow] = field(default_factory=list)


@dataclass
class LateSummary:
    provider: Provider
    technology: str
    available: int = 0
    on_time: int = 0
    late: int = 0
    missing: int = 0


def coverage_matrix(
    *, hamlets: QuerySet[Hamlet], providers: list[Provider], today: date | None = None
) -> tuple[list[CommuneBlock], list[LateSummary]]:
    """Hamlets by commune, one cell per provider and technology, and per column what is late.

    Three queries whatever the size: hamlets (with communes), coverage rows, and the providers passed in.
    """
    hamlet_list = list(hamlets.select_related("commune").order_by("commune__code", "name"))
    rows = HamletCoverage.objects.filter(provider__in=[p.pk for p in providers])
    if len(hamlet_list) < 500:
        rows = rows.filter(hamlet_id__in=[h.pk for h in hamlet_list])
    found = {
        (r["hamlet_id"], r["provider_id"], r["technology"]): r
        for r in rows.values("hamlet_id", "provider_id", "technology", "status", "planned_on", "reason")
    }
    columns = [(p, t) for p in providers for t in Technology.values]
    summaries = {(p.pk, t): LateSummary(p, t) for p, t in columns}
    blocks: list[CommuneBlock] = []
    for hamlet in hamlet_list:
        if not blocks or blocks[-1].commune.pk != hamlet.commune_id:
            blocks.append(CommuneBlock(hamlet.commune))
        cells = []
        for provider, technology in columns:
            row = found.get((hamlet.pk, provider.pk, technology))
            summary = summaries[(provider.pk, technology)]
            if row is None:
                cell = Cell(provider, technology, late=is_late(None, None, today=today))
                summary.missing += 1
            else:
                cell = Cell(
                    provider,
                    technology,
                    status=row["status"],
                    planned_on=row["planned_on"],
                    reason=row["reason"],
                    late=is_late(row["status"], row["planned_on"], today=today),
                )
                if row["status"] == AVAILABLE:
                    summary.available += 1
                elif cell.late:
                    summary.late += 1
                else:
                    summary.on_time += 1
            cells.append(cell)
        blocks[-1].rows.append(HamletRow(hamlet, cells))
    return blocks, list(summaries.values())


# --- pupils blocked by infrastructure ---------------------------------------------------------


def uncovered_hamlet_ids() -> list[int]:
    """Hamlets where no provider has any technology available (a few hundred ids at most)."""
    covered = HamletCoverage.objects.filter(hamlet_id=OuterRef("pk"), status=AVAILABLE)
    return list(Hamlet.objects.exclude(Exists(covered)).values_list("pk", flat=True))


def blocked_pupils(students: QuerySet[Student] | None = None) -> QuerySet[Student]:
    """Pupils in need who lack Internet and live in a hamlet that no provider covers with anything available."""
    students = Student.objects.all() if students is None else students
    # The hamlet ids first, then the pupils by their indexed hamlet: an anti-join per pupil costs seconds at 100k.
    return students.filter(
        status__in=Student.IN_NEED_STATUSES, lacks_internet=True, hamlet_id__in=uncovered_hamlet_ids()
    )


def blocked_pupil_counts() -> list[dict[str, Any]]:
    """Counts by commune, hamlet and school: what the telecoms need, with no personal data."""
    rows = (
        blocked_pupils()
        .values("commune__code", "commune__name", "hamlet_id", "hamlet__name", "school__name")
        .annotate(pupils=Count("pk"))
        .order_by("commune__code", "hamlet__name", "school__name")
    )
    return [dict(row) for row in rows]


def pupils_without_hamlet_lacking_internet() -> int:
    """Pupils lacking Internet whose hamlet the list did not give: coverage cannot be judged for them."""
    return Student.objects.filter(status__in=Student.IN_NEED_STATUSES, lacks_internet=True, hamlet__isnull=True).count()


def offers_with_usage(
    offers: ConnectivityOfferQuerySet[ConnectivityOffer] | None = None,
) -> QuerySet[ConnectivityOffer]:
    offers = ConnectivityOffer.objects.all() if offers is None else offers
    used: QuerySet[ConnectivityOffer] = offers.with_usage()
    return used.select_related("provider", "pledge_line__pledge__donor")
