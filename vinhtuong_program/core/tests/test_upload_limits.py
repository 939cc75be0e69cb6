"""Every upload of the site refuses a file too large or of the wrong kind, in Vietnamese, saving nothing.

The kind is read from the file's first bytes, not its name: an HTML page or a program renamed .xlsx
or .pdf is refused. The admin has exports only; an import added there must come with its own limits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from allocation.models import HandoverBatch
from allocation.tests.handover_data import school_with_record
from donations.models import Pledge
from students.models import Hamlet, Student, StudentUpload
from telecom.models import SimAssignment
from telecom.tests.factories import ConnectivityOfferFactory

pytestmark = pytest.mark.django_db

XLSX_HEAD = b"PK\x03\x04" + b"\x00" * 26
PDF_HEAD = b"%PDF-1.4\n"
HTML_PAGE = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
WINDOWS_PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200


@dataclass
class Endpoint:
    url: Callable[[dict], str]
    user: str
    field: str
    limit_setting: str
    valid_head: bytes
    name: str
    too_big: str  # the Vietnamese words of the message for a file too large
    wrong_kind: str  # ... and for a file that is not what its name says
    saved: Callable[[dict], int]  # rows the upload would have made or changed
    extra: dict | None = None


ENDPOINTS = {
    "pupil list": Endpoint(
        url=lambda d: reverse("students:upload", args=[d["commune_a"].code]),
        user="commune_a_official",
        field="file",
        limit_setting="SPREADSHEET_MAX_BYTES",
        valid_head=XLSX_HEAD,
        name="danh-sach.xlsx",
        too_big="tệp lớn nhất được nhận là",
        wrong_kind="không phải là bảng tính xlsx",
        saved=lambda d: StudentUpload.objects.count() + Student.objects.count(),
    ),
    "donation list": Endpoint(
        url=lambda d: reverse("donations:import"),
        user="education_office_user",
        field="file",
        limit_setting="SPREADSHEET_MAX_BYTES",
        valid_head=XLSX_HEAD,
        name="ung-ho.xlsx",
        too_big="Tệp lớn hơn",
        wrong_kind="không phải là bảng tính",
        saved=lambda d: Pledge.objects.count(),
    ),
    "hamlet list": Endpoint(
        url=lambda d: reverse("telecom:hamlet-import"),
        user="education_office_user",
        field="file",
        limit_setting="SPREADSHEET_MAX_BYTES",
        valid_head=XLSX_HEAD,
        name="thon.xlsx",
        too_big="Tệp lớn hơn",
        wrong_kind="không phải là bảng tính",
        saved=lambda d: Hamlet.objects.count(),
    ),
    "SIM list": Endpoint(
        url=lambda d: reverse("telecom:sim-upload", args=[d["offer"].pk]),
        user="viettel_user",
        field="file",
        limit_setting="SPREADSHEET_MAX_BYTES",
        valid_head=XLSX_HEAD,
        name="sim.xlsx",
        too_big="Tệp lớn hơn",
        wrong_kind="không phải là bảng tính",
        saved=lambda d: SimAssignment.objects.exclude(sim_number="").count(),
    ),
    "signed handover record": Endpoint(
        url=lambda d: reverse("allocation:handover-mark", args=[d["batch"].pk]),
        user="education_office_user",
        field="signed_record",
        limit_setting="HANDOVER_SCAN_MAX_BYTES",
        valid_head=PDF_HEAD,
        name="bien-ban.pdf",
        too_big="tối đa được nhận là",
        wrong_kind="không phải là tệp PDF thực sự",
        saved=lambda d: HandoverBatch.objects.exclude(status="prepared").count(),
        extra={"handed_over_on": "25/09/2021", "received_by": "Lê Thị Mai (Phó Hiệu trưởng)"},
    ),
}


@pytest.fixture
def data(commune_a, viettel, education_office_user, commune_a_official, viettel_user):
    batch, _first, _second = school_with_record(education_office_user, commune_a)
    return {
        "commune_a": commune_a,
        "offer": ConnectivityOfferFactory(provider=viettel),
        "batch": batch,
        "education_office_user": education_office_user,
        "commune_a_official": commune_a_official,
        "viettel_user": viettel_user,
    }


def _post(client, endpoint: Endpoint, data: dict, content: bytes, name: str):
    client.force_login(data[endpoint.user])
    payload = {**(endpoint.extra or {}), endpoint.field: SimpleUploadedFile(name, content)}
    return client.post(endpoint.url(data), payload)


def _files_in(directory) -> list:
    return [path for path in directory.rglob("*") if path.is_file()] if directory.exists() else []


@pytest.mark.parametrize("endpoint", ENDPOINTS.values(), ids=ENDPOINTS.keys())
def test_a_file_over_the_limit_is_refused_and_nothing_is_saved(client, settings, data, endpoint):
    setattr(settings, endpoint.limit_setting, 64)
    before = endpoint.saved(data)
    response = _post(client, endpoint, data, endpoint.valid_head + b"\x00" * 500, endpoint.name)
    assert response.status_code == 400
    assert endpoint.too_big in response.content.decode()
    assert endpoint.saved(data) == before
    assert _files_in(settings.MEDIA_ROOT) == []


@pytest.mark.parametrize("content", [HTML_PAGE, WINDOWS_PROGRAM], ids=["html page", "windows program"])
@pytest.mark.parametrize("endpoint", ENDPOINTS.values(), ids=ENDPOINTS.keys())
def test_a_file_of_another_kind_under_the_right_name_is_refused(client, settings, data, endpoint, content):
    before = endpoint.saved(data)
    response = _post(client, endpoint, data, content, endpoint.name)
    assert response.status_code == 400
    assert endpoint.wrong_kind in response.content.decode()
    assert endpoint.saved(data) == before
    assert _files_in(settings.MEDIA_ROOT) == []


def test_the_admin_offers_no_import_that_would_bypass_these_limits():
    from import_export.admin import ImportMixin

    importing = [
        type(model_admin).__name__
        for model_admin in admin.site._registry.values()
        if isinstance(model_admin, ImportMixin)
    ]
    assert importing == []
