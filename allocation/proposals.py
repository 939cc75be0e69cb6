"""From the database to the engine and back: load what the engine needs, summarise, save.

`compute()` reads everything in a handful of queries and runs the engine; it
saves nothing (the dry run). `save()` writes a proposal in one transaction
under the allocation lock, after checking that nothing it relies on changed
since it was computed; supports, places and their history go through COPY
(`common.bulk`), because the ORM's per-row path was the cost of the save
(bench/bench_allocation.py).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from allocation import engine, summary
from allocation.locks import lock_allocation
from allocation.models import AllocationRun, AllocationSettings, LeftOut, Support
from common.bulk import insert_with_history, record_history
from common.cycle_collection import without_cycle_collection
from donations.models import Device
from students.models import DuplicateCandidate, Student
from telecom.models import ConnectivityOffer, HamletCoverage, SimAssignment, Technology

_CHUNK = 10_000


def rules_from(settings: AllocationSettings) -> engine.Rules:
    return engine.Rules(
        need_weights=dict(settings.need_weights),
        hardship_weights=dict(settings.hardship_weights),
        extra_hardship_weight=settings.extra_hardship_weight,
        device_preferences={level: tuple(types) for level, types in settings.device_preferences.items()},
    )


def settings_snapshot(settings: AllocationSettings) -> dict:
    return {
        "need_weights": settings.need_weights,
        "hardship_weights": settings.hardship_weights,
        "extra_hardship_weight": settings.extra_hardship_weight,
        "device_preferences": settings.device_preferences,
    }


def load_pupils(student_ids=None) -> list[engine.Pupil]:
    """Every pupil in need (listed, verified or held), as the engine sees them."""
    students = Student.objects.filter(status__in=Student.IN_NEED_STATUSES)
    pairs = DuplicateCandidate.objects.filter(decision=DuplicateCandidate.Decision.PENDING)
    holding = Support.objects.holding()
    if student_ids is not None:
        students = students.filter(pk__in=student_ids)
        pairs = pairs.filter(Q(existing__in=student_ids) | Q(candidate__in=student_ids))
        holding = holding.filter(student__in=student_ids)
    pending = set()
    for existing_id, candidate_id in pairs.values_list("existing_id", "candidate_id"):
        pending.add(existing_id)
        pending.add(candidate_id)
    support_of = dict(holding.values_list("student_id", "status"))
    # A place given outside a support (by hand in the admin) already connects the pupil.
    places = SimAssignment.objects.active().filter(support__isnull=True)
    if student_ids is not None:
        places = places.filter(student__in=student_ids)
    connected = set(places.values_list("student_id", flat=True))
    verified, held = Student.Status.VERIFIED, Student.Status.HELD
    # Read as text and decoded once per distinct list: a district has a few hundred combinations of
    # hardships, and decoding 100,000 JSON values one by one was a fifth of the loading.
    decoded: dict[str | None, tuple[str, ...]] = {}

    def hardships_of(text: str | None) -> tuple[str, ...]:
        found = decoded.get(text)
        if found is None:
            found = decoded[text] = tuple(json.loads(text) or ()) if text is not None else ()
        return found

    return [
        engine.Pupil(
            id=pk,
            commune_id=commune_id,
            school_id=school_id,
            hamlet_id=hamlet_id,
            level=level,
            lacks_device=lacks_device,
            lacks_internet=lacks_internet and pk not in connected,
            hardships=hardships_of(hardships),
            verified=status == verified,
            duplicate_pending=pk in pending,
            supported=pk in support_of,
            support=support_of.get(pk),
            held=status == held,
        )
        for pk, commune_id, school_id, hamlet_id, level, lacks_device, lacks_internet, hardships, status in (
            students.annotate(hardships_text=Cast("hardships", TextField()))
            .values_list(
                "pk",
                "commune_id",
                "school_id",
                "hamlet_id",
                "level",
                "lacks_device",
                "lacks_internet",
                "hardships_text",
                "status",
            )
            .iterator(chunk_size=_CHUNK)
        )
    ]


def free_devices() -> QuerySet[Device]:
    """Devices ready to give (new, or used and inspected ready) that no support holds."""
    return Device.objects.filter(status__in=Device.ALLOCATABLE_STATUSES).exclude(
        supports__status__in=Support.ACTIVE_STATUSES
    )


def load_devices() -> list[engine.Device]:
    devices = free_devices()
    # A pledge earmarked for a school serves the school's commune next, even when it names no commune.
    return [
        engine.Device(id=pk, type=kind, earmark_commune_id=commune_id or school_commune_id, earmark_school_id=school_id)
        for pk, kind, commune_id, school_id, school_commune_id in devices.values_list(
            "pk",
            "device_type",
            "pledge_line__pledge__earmark_commune_id",
            "pledge_line__pledge__earmark_school_id",
            "pledge_line__pledge__earmark_school__commune_id",
        ).iterator(chunk_size=_CHUNK)
    ]


def offer_technology(kind: str) -> str:
    return Technology.MOBILE_4G if kind == ConnectivityOffer.Kind.MOBILE_SIM else Technology.FIBRE


def load_offers() -> list[engine.Offer]:
    offers = ConnectivityOffer.objects.with_usage().values_list(
        "pk",
        "provider_id",
        "kind",
        "capacity",
        "used",
        "monthly_price_vnd",
        "pledge_line__pledge__earmark_commune_id",
        "pledge_line__pledge__earmark_school_id",
        "pledge_line__pledge__earmark_school__commune_id",
    )
    return [
        engine.Offer(
            id=pk,
            provider_id=provider_id,
            technology=offer_technology(kind),
            remaining=max(capacity - used, 0),
            free=price == 0,
            earmark_commune_id=commune_id or school_commune_id,
            earmark_school_id=school_id,
        )
        for pk, provider_id, kind, capacity, used, price, commune_id, school_id, school_commune_id in offers
    ]


def load_coverage() -> set[tuple[int, int, str]]:
    rows = HamletCoverage.objects.filter(
        status=HamletCoverage.Status.AVAILABLE, technology__in=[Technology.MOBILE_4G, Technology.FIBRE]
    ).values_list("hamlet_id", "provider_id", "technology")
    return set(rows)


@dataclass
class Computed:
    """A proposal with what it was computed from, so it can be summarised and saved."""

    proposal: engine.Proposal
    pupils: dict[int, engine.Pupil]
    devices: dict[int, engine.Device]
    offers: dict[int, engine.Offer]
    settings: dict

    def summary(self) -> dict:
        return summary.summarise(self)


def compute() -> Computed:
    """The dry run: what the engine would propose now. Saves nothing."""
    with without_cycle_collection():
        return _compute()


def _compute() -> Computed:
    current = AllocationSettings.current()
    pupils = load_pupils()
    devices = load_devices()
    offers = load_offers()
    proposal = engine.propose(pupils, devices, offers, load_coverage(), rules_from(current))
    return Computed(
        proposal=proposal,
        pupils={p.id: p for p in pupils},
        devices={d.id: d for d in devices},
        offers={o.id: o for o in offers},
        settings=settings_snapshot(current),
    )


def _stale() -> ValidationError:
    return ValidationError(
        _("Pupils, devices or offers changed since this proposal was computed. Run the allocation again."),
        code="stale_proposal",
    )


def _chunks(values: list, size: int = _CHUNK):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _check_pupils(pupil_ids: list[int]) -> None:
    """Every pupil is still eligible: verified, in no undecided pair, holding no support."""
    for chunk in _chunks(pupil_ids):
        verified = Student.objects.filter(pk__in=chunk, status=Student.Status.VERIFIED).count()
        if verified != len(chunk):
            raise _stale()
        pending = DuplicateCandidate.objects.filter(
            Q(existing__in=chunk) | Q(candidate__in=chunk), decision=DuplicateCandidate.Decision.PENDING
        )
        if pending.exists() or Support.objects.holding().filter(student__in=chunk).exists():
            raise _stale()


def _check_connected(pupil_ids: list[int]) -> None:
    for chunk in _chunks(pupil_ids):
        if SimAssignment.objects.active().filter(student__in=chunk).exists():
            raise _stale()


def _take_devices(device_ids: list[int], user_id: int | None, reason: str) -> None:
    """Reserve the devices; each must still be ready to give, or nothing is saved."""
    for chunk in _chunks(device_ids):
        taken = Device.objects.filter(pk__in=chunk, status__in=Device.ALLOCATABLE_STATUSES).update(
            status=Device.Status.ALLOCATED
        )
        if taken != len(chunk):
            raise _stale()
        record_history(Device, chunk, user_id=user_id, reason=reason)


def _check_places(needed: Counter) -> None:
    """Lock the offers (in id order, as `telecom.offers.place_assign` does) and check the places are free."""
    if not needed:
        return
    offers = list(ConnectivityOffer.objects.select_for_update().filter(pk__in=needed).order_by("pk"))
    used = dict(
        SimAssignment.objects.filter(offer__in=needed, status__in=SimAssignment.ACTIVE_STATUSES)
        .values("offer")
        .annotate(n=Count("pk"))
        .values_list("offer", "n")
    )
    for offer in offers:
        if used.get(offer.pk, 0) + needed[offer.pk] > offer.capacity:
            raise _stale()
    if len(offers) != len(needed):
        raise _stale()


def run_save(*, computed: Computed, user: User | None = None) -> AllocationRun:
    """Save the proposal as "proposed" supports, all or nothing; raises ValidationError if it is stale."""
    proposal = computed.proposal
    user_id = getattr(user, "pk", None)
    reason = _("Proposed by the allocation run")
    decisions = proposal.decisions
    with transaction.atomic():
        lock_allocation(exclusive=True)
        _check_places(Counter(d.offer_id for d in decisions if d.offer_id))
        _check_pupils([d.pupil_id for d in decisions])
        _check_connected([d.pupil_id for d in decisions if d.offer_id])
        run = AllocationRun.objects.create(
            run_by=user,
            settings_used=computed.settings,
            totals=summary.summarise(computed),
            proposed_count=len(decisions),
            left_out_count=len({m.pupil_id for m in proposal.missed}),
        )
        _take_devices([d.device_id for d in decisions if d.device_id], user_id, reason)
        now = timezone.now()
        with_place = [d for d in decisions if d.offer_id]
        place_ids = insert_with_history(
            SimAssignment,
            [
                {
                    "offer_id": d.offer_id,
                    "student_id": d.pupil_id,
                    "sim_number": "",
                    "subscription_number": "",
                    "status": SimAssignment.Status.PENDING,
                    "activated_on": None,
                    "cancel_reason": "",
                    "created_at": now,
                }
                for d in with_place
            ],
            user_id=user_id,
            reason=reason,
        )
        place_of = {d.pupil_id: place_id for d, place_id in zip(with_place, place_ids, strict=True)}
        try:
            insert_with_history(
                Support,
                [_support_row(d, run.pk, place_of.get(d.pupil_id), now) for d in decisions],
                user_id=user_id,
                reason=reason,
            )
        except IntegrityError as error:  # a support written by hand between the checks and now
            raise _stale() from error
        insert_with_history(
            LeftOut,
            [
                {
                    "run_id": run.pk,
                    "student_id": m.pupil_id,
                    "need": m.need,
                    "score": m.score,
                    "rank_in_commune": m.rank,
                    "reason": m.reason,
                    "detail": m.detail,
                }
                for m in proposal.missed
            ],
            user_id=user_id,
            reason=reason,
        )
    return run


def _support_row(decision: engine.Decision, run_id: int, place_id: int | None, now) -> dict:
    return {
        "student_id": decision.pupil_id,
        "device_id": decision.device_id,
        "offer_id": decision.offer_id,
        "sim_assignment_id": place_id,
        "status": Support.Status.PROPOSED,
        "run_id": run_id,
        "score": decision.score,
        "rank_in_commune": decision.rank,
        "device_rule": decision.device_rule,
        "connectivity_rule": decision.connectivity_rule,
        "explanation": {},
        "manual_reason": "",
        "created_at": now,
        "approved_at": None,
        "approved_by_id": None,
        "batch_id": None,
        "handed_over_on": None,
        "received_by": "",
        "end_reason": "",
        "ended_on": None,
        "released": False,
    }
