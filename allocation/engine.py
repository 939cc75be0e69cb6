"""The allocation rule engine: pure functions over plain data, easy to test and to explain.

Order of the rules, for devices and for connectivity places alike:

1. Eligible: a verified pupil, in no undecided duplicate pair, not already supported.
2. Priority score = weight of the need + weight of the strongest hardship
   + a small weight for each further hardship (`Rules`, changed by the office),
   never enough to overtake a stronger hardship category.
   Ties go to the pupil listed first (lower id).
3. Earmarked supply serves its school first, then its commune (a school's
   earmark also names the school's commune); what it cannot use joins the
   district's pool.
4. When the pool is short, it is split across communes in proportion to their
   remaining need (largest remainder); within a commune, by priority.
5. Whatever the shares leave unused goes, by priority, to anyone it suits —
   so an eligible pupil is left out only when nothing suitable is left.

Every decision carries the rule that made it, so staff can answer "why not my child?".
"""

from __future__ import annotations

from collections import Counter, defaultdict, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

# Rules that give supply.
EARMARK_SCHOOL = "earmark_school"
EARMARK_COMMUNE = "earmark_commune"
COMMUNE_SHARE = "commune_share"
REMAINING_SUPPLY = "remaining_supply"
GIVING_RULES = (EARMARK_SCHOOL, EARMARK_COMMUNE, COMMUNE_SHARE, REMAINING_SUPPLY)

# Why an eligible pupil got nothing of what they need.
NO_DEVICE_LEFT = "no_device_left"
NO_HAMLET = "no_hamlet"
NO_COVERAGE = "no_coverage"
NO_PLACE_LEFT = "no_place_left"

# Why a pupil in need is not eligible (yet).
NOT_VERIFIED = "not_verified"
DUPLICATE_PENDING = "duplicate_pending"
ALREADY_SUPPORTED = "already_supported"

DEVICE = "device"
CONNECTIVITY = "connectivity"

# Hardships of the lists (students.Hardship values) and the ministries' combined category.
POOR_WITH_MERIT_OR_PROTECTION = "poor_with_merit_or_protection"
_POOR = frozenset({"poor", "near_poor"})
_MERIT_OR_PROTECTION = frozenset({"merit", "social_protection"})


@dataclass(frozen=True, slots=True)
class Pupil:
    id: int
    commune_id: int
    school_id: int
    hamlet_id: int | None
    level: str
    lacks_device: bool
    lacks_internet: bool
    hardships: tuple[str, ...] = ()
    verified: bool = True
    duplicate_pending: bool = False
    supported: bool = False
    # For the summary's standing (allocation/standing.py): the pupil's support, if any, and held.
    support: str | None = None
    held: bool = False


@dataclass(frozen=True, slots=True)
class Device:
    id: int
    type: str
    earmark_commune_id: int | None = None
    earmark_school_id: int | None = None


@dataclass(frozen=True, slots=True)
class Offer:
    id: int
    provider_id: int
    technology: str  # "4g" for SIM offers, "fibre" for fibre offers
    remaining: int
    free: bool = True
    earmark_commune_id: int | None = None
    earmark_school_id: int | None = None


@dataclass(frozen=True)
class Rules:
    need_weights: dict[str, int]
    hardship_weights: dict[str, int]
    extra_hardship_weight: int
    # level → device types it may receive, most wanted first
    device_preferences: dict[str, tuple[str, ...]]


@dataclass(slots=True)
class Decision:
    """What one pupil is proposed, and why."""

    pupil_id: int
    score: int
    rank: int
    device_id: int | None = None
    device_type: str = ""
    device_rule: str = ""
    offer_id: int | None = None
    connectivity_rule: str = ""


@dataclass(frozen=True, slots=True)
class Miss:
    """An eligible pupil left without something they need."""

    pupil_id: int
    need: str
    score: int
    rank: int
    reason: str
    detail: dict[str, object]


@dataclass
class Proposal:
    decisions: list[Decision]
    missed: list[Miss]
    ineligible: dict[int, str]
    # need → commune id → the commune's share of the district pool
    shares: dict[str, dict[int, int]]
    unused_devices: int
    unused_places: int
    scores: dict[int, tuple[int, int]] = field(default_factory=dict)  # pupil id → (score, rank)


def need_of(pupil: Pupil) -> str:
    if pupil.lacks_device and pupil.lacks_internet:
        return "both"
    return "device" if pupil.lacks_device else "internet"


def hardship_categories(hardships: Iterable[str]) -> list[str]:
    found = set(hardships)
    if found & _POOR and found & _MERIT_OR_PROTECTION:
        found.add(POOR_WITH_MERIT_OR_PROTECTION)
    return sorted(found)


def score(pupil: Pupil, rules: Rules) -> tuple[int, str]:
    """The pupil's priority score and the hardship that weighed most ("" if none)."""
    weights = rules.hardship_weights
    ranked = sorted(((weights.get(h, 0), h) for h in hardship_categories(pupil.hardships)), reverse=True)
    total = rules.need_weights.get(need_of(pupil), 0)
    if not ranked:
        return total, ""
    strongest_weight, strongest = ranked[0]
    # The combined category stands for its parts; they do not count again as "further" hardships.
    parts = 1 + (2 if strongest == POOR_WITH_MERIT_OR_PROTECTION else 0)
    extra = rules.extra_hardship_weight * max(len(ranked) - parts, 0)
    # Further hardships break ties within a category; they never lift a pupil over a stronger
    # category (a COVID-19 orphan with three other hardships stays behind a near-poor household).
    stronger = [w for w in weights.values() if w > strongest_weight]
    if stronger:
        extra = min(extra, min(stronger) - strongest_weight - 1)
    return total + strongest_weight + extra, strongest


def eligibility(pupil: Pupil) -> str:
    """ "" when the engine may serve the pupil, otherwise why not."""
    if pupil.supported:
        return ALREADY_SUPPORTED
    if pupil.duplicate_pending:
        return DUPLICATE_PENDING
    if not pupil.verified:
        return NOT_VERIFIED
    return ""


def largest_remainder(supply: int, needs: dict[int, int]) -> dict[int, int]:
    """Split `supply` across keys in proportion to `needs`; nobody's share exceeds their need."""
    total = sum(needs.values())
    if total <= supply:
        return dict(needs)
    shares = {key: supply * need // total for key, need in needs.items()}
    left = supply - sum(shares.values())
    # Largest remainder first; ties to the larger need, then the lower key, so it is deterministic.
    by_remainder = sorted(needs, key=lambda key: (-(supply * needs[key] % total), -needs[key], key))
    for key in by_remainder[:left]:
        shares[key] += 1
    return shares


def _share_order(pupils: list[Pupil], shares: dict[int, int]) -> list[Pupil]:
    """The pupils within their commune's share, interleaved so every commune advances at its own pace."""
    position: Counter[int] = Counter()
    keyed = []
    for order, pupil in enumerate(pupils):  # pupils come in priority order
        k = position[pupil.commune_id]
        share = shares.get(pupil.commune_id, 0)
        if k < share:
            keyed.append(((k + 0.5) / share, order, pupil))
        position[pupil.commune_id] += 1
    keyed.sort(key=lambda item: (item[0], item[1]))
    return [pupil for _key, _order, pupil in keyed]


class _DevicePools:
    """Devices waiting to be given, by where they are earmarked and by type, oldest first."""

    def __init__(self, devices: Iterable[Device]):
        self.by_school: dict[int, dict[str, deque[Device]]] = defaultdict(lambda: defaultdict(deque))
        self.by_commune: dict[int, dict[str, deque[Device]]] = defaultdict(lambda: defaultdict(deque))
        self.district: dict[str, deque[Device]] = defaultdict(deque)
        for device in sorted(devices, key=lambda d: d.id):
            if device.earmark_school_id is not None:
                self.by_school[device.earmark_school_id][device.type].append(device)
            elif device.earmark_commune_id is not None:
                self.by_commune[device.earmark_commune_id][device.type].append(device)
            else:
                self.district[device.type].append(device)

    @staticmethod
    def take(pool: dict[str, deque[Device]], types: tuple[str, ...]) -> Device | None:
        for kind in types:
            stack = pool.get(kind)
            if stack:
                return stack.popleft()
        return None

    def school_leftovers_to_communes(self) -> None:
        """What a school could not use serves the school's commune next (when the earmark names it)."""
        for pool in self.by_school.values():
            for kind, stack in pool.items():
                for device in list(stack):
                    if device.earmark_commune_id is not None:
                        stack.remove(device)
                        self.by_commune[device.earmark_commune_id][kind].append(device)
        for pool in self.by_commune.values():
            for kind in pool:
                pool[kind] = deque(sorted(pool[kind], key=lambda d: d.id))

    def release_earmarks(self) -> None:
        """What the earmarked pupils could not use joins the district's pool."""
        for pools in (self.by_school, self.by_commune):
            for pool in pools.values():
                for kind, stack in pool.items():
                    self.district[kind].extend(stack)
                    stack.clear()
        for kind in self.district:
            self.district[kind] = deque(sorted(self.district[kind], key=lambda d: d.id))

    def district_count(self) -> int:
        return sum(len(stack) for stack in self.district.values())

    def remaining_by_type(self) -> dict[str, int]:
        return {kind: len(stack) for kind, stack in self.district.items() if stack}


class _OfferPools:
    """Places on offers, reachable from a hamlet through its coverage."""

    def __init__(self, offers: Iterable[Offer], coverage: set[tuple[int, int, str]]):
        self.left = {offer.id: offer.remaining for offer in offers if offer.remaining > 0}
        self.offers = {offer.id: offer for offer in offers if offer.remaining > 0}
        # (provider, technology) → offers, free ones first, then oldest
        self.by_route: dict[tuple[int, str], list[Offer]] = defaultdict(list)
        for offer in sorted(self.offers.values(), key=lambda o: (not o.free, o.id)):
            self.by_route[(offer.provider_id, offer.technology)].append(offer)
        self.routes_of_hamlet: dict[int, list[tuple[int, str]]] = defaultdict(list)
        for hamlet_id, provider_id, technology in sorted(coverage):
            if (provider_id, technology) in self.by_route:
                self.routes_of_hamlet[hamlet_id].append((provider_id, technology))
        self.released = False

    def candidates(self, pupil: Pupil) -> Iterator[Offer]:
        if pupil.hamlet_id is None:
            return
        for route in self.routes_of_hamlet.get(pupil.hamlet_id, ()):
            for offer in self.by_route[route]:
                if self.left[offer.id] > 0:
                    yield offer

    def take(self, pupil: Pupil, stage: str) -> Offer | None:
        for offer in self.candidates(pupil):
            if stage == EARMARK_SCHOOL and offer.earmark_school_id != pupil.school_id:
                continue
            # The school stage is over: a school's earmark left over serves the school's commune.
            if stage == EARMARK_COMMUNE and offer.earmark_commune_id != pupil.commune_id:
                continue
            if not self.released and stage not in (EARMARK_SCHOOL, EARMARK_COMMUNE) and _earmarked(offer):
                continue
            self.left[offer.id] -= 1
            return offer
        return None

    def district_count(self) -> int:
        return sum(n for oid, n in self.left.items() if self.released or not _earmarked(self.offers[oid]))


def _earmarked(item: Device | Offer) -> bool:
    return item.earmark_school_id is not None or item.earmark_commune_id is not None


def _ranked(pupils: Iterable[Pupil], rules: Rules) -> tuple[list[Pupil], dict[int, tuple[int, int]]]:
    """Eligible pupils in priority order, and each one's (score, rank within the commune)."""
    # The score depends on the need and the hardships only: computed once per combination, not per pupil.
    known: dict[tuple[bool, bool, tuple[str, ...]], int] = {}

    def value_of(pupil: Pupil) -> int:
        key = (pupil.lacks_device, pupil.lacks_internet, pupil.hardships)
        value = known.get(key)
        if value is None:
            value = known[key] = score(pupil, rules)[0]
        return value

    scored = sorted(((value_of(p), p) for p in pupils), key=lambda item: (-item[0], item[1].id))
    ranks: Counter[int] = Counter()
    scores = {}
    for value, pupil in scored:
        ranks[pupil.commune_id] += 1
        scores[pupil.id] = (value, ranks[pupil.commune_id])
    return [pupil for _value, pupil in scored], scores


def _allocate_devices(
    pupils: list[Pupil], devices: Iterable[Device], rules: Rules
) -> tuple[dict[int, tuple[Device, str]], dict[int, int], _DevicePools]:
    """Device for each pupil that lacks one: pupil id → (device, rule); the shares; what is left."""
    wanting = [p for p in pupils if p.lacks_device]
    pools = _DevicePools(devices)
    given: dict[int, tuple[Device, str]] = {}

    def prefs(pupil: Pupil) -> tuple[str, ...]:
        return rules.device_preferences.get(pupil.level, ())

    for pupil in wanting:
        pool = pools.by_school.get(pupil.school_id)
        device = pools.take(pool, prefs(pupil)) if pool else None
        if device:
            given[pupil.id] = (device, EARMARK_SCHOOL)
    pools.school_leftovers_to_communes()
    for pupil in wanting:
        pool = pools.by_commune.get(pupil.commune_id)
        if pupil.id not in given and pool and (device := pools.take(pool, prefs(pupil))):
            given[pupil.id] = (device, EARMARK_COMMUNE)
    pools.release_earmarks()

    waiting = [p for p in wanting if p.id not in given]
    shares = largest_remainder(pools.district_count(), Counter(p.commune_id for p in waiting))
    for pupil in _share_order(waiting, shares):
        if device := pools.take(pools.district, prefs(pupil)):
            given[pupil.id] = (device, COMMUNE_SHARE)
    for pupil in waiting:
        if pupil.id not in given and (device := pools.take(pools.district, prefs(pupil))):
            given[pupil.id] = (device, REMAINING_SUPPLY)
    return given, shares, pools


def _allocate_places(
    pupils: list[Pupil], offers: Iterable[Offer], coverage: set[tuple[int, int, str]]
) -> tuple[dict[int, tuple[Offer, str]], dict[int, int], _OfferPools]:
    """A place on an offer for each pupil that lacks Internet and whose hamlet an offer's provider covers."""
    wanting = [p for p in pupils if p.lacks_internet]
    pools = _OfferPools(offers, coverage)
    given: dict[int, tuple[Offer, str]] = {}
    for stage in (EARMARK_SCHOOL, EARMARK_COMMUNE):
        for pupil in wanting:
            if pupil.id not in given and (offer := pools.take(pupil, stage)):
                given[pupil.id] = (offer, stage)
    pools.released = True

    waiting = [p for p in wanting if p.id not in given]
    # Only pupils some offer can reach compete for the shares.
    reachable = [p for p in waiting if next(pools.candidates(p), None) is not None]
    shares = largest_remainder(pools.district_count(), Counter(p.commune_id for p in reachable))
    for pupil in _share_order(reachable, shares):
        if offer := pools.take(pupil, COMMUNE_SHARE):
            given[pupil.id] = (offer, COMMUNE_SHARE)
    for pupil in waiting:
        if pupil.id not in given and (offer := pools.take(pupil, REMAINING_SUPPLY)):
            given[pupil.id] = (offer, REMAINING_SUPPLY)
    return given, shares, pools


def _connectivity_miss_reason(pupil: Pupil, covered_routes: dict[int, set[tuple[int, str]]]) -> str:
    if pupil.hamlet_id is None:
        return NO_HAMLET
    if not covered_routes.get(pupil.hamlet_id):
        return NO_COVERAGE
    return NO_PLACE_LEFT


def propose(
    pupils: Iterable[Pupil],
    devices: Iterable[Device],
    offers: Iterable[Offer],
    coverage: set[tuple[int, int, str]],
    rules: Rules,
) -> Proposal:
    """Who gets what. Nothing here touches the database."""
    devices, offers = list(devices), list(offers)
    ineligible: dict[int, str] = {}
    eligible = []
    for pupil in pupils:
        reason = eligibility(pupil)
        if reason:
            ineligible[pupil.id] = reason
        else:
            eligible.append(pupil)
    ranked, scores = _ranked(eligible, rules)
    devices_given, device_shares, device_pools = _allocate_devices(ranked, devices, rules)
    places_given, place_shares, place_pools = _allocate_places(ranked, offers, coverage)

    # A hamlet counts as covered when some provider serves it with a technology that has an offer.
    offer_routes = {(o.provider_id, o.technology) for o in offers}
    covered_routes: dict[int, set[tuple[int, str]]] = defaultdict(set)
    for hamlet_id, provider_id, technology in coverage:
        if (provider_id, technology) in offer_routes:
            covered_routes[hamlet_id].add((provider_id, technology))

    decisions, missed = [], []
    for pupil in ranked:
        value, rank = scores[pupil.id]
        device = devices_given.get(pupil.id)
        offer = places_given.get(pupil.id)
        if device or offer:
            decisions.append(
                Decision(
                    pupil_id=pupil.id,
                    score=value,
                    rank=rank,
                    device_id=device[0].id if device else None,
                    device_type=device[0].type if device else "",
                    device_rule=device[1] if device else "",
                    offer_id=offer[0].id if offer else None,
                    connectivity_rule=offer[1] if offer else "",
                )
            )
        if pupil.lacks_device and not device:
            detail = {
                "types": list(rules.device_preferences.get(pupil.level, ())),
                "share": device_shares.get(pupil.commune_id, 0),
            }
            missed.append(Miss(pupil.id, DEVICE, value, rank, NO_DEVICE_LEFT, detail))
        if pupil.lacks_internet and not offer:
            reason = _connectivity_miss_reason(pupil, covered_routes)
            detail = {"share": place_shares.get(pupil.commune_id, 0)}
            missed.append(Miss(pupil.id, CONNECTIVITY, value, rank, reason, detail))
    return Proposal(
        decisions=decisions,
        missed=missed,
        ineligible=ineligible,
        shares={DEVICE: device_shares, CONNECTIVITY: place_shares},
        unused_devices=device_pools.district_count(),
        unused_places=sum(place_pools.left.values()),
        scores=scores,
    )


def explain_score(pupil: Pupil, rules: Rules) -> dict[str, object]:
    """The parts of a pupil's score, for the pupil's page."""
    value, strongest = score(pupil, rules)
    return {
        "score": value,
        "need": need_of(pupil),
        "need_weight": rules.need_weights.get(need_of(pupil), 0),
        "strongest_hardship": strongest,
        "strongest_weight": rules.hardship_weights.get(strongest, 0) if strongest else 0,
    }
