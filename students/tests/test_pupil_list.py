"""The staff pupil list, its export and the admin: scoped, accent-insensitive, formula-safe."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from students.models import Hardship, SchoolLevel, Student
from students.resources import StudentResource
from students.tests.factories import DuplicateCandidateFactory, SchoolFactory, StudentFactory

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:
    return [student.full_name for student in response.context["page_obj"]]


@pytest.fixture
def pupils(commune_a, commune_b):
    school_a = SchoolFactory(commune=commune_a, name="Trường Tiểu học Vĩnh Tường")
    thcs_b = SchoolFactory(commune=commune_b, name="Trường THCS Kim Xá", level=SchoolLevel.LOWER_SECONDARY)
    return {
        "an": StudentFactory(commune=commune_a, school=school_a, full_name="Nguyễn Văn An", hardships=["poor"]),
        "dung": StudentFactory(
            commune=commune_a,
            school=school_a,
            full_name="Đỗ Thị Dung",
            lacks_device=False,
            lacks_internet=True,
            hardships=["near_poor"],
            personal_id="026312345678",
        ),
        "binh": StudentFactory(
            commune=commune_b,
            school=thcs_b,
            full_name="Trần Văn Bình",
            level=SchoolLevel.LOWER_SECONDARY,
            class_name="7A",
            status=Student.Status.VERIFIED,
        ),
    }


def test_search_ignores_accents_and_case(client, education_office_user, pupils):
    client.force_login(education_office_user)
    url = reverse("students:student-list")
    assert names(client.get(url, {"q": "nguyen van an"})) == ["Nguyễn Văn An"]
    assert names(client.get(url, {"q": "NGUYỄN  văn"})) == ["Nguyễn Văn An"]
    assert names(client.get(url, {"q": "do thi dung"})) == ["Đỗ Thị Dung"]
    assert names(client.get(url, {"q": "026312345678"})) == ["Đỗ Thị Dung"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"need": "internet"}, ["Đỗ Thị Dung"]),
        ({"need": "device"}, ["Nguyễn Văn An", "Trần Văn Bình"]),
        ({"hardship": Hardship.NEAR_POOR}, ["Đỗ Thị Dung"]),
        ({"hardship": Hardship.POOR}, ["Nguyễn Văn An"]),
        ({"level": SchoolLevel.LOWER_SECONDARY}, ["Trần Văn Bình"]),
        ({"status": Student.Status.VERIFIED}, ["Trần Văn Bình"]),
    ],
)
def test_filters(client, education_office_user, pupils, params, expected):
    client.force_login(education_office_user)
    assert sorted(names(client.get(reverse("students:student-list"), params))) == expected


def test_filter_by_commune_and_school(client, education_office_user, pupils, commune_b):
    client.force_login(education_office_user)
    url = reverse("students:student-list")
    assert names(client.get(url, {"commune": commune_b.pk})) == ["Trần Văn Bình"]
    assert sorted(names(client.get(url, {"school": pupils["an"].school_id}))) == ["Nguyễn Văn An", "Đỗ Thị Dung"]


def test_a_commune_official_sees_only_their_communes_pupils(client, commune_a_official, pupils, commune_b):
    client.force_login(commune_a_official)
    url = reverse("students:student-list")
    assert sorted(names(client.get(url))) == ["Nguyễn Văn An", "Đỗ Thị Dung"]
    # Naming another commune in the filter is refused by the form, not obeyed.
    assert "Trần Văn Bình" not in client.get(url, {"commune": commune_b.pk}).content.decode()
    assert client.get(reverse("students:student-detail", args=[pupils["binh"].pk])).status_code == 404
    assert client.get(reverse("students:student-detail", args=[pupils["an"].pk])).status_code == 200


@pytest.mark.parametrize("fixture", ["leadership_user", "accountant_user", "viettel_user"])
def test_roles_that_do_not_work_on_pupils_cannot_open_the_list(client, request, pupils, fixture):
    client.force_login(request.getfixturevalue(fixture))
    assert client.get(reverse("students:student-list")).status_code == 403
    assert client.get(reverse("students:student-export")).status_code == 403
    assert client.get(reverse("students:student-detail", args=[pupils["an"].pk])).status_code == 403


def test_names_with_html_are_shown_escaped(client, education_office_user, commune_a):
    StudentFactory(commune=commune_a, full_name="<script>alert(1)</script>")
    client.force_login(education_office_user)
    body = client.get(reverse("students:student-list")).content.decode()
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;" in body


def test_the_list_pages_by_fifty_with_a_fixed_number_of_queries(
    client, education_office_user, commune_a, django_assert_max_num_queries
):
    school = SchoolFactory(commune=commune_a)
    StudentFactory.create_batch(60, commune=commune_a, school=school)
    DuplicateCandidateFactory(existing__commune=commune_a, candidate__commune=commune_a)
    client.force_login(education_office_user)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("students:student-list"))
    assert len(response.context["page_obj"]) == 50
    assert response.context["page_obj"].paginator.count == 62
    second = client.get(reverse("students:student-list"), {"page": 2})
    assert len(second.context["page_obj"]) == 12


def test_export_keeps_the_filter_and_the_scope(client, commune_a_official, pupils):
    client.force_login(commune_a_official)
    response = client.get(reverse("students:student-export"), {"q": "an"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Xã/Thị trấn", "Họ và tên", "Ngày sinh")
    assert [row[1] for row in rows[1:]] == ["Nguyễn Văn An"]
    assert rows[1][2] == "17/05/2012" and rows[1][14] == "hộ nghèo"


def test_export_neutralises_formulas(client, education_office_user, commune_a):
    StudentFactory(commune=commune_a, full_name='=HYPERLINK("http://x")', guardian_name="+1+1", class_name="@3A")
    StudentFactory(commune=commune_a, full_name="-2+3", guardian_name="Bình")
    client.force_login(education_office_user)
    response = client.get(reverse("students:student-export"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    texts = {cell.value for cell in cells if isinstance(cell.value, str)}
    assert {'\'=HYPERLINK("http://x")', "'+1+1", "'@3A", "'-2+3"} <= texts


def test_the_resource_writes_template_headers_and_vietnamese_values(commune_a):
    student = StudentFactory(commune=commune_a, gender=Student.Gender.FEMALE, birth_date=date(2010, 1, 2))
    dataset = StudentResource().export(Student.objects.filter(pk=student.pk))
    row = dict(zip(dataset.headers, dataset[0], strict=True))
    assert row["Giới tính"] == "Nữ" and row["Ngày sinh"] == "02/01/2010" and row["Thiếu thiết bị"] == "x"


def test_admin_search_ignores_accents(client, education_office_user, pupils):
    client.force_login(education_office_user)
    response = client.get(reverse("admin:students_student_changelist"), {"q": "tran van binh"})
    assert [s.full_name for s in response.context["cl"].result_list] == ["Trần Văn Bình"]


def test_admin_exports_xlsx_with_escaped_formulas(client, education_office_user, commune_a):
    StudentFactory(commune=commune_a, full_name="=1+1")
    client.force_login(education_office_user)
    url = reverse("admin:students_student_export")
    page = client.get(url)
    assert page.status_code == 200
    formats = page.context["form"].fields["format"].choices
    xlsx_index = next(value for value, label in formats if "xlsx" in str(label).lower())
    fields = {name: "on" for name in page.context["form"].fields if name.startswith("studentresource_")}
    response = client.post(url, {"format": xlsx_index, "resource": "0", **fields})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [cell.value for row in sheet.iter_rows(min_row=2) for cell in row]
    assert "'=1+1" in values


def test_admin_export_of_pupils_is_closed_to_roles_without_pupil_records(
    client, leadership_user, accountant_user, pupils
):
    url = reverse("admin:students_student_export")
    for user in (leadership_user, accountant_user):
        client.force_login(user)
        assert client.get(url).status_code == 403
        response = client.post(url, {"format": "0", "resource": "0", "studentresource_full_name": "on"})
        assert response.status_code == 403
        assert "Nguyễn Văn An" not in response.content.decode()


def test_admin_history_of_a_pupil_is_closed_to_roles_without_pupil_records(
    client, leadership_user, education_office_user, pupils
):
    url = reverse("admin:students_student_history", args=[pupils["an"].pk])
    client.force_login(leadership_user)
    assert client.get(url).status_code == 403
    assert "Nguyễn Văn An" not in client.get(url).content.decode()
    client.force_login(education_office_user)
    assert client.get(url).status_code == 200


def test_admin_history_of_a_deleted_pupil_is_not_shown_from_its_history(client, education_office_user, pupils):
    pupil = pupils["dung"]
    pk = pupil.pk
    pupil.delete()
    client.force_login(education_office_user)
    assert client.get(reverse("admin:students_student_history", args=[pk])).status_code == 404
