"""A sheet is measured from its cells before any reader allocates it (issue 16)."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
import xlwt
from openpyxl import Workbook

from common.spreadsheets.sheet_extent import Extent, check_extent, column_letters
from common.spreadsheets.table import SpreadsheetError
from students.hamlets import hamlets_import
from students.importing import import_file
from students.models import Commune, SchoolLevel, Student
from students.school_import import import_school_file
from students.tests.factories import SchoolFactory
from students.tests.spreadsheet_files import HEADERS, csv_bytes, grid, ods, pupil_row, xls, xlsx

pytestmark = pytest.mark.django_db


def far_cell_xlsx(row: int = 1_048_576, column: int = 16_384) -> bytes:
    """The attacker's file: a header row and one value at XFD1048576, a few KB."""
    workbook = Workbook()
    sheet = workbook.active
    for number, header in enumerate(HEADERS, start=1):
        sheet.cell(row=1, column=number, value=header)
    sheet.cell(row=row, column=column, value="x")
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def rewrite_sheet(data: bytes, change) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = change(content)
            target.writestr(item.filename, content)
    return out.getvalue()


@pytest.fixture(autouse=True)
def school(commune_a):
    return SchoolFactory(commune=commune_a, name="Trường Tiểu học Thử", level=SchoolLevel.PRIMARY)


def refusal(commune, data: bytes, name: str) -> str:
    outcome = import_file(io.BytesIO(data), name, commune)
    assert not outcome.ok
    assert not Student.objects.exists()
    return outcome.read.file_error


def test_the_far_cell_xlsx_is_refused_before_it_is_read(commune_a):
    data = far_cell_xlsx()
    assert len(data) < 10_000
    message = refusal(commune_a, data, "danh-sach.xlsx")
    assert "XFD" in message and "1.048.576" in message
    assert "tối đa" in message


@pytest.mark.parametrize(
    "change",
    [
        # The <dimension> tag lies: it says the sheet is small.
        lambda xml: re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:B2"/>', xml),
        # Cells without their place: a reader puts them after the previous one, on the row's own number.
        lambda xml: xml.replace(b'<c r="XFD1048576"', b"<c"),
        # A cell naming a row far below its row tag.
        lambda xml: xml.replace(b'<row r="1048576"', b'<row r="2"'),
        # The main namespace under a prefix.
        lambda xml: re.sub(rb"<(/?)(\w+)", rb"<\1x:\2", xml).replace(
            b'xmlns="http://schemas', b'xmlns:x="http://schemas'
        ),
    ],
    ids=["lying-dimension", "cells-without-place", "cell-below-its-row", "prefixed"],
)
def test_every_way_of_writing_a_far_cell_is_seen(commune_a, change):
    message = refusal(commune_a, rewrite_sheet(far_cell_xlsx(), change), "danh-sach.xlsx")
    assert "1.048.576" in message


def test_a_far_column_is_refused_and_a_formatted_empty_cell_is_not(commune_a):
    assert "XFD" in refusal(commune_a, far_cell_xlsx(row=3), "danh-sach.xlsx")
    # LibreOffice writes formatted but empty cells far to the right: no reader keeps them.
    data = xlsx(grid([pupil_row(1)]))
    data = rewrite_sheet(data, lambda xml: xml.replace(b"</row>", b'<c r="AMJ1" s="0"/></row>', 1))
    assert import_file(io.BytesIO(data), "danh-sach.xlsx", commune_a).ok


def test_a_sheet_over_the_cell_limit_is_refused(commune_a, settings):
    settings.SPREADSHEET_MAX_CELLS = 1000
    assert "số ô lớn bất thường" in refusal(commune_a, far_cell_xlsx(row=200, column=100), "danh-sach.xlsx")


def test_a_list_over_the_row_limit_is_refused_in_every_format(commune_a, settings):
    settings.SPREADSHEET_MAX_ROWS = 20
    cells = grid([pupil_row(n) for n in range(1, 26)])
    for name, data in [
        ("a.xlsx", xlsx(cells)),
        ("a.xls", xls(cells)),
        ("a.ods", ods(cells)),
        ("a.csv", csv_bytes(cells)),
    ]:
        assert "tối đa 20 dòng" in refusal(commune_a, data, name), name
    settings.SPREADSHEET_MAX_ROWS = 30
    assert not import_file(io.BytesIO(xlsx(cells)), "a.xlsx", commune_a).read.file_error


def _ods_with(rows_xml: str) -> bytes:
    data = ods([["STT"]])
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "content.xml":
                content = re.sub(rb"<table:table-row>.*</table:table-row>", rows_xml.encode(), content)
            target.writestr(item.filename, content)
    return out.getvalue()


def test_an_ods_row_repeated_a_million_times_with_a_value_is_refused(commune_a):
    value = '<table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell>'
    data = _ods_with(f'<table:table-row table:number-rows-repeated="1048576">{value}</table:table-row>')
    assert "1.048.576" in refusal(commune_a, data, "danh-sach.ods")
    wide = '<table:table-row><table:table-cell table:number-columns-repeated="16384" office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>'  # noqa: E501
    assert "XFD" in refusal(commune_a, _ods_with(wide), "danh-sach.ods")


def test_an_ods_with_libreoffice_trailing_empty_rows_and_columns_is_read(commune_a):
    data = ods(grid([pupil_row(1)]))
    trailing = (
        '<table:table-row table:number-rows-repeated="1048000">'
        '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
    )
    data = rewrite_ods(data, lambda xml: xml.replace(b"</table:table>", trailing.encode() + b"</table:table>"))
    check_extent(data, ".ods")
    assert import_file(io.BytesIO(data), "danh-sach.ods", commune_a).ok


def rewrite_ods(data: bytes, change) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            target.writestr(item.filename, change(content) if item.filename == "content.xml" else content)
    return out.getvalue()


def _xls_far_cell(row: int, column: int) -> bytes:
    workbook = xlwt.Workbook(encoding="utf-8")
    sheet = workbook.add_sheet("Danh sach")
    for number, header in enumerate(HEADERS):
        sheet.write(0, number, header)
    sheet.write(row, column, "x")
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_an_xls_with_a_far_cell_is_refused(commune_a):
    message = refusal(commune_a, _xls_far_cell(65_535, 255), "danh-sach.xls")
    assert "IV" in message


def test_an_xls_whose_dimensions_record_lies_is_refused(commune_a, settings):
    settings.SPREADSHEET_MAX_ROWS = 1000
    data = xls(grid([pupil_row(1)]))
    # DIMENSIONS (0x0200, 14 bytes): first row, last row + 1, first column, last column + 1.
    at = data.index(b"\x00\x02\x0e\x00")
    data = data[: at + 4] + (0).to_bytes(4, "little") + (60_000).to_bytes(4, "little") + data[at + 12 :]
    assert "60.000" in refusal(commune_a, data, "danh-sach.xls")


def test_small_and_large_xls_files_are_measured_and_read(commune_a):
    # A small workbook sits in the compound file's mini stream, a large one in ordinary sectors.
    assert import_file(io.BytesIO(xls(grid([pupil_row(1)]))), "a.xls", commune_a).ok
    rows = [pupil_row(n, **{"Họ và tên": f"Nguyễn Văn {chr(65 + n % 26)}{'a' * (n // 26)}"}) for n in range(1, 60)]
    data = xls(grid(rows))
    assert len(data) > 8192
    check_extent(data, ".xls")


@pytest.mark.parametrize(
    ("extension", "data"),
    [
        (".xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600),
        (".xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"),
        (".ods", b"PK\x03\x04"),
    ],
)
def test_a_damaged_file_is_refused_by_the_measure(extension, data):
    with pytest.raises(SpreadsheetError):
        check_extent(data, extension)


def test_the_far_cell_is_refused_by_every_import(commune_a, education_office_user):
    data = far_cell_xlsx()
    schools = import_school_file(io.BytesIO(data), "truong.xlsx")
    assert "XFD" in schools.file_error
    hamlets = hamlets_import(file=io.BytesIO(data), filename="thon.xlsx", communes=Commune.objects.all())
    assert "XFD" in hamlets.errors[0]["message"]
    from donations.importing import import_file as import_donations

    assert "XFD" in import_donations(io.BytesIO(data), "ung-ho.xlsx").file_error


def test_column_letters_and_the_extent_check():
    assert [column_letters(n) for n in (1, 26, 27, 200, 16_384)] == ["A", "Z", "AA", "GR", "XFD"]
    with pytest.raises(SpreadsheetError):
        from common.spreadsheets.sheet_extent import check

        check(Extent(rows=1, columns=16_384))


def test_lists_imported_in_the_request_have_a_lower_row_limit(commune_a, settings):
    settings.REQUEST_IMPORT_MAX_ROWS = 5
    rows = [["Xã/Thị trấn", "Thôn/Xóm"], *[[commune_a.name, f"Thôn {n}"] for n in range(1, 9)]]
    result = hamlets_import(file=io.BytesIO(xlsx(rows)), filename="thon.xlsx", communes=Commune.objects.all())
    assert "tối đa 5 dòng" in result.errors[0]["message"]
    settings.REQUEST_IMPORT_MAX_ROWS = 50
    assert hamlets_import(file=io.BytesIO(xlsx(rows)), filename="thon.xlsx", communes=Commune.objects.all()).ok
    # The pupil list, read by the worker, keeps the general limit.
    settings.REQUEST_IMPORT_MAX_ROWS = 1
    assert not refusal_or_none(commune_a, xlsx(grid([pupil_row(1), pupil_row(2)])))


def refusal_or_none(commune, data: bytes) -> str:
    return import_file(io.BytesIO(data), "ds.xlsx", commune).read.file_error


def _sheet_with(**cells) -> bytes:
    workbook = Workbook()
    for reference, value in cells.items():
        workbook.active[reference] = value
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _namespace_prefixed(xml: bytes) -> bytes:
    return re.sub(rb"<(/?)(\w+)", rb"<\1x:\2", xml).replace(b'xmlns="http://schemas', b'xmlns:x="http://schemas')


@pytest.mark.parametrize(
    ("data", "has_formulas"),
    [
        (_sheet_with(A1="Họ và tên", A2="Nguyễn Văn An"), False),
        (_sheet_with(A1="Họ và tên", A2="=1+1"), True),
        # An autofilter's <filterColumn> is no formula.
        (
            rewrite_sheet(
                _sheet_with(A1="Lớp"),
                lambda xml: xml.replace(
                    b"</worksheet>", b'<autoFilter ref="A1:A1"><filterColumn colId="0"/></autoFilter></worksheet>'
                ),
            ),
            False,
        ),  # noqa: E501
        # Read the slow way (cells under a namespace prefix), the formula is seen all the same.
        (rewrite_sheet(_sheet_with(A1="Họ và tên", A2="=1+1"), _namespace_prefixed), True),
        (rewrite_sheet(_sheet_with(A1="Họ và tên", A2="An"), _namespace_prefixed), False),
    ],
    ids=["values", "formula", "autofilter", "prefixed-formula", "prefixed-values"],
)
def test_the_extent_pass_tells_whether_an_xlsx_has_formulas(data, has_formulas):
    assert check_extent(data, ".xlsx") is has_formulas


def test_a_csv_never_has_formulas_to_keep():
    assert check_extent(b"Ho va ten\n=1+1\n", ".csv") is False
