"""Vietnamese phone numbers as people type them: "+84 912 345 678", "912345678" (Excel dropped the 0)."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _

from common.text import clean_text

_SEPARATORS = re.compile(r"[\s.\-()]")
_MOBILE = re.compile(r"^0(3[2-9]|5[2689]|7[06-9]|8[1-9]|9\d)\d{7}$")
# Landlines: 02 + area code + number, 11 digits (Vĩnh Phúc is 0211).
LANDLINE_RE = re.compile(r"^02\d{9}$")


def parse_phone(value: Any) -> str:
    """A Vietnamese mobile number as 10 digits starting with 0."""
    if value.__class__ is str and len(value) == 10 and value.isascii() and _MOBILE.match(value):
        return value  # as most cells of an import are: what the rest would give back
    digits = _SEPARATORS.sub("", clean_text(value))
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    elif len(digits) == 9 and digits.isdigit() and not digits.startswith("0"):
        digits = "0" + digits  # Excel dropped the leading zero.
    if not _MOBILE.match(digits):
        raise ValueError(
            _("“%(value)s” is not a Vietnamese mobile number (10 digits starting with 03, 05, 07, 08 or 09).")
            % {"value": clean_text(value)}
        )
    return digits


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
