from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.filter(name="vnd")
def vnd_html(value) -> SafeString | str:
    """The amount as `vnd` writes it, in a `.money` span that never breaks across lines (site.css)."""
    text = vnd(value)
    return format_html('<span class="money">{}</span>', text) if text else ""


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
