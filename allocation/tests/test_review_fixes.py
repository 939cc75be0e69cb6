"""Defects found in the review of allocation (issue 6), each pinned by the test that found it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from allocation.tests.handover_data import approved_support, ready_device
from donations import inventory
from donations.models import Device
from students.tests.factories import SchoolFactory

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
