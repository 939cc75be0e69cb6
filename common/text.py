"""Text as the imports and searches compare it: cleaned, and folded to plain lower-case ASCII.

`clean_text` is what is stored (NFC, single spaces, no invisible or control
characters); `fold` is what is compared ('Nguyễn  Văn Ấn' and 'nguyen van an'
are the same name).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from functools import lru_cache
from typing import Any

_INVISIBLE: dict[int, None] = dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff\u00ad"), None)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def clean_text(value: Any) -> str:
    """NFC, no invisible characters, single spaces, trimmed; numbers without '.0'."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        return value.strftime("%d/%m/%Y")
    return clean_str(str(value))


def clean_str(text: str) -> str:
    """`clean_text` of a string."""
    # The hot path of every import: C-level string methods only.
    if not text.isascii():
        text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    if not text.isprintable():
        # Control characters would break every .xlsx and .docx written later.
        text = _CONTROL.sub(" ", text)
    return " ".join(text.split())


def _fold_table() -> dict[int, str | None]:
    """Each precomposed Latin letter to its base letter; combining marks dropped."""
    table: dict[int, str | None] = {ord("đ"): "d", ord("Đ"): "d"}
    for code in range(0xC0, 0x2000):
        base = "".join(c for c in unicodedata.normalize("NFD", chr(code)) if not unicodedata.combining(c))
        if base != chr(code) and base.isascii():
            table[code] = base.lower()
    table.update(dict.fromkeys(range(0x300, 0x370)))
    return table


_FOLD = _fold_table()


def fold(value: Any) -> str:
    """Lower case without diacritics: 'Nguyễn  Văn Ấn' → 'nguyen van an'.

    Old and new tone-mark placement ('Hòa'/'Hoà') fold to the same key.
    """
    text = clean_str(value) if isinstance(value, str) else clean_text(value)
    return text.lower().translate(_FOLD) if not text.isascii() else text.lower()


# Categories (yes-marks, levels, schools, hamlets) repeat on every row.
fold_category = lru_cache(maxsize=8192, typed=True)(fold)
