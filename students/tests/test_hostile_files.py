"""Files that are not pupil lists, or are built to hurt, get a clear message and save nothing."""

from __future__ import annotations

import io
import zipfile

import pytest

from students.importing import import_file
from students.models import SchoolLevel, Student
from students.tests.factories import SchoolFactory
from students.tests.spreadsheet_files import csv_bytes, grid, pupil_row, xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def school(commune_a):
    return SchoolFactory(commune=commune_a, name="Trường Tiểu học Thử", level=SchoolLevel.PRIMARY)


def file_error(commune, data: bytes, name: str) -> str:
    outcome = import_file(io.BytesIO(data), name, commune)
    assert not outcome.ok
    assert not Student.objects.exists()
    return outcome.read.file_error


def _replace_member(data: bytes, member: str, content: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item.filename, content if item.filename == member else source.read(item.filename))
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("danh-sach.pdf", b"%PDF-1.4 ...", "không phải là bảng tính"),
        ("danh-sach.exe", b"MZ\x90\x00", "không phải là bảng tính"),
        ("danh-sach.xlsx", b"just some text, not a workbook", "bị hỏng"),
        ("danh-sach.xls", b"%PDF-1.4 renamed", "bị hỏng"),
        ("danh-sach.ods", b"PK\x03\x04 truncated zip", "bị hỏng"),
        # Neither UTF-8, UTF-16 with BOM, Windows-1258 nor a legacy Vietnamese font (issue 17).
        ("danh-sach.csv", "Ho ten,東京,大阪\n".encode("shift_jis"), "UTF-8"),
        ("danh-sach.csv", b"", "Tệp trống"),
        ("danh-sach.csv", "Lý do,Số tiền\nabc,1\n".encode(), "Không tìm thấy dòng tiêu đề"),
    ],
)
def test_what_is_not_a_pupil_list_is_refused_with_a_message(commune_a, name, data, expected):
    assert expected in file_error(commune_a, data, name)


def test_a_zip_bomb_is_refused_before_it_is_inflated(commune_a):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (60 * 1024 * 1024))
    assert len(out.getvalue()) < 1024 * 1024
    assert "giải nén" in file_error(commune_a, out.getvalue(), "bom.xlsx")


def test_xml_entity_expansion_is_refused(commune_a):
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol2;</t></si></sst>'
    )
    data = _replace_member(xlsx(grid([pupil_row(1)])), "xl/worksheets/sheet1.xml", laughs)
    assert "khai báo XML" in file_error(commune_a, data, "ds.xlsx")


def test_a_file_over_the_size_limit_is_refused(commune_a, settings):
    settings.SPREADSHEET_MAX_BYTES = 2 * 1024 * 1024
    data = csv_bytes(grid([pupil_row(1)] * 1)) + b"," * (3 * 1024 * 1024)
    assert "lớn hơn 2,0\xa0MB" in file_error(commune_a, data, "ds.csv")


def test_formulas_are_never_evaluated_nor_stored_as_names(commune_a):
    rows = [
        pupil_row(1, **{"Họ và tên": "=1+1"}),
        pupil_row(2, **{"Họ tên phụ huynh": '=HYPERLINK("http://evil.example","Bấm")'}),
        pupil_row(3, **{"Hoàn cảnh": "=cmd|' /C calc'!A0"}),
    ]
    for data, name in ((xlsx(grid(rows)), "ds.xlsx"), (csv_bytes(grid(rows)), "ds.csv")):
        outcome = import_file(io.BytesIO(data), name, commune_a)
        assert not outcome.ok
        assert {e.row for e in outcome.read.errors} == {2, 3, 4}
    assert not Student.objects.exists()


def test_html_in_a_name_is_refused_as_a_name(commune_a):
    outcome = import_file(
        io.BytesIO(xlsx(grid([pupil_row(1, **{"Họ và tên": "<script>alert(1)</script>"})]))), "d.xlsx", commune_a
    )
    assert [e.column for e in outcome.read.errors] == ["full_name"]
