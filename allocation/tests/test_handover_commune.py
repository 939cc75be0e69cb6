"""Handover records for a whole commune (pupils who live there, handed over at the People's Committee),
and the programme's start as the earliest handover or check date."""

import io
import re
from datetime import date

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.urls import reverse
from docx import Document
from pypdf import PdfReader

from allocation import handover, services
from allocation.models import FollowUp, HandoverBatch, Support
from allocation.tests.handover_data import approved_support, pupil, ready_device, school_with_record
from students.models import SchoolLevel
from students.tests.factories import HamletFactory, SchoolFactory

pytestmark = pytest.mark.django_db


def _grant(user, *codes):
    for code in codes:
        app_label, codename = code.split(".")
        user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


def _living_in(user, commune, school, **fields) -> Support:
    """An approved support for a pupil who lives in `commune` and goes to `school` (maybe elsewhere)."""
    return approved_support(
        user, school, device=ready_device(), commune=commune, hamlet=HamletFactory(commune=commune), **fields
    )


@pytest.fixture
def kim_xa(education_office_user, commune_a, commune_b):
    """Commune B (Kim Xá, a xã): two approved pupils living there, one at its primary school and one at the
    lower secondary school in commune A; plus a commune-A pupil at B's school, a proposed B pupil, and a
    B pupil already on a school record."""
    user = education_office_user
    primary_b = SchoolFactory(commune=commune_b, name="Trường Tiểu học Kim Xá")
    secondary_a = SchoolFactory(commune=commune_a, name="Trường THCS Vĩnh Tường", level=SchoolLevel.LOWER_SECONDARY)
    other_b = SchoolFactory(commune=commune_b, name="Trường Mầm non Kim Xá")
    on_school_record = _living_in(user, commune_b, other_b, full_name="Hà Văn Đã Có")
    services.batch_create(school=other_b, user=user)
    at_home = _living_in(user, commune_b, primary_b, full_name="Đinh Thị Gấm", class_name="3B")
    away = _living_in(
        user, commune_b, secondary_a, full_name="Lò Văn Khải", class_name="7A", level=SchoolLevel.LOWER_SECONDARY
    )
    from_a = _living_in(user, commune_a, primary_b, full_name="Vũ Minh Quân")
    proposed = services.support_create(
        student_id=pupil(primary_b).pk, device_id=ready_device().pk, offer_id=None, reason="Bổ sung", user=user
    )
    return {
        "primary_b": primary_b,
        "secondary_a": secondary_a,
        "at_home": at_home,
        "away": away,
        "from_a": from_a,
        "proposed": proposed,
        "on_school_record": on_school_record,
    }


def _docx(content: bytes):
    return Document(io.BytesIO(content))


def _docx_text(doc) -> str:
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def _pupil_table(doc) -> list[list[str]]:
    """The pupils' table (the one whose heading starts with "STT"), as rows of cell texts."""
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "STT")
    return [[cell.text for cell in row.cells] for row in table.rows]


def _pdf_text(content: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).split())


# --- the service ----------------------------------------------------------------------------------


def test_a_commune_record_takes_the_approved_supports_of_pupils_living_there_whatever_their_school(
    education_office_user, commune_b, kim_xa
):
    batch = services.batch_create(commune=commune_b, user=education_office_user)
    assert (batch.school, batch.commune, batch.status) == (None, commune_b, HandoverBatch.Status.PREPARED)
    assert batch.is_commune_record
    assert re.fullmatch(r"BB-\d{4}-\d{4,}", batch.number)
    assert set(batch.supports.values_list("pk", flat=True)) == {kim_xa["at_home"].pk, kim_xa["away"].pk}
    # Not the commune-A pupil at B's school, not the proposed one, not the one already on a record.
    for key in ("from_a", "proposed", "on_school_record"):
        kim_xa[key].refresh_from_db()
    assert kim_xa["from_a"].batch_id is None and kim_xa["proposed"].batch_id is None
    assert kim_xa["on_school_record"].batch.school.name == "Trường Mầm non Kim Xá"
    assert Support.history.filter(id=kim_xa["away"].pk, history_change_reason=batch.number).exists()


def test_after_a_commune_record_a_school_record_finds_nothing_left_for_those_pupils(
    education_office_user, commune_b, kim_xa
):
    user = education_office_user
    services.batch_create(commune=commune_b, user=user)
    # The commune-A school's only waiting pupil lives in B and is on B's record already.
    with pytest.raises(ValidationError) as error:
        services.batch_create(school=kim_xa["secondary_a"], user=user)
    assert error.value.code == "nothing_to_hand_over"
    # B's school still has the pupil who lives in A: a school record takes only that one, in B's commune.
    school_batch = services.batch_create(school=kim_xa["primary_b"], user=user)
    assert list(school_batch.supports.values_list("pk", flat=True)) == [kim_xa["from_a"].pk]
    assert school_batch.commune == commune_b
    with pytest.raises(ValidationError) as error:
        services.batch_create(commune=commune_b, user=user)
    assert error.value.code == "nothing_to_hand_over"
    assert "Kim Xá" in error.value.messages[0]


def test_a_school_record_first_leaves_the_commune_record_only_the_other_pupils(
    education_office_user, commune_b, kim_xa
):
    services.batch_create(school=kim_xa["secondary_a"], user=education_office_user)
    batch = services.batch_create(commune=commune_b, user=education_office_user)
    assert list(batch.supports.values_list("pk", flat=True)) == [kim_xa["at_home"].pk]


def test_a_record_is_for_exactly_one_school_or_one_commune(education_office_user, commune_b, kim_xa):
    with pytest.raises(ValueError, match="exactly one"):
        services.batch_create(user=education_office_user)
    with pytest.raises(ValueError, match="exactly one"):
        services.batch_create(school=kim_xa["primary_b"], commune=commune_b, user=education_office_user)
    assert HandoverBatch.objects.count() == 1  # the fixture's school record only


# --- the documents ----------------------------------------------------------------------------------


def test_the_commune_docx_has_a_school_column_and_the_communes_signature_block(
    education_office_user, commune_b, kim_xa
):
    batch = services.batch_create(commune=commune_b, user=education_office_user)
    doc = _docx(handover.handover_docx(handover.handover_record(batch)))
    rows = _pupil_table(doc)
    assert rows[0][:4] == ["STT", "Họ và tên học sinh", "Trường", "Lớp"]
    assert len(rows[0]) == 7
    by_name = {row[1]: row for row in rows[1:]}
    assert by_name["Đinh Thị Gấm"][2:4] == ["Trường Tiểu học Kim Xá", "3B"]
    assert by_name["Lò Văn Khải"][2:4] == ["Trường THCS Vĩnh Tường", "7A"]
    text = _docx_text(doc)
    for expected in (
        "Địa điểm bàn giao: UBND xã Kim Xá",
        "tại trụ sở UBND xã Kim Xá",
        "Bên nhận: UBND xã Kim Xá",
        "ĐẠI DIỆN UBND XÃ",
        "ĐẠI DIỆN PHÒNG GIÁO DỤC VÀ ĐÀO TẠO",
        "UBND xã giữ 02 bản",
    ):
        assert expected in text, expected
    assert "ĐẠI DIỆN NHÀ TRƯỜNG" not in text


def test_a_township_record_names_the_township(education_office_user, commune_a):
    approved_support(education_office_user, SchoolFactory(commune=commune_a), device=ready_device())
    batch = services.batch_create(commune=commune_a, user=education_office_user)
    text = _docx_text(_docx(handover.handover_docx(handover.handover_record(batch))))
    assert "Bên nhận: UBND thị trấn Vĩnh Tường" in text
    assert "ĐẠI DIỆN UBND THỊ TRẤN" in text


def test_the_commune_pdf_has_the_school_column_and_the_communes_signature_block(
    education_office_user, commune_b, kim_xa
):
    batch = services.batch_create(commune=commune_b, user=education_office_user)
    services.batch_hand_over(
        batch_id=batch.pk, handed_over_on=date(2021, 9, 28), received_by="Bùi Văn Tâm, Phó Chủ tịch UBND xã", user=None
    )
    batch.refresh_from_db()
    text = _pdf_text(handover.handover_pdf(handover.handover_record(batch)))
    for expected in (
        "UBND xã Kim Xá",
        "Trường Tiểu học Kim Xá",
        "Trường THCS Vĩnh Tường",
        "Đinh Thị Gấm",
        "Lò Văn Khải",
        "ĐẠI DIỆN UBND XÃ",
        "Bùi Văn Tâm, Phó Chủ tịch UBND xã",
        "ngày 28 tháng 09 năm 2021",
    ):
        assert expected in text, expected
    assert "ĐẠI DIỆN NHÀ TRƯỜNG" not in text


def test_a_school_record_keeps_six_columns_and_the_schools_signature(education_office_user, commune_a):
    batch, _first, _second = school_with_record(education_office_user, commune_a)
    doc = _docx(handover.handover_docx(handover.handover_record(batch)))
    assert len(_pupil_table(doc)[0]) == 6
    text = _docx_text(doc)
    assert "ĐẠI DIỆN NHÀ TRƯỜNG" in text and "ĐẠI DIỆN UBND" not in text
    assert "Bên nhận: Trường Tiểu học Vĩnh Tường" in text


def test_the_commune_records_rows_are_gathered_in_one_query(
    education_office_user, commune_b, kim_xa, django_assert_num_queries
):
    batch = HandoverBatch.objects.select_related("school", "commune").get(
        pk=services.batch_create(commune=commune_b, user=education_office_user).pk
    )
    with django_assert_num_queries(1):
        record = handover.handover_record(batch)
    assert {row.school for row in record.rows} == {"Trường Tiểu học Kim Xá", "Trường THCS Vĩnh Tường"}


# --- the pages ------------------------------------------------------------------------------------

PREPARE = "allocation:handover-prepare"


def test_the_prepare_page_lists_communes_beside_schools_and_prepares_a_commune_record(
    client, csrf_client, education_office_user, commune_b, kim_xa
):
    client.force_login(education_office_user)
    page = client.get(reverse(PREPARE))
    assert page.status_code == 200
    assert [(row["name"], row["waiting"]) for row in page.context["communes"]] == [
        ("Thị trấn Vĩnh Tường", 1),
        ("Xã Kim Xá", 2),
    ]
    assert f'name="commune" value="{commune_b.pk}"' in page.content.decode()
    csrf_client.force_login(education_office_user)
    assert csrf_client.post(reverse(PREPARE), {"commune": commune_b.pk}).status_code == 403
    response = client.post(reverse(PREPARE), {"commune": commune_b.pk}, follow=True)
    batch = HandoverBatch.objects.get(school__isnull=True)
    assert response.redirect_chain[0][0] == reverse("allocation:handover-detail", args=[batch.pk])
    assert batch.commune == commune_b and batch.supports.count() == 2
    assert "Kim Xá" in " ".join(str(m) for m in response.context["messages"])
    assert client.post(reverse(PREPARE), {"commune": commune_b.pk}).status_code == 404
    remaining = client.get(reverse(PREPARE)).context["communes"]
    assert [row["name"] for row in remaining] == ["Thị trấn Vĩnh Tường"]


@pytest.mark.parametrize(
    "data", [{"commune": "9" * 40}, {"commune": "-1"}, {"commune": "abc"}, {}, {"school": "1", "commune": "1"}]
)
def test_an_absurd_or_ambiguous_choice_is_a_404(client, education_office_user, commune_b, kim_xa, data):
    client.force_login(education_office_user)
    if set(data) == {"school", "commune"}:
        data = {"school": kim_xa["primary_b"].pk, "commune": commune_b.pk}
    assert client.post(reverse(PREPARE), data).status_code == 404
    assert HandoverBatch.objects.count() == 1


def test_the_detail_and_list_pages_show_a_commune_record(client, education_office_user, commune_b, kim_xa):
    batch = services.batch_create(commune=commune_b, user=education_office_user)
    client.force_login(education_office_user)
    detail = client.get(reverse("allocation:handover-detail", args=[batch.pk]))
    assert detail.status_code == 200
    content = detail.content.decode()
    for expected in ("Kim Xá", "Đinh Thị Gấm", "Lò Văn Khải", "Trường THCS Vĩnh Tường", batch.number):
        assert expected in content, expected
    assert detail.context["record"].for_commune
    listing = client.get(reverse("allocation:handover-list")).content.decode()
    row = next(part for part in listing.split("<tr>") if batch.number in part)
    assert "badge text-bg-info" in row and "Kim Xá" in row


def test_the_commune_record_downloads_as_docx_and_pdf(client, education_office_user, commune_b, kim_xa):
    batch = services.batch_create(commune=commune_b, user=education_office_user)
    client.force_login(education_office_user)
    docx = client.get(reverse("allocation:handover-docx", args=[batch.pk]))
    assert docx.status_code == 200
    assert f'filename="bien-ban-ban-giao-{batch.number}.docx"' in docx["Content-Disposition"]
    assert _pupil_table(_docx(docx.content))[0][2] == "Trường"
    pdf = client.get(reverse("allocation:handover-pdf", args=[batch.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert "ĐẠI DIỆN UBND XÃ" in _pdf_text(pdf.content)


def test_marking_a_commune_record_asks_who_received_it_for_the_commune(
    client, education_office_user, commune_b, kim_xa
):
    batch = services.batch_create(commune=commune_b, user=education_office_user)
    client.force_login(education_office_user)
    url = reverse("allocation:handover-mark", args=[batch.pk])
    form = client.get(url).context["form"]
    assert form.fields["received_by"].label != form.base_fields["received_by"].label
    response = client.post(url, {"handed_over_on": "28/09/2021", "received_by": "Bùi Văn Tâm"})
    assert response.status_code == 302
    batch.refresh_from_db()
    assert (batch.status, batch.received_by) == (HandoverBatch.Status.HANDED_OVER, "Bùi Văn Tâm")
    assert set(batch.supports.values_list("status", flat=True)) == {Support.Status.HANDED_OVER}


def test_a_commune_official_prepares_and_reads_only_their_own_communes_records(
    client, education_office_user, commune_a, commune_b, commune_b_official, kim_xa
):
    # Were commune officials given the handover pages, scope would still hold (visible_to).
    school_a = SchoolFactory(commune=commune_a)
    approved_support(education_office_user, school_a, device=ready_device())
    record_a = services.batch_create(school=school_a, user=education_office_user)
    _grant(
        commune_b_official,
        "allocation.add_handoverbatch",
        "allocation.view_handoverbatch",
        "allocation.view_support",
        "students.view_student",
    )
    client.force_login(commune_b_official)
    page = client.get(reverse(PREPARE))
    assert [row["name"] for row in page.context["communes"]] == ["Xã Kim Xá"]
    # Commune A's pupil at B's school is waiting, but outside B's scope.
    assert client.post(reverse(PREPARE), {"commune": commune_a.pk}).status_code == 404
    assert not HandoverBatch.objects.filter(commune=commune_a, school__isnull=True).exists()
    assert client.post(reverse(PREPARE), {"commune": commune_b.pk}).status_code == 302
    record_b = HandoverBatch.objects.get(school__isnull=True, commune=commune_b)
    assert record_b.created_by == commune_b_official
    listing = client.get(reverse("allocation:handover-list")).context["page_obj"]
    assert list(listing) == [record_b, kim_xa_record(commune_b)]
    for name in ("allocation:handover-detail", "allocation:handover-docx", "allocation:handover-pdf"):
        assert client.get(reverse(name, args=[record_b.pk])).status_code == 200, name
        assert client.get(reverse(name, args=[record_a.pk])).status_code == 404, name


def kim_xa_record(commune):
    """The fixture's school record (Trường Mầm non Kim Xá, in commune B)."""
    return HandoverBatch.objects.get(school__name="Trường Mầm non Kim Xá", commune=commune)


# --- dates before the programme -------------------------------------------------------------------


def test_a_handover_before_the_programme_is_refused_and_its_first_day_accepted(education_office_user, commune_a):
    batch, first, _second = school_with_record(education_office_user, commune_a)
    with pytest.raises(ValidationError) as error:
        services.batch_hand_over(
            batch_id=batch.pk, handed_over_on=date(2021, 8, 31), received_by="Lê Thị Mai", user=education_office_user
        )
    assert error.value.code == "before_programme"
    assert "01/09/2021" in error.value.messages[0]
    assert HandoverBatch.objects.get(pk=batch.pk).status == HandoverBatch.Status.PREPARED
    assert Support.objects.get(pk=first.pk).status == Support.Status.APPROVED
    services.batch_hand_over(
        batch_id=batch.pk, handed_over_on=date(2021, 9, 1), received_by="Lê Thị Mai", user=education_office_user
    )
    assert HandoverBatch.objects.get(pk=batch.pk).handed_over_on == date(2021, 9, 1)


def test_a_check_before_the_programme_is_refused(education_office_user, commune_a):
    batch, first, _second = school_with_record(education_office_user, commune_a)
    # The programme's start is checked before the handover date, and says so.
    services.batch_hand_over(batch_id=batch.pk, handed_over_on=date(2021, 9, 1), received_by="Lê Thị Mai", user=None)
    with pytest.raises(ValidationError) as error:
        services.follow_up_record(
            support_id=first.pk, checked_on=date(2021, 8, 31), result=FollowUp.Result.IN_USE, user=education_office_user
        )
    assert error.value.code == "before_programme"
    assert "01/09/2021" in error.value.messages[0]
    assert not FollowUp.objects.exists()


def test_the_forms_show_a_date_before_the_programme_as_a_field_error(client, education_office_user, commune_a):
    batch, first, _second = school_with_record(education_office_user, commune_a)
    client.force_login(education_office_user)
    mark = client.post(
        reverse("allocation:handover-mark", args=[batch.pk]),
        {"handed_over_on": "31/08/2021", "received_by": "Lê Thị Mai"},
    )
    assert mark.status_code == 400
    assert "01/09/2021" in " ".join(mark.context["form"].errors["handed_over_on"])
    assert HandoverBatch.objects.get(pk=batch.pk).status == HandoverBatch.Status.PREPARED
    services.batch_hand_over(batch_id=batch.pk, handed_over_on=date(2021, 9, 25), received_by="Lê Thị Mai", user=None)
    check = client.post(
        reverse("allocation:support-follow-up", args=[first.pk]),
        {"result": "in_use", "checked_on": "15/08/2021", "note": ""},
    )
    assert check.status_code == 400
    assert "01/09/2021" in " ".join(check.context["follow_up_form"].errors["checked_on"])
    assert not FollowUp.objects.exists()


def test_an_official_cannot_prepare_another_communes_school_record_through_a_pupil_of_theirs(
    client, commune_a_official, kim_xa
):
    # A commune-A pupil waits at B's primary school; were A's official allowed to prepare records,
    # B's school (and its B pupils) would still be out of their reach.
    _grant(commune_a_official, "allocation.add_handoverbatch", "allocation.view_handoverbatch")
    client.force_login(commune_a_official)
    response = client.post(reverse(PREPARE), {"school": kim_xa["primary_b"].pk})
    assert response.status_code == 404
    assert not HandoverBatch.objects.filter(school=kim_xa["primary_b"]).exists()


def test_the_prepare_buttons_post_plain_ids_past_a_thousand(client, education_office_user, commune_a):
    # Vietnamese number format writes 5432 as "5.432": the posted id must not be formatted.
    school = SchoolFactory(pk=5432, commune=commune_a)
    _living_in(education_office_user, commune_a, school)
    client.force_login(education_office_user)
    html = client.get(reverse(PREPARE)).content.decode()
    assert 'value="5432"' in html and "5.432" not in html
    assert client.post(reverse(PREPARE), {"school": "5432"}).status_code == 302
    assert HandoverBatch.objects.filter(school=school).exists()
