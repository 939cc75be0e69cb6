"""The command-line contract of DESIGN.md: import_students and import_schools."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from students.models import School, SchoolLevel, Student
from students.tests.factories import SchoolFactory
from students.tests.spreadsheet_files import csv_bytes, grid, pupil_row, xls, xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def school(commune_a):
    return SchoolFactory(commune=commune_a, name="Trường Tiểu học Thử", level=SchoolLevel.PRIMARY)


def test_import_students_saves_and_reports(tmp_path, commune_a, school, capsys):
    path = tmp_path / "ds.xlsx"
    path.write_bytes(xlsx(grid([pupil_row(1), pupil_row(2)])))
    call_command("import_students", str(path), "--commune", commune_a.code)
    assert Student.objects.filter(commune=commune_a).count() == 2
    assert "thêm mới 2" in capsys.readouterr().out


def test_import_students_exits_1_with_every_error_and_saves_nothing(tmp_path, commune_a, school, capsys):
    path = tmp_path / "ds.csv"
    path.write_bytes(csv_bytes(grid([pupil_row(1), pupil_row(2, **{"Ngày sinh": "32/13/2012"}), pupil_row(3, Lớp="")])))
    with pytest.raises(SystemExit) as exit_:
        call_command("import_students", str(path), "--commune", commune_a.code)
    assert exit_.value.code == 1
    err = capsys.readouterr().err
    assert "Dòng 3, cột Ngày sinh" in err and "Dòng 4, cột Lớp" in err
    assert not Student.objects.exists()


def test_dry_run_saves_nothing(tmp_path, commune_a, school, capsys):
    path = tmp_path / "ds.xls"
    path.write_bytes(xls(grid([pupil_row(1)])))
    call_command("import_students", str(path), "--commune", commune_a.code, "--dry-run")
    assert "Chạy thử" in capsys.readouterr().out
    assert not Student.objects.exists()


def test_import_schools_is_idempotent_by_code(tmp_path, commune_a, commune_b, capsys):
    rows = [
        ["Mã trường", "Tên trường", "Cấp học", "Xã/Thị trấn"],
        ["26252001", "Trường Tiểu học Vĩnh Tường", "Tiểu học", commune_a.name],
        ["26252002", "Trường THCS Kim Xá", "THCS", commune_b.code],
    ]
    path = tmp_path / "truong.xlsx"
    path.write_bytes(xlsx(rows))
    call_command("import_schools", str(path))
    call_command("import_schools", str(path))
    assert School.objects.count() == 2
    assert School.objects.get(code="26252002").commune == commune_b
    assert School.objects.get(code="26252002").level == SchoolLevel.LOWER_SECONDARY
    assert "Thêm mới 0 trường, cập nhật 0 trường" in capsys.readouterr().out

    rows[1][1] = "Trường Tiểu học Vĩnh Tường A"
    rows.append(["26252003", "Trường X", "Mẫu giáo", "Xã Không Có"])
    path.write_bytes(xlsx(rows))
    with pytest.raises(SystemExit):
        call_command("import_schools", str(path))
    assert School.objects.get(code="26252001").name == "Trường Tiểu học Vĩnh Tường"
    assert not School.objects.filter(code="26252003").exists()
