"""The CSV files Excel writes on a Vietnamese Windows (issue 17)."""

from __future__ import annotations

import codecs
import io

import pytest

from common.spreadsheets.reader import read_table
from common.spreadsheets.table import SpreadsheetError
from common.tests.legacy_files import to_windows_1258
from students.pupil_columns import STUDENT_COLUMNS
from students.tests.spreadsheet_files import csv_bytes, grid, pupil_row

ROWS = [pupil_row(1, **{"Họ và tên": "Nguyễn Thị Ánh Tuyết"}), pupil_row(2, **{"Họ và tên": "Đỗ Văn Hưởng"})]
TEXT = csv_bytes(grid(ROWS)).decode("utf-8")
TAB_TEXT = csv_bytes(grid(ROWS), delimiter="\t").decode("utf-8")


def read(data: bytes):
    return read_table(io.BytesIO(data), "danh-sach.csv", STUDENT_COLUMNS)


@pytest.mark.parametrize(
    ("data", "notice"),
    [
        (TEXT.encode("utf-8"), None),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), None),
        (TAB_TEXT.encode("utf-16"), None),  # Excel's "Unicode text": BOM, little-endian, tab-separated
        (codecs.BOM_UTF16_BE + TAB_TEXT.encode("utf-16-be"), None),
        (to_windows_1258(TEXT), "Tệp dùng bảng mã Windows-1258, đã chuyển sang Unicode."),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-le", "utf-16-be", "windows-1258"],
)
def test_each_accepted_encoding_reads_the_same_names(data, notice):
    table = read(data)
    assert [row.values["full_name"] for row in table.rows] == ["Nguyễn Thị Ánh Tuyết", "Đỗ Văn Hưởng"]
    assert table.rows[0].values["school"] == "Trường Tiểu học Thử"
    assert table.notices == ([notice] if notice else [])


def test_windows_1258_tones_are_recomposed_to_nfc():
    data = to_windows_1258(TEXT)
    assert b"\xd0\xf4\xde" in data  # "Đỗ": Đ, ô and the combining tilde, as Windows-1258 stores it
    table = read(data)
    assert table.rows[1].values["full_name"] == "Đỗ Văn Hưởng"
    assert table.grid[2][1] == "Đỗ Văn Hưởng"  # NFC in the grid too: the marked-up copy matches


@pytest.mark.parametrize(
    "data",
    [
        "Họ tên,東京,大阪\n".encode("shift_jis", errors="replace"),
        "Фамилия,Имя\nИванов,Иван\n".encode("koi8_r"),
        "Name,City\nJosé Müller,Straße\n".encode("cp1252"),
        "Họ tên,Lớp\nNguyễn Văn An,3A\n".encode("utf-16-le"),  # UTF-16 without its BOM
    ],
    ids=["shift-jis", "koi8-r", "windows-1252", "utf-16-no-bom"],
)
def test_any_other_encoding_is_refused_with_how_to_save_it(data):
    with pytest.raises(SpreadsheetError) as refused:
        read(data)
    message = str(refused.value)
    assert "UTF-8" in message and "Windows-1258" in message and "UTF-16" in message
    assert "CSV UTF-8 (Comma delimited)" in message
