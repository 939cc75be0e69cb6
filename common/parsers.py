"""The values people type in lists and forms: dates, yes-marks, whole numbers and amounts, identifiers.

Each parser takes a cell or a form value as it comes and returns the value, or
raises ValueError with a message for the user. Phone numbers: common/phones.py.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

from django.utils.translation import gettext as _

from common.text import clean_text, fold_category

_DATE_TEXT = re.compile(r"^(\d{1,2})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T].*)?$")
_EXCEL_EPOCH = date(1899, 12, 30)


def parse_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and 1 <= value < 100_000:
        return _EXCEL_EPOCH + timedelta(days=int(value))
    text = clean_text(value)
    match = _DATE_TEXT.match(text)
    if match:
        day, month, year = (int(part) for part in match.groups())
    else:
        match = _ISO_DATE.match(text)
        if not match:
            raise ValueError(_("“%(value)s” is not a date; write it as dd/mm/yyyy.") % {"value": text})
        year, month, day = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(_("%(value)s is not a real date.") % {"value": text}) from None


_YES = {"x", "co", "1", "true", "yes", "c", "v", "✓", "✔"}
_NO = {"", "khong", "0", "false", "no", "k"}


def parse_yes(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    folded = fold_category(value)
    if folded in _YES:
        return True
    if folded in _NO:
        return False
    raise ValueError(
        _("“%(value)s” is not a yes-mark; write x for yes or leave it empty.") % {"value": clean_text(value)}
    )


_MONEY_WORDS = re.compile(r"(?i)\s*(vnđ|vnd|đồng|dong|đ|₫|d)\.?\s*$")


def parse_int(value: Any) -> int:
    """A whole number as people type it: 5000000, '5.000.000', '5,000,000 đ', 5000000.0."""
    if isinstance(value, bool):
        raise ValueError(_("“%(value)s” is not a number.") % {"value": value})
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise ValueError(_("%(value)s is not a whole number.") % {"value": value})
    text = _MONEY_WORDS.sub("", clean_text(value))
    compact = text.replace(" ", "")
    if re.fullmatch(r"-?\d{1,3}([.,]\d{3})+", compact):
        compact = compact.replace(".", "").replace(",", "")
    if not re.fullmatch(r"-?\d+", compact):
        raise ValueError(_("“%(value)s” is not a number.") % {"value": clean_text(value)})
    return int(compact)


def parse_digits(value: Any, length: int, *, restore_leading_zero: bool = False) -> str:
    """An identifier of `length` digits, also when Excel stored it as a number."""
    # Most cells of an import are already right: clean ASCII digits of the right length (the checks
    # below would give back the same text).
    if value.__class__ is str and value.isdigit() and value.isascii():
        if len(value) == length:
            return value
        if restore_leading_zero and len(value) == length - 1:
            return "0" + value
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(_("“%(value)s” is not an identifier.") % {"value": value})
        value = int(value)
    text = clean_text(value).replace(" ", "").replace(".", "")
    if re.fullmatch(r"\d+(,\d+)?[eE]\+?\d+", text):
        raise ValueError(
            _("Excel turned this number into “%(value)s” and lost its digits; format the column as Text.")
            % {"value": text}
        )
    if restore_leading_zero and len(text) == length - 1 and text.isdigit():
        text = "0" + text
    if not (len(text) == length and text.isdigit()):
        raise ValueError(
            _("“%(value)s” must have exactly %(length)s digits.") % {"value": clean_text(value), "length": length}
        )
    return text
