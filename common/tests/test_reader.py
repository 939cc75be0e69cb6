"""The reader with columns of its own: a title above the header, headers in any order or case, a footer below."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from common.spreadsheets.reader import read_table
from common.spreadsheets.table import Column, SpreadsheetError

COLUMNS = [
    Column("name", "Họ và tên", aliases=("Tên",), required=True),
    Column("phone", "Số điện thoại", aliases=("SĐT",), required=True),
    Column("note", "Ghi chú"),
]
GRID = [
    ["DANH SÁCH NHÀ TÀI TRỢ"],
    [],
    ["sđt", "HO VA TEN (*)", "Ghi chú"],
    ["0912345678", "  Nguyễn   Văn An ", None],
    [None, None, None],
    ["912345679", "Trần Thị Bình", "gọi buổi sáng"],
    ["Tổng cộng: 2", None, None],
    ["Người lập biểu", None, None],
]


def _xlsx(grid: list[list[object]]) -> bytes:
    workbook = Workbook()
    for row in grid:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _csv(grid: list[list[object]]) -> bytes:
    return "\n".join(",".join("" if cell is None else str(cell) for cell in row) for row in grid).encode()


@pytest.mark.parametrize(("name", "build"), [("list.xlsx", _xlsx), ("list.csv", _csv)])
def test_rows_keep_the_number_excel_shows_and_stop_at_the_footer(name, build):
    table = read_table(io.BytesIO(build(GRID)), name, COLUMNS)
    assert table.header_row == 3
    assert table.column_numbers == {"phone": 1, "name": 2, "note": 3}
    assert [(row.number, row.values["name"]) for row in table.rows] == [(4, "Nguyễn Văn An"), (6, "Trần Thị Bình")]
    assert table.rows[1].values["note"] == "gọi buổi sáng"


def test_a_list_without_a_required_column_is_refused_with_its_header():
    grid = [["Họ và tên", "Ghi chú"], ["Nguyễn Văn An", ""]]
    with pytest.raises(SpreadsheetError, match="Số điện thoại|No header row"):
        read_table(io.BytesIO(_xlsx(grid)), "list.xlsx", COLUMNS)


def test_what_is_not_a_spreadsheet_is_refused_before_it_is_parsed():
    with pytest.raises(SpreadsheetError):
        read_table(io.BytesIO(b"%PDF-1.7"), "list.pdf", COLUMNS)
    with pytest.raises(SpreadsheetError):
        read_table(io.BytesIO(b"not a zip"), "list.xlsx", COLUMNS)
