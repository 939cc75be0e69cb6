"""The rule engine, rule by rule, on plain data (no database)."""

from __future__ import annotations

import itertools

import pytest

from allocation import engine
from allocation.engine import Device, Offer
from allocation.tests.helpers import by_pupil, default_rules, misses, pupil

RULES = default_rules()

# FACTS.md: the ministries' order of hardship categories, strongest first.
DEFAULT_ORDER = [
    ("poor", "merit"),  # the combined category: merit or social protection with a poor/near-poor household
    ("poor",),
    ("near_poor",),
    ("covid_orphan",),
]
OTHERS = ["orphan", "merit", "social_protection", "disability", "ethnic_minority", "other"]


def score(**kwargs) -> int:
    return engine.score(pupil(1, **kwargs), RULES)[0]


# ------------------------------------------------------------------ score


@pytest.mark.parametrize("hardships", [(), ("poor",), ("merit", "near_poor"), ("other",)])
def test_need_orders_the_score_for_the_same_hardships(hardships):
    both, device, internet = (score(need=n, hardships=hardships) for n in ("both", "device", "internet"))
    assert both > device > internet


def test_with_the_default_weights_need_comes_before_any_hardship():
    every_hardship = ("merit", "social_protection", "poor", "covid_orphan", "orphan", "disability", "other")
    assert score(need="both") > score(need="device", hardships=every_hardship)
    assert score(need="device") > score(need="internet", hardships=every_hardship)


def test_default_hardship_order_with_the_combined_category_first():
    scores = [score(hardships=h) for h in DEFAULT_ORDER]
    assert scores == sorted(scores, reverse=True) and len(set(scores)) == len(scores)
    weakest_named = scores[-1]
    for other in OTHERS:
        assert score(hardships=(other,)) < weakest_named, other
    assert score(hardships=("other",)) > score(hardships=())


@pytest.mark.parametrize(
    ("hardships", "strongest"),
    [
        (("poor", "merit"), engine.POOR_WITH_MERIT_OR_PROTECTION),
        (("near_poor", "social_protection"), engine.POOR_WITH_MERIT_OR_PROTECTION),
        (("social_protection", "poor"), engine.POOR_WITH_MERIT_OR_PROTECTION),
        (("merit", "ethnic_minority"), "merit"),  # no poor household: not the combined category
        (("poor",), "poor"),
        (("covid_orphan", "orphan"), "covid_orphan"),
        ((), ""),
    ],
)
def test_strongest_hardship_names_the_category(hardships, strongest):
    assert engine.score(pupil(1, hardships=hardships), RULES)[1] == strongest


def test_combined_category_counts_its_parts_once_and_further_hardships_add_a_little():
    combined = score(hardships=("poor", "merit"))
    assert combined == RULES.need_weights["device"] + RULES.hardship_weights[engine.POOR_WITH_MERIT_OR_PROTECTION]
    assert score(hardships=("poor", "merit", "disability")) == combined + RULES.extra_hardship_weight
    assert score(hardships=("poor", "disability")) == score(hardships=("poor",)) + RULES.extra_hardship_weight


@pytest.mark.parametrize("need", ["both", "device", "internet"])
def test_further_hardships_never_lift_a_pupil_over_a_stronger_category(need):
    """The default order is an order of categories: piling up weaker hardships does not overtake it."""
    all_hardships = ["merit", "social_protection", "poor", "near_poor", "covid_orphan", *OTHERS[:1], *OTHERS[3:]]
    combos = [c for r in range(1, 5) for c in itertools.combinations(all_hardships, r)]
    rank = {engine.POOR_WITH_MERIT_OR_PROTECTION: 0, "poor": 1, "near_poor": 2, "covid_orphan": 3}
    keyed = []
    for combo in combos:
        value, strongest = engine.score(pupil(1, need=need, hardships=combo), RULES)
        keyed.append((rank.get(strongest, 4), value, combo))
    for (rank_a, value_a, a), (rank_b, value_b, b) in itertools.product(keyed, repeat=2):
        if rank_a < rank_b:
            assert value_a > value_b, (a, b)


def test_ranking_by_score_then_listing_order():
    pupils = [
        pupil(5, hardships=("near_poor",)),
        pupil(3, hardships=("poor",)),
        pupil(4, hardships=("poor",)),
        pupil(1),
        pupil(2, hardships=("poor", "social_protection")),
        pupil(6, commune=2, hardships=("poor",)),
    ]
    devices = [Device(id=i, type="tablet") for i in range(1, 7)]
    proposal = engine.propose(pupils, devices, [], set(), RULES)
    ranks = {pid: rank for pid, (_score, rank) in proposal.scores.items()}
    assert [p for p, _ in sorted(ranks.items(), key=lambda kv: kv[1]) if p != 6] == [2, 3, 4, 5, 1]
    assert ranks[6] == 1  # ranked within its own commune
    decisions = by_pupil(proposal)
    for p in pupils:
        assert decisions[p.id].score == proposal.scores[p.id][0] == engine.score(p, RULES)[0]
        assert decisions[p.id].rank == ranks[p.id]
        assert decisions[p.id].device_rule in engine.GIVING_RULES


# ------------------------------------------------------------------ eligibility


@pytest.mark.parametrize(
    ("flags", "reason"),
    [
        ({}, ""),
        ({"verified": False}, engine.NOT_VERIFIED),
        ({"duplicate_pending": True}, engine.DUPLICATE_PENDING),
        ({"supported": True}, engine.ALREADY_SUPPORTED),
        ({"supported": True, "verified": False, "duplicate_pending": True}, engine.ALREADY_SUPPORTED),
        ({"verified": False, "duplicate_pending": True}, engine.DUPLICATE_PENDING),
    ],
)
def test_eligibility(flags, reason):
    assert engine.eligibility(pupil(1, **flags)) == reason


def test_ineligible_pupils_get_nothing_and_are_not_counted_as_left_out():
    pupils = [
        pupil(1, verified=False, hardships=("poor", "merit"), need="both", hamlet=7),
        pupil(2, duplicate_pending=True, need="both", hamlet=7),
        pupil(3, supported=True, need="both", hamlet=7),
        pupil(4, need="both", hamlet=7),
    ]
    devices = [Device(id=i, type="tablet") for i in range(10)]
    offers = [Offer(id=1, provider_id=1, technology="4g", remaining=10)]
    proposal = engine.propose(pupils, devices, offers, {(7, 1, "4g")}, RULES)
    assert list(by_pupil(proposal)) == [4]
    assert proposal.ineligible == {1: engine.NOT_VERIFIED, 2: engine.DUPLICATE_PENDING, 3: engine.ALREADY_SUPPORTED}
    assert proposal.missed == []
    assert set(proposal.scores) == {4}


# ------------------------------------------------------------------ largest remainder


def test_largest_remainder_is_proportional_and_sums_to_the_supply():
    assert engine.largest_remainder(7, {1: 5, 2: 3, 3: 2}) == {1: 4, 2: 2, 3: 1}
    assert engine.largest_remainder(3, {1: 4, 2: 2}) == {1: 2, 2: 1}
    assert engine.largest_remainder(10, {1: 50, 2: 30, 3: 20}) == {1: 5, 2: 3, 3: 2}


def test_largest_remainder_gives_every_need_when_supply_suffices():
    assert engine.largest_remainder(100, {1: 5, 2: 3}) == {1: 5, 2: 3}
    assert engine.largest_remainder(8, {1: 5, 2: 3}) == {1: 5, 2: 3}
    assert engine.largest_remainder(0, {1: 5, 2: 3}) == {1: 0, 2: 0}
    assert engine.largest_remainder(5, {}) == {}


def test_largest_remainder_ties_are_deterministic():
    # Equal remainders: the larger need first, then the lower key, whatever the order of the dict.
    assert engine.largest_remainder(1, {1: 1, 2: 1}) == {1: 1, 2: 0}
    assert engine.largest_remainder(1, {2: 1, 1: 1}) == {1: 1, 2: 0}
    assert engine.largest_remainder(2, {1: 1, 2: 3}) == {1: 0, 2: 2}
    assert engine.largest_remainder(2, {3: 1, 2: 1, 1: 1}) == {1: 1, 2: 1, 3: 0}


@pytest.mark.parametrize("supply", range(0, 25))
def test_largest_remainder_never_exceeds_need(supply):
    needs = {1: 1, 2: 7, 3: 3, 4: 9, 5: 2}
    shares = engine.largest_remainder(supply, needs)
    assert sum(shares.values()) == min(supply, sum(needs.values()))
    assert all(0 <= shares[k] <= needs[k] for k in needs)
    # Proportional: nobody is more than one unit away from their exact quota.
    total = sum(needs.values())
    if supply < total:
        assert all(abs(shares[k] - supply * needs[k] / total) < 1 for k in needs)


# ------------------------------------------------------------------ device types by level


def test_each_level_gets_its_most_wanted_type_first():
    pupils = [pupil(1, level="primary"), pupil(2, level="lower_secondary"), pupil(3, level="upper_secondary")]
    devices = [Device(1, "smartphone"), Device(2, "desktop"), Device(3, "tablet"), Device(4, "laptop")]
    decisions = by_pupil(engine.propose(pupils, devices, [], set(), RULES))
    assert decisions[1].device_type == "tablet"
    assert decisions[2].device_type == "laptop"
    assert decisions[3].device_type == "desktop"


@pytest.mark.parametrize("supply", [["tablet"], ["smartphone"], ["tablet", "smartphone", "tablet"]])
def test_upper_secondary_never_gets_a_tablet_or_smartphone_by_default(supply):
    pupils = [pupil(1, level="upper_secondary", hardships=("poor", "merit")), pupil(2, level="upper_secondary")]
    devices = [Device(i, kind) for i, kind in enumerate(supply, start=1)]
    proposal = engine.propose(pupils, devices, [], set(), RULES)
    assert proposal.decisions == []
    miss = misses(proposal)[(1, engine.DEVICE)]
    assert miss.reason == engine.NO_DEVICE_LEFT
    assert miss.detail["types"] == ["laptop", "desktop"]
    assert proposal.unused_devices == len(supply)


def test_a_type_the_level_cannot_take_goes_to_a_level_that_can():
    pupils = [pupil(1, level="upper_secondary", need="both", hardships=("poor",)), pupil(2, level="primary")]
    proposal = engine.propose(pupils, [Device(1, "tablet")], [], set(), RULES)
    assert by_pupil(proposal)[2].device_id == 1
    assert 1 not in by_pupil(proposal)


# ------------------------------------------------------------------ earmarks


def test_earmarks_serve_the_school_then_the_commune_then_the_district():
    pupils = [
        pupil(1, commune=2, school=200, hardships=("poor", "merit"), need="both"),  # strongest, other commune
        pupil(2, commune=1, school=101, hardships=("poor",)),  # commune 1, another school
        pupil(3, commune=1, school=100),  # the earmarked school, weakest
    ]
    devices = [
        Device(10, "tablet", earmark_commune_id=1, earmark_school_id=100),
        Device(11, "tablet", earmark_commune_id=1),
        Device(12, "tablet"),
    ]
    decisions = by_pupil(engine.propose(pupils, devices, [], set(), RULES))
    assert (decisions[3].device_id, decisions[3].device_rule) == (10, engine.EARMARK_SCHOOL)
    assert (decisions[2].device_id, decisions[2].device_rule) == (11, engine.EARMARK_COMMUNE)
    assert (decisions[1].device_id, decisions[1].device_rule) == (12, engine.COMMUNE_SHARE)


def test_a_school_earmark_the_school_cannot_use_serves_its_commune_before_the_district():
    pupils = [
        pupil(1, commune=2, hardships=("poor", "merit")),  # stronger, in another commune
        pupil(2, commune=1, school=101),  # same commune as the earmarked school
    ]
    devices = [Device(10, "tablet", earmark_commune_id=1, earmark_school_id=100)]  # school 100 has nobody
    decisions = by_pupil(engine.propose(pupils, devices, [], set(), RULES))
    assert (decisions[2].device_id, decisions[2].device_rule) == (10, engine.EARMARK_COMMUNE)
    assert 1 not in decisions


def test_unused_earmarked_supply_goes_to_others():
    pupils = [pupil(1, commune=2), pupil(2, commune=3, level="upper_secondary")]
    devices = [
        Device(10, "tablet", earmark_school_id=999),
        Device(11, "laptop", earmark_commune_id=1),  # commune 1 has nobody in need
    ]
    decisions = by_pupil(engine.propose(pupils, devices, [], set(), RULES))
    assert decisions[1].device_id == 10 and decisions[2].device_id == 11
    assert {decisions[1].device_rule, decisions[2].device_rule} <= {engine.COMMUNE_SHARE, engine.REMAINING_SUPPLY}


def test_an_earmark_does_not_go_to_a_pupil_who_cannot_take_its_type():
    pupils = [pupil(1, commune=1, school=100, level="upper_secondary"), pupil(2, commune=2)]
    devices = [Device(10, "tablet", earmark_school_id=100)]
    decisions = by_pupil(engine.propose(pupils, devices, [], set(), RULES))
    assert list(decisions) == [2]


def test_earmarked_places_serve_their_school_and_commune_first():
    coverage = {(7, 1, "4g")}
    pupils = [
        pupil(1, commune=2, school=200, hamlet=7, need="internet", hardships=("poor", "merit")),
        pupil(2, commune=1, school=101, hamlet=7, need="internet", hardships=("poor",)),
        pupil(3, commune=1, school=100, hamlet=7, need="internet"),
    ]
    offers = [
        Offer(1, provider_id=1, technology="4g", remaining=1, earmark_commune_id=1, earmark_school_id=100),
        Offer(2, provider_id=1, technology="4g", remaining=1, earmark_commune_id=1),
        Offer(3, provider_id=1, technology="4g", remaining=1),
    ]
    decisions = by_pupil(engine.propose(pupils, [], offers, coverage, RULES))
    assert (decisions[3].offer_id, decisions[3].connectivity_rule) == (1, engine.EARMARK_SCHOOL)
    assert (decisions[2].offer_id, decisions[2].connectivity_rule) == (2, engine.EARMARK_COMMUNE)
    assert (decisions[1].offer_id, decisions[1].connectivity_rule) == (3, engine.COMMUNE_SHARE)


def test_unused_earmarked_places_go_to_others():
    coverage = {(7, 1, "4g")}
    pupils = [pupil(1, commune=2, hamlet=7, need="internet")]
    offers = [Offer(1, provider_id=1, technology="4g", remaining=3, earmark_commune_id=1, earmark_school_id=100)]
    decisions = by_pupil(engine.propose(pupils, [], offers, coverage, RULES))
    assert decisions[1].offer_id == 1


# ------------------------------------------------------------------ coverage


SIM = Offer(1, provider_id=1, technology="4g", remaining=5)
FIBRE = Offer(2, provider_id=2, technology="fibre", remaining=5)


@pytest.mark.parametrize(
    ("coverage", "offer_id", "reason"),
    [
        ({(7, 1, "4g")}, 1, ""),
        ({(7, 2, "fibre")}, 2, ""),
        ({(7, 1, "fibre")}, None, engine.NO_COVERAGE),  # provider 1 has only a SIM offer
        ({(7, 2, "4g")}, None, engine.NO_COVERAGE),  # provider 2 has only a fibre offer
        ({(7, 1, "3g")}, None, engine.NO_COVERAGE),  # 3G is not enough for a SIM offer
        ({(8, 1, "4g"), (8, 2, "fibre")}, None, engine.NO_COVERAGE),  # another hamlet is covered
        (set(), None, engine.NO_COVERAGE),
    ],
)
def test_a_place_needs_the_offer_providers_coverage_of_the_pupils_hamlet(coverage, offer_id, reason):
    proposal = engine.propose([pupil(1, hamlet=7, need="internet")], [], [SIM, FIBRE], coverage, RULES)
    decisions = by_pupil(proposal)
    if offer_id is None:
        assert decisions == {}
        assert misses(proposal)[(1, engine.CONNECTIVITY)].reason == reason
    else:
        assert decisions[1].offer_id == offer_id


def test_no_hamlet_no_place():
    proposal = engine.propose([pupil(1, hamlet=None, need="both")], [Device(1, "tablet")], [SIM], {(7, 1, "4g")}, RULES)
    assert by_pupil(proposal)[1].device_id == 1 and by_pupil(proposal)[1].offer_id is None
    assert misses(proposal)[(1, engine.CONNECTIVITY)].reason == engine.NO_HAMLET


def test_free_offers_before_paid_ones():
    paid = Offer(1, provider_id=1, technology="4g", remaining=5, free=False)
    free = Offer(2, provider_id=1, technology="4g", remaining=5)
    proposal = engine.propose([pupil(1, hamlet=7, need="internet")], [], [paid, free], {(7, 1, "4g")}, RULES)
    assert by_pupil(proposal)[1].offer_id == 2


def test_capacity_is_never_exceeded_and_the_strongest_get_the_places():
    pupils = [pupil(i, hamlet=7, need="internet", hardships=("poor",) if i == 3 else ()) for i in range(1, 5)]
    offer = Offer(1, provider_id=1, technology="4g", remaining=1)
    proposal = engine.propose(pupils, [], [offer], {(7, 1, "4g")}, RULES)
    assert [d.pupil_id for d in proposal.decisions] == [3]
    assert {m.pupil_id: m.reason for m in proposal.missed} == dict.fromkeys([1, 2, 4], engine.NO_PLACE_LEFT)
    assert proposal.unused_places == 0


def test_a_full_offer_is_no_place_left_not_no_coverage():
    full = Offer(1, provider_id=1, technology="4g", remaining=0)
    proposal = engine.propose([pupil(1, hamlet=7, need="internet")], [], [full], {(7, 1, "4g")}, RULES)
    assert misses(proposal)[(1, engine.CONNECTIVITY)].reason == engine.NO_PLACE_LEFT


# ------------------------------------------------------------------ shares


def test_short_supply_is_split_across_communes_in_proportion_to_their_need():
    # Commune 2's pupils are the strongest of the district, yet it gets only its share.
    pupils = [pupil(i, commune=1) for i in range(1, 5)]
    pupils += [pupil(i, commune=2, hardships=("poor", "merit")) for i in range(5, 7)]
    devices = [Device(i, "laptop") for i in range(1, 4)]
    proposal = engine.propose(pupils, devices, [], set(), RULES)
    assert proposal.shares[engine.DEVICE] == {1: 2, 2: 1}
    given = by_pupil(proposal)
    assert sorted(given) == [1, 2, 5]
    assert all(d.device_rule == engine.COMMUNE_SHARE for d in given.values())
    assert {m.pupil_id for m in proposal.missed} == {3, 4, 6}
    assert all(m.detail["share"] == (2 if m.pupil_id < 5 else 1) for m in proposal.missed)


def test_within_a_commune_the_highest_score_first():
    pupils = [
        pupil(1, commune=1),
        pupil(2, commune=1, hardships=("near_poor",)),
        pupil(3, commune=1, hardships=("poor", "social_protection")),
        pupil(4, commune=1, need="both"),
        pupil(5, commune=2),
        pupil(6, commune=2, hardships=("covid_orphan",)),
    ]
    devices = [Device(i, "tablet") for i in range(1, 4)]
    proposal = engine.propose(pupils, devices, [], set(), RULES)
    assert proposal.shares[engine.DEVICE] == {1: 2, 2: 1}
    # Need first (4 lacks both), then the strongest hardship (3); in commune 2 the COVID-19 orphan.
    assert sorted(by_pupil(proposal)) == [3, 4, 6]


def test_shares_of_places_count_only_pupils_an_offer_can_reach():
    coverage = {(7, 1, "4g")}
    pupils = [pupil(i, commune=1, hamlet=7, need="internet") for i in range(1, 3)]
    pupils += [pupil(i, commune=2, hamlet=8, need="internet") for i in range(3, 10)]  # hamlet 8: no coverage
    proposal = engine.propose(pupils, [], [SIM], coverage, RULES)
    assert proposal.shares[engine.CONNECTIVITY] == {1: 2}
    assert sorted(by_pupil(proposal)) == [1, 2]
    assert {m.reason for m in proposal.missed} == {engine.NO_COVERAGE}


def test_what_a_share_cannot_use_goes_to_the_next_by_priority():
    # Commune 1's share is one device, but its pupil is upper secondary and only tablets exist.
    pupils = [pupil(1, commune=1, level="upper_secondary"), pupil(2, commune=1, level="upper_secondary")]
    pupils += [pupil(3, commune=2), pupil(4, commune=2)]
    devices = [Device(1, "tablet"), Device(2, "tablet")]
    proposal = engine.propose(pupils, devices, [], set(), RULES)
    given = by_pupil(proposal)
    assert sorted(given) == [3, 4]
    assert given[3].device_rule == engine.COMMUNE_SHARE and given[4].device_rule == engine.REMAINING_SUPPLY


def test_plenty_of_supply_serves_everyone_and_leaves_the_rest_unused():
    pupils = [pupil(i, commune=1 + i % 3, hamlet=7, need="both") for i in range(1, 10)]
    devices = [Device(i, "tablet") for i in range(1, 21)]
    offer = Offer(1, provider_id=1, technology="4g", remaining=20)
    proposal = engine.propose(pupils, devices, [offer], {(7, 1, "4g")}, RULES)
    assert len(proposal.decisions) == 9 and all(d.device_id and d.offer_id for d in proposal.decisions)
    assert proposal.missed == []
    assert (proposal.unused_devices, proposal.unused_places) == (11, 11)


def test_the_engine_is_deterministic():
    pupils = [pupil(i, commune=1 + i % 4, hamlet=i % 3, need=("both", "device", "internet")[i % 3]) for i in range(60)]
    devices = [Device(i, ("tablet", "laptop", "desktop")[i % 3], earmark_commune_id=i % 5 or None) for i in range(20)]
    offers = [Offer(1, 1, "4g", 7), Offer(2, 2, "fibre", 5, earmark_commune_id=2)]
    coverage = {(0, 1, "4g"), (1, 2, "fibre"), (2, 1, "4g")}
    first = engine.propose(pupils, devices, offers, coverage, RULES)
    again = engine.propose(list(reversed(pupils)), list(reversed(devices)), list(reversed(offers)), coverage, RULES)
    assert first.decisions == again.decisions
    assert first.missed == again.missed and first.shares == again.shares
