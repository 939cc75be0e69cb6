from django.core.checks import run_checks
from django.test import override_settings

LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "x"}}
DATABASE = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "django_cache"}}


def _ids(**kwargs):
    return {message.id for message in run_checks(**kwargs)}


@override_settings(CACHES=LOCMEM)
def test_a_per_process_cache_is_flagged_by_the_deployment_check_only():
    # Per worker, a client could send the pledge form `limit × workers` times (measured by `bench pledge_load`).
    assert "donations.W001" in _ids(include_deployment_checks=True)
    assert "donations.W001" not in _ids()


@override_settings(CACHES=DATABASE)
def test_a_shared_cache_passes_the_deployment_check():
    assert "donations.W001" not in _ids(include_deployment_checks=True)
