"""The web upload: a commune official sends the list, follows its progress and reads the result."""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from students import importing, upload_processing
from students.models import SchoolLevel, Student, StudentUpload
from students.tests.factories import SchoolFactory
from students.tests.spreadsheet_files import csv_bytes, grid, pupil_row, xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def school(commune_a):
    return SchoolFactory(commune=commune_a, name="Trường Tiểu học Thử", level=SchoolLevel.PRIMARY)


@pytest.fixture
def send(client, django_capture_on_commit_callbacks):
    """POST a file to a commune's upload page; the task runs when the upload is committed."""

    def post(commune, content: bytes, name: str = "ds.xlsx", **headers):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                reverse("students:upload", args=[commune.code]),
                {"file": SimpleUploadedFile(name, content)},
                headers=headers,
            )

    return post


def test_the_upload_page_offers_the_template_and_the_communes_history(client, commune_a, commune_a_official):
    StudentUpload.objects.create(commune=commune_a, uploaded_by=commune_a_official, original_name="cu.xlsx")
    client.force_login(commune_a_official)
    response = client.get(reverse("students:upload", args=[commune_a.code]))
    body = response.content.decode()
    assert response.status_code == 200
    assert reverse("students:template", args=[commune_a.code]) in body
    assert "cu.xlsx" in body and "js/upload.js" in body


def test_the_commune_page_links_to_the_template(client, commune_a, commune_a_official):
    client.force_login(commune_a_official)
    body = client.get(reverse("students:commune-detail", args=[commune_a.code])).content.decode()
    assert reverse("students:template", args=[commune_a.code]) in body
    assert reverse("students:upload", args=[commune_a.code]) in body


def test_the_template_downloads_as_xlsx(client, commune_a, commune_a_official):
    client.force_login(commune_a_official)
    response = client.get(reverse("students:template", args=[commune_a.code]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert f"danh-sach-hoc-sinh-{commune_a.code}" in response["Content-Disposition"]
    assert "Danh sách học sinh" in load_workbook(io.BytesIO(response.content)).sheetnames


def test_a_good_list_is_imported_and_the_page_shows_the_counts(client, send, commune_a, commune_a_official, school):
    client.force_login(commune_a_official)
    response = send(commune_a, xlsx(grid([pupil_row(1), pupil_row(2)])))
    upload = StudentUpload.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("students:upload-detail", args=[commune_a.code, upload.pk])
    assert upload.status == StudentUpload.Status.IMPORTED and upload.uploaded_by == commune_a_official
    assert upload.original_name == "ds.xlsx" and upload.original_file.read().startswith(b"PK")
    assert Student.objects.filter(commune=commune_a, upload=upload).count() == 2

    page = client.get(response["Location"])
    assert page.context["finished"] and 'data-count="created">2<' in page.content.decode()


def test_a_re_upload_shows_what_changed(client, send, commune_a, commune_a_official, school):
    client.force_login(commune_a_official)
    send(commune_a, xlsx(grid([pupil_row(1)])))
    response = send(commune_a, xlsx(grid([pupil_row(1, **{"Lớp": "3B"})])))
    body = client.get(response["Location"]).content.decode()
    assert "<td>Nguyễn Văn An</td><td>lớp</td>" in body
    assert Student.objects.get().class_name == "3B"


def test_a_list_with_errors_shows_each_error_and_offers_the_marked_file(
    client, send, commune_a, commune_a_official, school
):
    client.force_login(commune_a_official)
    rows = [pupil_row(1), pupil_row(2, **{"Ngày sinh": "31/02/2012"}), pupil_row(3, **{"Trường": "Trường Không Có"})]
    response = send(commune_a, xlsx(grid(rows)))
    upload = StudentUpload.objects.get()
    assert upload.status == StudentUpload.Status.INVALID
    assert not Student.objects.exists()

    body = client.get(response["Location"]).content.decode()
    assert "Không có lỗi" not in body
    for error in upload.errors:
        assert error["message"] in body or error["message"].replace('"', "&quot;") in body
    assert "<td>3</td><td>Ngày sinh</td>" in body and "<td>4</td><td>Trường</td>" in body

    marked = client.get(reverse("students:upload-annotated", args=[commune_a.code, upload.pk]))
    assert marked["Content-Disposition"].endswith('-can-sua.xlsx"')
    sheet = load_workbook(io.BytesIO(marked.content)).active
    assert any(cell.comment for row in sheet.iter_rows() for cell in row)


def test_the_marked_file_is_only_for_lists_with_errors(client, send, commune_a, commune_a_official, school):
    client.force_login(commune_a_official)
    send(commune_a, xlsx(grid([pupil_row(1)])))
    upload = StudentUpload.objects.get()
    response = client.get(reverse("students:upload-annotated", args=[commune_a.code, upload.pk]))
    assert response.status_code == 302


def test_an_unreadable_file_says_so(client, send, commune_a, commune_a_official):
    client.force_login(commune_a_official)
    response = send(commune_a, b"PK\x03\x04 not really a workbook", "ds.xlsx")
    upload = StudentUpload.objects.get()
    assert upload.status == StudentUpload.Status.UNREADABLE and upload.message
    body = client.get(response["Location"]).content.decode()
    assert "Không đọc được tệp" in body


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("ds.pdf", b"%PDF-1.4", "phải là bảng tính"),
        ("ds.docx", b"PK\x03\x04", "phải là bảng tính"),
        ("ds.xlsx", b"", "rỗng"),
        ("ds.xlsx", b"<html>not a workbook</html>", "không phải là bảng tính xlsx"),
        ("ds.xls", b"PK\x03\x04", "không phải là bảng tính xls"),
        ("ds.csv", b"\x00\x01\x02binary", "không phải là bảng tính csv"),
    ],
)
def test_a_file_that_is_not_a_spreadsheet_is_refused_with_a_clear_message(
    client, send, commune_a, commune_a_official, name, content, message
):
    client.force_login(commune_a_official)
    response = send(commune_a, content, name)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not StudentUpload.objects.exists()


def test_a_file_over_the_limit_is_refused(client, send, settings, commune_a, commune_a_official, school):
    settings.SPREADSHEET_MAX_BYTES = 1000
    client.force_login(commune_a_official)
    response = send(commune_a, csv_bytes(grid([pupil_row(n) for n in range(1, 40)])), "ds.csv")
    assert "lớn nhất được nhận là 1000" in response.content.decode()
    assert not StudentUpload.objects.exists() and not Student.objects.exists()


def test_the_script_upload_gets_json_back(client, send, commune_a, commune_a_official, school):
    client.force_login(commune_a_official)
    refused = send(commune_a, b"%PDF", "ds.pdf", x_requested_with="XMLHttpRequest")
    assert refused.status_code == 400 and "bảng tính" in refused.json()["errors"][0]
    accepted = send(commune_a, xlsx(grid([pupil_row(1)])), x_requested_with="XMLHttpRequest")
    upload = StudentUpload.objects.get()
    assert accepted.json() == {"redirect": reverse("students:upload-detail", args=[commune_a.code, upload.pk])}


def test_the_progress_endpoint_reports_rows_and_status(client, commune_a, commune_a_official):
    upload = StudentUpload.objects.create(
        commune=commune_a,
        original_name="lon.xlsx",
        status=StudentUpload.Status.PROCESSING,
        rows_total=800,
        rows_done=200,
    )
    client.force_login(commune_a_official)
    url = reverse("students:upload-progress", args=[commune_a.code, upload.pk])
    assert client.get(url).json() == {
        "status": "processing",
        "status_label": "đang xử lý",
        "rows_total": 800,
        "rows_done": 200,
        "percent": 25,
        "finished": False,
    }
    page = client.get(reverse("students:upload-detail", args=[commune_a.code, upload.pk])).content.decode()
    assert "js/upload_progress.js" in page and url in page


def test_the_progress_poll_never_writes_the_session_back(client, commune_a, commune_a_official):
    """It polls every second: each answer wrote back the session it had read, over what another tab stored."""
    upload = StudentUpload.objects.create(commune=commune_a, original_name="lon.xlsx", rows_total=10)
    client.force_login(commune_a_official)
    stored = Session.objects.get(session_key=client.session.session_key)
    response = client.get(reverse("students:upload-progress", args=[commune_a.code, upload.pk]))
    assert response.status_code == 200 and response.json()["rows_total"] == 10
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert Session.objects.get(pk=stored.pk).expire_date == stored.expire_date


def test_a_processing_fault_ends_the_upload_instead_of_spinning(
    client, send, monkeypatch, commune_a, commune_a_official
):
    def broken(upload_id, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(upload_processing, "process_upload", broken)
    client.force_login(commune_a_official)
    response = send(commune_a, xlsx(grid([pupil_row(1)])))
    upload = StudentUpload.objects.get()
    assert upload.status == StudentUpload.Status.UNREADABLE and upload.finished_at
    assert client.get(response["Location"]).status_code == 200


def test_every_status_an_upload_takes_is_kept_in_its_history(client, send, monkeypatch, commune_a, commune_a_official):
    """The report as of a past day reads uploads from history: a fault must be there, not only in the row."""

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(importing, "import_file", broken)
    client.force_login(commune_a_official)
    send(commune_a, xlsx(grid([pupil_row(1)])))
    upload = StudentUpload.objects.get()
    statuses = list(upload.history.order_by("history_date", "history_id").values_list("status", flat=True))
    assert statuses == ["pending", "processing", "unreadable"]
    assert upload.history.latest("history_date").finished_at == upload.finished_at


def test_another_communes_upload_ids_are_404(client, commune_a, commune_b, commune_a_official):
    theirs = StudentUpload.objects.create(commune=commune_b, original_name="bi-mat.xlsx")
    client.force_login(commune_a_official)
    for name in ("upload-detail", "upload-progress", "upload-annotated"):
        # Under their own commune's code, and smuggled under mine.
        assert client.get(reverse(f"students:{name}", args=[commune_b.code, theirs.pk])).status_code == 404
        assert client.get(reverse(f"students:{name}", args=[commune_a.code, theirs.pk])).status_code == 404
    assert client.get(reverse("students:upload", args=[commune_b.code])).status_code == 404
    assert client.get(reverse("students:template", args=[commune_b.code])).status_code == 404


def test_an_official_cannot_upload_into_another_commune(client, send, commune_a, commune_b, commune_a_official):
    client.force_login(commune_a_official)
    response = send(commune_b, xlsx(grid([pupil_row(1)])))
    assert response.status_code == 404
    assert not StudentUpload.objects.exists()


def test_the_education_office_uploads_for_any_commune(client, send, commune_b, education_office_user):
    SchoolFactory(commune=commune_b, name="Trường Tiểu học Thử")
    client.force_login(education_office_user)
    response = send(commune_b, xlsx(grid([pupil_row(1)])))
    assert response.status_code == 302
    assert Student.objects.get().commune == commune_b


@pytest.mark.parametrize("fixture", ["viettel_user", "leadership_user", "accountant_user"])
def test_roles_without_pupil_lists_cannot_upload(client, request, send, commune_a, fixture):
    client.force_login(request.getfixturevalue(fixture))
    response = send(commune_a, xlsx(grid([pupil_row(1)])))
    assert response.status_code in (403, 404)
    assert not StudentUpload.objects.exists()


def test_anonymous_users_are_sent_to_log_in(client, commune_a):
    response = client.get(reverse("students:upload", args=[commune_a.code]))
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]


def test_the_upload_needs_the_csrf_token(csrf_client, commune_a, commune_a_official, school):
    csrf_client.force_login(commune_a_official)
    url = reverse("students:upload", args=[commune_a.code])
    response = csrf_client.post(url, {"file": SimpleUploadedFile("ds.xlsx", xlsx(grid([pupil_row(1)])))})
    assert response.status_code == 403
    assert not StudentUpload.objects.exists()
