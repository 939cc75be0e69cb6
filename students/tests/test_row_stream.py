"""The pupil import reads a list row by row (issue 16) and sees exactly what the whole-sheet reader sees."""

from __future__ import annotations

import io

import pytest
from django.utils import translation

from common.spreadsheets.reader import read_table
from common.spreadsheets.row_stream import stream_table
from common.spreadsheets.table import SpreadsheetError
from common.tests.legacy_files import to_tcvn3
from students.importing import import_file
from students.models import SchoolLevel
from students.pupil_columns import STUDENT_COLUMNS
from students.tests.factories import SchoolFactory
from students.tests.spreadsheet_files import BUILDERS, csv_bytes, grid, pupil_row

FORMATS = sorted(BUILDERS)


def _shifted(cells: list[list], rows: int, columns: int) -> list[list]:
    """The list moved down and right: empty rows above, empty columns on the left."""
    return [[] for _ in range(rows)] + [[""] * columns + line for line in cells]


def _streamed(data: bytes, name: str) -> tuple[list[tuple[int, dict]], list[str], int, dict]:
    streamed = stream_table(io.BytesIO(data), name, STUDENT_COLUMNS)
    rows = [(row.number, row.values) for row in streamed.rows]
    return rows, streamed.table.notices, streamed.table.header_row, streamed.table.column_numbers


def _whole(data: bytes, name: str) -> tuple[list[tuple[int, dict]], list[str], int, dict]:
    table = read_table(io.BytesIO(data), name, STUDENT_COLUMNS)
    return [(row.number, row.values) for row in table.rows], table.notices, table.header_row, table.column_numbers


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_list_away_from_the_corner_streams_as_the_whole_sheet_reads_it(fmt):
    rows = [pupil_row(n) for n in range(1, 6)]
    rows.insert(2, {})  # a blank row is skipped, the numbers stay Excel's
    cells = _shifted(grid(rows, title_rows=[["DANH SÁCH HỌC SINH"]]), rows=2, columns=3)
    cells.append(["", "", "", "Tổng cộng: 5"])
    cells.append(["", "", "", "Nguyễn Văn Ngoài Bảng"])  # below the footer: never a pupil
    data = BUILDERS[fmt](cells)
    streamed = _streamed(data, f"ds.{fmt}")
    assert streamed == _whole(data, f"ds.{fmt}")
    numbers = [number for number, _values in streamed[0]]
    assert numbers == [5, 6, 8, 9, 10]
    assert streamed[0][0][1]["full_name"] == "Nguyễn Văn An"


@pytest.mark.parametrize("fmt", FORMATS)
def test_legacy_font_text_below_the_footer_is_counted_in_the_notice_as_before(fmt):
    """The notice counts every converted cell of the file, as the whole-sheet reader does."""
    cells = grid([pupil_row(n, **{"Họ và tên": to_tcvn3("Nguyễn Văn Đức")}) for n in range(1, 4)])
    cells += [["Tổng cộng"], [to_tcvn3("Người lập biểu")], [to_tcvn3("Trần Thị Hương")]]
    data = BUILDERS[fmt](cells)
    streamed, whole = _streamed(data, f"ds.{fmt}"), _whole(data, f"ds.{fmt}")
    assert streamed == whole
    assert streamed[1] and streamed[0][0][1]["full_name"] == "Nguyễn Văn Đức"


@pytest.mark.django_db
def test_a_csv_damaged_far_down_is_refused_whole_with_a_vietnamese_message(commune_a):
    SchoolFactory(name="Trường Tiểu học Thử", level=SchoolLevel.PRIMARY, commune=commune_a)
    good = csv_bytes(grid([pupil_row(n) for n in range(1, 40)]))
    data = good + b'40,"Nguy\xe1\xbb\x85n' + b"x" * 200_000  # a quote never closed, a cell past csv's limit
    with translation.override("vi"):
        outcome = import_file(io.BytesIO(data), "ds.csv", commune_a)
    assert not outcome.ok and outcome.saved is None
    assert outcome.read.table is None and not outcome.read.errors and not outcome.read.rows
    assert outcome.read.file_error.startswith("Tệp CSV bị hỏng")
    with pytest.raises(SpreadsheetError):
        read_table(io.BytesIO(data), "ds.csv", STUDENT_COLUMNS)
