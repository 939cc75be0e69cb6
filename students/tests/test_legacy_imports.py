"""Pupil lists typed in TCVN3, VNI-Windows or saved as Windows-1258 import as their Unicode twins (issue 17)."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from common.tests.legacy_files import to_tcvn3, to_vni, to_windows_1258, windows_1258_text
from students.importing import import_file
from students.models import Hamlet, SchoolLevel, Student, StudentUpload
from students.tests.factories import SchoolFactory
from students.tests.spreadsheet_files import BUILDERS, HEADERS, csv_bytes, grid, pupil_row
from students.upload_processing import annotated_file, process_upload

pytestmark = pytest.mark.django_db

SCHOOL = "Trường Tiểu học Vĩnh Tường"
# A real commune's list: names with every kind of letter, one typed in capitals, hamlets as offices write them.
ROWS = [
    pupil_row(1, **{"Họ và tên": "Nguyễn Văn Đức", "Họ tên phụ huynh": "Nguyễn Văn Thắng", "Thôn/Xóm": "Thôn Đông"}),
    pupil_row(2, **{"Họ và tên": "Đặng Thị Ánh", "Giới tính": "Nữ", "Họ tên phụ huynh": "Đặng Văn Lộc"}),
    pupil_row(3, **{"Họ và tên": "HỒ BẢO HƯƠNG", "Giới tính": "Nữ", "Thôn/Xóm": "THÔN ĐÔNG II"}),
    pupil_row(4, **{"Họ và tên": "Trần Thị Thu Hà", "Giới tính": "Nữ", "Hoàn cảnh": "bố/mẹ mất do COVID-19"}),
    pupil_row(5, **{"Họ và tên": "Lưu Quang Vũ", "Họ tên phụ huynh": "Lưu Thị Hường", "Thôn/Xóm": "Xóm Chùa"}),
    pupil_row(6, **{"Họ và tên": "Khổng Thị Ngọc Yến", "Giới tính": "Nữ", "Hoàn cảnh": "hộ cận nghèo; khuyết tật"}),
    pupil_row(7, **{"Họ và tên": "Bùi Xuân Trường", "Lớp": "5B", "Ngày sinh": "02/11/2010", "Thiếu Internet": "x"}),
]
for _row in ROWS:
    _row["Trường"] = SCHOOL

ENCODERS = {
    "TCVN3": lambda text: to_tcvn3(text),
    "VNI-Windows": lambda text: to_vni(text),
    "Windows-1258": lambda text: windows_1258_text(text),
}


def legacy_file(fmt: str, encoding: str) -> bytes:
    encode = ENCODERS[encoding]
    cells = [[encode(v) if isinstance(v, str) else v for v in row] for row in grid(ROWS)]
    if fmt != "csv":
        return BUILDERS[fmt](cells)
    text = csv_bytes(cells).decode("utf-8")
    if encoding == "Windows-1258":
        return to_windows_1258(text)
    return text.encode("latin-1")  # the 8-bit font's bytes, as a plain "CSV" save writes them


@pytest.fixture
def school(commune_a):
    return SchoolFactory(commune=commune_a, name=SCHOOL, level=SchoolLevel.PRIMARY)


def pupils() -> list[tuple]:
    fields = ("full_name", "birth_date", "gender", "class_name", "guardian_name", "hardships", "hamlet__name")
    return list(Student.objects.order_by("source_row").values_list(*fields))


@pytest.mark.parametrize("encoding", ENCODERS)
@pytest.mark.parametrize("fmt", ["xlsx", "xls", "ods", "csv"])
def test_a_legacy_file_imports_exactly_the_pupils_of_its_unicode_twin(fmt, encoding, commune_a, school):
    outcome = import_file(io.BytesIO(legacy_file(fmt, encoding)), f"ds.{fmt}", commune_a)

    assert outcome.ok, [(e.row, e.column, e.message) for e in outcome.read.errors] or outcome.read.file_error
    assert outcome.saved.created == len(ROWS)
    if encoding != "Windows-1258" or fmt == "csv":  # a workbook in Windows-1258's letters is Unicode already
        assert outcome.read.table.notices[0].startswith(f"Tệp dùng bảng mã {encoding}, đã chuyển sang Unicode")
    stored = pupils()
    assert [p[0] for p in stored] == [
        "Nguyễn Văn Đức", "Đặng Thị Ánh", "Hồ Bảo Hương", "Trần Thị Thu Hà", "Lưu Quang Vũ", "Khổng Thị Ngọc Yến",
        "Bùi Xuân Trường",
    ]  # fmt: skip
    assert stored[2][6] == "Thôn Đông II" and stored[5][5] == ["near_poor", "disability"]

    twin = import_file(io.BytesIO(BUILDERS[fmt](grid(ROWS))), f"ds.{fmt}", commune_a)

    assert twin.ok and twin.read.table.notices == []
    assert (twin.saved.created, twin.saved.updated, twin.saved.unchanged) == (0, 0, len(ROWS)), twin.saved.changes
    assert pupils() == stored
    assert Hamlet.objects.filter(commune=commune_a).count() == 3


def test_a_name_stored_in_another_case_keeps_the_typed_text_in_its_history(commune_a, school):
    outcome = import_file(io.BytesIO(legacy_file("xlsx", "TCVN3")), "ds.xlsx", commune_a)

    assert outcome.ok
    pupil = Student.objects.get(full_name="Hồ Bảo Hương")
    assert pupil.history.get().history_change_reason == "Họ và tên gõ trong tệp: “HỒ BẢO HƯƠNG”"
    assert Student.objects.get(full_name="Nguyễn Văn Đức").history.get().history_change_reason is None
    # .VnTime has no toned capitals: "Đặng Thị ánh" as typed, "Đặng Thị Ánh" as stored.
    assert Student.objects.get(full_name="Đặng Thị Ánh").history.get().history_change_reason.endswith("“Đặng Thị ánh”")


def test_the_uploader_sees_the_conversion_on_the_upload_and_in_the_marked_up_file(commune_a, school, tmp_path):
    from django.core.files.base import ContentFile

    rows = [*ROWS, pupil_row(8, **{"Họ và tên": "Ngô Thị Lan", "Ngày sinh": "31/02/2013", "Trường": SCHOOL})]
    cells = [[to_tcvn3(v) if isinstance(v, str) else v for v in row] for row in grid(rows, HEADERS)]
    upload = StudentUpload.objects.create(commune=commune_a, original_name="ds.xlsx")
    upload.original_file.save("ds.xlsx", ContentFile(BUILDERS["xlsx"](cells)))

    upload = process_upload(upload.pk)

    assert upload.status == StudentUpload.Status.INVALID
    assert upload.message.startswith("Tệp dùng bảng mã TCVN3, đã chuyển sang Unicode")
    workbook = load_workbook(io.BytesIO(annotated_file(upload)))
    sheet = workbook.worksheets[0]
    assert sheet.cell(row=2, column=2).value == "Nguyễn Văn Đức"  # the marked-up copy is in Unicode
    assert workbook.worksheets[1].cell(row=1, column=1).value.startswith("Tệp dùng bảng mã TCVN3")


def test_the_command_line_says_what_was_converted(commune_a, school, tmp_path, capsys):
    from django.core.management import call_command

    path = tmp_path / "danh-sach.csv"
    path.write_bytes(legacy_file("csv", "VNI-Windows"))

    call_command("import_students", str(path), "--commune", commune_a.code)

    out = capsys.readouterr().out
    assert out.startswith("Tệp dùng bảng mã VNI-Windows, đã chuyển sang Unicode (60 ô).")
    assert "7 dòng; thêm mới 7" in out


def test_the_upload_page_shows_the_conversion_also_when_the_list_has_errors(client, commune_a, commune_a_official):
    from django.urls import reverse

    upload = StudentUpload.objects.create(
        commune=commune_a,
        original_name="ds.xlsx",
        status=StudentUpload.Status.INVALID,
        message="Tệp dùng bảng mã TCVN3, đã chuyển sang Unicode (12 ô).",
        error_count=1,
        errors=[{"row": 3, "column": "Ngày sinh", "message": "31/02/2013 không phải ngày có thật."}],
    )
    client.force_login(commune_a_official)
    page = client.get(reverse("students:upload-detail", args=[commune_a.code, upload.pk])).content.decode()
    assert "Tệp dùng bảng mã TCVN3, đã chuyển sang Unicode (12 ô)." in page
