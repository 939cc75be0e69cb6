"""Bank statements (sao kê) as the banks export them, built inside tests."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook

AGRIBANK_HEADER = ["STT", "Ngày giao dịch", "Số tham chiếu", "Ghi nợ", "Ghi có", "Số dư", "Nội dung", "Tên đối ứng"]

# (date with time, reference, debit, credit, description, counterpart); balance follows.
MIXED = [
    ("21/09/2021 08:15:02", "FT21264001", "", "2.000.000", "MBVCB.1234.uh kue3qf.NGUYEN VAN A chuyen tien", ""),
    ("21/09/2021 09:40", "FT21264002", "", "1.500.000", "UHABCDEF ung ho hoc sinh", "CONG TY MINH PHAT"),
    ("22/09/2021 10:02:11", "FT21265003", "", "500.000", "UH-MNPQR5 TRAN THI BICH ung ho", "TRAN THI BICH"),
    ("22/09/2021 14:30:00", "FT21265004", "", "300.000", "Ung ho hoc sinh ngheo", "LE VAN CUONG"),
    ("23/09/2021 07:55:00", "FT21266005", "1.000.000", "", "Thanh toan goi cuoc VNPT thang 9", "VNPT VINH PHUC"),
    ("23/09/2021 16:20:45", "FT21266006", "", "400.000", "UH MNPQR5 ung ho", "PHAM VAN DUNG"),
]
CLOSING = 3_700_000


def _money(text: str) -> int:
    digits = text.replace(".", "")
    return int(digits) if digits.isdigit() else 0


def statement_rows(rows=MIXED, opening: int = 0) -> list[list]:
    balance, out = opening, []
    for number, (when, reference, debit, credit, description, counterpart) in enumerate(rows, start=1):
        balance += _money(credit) - _money(debit)
        out.append([number, when, reference, debit, credit, f"{balance:,}".replace(",", "."), description, counterpart])
    return out


def agribank_xlsx(rows=MIXED, *, opening: int = 0) -> io.BytesIO:
    """Title rows, the header, transactions, a totals line, the closing balance and the signatures."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["NGÂN HÀNG NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN VIỆT NAM"])
    sheet.append(["SAO KÊ TÀI KHOẢN"])
    sheet.append(["Số tài khoản: 2900205123456", None, "Từ ngày 20/09/2021 đến ngày 25/09/2021"])
    sheet.append(["Số dư đầu kỳ:", None, None, None, None, opening])
    sheet.append([])
    sheet.append(AGRIBANK_HEADER)
    table = statement_rows(rows, opening)
    for row in table:
        sheet.append(row)
    debits = sum(_money(r[2]) for r in rows)
    credits = sum(_money(r[3]) for r in rows)
    sheet.append(["Cộng phát sinh", None, None, debits, credits])
    closing = opening + credits - debits
    sheet.append(["Số dư cuối kỳ", None, None, None, None, closing])
    sheet.append([])
    sheet.append([None, "Người lập biểu", None, None, "Kế toán trưởng"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def signed_csv(rows=MIXED) -> io.BytesIO:
    """Vietcombank-like: one signed amount, "Mã giao dịch", ISO dates with times, a totals line."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["SAO KE TAI KHOAN / ACCOUNT STATEMENT"])
    writer.writerow([])
    writer.writerow(["Ngày GD", "Mã giao dịch", "Số tiền", "Mô tả", "Số dư"])
    balance = 0
    for when, reference, debit, credit, description, _counterpart in rows:
        amount = _money(credit) - _money(debit)
        balance += amount
        day, month, rest = when[:2], when[3:5], when[6:]
        writer.writerow([f"{rest[:4]}-{month}-{day}{rest[4:]}", reference, f"{amount:+,}", description, balance])
    writer.writerow(["Tổng cộng", "", "", "", ""])
    return io.BytesIO(out.getvalue().encode("utf-8-sig"))


def xls_file(rows=MIXED) -> io.BytesIO:
    """VietinBank-like old .xls with "Phát sinh nợ"/"Phát sinh có"."""
    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet("Sao ke")
    sheet.write(0, 0, "NGÂN HÀNG TMCP CÔNG THƯƠNG VIỆT NAM")
    headers = ["Ngày hạch toán", "Số giao dịch", "Diễn giải", "Phát sinh nợ", "Phát sinh có"]
    for col, header in enumerate(headers):
        sheet.write(2, col, header)
    for index, (when, reference, debit, credit, description, _counterpart) in enumerate(rows, start=3):
        values = [when, reference, description, _money(debit) or "", _money(credit) or ""]
        for col, value in enumerate(values):
            sheet.write(index, col, value)
    sheet.write(len(rows) + 3, 0, "Tổng cộng")
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer
