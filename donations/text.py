"""Folding of names for accent-insensitive search ("Nguyễn Văn Đức" → "nguyen van duc")."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(value: object) -> str:
    text = unicodedata.normalize("NFD", str(value or "")).replace("đ", "d").replace("Đ", "D")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _SPACES.sub(" ", text).strip().lower()


def normalise_phone(value: object) -> str:
    """Digits of a Vietnamese phone number with the leading 0 (+84 and a dropped 0 restored)."""
    digits = re.sub(r"\D", "", str(value or ""))
    if digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    elif len(digits) == 9:
        digits = "0" + digits
    return digits


PHONE_RE = re.compile(r"^0\d{9}$")


_AMOUNT_SUFFIX = re.compile(r"\s*(₫|đ|đồng|vnd|vnđ|d)\.?\s*$", re.IGNORECASE)
_GROUPED = re.compile(r"^\d{1,3}([.,\s]\d{3})+$")


def parse_amount(value: object) -> int:
    """5000000, "5.000.000", "5,000,000", "5 000 000 đ" → 5000000; ValueError otherwise."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(value)
        return int(value)
    text = _AMOUNT_SUFFIX.sub("", str(value or "").strip()).strip()
    if text.startswith("-"):
        raise ValueError(value)
    if text.isdigit():
        return int(text)
    if _GROUPED.match(text):
        return int(re.sub(r"[.,\s]", "", text))
    raise ValueError(value)
