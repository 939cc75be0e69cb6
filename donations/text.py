"""Text helpers of donations: folding for search, phone numbers, amounts (shared parsers live in students)."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from students.spreadsheets import fold, parse_int, parse_phone

__all__ = ["LANDLINE_RE", "fold", "normalise_phone", "parse_amount", "parse_contact_phone"]

# Landlines: 02 + area code + number, 11 digits (Vĩnh Phúc is 0211).
LANDLINE_RE = re.compile(r"^02\d{9}$")


def normalise_phone(value: object) -> str:
    """Digits of a phone number with the leading 0 (+84 and a dropped 0 restored), for comparing."""
    digits = re.sub(r"\D", "", str(value or ""))
    if digits.startswith("84") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    elif len(digits) in (9, 10) and not digits.startswith("0"):
        digits = "0" + digits
    return digits


def parse_contact_phone(value: object) -> str:
    """A Vietnamese mobile (10 digits) or landline (11 digits, 02…); ValueError with a Vietnamese message."""
    try:
        return parse_phone(value)
    except ValueError:
        digits = normalise_phone(value)
        if LANDLINE_RE.match(digits):
            return digits
        raise


def parse_amount(value: object) -> int:
    """5000000, "5.000.000", "5.000.000 đ" → 5000000; zero and negative amounts are refused."""
    amount = parse_int(value)
    if amount <= 0:
        raise ValueError(_("The amount must be more than 0 ₫."))
    return amount
