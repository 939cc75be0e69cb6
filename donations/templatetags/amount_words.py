"""{{ amount|in_words }} → "Bằng chữ: Hai triệu năm trăm nghìn đồng" (donations.amount_words)."""

from __future__ import annotations

from django import template

from donations.amount_words import in_words_line

register = template.Library()


@register.filter
def in_words(value) -> str:
    try:
        return in_words_line(int(value))
    except (TypeError, ValueError):
        return ""
