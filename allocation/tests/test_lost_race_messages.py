"""A member of staff who loses a device race is told what happened (issue 16)."""

from __future__ import annotations

import pytest

from allocation import services
from allocation.forms import SupportChoiceForm
from allocation.tests.district import build_district

pytestmark = pytest.mark.django_db
REASON = "Điều chỉnh theo đề nghị của nhà trường"


@pytest.fixture
def district(commune_a, commune_b, viettel):
    return build_district(commune_a, commune_b, viettel)


def test_a_device_taken_meanwhile_is_named_on_the_form(district, education_office_user):
    level = district.a1.level
    device = district.t2
    form = SupportChoiceForm({"device": device.pk, "reason": REASON}, level=level)
    assert "device" not in form.errors or form.is_valid()
    # Someone else gives the device to another pupil between the page and the click.
    services.support_create(
        student_id=district.a1.pk, device_id=device.pk, offer_id=None, reason=REASON, user=education_office_user
    )
    lost = SupportChoiceForm({"device": device.pk, "reason": REASON}, level=level)
    assert not lost.is_valid()
    assert lost.errors["device"] == ["Thiết bị này vừa được cấp cho học sinh khác; hãy chọn thiết bị khác."]
    assert "Chọn thiết bị, gói kết nối hoặc cả hai." not in str(lost.errors)


def test_the_service_says_the_device_went_to_another_pupil(district, education_office_user):
    device = district.t2
    services.support_create(
        student_id=district.a1.pk, device_id=device.pk, offer_id=None, reason=REASON, user=education_office_user
    )
    with pytest.raises(services.ValidationError) as error:
        services.support_create(
            student_id=district.b2.pk, device_id=device.pk, offer_id=None, reason=REASON, user=education_office_user
        )
    assert error.value.messages == ["Thiết bị này vừa được cấp cho học sinh khác; hãy chọn thiết bị khác."]
