"""A run's summary (dry or saved): totals by commune, level and device type; who is left out and why.

Each commune's row counts every pupil in need once, in the standing `allocation.standing` gives
them (supported, awaiting approval, withdrawn, in an undecided pair, not verified, eligible now),
and splits the eligible into proposed and left out: the row adds up and no column is negative.
No personal data.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import TYPE_CHECKING

from allocation import engine, standing
from students.models import Commune, SchoolLevel

if TYPE_CHECKING:
    from allocation.proposals import Computed

# The standings a pupil in need can be in, other than eligible (what `ineligible` counts).
INELIGIBLE = (standing.SUPPORTED, standing.AWAITING_APPROVAL, *standing.NOT_ELIGIBLE)


def standing_of(pupil: engine.Pupil) -> str:
    status = "verified" if pupil.verified else standing.HELD_STATUS if pupil.held else standing.LISTED_STATUS
    return standing.standing(status=status, support=pupil.support, in_pair=pupil.duplicate_pending)


def summarise(computed: Computed) -> dict:
    pupils, proposal = computed.pupils, computed.proposal
    communes = {c.pk: c for c in Commune.objects.only("pk", "code", "name")}
    standings: dict[int, list[str]] = defaultdict(list)
    for pupil in pupils.values():
        standings[pupil.commune_id].append(standing_of(pupil))
    by_commune: dict[int, Counter] = defaultdict(Counter)
    by_level: dict[str, Counter] = {level: Counter() for level in SchoolLevel.values}
    by_type: Counter = Counter()
    for decision in proposal.decisions:
        pupil = pupils[decision.pupil_id]
        row, level = by_commune[pupil.commune_id], by_level[pupil.level]
        row["proposed"] += 1
        level["proposed"] += 1
        if decision.device_id:
            row["devices"] += 1
            level["devices"] += 1
            by_type[decision.device_type] += 1
        if decision.offer_id:
            row["places"] += 1
            level["places"] += 1
    left_out: Counter = Counter()
    for miss in proposal.missed:
        pupil = pupils[miss.pupil_id]
        by_commune[pupil.commune_id][f"missed_{miss.need}"] += 1
        by_level[pupil.level][f"missed_{miss.need}"] += 1
        left_out[(miss.need, miss.reason)] += 1
    rows = [
        _commune_row(communes[commune_id], standings[commune_id], by_commune[commune_id], proposal)
        for commune_id in sorted(standings, key=lambda pk: communes[pk].code)
    ]
    everyone = Counter(s for found in standings.values() for s in found)
    return {
        "proposed": len(proposal.decisions),
        "devices": sum(by_type.values()),
        "places": sum(1 for d in proposal.decisions if d.offer_id),
        "by_commune": rows,
        "by_level": {level: dict(counts) for level, counts in by_level.items()},
        "by_type": dict(by_type),
        "left_out": [{"need": need, "reason": reason, "count": n} for (need, reason), n in sorted(left_out.items())],
        "ineligible": {reason: everyone[reason] for reason in INELIGIBLE if everyone[reason]},
        "unused_devices": proposal.unused_devices,
        "unused_places": proposal.unused_places,
    }


def _commune_row(commune: Commune, standings: list[str], counts: Counter, proposal: engine.Proposal) -> dict:
    return {
        "code": commune.code,
        "name": commune.name,
        **standing.row(standings, proposed=counts["proposed"]),
        "devices": counts["devices"],
        "places": counts["places"],
        "device_share": proposal.shares[engine.DEVICE].get(commune.pk, 0),
        "place_share": proposal.shares[engine.CONNECTIVITY].get(commune.pk, 0),
        "missed_device": counts["missed_device"],
        "missed_connectivity": counts["missed_connectivity"],
    }
