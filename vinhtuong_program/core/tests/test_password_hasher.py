"""Tests hash passwords with MD5 (pytest.ini); a server never does."""

import runpy
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import get_hasher
from django.core.checks import run_checks
from django.test import override_settings

PBKDF2 = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
MD5 = "django.contrib.auth.hashers.MD5PasswordHasher"
SETTINGS_FILE = Path(settings.BASE_DIR) / "vinhtuong_program" / "settings.py"


def _ids(**kwargs):
    return {message.id for message in run_checks(**kwargs)}


def test_the_suite_hashes_with_md5():
    assert get_hasher().algorithm == "md5"


def test_the_tests_hasher_fails_the_deployment_check_only():
    assert "core.E001" in _ids(include_deployment_checks=True)
    assert "core.E001" not in _ids()


@override_settings(PASSWORD_HASHERS=PBKDF2)
def test_django_s_default_hasher_passes_the_deployment_check():
    assert "core.E001" not in _ids(include_deployment_checks=True)


def test_without_the_variable_settings_keep_django_s_hashers(monkeypatch):
    monkeypatch.delenv("DJANGO_TEST_FAST_PASSWORD_HASHER")
    assert "PASSWORD_HASHERS" not in runpy.run_path(str(SETTINGS_FILE))
    monkeypatch.setenv("DJANGO_TEST_FAST_PASSWORD_HASHER", "1")
    assert runpy.run_path(str(SETTINGS_FILE))["PASSWORD_HASHERS"] == [MD5]
