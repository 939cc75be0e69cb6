"""Two staff at once on the same pupil, device or last place: exactly one wins, the other gets a
clear message, and nothing is half-saved or a server error (PostgreSQL, threads and a barrier)."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from allocation import proposals, services
from allocation.models import Support
from allocation.tests.district import ready_device
from donations.models import Device
from students.models import Student
from students.tests.factories import CommuneFactory, SchoolFactory, StudentFactory
from telecom import offers
from telecom.models import ConnectivityOffer, SimAssignment
from telecom.tests.factories import ConnectivityOfferFactory

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]
ROUNDS = 4
REASON = "Điều chỉnh theo đề nghị của nhà trường"


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is proven on PostgreSQL, the production database")


@dataclass
class Outcome:
    value: object = None
    refused: ValidationError | None = None
    error: BaseException | None = None

    @property
    def code(self) -> str | None:
        return self.refused.code if self.refused else None


def race(*calls) -> list[Outcome]:
    """Run each call in its own thread and connection, all released at once by a barrier."""
    barrier = threading.Barrier(len(calls))
    outcomes = [Outcome() for _ in calls]

    def run(call, outcome):
        try:
            barrier.wait(timeout=10)
            outcome.value = call()
        except ValidationError as refused:
            outcome.refused = refused
        except BaseException as error:  # anything else would be a server error
            outcome.error = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=pair) for pair in zip(calls, outcomes, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a racer never finished"
    assert not [o.error for o in outcomes if o.error], [repr(o.error) for o in outcomes if o.error]
    return outcomes


def winners_and_losers(outcomes: list[Outcome]) -> tuple[list[Outcome], list[Outcome]]:
    return [o for o in outcomes if o.refused is None], [o for o in outcomes if o.refused is not None]


def assert_consistent() -> None:
    """Devices, places and supports agree with each other after any race."""
    active = Support.objects.filter(status__in=Support.ACTIVE_STATUSES)
    holders = Counter(active.exclude(device=None).values_list("device_id", flat=True))
    assert all(n == 1 for n in holders.values())
    for pk, status in Device.objects.values_list("pk", "status"):
        if pk in holders:
            assert status in (Device.Status.ALLOCATED, Device.Status.HANDED_OVER), (pk, status)
        else:
            assert status not in (Device.Status.ALLOCATED, Device.Status.HANDED_OVER), (pk, status)
    holding = Counter(Support.objects.holding().values_list("student_id", flat=True))
    assert all(n == 1 for n in holding.values()), "a pupil with two supports"
    for offer in ConnectivityOffer.objects.with_usage():
        assert offer.used <= offer.capacity, f"offer {offer.pk} over capacity"
    for support in active.exclude(offer=None).select_related("sim_assignment"):
        place = support.sim_assignment
        assert place.status in SimAssignment.ACTIVE_STATUSES and place.student_id == support.student_id
    places = Counter(SimAssignment.objects.active().values_list("student_id", flat=True))
    assert all(n == 1 for n in places.values()), "a pupil with two places"


def verified_pupil(commune=None, **kwargs) -> Student:
    commune = commune or CommuneFactory()
    return StudentFactory(
        commune=commune,
        school=SchoolFactory(commune=commune),
        status=Student.Status.VERIFIED,
        lacks_internet=True,
        **kwargs,
    )


def create(student, device=None, offer=None, user=None):
    return lambda: services.support_create(
        student_id=student.pk,
        device_id=device.pk if device else None,
        offer_id=offer.pk if offer else None,
        reason=REASON,
        user=user,
    )


# ------------------------------------------------------------------ (a) one pupil, two devices


def test_two_staff_supporting_the_same_pupil_with_different_devices(education_office_user):
    for _ in range(ROUNDS):
        pupil = verified_pupil()
        first, second = ready_device("tablet"), ready_device("laptop")
        outcomes = race(create(pupil, first, user=education_office_user), create(pupil, second))
        won, lost = winners_and_losers(outcomes)
        assert len(won) == 1 and len(lost) == 1
        assert lost[0].code in ("already_supported", "conflict")
        support = Support.objects.get(student=pupil)
        loser_device = second if support.device_id == first.pk else first
        assert Device.objects.get(pk=support.device_id).status == Device.Status.ALLOCATED
        assert Device.objects.get(pk=loser_device.pk).status == Device.Status.READY
        assert support.history.count() == 1
        assert_consistent()


# ------------------------------------------------------------------ (b) one device, two pupils


def test_two_staff_giving_the_same_device_to_two_pupils():
    for _ in range(ROUNDS):
        device = ready_device("tablet")
        one, two = verified_pupil(), verified_pupil()
        outcomes = race(create(one, device), create(two, device))
        won, lost = winners_and_losers(outcomes)
        assert len(won) == 1 and len(lost) == 1
        assert lost[0].code in ("device_unavailable", "conflict")
        assert Support.objects.filter(device=device).count() == 1
        assert Support.objects.filter(student__in=[one, two]).count() == 1
        assert Device.objects.get(pk=device.pk).status == Device.Status.ALLOCATED
        assert_consistent()


# ------------------------------------------------------------------ (c) the last place on an offer


def test_two_staff_taking_the_last_place_on_an_offer():
    for _ in range(ROUNDS):
        offer = ConnectivityOfferFactory(capacity=2, name="SIM 4G học tập")
        offers.place_assign(offer_id=offer.pk, student_id=verified_pupil().pk)  # one place left
        one, two = verified_pupil(), verified_pupil()
        device_one, device_two = ready_device(), ready_device()
        outcomes = race(create(one, device_one, offer), create(two, device_two, offer))
        won, lost = winners_and_losers(outcomes)
        assert len(won) == 1 and len(lost) == 1
        assert lost[0].code == "offer_full"
        assert "SIM 4G học tập" in lost[0].refused.messages[0]
        assert offer.assignments.filter(status__in=SimAssignment.ACTIVE_STATUSES).count() == 2
        assert Support.objects.filter(offer=offer).count() == 1
        # The loser's device went back on the shelf with its transaction.
        loser = two if won[0].value.student_id == one.pk else one
        loser_device = device_two if loser == two else device_one
        assert Device.objects.get(pk=loser_device.pk).status == Device.Status.READY
        assert not SimAssignment.objects.filter(student=loser).exists()
        assert_consistent()


# ------------------------------------------------------------------ (d) approving a commune twice


def test_two_staff_approving_the_same_commune_at_once(education_office_user, leadership_user):
    for _ in range(ROUNDS):
        commune = CommuneFactory()
        supports = [
            services.support_create(
                student_id=verified_pupil(commune).pk,
                device_id=ready_device().pk,
                offer_id=None,
                reason=REASON,
                user=None,
            )
            for _ in range(5)
        ]
        outcomes = race(
            lambda c=commune: services.supports_approve(
                supports=Support.objects.filter(student__commune=c), user=education_office_user
            ),
            lambda c=commune: services.supports_approve(
                supports=Support.objects.filter(student__commune=c), user=education_office_user
            ),
        )
        assert sorted(o.value for o in outcomes) == [0, 5]
        for support in supports:
            support.refresh_from_db()
            assert support.status == Support.Status.APPROVED and support.approved_by == education_office_user
            history = list(support.history.order_by("history_id").values_list("status", flat=True))
            assert history == ["proposed", "approved"], history
        assert_consistent()


# ------------------------------------------------------------------ (e) a change by hand racing a new support


def test_changing_a_supports_device_racing_a_new_support_for_that_device():
    for _ in range(ROUNDS):
        owner, other = verified_pupil(), verified_pupil()
        old, contested = ready_device("tablet"), ready_device("laptop")
        support = create(owner, old)()
        outcomes = race(
            lambda s=support, d=contested: services.support_change(
                support_id=s.pk, device_id=d.pk, offer_id=None, reason=REASON, user=None
            ),
            create(other, contested),
        )
        won, lost = winners_and_losers(outcomes)
        assert len(won) == 1 and len(lost) == 1
        assert lost[0].code in ("device_unavailable", "conflict")
        support.refresh_from_db()
        assert Support.objects.filter(device=contested, status__in=Support.ACTIVE_STATUSES).count() == 1
        if support.device_id == contested.pk:  # the change won
            assert not Support.objects.filter(student=other).exists()
            assert Device.objects.get(pk=old.pk).status == Device.Status.READY
        else:  # the new support won; the change left everything as it was
            assert support.device_id == old.pk
            assert Device.objects.get(pk=old.pk).status == Device.Status.ALLOCATED
            assert Support.objects.get(student=other).device_id == contested.pk
        assert_consistent()


def test_two_changes_swapping_devices_between_two_supports_never_deadlock_into_a_server_error():
    for _ in range(ROUNDS):
        first_device, second_device = ready_device(), ready_device()
        first = create(verified_pupil(), first_device)()
        second = create(verified_pupil(), second_device)()
        outcomes = race(
            lambda s=first, d=second_device: services.support_change(
                support_id=s.pk, device_id=d.pk, offer_id=None, reason=REASON, user=None
            ),
            lambda s=second, d=first_device: services.support_change(
                support_id=s.pk, device_id=d.pk, offer_id=None, reason=REASON, user=None
            ),
        )
        won, lost = winners_and_losers(outcomes)
        # Each wants the device the other holds: at most one can move, the other is told why.
        assert len(won) <= 1 and all(o.code in ("device_unavailable", "conflict") for o in lost)
        assert_consistent()


# ------------------------------------------------------------------ (f) a saved run racing a change by hand


def test_saving_a_run_racing_a_support_by_hand_for_a_pupil_in_it(education_office_user):
    for _ in range(ROUNDS):
        # Each round on its own: what earlier rounds left is out of the way.
        Support.objects.update(status=Support.Status.WITHDRAWN, end_reason="vòng trước", released=True)
        SimAssignment.objects.update(status=SimAssignment.Status.CANCELLED)
        Device.objects.update(status=Device.Status.UNUSABLE)
        Student.objects.update(status=Student.Status.REJECTED)
        commune = CommuneFactory()
        pupils = [verified_pupil(commune, lacks_device=True) for _ in range(4)]
        for _ in range(4):
            ready_device("tablet")
        target = pupils[0]
        computed = proposals.compute()
        assert target.pk in {d.pupil_id for d in computed.proposal.decisions}
        by_hand = ready_device("laptop")  # the hand change uses a device the run does not know
        outcomes = race(
            lambda c=computed: proposals.run_save(computed=c, user=education_office_user),
            create(target, by_hand),
        )
        run_outcome, hand_outcome = outcomes
        assert Support.objects.holding().filter(student=target).count() == 1
        if run_outcome.refused is None:
            assert hand_outcome.code in ("already_supported", "conflict")
            assert Support.objects.holding().get(student=target).run_id == run_outcome.value.pk
            assert Device.objects.get(pk=by_hand.pk).status == Device.Status.READY
            assert Support.objects.holding().filter(student__in=pupils).count() == 4
        else:
            assert run_outcome.code == "stale_proposal"
            assert hand_outcome.refused is None
            assert Support.objects.holding().get(student=target).device_id == by_hand.pk
            assert Support.objects.holding().filter(student__in=pupils).count() == 1  # nothing of the run saved
        assert_consistent()
