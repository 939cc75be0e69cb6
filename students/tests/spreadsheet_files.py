"""Build the spreadsheets communes send, in every format, inside the tests."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime
from xml.sax.saxutils import escape

import xlwt
from openpyxl import Workbook

HEADERS = [
    "STT",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Mã định danh",
    "Mã học sinh",
    "Trường",
    "Lớp",
    "Cấp học",
    "Thôn/Xóm",
    "Họ tên phụ huynh",
    "SĐT phụ huynh",
    "Thiếu thiết bị",
    "Thiếu Internet",
    "Hoàn cảnh",
]


NAMES = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Hoàng Văn Giang", "Vũ Thị Hoa",
         "Đặng Văn Khánh", "Bùi Thị Lan", "Đỗ Văn Minh", "Ngô Thị Nga"]  # fmt: skip


def pupil_row(n: int = 1, **overrides) -> dict:
    row = {
        "STT": n,
        "Họ và tên": NAMES[(n - 1) % len(NAMES)],
        "Ngày sinh": "17/05/2012",
        "Giới tính": "Nam",
        "Mã định danh": "",
        "Mã học sinh": "",
        "Trường": "Trường Tiểu học Thử",
        "Lớp": "3A",
        "Cấp học": "Tiểu học",
        "Thôn/Xóm": "Thôn Đông",
        "Họ tên phụ huynh": "Nguyễn Văn Bình",
        "SĐT phụ huynh": "0912345678",
        "Thiếu thiết bị": "x",
        "Thiếu Internet": "",
        "Hoàn cảnh": "hộ nghèo",
    }
    row.update(overrides)
    return row


def grid(rows: list[dict], headers: list[str] = HEADERS, title_rows: list[list] = ()) -> list[list]:
    return [*map(list, title_rows), list(headers), *[[row.get(h, "") for h in headers] for row in rows]]


def xlsx(cells: list[list], merge: str | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for r, values in enumerate(cells, start=1):
        for c, value in enumerate(values, start=1):
            if value not in ("", None):
                sheet.cell(row=r, column=c, value=value)
    if merge:
        sheet.merge_cells(merge)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def xls(cells: list[list]) -> bytes:
    workbook = xlwt.Workbook(encoding="utf-8")
    sheet = workbook.add_sheet("Danh sach")
    date_style = xlwt.easyxf(num_format_str="dd/mm/yyyy")
    for r, values in enumerate(cells):
        for c, value in enumerate(values):
            if value in ("", None):
                continue
            if isinstance(value, date | datetime):
                sheet.write(r, c, value, date_style)
            else:
                sheet.write(r, c, value)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def ods(cells: list[list]) -> bytes:
    """A minimal OpenDocument spreadsheet, as LibreOffice writes one."""

    def cell(value) -> str:
        if value in ("", None):
            return "<table:table-cell/>"
        if isinstance(value, bool):
            return f'<table:table-cell office:value-type="boolean" office:boolean-value="{str(value).lower()}"/>'
        if isinstance(value, int | float):
            kind = 'office:value-type="float"'
            return f'<table:table-cell {kind} office:value="{value}"><text:p>{value}</text:p></table:table-cell>'
        if isinstance(value, date):
            iso = value.isoformat()
            kind = f'office:value-type="date" office:date-value="{iso}"'
            return f"<table:table-cell {kind}><text:p>{iso}</text:p></table:table-cell>"
        return f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p></table:table-cell>'

    rows = "".join("<table:table-row>" + "".join(cell(v) for v in values) + "</table:table-row>" for values in cells)
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="Danh sach">{rows}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def csv_bytes(cells: list[list], *, bom: bool = False, delimiter: str = ",") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows([["" if v is None else v for v in row] for row in cells])
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")


BUILDERS = {"xlsx": xlsx, "xls": xls, "ods": ods, "csv": csv_bytes}
