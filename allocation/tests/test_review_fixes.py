"""Defects found in the review of allocation (issue 6), each pinned by the test that found it."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document

from allocation import services
from allocation.models import HandoverBatch, Support
from allocation.tests.handover_data import approved_support, pupil, ready_device, school_with_record
from donations import inventory
from donations.models import Device
from students.models import DuplicateCandidate, Student
from students.tests.factories import SchoolFactory, StudentFactory
from telecom.models import SimAssignment
from telecom.tests.factories import ConnectivityOfferFactory

pytestmark = pytest.mark.django_db


# --- a device a support holds cannot be put back on the shelf by hand -------------------------------


def test_an_allocated_device_offers_no_manual_status_change():
    # "Ready" from "allocated" is the withdrawal's move (allocation.services), not the inventory page's:
    # by hand it left the support holding a device the inventory called free, and the handover failed.
    assert inventory.manual_transitions(Device.Status.ALLOCATED) == []


def test_the_inventory_page_refuses_to_free_a_device_a_support_holds(client, education_office_user, commune_a):
    support = approved_support(education_office_user, SchoolFactory(commune=commune_a), device=ready_device())
    client.force_login(education_office_user)
    response = client.post(
        reverse("donations:device-detail", args=[support.device_id]),
        {"action": "status", "status": Device.Status.READY, "reason": "nhầm"},
    )
    assert response.status_code == 400
    assert Device.objects.get(pk=support.device_id).status == Device.Status.ALLOCATED


# --- a support on a prepared (not yet signed) record can still be withdrawn ---------------------------


def test_withdrawing_a_support_on_a_prepared_record_takes_it_off_the_record(education_office_user, commune_a):
    batch, first, second = school_with_record(education_office_user, commune_a)
    services.support_withdraw(
        support_id=first.pk, reason="Học sinh chuyển trường trước ngày bàn giao", user=education_office_user
    )
    first.refresh_from_db()
    assert first.status == Support.Status.WITHDRAWN and first.batch_id is None
    assert Device.objects.get(pk=first.device_id).status == Device.Status.READY
    assert first.history.first().history_change_reason == "Học sinh chuyển trường trước ngày bàn giao"
    # The record now lists the other pupil only, and handing it over leaves the withdrawn one alone.
    services.batch_hand_over(batch_id=batch.pk, handed_over_on=date(2021, 9, 25), received_by="Lê Thị Mai", user=None)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Support.Status.WITHDRAWN
    assert second.status == Support.Status.HANDED_OVER
    assert list(HandoverBatch.objects.get(pk=batch.pk).supports.values_list("pk", flat=True)) == [second.pk]


def test_a_record_whose_supports_were_all_withdrawn_cannot_be_marked_handed_over(education_office_user, commune_a):
    batch, first, second = school_with_record(education_office_user, commune_a)
    for support in (first, second):
        services.support_withdraw(support_id=support.pk, reason="Không còn nhu cầu", user=education_office_user)
    with pytest.raises(ValidationError) as raised:
        services.batch_hand_over(
            batch_id=batch.pk, handed_over_on=date(2021, 9, 25), received_by="Lê Thị Mai", user=None
        )
    assert raised.value.code == "empty_record"
    assert HandoverBatch.objects.get(pk=batch.pk).status == HandoverBatch.Status.PREPARED


def test_a_support_on_a_handed_over_record_still_cannot_be_withdrawn(education_office_user, commune_a):
    _batch, first, _second = school_with_record(education_office_user, commune_a, handed_over=True)
    with pytest.raises(ValidationError) as raised:
        services.support_withdraw(support_id=first.pk, reason="x", user=education_office_user)
    assert raised.value.code == "wrong_status"


def test_an_offer_place_is_freed_when_a_prepared_support_is_withdrawn(education_office_user, commune_a):
    school = SchoolFactory(commune=commune_a)
    offer = ConnectivityOfferFactory(capacity=1)
    support = approved_support(education_office_user, school, offer=offer)
    services.batch_create(school=school, user=education_office_user)
    services.support_withdraw(support_id=support.pk, reason="Gia đình đã tự lắp cáp quang", user=education_office_user)
    assert not SimAssignment.objects.active().filter(pk=support.sim_assignment_id).exists()
    # The place is back: another pupil may take it.
    other = pupil(school)
    services.support_create(student_id=other.pk, device_id=None, offer_id=offer.pk, reason="x", user=None)


# --- approval never gives support to a pupil who is no longer eligible ---------------------------------


def _proposed(user, school, **pupil_fields) -> Support:
    student = pupil(school, **pupil_fields)
    return services.support_create(
        student_id=student.pk, device_id=ready_device().pk, offer_id=None, reason="Bổ sung", user=user
    )


def test_approval_skips_a_pupil_rejected_after_the_proposal(education_office_user, commune_a):
    school = SchoolFactory(commune=commune_a)
    kept, dropped = _proposed(education_office_user, school), _proposed(education_office_user, school)
    # The admin's free edit of a pupil's status (the list's review refuses supported pupils).
    Student.objects.filter(pk=dropped.student_id).update(status=Student.Status.REJECTED)
    assert (
        services.supports_approve(
            supports=Support.objects.filter(pk__in=[kept.pk, dropped.pk]), user=education_office_user
        )
        == 1
    )
    assert Support.objects.get(pk=kept.pk).status == Support.Status.APPROVED
    assert Support.objects.get(pk=dropped.pk).status == Support.Status.PROPOSED


def test_approval_skips_a_pupil_in_an_undecided_duplicate_pair(education_office_user, commune_a, commune_b):
    support = _proposed(education_office_user, SchoolFactory(commune=commune_a))
    # Another commune listed the same child the day after the run.
    twin = StudentFactory(commune=commune_b, status=Student.Status.HELD)
    DuplicateCandidate.objects.create(existing_id=support.student_id, candidate=twin, reason="same_personal_id")
    assert services.supports_approve(supports=Support.objects.filter(pk=support.pk), user=education_office_user) == 0
    assert Support.objects.get(pk=support.pk).status == Support.Status.PROPOSED


def test_approving_one_ineligible_support_says_why(client, education_office_user, commune_a):
    support = _proposed(education_office_user, SchoolFactory(commune=commune_a))
    Student.objects.filter(pk=support.student_id).update(status=Student.Status.REJECTED)
    client.force_login(education_office_user)
    response = client.post(reverse("allocation:approve-one", args=[support.pk]), follow=True)
    text = response.content.decode()
    assert "not waiting for approval" not in text
    assert "no longer eligible" in text or "không còn" in text.lower()


# --- documents survive control characters typed or pasted into names ----------------------------------


def test_the_documents_survive_control_characters(client, education_office_user, commune_a):
    batch, first, _second = school_with_record(education_office_user, commune_a)
    Student.objects.filter(pk=first.student_id).update(guardian_name="Nguyễn\x0bVăn\x01Đức")
    Device.objects.filter(pk=first.device_id).update(brand_model="Dell\x0bLatitude\x1f5400")
    client.force_login(education_office_user)
    response = client.get(reverse("allocation:handover-docx", args=[batch.pk]))
    assert response.status_code == 200
    text = "\n".join(cell.text for table in Document(io.BytesIO(response.content)).tables for cell in table._cells)
    assert "Dell Latitude 5400" in text and "Nguyễn Văn Đức" in text
    assert client.get(reverse("allocation:handover-pdf", args=[batch.pk])).status_code == 200


def test_a_receiver_name_with_a_control_character_is_stored_clean(client, education_office_user, commune_a):
    batch, _first, _second = school_with_record(education_office_user, commune_a)
    client.force_login(education_office_user)
    response = client.post(
        reverse("allocation:handover-mark", args=[batch.pk]),
        {"handed_over_on": "25/09/2021", "received_by": "Lê Thị\x0bMai"},
    )
    assert response.status_code == 302
    assert HandoverBatch.objects.get(pk=batch.pk).received_by == "Lê Thị Mai"
    assert client.get(reverse("allocation:handover-docx", args=[batch.pk])).status_code == 200


# --- the admin: no guardian's name in the history of roles without pupils' records; no N+1 --------------


def test_the_support_history_hides_the_guardian_from_leadership(client, education_office_user, leadership_user):
    from students.tests.factories import CommuneFactory

    commune = CommuneFactory(code="09090", name="Tân Tiến")
    _batch, first, _second = school_with_record(education_office_user, commune, handed_over=True)
    url = reverse("admin:allocation_support_history", args=[first.pk])
    client.force_login(leadership_user)
    text = client.get(url).content.decode()
    assert "Nguyễn Văn Đức" not in text
    # Values read as words and dates as dd/mm/yyyy, not codes and ISO dates.
    assert "handed_over" not in text and "2021-09-25" not in text
    assert "25/09/2021" in text
    client.force_login(education_office_user)
    assert "Nguyễn Văn Đức" in client.get(url).content.decode()


def test_the_support_changelist_does_not_grow_queries_with_rows(client, education_office_user, commune_a):
    client.force_login(education_office_user)
    url = reverse("admin:allocation_support_changelist")
    approved_support(education_office_user, SchoolFactory(commune=commune_a), device=ready_device())
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for _ in range(4):
        approved_support(education_office_user, SchoolFactory(commune=commune_a), device=ready_device())
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)


# --- absurd ids posted by hand are a 404, never a server error -----------------------------------------


@pytest.mark.parametrize("value", ["9" * 40, "-1", "1e3", "١٢"])
def test_an_absurd_school_id_is_a_404(client, education_office_user, commune_a, value):
    approved_support(education_office_user, SchoolFactory(commune=commune_a), device=ready_device())
    client.force_login(education_office_user)
    assert client.post(reverse("allocation:handover-prepare"), {"school": value}).status_code == 404


@pytest.mark.parametrize("scope", ["commune", "school"])
def test_an_absurd_commune_or_school_id_to_approve_is_a_404(client, education_office_user, scope):
    client.force_login(education_office_user)
    response = client.post(reverse("allocation:approve-many"), {"scope": scope, scope: "9" * 40})
    assert response.status_code == 404
