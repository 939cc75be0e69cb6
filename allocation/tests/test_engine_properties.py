"""Properties of the rule engine for random pupils, devices, offers, coverage and rules (hypothesis).

Whatever the input: no pupil gets two things of a kind, no device or place is
used twice or beyond capacity, earmarks are honoured, and every eligible pupil
left out is left out because nothing suitable was left.
"""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from allocation import engine
from allocation.tests.helpers import default_rules

# The engine has no Django in it: these run once, in the SQLite run of `make test` (conftest.py).
pytestmark = pytest.mark.database_independent

LEVELS = ["primary", "lower_secondary", "upper_secondary"]
TYPES = ["desktop", "laptop", "tablet", "smartphone"]
HARDSHIPS = ["merit", "social_protection", "poor", "near_poor", "covid_orphan", "orphan", "disability", "other"]
COMMUNES = [1, 2, 3]
SCHOOLS = {1: [10, 11], 2: [20, 21], 3: [30]}
HAMLETS = {1: [100, 101], 2: [200, 201], 3: [300]}
PROVIDERS = [1, 2]
ALL_HAMLETS = [h for hs in HAMLETS.values() for h in hs]
COMMUNE_OF_SCHOOL = {s: c for c, ss in SCHOOLS.items() for s in ss}

EXAMPLES = settings(max_examples=200, deadline=None, derandomize=True, database=None)


@st.composite
def pupils(draw, max_size: int = 30):
    count = draw(st.integers(0, max_size))
    result = []
    for pk in range(1, count + 1):
        commune = draw(st.sampled_from(COMMUNES))
        need = draw(st.sampled_from(["device", "internet", "both"]))
        result.append(
            engine.Pupil(
                id=pk,
                commune_id=commune,
                school_id=draw(st.sampled_from(SCHOOLS[commune])),
                hamlet_id=draw(st.one_of(st.none(), st.sampled_from(HAMLETS[commune]))),
                level=draw(st.sampled_from(LEVELS)),
                lacks_device=need != "internet",
                lacks_internet=need != "device",
                hardships=tuple(draw(st.lists(st.sampled_from(HARDSHIPS), max_size=4, unique=True))),
                verified=draw(st.booleans() | st.just(True)),
                duplicate_pending=draw(st.sampled_from([False, False, False, True])),
                supported=draw(st.sampled_from([False, False, False, True])),
            )
        )
    return result


@st.composite
def earmark(draw, kinds=("none", "none", "commune", "school")):
    """(commune, school) as the loader gives them: a school's earmark names the school's commune too."""
    kind = draw(st.sampled_from(kinds))
    if kind == "commune":
        return draw(st.sampled_from(COMMUNES)), None
    if kind == "school":
        school = draw(st.sampled_from(list(COMMUNE_OF_SCHOOL)))
        return COMMUNE_OF_SCHOOL[school], school
    return None, None


@st.composite
def devices(draw, max_size: int = 20, earmarks=None):
    count = draw(st.integers(0, max_size))
    result = []
    for pk in range(1, count + 1):
        commune, school = draw(earmark() if earmarks is None else earmarks)
        kind = draw(st.sampled_from(TYPES))
        result.append(engine.Device(id=pk, type=kind, earmark_commune_id=commune, earmark_school_id=school))
    return result


@st.composite
def offers(draw, earmarks=None):
    count = draw(st.integers(0, 4))
    result = []
    for pk in range(1, count + 1):
        commune, school = draw(earmark() if earmarks is None else earmarks)
        result.append(
            engine.Offer(
                id=pk,
                provider_id=draw(st.sampled_from(PROVIDERS)),
                technology=draw(st.sampled_from(["4g", "fibre"])),
                remaining=draw(st.integers(0, 6)),
                free=draw(st.booleans()),
                earmark_commune_id=commune,
                earmark_school_id=school,
            )
        )
    return result


coverages = st.sets(
    st.tuples(st.sampled_from(ALL_HAMLETS), st.sampled_from(PROVIDERS), st.sampled_from(["3g", "4g", "fibre"])),
    max_size=12,
)


@st.composite
def rules(draw):
    if draw(st.booleans()):
        return default_rules()
    weight = st.integers(0, 60)
    return engine.Rules(
        need_weights={need: draw(weight) for need in ("both", "device", "internet")},
        hardship_weights={h: draw(weight) for h in [*HARDSHIPS, engine.POOR_WITH_MERIT_OR_PROTECTION]},
        extra_hardship_weight=draw(st.integers(0, 6)),
        device_preferences={
            level: tuple(draw(st.lists(st.sampled_from(TYPES), unique=True, max_size=4))) for level in LEVELS
        },
    )


def _run(pupil_list, device_list, offer_list, coverage, rule_set):
    proposal = engine.propose(pupil_list, device_list, offer_list, coverage, rule_set)
    return proposal, {p.id: p for p in pupil_list}


def _reaches(offer: engine.Offer, pupil: engine.Pupil, coverage) -> bool:
    return pupil.hamlet_id is not None and (pupil.hamlet_id, offer.provider_id, offer.technology) in coverage


def check_nothing_is_given_twice_or_beyond_capacity(
    proposal, by_id, pupil_list, device_list, offer_list, coverage, rule_set
):
    decided = [d.pupil_id for d in proposal.decisions]
    assert len(decided) == len(set(decided)), "a pupil decided twice"
    assert set(decided) <= set(by_id)
    given_devices = [d.device_id for d in proposal.decisions if d.device_id is not None]
    assert len(given_devices) == len(set(given_devices)), "a device given twice"
    devices_by_id = {d.id: d for d in device_list}
    assert set(given_devices) <= set(devices_by_id)
    per_offer = Counter(d.offer_id for d in proposal.decisions if d.offer_id is not None)
    offers_by_id = {o.id: o for o in offer_list}
    for offer_id, n in per_offer.items():
        assert n <= offers_by_id[offer_id].remaining, "an offer over its capacity"
    for decision in proposal.decisions:
        pupil = by_id[decision.pupil_id]
        assert decision.device_id or decision.offer_id
        if decision.device_id is not None:
            device = devices_by_id[decision.device_id]
            assert pupil.lacks_device
            assert device.type == decision.device_type
            assert device.type in rule_set.device_preferences.get(pupil.level, ()), "a type the level may not take"
            assert decision.device_rule in engine.GIVING_RULES
        else:
            assert decision.device_rule == ""
        if decision.offer_id is not None:
            assert pupil.lacks_internet
            assert _reaches(offers_by_id[decision.offer_id], pupil, coverage), "an offer that cannot reach the hamlet"
            assert decision.connectivity_rule in engine.GIVING_RULES
        else:
            assert decision.connectivity_rule == ""
    assert proposal.unused_devices == len(device_list) - len(given_devices)
    assert proposal.unused_places == sum(max(o.remaining, 0) for o in offer_list) - sum(per_offer.values())


def check_only_eligible_pupils_get_anything_and_every_eligible_need_is_answered(
    proposal, by_id, pupil_list, device_list, offer_list, coverage, rule_set
):
    expected_ineligible = {p.id: engine.eligibility(p) for p in pupil_list if engine.eligibility(p)}
    assert proposal.ineligible == expected_ineligible
    assert not {d.pupil_id for d in proposal.decisions} & set(expected_ineligible)
    assert not {m.pupil_id for m in proposal.missed} & set(expected_ineligible)
    decisions = {d.pupil_id: d for d in proposal.decisions}
    missed = {(m.pupil_id, m.need) for m in proposal.missed}
    assert len(missed) == len(proposal.missed)
    for pupil in pupil_list:
        if pupil.id in expected_ineligible:
            continue
        decision = decisions.get(pupil.id)
        has_device = decision is not None and decision.device_id is not None
        has_place = decision is not None and decision.offer_id is not None
        # Each need is either met or recorded as missed with a reason, never both, never silently.
        assert pupil.lacks_device == (has_device or (pupil.id, engine.DEVICE) in missed)
        assert not (has_device and (pupil.id, engine.DEVICE) in missed)
        assert pupil.lacks_internet == (has_place or (pupil.id, engine.CONNECTIVITY) in missed)
        assert not (has_place and (pupil.id, engine.CONNECTIVITY) in missed)
        assert proposal.scores[pupil.id][0] == engine.score(pupil, rule_set)[0]


def check_an_eligible_pupil_is_left_out_only_when_supply_ran_out(
    proposal, by_id, pupil_list, device_list, offer_list, coverage, rule_set
):
    used_devices = {d.device_id for d in proposal.decisions if d.device_id is not None}
    unused_types = Counter(d.type for d in device_list if d.id not in used_devices)
    places_left = Counter({o.id: o.remaining for o in offer_list})
    places_left.subtract(Counter(d.offer_id for d in proposal.decisions if d.offer_id is not None))
    offer_routes = {(o.provider_id, o.technology) for o in offer_list}
    for miss in proposal.missed:
        pupil = by_id[miss.pupil_id]
        if miss.need == engine.DEVICE:
            assert miss.reason == engine.NO_DEVICE_LEFT
            acceptable = rule_set.device_preferences.get(pupil.level, ())
            assert not any(unused_types[t] for t in acceptable), f"pupil {pupil.id} missed while a device suits"
        else:
            reaching = [o for o in offer_list if _reaches(o, pupil, coverage)]
            assert not any(places_left[o.id] > 0 for o in reaching), f"pupil {pupil.id} missed while a place is left"
            if pupil.hamlet_id is None:
                assert miss.reason == engine.NO_HAMLET
            elif not any((pupil.hamlet_id, p, t) in coverage for p, t in offer_routes):
                assert miss.reason == engine.NO_COVERAGE
            else:
                assert miss.reason == engine.NO_PLACE_LEFT


def _unserved(proposal, pupil_list, *, need: str) -> list[engine.Pupil]:
    missed = {m.pupil_id for m in proposal.missed if m.need == need}
    return [p for p in pupil_list if p.id in missed]


def check_earmarks_are_honoured(proposal, by_id, pupil_list, device_list, offer_list, coverage, rule_set):
    """No earmarked item went elsewhere while a pupil of its school or commune that could take it got nothing."""
    holder = {d.device_id: by_id[d.pupil_id] for d in proposal.decisions if d.device_id is not None}
    unserved = _unserved(proposal, pupil_list, need=engine.DEVICE)
    for device in device_list:
        taker = holder.get(device.id)

        def could_take(pupil, device=device):
            return device.type in rule_set.device_preferences.get(pupil.level, ())

        if device.earmark_school_id is not None and (taker is None or taker.school_id != device.earmark_school_id):
            waiting = [p for p in unserved if p.school_id == device.earmark_school_id and could_take(p)]
            assert not waiting, f"device {device.id} earmarked for school {device.earmark_school_id} went elsewhere"
        if device.earmark_commune_id is not None and (taker is None or taker.commune_id != device.earmark_commune_id):
            waiting = [p for p in unserved if p.commune_id == device.earmark_commune_id and could_take(p)]
            assert not waiting, f"device {device.id} earmarked for commune {device.earmark_commune_id} went elsewhere"
        if taker is not None and taker.school_id == device.earmark_school_id:
            rule = next(d.device_rule for d in proposal.decisions if d.device_id == device.id)
            assert rule == engine.EARMARK_SCHOOL

    takers: dict[int, list[engine.Pupil]] = {}
    for decision in proposal.decisions:
        if decision.offer_id is not None:
            takers.setdefault(decision.offer_id, []).append(by_id[decision.pupil_id])
    unserved = _unserved(proposal, pupil_list, need=engine.CONNECTIVITY)
    for offer in offer_list:
        outsiders = takers.get(offer.id, [])
        for attribute, earmarked in (("school_id", offer.earmark_school_id), ("commune_id", offer.earmark_commune_id)):
            if earmarked is None or not any(getattr(p, attribute) != earmarked for p in outsiders):
                continue
            waiting = [p for p in unserved if getattr(p, attribute) == earmarked and _reaches(offer, p, coverage)]
            assert not waiting, f"offer {offer.id} earmarked for {attribute} {earmarked} served others first"


def check_shares_are_proportional_bounded_and_respected(
    proposal, by_id, pupil_list, device_list, offer_list, coverage, rule_set
):
    earmark_rules = (engine.EARMARK_SCHOOL, engine.EARMARK_COMMUNE)
    eligible = [p for p in pupil_list if not engine.eligibility(p)]
    decisions = {d.pupil_id: d for d in proposal.decisions}

    # Devices: the pool after the earmarks, split over the pupils still waiting.
    by_earmark = {pid for pid, d in decisions.items() if d.device_rule in earmark_rules}
    waiting = Counter(p.commune_id for p in eligible if p.lacks_device and p.id not in by_earmark)
    supply = len(device_list) - len(by_earmark)
    _check_shares(proposal.shares[engine.DEVICE], waiting, supply)
    by_share = Counter(by_id[pid].commune_id for pid, d in decisions.items() if d.device_rule == engine.COMMUNE_SHARE)
    assert all(n <= proposal.shares[engine.DEVICE][c] for c, n in by_share.items())

    # Places: what the earmarks left, split over the waiting pupils an offer with places left can reach.
    left = Counter({o.id: o.remaining for o in offer_list if o.remaining > 0})
    left.subtract(Counter(d.offer_id for d in decisions.values() if d.connectivity_rule in earmark_rules))
    by_earmark = {pid for pid, d in decisions.items() if d.connectivity_rule in earmark_rules}
    reachable = Counter(
        p.commune_id
        for p in eligible
        if p.lacks_internet
        and p.id not in by_earmark
        and any(left[o.id] > 0 and _reaches(o, p, coverage) for o in offer_list)
    )
    _check_shares(proposal.shares[engine.CONNECTIVITY], reachable, sum(left.values()))
    by_share = Counter(
        by_id[pid].commune_id for pid, d in decisions.items() if d.connectivity_rule == engine.COMMUNE_SHARE
    )
    assert all(n <= proposal.shares[engine.CONNECTIVITY][c] for c, n in by_share.items())


def _check_shares(shares: dict[int, int], need: Counter, supply: int) -> None:
    assert set(shares) == set(need)
    assert all(0 <= shares[c] <= need[c] for c in need), "a share above the commune's need"
    assert sum(shares.values()) == min(supply, sum(need.values()))
    total = sum(need.values())
    if supply < total:
        assert all(abs(shares[c] - supply * need[c] / total) < 1 for c in need), "a share out of proportion"


@EXAMPLES
@given(pupils(), devices(), rules())
def test_within_a_commune_a_lower_priority_never_takes_what_a_higher_one_missed(pupil_list, device_list, rule_set):
    proposal = engine.propose(pupil_list, device_list, [], set(), rule_set)
    by_id = {p.id: p for p in pupil_list}
    ranks = proposal.scores
    missed = _unserved(proposal, pupil_list, need=engine.DEVICE)
    for decision in proposal.decisions:
        if decision.device_rule not in (engine.COMMUNE_SHARE, engine.REMAINING_SUPPLY):
            continue
        taker = by_id[decision.pupil_id]
        for pupil in missed:
            if pupil.commune_id == taker.commune_id and ranks[pupil.id][1] < ranks[taker.id][1]:
                assert decision.device_type not in rule_set.device_preferences.get(pupil.level, ()), (
                    f"pupil {taker.id} (rank {ranks[taker.id][1]}) got a {decision.device_type} "
                    f"that pupil {pupil.id} (rank {ranks[pupil.id][1]}) of the same commune needed"
                )
    # Ranks within a commune follow the score.
    for a in pupil_list:
        for b in pupil_list:
            if a.commune_id == b.commune_id and a.id in ranks and b.id in ranks and ranks[a.id][1] < ranks[b.id][1]:
                assert ranks[a.id][0] >= ranks[b.id][0]


@EXAMPLES
@given(pupils(), rules())
def test_a_stronger_hardship_category_always_scores_higher_for_the_same_need(pupil_list, rule_set):
    weights = rule_set.hardship_weights
    scored = []
    for pupil in pupil_list:
        value, strongest = engine.score(pupil, rule_set)
        scored.append((engine.need_of(pupil), weights.get(strongest, 0) if strongest else None, value))
    for need_a, weight_a, value_a in scored:
        for need_b, weight_b, value_b in scored:
            if need_a == need_b and weight_a is not None and weight_b is not None and weight_a > weight_b:
                assert value_a > value_b


@EXAMPLES
@given(pupils(), devices(), offers(), coverages, rules())
def test_engine_invariants(pupil_list, device_list, offer_list, coverage, rule_set):
    proposal, by_id = _run(pupil_list, device_list, offer_list, coverage, rule_set)
    args = (proposal, by_id, pupil_list, device_list, offer_list, coverage, rule_set)
    check_nothing_is_given_twice_or_beyond_capacity(*args)
    check_only_eligible_pupils_get_anything_and_every_eligible_need_is_answered(*args)
    check_an_eligible_pupil_is_left_out_only_when_supply_ran_out(*args)
    check_earmarks_are_honoured(*args)
    check_shares_are_proportional_bounded_and_respected(*args)


@EXAMPLES
@given(
    pupils(max_size=12),
    devices(max_size=5, earmarks=earmark(("none", "school", "school"))),
    offers(earmarks=earmark(("none", "school", "school"))),
    coverages,
    rules(),
)
def test_earmarks_are_honoured_when_earmarked_supply_is_short(pupil_list, device_list, offer_list, coverage, rule_set):
    """Few devices, most of them earmarked for a school: where a school's earmark goes next matters."""
    proposal, by_id = _run(pupil_list, device_list, offer_list, coverage, rule_set)
    args = (proposal, by_id, pupil_list, device_list, offer_list, coverage, rule_set)
    check_earmarks_are_honoured(*args)
    check_an_eligible_pupil_is_left_out_only_when_supply_ran_out(*args)
