"""Text helpers of donations: amounts, and folding for search (phone numbers: common.phones)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from common.parsers import parse_int
from common.text import fold

__all__ = ["fold", "parse_amount"]


def parse_amount(value: object) -> int:
    """5000000, "5.000.000", "5.000.000 đ" → 5000000; zero and negative amounts are refused."""
    amount = parse_int(value)
    if amount <= 0:
        raise ValueError(_("The amount must be more than 0 ₫."))
    return amount
