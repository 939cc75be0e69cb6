"""Follow-up after handover (plan §VII.1): checks, taking a device back, and releasing a pupil's place."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from allocation import engine, proposals, services
from allocation.models import FollowUp, Support
from allocation.tests.handover_data import approved_support, pupil, ready_device, school_with_record
from donations.models import Device
from students.tests.factories import SchoolFactory
from telecom import inspections
from telecom.models import SimAssignment

pytestmark = pytest.mark.django_db
CHECKED = date(2021, 10, 15)


def _proposed_devices() -> dict[int, int]:
    """Pupil id → device id the engine would give now (a dry run)."""
    return {d.pupil_id: d.device_id for d in proposals.compute().proposal.decisions if d.device_id}


@pytest.fixture
def handed_over(education_office_user, commune_a):
    batch, first, second = school_with_record(education_office_user, commune_a, handed_over=True)
    first.refresh_from_db()
    second.refresh_from_db()
    return batch, first, second


def test_an_in_use_check_is_recorded_and_changes_nothing_else(education_office_user, handed_over):
    _batch, first, _second = handed_over
    check = services.follow_up_record(
        support_id=first.pk,
        checked_on=CHECKED,
        result=FollowUp.Result.IN_USE,
        note="Em dùng học hằng ngày",
        user=education_office_user,
    )
    assert (check.support_id, check.checked_by, check.result) == (first.pk, education_office_user, "in_use")
    first.refresh_from_db()
    assert first.status == Support.Status.HANDED_OVER
    assert Device.objects.get(pk=first.device_id).status == Device.Status.HANDED_OVER


def test_a_lost_device_is_recorded_without_changing_the_device_and_cannot_be_taken_back(
    education_office_user, handed_over
):
    _batch, first, _second = handed_over
    services.follow_up_record(
        support_id=first.pk, checked_on=CHECKED, result=FollowUp.Result.LOST, user=education_office_user
    )
    with pytest.raises(ValidationError) as error:
        services.follow_up_record(
            support_id=first.pk,
            checked_on=CHECKED,
            result=FollowUp.Result.LOST,
            user=education_office_user,
            take_back=True,
        )
    assert error.value.code == "take_back"
    first.refresh_from_db()
    assert first.status == Support.Status.HANDED_OVER
    assert Device.objects.get(pk=first.device_id).status == Device.Status.HANDED_OVER
    assert first.follow_ups.count() == 1


def test_a_check_in_the_future_or_before_the_handover_is_refused(education_office_user, handed_over):
    _batch, first, _second = handed_over
    for day, code in ((timezone.localdate() + timedelta(days=1), "future"), (date(2021, 9, 24), "before_handover")):
        with pytest.raises(ValidationError) as error:
            services.follow_up_record(support_id=first.pk, checked_on=day, result="in_use", user=education_office_user)
        assert error.value.code == code
    assert not FollowUp.objects.exists()


def test_a_device_taken_back_as_ready_is_proposed_to_another_pupil_but_not_to_the_same_one(
    education_office_user, handed_over
):
    batch, first, _second = handed_over
    other = pupil(batch.school, full_name="Phạm Minh Anh")
    assert _proposed_devices() == {}  # nothing on the shelf yet
    services.follow_up_record(
        support_id=first.pk,
        checked_on=CHECKED,
        result=FollowUp.Result.MOVED,
        note="Chuyển trường về Hà Nội",
        user=education_office_user,
        take_back=True,
        device_to=Device.Status.READY,
    )
    first.refresh_from_db()
    assert (first.status, first.ended_on, first.released) == (Support.Status.RETURNED, CHECKED, False)
    assert first.end_reason.endswith("Chuyển trường về Hà Nội")
    assert Device.objects.get(pk=first.device_id).status == Device.Status.READY
    computed = proposals.compute()
    given = {d.pupil_id: d.device_id for d in computed.proposal.decisions}
    assert given == {other.pk: first.device_id}
    assert computed.proposal.ineligible[first.student_id] == engine.ALREADY_SUPPORTED


def test_a_device_taken_back_for_repair_waits_for_inspection_then_is_proposed_again(
    education_office_user, handed_over, viettel_user, viettel
):
    batch, first, _second = handed_over
    other = pupil(batch.school)
    services.follow_up_record(
        support_id=first.pk,
        checked_on=CHECKED,
        result=FollowUp.Result.BROKEN,
        user=education_office_user,
        take_back=True,
        device_to=Device.Status.AWAITING_INSPECTION,
    )
    assert Device.objects.get(pk=first.device_id).status == Device.Status.AWAITING_INSPECTION
    assert _proposed_devices() == {}
    inspections.inspection_record(
        user=viettel_user, device_id=first.device_id, provider=viettel, result=Device.Status.READY, data_wiped=True
    )
    assert _proposed_devices() == {other.pk: first.device_id}


def test_taking_back_frees_the_connectivity_place(education_office_user, handed_over):
    _batch, _first, second = handed_over
    services.follow_up_record(
        support_id=second.pk, checked_on=CHECKED, result="not_needed", user=education_office_user, take_back=True
    )
    place = SimAssignment.objects.get(pk=second.sim_assignment_id)
    assert place.status == SimAssignment.Status.CANCELLED
    assert Device.objects.get(pk=second.device_id).status == Device.Status.AWAITING_INSPECTION  # the default


def test_the_returned_pupil_is_proposed_again_only_after_staff_release_the_place(education_office_user, handed_over):
    batch, first, _second = handed_over
    services.follow_up_record(
        support_id=first.pk,
        checked_on=CHECKED,
        result="broken",
        user=education_office_user,
        take_back=True,
        device_to="ready",
    )
    ready_device()  # a second device, so the release decides, not the tie-break
    other = pupil(batch.school)
    assert first.student_id not in _proposed_devices()
    with pytest.raises(ValidationError) as error:
        services.support_release(support_id=first.pk, reason="  ", user=education_office_user)
    assert error.value.code == "reason"
    services.support_release(
        support_id=first.pk, reason="Máy mới hỏng, em vẫn cần thiết bị", user=education_office_user
    )
    first.refresh_from_db()
    assert first.released and first.status == Support.Status.RETURNED
    assert {first.student_id, other.pk} <= set(_proposed_devices())
    with pytest.raises(ValidationError) as error:
        services.support_release(support_id=first.pk, reason="lần nữa", user=education_office_user)
    assert error.value.code == "already_released"


def test_a_support_still_held_cannot_be_released(education_office_user, handed_over):
    _batch, first, _second = handed_over
    with pytest.raises(ValidationError) as error:
        services.support_release(support_id=first.pk, reason="Nhầm", user=education_office_user)
    assert error.value.code == "wrong_status"


def test_a_withdrawn_supports_device_goes_back_to_ready_and_the_pupil_waits_for_release(
    education_office_user, commune_a
):
    school = SchoolFactory(commune=commune_a)
    device = ready_device()
    support = approved_support(education_office_user, school, device=device)
    assert Device.objects.get(pk=device.pk).status == Device.Status.ALLOCATED
    services.support_withdraw(support_id=support.pk, reason="Gia đình đã tự mua máy", user=education_office_user)
    assert Device.objects.get(pk=device.pk).status == Device.Status.READY
    assert _proposed_devices() == {}  # the only pupil still holds the place
    services.support_release(support_id=support.pk, reason="Máy gia đình mua bị hỏng", user=education_office_user)
    assert _proposed_devices() == {support.student_id: device.pk}


def test_only_a_handed_over_support_is_followed_up(education_office_user, commune_a):
    support = approved_support(education_office_user, SchoolFactory(commune=commune_a), device=ready_device())
    with pytest.raises(ValidationError) as error:
        services.follow_up_record(
            support_id=support.pk, checked_on=CHECKED, result="in_use", user=education_office_user
        )
    assert error.value.code == "wrong_status"
