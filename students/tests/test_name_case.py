"""Names as Vietnamese write them, whatever case they were typed in (issue 17)."""

from __future__ import annotations

import io

import pytest

from students.hamlets import hamlets_import
from students.models import Commune, Hamlet, School
from students.name_case import person_name, place_name
from students.school_import import import_school_file
from students.tests.spreadsheet_files import xlsx


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("HỒ BẢO HƯƠNG", "Hồ Bảo Hương"),
        ("hồ bảo hương", "Hồ Bảo Hương"),
        ("hỒ bẢO hƯƠNG", "Hồ Bảo Hương"),
        ("NGUYỄN THỊ ÁNH", "Nguyễn Thị Ánh"),
        ("đặng văn đức", "Đặng Văn Đức"),
        ("Đặng Thị Ánh", "Đặng Thị Ánh"),
        ("ĐỖ THỊ HỒNG-NHUNG", "Đỗ Thị Hồng-Nhung"),
        ("H'HEN NIÊ", "H'Hen Niê"),
    ],
)
def test_a_persons_name_is_stored_word_by_word_capitalised(typed, stored):
    assert person_name(typed) == stored


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("THÔN ĐÔNG II", "Thôn Đông II"),
        ("xóm iv", "Xóm IV"),
        ("TDP SỐ 3", "TDP Số 3"),
        ("TỔ DÂN PHỐ TÂN AN", "Tổ dân phố Tân An"),
        ("TRƯỜNG THCS VĨNH TƯỜNG", "Trường THCS Vĩnh Tường"),
        ("trường thpt lê xoay", "Trường THPT Lê Xoay"),
        ("TRƯỜNG TH&THCS TÂN TIẾN", "Trường TH&THCS Tân Tiến"),
        ("TRƯỜNG MN HOA SEN", "Trường MN Hoa Sen"),
        ("TRƯỜNG TIỂU HỌC KIM XÁ", "Trường Tiểu học Kim Xá"),
        ("TRƯỜNG MẦM NON VŨ DI", "Trường Mầm non Vũ Di"),
        # Mixed case is as the office writes it.
        ("Trường Mầm non Hoa Sen", "Trường Mầm non Hoa Sen"),
        ("Thôn Vi", "Thôn Vi"),
    ],
)
def test_a_hamlet_or_school_name_keeps_its_abbreviations_and_roman_numerals(typed, stored):
    assert place_name(typed) == stored


@pytest.mark.django_db
def test_the_school_list_stores_names_in_vietnamese_case_and_keeps_the_typed_name_in_history(commune_a):
    header = ["Mã trường", "Tên trường", "Cấp học", "Xã/Thị trấn"]
    data = xlsx([header, ["26001", "TRƯỜNG THCS VĨNH TƯỜNG", "THCS", "09076"]])
    result = import_school_file(io.BytesIO(data), "truong.xlsx")
    assert not result.errors and not result.file_error
    school = School.objects.get(code="26001")
    assert school.name == "Trường THCS Vĩnh Tường"
    assert school.history.get().history_change_reason == "Trường gõ trong tệp: “TRƯỜNG THCS VĨNH TƯỜNG”"


@pytest.mark.django_db
def test_the_hamlet_list_stores_names_in_vietnamese_case(commune_a):
    data = xlsx([["Xã/Thị trấn", "Thôn/Xóm"], ["09076", "THÔN ĐÔNG II"], ["09076", "Tổ dân phố Hòa Bình"]])
    result = hamlets_import(file=io.BytesIO(data), filename="thon.xlsx", communes=Commune.objects.all())
    assert result.ok, result.errors
    assert sorted(Hamlet.objects.values_list("name", flat=True)) == ["Thôn Đông II", "Tổ dân phố Hòa Bình"]
    typed = Hamlet.objects.get(name="Thôn Đông II").history.get().history_change_reason
    assert typed.endswith("“THÔN ĐÔNG II”")
