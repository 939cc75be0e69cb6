"""`manage.py check --deploy`: the tests' fast password hasher never reaches a server."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register

# Unsalted-cost hashers Django ships for tests; a leaked table of them is cracked in minutes.
TEST_ONLY_HASHERS = {
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "django.contrib.auth.hashers.UnsaltedMD5PasswordHasher",
    "django.contrib.auth.hashers.UnsaltedSHA1PasswordHasher",
}


@register(Tags.security, deploy=True)
def password_hasher_is_not_the_tests_one(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    if settings.PASSWORD_HASHERS[0] not in TEST_ONLY_HASHERS:
        return []
    return [
        Error(
            f"Passwords are hashed with {settings.PASSWORD_HASHERS[0].rsplit('.', 1)[-1]}, which is for tests only.",
            hint="Remove DJANGO_TEST_FAST_PASSWORD_HASHER from the environment.",
            id="core.E001",
        )
    ]
