"""Pupils in need, their supports and what is still missing, counted in two grouped queries.

The report must take the same few queries at 10,000 pupils as at 1,000,000 (issue 7), live
and as of a past day. Each table is taken from the snapshot as a Django queryset and the
queries join them with LEFT JOINs in one statement: `IN (subquery)` on hundreds of thousands
of supports makes PostgreSQL rescan the subquery per pupil once the set outgrows work_mem,
and historical models have no reverse relations to annotate with.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db import connection
from django.db.models import QuerySet, Subquery

from allocation import engine
from allocation.models import AllocationRun, LeftOut, Support
from reports.snapshot import Snapshot
from students.models import DuplicateCandidate, Student

SUPPORTED = "supported"
# Why a pupil in need has no support yet, in the order a pupil is classified (first that applies).
DUPLICATE_PENDING = engine.DUPLICATE_PENDING
NOT_VERIFIED = engine.NOT_VERIFIED
AWAITING_APPROVAL = "awaiting_approval"
WITHDRAWN = "withdrawn"
# Reasons the last saved run gave for an eligible pupil it could not serve.
LEFT_OUT_REASONS = (engine.NO_COVERAGE, engine.NO_HAMLET, engine.NO_DEVICE_LEFT, engine.NO_PLACE_LEFT)
AWAITING_ALLOCATION = "awaiting_allocation"
GAP_REASONS = (DUPLICATE_PENDING, NOT_VERIFIED, AWAITING_APPROVAL, WITHDRAWN, *LEFT_OUT_REASONS, AWAITING_ALLOCATION)

# Infrastructure of a pupil who lacks Internet: their hamlet has no coverage at all, or is unknown.
BLOCKED = "blocked"
HAMLET_UNKNOWN = "hamlet_unknown"

NEEDS = ("device_only", "internet_only", "both")


def _sql(queryset: QuerySet) -> tuple[str, tuple]:
    sql, params = queryset.query.sql_with_params()
    return sql, tuple(params)


def _tables(snapshot: Snapshot, *, with_hardships: bool = False) -> tuple[str, tuple]:
    """The WITH clause: pupils in need, supports holding a place, pupils in an undecided pair,
    the last run's left-out reason per pupil, and the hamlets some provider covers."""
    from telecom.models import HamletCoverage

    fields = ["id", "commune_id", "school_id", "hamlet_id", "level", "status", "lacks_device", "lacks_internet"]
    if with_hardships:
        fields.append("hardships")
    pupils = snapshot.rows(Student).filter(status__in=Student.IN_NEED_STATUSES).values(*fields)
    holding = snapshot.rows(Support).filter(released=False).values("student_id", "status", "device_id", "offer_id")
    pairs = (
        snapshot.rows(DuplicateCandidate)
        .filter(decision=DuplicateCandidate.Decision.PENDING)
        .values("existing_id", "candidate_id")
    )
    last_run = snapshot.rows(AllocationRun).order_by("-started_at", "-id").values("id")[:1]
    left_out = snapshot.rows(LeftOut).filter(run_id=Subquery(last_run)).values("student_id", "reason")
    covered = snapshot.rows(HamletCoverage).filter(status=HamletCoverage.Status.AVAILABLE).values("hamlet_id")
    # The pairs' query appears twice: a CTE read twice is materialised, and PostgreSQL plans no
    # parallel scan around a materialised CTE.
    parts = [_sql(pupils), _sql(holding), _sql(pairs), _sql(pairs), _sql(left_out), _sql(covered)]
    # The left-out reason that explains most: coverage before supply (a pupil may miss both needs).
    reason_rank = " ".join(f"WHEN '{reason}' THEN {n}" for n, reason in enumerate(LEFT_OUT_REASONS))
    # Only the querysets' own SQL and this module's constants are spliced in; values go as parameters.
    sql = (
        f"WITH p AS ({parts[0][0]}), h AS ({parts[1][0]}), "  # noqa: S608
        f"d AS (SELECT existing_id AS sid FROM ({parts[2][0]}) e UNION SELECT candidate_id FROM ({parts[3][0]}) c), "
        f"lo AS (SELECT student_id, MIN(CASE reason {reason_rank} ELSE {len(LEFT_OUT_REASONS)} END) AS r "
        f"FROM ({parts[4][0]}) lo_rows GROUP BY student_id), "
        f"cov AS (SELECT DISTINCT hamlet_id FROM ({parts[5][0]}) cov_rows) "
    )
    return sql, sum((params for _sql_text, params in parts), ())


def _given() -> str:
    statuses = ", ".join(f"'{status}'" for status in Support.GIVEN_STATUSES)
    return f"h.status IN ({statuses})"


_JOINS = (
    " FROM p LEFT JOIN h ON h.student_id = p.id LEFT JOIN d ON d.sid = p.id"
    " LEFT JOIN lo ON lo.student_id = p.id LEFT JOIN cov ON cov.hamlet_id = p.hamlet_id"
)


def _fact_sql(snapshot: Snapshot) -> tuple[str, tuple]:
    given = _given()
    left_out = " ".join(f"WHEN lo.r = {n} THEN '{reason}'" for n, reason in enumerate(LEFT_OUT_REASONS))
    S = Student.Status  # noqa: N806
    select = f"""
        SELECT p.commune_id, p.school_id, p.level, p.status, p.lacks_device, p.lacks_internet,
          CASE WHEN {given} THEN (CASE WHEN h.device_id IS NOT NULL THEN 1 ELSE 0 END)
                               + (CASE WHEN h.offer_id IS NOT NULL THEN 2 ELSE 0 END) ELSE 0 END AS given,
          CASE WHEN {given} THEN '{SUPPORTED}'
               WHEN p.status = '{S.HELD}' OR d.sid IS NOT NULL THEN '{DUPLICATE_PENDING}'
               WHEN p.status = '{S.LISTED}' THEN '{NOT_VERIFIED}'
               WHEN h.status = '{Support.Status.PROPOSED}' THEN '{AWAITING_APPROVAL}'
               WHEN h.status = '{Support.Status.WITHDRAWN}' THEN '{WITHDRAWN}'
               {left_out}
               ELSE '{AWAITING_ALLOCATION}' END AS situation,
          CASE WHEN NOT p.lacks_internet THEN ''
               WHEN p.hamlet_id IS NULL THEN '{HAMLET_UNKNOWN}'
               WHEN cov.hamlet_id IS NULL THEN '{BLOCKED}' ELSE '' END AS infrastructure,
          COUNT(*) AS n
        {_JOINS}
        GROUP BY p.commune_id, p.school_id, p.level, p.status, p.lacks_device, p.lacks_internet,
                 given, situation, infrastructure
    """
    tables, params = _tables(snapshot)
    return tables + select, params


def _hardship_sql(snapshot: Snapshot) -> tuple[str, tuple]:
    select = f"""
        SELECT p.hardships, CASE WHEN {_given()} THEN 1 ELSE 0 END AS supported, COUNT(*) AS n
        FROM p LEFT JOIN h ON h.student_id = p.id
        GROUP BY p.hardships, supported
    """  # noqa: S608 - constants only; values are parameters
    tables, params = _tables(snapshot, with_hardships=True)
    return tables + select, params


def _fetch(sql_and_params: tuple[str, tuple]) -> list[tuple]:
    sql, params = sql_and_params
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@dataclass(frozen=True)
class Fact:
    """A group of pupils alike in everything the report counts."""

    commune_id: int
    school_id: int
    level: str
    status: str
    lacks_device: bool
    lacks_internet: bool
    given: int  # bit 1: a device, bit 2: a connectivity place (0 when no support is given)
    situation: str  # SUPPORTED or one of GAP_REASONS
    infrastructure: str  # "", BLOCKED or HAMLET_UNKNOWN
    n: int

    @property
    def need(self) -> str:
        if self.lacks_device and self.lacks_internet:
            return "both"
        return "device_only" if self.lacks_device else "internet_only"

    @property
    def needs_met(self) -> bool:
        return (not self.lacks_device or bool(self.given & 1)) and (not self.lacks_internet or bool(self.given & 2))


def facts(snapshot: Snapshot) -> list[Fact]:
    return [
        Fact(commune, school, level, status, bool(device), bool(internet), int(given), situation, infra, int(n))
        for commune, school, level, status, device, internet, given, situation, infra, n in _fetch(_fact_sql(snapshot))
    ]


def counts(facts_: list[Fact]) -> dict:
    """The `students` figures of DESIGN.md (but duplicates_pending, counted on pairs) over some facts."""
    c: Counter = Counter()
    for f in facts_:
        c["in_need"] += f.n
        c["lacks_device"] += f.n * f.lacks_device
        c["lacks_internet"] += f.n * f.lacks_internet
        c["lacks_both"] += f.n * (f.lacks_device and f.lacks_internet)
        c["verified"] += f.n * (f.status == Student.Status.VERIFIED)
        c["supported"] += f.n * (f.situation == SUPPORTED)
        c["supported_device"] += f.n * bool(f.given & 1)
        c["supported_connectivity"] += f.n * bool(f.given & 2)
        c["fully_supported"] += f.n * (f.situation == SUPPORTED and f.needs_met)
        c["blocked_by_infrastructure"] += f.n * (f.infrastructure == BLOCKED)
    figures = {
        key: c[key]
        for key in (
            "in_need",
            "lacks_device",
            "lacks_internet",
            "lacks_both",
            "verified",
            "supported",
            "supported_device",
            "supported_connectivity",
        )
    }
    figures["unsupported"] = figures["in_need"] - figures["supported"]
    figures["supported_pct"] = percent(figures["supported"], figures["in_need"])
    figures["fully_supported"] = c["fully_supported"]
    figures["blocked_by_infrastructure"] = c["blocked_by_infrastructure"]
    return figures


def percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def gap(facts_: list[Fact]) -> dict[str, int]:
    """Pupils in need without support, by why (GAP_REASONS, every key present)."""
    by_reason = dict.fromkeys(GAP_REASONS, 0)
    for f in facts_:
        if f.situation != SUPPORTED:
            by_reason[f.situation] += f.n
    return by_reason


def group(facts_: list[Fact], key) -> dict:
    grouped: dict = defaultdict(list)
    for f in facts_:
        grouped[key(f)].append(f)
    return grouped


def hardship_counts(snapshot: Snapshot) -> dict[str, dict[str, int]]:
    """In need and supported by hardship (a pupil counts under each of theirs; "none" when no hardship)."""
    from students.models import Hardship

    result = {code: {"in_need": 0, "supported": 0} for code in [*Hardship.values, "none"]}
    for hardships, supported, n in _fetch(_hardship_sql(snapshot)):
        codes = json.loads(hardships) if isinstance(hardships, str) else hardships
        for code in set(codes or ["none"]):
            row = result.setdefault(code, {"in_need": 0, "supported": 0})
            row["in_need"] += n
            row["supported"] += n * int(supported)
    for row in result.values():
        row["unsupported"] = row["in_need"] - row["supported"]
        row["supported_pct"] = percent(row["supported"], row["in_need"])
    return result
