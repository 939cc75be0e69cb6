"""Vietnamese banks with their NAPAS BINs (reference data, `data/banks.csv` from ../shared/reference/BANKS.csv).

The programme's account names its bank in free text ("Agribank", "Ngân hàng Nông nghiệp…",
"VBA", "970405"); `bank_for` finds the row, or None when the name is not one bank exactly.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from common.text import fold

BANKS_CSV = Path(__file__).parent / "data" / "banks.csv"
# Vietnamese account numbers are digits; NAPAS allows up to 19 characters in field 38/01/01.
_ACCOUNT = re.compile(r"^[0-9]{6,19}$")


@dataclass(frozen=True)
class Bank:
    bin: str
    code: str
    short_name: str
    name: str


@lru_cache(maxsize=1)
def banks() -> tuple[Bank, ...]:
    with BANKS_CSV.open(encoding="utf-8") as handle:
        return tuple(Bank(row["bin"], row["code"], row["short_name"], row["name"]) for row in csv.DictReader(handle))


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", fold(text))


def bank_for(text: str) -> Bank | None:
    """The bank whose BIN, code, short name or full name is `text` (case, accents and spaces ignored)."""
    key = _key(text or "")
    if not key:
        return None
    for bank in banks():
        names = {bank.bin, _key(bank.code), _key(bank.short_name), _key(bank.name)}
        if key in names or key in {f"nganhang{_key(bank.short_name)}", f"{_key(bank.short_name)}bank"}:
            return bank
    # "Agribank chi nhánh Vĩnh Tường": a short name followed by the branch.
    found = {bank for bank in banks() if re.search(rf"\b{re.escape(fold(bank.short_name))}\b", fold(text))}
    return found.pop() if len(found) == 1 else None


def clean_account_number(text: str) -> str | None:
    """The account number without spaces or dots, or None when it is not one."""
    digits = re.sub(r"[\s.\-]", "", text or "")
    return digits if _ACCOUNT.match(digits) else None
