import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from donations.inventory import device_status_change, initial_status
from donations.models import Device
from donations.tests.factories import DeviceFactory

pytestmark = pytest.mark.django_db


def test_new_devices_are_ready_and_used_ones_wait_for_inspection():
    assert initial_status("new") == Device.Status.READY
    assert initial_status("used") == Device.Status.AWAITING_INSPECTION


def test_a_used_device_goes_through_inspection_and_repair_with_history():
    device = DeviceFactory()
    device_status_change(device_id=device.pk, status=Device.Status.NEEDS_REPAIR, reason="màn hình vỡ")
    device_status_change(device_id=device.pk, status=Device.Status.REPAIRED)
    device.refresh_from_db()
    assert device.status == Device.Status.REPAIRED
    statuses = list(device.history.order_by("history_date").values_list("status", flat=True))
    assert statuses == ["awaiting_inspection", "needs_repair", "repaired"]


def test_the_lifecycle_refuses_a_jump_with_a_vietnamese_message():
    device = DeviceFactory()
    with pytest.raises(ValidationError) as refused:
        device_status_change(device_id=device.pk, status=Device.Status.HANDED_OVER)
    assert "không thể chuyển" in refused.value.messages[0]
    device.refresh_from_db()
    assert device.status == Device.Status.AWAITING_INSPECTION


def test_a_serial_belongs_to_one_device_but_many_may_have_none():
    DeviceFactory(serial="")
    DeviceFactory(serial="")
    DeviceFactory(serial="SN-1")
    with pytest.raises(IntegrityError):
        DeviceFactory(serial="SN-1")
