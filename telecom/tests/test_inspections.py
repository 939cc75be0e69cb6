import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from donations.models import Device
from donations.tests.factories import DeviceFactory
from telecom.inspections import inspection_record, repair_record
from telecom.models import DeviceInspection

pytestmark = pytest.mark.django_db


def test_needs_repair_then_repaired_moves_the_inventory_status(viettel, viettel_user):
    device = DeviceFactory()
    inspection = inspection_record(
        user=viettel_user, device_id=device.pk, provider=viettel, result="needs_repair", notes="Hỏng pin"
    )
    device.refresh_from_db()
    assert device.status == Device.Status.NEEDS_REPAIR
    repair_record(user=viettel_user, inspection_id=inspection.pk, outcome="repaired", data_wiped=True)
    device.refresh_from_db()
    inspection.refresh_from_db()
    assert device.status == Device.Status.REPAIRED
    assert inspection.repaired_by == viettel_user and inspection.data_wiped
    assert [h.status for h in device.history.order_by("history_date")] == [
        "awaiting_inspection",
        "needs_repair",
        "repaired",
    ]
    assert inspection.history.count() == 2


def test_a_device_is_not_declared_ready_with_the_donors_data_on_it(viettel, viettel_user):
    device = DeviceFactory()
    with pytest.raises(ValidationError, match="xoá dữ liệu"):
        inspection_record(user=viettel_user, device_id=device.pk, provider=viettel, result="ready")
    device.refresh_from_db()
    assert device.status == Device.Status.AWAITING_INSPECTION
    assert not DeviceInspection.objects.exists()


def test_only_a_device_awaiting_inspection_is_inspected(viettel, viettel_user):
    device = DeviceFactory(status=Device.Status.READY)
    with pytest.raises(ValidationError, match="không ở trạng thái chờ kiểm tra"):
        inspection_record(user=viettel_user, device_id=device.pk, provider=viettel, result="unusable")


def test_another_unit_cannot_record_the_repair_nor_inspect_in_its_name(viettel, vnpt, viettel_user, vnpt_user):
    inspection = inspection_record(
        user=viettel_user, device_id=DeviceFactory().pk, provider=viettel, result="needs_repair"
    )
    with pytest.raises(PermissionDenied):
        repair_record(user=vnpt_user, inspection_id=inspection.pk, outcome="repaired", data_wiped=True)
    with pytest.raises(PermissionDenied):
        inspection_record(user=vnpt_user, device_id=DeviceFactory().pk, provider=viettel, result="unusable")


def test_a_repair_is_recorded_once(viettel, viettel_user):
    inspection = inspection_record(
        user=viettel_user, device_id=DeviceFactory().pk, provider=viettel, result="needs_repair"
    )
    repair_record(user=viettel_user, inspection_id=inspection.pk, outcome="unusable")
    with pytest.raises(ValidationError, match="đã được ghi nhận"):
        repair_record(user=viettel_user, inspection_id=inspection.pk, outcome="repaired", data_wiped=True)
    assert Device.objects.get().status == Device.Status.UNUSABLE


def test_the_pages_record_an_inspection_and_a_repair(client, viettel, viettel_user):
    device = DeviceFactory(brand_model="Dell <i>Latitude</i>")
    client.force_login(viettel_user)
    listing = client.get(reverse("telecom:devices")).content.decode()
    assert "Dell &lt;i&gt;Latitude&lt;/i&gt;" in listing
    response = client.post(
        reverse("telecom:device-inspect", args=[device.pk]),
        {"provider": viettel.pk, "result": "needs_repair", "notes": "Màn hình vỡ"},
    )
    assert response.status_code == 302
    inspection = DeviceInspection.objects.get()
    refused = client.post(reverse("telecom:device-repair", args=[inspection.pk]), {"outcome": "repaired"})
    assert refused.status_code == 200 and "xoá dữ liệu" in refused.content.decode()
    response = client.post(
        reverse("telecom:device-repair", args=[inspection.pk]), {"outcome": "repaired", "data_wiped": "on"}
    )
    assert response.status_code == 302
    assert Device.objects.get().status == Device.Status.REPAIRED


def test_another_units_repair_page_is_not_found(client, viettel, vnpt_user, viettel_user):
    inspection = inspection_record(
        user=viettel_user, device_id=DeviceFactory().pk, provider=viettel, result="needs_repair"
    )
    client.force_login(vnpt_user)
    assert client.get(reverse("telecom:device-repair", args=[inspection.pk])).status_code == 404
    assert (
        client.post(reverse("telecom:device-repair", args=[inspection.pk]), {"outcome": "unusable"}).status_code == 404
    )


def test_leadership_sees_the_devices_but_cannot_inspect(client, leadership_user):
    device = DeviceFactory()
    client.force_login(leadership_user)
    assert client.get(reverse("telecom:devices")).status_code == 200
    assert client.post(reverse("telecom:device-inspect", args=[device.pk]), {"result": "unusable"}).status_code == 403


def test_inspecting_needs_a_csrf_token(csrf_client, viettel, viettel_user):
    device = DeviceFactory()
    csrf_client.force_login(viettel_user)
    response = csrf_client.post(reverse("telecom:device-inspect", args=[device.pk]), {"result": "unusable"})
    assert response.status_code == 403
    assert Device.objects.get().status == Device.Status.AWAITING_INSPECTION


def test_the_device_list_query_count_is_flat(client, viettel, viettel_user, django_assert_max_num_queries):
    for _ in range(10):
        inspection_record(user=viettel_user, device_id=DeviceFactory().pk, provider=viettel, result="needs_repair")
        DeviceFactory()
    client.force_login(viettel_user)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("telecom:devices")).status_code == 200
