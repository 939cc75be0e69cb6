"""No pupil's personal data in the logs; each export from telecom and allocation recorded, only for roles needing it."""

from __future__ import annotations

import io
import logging

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from allocation.tests.handover_data import approved_support, school_with_record
from reports.progress import build_progress_report
from students.models import DataExport, SchoolLevel, Student, StudentUpload
from students.tests.factories import HamletFactory, SchoolFactory, StudentFactory
from students.tests.spreadsheet_files import grid, pupil_row, xlsx
from telecom.offers import place_assign
from telecom.tests.factories import ConnectivityOfferFactory
from vinhtuong_program.core.logs import PersonalDataFilter, redact

pytestmark = pytest.mark.django_db

PUPIL = {
    "Họ và tên": "Hoàng Thị Riêng Tư",
    "Mã định danh": "026212000777",
    "Họ tên phụ huynh": "Hoàng Văn Kín",
    "SĐT phụ huynh": "0912777888",
}


def test_an_import_and_an_approval_log_no_pupils_data(
    client, caplog, commune_a, commune_a_official, education_office_user, django_capture_on_commit_callbacks
):
    SchoolFactory(commune=commune_a, name="Trường Tiểu học Thử", level=SchoolLevel.PRIMARY)
    HamletFactory(commune=commune_a, name="Thôn Đông")
    caplog.set_level(logging.DEBUG)
    client.force_login(commune_a_official)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("students:upload", args=[commune_a.code]),
            {
                "file": SimpleUploadedFile(
                    "ds.xlsx", xlsx(grid([pupil_row(1, **PUPIL), pupil_row(2, **{"Ngày sinh": "x"})]))
                )
            },
        )
    assert response.status_code == 302
    # A wrong list, then the right one.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("students:upload", args=[commune_a.code]),
            {"file": SimpleUploadedFile("ds.xlsx", xlsx(grid([pupil_row(1, **PUPIL)])))},
        )
    assert Student.objects.filter(full_name=PUPIL["Họ và tên"]).exists()
    school = SchoolFactory(commune=commune_a)
    approved_support(
        education_office_user,
        school,
        offer=ConnectivityOfferFactory(capacity=2),
        lacks_internet=True,
        full_name="Lò Văn Bảo Mật",
        guardian_phone="0988111222",
    )
    assert any(r.name == "django_tasks" for r in caplog.records)  # the worker did log
    logged = caplog.text + "".join(str(record.__dict__) for record in caplog.records)
    for value in (*PUPIL.values(), "Lò Văn Bảo Mật", "0988111222"):
        assert value not in logged


def test_a_failure_in_the_worker_is_logged_without_the_key_values(commune_a, education_office_user):
    """PostgreSQL's "Key (...)=(...)" detail and a quoted cell value are masked by the handler's filter."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(PersonalDataFilter())
    logger = logging.getLogger("privacy-test")
    logger.addHandler(handler)
    try:
        try:
            raise ValueError(
                'duplicate key value violates unique constraint "student_one_active_per_personal_id"\n'
                "DETAIL:  Key (personal_id)=(026212000777) already exists. “Hoàng Thị Riêng Tư” 0912777888"
            )
        except ValueError:
            logger.exception("Pupil list upload %s failed", 7)
    finally:
        logger.removeHandler(handler)
    text = stream.getvalue()
    assert "Pupil list upload 7 failed" in text and "student_one_active_per_personal_id" in text
    for value in ("026212000777", "Hoàng Thị Riêng Tư", "0912777888"):
        assert value not in text
    assert redact("upload 12 of 3 rows") == "upload 12 of 3 rows"


def test_the_console_handler_carries_the_filter():
    handler = next(h for h in logging.getLogger().handlers if isinstance(h, logging.StreamHandler))
    assert any(isinstance(f, PersonalDataFilter) for f in handler.filters)


def test_the_report_names_no_pupil(education_office_user, commune_a):
    school = SchoolFactory(commune=commune_a)
    approved_support(education_office_user, school, offer=ConnectivityOfferFactory(capacity=2), lacks_internet=True)
    StudentFactory(commune=commune_a, school=school, full_name="Vũ Thị Không Lộ", guardian_phone="0911000999")
    text = str(build_progress_report())
    names = Student.objects.values_list("full_name", "guardian_name", "guardian_phone")
    for values in names:
        for value in values:
            assert not value or value not in text


# ---------------------------------------------------------------- exports from telecom and allocation


@pytest.fixture
def offer(viettel, commune_a):
    offer = ConnectivityOfferFactory(provider=viettel, capacity=10)
    for n in range(3):
        place_assign(
            offer_id=offer.pk,
            student_id=StudentFactory(commune=commune_a, lacks_internet=True, guardian_phone=f"091200011{n}").pk,
        )
    return offer


def test_the_sim_list_export_is_recorded(client, offer, viettel_user):
    client.force_login(viettel_user)
    assert client.get(reverse("telecom:sim-export", args=[offer.pk])).status_code == 200
    export = DataExport.objects.get()
    assert (export.user, export.kind, export.row_count, export.scope) == (
        viettel_user,
        "sim_list",
        3,
        {"offer": offer.pk},
    )


@pytest.mark.parametrize(("role", "status"), [("vnpt_user", 404), ("leadership_user", 404), ("accountant_user", 404)])
def test_the_sim_list_is_refused_to_others_and_nothing_recorded(client, request, offer, role, status):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("telecom:sim-export", args=[offer.pk])).status_code in (403, status)
    assert not DataExport.objects.exists()


@pytest.fixture
def record(education_office_user, commune_a):
    batch, _first, _second = school_with_record(education_office_user, commune_a, handed_over=True)
    batch.signed_record.save("scan.pdf", ContentFile(b"%PDF-1.4"))
    return batch


@pytest.mark.parametrize(
    ("page", "kind"),
    [
        ("allocation:handover-docx", "handover_docx"),
        ("allocation:handover-pdf", "handover_pdf"),
        ("allocation:handover-scan", "handover_scan"),
    ],
)
def test_each_handover_download_is_recorded(client, record, education_office_user, page, kind):
    client.force_login(education_office_user)
    response = client.get(reverse(page, args=[record.pk]))
    assert response.status_code == 200
    export = DataExport.objects.get()
    assert (export.user, export.kind, export.row_count, export.scope) == (
        education_office_user,
        kind,
        2,
        {"handover": record.pk},
    )


@pytest.mark.parametrize("page", ["allocation:handover-docx", "allocation:handover-pdf", "allocation:handover-scan"])
@pytest.mark.parametrize("role", ["leadership_user", "accountant_user", "commune_b_official"])
def test_handover_downloads_are_refused_to_others_and_nothing_recorded(client, request, record, page, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse(page, args=[record.pk])).status_code in (403, 404)
    assert not DataExport.objects.exists()


def test_the_marked_up_list_is_recorded(client, commune_a, commune_a_official, django_capture_on_commit_callbacks):
    SchoolFactory(commune=commune_a, name="Trường Tiểu học Thử", level=SchoolLevel.PRIMARY)
    client.force_login(commune_a_official)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("students:upload", args=[commune_a.code]),
            {"file": SimpleUploadedFile("ds.xlsx", xlsx(grid([pupil_row(1), pupil_row(2, **{"Ngày sinh": "x"})])))},
        )
    upload = StudentUpload.objects.get()
    assert upload.status == StudentUpload.Status.INVALID
    response = client.get(reverse("students:upload-annotated", args=[commune_a.code, upload.pk]))
    assert response.status_code == 200
    export = DataExport.objects.get()
    assert (export.user, export.kind, export.row_count, export.scope) == (
        commune_a_official,
        "marked_upload",
        2,
        {"upload": upload.pk},
    )
