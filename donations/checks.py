"""`manage.py check --deploy`: the public forms' rate limits need a cache every server process shares."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Tags, Warning, register

# Each process keeps its own counts (or none): with N gunicorn workers a client gets N times the limit.
PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


@register(Tags.security, deploy=True)
def rate_limit_cache_is_shared(app_configs, **kwargs):
    backend = settings.CACHES["default"]["BACKEND"]
    if backend not in PER_PROCESS_CACHES:
        return []
    return [
        Warning(
            f"The default cache ({backend.rsplit('.', 1)[-1]}) is not shared between server processes: "
            "the public forms' per-client rate limits count in each process apart, so with several "
            "gunicorn workers a client gets the limit once per worker.",
            hint="Set DJANGO_CACHE_BACKEND=django.core.cache.backends.db.DatabaseCache "
            "(and DJANGO_CACHE_LOCATION=django_cache), then run `python manage.py createcachetable` once.",
            id="donations.W001",
        )
    ]
