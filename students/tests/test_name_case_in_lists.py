"""The school and hamlet lists store names in Vietnamese case and keep the typed name in history (issue 17)."""

from __future__ import annotations

import io

import pytest

from students.hamlets import hamlets_import
from students.models import Commune, Hamlet, School
from students.school_import import import_school_file
from students.tests.spreadsheet_files import xlsx


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
