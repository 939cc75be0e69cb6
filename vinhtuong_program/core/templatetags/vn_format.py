from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def vnd(value) -> str:
    """1500000 -> '1.500.000 ₫', the way amounts are written in the district."""
    if value in (None, ""):
        return ""
    try:
        amount = int(value)
    except (TypeError, ValueError):
        return ""
    sign = "-" if amount < 0 else ""
    return f"{sign}{abs(amount):,}".replace(",", ".") + " ₫"


@register.filter
def person_name(user) -> str:
    """Vietnamese order, family name first: 'Nguyễn Hồng Long', else the username; '' for nobody."""
    if user is None:
        return ""
    full = f"{user.last_name} {user.first_name}".strip()
    return full or user.get_username()
