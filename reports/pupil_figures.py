"""Pupils in need, their supports and what is still missing, counted in two grouped queries.

The report must take the same few queries at 10,000 pupils as at 1,000,000 (issue 7), live
and as of a past day. Each table is taken from the snapshot as a Django queryset, and one
statement joins them with LEFT JOINs: `IN (subquery)` on hundreds of thousands of supports
makes PostgreSQL rescan the subquery per pupil once the set outgrows work_mem, and historical
models have no reverse relations to annotate with.

The database groups pupils by plain columns only (commune, school, level, status, needs, and
what the joins found); which situation a group is in is decided here, in Python, on a few
thousand groups. Grouping by plain columns is what lets PostgreSQL aggregate in parallel workers
(`Snapshot.reading()`); a CASE per situation in SQL cost more than the joins themselves.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import QuerySet, Subquery

from allocation import engine, standing
from allocation.models import AllocationRun, LeftOut, Support
from reports.snapshot import Snapshot
from students.models import DuplicateCandidate, Hardship, Student
from telecom.models import HamletCoverage

SUPPORTED = standing.SUPPORTED
# Why a pupil in need has no support yet, in the order a pupil is classified (first that applies).
DUPLICATE_PENDING = engine.DUPLICATE_PENDING
NOT_VERIFIED = engine.NOT_VERIFIED
AWAITING_APPROVAL = standing.AWAITING_APPROVAL
WITHDRAWN = standing.WITHDRAWN
# Reasons the last saved run gave for an eligible pupil it could not serve, the one that explains
# most first: coverage before supply (a pupil may miss both needs).
LEFT_OUT_REASONS = (engine.NO_COVERAGE, engine.NO_HAMLET, engine.NO_DEVICE_LEFT, engine.NO_PLACE_LEFT)
AWAITING_ALLOCATION = "awaiting_allocation"
GAP_REASONS = (DUPLICATE_PENDING, NOT_VERIFIED, AWAITING_APPROVAL, WITHDRAWN, *LEFT_OUT_REASONS, AWAITING_ALLOCATION)
# What a supported pupil was given: a device only (1), a place only (2), or both (3).
GIVEN = (1, 2, 3)
NEEDS = ("device_only", "internet_only", "both")


# --- the SQL ---------------------------------------------------------------------------------------


def _sql(queryset: QuerySet) -> tuple[str, tuple]:
    sql, params = queryset.query.sql_with_params()
    return sql, tuple(params)


def _tables(snapshot: Snapshot, *, with_hardships: bool = False) -> tuple[str, tuple]:
    """The WITH clause: pupils in need, supports holding a place, pupils in an undecided pair,
    the last run's left-out reason per pupil, and the hamlets some provider covers."""
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
    reason_rank = " ".join(f"WHEN '{reason}' THEN {n}" for n, reason in enumerate(LEFT_OUT_REASONS))
    # Only the querysets' own SQL and this module's constants are spliced in; values go as parameters.
    sql = (
        f"WITH p AS ({parts[0][0]}), h AS ({parts[1][0]}), "  # noqa: S608  # nosec B608  # see above
        f"d AS (SELECT existing_id AS sid FROM ({parts[2][0]}) e UNION SELECT candidate_id FROM ({parts[3][0]}) c), "
        f"lo AS (SELECT student_id, MIN(CASE reason {reason_rank} ELSE {len(LEFT_OUT_REASONS)} END) AS r "
        f"FROM ({parts[4][0]}) lo_rows GROUP BY student_id), "
        f"cov AS (SELECT DISTINCT hamlet_id FROM ({parts[5][0]}) cov_rows) "
    )
    return sql, sum((params for _sql_text, params in parts), ())


def _fact_sql(snapshot: Snapshot) -> tuple[str, tuple]:
    select = """
        SELECT p.commune_id, p.school_id, p.level, p.status, p.lacks_device, p.lacks_internet,
               h.status, h.device_id IS NOT NULL, h.offer_id IS NOT NULL, d.sid IS NOT NULL, lo.r,
               p.hamlet_id IS NULL, cov.hamlet_id IS NULL, COUNT(*)
        FROM p LEFT JOIN h ON h.student_id = p.id LEFT JOIN d ON d.sid = p.id
               LEFT JOIN lo ON lo.student_id = p.id LEFT JOIN cov ON cov.hamlet_id = p.hamlet_id
        GROUP BY p.commune_id, p.school_id, p.level, p.status, p.lacks_device, p.lacks_internet,
                 h.status, h.device_id IS NOT NULL, h.offer_id IS NOT NULL, d.sid IS NOT NULL, lo.r,
                 p.hamlet_id IS NULL, cov.hamlet_id IS NULL
    """
    tables, params = _tables(snapshot)
    return tables + select, params


def _hardship_sql(snapshot: Snapshot) -> tuple[str, tuple]:
    select = """
        SELECT p.hardships, h.status, COUNT(*) FROM p LEFT JOIN h ON h.student_id = p.id
        GROUP BY p.hardships, h.status
    """
    tables, params = _tables(snapshot, with_hardships=True)
    return tables + select, params


def _fetch(sql_and_params: tuple[str, tuple]) -> list[tuple]:
    sql, params = sql_and_params
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# --- what the rows mean --------------------------------------------------------------------------


def situation(*, status: str, support: str | None, in_pair: bool, left_out: int | None) -> str:
    """SUPPORTED, or why a pupil in need has no support (the first of GAP_REASONS that applies).

    The standing is `allocation.standing`'s, the one the allocation summary counts by."""
    where = standing.standing(status=status, support=support, in_pair=in_pair)
    if where != standing.ELIGIBLE:
        return where
    if left_out is not None:
        return LEFT_OUT_REASONS[left_out]
    return AWAITING_ALLOCATION


@dataclass
class Fact:
    """Pupils alike in commune, school, level, status and needs, and how many are in each situation."""

    commune_id: int
    school_id: int
    level: str
    status: str
    lacks_device: bool
    lacks_internet: bool
    n: int = 0
    given: dict[int, int] = field(default_factory=lambda: dict.fromkeys(GIVEN, 0))  # GIVEN → pupils
    gap: dict[str, int] = field(default_factory=lambda: dict.fromkeys(GAP_REASONS, 0))  # GAP_REASONS → pupils
    blocked: int = 0  # lacking Internet in a hamlet that nothing covers
    hamlet_unknown: int = 0  # lacking Internet, hamlet not on the list

    @property
    def need(self) -> str:
        if self.lacks_device and self.lacks_internet:
            return "both"
        return "device_only" if self.lacks_device else "internet_only"

    def met(self, given: int) -> bool:
        """Whether what was given (one of GIVEN) meets every need of these pupils."""
        return (not self.lacks_device or bool(given & 1)) and (not self.lacks_internet or bool(given & 2))


def facts(snapshot: Snapshot) -> list[Fact]:
    grouped: dict[tuple, Fact] = {}
    for row in _fetch(_fact_sql(snapshot)):
        *key, support, has_device, has_offer, in_pair, left_out, no_hamlet, uncovered, n = row
        key[4:6] = bool(key[4]), bool(key[5])
        fact = grouped.get(tuple(key)) or grouped.setdefault(tuple(key), Fact(*key))
        fact.n += n
        where = situation(status=fact.status, support=support, in_pair=bool(in_pair), left_out=left_out)
        if where == SUPPORTED:
            fact.given[bool(has_device) + 2 * bool(has_offer)] += n
        else:
            fact.gap[where] += n
        if fact.lacks_internet:
            fact.hamlet_unknown += n * bool(no_hamlet)
            fact.blocked += n * (not no_hamlet and bool(uncovered))
    return list(grouped.values())


def counts(facts_: list[Fact]) -> dict:
    """The `students` figures of DESIGN.md (but duplicates_pending, counted on pairs) over some facts."""
    c: Counter = Counter()
    for f in facts_:
        c["in_need"] += f.n
        c["lacks_device"] += f.n * f.lacks_device
        c["lacks_internet"] += f.n * f.lacks_internet
        c["lacks_both"] += f.n * (f.lacks_device and f.lacks_internet)
        c["verified"] += f.n * (f.status == Student.Status.VERIFIED)
        c["supported"] += sum(f.given.values())
        c["supported_device"] += f.given[1] + f.given[3]
        c["supported_connectivity"] += f.given[2] + f.given[3]
        c["fully_supported"] += sum(n for given, n in f.given.items() if f.met(given))
        c["blocked_by_infrastructure"] += f.blocked
    keys = ("in_need", "lacks_device", "lacks_internet", "lacks_both", "verified", "supported")
    figures = {key: c[key] for key in (*keys, "supported_device", "supported_connectivity")}
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
        for reason, n in f.gap.items():
            by_reason[reason] += n
    return by_reason


def group(facts_: list[Fact], key) -> dict:
    grouped: dict = defaultdict(list)
    for f in facts_:
        grouped[key(f)].append(f)
    return grouped


def hardship_counts(snapshot: Snapshot) -> dict[str, dict[str, int]]:
    """In need and supported by hardship (a pupil counts under each of theirs; "none" when no hardship)."""
    result = {code: {"in_need": 0, "supported": 0} for code in [*Hardship.values, "none"]}
    for hardships, support, n in _fetch(_hardship_sql(snapshot)):
        codes = json.loads(hardships) if isinstance(hardships, str) else hardships
        for code in set(codes or ["none"]):
            row = result.setdefault(code, {"in_need": 0, "supported": 0})
            row["in_need"] += n
            row["supported"] += n * (support in Support.GIVEN_STATUSES)
    for row in result.values():
        row["unsupported"] = row["in_need"] - row["supported"]
        row["supported_pct"] = percent(row["supported"], row["in_need"])
    return result
