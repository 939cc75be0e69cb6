"""The admin's export of pledge lines and devices: the form opens and the workbook lists the rows."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from donations.tests.factories import DeviceFactory, PledgeLineFactory

pytestmark = pytest.mark.django_db


def _export(client, url_name):
    url = reverse(url_name)
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["form"]
    xlsx = next(value for value, label in form.fields["format"].choices if "xlsx" in str(label).lower())
    columns = {name: "on" for name in form.fields if name.endswith(tuple(f"_{n}" for n in ("serial", "donor")))}
    response = client.post(url, {"format": xlsx, "resource": "0", **columns})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return [cell.value for row in load_workbook(io.BytesIO(response.content)).active.iter_rows() for cell in row]


def test_the_accountant_exports_pledge_lines_and_devices_from_the_admin(client, accountant_user):
    PledgeLineFactory(pledge__donor__name="Công ty Sóng Xanh")
    DeviceFactory(serial="SN-XUAT-001")
    client.force_login(accountant_user)
    assert "Công ty Sóng Xanh" in _export(client, "admin:donations_pledgeline_export")
    assert "SN-XUAT-001" in _export(client, "admin:donations_device_export")
