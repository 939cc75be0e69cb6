"""Donation lists as the Front, associations and communes hand them over, built inside tests and benchmarks."""

from __future__ import annotations

import io

from openpyxl import Workbook

HEADERS = [
    "Đơn vị/Cá nhân ủng hộ",
    "Loại đơn vị",
    "Điện thoại",
    "Hình thức",
    "Số tiền",
    "Loại thiết bị",
    "Số lượng",
    "Tình trạng",
    "Đã nhận",
    "Ngày nhận",
    "Ghi chú",
]


def donation_row(**overrides) -> dict:
    row = dict.fromkeys(HEADERS)
    row.update({"Đơn vị/Cá nhân ủng hộ": "Công ty TNHH Minh Phát", "Loại đơn vị": "doanh nghiệp", "Hình thức": "tiền"})
    row["Số tiền"] = "5.000.000"
    row.update(overrides)
    return row


def xlsx_file(rows: list[dict], *, title: str = "DANH SÁCH ỦNG HỘ CHƯƠNG TRÌNH") -> io.BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([title])
    sheet.append([])
    sheet.append(HEADERS)
    for row in rows:
        sheet.append([row.get(header) for header in HEADERS])
    sheet.append(["Tổng cộng"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def generated_rows(count: int) -> list[dict]:
    """A mixed list: money, devices new and used, budget, telecom; a third already received."""
    kinds = ["tiền", "tiền", "thiết bị", "thiết bị", "ngân sách", "viễn thông"]
    types = ["máy tính xách tay", "máy tính bảng", "điện thoại thông minh", "máy tính để bàn"]
    rows = []
    for n in range(count):
        kind = kinds[n % len(kinds)]
        row = {
            "Đơn vị/Cá nhân ủng hộ": f"Nhà hảo tâm số {n}",
            "Loại đơn vị": "cá nhân" if n % 3 else "doanh nghiệp",
            "Điện thoại": f"09{n % 10}{n:07d}"[:10],
            "Hình thức": kind,
            "Đã nhận": "x" if n % 3 == 0 else None,
            "Ngày nhận": "23/09/2021" if n % 3 == 0 else None,
        }
        if kind in ("tiền", "ngân sách"):
            row["Số tiền"] = f"{(n % 50 + 1) * 100_000:,}".replace(",", ".") + " đ"
        elif kind == "thiết bị":
            row.update({"Loại thiết bị": types[n % 4], "Số lượng": n % 3 + 1, "Tình trạng": "mới" if n % 2 else "cũ"})
        else:
            row.update({"Số lượng": 50, "Ghi chú": "SIM 4 GB/ngày miễn phí 3 tháng"})
        rows.append(row)
    return rows
