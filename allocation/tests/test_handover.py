"""Handover records: preparing, the DOCX and PDF documents, marking a record handed over."""

import io
from datetime import date, timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pypdf import PdfReader

from allocation import handover, services
from allocation.models import HandoverBatch, Support
from allocation.tests.document_text import docx_text, pdf_text
from allocation.tests.handover_data import approved_support, pupil, ready_device, school_with_record
from donations.models import Device
from students.tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db


def test_preparing_a_record_numbers_it_and_takes_the_schools_approved_supports(education_office_user, commune_a):
    batch, first, second = school_with_record(education_office_user, commune_a)
    assert batch.number == f"BB-{timezone.localdate():%Y}-{batch.pk:04d}"
    assert batch.commune == commune_a
    assert set(batch.supports.values_list("pk", flat=True)) == {first.pk, second.pk}
    with pytest.raises(ValidationError) as error:
        services.batch_create(school=batch.school, user=education_office_user)
    assert error.value.code == "nothing_to_hand_over"


def test_a_proposed_support_is_not_put_on_a_record(education_office_user, commune_a):
    school = SchoolFactory(commune=commune_a)
    approved = approved_support(education_office_user, school, device=ready_device())
    proposed = services.support_create(
        student_id=pupil(school).pk,
        device_id=ready_device().pk,
        offer_id=None,
        reason="Bổ sung",
        user=education_office_user,
    )
    batch = services.batch_create(school=school, user=education_office_user)
    assert list(batch.supports.all()) == [approved]
    proposed.refresh_from_db()
    assert proposed.batch_id is None


def test_the_docx_has_the_official_header_number_pupils_serials_sims_and_signature_lines(
    education_office_user, commune_a
):
    batch, _first, _second = school_with_record(education_office_user, commune_a)
    text = docx_text(handover.handover_docx(handover.handover_record(batch)))
    for expected in (
        "UBND HUYỆN VĨNH TƯỜNG",
        "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO",
        "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        f"Số: {batch.number}",
        "BIÊN BẢN BÀN GIAO THIẾT BỊ HỌC TẬP VÀ HỖ TRỢ KẾT NỐI",
        "Sóng và máy tính cho em",
        "Trường Tiểu học Vĩnh Tường",
        "Nguyễn Thị Hương",
        "Trần Quốc Bảo",
        "4A",
        "Máy tính xách tay Dell Latitude 5400",
        "Serial/IMEI: DL5400-0001",
        "Máy tính bảng Samsung Galaxy Tab A7",
        "Serial/IMEI: IMEI3569",
        "Số SIM: 0987654321",
        "Phụ huynh ký nhận",
        "Nguyễn Văn Đức",
        "ĐẠI DIỆN NHÀ TRƯỜNG",
        "ĐẠI DIỆN PHÒNG GIÁO DỤC VÀ ĐÀO TẠO",
        "Phụ huynh (người giám hộ) của từng học sinh ký nhận",
    ):
        assert expected in text, expected
    # Not yet handed over: the date is left for the day of signing.
    assert "Vĩnh Tường, ngày …………" in text


def test_the_docx_of_a_handed_over_record_carries_the_date_and_the_schools_receiver(education_office_user, commune_a):
    batch, _first, _second = school_with_record(education_office_user, commune_a, handed_over=True)
    text = docx_text(handover.handover_docx(handover.handover_record(batch)))
    assert "Vĩnh Tường, ngày 25 tháng 09 năm 2021" in text
    assert "Lê Thị Mai" in text


def test_the_pdf_has_the_same_content_with_vietnamese_diacritics(education_office_user, commune_a):
    batch, _first, _second = school_with_record(education_office_user, commune_a, handed_over=True)
    content = handover.handover_pdf(handover.handover_record(batch))
    assert content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(content))
    assert reader.pages[0].mediabox.width > reader.pages[0].mediabox.height  # landscape
    text = pdf_text(content)
    for expected in (
        "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO",
        f"Số: {batch.number}",
        "BIÊN BẢN BÀN GIAO THIẾT BỊ HỌC TẬP VÀ HỖ TRỢ KẾT NỐI",
        "Nguyễn Thị Hương",
        "Trần Quốc Bảo",
        "DL5400-0001",
        "0987654321",
        "ĐẠI DIỆN NHÀ TRƯỜNG",
        "Lê Thị Mai",
    ):
        assert expected in text, expected


def test_a_fibre_place_shows_its_subscription_number(education_office_user, commune_a):
    from telecom.models import ConnectivityOffer, SimAssignment
    from telecom.tests.factories import ConnectivityOfferFactory

    school = SchoolFactory(commune=commune_a)
    fibre = ConnectivityOfferFactory(name="Lắp cáp quang miễn phí", kind=ConnectivityOffer.Kind.FIBRE_WAIVER)
    support = approved_support(education_office_user, school, offer=fibre, lacks_internet=True)
    SimAssignment.objects.filter(pk=support.sim_assignment_id).update(subscription_number="FTTH-778899")
    batch = services.batch_create(school=school, user=education_office_user)
    record = handover.handover_record(batch)
    assert record.rows[0].device == ""
    assert "Số thuê bao cáp quang: FTTH-778899" in record.rows[0].connectivity


def test_the_rows_are_gathered_in_one_query(education_office_user, commune_a, django_assert_num_queries):
    batch, _first, _second = school_with_record(education_office_user, commune_a)
    with django_assert_num_queries(1):
        record = handover.handover_record(batch)
    assert [row.full_name for row in record.rows] == ["Nguyễn Thị Hương", "Trần Quốc Bảo"]


def test_a_missing_font_directory_is_a_clear_configuration_error(education_office_user, commune_a, settings, tmp_path):
    batch, _first, _second = school_with_record(education_office_user, commune_a)
    settings.PDF_FONT_DIR = tmp_path / "no-fonts"
    with pytest.raises(ImproperlyConfigured, match="PDF_FONT_DIR.*DejaVuSans.ttf"):
        handover.handover_pdf(handover.handover_record(batch))


def test_marking_handed_over_records_date_and_receivers_on_supports_and_devices(education_office_user, commune_a):
    batch, first, second = school_with_record(education_office_user, commune_a)
    day = date(2021, 9, 25)
    services.batch_hand_over(
        batch_id=batch.pk, handed_over_on=day, received_by="Lê Thị Mai", user=education_office_user
    )
    batch.refresh_from_db()
    assert (batch.status, batch.handed_over_on, batch.received_by) == ("handed_over", day, "Lê Thị Mai")
    for support, guardian in ((first, "Nguyễn Văn Đức"), (second, "Trần Thị Lan")):
        support.refresh_from_db()
        assert (support.status, support.handed_over_on, support.received_by) == ("handed_over", day, guardian)
        assert Device.objects.get(pk=support.device_id).status == Device.Status.HANDED_OVER


def test_marking_a_record_twice_says_it_is_already_handed_over(education_office_user, commune_a):
    batch, _first, _second = school_with_record(education_office_user, commune_a, handed_over=True)
    with pytest.raises(ValidationError) as error:
        services.batch_hand_over(
            batch_id=batch.pk, handed_over_on=date(2021, 9, 26), received_by="Người khác", user=education_office_user
        )
    assert error.value.code == "already_handed_over"
    assert batch.number in error.value.messages[0]
    batch.refresh_from_db()
    assert batch.received_by == "Lê Thị Mai"


def test_a_handover_date_in_the_future_is_refused(education_office_user, commune_a):
    batch, first, _second = school_with_record(education_office_user, commune_a)
    with pytest.raises(ValidationError) as error:
        services.batch_hand_over(
            batch_id=batch.pk,
            handed_over_on=timezone.localdate() + timedelta(days=1),
            received_by="Lê Thị Mai",
            user=education_office_user,
        )
    assert error.value.code == "future"
    assert HandoverBatch.objects.get(pk=batch.pk).status == "prepared"
    assert Support.objects.get(pk=first.pk).status == "approved"


def test_writing_through_the_record_takes_few_queries(education_office_user, commune_a):
    batch, _first, _second = school_with_record(education_office_user, commune_a)
    with CaptureQueriesContext(connection) as queries:
        handover.handover_docx(handover.handover_record(batch))
    assert len(queries) == 1
