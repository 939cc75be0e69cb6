"""The handover and follow-up pages: who may open what, and what each form does."""

import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from docx import Document
from pypdf import PdfReader

from allocation.models import FollowUp, HandoverBatch, Support
from allocation.tests.handover_data import approved_support, ready_device, school_with_record
from donations.models import Device
from students.tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db
PDF_SCAN = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_SCAN = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def record_a(education_office_user, commune_a):
    return school_with_record(education_office_user, commune_a)


@pytest.fixture
def record_b(education_office_user, commune_b):
    batch, *_ = school_with_record(education_office_user, commune_b, handed_over=True, tag="B")
    return batch


def _record_urls(batch, support):
    return [
        reverse("allocation:handover-detail", args=[batch.pk]),
        reverse("allocation:handover-docx", args=[batch.pk]),
        reverse("allocation:handover-pdf", args=[batch.pk]),
        reverse("allocation:handover-mark", args=[batch.pk]),
        reverse("allocation:handover-scan", args=[batch.pk]),
        reverse("allocation:support-follow-up", args=[support.pk]),
    ]


def _grant(user, *codes):
    """Give a user more permissions, as if the lead widened their role."""
    for code in codes:
        app_label, codename = code.split(".")
        user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


def test_anonymous_visitors_are_sent_to_the_login(client, record_a):
    batch, first, _second = record_a
    urls = [reverse("allocation:handover-list"), reverse("allocation:handover-prepare"), *_record_urls(batch, first)]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/dang-nhap/" in response["Location"], url
    response = client.post(reverse("allocation:follow-up-release", args=[first.pk]), {"reason": "x"})
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]


def test_commune_officials_are_refused_the_lists_and_never_told_a_record_exists(
    client, commune_a_official, record_a, record_b
):
    batch, first, _second = record_a
    client.force_login(commune_a_official)
    assert client.get(reverse("allocation:handover-list")).status_code == 403
    assert client.get(reverse("allocation:handover-prepare")).status_code == 403
    b_support = record_b.supports.first()
    own_follow_up = reverse("allocation:support-follow-up", args=[first.pk])
    for url in _record_urls(batch, first) + _record_urls(record_b, b_support):
        if url != own_follow_up:
            assert client.get(url).status_code == 404, url
    # Their own pupil's support they may read (allocation.view_support), but not record a check on it.
    own = client.get(own_follow_up)
    assert own.status_code == 200
    assert own.context["follow_up_form"] is None and own.context["release_form"] is None


def test_a_commune_sees_its_own_records_and_gets_404_on_another_communes(
    client, commune_b_official, record_a, record_b
):
    # Were commune officials given the handover pages, scope would still hold (visible_to).
    _grant(commune_b_official, "allocation.view_handoverbatch", "allocation.view_support", "students.view_student")
    batch_a, first_a, _second = record_a
    client.force_login(commune_b_official)
    listing = client.get(reverse("allocation:handover-list"))
    assert listing.status_code == 200
    assert list(listing.context["page_obj"]) == [record_b]
    assert client.get(reverse("allocation:handover-detail", args=[record_b.pk])).status_code == 200
    for url in _record_urls(batch_a, first_a):
        assert client.get(url).status_code == 404, url


def test_leadership_sees_the_list_of_records_but_no_pupils_names(client, leadership_user, record_a):
    batch, first, _second = record_a
    client.force_login(leadership_user)
    listing = client.get(reverse("allocation:handover-list"))
    assert listing.status_code == 200
    assert batch.number in listing.content.decode()
    assert "Nguyễn Thị Hương" not in listing.content.decode()
    assert reverse("allocation:handover-detail", args=[batch.pk]) not in listing.content.decode()
    for url in _record_urls(batch, first):
        assert client.get(url).status_code == 403, url
    assert client.get(reverse("allocation:handover-prepare")).status_code == 403


def test_the_list_takes_as_many_queries_for_four_records_as_for_one(client, education_office_user, record_a):
    client.force_login(education_office_user)
    url = reverse("allocation:handover-list")
    client.get(url)  # the session and permission caches warm up
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for tag in "XYZ":
        school_with_record(education_office_user, SchoolFactory().commune, tag=tag)
    with CaptureQueriesContext(connection) as four:
        response = client.get(url)
    assert len(response.context["page_obj"]) == 4
    assert len(four) == len(one) <= 10


def test_the_office_prepares_a_record_for_a_school_with_approved_supports(
    client, education_office_user, commune_a, csrf_client
):
    school = SchoolFactory(commune=commune_a, name="Trường THCS Lý Tự Trọng")
    for _ in range(2):
        approved_support(education_office_user, school, device=ready_device())
    client.force_login(education_office_user)
    page = client.get(reverse("allocation:handover-prepare"))
    assert page.status_code == 200
    assert [(row["student__school__name"], row["waiting"]) for row in page.context["schools"]] == [
        ("Trường THCS Lý Tự Trọng", 2)
    ]
    csrf_client.force_login(education_office_user)
    assert csrf_client.post(reverse("allocation:handover-prepare"), {"school": school.pk}).status_code == 403
    response = client.post(reverse("allocation:handover-prepare"), {"school": school.pk})
    batch = HandoverBatch.objects.get(school=school)
    assert response["Location"] == reverse("allocation:handover-detail", args=[batch.pk])
    assert batch.supports.count() == 2
    assert client.post(reverse("allocation:handover-prepare"), {"school": school.pk}).status_code == 404
    assert list(client.get(reverse("allocation:handover-prepare")).context["schools"]) == []


def test_the_detail_page_lists_pupils_and_what_each_received(client, education_office_user, record_a):
    batch, _first, _second = record_a
    client.force_login(education_office_user)
    page = client.get(reverse("allocation:handover-detail", args=[batch.pk])).content.decode()
    for expected in ("Nguyễn Thị Hương", "Trần Quốc Bảo", "DL5400-0001", "0987654321", batch.number):
        assert expected in page
    assert reverse("allocation:handover-mark", args=[batch.pk]) in page


def test_the_office_downloads_the_record_as_docx_and_pdf(client, education_office_user, record_a):
    batch, _first, _second = record_a
    client.force_login(education_office_user)
    docx = client.get(reverse("allocation:handover-docx", args=[batch.pk]))
    assert docx["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    assert f'filename="bien-ban-ban-giao-{batch.number}.docx"' in docx["Content-Disposition"]
    text = "\n".join(c.text for t in Document(io.BytesIO(docx.content)).tables for r in t.rows for c in r.cells)
    assert "Nguyễn Thị Hương" in text
    pdf = client.get(reverse("allocation:handover-pdf", args=[batch.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert "Trần Quốc Bảo" in PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()


def _mark(client, batch, **data):
    payload = {"handed_over_on": "25/09/2021", "received_by": "Lê Thị Mai (Phó Hiệu trưởng)", **data}
    return client.post(reverse("allocation:handover-mark", args=[batch.pk]), payload)


def test_marking_handed_over_with_a_signed_scan_stores_it_privately_and_serves_it_to_staff(
    client, education_office_user, leadership_user, record_a, settings
):
    batch, first, _second = record_a
    client.force_login(education_office_user)
    assert client.get(reverse("allocation:handover-mark", args=[batch.pk])).status_code == 200
    scan = SimpleUploadedFile("Nguyen Thi Huong ky.pdf", PDF_SCAN, content_type="application/pdf")
    response = _mark(client, batch, signed_record=scan)
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == "handed_over" and batch.received_by == "Lê Thị Mai (Phó Hiệu trưởng)"
    assert batch.handed_over_on.strftime("%d/%m/%Y") == "25/09/2021"
    assert batch.signed_record.name.endswith(f"{batch.number}-da-ky.pdf")  # no pupil's name in the file name
    assert (settings.MEDIA_ROOT / batch.signed_record.name).read_bytes() == PDF_SCAN
    first.refresh_from_db()
    assert first.status == "handed_over"
    assert Device.objects.get(pk=first.device_id).status == Device.Status.HANDED_OVER

    served = client.get(reverse("allocation:handover-scan", args=[batch.pk]))
    assert served.status_code == 200 and served["Content-Type"] == "application/pdf"
    assert b"".join(served.streaming_content) == PDF_SCAN
    assert "attachment" in served["Content-Disposition"]
    assert client.get(f"/media/{batch.signed_record.name}").status_code == 404
    client.force_login(leadership_user)
    assert client.get(reverse("allocation:handover-scan", args=[batch.pk])).status_code == 403


def test_a_png_scan_is_accepted(client, education_office_user, record_a):
    batch, _first, _second = record_a
    client.force_login(education_office_user)
    assert _mark(client, batch, signed_record=SimpleUploadedFile("bb.PNG", PNG_SCAN)).status_code == 302
    assert HandoverBatch.objects.get(pk=batch.pk).signed_record.name.endswith(".png")


@pytest.mark.parametrize(
    ("name", "content"),
    [("bien-ban.docx", b"PK\x03\x04rest"), ("bien-ban.exe", b"MZ\x90\x00"), ("bien-ban.pdf", b"<html>not a pdf")],
)
def test_a_scan_that_is_not_pdf_or_an_image_is_refused_with_a_vietnamese_message(
    client, education_office_user, record_a, name, content
):
    batch, _first, _second = record_a
    client.force_login(education_office_user)
    response = _mark(client, batch, signed_record=SimpleUploadedFile(name, content))
    assert response.status_code == 400
    assert HandoverBatch.objects.get(pk=batch.pk).status == "prepared"
    errors = " ".join(response.context["form"].errors["signed_record"])
    assert name in errors
    assert "PDF, JPEG hoặc PNG" in errors


def test_a_scan_over_the_size_limit_is_refused(client, education_office_user, record_a, settings):
    settings.HANDOVER_SCAN_MAX_BYTES = 10
    batch, _first, _second = record_a
    client.force_login(education_office_user)
    response = _mark(client, batch, signed_record=SimpleUploadedFile("bb.pdf", PDF_SCAN))
    assert response.status_code == 400
    assert "signed_record" in response.context["form"].errors


def test_a_future_date_is_refused_and_a_second_marking_says_it_was_done(client, education_office_user, record_a):
    batch, _first, _second = record_a
    client.force_login(education_office_user)
    tomorrow = (timezone.localdate() + timedelta(days=1)).strftime("%d/%m/%Y")
    response = _mark(client, batch, handed_over_on=tomorrow)
    assert response.status_code == 400 and "handed_over_on" in response.context["form"].errors
    assert _mark(client, batch, handed_over_on="2021-09-25").status_code == 400  # dd/mm/yyyy only
    assert _mark(client, batch).status_code == 302
    again = _mark(client, batch, received_by="Người khác")
    assert again.status_code == 400
    assert batch.number in " ".join(again.context["form"].non_field_errors())
    assert HandoverBatch.objects.get(pk=batch.pk).received_by == "Lê Thị Mai (Phó Hiệu trưởng)"
    follow = client.get(reverse("allocation:handover-mark", args=[batch.pk]), follow=True)
    assert follow.redirect_chain[-1][0] == reverse("allocation:handover-detail", args=[batch.pk])


def test_marking_needs_the_change_permission_and_a_csrf_token(
    client, csrf_client, education_office_user, record_a, leadership_user
):
    batch, _first, _second = record_a
    csrf_client.force_login(education_office_user)
    assert _mark(csrf_client, batch).status_code == 403
    client.force_login(leadership_user)
    assert _mark(client, batch).status_code == 403
    assert HandoverBatch.objects.get(pk=batch.pk).status == "prepared"


def _follow_up(client, support, **data):
    payload = {"result": "in_use", "checked_on": "15/10/2021", "note": "", **data}
    return client.post(reverse("allocation:support-follow-up", args=[support.pk]), payload)


def test_staff_record_a_check_and_take_a_device_back_then_release_the_place(client, education_office_user, commune_a):
    _batch, first, _second = school_with_record(education_office_user, commune_a, handed_over=True)
    client.force_login(education_office_user)
    page = client.get(reverse("allocation:support-follow-up", args=[first.pk]))
    assert page.status_code == 200 and page.context["follow_up_form"] is not None
    assert page.context["release_form"] is None
    assert _follow_up(client, first).status_code == 302
    response = _follow_up(client, first, result="broken", take_back="on", device_to="ready", note="Vỡ màn hình")
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.status == Support.Status.RETURNED
    assert Device.objects.get(pk=first.device_id).status == Device.Status.READY
    assert list(first.follow_ups.values_list("result", flat=True)) == ["broken", "in_use"]  # latest first
    page = client.get(reverse("allocation:support-follow-up", args=[first.pk]))
    assert page.context["follow_up_form"] is None and page.context["release_form"] is not None
    release_url = reverse("allocation:follow-up-release", args=[first.pk])
    assert client.post(release_url, {"reason": ""}).status_code == 400
    assert client.post(release_url, {"reason": "Em vẫn cần thiết bị"}).status_code == 302
    first.refresh_from_db()
    assert first.released


def test_a_take_back_of_a_lost_device_is_refused_with_the_reason(client, education_office_user, commune_a):
    _batch, first, _second = school_with_record(education_office_user, commune_a, handed_over=True)
    client.force_login(education_office_user)
    response = _follow_up(client, first, result="lost", take_back="on")
    assert response.status_code == 400
    assert not FollowUp.objects.exists()
    assert Support.objects.get(pk=first.pk).status == Support.Status.HANDED_OVER
    assert list(response.context["messages"])


def test_follow_up_and_release_need_their_permissions_and_a_csrf_token(
    client, csrf_client, education_office_user, leadership_user, commune_a
):
    _batch, first, _second = school_with_record(education_office_user, commune_a, handed_over=True)
    csrf_client.force_login(education_office_user)
    assert _follow_up(csrf_client, first).status_code == 403
    client.force_login(leadership_user)
    assert _follow_up(client, first).status_code == 403
    assert client.post(reverse("allocation:follow-up-release", args=[first.pk]), {"reason": "x"}).status_code == 403
    assert not FollowUp.objects.exists()


def test_staff_without_the_change_permission_record_checks_but_cannot_take_back(
    client, education_office_user, commune_a, commune_a_official
):
    _batch, first, _second = school_with_record(education_office_user, commune_a, handed_over=True)
    _grant(commune_a_official, "allocation.view_support", "allocation.add_followup")
    client.force_login(commune_a_official)
    page = client.get(reverse("allocation:support-follow-up", args=[first.pk]))
    assert "take_back" not in page.context["follow_up_form"].fields
    assert _follow_up(client, first, result="broken", take_back="on", device_to="ready").status_code == 302
    first.refresh_from_db()
    assert first.status == Support.Status.HANDED_OVER
    assert first.follow_ups.get().result == "broken"
