"""Telecom pages are scoped by provider: another provider's rows are not found."""

import pytest
from django.urls import reverse

from donations.tests.factories import DeviceFactory
from students.tests.factories import HamletFactory
from telecom.inspections import inspection_record
from telecom.models import ConnectivityOffer, DeviceInspection, HamletCoverage, SimAssignment
from telecom.tests.factories import ConnectivityOfferFactory, HamletCoverageFactory, SimAssignmentFactory

pytestmark = pytest.mark.django_db


def test_querysets_scope_rows_to_the_users_provider(
    viettel, vnpt, viettel_user, education_office_user, leadership_user
):
    HamletCoverageFactory(provider=viettel)
    HamletCoverageFactory(provider=vnpt)
    own_offer, other_offer = ConnectivityOfferFactory(provider=viettel), ConnectivityOfferFactory(provider=vnpt)
    SimAssignmentFactory(offer=own_offer)
    SimAssignmentFactory(offer=other_offer)
    for model in (HamletCoverage, ConnectivityOffer, SimAssignment):
        assert model.objects.editable_by(viettel_user).count() == 1, model
        assert model.objects.editable_by(education_office_user).count() == 2, model
        assert not model.objects.editable_by(leadership_user).exists(), model


@pytest.mark.parametrize(
    "name", ["telecom:coverage-hamlet", "telecom:offer-edit", "telecom:sim-export", "telecom:device-repair"]
)
def test_every_provider_scoped_url_serves_the_own_provider_and_hides_the_other(
    client, name, viettel, vnpt, viettel_user, vnpt_user
):
    hamlet = HamletFactory()
    own_offer, other_offer = ConnectivityOfferFactory(provider=viettel), ConnectivityOfferFactory(provider=vnpt)
    own_inspection = inspection_record(
        user=viettel_user, device_id=DeviceFactory().pk, provider=viettel, result="needs_repair"
    )
    other_inspection = inspection_record(
        user=vnpt_user, device_id=DeviceFactory().pk, provider=vnpt, result="needs_repair"
    )
    args = {
        "telecom:coverage-hamlet": ([hamlet.pk, "viettel"], [hamlet.pk, "vnpt"]),
        "telecom:offer-edit": ([own_offer.pk], [other_offer.pk]),
        "telecom:sim-export": ([own_offer.pk], [other_offer.pk]),
        "telecom:device-repair": ([own_inspection.pk], [other_inspection.pk]),
    }[name]
    client.force_login(viettel_user)
    assert client.get(reverse(name, args=args[0])).status_code == 200
    assert client.get(reverse(name, args=args[1])).status_code == 404
    assert DeviceInspection.objects.count() == 2
