"""Names as Vietnamese write them, whatever case they were typed in (issue 17)."""

from __future__ import annotations

import pytest

from common.name_case import person_name, place_name


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
