"""The rules the database itself enforces on supports, whatever code writes them."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from allocation import services
from allocation.models import Support
from allocation.tests.district import ready_device
from common.bulk import insert_with_history
from students.models import Student
from students.tests.factories import StudentFactory
from telecom import offers
from telecom.tests.factories import ConnectivityOfferFactory

pytestmark = pytest.mark.django_db
ENDED = {"status": Support.Status.WITHDRAWN, "end_reason": "Gia đình chuyển đi"}


@pytest.fixture
def pupil():
    return StudentFactory(status=Student.Status.VERIFIED, lacks_internet=True)


def refused(**fields) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Support.objects.create(**fields)


def test_one_non_released_support_per_pupil(pupil):
    first = Support.objects.create(student=pupil, device=ready_device())
    refused(student=pupil, device=ready_device())
    # Withdrawn but not released: the pupil's one place is still taken.
    Support.objects.filter(pk=first.pk).update(**ENDED)
    refused(student=pupil, device=ready_device())
    # Released by staff: the pupil may be supported again.
    Support.objects.filter(pk=first.pk).update(released=True)
    second = Support.objects.create(student=pupil, device=ready_device())
    assert Support.objects.filter(student=pupil).count() == 2
    assert list(Support.objects.filter(student=pupil).holding()) == [second]


def test_a_device_serves_one_active_support(pupil):
    device = ready_device()
    other = StudentFactory(status=Student.Status.VERIFIED)
    first = Support.objects.create(student=pupil, device=device)
    for status in Support.ACTIVE_STATUSES:
        Support.objects.filter(pk=first.pk).update(status=status, handed_over_on="2021-09-27")
        refused(student=other, device=device)
    Support.objects.filter(pk=first.pk).update(**ENDED)
    assert Support.objects.create(student=other, device=device).device == device
    Support.objects.filter(pk=first.pk).update(status=Support.Status.RETURNED)
    assert Support.objects.filter(device=device).count() == 2


def test_a_support_gives_something(pupil):
    refused(student=pupil)


def test_an_offer_on_a_support_has_its_place(pupil):
    offer = ConnectivityOfferFactory()
    refused(student=pupil, offer=offer)
    place = offers.place_assign(offer_id=offer.pk, student_id=pupil.pk)
    assert Support.objects.create(student=pupil, offer=offer, sim_assignment=place).sim_assignment == place


@pytest.mark.parametrize(
    ("fields", "constraint"),
    [
        ({"status": "handed_over"}, "support_handed_over_has_date"),
        ({"status": "withdrawn"}, "support_ended_has_reason"),
        ({"released": True}, "support_released_only_when_ended"),
    ],
)
def test_status_rules(pupil, fields, constraint):
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        Support.objects.create(student=pupil, device=ready_device(), **fields)


def test_the_bulk_insert_raises_djangos_integrity_error_on_a_violation(pupil):
    """proposals.run_save turns this into "stale"; on PostgreSQL the COPY path must raise the same class."""
    Support.objects.create(student=pupil, device=ready_device())
    row = {f.attname: None for f in Support._meta.concrete_fields if not f.primary_key}
    row.update(
        student_id=pupil.pk,
        device_id=ready_device().pk,
        status="proposed",
        score=0,
        device_rule="",
        connectivity_rule="",
        explanation={},
        manual_reason="",
        created_at=timezone.now(),
        received_by="",
        end_reason="",
        released=False,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_with_history(Support, [row])
    assert Support.objects.filter(student=pupil).count() == 1


def test_an_offer_never_gets_more_places_than_its_capacity():
    offer = ConnectivityOfferFactory(capacity=2)
    pupils = [StudentFactory(status=Student.Status.VERIFIED, lacks_internet=True) for _ in range(3)]
    for pupil in pupils[:2]:
        offers.place_assign(offer_id=offer.pk, student_id=pupil.pk)
    with pytest.raises(ValidationError) as error:
        services.support_create(
            student_id=pupils[2].pk, device_id=None, offer_id=offer.pk, reason="Thêm suất", user=None
        )
    assert error.value.code == "offer_full"
    assert offer.assignments.count() == 2 and not Support.objects.exists()
