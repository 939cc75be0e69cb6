"""A name that a spreadsheet would run as a formula is refused in every name-like column (issue 16)."""

from __future__ import annotations

import io

import pytest

from students.hamlets import hamlets_import
from students.importing import import_file
from students.models import Commune, Hamlet, School, SchoolLevel, Student
from students.name_cells import starts_like_formula
from students.school_import import import_school_file
from students.tests.factories import SchoolFactory
from students.tests.spreadsheet_files import grid, pupil_row, xlsx

pytestmark = pytest.mark.django_db
FORMULAS = ['=HYPERLINK("http://x","a")', "-2+3+cmd|' /C calc'!A0", "@SUM(A1)", "+1", "\tThôn 1"]
MESSAGE = "Tên không được bắt đầu bằng =, +, -, @ hoặc dấu tab"


def test_what_starts_like_a_formula():
    assert all(starts_like_formula(value) for value in FORMULAS)
    assert not any(starts_like_formula(value) for value in ["Thôn 1", "Xóm Đông-Tây", "", "   ", None, 12])


@pytest.mark.parametrize("hamlet", FORMULAS)
def test_a_pupil_list_with_a_formula_for_a_hamlet_saves_nothing(commune_a, hamlet):
    SchoolFactory(commune=commune_a, name="Trường Tiểu học Thử", level=SchoolLevel.PRIMARY)
    outcome = import_file(io.BytesIO(xlsx(grid([pupil_row(1, **{"Thôn/Xóm": hamlet})]))), "ds.xlsx", commune_a)
    assert not outcome.ok
    assert [(e.column, e.message.startswith(MESSAGE)) for e in outcome.read.errors] == [("hamlet", True)]
    assert not Student.objects.exists() and not Hamlet.objects.exists()


@pytest.mark.parametrize("hamlet", FORMULAS)
def test_the_hamlet_list_refuses_a_formula(commune_a, hamlet):
    data = xlsx([["Xã/Thị trấn", "Thôn/Xóm"], [commune_a.name, "Thôn Đông"], [commune_a.name, hamlet]])
    result = hamlets_import(file=io.BytesIO(data), filename="thon.xlsx", communes=Commune.objects.all())
    assert not result.ok and result.errors[0]["message"].startswith(MESSAGE)
    assert not Hamlet.objects.exists()


def test_the_school_list_refuses_a_formula(commune_a):
    data = xlsx([["Mã trường", "Tên trường", "Cấp học", "Xã/Thị trấn"], ["T1", "@SUM(A1)", "Tiểu học", commune_a.name]])
    result = import_school_file(io.BytesIO(data), "truong.xlsx")
    assert [e.column for e in result.errors] == ["name"] and result.errors[0].message.startswith(MESSAGE)
    assert not School.objects.exists()


def test_the_donation_list_refuses_a_formula_for_a_donor():
    from donations.importing import import_file as import_donations
    from donations.models import Donor

    headers = ["Đơn vị/Cá nhân ủng hộ", "Hình thức", "Số tiền"]
    data = xlsx([headers, ['=HYPERLINK("http://x","a")', "tiền", 100000], ["Công ty A", "tiền", 200000]])
    result = import_donations(io.BytesIO(data), "ung-ho.xlsx")
    assert not result.ok
    assert [(e.row, e.column) for e in result.errors] == [(2, "name")]
    assert not Donor.objects.exists()


def test_the_hamlet_page_shows_the_first_errors_and_counts_the_others(commune_a, settings):
    settings.IMPORT_ERRORS_KEPT = 2
    rows = [["Xã/Thị trấn", "Thôn/Xóm"], *[["Xã không có", f"Thôn {n}"] for n in range(1, 8)]]
    result = hamlets_import(file=io.BytesIO(xlsx(rows)), filename="thon.xlsx", communes=Commune.objects.all())
    assert [e["row"] for e in result.errors] == [2, 3, "…"]
    assert result.errors[-1]["message"].startswith("5 dòng khác: ")
