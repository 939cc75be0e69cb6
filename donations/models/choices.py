"""Choices, limits and the derived pledge status shared by the donation models and their forms."""

from __future__ import annotations

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

# No 0/O, 1/I/L: donors read the code aloud over the phone.
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

# Beyond these a figure is a typing mistake, not a gift (the whole district's need is far smaller).
MAX_AMOUNT_VND = 50_000_000_000
MAX_DEVICES_PER_LINE = 5_000
MAX_PUPILS_PER_OFFER = 50_000
MAX_MONTHS = 36


def new_reference_code() -> str:
    return "UH-" + "".join(secrets.choice(_CODE_ALPHABET) for _ in range(6))


class DeviceType(models.TextChoices):
    DESKTOP = "desktop", _("desktop computer")
    LAPTOP = "laptop", _("laptop")
    TABLET = "tablet", _("tablet")
    SMARTPHONE = "smartphone", _("smartphone")


class DeviceCondition(models.TextChoices):
    NEW = "new", _("new")
    USED = "used", _("used")


class LineStatus(models.TextChoices):
    PLEDGED = "pledged", _("pledged")
    PARTLY_RECEIVED = "partly_received", _("partly received")
    RECEIVED = "received", _("received")
    CANCELLED = "cancelled", _("cancelled")


def derive_status(statuses: list[str]) -> str:
    """A pledge's status from its lines' (cancelled lines do not count unless all are)."""
    active = [s for s in statuses if s != LineStatus.CANCELLED]
    if not active:
        return LineStatus.CANCELLED if statuses else LineStatus.PLEDGED
    if all(s == LineStatus.RECEIVED for s in active):
        return LineStatus.RECEIVED
    if any(s in (LineStatus.RECEIVED, LineStatus.PARTLY_RECEIVED) for s in active):
        return LineStatus.PARTLY_RECEIVED
    return LineStatus.PLEDGED
