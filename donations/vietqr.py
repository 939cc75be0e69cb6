"""VietQR: the NAPAS / EMVCo merchant-presented payload of a bank transfer, and its image.

No maintained Python library was found on PyPI (the few VietQR packages are single releases
by one author each), and the format is a page long: ID (2 digits) + length (2 digits) + value,
CRC-16/CCITT-FALSE last. Tested against published payloads (donations/tests/test_vietqr.py).
"""

from __future__ import annotations

import base64
import io
import re
from dataclasses import dataclass

import segno

from common.text import fold
from donations.banks import Bank, bank_for, clean_account_number

GUID = "A000000727"
SERVICE_TO_ACCOUNT = "QRIBFTTA"
CURRENCY_VND = "704"
COUNTRY = "VN"
# Field 62/08 holds up to 25 characters, and banking apps keep about that much: the code goes first.
DESCRIPTION_MAX = 25


def crc16_ccitt_false(data: str) -> str:
    """CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection, no final XOR) as 4 hex digits."""
    crc = 0xFFFF
    for byte in data.encode("utf-8"):
        crc ^= byte << 8
        for _bit in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
            crc &= 0xFFFF
    return f"{crc:04X}"


def _field(tag: str, value: str) -> str:
    if len(value) > 99:
        raise ValueError(f"VietQR field {tag} is longer than 99 characters")
    return f"{tag}{len(value):02d}{value}"


def description(code: str, text: str = "") -> str:
    """The transfer description: the pledge code, then as much of the programme's text as fits, ASCII only."""
    plain = re.sub(r"[^A-Za-z0-9 ]+", " ", fold(text)).upper()
    result = " ".join(f"{code} {plain}".split())
    return result[:DESCRIPTION_MAX].rstrip()


def payload(*, bin: str, account: str, amount: int | None = None, note: str = "") -> str:
    """The payload string; dynamic (01=12) with an amount, static (01=11) without."""
    if not (re.fullmatch(r"\d{6}", bin) and clean_account_number(account) == account):
        raise ValueError("VietQR needs a 6-digit BIN and an account number of 6 to 19 digits")
    beneficiary = _field("00", bin) + _field("01", account)
    merchant = _field("00", GUID) + _field("01", beneficiary) + _field("02", SERVICE_TO_ACCOUNT)
    parts = [_field("00", "01"), _field("01", "12" if amount else "11"), _field("38", merchant)]
    parts.append(_field("53", CURRENCY_VND))
    if amount:
        parts.append(_field("54", str(int(amount))))
    parts.append(_field("58", COUNTRY))
    if note:
        parts.append(_field("62", _field("08", note)))
    body = "".join(parts) + "6304"
    return body + crc16_ccitt_false(body)


def parse(text: str) -> dict[str, str]:
    """Top-level and nested fields of a payload ("38.01.01" for the account); ValueError on a bad CRC."""
    if len(text) < 8 or text[-8:-4] != "6304" or crc16_ccitt_false(text[:-4]) != text[-4:].upper():
        raise ValueError("bad VietQR CRC")
    fields: dict[str, str] = {}

    def walk(data: str, prefix: str) -> None:
        index = 0
        while index < len(data):
            tag, length = data[index : index + 2], int(data[index + 2 : index + 4])
            value = data[index + 4 : index + 4 + length]
            key = f"{prefix}{tag}"
            fields[key] = value
            if key in ("38", "38.01", "62"):
                walk(value, key + ".")
            index += 4 + length

    walk(text, "")
    return fields


@dataclass(frozen=True)
class Transfer:
    """What a donor's banking app needs, for one pledge."""

    bank: Bank
    account: str
    holder: str
    amount: int
    note: str

    @property
    def payload(self) -> str:
        return payload(bin=self.bank.bin, account=self.account, amount=self.amount, note=self.note)

    def svg_data_uri(self) -> str:
        """The QR as an SVG data: URI (img-src allows data:), 8 px modules: about 4 cm when printed."""
        return segno.make(self.payload, error="m", micro=False).svg_data_uri(scale=8, border=4)

    def png(self, scale: int = 10) -> bytes:
        buffer = io.BytesIO()
        segno.make(self.payload, error="m", micro=False).save(buffer, kind="png", scale=scale, border=4)
        return buffer.getvalue()

    def png_data_uri(self) -> str:
        return "data:image/png;base64," + base64.b64encode(self.png()).decode("ascii")


def account_problem(account) -> str:
    """Why the programme's account cannot have a QR ('' when it can): for the staff home."""
    if not account.account_number:
        return "missing"
    if clean_account_number(account.account_number) is None:
        return "account"
    if bank_for(account.bank_name) is None:
        return "bank"
    return ""


def transfer_for(account, *, code: str, amount: int) -> Transfer | None:
    """The transfer for `amount` still owed on pledge `code`, or None: never a QR to a wrong account."""
    if amount <= 0 or account_problem(account):
        return None
    bank, number = bank_for(account.bank_name), clean_account_number(account.account_number)
    if bank is None or number is None:  # account_problem said so already; for the type checker
        return None
    return Transfer(
        bank=bank,
        account=number,
        holder=account.account_holder,
        amount=amount,
        note=description(code, account.transfer_note or "Song va may tinh cho em"),
    )


def owed_cash(pledge) -> int:
    """What the pledge's cash lines still owe (receipts counted), in đồng."""
    from donations.models import PledgeLine

    lines = pledge.lines.with_received().filter(kind=PledgeLine.Kind.CASH, cancelled=False)
    return sum(line.outstanding_units for line in lines)


def pledge_transfer(pledge, account=None) -> Transfer | None:
    """The VietQR of what `pledge` still owes in cash, or None (nothing owed, or no usable account)."""
    from donations.models import ProgrammeAccount

    return transfer_for(account or ProgrammeAccount.get(), code=pledge.reference_code, amount=owed_cash(pledge))
