"""A school's key: its name folded, the kind of school written out, so lists match however they name it."""

from students.pupil_columns import school_key


def test_a_school_matches_however_its_kind_is_written():
    assert school_key("Trường TH Hòa Bình") == school_key("tiểu học Hoà Bình") == "tieu hoc hoa binh"
    assert school_key("THCS Lý Tự Trọng") == "trung hoc co so ly tu trong"
