"""Spam protection for the public pages without any outside service.

- a honeypot field people never see (bots fill every field);
- a signed form token carrying when the form was shown and a one-time nonce:
  too quick a submission is refused, and a replayed token collides with the
  one saved on the pledge (unique in the database);
- a per-client rate limit in Django's cache, counted on every attempt.
"""

from __future__ import annotations

import secrets
import time

from django.conf import settings
from django.core import signing
from django.core.cache import cache

_SALT = "donations.public-form"
MAX_FORM_AGE_SECONDS = 6 * 60 * 60


def new_form_token() -> str:
    return signing.dumps({"t": time.time(), "n": secrets.token_urlsafe(16)}, salt=_SALT)


def read_form_token(token: str) -> tuple[float, str] | None:
    """(seconds since the form was shown, nonce), or None when forged or too old."""
    try:
        data = signing.loads(token or "", salt=_SALT, max_age=MAX_FORM_AGE_SECONDS)
        return time.time() - float(data["t"]), str(data["n"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def min_fill_seconds() -> float:
    return float(getattr(settings, "DONATIONS_MIN_FILL_SECONDS", 3))


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or behind our proxy the last X-Forwarded-For entry.

    Only the last entry is the proxy's own observation; earlier ones are whatever the client sent.
    """
    if getattr(settings, "DONATIONS_CLIENT_IP_FROM_PROXY", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        last = forwarded.rsplit(",", 1)[-1].strip()
        if last:
            return last[:64]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def rate_limited(request, scope: str, *, limit: int, window_seconds: int) -> bool:
    """Count this attempt; True when the client has made more than `limit` in the window."""
    key = f"ratelimit:{scope}:{client_ip(request)}:{int(time.time() // window_seconds)}"
    if cache.add(key, 1, timeout=window_seconds):
        return False
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window_seconds)
        return False
    return count > limit


def pledge_rate_limit() -> tuple[int, int]:
    return getattr(settings, "DONATIONS_PLEDGE_RATE_LIMIT", (10, 60 * 60))


def lookup_rate_limit() -> tuple[int, int]:
    return getattr(settings, "DONATIONS_LOOKUP_RATE_LIMIT", (30, 10 * 60))
