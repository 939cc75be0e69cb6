"""The template a commune downloads has their schools and hamlets, and the importer reads it back."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from students.importing import import_file
from students.models import SchoolLevel, Student
from students.pupil_columns import STUDENT_COLUMNS
from students.template import FIRST_DATA_ROW, HEADERS, student_template
from students.tests.factories import HamletFactory, SchoolFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(commune_a, commune_b):
    return {
        "own": SchoolFactory(commune=commune_a, name="Trường Tiểu học Vĩnh Tường", level=SchoolLevel.PRIMARY),
        "upper": SchoolFactory(commune=commune_b, name="Trường THPT Lê Xoay", level=SchoolLevel.UPPER_SECONDARY),
        "elsewhere": SchoolFactory(commune=commune_b, name="Trường Tiểu học Kim Xá", level=SchoolLevel.PRIMARY),
        "hamlet": HamletFactory(commune=commune_a, name="Tổ dân phố Đông"),
        "other_hamlet": HamletFactory(commune=commune_b, name="Thôn Kim Xá Ngoài"),
    }


def _workbook(commune):
    return load_workbook(io.BytesIO(student_template(commune)))


def test_the_template_has_the_canonical_headers_under_the_communes_title(commune_a, setting):
    sheet = _workbook(commune_a)["Danh sách học sinh"]
    header_row = FIRST_DATA_ROW - 1
    assert [cell.value for cell in sheet[header_row]] == [column.header for column in STUDENT_COLUMNS] == HEADERS
    assert "Vĩnh Tường" in sheet["A2"].value and commune_a.code in sheet["A2"].value


def test_drop_downs_offer_the_communes_schools_the_district_upper_secondary_and_its_hamlets(commune_a, setting):
    workbook = _workbook(commune_a)
    lists = workbook["Danh mục"]
    columns = {column[0].value: [cell.value for cell in column[1:] if cell.value] for column in lists.iter_cols()}
    assert columns["Giới tính"] == ["Nam", "Nữ"]
    assert columns["Trường"] == ["Trường Tiểu học Vĩnh Tường", "Trường THPT Lê Xoay"]
    assert columns["Thôn/Xóm"] == ["Tổ dân phố Đông"]
    assert columns["Cấp học"] == ["Tiểu học", "THCS", "THPT"]
    assert columns["Thiếu thiết bị"] == ["x"]
    assert "bố/mẹ mất do COVID-19" in columns["Hoàn cảnh"] and len(columns["Hoàn cảnh"]) == 9
    assert lists.sheet_state == "hidden"
    validations = workbook["Danh sách học sinh"].data_validations.dataValidation
    assert len(validations) == 7
    assert all(v.type == "list" and "Danh mục" in v.formula1 for v in validations)
    # A pupil may study in another commune's school: a warning, not a refusal.
    by_column = {str(v.sqref).split(":")[0].rstrip("0123456789"): v for v in validations}
    assert by_column["G"].errorStyle == "warning" and by_column["D"].errorStyle == "stop"


def test_the_instructions_are_in_vietnamese(commune_a, setting):
    text = " ".join(str(c.value) for c in _workbook(commune_a)["Hướng dẫn"]["A"] if c.value)
    assert "HƯỚNG DẪN" in text and "không dòng nào được lưu" in text


def test_a_filled_in_template_imports(commune_a, setting):
    workbook = _workbook(commune_a)
    sheet = workbook["Danh sách học sinh"]
    row = dict.fromkeys(HEADERS, None) | {
        "STT": 1,
        "Họ và tên": "Nguyễn Văn An",
        "Ngày sinh": "05/09/2012",
        "Giới tính": "Nam",
        "Mã định danh": "026212345678",
        "Trường": "Trường Tiểu học Vĩnh Tường",
        "Lớp": "3A",
        "Cấp học": "Tiểu học",
        "Thôn/Xóm": "Tổ dân phố Đông",
        "SĐT phụ huynh": "0912345678",
        "Thiếu thiết bị": "x",
        "Hoàn cảnh": "hộ nghèo; bố/mẹ mất do COVID-19",
    }
    for number, header in enumerate(HEADERS, start=1):
        sheet.cell(row=FIRST_DATA_ROW, column=number, value=row[header])
    buffer = io.BytesIO()
    workbook.save(buffer)

    outcome = import_file(io.BytesIO(buffer.getvalue()), "mau.xlsx", commune_a)

    assert outcome.ok, outcome.read.errors
    pupil = Student.objects.get()
    assert pupil.personal_id == "026212345678" and pupil.hamlet == setting["hamlet"]
    assert pupil.source_row == FIRST_DATA_ROW
    assert pupil.hardships == ["poor", "covid_orphan"]
