"""Supports pages: list scope and names, bulk and single approval, changes by hand, the pupil panel, admin."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from allocation import services
from allocation.models import Support
from allocation.tests.test_pages import build_two_communes, login, pupil, ready_device, saved_run
from donations.models import Device
from students.models import Student
from students.tests.factories import CommuneFactory, HamletFactory, SchoolFactory
from telecom.tests.factories import ConnectivityOfferFactory, HamletCoverageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposed(education_office_user, commune_a, commune_b):
    """A saved run (A's two pupils get the tablets), plus a support given by hand in commune B."""
    two_communes = build_two_communes(commune_a, commune_b)
    saved_run(education_office_user)
    device = ready_device("tablet")
    services.support_create(
        student_id=two_communes["b1"].pk, device_id=device.pk, offer_id=None, reason="Hoàn cảnh đặc biệt", user=None
    )
    return two_communes


def support_of(student) -> Support:
    return Support.objects.get(student=student, released=False)


# --- The list ----------------------------------------------------------------------------------


def test_the_office_sees_every_support_with_names(client, education_office_user, proposed):
    login(client, education_office_user)
    response = client.get(reverse("allocation:support-list"))
    html = response.content.decode()
    assert response.context["page_obj"].paginator.count == 3
    for key in ("a1", "a2", "b1"):
        assert proposed[key].full_name in html


def test_a_commune_official_sees_only_their_communes_supports(client, commune_b_official, proposed):
    login(client, commune_b_official)
    response = client.get(reverse("allocation:support-list"))
    html = response.content.decode()
    assert [s.student_id for s in response.context["page_obj"]] == [proposed["b1"].pk]
    assert proposed["a1"].full_name not in html
    # Filtering by another commune shows nothing of it either.
    response = client.get(reverse("allocation:support-list"), {"commune": proposed["a1"].commune_id})
    assert proposed["a1"].full_name not in response.content.decode()


@pytest.mark.parametrize("who", ["leadership_user", "accountant_user"])
def test_leadership_and_accountant_see_supports_without_names(client, request, who, proposed):
    login(client, request.getfixturevalue(who))
    response = client.get(reverse("allocation:support-list"))
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 3
    html = response.content.decode()
    for key in ("a1", "a2", "b1"):
        assert proposed[key].full_name not in html
    assert f"<td>{proposed['school_a'].name}</td>" not in html
    detail = client.get(reverse("allocation:support-detail", args=[support_of(proposed["a1"]).pk]))
    assert detail.status_code == 200
    assert proposed["a1"].full_name not in detail.content.decode()
    assert b"Approve" not in detail.content and "Duyệt".encode() not in detail.content


def test_staff_typed_reasons_are_not_shown_to_roles_that_may_not_see_pupils(
    client, leadership_user, education_office_user, proposed
):
    # A reason is free text: staff write the pupil's or guardian's name into it.
    support = support_of(proposed["a1"])
    reason = f"Gia đình {proposed['a1'].full_name} đã chuyển đi"
    services.support_withdraw(support_id=support.pk, reason=reason, user=education_office_user)
    url = reverse("allocation:support-detail", args=[support.pk])
    login(client, leadership_user)
    assert proposed["a1"].full_name not in client.get(url).content.decode()
    login(client, education_office_user)
    assert proposed["a1"].full_name in client.get(url).content.decode()


def test_the_list_filters_by_school_status_and_what_was_given(client, education_office_user, proposed):
    login(client, education_office_user)
    url = reverse("allocation:support-list")
    by_school = client.get(url, {"school": proposed["school_b"].pk}).context["page_obj"]
    assert [s.student_id for s in by_school] == [proposed["b1"].pk]
    assert client.get(url, {"status": "approved"}).context["page_obj"].paginator.count == 0
    assert client.get(url, {"given": "connectivity"}).context["page_obj"].paginator.count == 0
    assert client.get(url, {"given": "device"}).context["page_obj"].paginator.count == 3


def _many_supports(commune, count: int) -> None:
    school = SchoolFactory(commune=commune)
    hamlet = HamletFactory(commune=commune)
    offer = ConnectivityOfferFactory(capacity=count)
    HamletCoverageFactory(hamlet=hamlet, provider=offer.provider)
    for _ in range(count):
        student = pupil(commune, school, hamlet=hamlet, lacks_internet=True)
        services.support_create(
            student_id=student.pk, device_id=ready_device().pk, offer_id=offer.pk, reason="Thử", user=None
        )


@pytest.mark.parametrize("who", ["education_office_user", "leadership_user"])
def test_the_list_query_count_does_not_grow_with_rows(client, request, who, commune_a, django_assert_max_num_queries):
    login(client, request.getfixturevalue(who))
    url = reverse("allocation:support-list")
    _many_supports(commune_a, 2)
    client.get(url)  # warm caches (content types, settings)
    with django_assert_max_num_queries(12) as small:
        client.get(url)
    _many_supports(commune_a, 12)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.context["page_obj"].paginator.count == 14


# --- Approval ----------------------------------------------------------------------------------


def _approve_many(client, data):
    """Approve in bulk as staff do: the first post shows the confirmation, the second confirms its number."""
    confirmation = client.post(reverse("allocation:approve-many"), data)
    assert confirmation.status_code == 200 and 'data-testid="bulk-confirm"' in confirmation.content.decode()
    return client.post(reverse("allocation:approve-many"), {**data, "confirm": confirmation.context["count"]})


def test_approving_a_commune_asks_first_and_says_what_it_will_do(client, education_office_user, proposed, commune_a):
    login(client, education_office_user)
    response = client.post(reverse("allocation:approve-many"), {"scope": "commune", "commune": commune_a.pk})
    body = response.content.decode()
    assert "Anh/chị sắp phê duyệt 2 suất hỗ trợ" in body and 'name="confirm" value="2"' in body
    assert support_of(proposed["a1"]).status == Support.Status.PROPOSED
    # A confirmation of another number (the proposals changed) asks again.
    again = client.post(reverse("allocation:approve-many"), {"scope": "commune", "commune": commune_a.pk, "confirm": 5})
    assert again.status_code == 200 and support_of(proposed["a1"]).status == Support.Status.PROPOSED


def test_approving_a_commune_approves_only_that_commune(client, education_office_user, proposed, commune_a):
    login(client, education_office_user)
    response = _approve_many(client, {"scope": "commune", "commune": commune_a.pk})
    assert response.status_code == 302
    assert support_of(proposed["a1"]).status == Support.Status.APPROVED
    assert support_of(proposed["a2"]).status == Support.Status.APPROVED
    assert support_of(proposed["b1"]).status == Support.Status.PROPOSED
    assert support_of(proposed["a1"]).approved_by == education_office_user


def test_the_approve_buttons_post_plain_ids_past_a_thousand(client, education_office_user):
    # Vietnamese number format writes 4321 as "4.321": the hidden id must not be formatted.
    commune = CommuneFactory(pk=4321, code="09199", name="Xã Nghìn")
    school = SchoolFactory(pk=5432, commune=commune)
    student = pupil(commune, school)
    services.support_create(
        student_id=student.pk, device_id=ready_device().pk, offer_id=None, reason="Thử", user=education_office_user
    )
    login(client, education_office_user)
    html = client.get(reverse("allocation:support-list"), {"commune": commune.pk, "school": school.pk}).content.decode()
    assert 'name="commune" value="4321"' in html and 'name="school" value="5432"' in html
    _approve_many(client, {"scope": "commune", "commune": "4321"})
    assert Support.objects.get(student=student).status == Support.Status.APPROVED


def test_approving_a_school_approves_only_that_school(client, education_office_user, proposed):
    login(client, education_office_user)
    _approve_many(client, {"scope": "school", "school": proposed["school_b"].pk})
    assert support_of(proposed["b1"]).status == Support.Status.APPROVED
    assert support_of(proposed["a1"]).status == Support.Status.PROPOSED


def test_approving_one_support(client, education_office_user, proposed):
    login(client, education_office_user)
    support = support_of(proposed["a2"])
    response = client.post(reverse("allocation:approve-one", args=[support.pk]))
    assert response["Location"] == reverse("allocation:support-detail", args=[support.pk])
    assert support_of(proposed["a2"]).status == Support.Status.APPROVED
    assert support_of(proposed["a1"]).status == Support.Status.PROPOSED


def test_approval_ignores_a_next_address_on_another_site(client, education_office_user, proposed):
    login(client, education_office_user)
    support = support_of(proposed["a2"])
    response = client.post(reverse("allocation:approve-one", args=[support.pk]), {"next": "https://evil.example/"})
    assert response["Location"] == reverse("allocation:support-detail", args=[support.pk])


@pytest.mark.parametrize("who", ["commune_a_official", "leadership_user"])
def test_only_the_office_approves(client, request, who, proposed, commune_a):
    login(client, request.getfixturevalue(who))
    support = support_of(proposed["a1"])
    assert client.post(reverse("allocation:approve-one", args=[support.pk])).status_code == 403
    bulk = {"scope": "commune", "commune": commune_a.pk}
    assert client.post(reverse("allocation:approve-many"), bulk).status_code == 403
    assert support_of(proposed["a1"]).status == Support.Status.PROPOSED


@pytest.mark.parametrize("garbage", ["x", "²", "-1", " 1"])  # "²" passes str.isdigit() but not int()
def test_bulk_approval_without_a_scope_or_with_garbage_changes_nothing(
    client, education_office_user, proposed, garbage
):
    login(client, education_office_user)
    client.post(reverse("allocation:approve-many"), {})
    assert client.post(reverse("allocation:approve-many"), {"scope": "commune", "commune": garbage}).status_code == 404
    assert client.post(reverse("allocation:approve-many"), {"scope": "school", "school": garbage}).status_code == 404
    assert not Support.objects.filter(status=Support.Status.APPROVED).exists()


def test_approval_needs_a_csrf_token(csrf_client, education_office_user, proposed):
    csrf_client.force_login(education_office_user)
    support = support_of(proposed["a1"])
    assert csrf_client.post(reverse("allocation:approve-one", args=[support.pk])).status_code == 403


# --- One support -------------------------------------------------------------------------------


def test_another_communes_support_is_not_found(client, commune_b_official, proposed):
    login(client, commune_b_official)
    support = support_of(proposed["a1"])
    assert client.get(reverse("allocation:support-detail", args=[support.pk])).status_code == 404
    assert client.get(reverse("allocation:support-detail", args=[support_of(proposed["b1"]).pk])).status_code == 200


def test_the_detail_shows_what_was_given_and_the_history(client, education_office_user, proposed):
    login(client, education_office_user)
    support = support_of(proposed["a1"])
    response = client.get(reverse("allocation:support-detail", args=[support.pk]))
    html = response.content.decode()
    assert support.device.get_device_type_display() in html
    assert proposed["a1"].full_name in html
    assert len(response.context["history"]) == 1
    assert response.context["change_form"] is not None and response.context["withdraw_form"] is not None


def test_changing_the_device_by_hand_needs_a_reason(client, education_office_user, proposed):
    login(client, education_office_user)
    support = support_of(proposed["a1"])
    old_device = support.device
    laptop = ready_device("laptop")
    url = reverse("allocation:support-change", args=[support.pk])
    response = client.post(url, {"device": laptop.pk, "offer": "", "reason": "  "})
    assert response.status_code == 200
    assert response.context["change_form"].errors
    assert support_of(proposed["a1"]).device == old_device

    response = client.post(url, {"device": laptop.pk, "offer": "", "reason": "Em học lớp tin, cần máy xách tay"})
    assert response.status_code == 302
    support.refresh_from_db()
    assert support.device == laptop
    assert support.manual_reason == "Em học lớp tin, cần máy xách tay"
    assert Device.objects.get(pk=old_device.pk).status == Device.Status.READY
    assert support.history.first().history_user == education_office_user


def test_a_device_of_a_type_the_level_may_not_receive_is_not_offered(client, education_office_user, proposed):
    login(client, education_office_user)
    support = support_of(proposed["a1"])
    AllocationSettings = support._meta.apps.get_model("allocation", "AllocationSettings")
    settings = AllocationSettings.current()
    settings.device_preferences = {**settings.device_preferences, "primary": ["tablet"]}
    settings.save()
    desktop = ready_device("desktop")
    response = client.post(
        reverse("allocation:support-change", args=[support.pk]), {"device": desktop.pk, "reason": "Thử"}
    )
    assert "device" in response.context["change_form"].errors
    assert support_of(proposed["a1"]).device_id != desktop.pk


def test_withdrawing_with_a_reason_and_letting_the_pupil_be_supported_again(client, education_office_user, proposed):
    login(client, education_office_user)
    support = support_of(proposed["a1"])
    url = reverse("allocation:support-withdraw", args=[support.pk])
    assert client.post(url, {"reason": ""}).status_code == 200
    assert Support.objects.get(pk=support.pk).status == Support.Status.PROPOSED

    # The first post only shows what withdrawing will do; the confirmation withdraws.
    confirmation = client.post(url, {"reason": "Gia đình chuyển đi nơi khác", "release": "on"}).content.decode()
    assert 'data-testid="bulk-confirm"' in confirmation and "Thiết bị của suất này được trả về kho" in confirmation
    assert Support.objects.get(pk=support.pk).status == Support.Status.PROPOSED
    client.post(url, {"reason": "Gia đình chuyển đi nơi khác", "release": "on", "confirm": "1"})
    support.refresh_from_db()
    assert support.status == Support.Status.WITHDRAWN
    assert support.released is True
    assert Device.objects.get(pk=support.device_id).status == Device.Status.READY


def test_releasing_an_ended_support(client, education_office_user, proposed):
    login(client, education_office_user)
    support = support_of(proposed["a2"])
    services.support_withdraw(support_id=support.pk, reason="Chuyển trường", user=education_office_user)
    page = client.get(reverse("allocation:support-detail", args=[support.pk]))
    assert page.context["release_form"] is not None and page.context["change_form"] is None
    client.post(reverse("allocation:support-release", args=[support.pk]), {"release-reason": "Đã về lại xã"})
    support.refresh_from_db()
    assert support.released is True
    assert "Đã về lại xã" in support.end_reason


def test_a_service_refusal_is_shown_on_the_page(client, education_office_user, proposed):
    login(client, education_office_user)
    support = support_of(proposed["a1"])
    services.support_withdraw(support_id=support.pk, reason="Thử", user=education_office_user)
    # The form was open in another tab: the support is withdrawn now.
    response = client.post(
        reverse("allocation:support-withdraw", args=[support.pk]), {"reason": "Lần hai", "confirm": "1"}, follow=True
    )
    assert response.status_code == 200
    assert response.context["withdraw_form"].non_field_errors()


def test_commune_officials_change_nothing(client, commune_b_official, proposed):
    login(client, commune_b_official)
    support = support_of(proposed["b1"])
    for name in ("allocation:support-change", "allocation:support-withdraw", "allocation:support-release"):
        assert client.post(reverse(name, args=[support.pk]), {"reason": "x"}).status_code == 403
    assert support_of(proposed["b1"]).status == Support.Status.PROPOSED


# --- Support by hand and the pupil's panel -----------------------------------------------------


def test_support_by_hand_for_a_verified_pupil_without_one(client, education_office_user, commune_a):
    student = pupil(commune_a)
    tablet = ready_device()
    login(client, education_office_user)
    url = reverse("allocation:support-create", args=[student.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"device": tablet.pk, "reason": "Bố mất do COVID-19, xã đề nghị"})
    support = Support.objects.get(student=student)
    assert response["Location"] == reverse("allocation:support-detail", args=[support.pk])
    assert support.manual_reason == "Bố mất do COVID-19, xã đề nghị"


def test_support_by_hand_for_an_unverified_pupil_is_refused_with_a_message(client, education_office_user, commune_a):
    student = pupil(commune_a, status=Student.Status.LISTED)
    login(client, education_office_user)
    response = client.post(
        reverse("allocation:support-create", args=[student.pk]), {"device": ready_device().pk, "reason": "Thử"}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not Support.objects.exists()


def test_commune_officials_do_not_give_supports_by_hand(client, commune_a_official, commune_a):
    login(client, commune_a_official)
    student = pupil(commune_a)
    assert client.get(reverse("allocation:support-create", args=[student.pk])).status_code == 403


def test_support_by_hand_for_a_pupil_the_user_cannot_see_is_not_found(client, leadership_user, commune_a):
    # Leadership may not open pupils' records at all; the page is refused before any form.
    login(client, leadership_user)
    student = pupil(commune_a)
    assert client.get(reverse("allocation:support-create", args=[student.pk])).status_code in (403, 404)


def _panel(client, student) -> str:
    """The allocation panel of the pupil's page, rendered in English so the words can be checked."""
    with translation.override("en"):
        response = client.get(reverse("students:student-detail", args=[student.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    return html[html.index('id="allocation-panel"') :] if 'id="allocation-panel"' in html else ""


def test_the_pupil_page_explains_a_support(client, education_office_user, proposed):
    login(client, education_office_user)
    support = support_of(proposed["a1"])
    panel = _panel(client, proposed["a1"])
    assert reverse("allocation:support-detail", args=[support.pk]) in panel
    assert "within the commune&#x27;s share of the district&#x27;s supply, by priority" in panel
    # Lacks a device (200) + poor household (40): first of the commune.
    assert "Priority score 240, rank 1 in the commune." in panel
    assert "240 = 200 (lacks a device) + 40 (poor household)" in panel


def test_the_pupil_page_explains_why_a_pupil_was_left_out(client, education_office_user, proposed):
    login(client, education_office_user)
    panel = _panel(client, proposed["a3"])
    assert "no device of a type suited to the pupil&#x27;s level was left" in panel
    # Same score as a2, listed later: third of the commune, whose share was the two tablets.
    assert "Priority score 200, rank 3 in the commune; the commune's share was 2." in panel
    assert "tablet, laptop, smartphone, desktop computer" in panel
    assert reverse("allocation:support-create", args=[proposed["a3"].pk]) in panel


def test_the_pupil_page_explains_a_pupil_not_verified_yet(client, education_office_user, commune_a):
    student = pupil(commune_a, status=Student.Status.LISTED)
    login(client, education_office_user)
    panel = _panel(client, student)
    assert "the record is not verified yet" in panel
    assert reverse("allocation:support-create", args=[student.pk]) not in panel


def test_a_commune_official_reads_the_panel_without_the_give_link(client, commune_a_official, proposed):
    login(client, commune_a_official)
    panel = _panel(client, proposed["a3"])
    assert "rank 3 in the commune" in panel
    assert reverse("allocation:support-create", args=[proposed["a3"].pk]) not in panel


def test_names_with_html_are_escaped(client, education_office_user, commune_a):
    student = pupil(commune_a, full_name="<script>alert(1)</script>")
    tablet = ready_device()
    support = services.support_create(student_id=student.pk, device_id=tablet.pk, offer_id=None, reason="x", user=None)
    login(client, education_office_user)
    for url in (
        reverse("allocation:support-list"),
        reverse("allocation:support-detail", args=[support.pk]),
        reverse("students:student-detail", args=[student.pk]),
    ):
        html = client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# --- Admin -------------------------------------------------------------------------------------


def test_admin_support_list_hides_names_from_leadership(client, leadership_user, education_office_user, proposed):
    login(client, leadership_user)
    response = client.get(reverse("admin:allocation_support_changelist"))
    assert response.status_code == 200
    assert proposed["a1"].full_name not in response.content.decode()
    page = client.get(reverse("admin:allocation_support_change", args=[support_of(proposed["a1"]).pk]))
    assert page.status_code == 200
    assert proposed["a1"].full_name not in page.content.decode()
    login(client, education_office_user)
    response = client.get(reverse("admin:allocation_support_changelist"))
    assert proposed["a1"].full_name in response.content.decode()


def test_admin_does_not_add_or_delete_supports(client, education_office_user, proposed):
    login(client, education_office_user)
    assert client.get(reverse("admin:allocation_support_add")).status_code == 403
    support = support_of(proposed["a1"])
    assert client.get(reverse("admin:allocation_support_delete", args=[support.pk])).status_code == 403
    for model in ("allocationrun", "allocationsettings", "handoverbatch", "followup"):
        assert client.get(reverse(f"admin:allocation_{model}_changelist")).status_code == 200
