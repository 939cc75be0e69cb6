"""Issue 15 item 7: no two schools of one name in one commune; the school list imported from a staff page."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from students.models import School, SchoolLevel
from students.tests.factories import SchoolFactory
from students.tests.spreadsheet_files import xlsx

pytestmark = pytest.mark.django_db

HEADERS = ["Mã trường", "Tên trường", "Cấp học", "Xã/Thị trấn"]


def school_file(*rows) -> bytes:
    return xlsx([HEADERS, *[list(row) for row in rows]])


def run_command(tmp_path, data: bytes):
    path = tmp_path / "truong.xlsx"
    path.write_bytes(data)
    call_command("import_schools", str(path))


def test_two_schools_of_one_name_in_one_commune_are_refused_in_one_file(tmp_path, commune_a, commune_b, capsys):
    data = school_file(
        ("TH-A1", "Trường Tiểu học Hoà Bình", "Tiểu học", commune_a.name),
        ("TH-A2", "Tiểu học Hòa Bình", "Tiểu học", commune_a.name),
        ("TH-B1", "Trường Tiểu học Hoà Bình", "Tiểu học", commune_b.name),  # another commune: allowed
    )
    with pytest.raises(SystemExit):
        run_command(tmp_path, data)
    err = capsys.readouterr().err
    assert "Dòng 3" in err and "TH-A1" in err and "cùng tên" in err
    assert not School.objects.exists()


def test_a_school_of_the_same_name_already_in_the_commune_is_refused(tmp_path, commune_a, capsys):
    SchoolFactory(code="TH-OLD", name="Trường Tiểu học Hoà Bình", commune=commune_a, level=SchoolLevel.PRIMARY)
    with pytest.raises(SystemExit):
        run_command(tmp_path, school_file(("TH-NEW", "Trường TH Hoà Bình", "Tiểu học", commune_a.name)))
    assert "TH-OLD" in capsys.readouterr().err
    assert list(School.objects.values_list("code", flat=True)) == ["TH-OLD"]
    # The same school under its own code is updated (merged by code), not refused.
    run_command(tmp_path, school_file(("TH-OLD", "Trường Tiểu học Hoà Bình", "Tiểu học", commune_a.name)))
    assert School.objects.count() == 1


def test_the_office_imports_the_school_list_from_a_staff_page_all_or_nothing(
    client, education_office_user, commune_a, commune_a_official
):
    url = reverse("students:school-import")
    client.force_login(commune_a_official)
    assert client.get(url).status_code == 403
    client.force_login(education_office_user)
    page = client.get(url)
    assert page.status_code == 200 and reverse("students:school-template") in page.content.decode()
    template = client.get(reverse("students:school-template"))
    sheet = load_workbook(io.BytesIO(template.content)).active
    assert [cell.value for cell in sheet[1]] == HEADERS

    bad = school_file(
        ("TH-1", "Trường Tiểu học Một", "Tiểu học", commune_a.name),
        ("TH-2", "Trường Tiểu học Hai", "Đại học", commune_a.name),
    )
    response = client.post(url, {"file": SimpleUploadedFile("truong.xlsx", bad)})
    assert response.status_code == 400
    assert "Dòng 3" in response.content.decode() and not School.objects.exists()

    good = school_file(("TH-1", "Trường Tiểu học Một", "Tiểu học", commune_a.name))
    response = client.post(url, {"file": SimpleUploadedFile("truong.xlsx", good)}, follow=True)
    assert response.status_code == 200
    assert list(School.objects.values_list("code", flat=True)) == ["TH-1"]
