import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, connections, transaction
from django.urls import reverse

from donations.tests.factories import PledgeLineFactory, TelecomLineFactory
from students.models import Student
from students.tests.factories import StudentFactory
from telecom.models import ConnectivityOffer, SimAssignment
from telecom.offers import offer_from_pledge, offer_save, place_assign, place_cancel
from telecom.selectors import connectivity_figures
from telecom.tests.factories import ConnectivityOfferFactory, SimAssignmentFactory

pytestmark = pytest.mark.django_db


def test_assign_gives_places_until_the_capacity_and_then_refuses_in_vietnamese(viettel):
    offer = ConnectivityOfferFactory(provider=viettel, capacity=2)
    first, second, third = (StudentFactory(lacks_internet=True) for _ in range(3))
    place_assign(offer_id=offer.pk, student_id=first.pk)
    place_assign(offer_id=offer.pk, student_id=second.pk)
    with pytest.raises(ValidationError) as refused:
        place_assign(offer_id=offer.pk, student_id=third.pk)
    assert refused.value.code == "offer_full"
    assert "đã hết suất" in refused.value.messages[0]
    assert SimAssignment.objects.filter(offer=offer).count() == 2


def test_a_pupil_has_at_most_one_active_place_across_offers(viettel, vnpt):
    pupil = StudentFactory(lacks_internet=True)
    place_assign(offer_id=ConnectivityOfferFactory(provider=viettel).pk, student_id=pupil.pk)
    with pytest.raises(ValidationError, match="đã có một suất"):
        place_assign(offer_id=ConnectivityOfferFactory(provider=vnpt).pk, student_id=pupil.pk)
    # The database holds the rule even when the service is bypassed.
    with pytest.raises(IntegrityError), transaction.atomic():
        SimAssignment.objects.create(offer=ConnectivityOfferFactory(provider=vnpt), student=pupil)


def test_cancelling_a_place_frees_the_capacity_and_the_pupil(viettel):
    offer = ConnectivityOfferFactory(provider=viettel, capacity=1)
    pupil, other = StudentFactory(lacks_internet=True), StudentFactory(lacks_internet=True)
    place = place_assign(offer_id=offer.pk, student_id=pupil.pk)
    with pytest.raises(ValidationError, match="lý do"):
        place_cancel(assignment_id=place.pk, reason=" ")
    place_cancel(assignment_id=place.pk, reason="Gia đình chuyển đi")
    place_assign(offer_id=offer.pk, student_id=other.pk)
    assert connectivity_figures() == {"connectivity_capacity": 1, "connectivity_used": 1, "connectivity_proposed": 0}
    assert place.history.first().history_change_reason == "Gia đình chuyển đi"


@pytest.mark.parametrize("status", [Student.Status.HELD, Student.Status.DUPLICATE, Student.Status.REJECTED])
def test_a_held_duplicate_or_rejected_record_gets_no_place(viettel, status):
    pupil = StudentFactory(lacks_internet=True, status=status)
    with pytest.raises(ValidationError):
        place_assign(offer_id=ConnectivityOfferFactory(provider=viettel).pk, student_id=pupil.pk)


def test_capacity_cannot_fall_below_the_places_given(viettel, viettel_user):
    offer = ConnectivityOfferFactory(provider=viettel, capacity=3)
    for _ in range(2):
        place_assign(offer_id=offer.pk, student_id=StudentFactory(lacks_internet=True).pk)
    with pytest.raises(ValidationError, match="không được ít hơn"):
        offer_save(user=viettel_user, offer=offer, capacity=1)
    assert offer_save(user=viettel_user, offer=offer, capacity=2).capacity == 2


def test_a_viettel_user_cannot_create_or_change_vnpts_offer(client, viettel, vnpt, viettel_user):
    offer = ConnectivityOfferFactory(provider=vnpt, capacity=5)
    with pytest.raises(PermissionDenied):
        offer_save(user=viettel_user, offer=offer, capacity=50)
    with pytest.raises(PermissionDenied):
        offer_save(user=viettel_user, provider=vnpt, name="x", kind="mobile_sim", months=1, capacity=1)
    client.force_login(viettel_user)
    assert client.get(reverse("telecom:offer-edit", args=[offer.pk])).status_code == 404
    assert client.post(reverse("telecom:offer-edit", args=[offer.pk]), {"capacity": 50}).status_code == 404
    assert client.get(reverse("telecom:sim-export", args=[offer.pk])).status_code == 404
    offer.refresh_from_db()
    assert offer.capacity == 5


def test_a_telecom_user_adds_an_offer_for_their_provider_only(client, viettel, vnpt, viettel_user):
    client.force_login(viettel_user)
    data = {
        "name": "SIM học tập",
        "kind": "mobile_sim",
        "allowance": "4 GB/ngày",
        "months": 3,
        "monthly_price_vnd": 0,
        "capacity": 300,
    }
    refused = client.post(reverse("telecom:offer-create"), {**data, "provider": vnpt.pk})
    assert refused.status_code == 200
    assert not ConnectivityOffer.objects.exists()
    response = client.post(reverse("telecom:offer-create"), {**data, "provider": viettel.pk})
    offer = ConnectivityOffer.objects.get()
    assert response.status_code == 302
    assert (offer.provider, offer.capacity) == (viettel, 300)


@pytest.mark.parametrize(("field", "value"), [("capacity", "-1"), ("months", "0"), ("monthly_price_vnd", "abc")])
def test_bad_offer_input_is_refused_without_saving(client, viettel, viettel_user, field, value):
    client.force_login(viettel_user)
    data = {
        "provider": viettel.pk,
        "name": "SIM",
        "kind": "mobile_sim",
        "months": 3,
        "monthly_price_vnd": 0,
        "capacity": 10,
        field: value,
    }
    response = client.post(reverse("telecom:offer-create"), data)
    assert response.status_code == 200
    assert not ConnectivityOffer.objects.exists()


def test_the_office_turns_a_telecom_pledge_into_an_offer(client, viettel, education_office_user, viettel_user):
    pledge = TelecomLineFactory(offer="300 SIM 4G miễn phí 3 tháng", quantity=300)
    client.force_login(education_office_user)
    listing = client.get(reverse("telecom:offers")).content.decode()
    assert reverse("telecom:offer-from-pledge", args=[pledge.pk]) in listing
    response = client.post(
        reverse("telecom:offer-from-pledge", args=[pledge.pk]),
        {
            "provider": viettel.pk,
            "name": "SIM 4G",
            "kind": "mobile_sim",
            "allowance": "4 GB/ngày",
            "months": 3,
            "monthly_price_vnd": 0,
            "capacity": 300,
        },
    )
    assert response.status_code == 302
    offer = ConnectivityOffer.objects.get()
    assert offer.pledge_line == pledge and offer.notes == pledge.offer
    client.force_login(viettel_user)
    assert client.get(reverse("telecom:offer-from-pledge", args=[pledge.pk])).status_code == 403


def test_only_a_telecom_policy_pledge_makes_an_offer(viettel, education_office_user):
    cash = PledgeLineFactory()
    with pytest.raises(ValidationError, match="chính sách viễn thông"):
        offer_from_pledge(
            user=education_office_user,
            pledge_line=cash,
            provider=viettel,
            name="x",
            kind="mobile_sim",
            months=1,
            capacity=1,
        )


def test_the_offer_list_shows_used_and_remaining_in_few_queries(
    client, viettel, education_office_user, django_assert_max_num_queries
):
    for _ in range(15):
        offer = ConnectivityOfferFactory(provider=viettel, capacity=5)
        SimAssignmentFactory(offer=offer)
    client.force_login(education_office_user)
    with django_assert_max_num_queries(12):
        body = client.get(reverse("telecom:offers")).content.decode()
    assert body.count('<td class="text-end">4</td>') == 15


def test_the_offer_page_shows_places_to_its_provider_only_and_never_pupil_names(
    client, viettel, vnpt, viettel_user, vnpt_user
):
    place = SimAssignmentFactory(
        offer=ConnectivityOfferFactory(provider=viettel),
        student__full_name="Lê Thị Bí Mật",
        student__guardian_phone="0912000111",
    )
    url = reverse("telecom:offer-detail", args=[place.offer.pk])
    client.force_login(viettel_user)
    own = client.get(url).content.decode()
    assert "Bí Mật" not in own and "0912000111" not in own
    assert place.student.school.name in own
    client.force_login(vnpt_user)
    other = client.get(url).content.decode()
    assert place.student.school.name not in other


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_threads_racing_for_the_last_place_leave_exactly_one_winner(viettel):
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is proven on PostgreSQL, the production database")
    offer = ConnectivityOfferFactory(provider=viettel, capacity=3)
    for _ in range(2):
        place_assign(offer_id=offer.pk, student_id=StudentFactory(lacks_internet=True).pk)
    racers = [StudentFactory(lacks_internet=True) for _ in range(6)]
    barrier = threading.Barrier(len(racers))
    outcomes: list[str] = []
    lock = threading.Lock()

    def race(student_id):
        try:
            barrier.wait(timeout=10)
            place_assign(offer_id=offer.pk, student_id=student_id)
            result = "won"
        except ValidationError as error:
            result = error.messages[0]
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=race, args=(s.pk,)) for s in racers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert outcomes.count("won") == 1
    assert len(outcomes) == 6
    assert all("đã hết suất" in o for o in outcomes if o != "won")
    assert SimAssignment.objects.filter(offer=offer).count() == 3


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_offers_racing_for_the_same_pupil_give_one_place(viettel, vnpt):
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is proven on PostgreSQL, the production database")
    pupil = StudentFactory(lacks_internet=True)
    offers = [ConnectivityOfferFactory(provider=viettel), ConnectivityOfferFactory(provider=vnpt)]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def race(offer_id):
        try:
            barrier.wait(timeout=10)
            place_assign(offer_id=offer_id, student_id=pupil.pk)
            outcomes.append("won")
        except ValidationError as error:
            outcomes.append(error.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=race, args=(o.pk,)) for o in offers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["student_already_assigned", "won"]
    assert SimAssignment.objects.filter(student=pupil).count() == 1
