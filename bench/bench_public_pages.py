"""Every public page under load, one after the other: gunicorn as deployed, `wrk` on 127.0.0.1, a table.

1. The district of `public_load` (its `_build`: pupils, supports, donors with money received,
   milestones, learning platforms); sizes from BENCH_PUBLIC_LOAD_PUPILS (20,000 on PostgreSQL,
   2,000 on SQLite).
2. gunicorn with BENCH_LOAD_WORKERS sync workers (default 2 × cores + 1, the usual rule for sync
   workers) and the cache the deployment needs with several workers, the database cache
   (BENCH_LOAD_CACHE_BACKEND to compare another; its table made by `createcachetable`).
3. Each page is warmed up, then loaded for BENCH_LOAD_SECONDS (default 20) with
   BENCH_LOAD_CONNECTIONS (default 8) connections by wrk (else the Python load generator;
   BENCH_LOAD_TOOL chooses, as in `public_load`).
4. Printed: a row per page (requests/s, p50, p99, errors, non-2xx) and whether every page answered
   without an error or a non-2xx answer. gunicorn is stopped whatever happens.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from django.db import connection

from bench.bench_public_load import (
    ROOT,
    Load,
    _build,
    _get,
    _gunicorn,
    _load,
    _python_load,
    _server_env,
    _shared_database,
    _tool,
)

PAGES = [
    "/",
    "/ung-ho/",
    "/tra-cuu/",
    "/cong-khai/",
    "/cong-khai/nha-hao-tam/",
    "/phan-anh/",
    "/nen-tang-hoc-truc-tuyen/",
]
DATABASE_CACHE = "django.core.cache.backends.db.DatabaseCache"
CACHE_TABLE = "bench_load_cache"


def default_workers() -> int:
    return 2 * (os.cpu_count() or 1) + 1


def cache_env() -> dict[str, str]:
    backend = os.environ.get("BENCH_LOAD_CACHE_BACKEND", DATABASE_CACHE)
    location = CACHE_TABLE if backend == DATABASE_CACHE else os.environ.get("DJANGO_CACHE_LOCATION", "vinhtuong")
    return {"DJANGO_CACHE_BACKEND": backend, "DJANGO_CACHE_LOCATION": location}


def create_cache_table(database: str, env: dict[str, str]) -> None:
    """What the deployment runs once: `manage.py createcachetable`, with the servers' own settings."""
    subprocess.run(
        [sys.executable, "manage.py", "createcachetable"],
        cwd=ROOT,
        env=_server_env(database, env),
        check=True,
        capture_output=True,
        timeout=120,
    )


def table(rows: list[tuple[str, Load]]) -> list[str]:
    width = max(len(page) for page, _ in rows)
    header = f"  {'page':<{width}}  {'req/s':>8}  {'p50 ms':>8}  {'p99 ms':>8}  {'errors':>6}  {'non-2xx':>7}"
    lines = [header, "  " + "-" * (len(header) - 2)]
    for page, load in rows:
        lines.append(
            f"  {page:<{width}}  {load.rate:>8.1f}  {load.p50_ms:>8.1f}  {load.p99_ms:>8.1f}"
            f"  {load.errors:>6}  {load.non_2xx:>7}"
        )
    return lines


def run(figures) -> None:
    seconds = float(os.environ.get("BENCH_LOAD_SECONDS", "20"))
    connections = int(os.environ.get("BENCH_LOAD_CONNECTIONS", "8"))
    workers = int(os.environ.get("BENCH_LOAD_WORKERS", default_workers()))
    default_size = "20000" if connection.vendor == "postgresql" else "2000"
    pupils = int(os.environ.get("BENCH_PUBLIC_LOAD_PUPILS", default_size))
    tool = _tool()
    env = cache_env()
    with figures.measure("building the district", memory=False):
        built = _build(pupils)
    for key, value in built.items():
        figures.add(key, value)
    print(
        f"  (district built: {built}; {len(PAGES)} pages, {tool}, {connections} connections, {seconds:g} s each)",
        flush=True,
    )
    rows: list[tuple[str, Load]] = []
    with _shared_database() as database, tempfile.TemporaryDirectory() as folder:
        if env["DJANGO_CACHE_BACKEND"] == DATABASE_CACHE:
            create_cache_table(database, env)
        with _gunicorn(database, Path(folder) / "gunicorn.log", workers=workers, env=env) as base:
            for page in PAGES:
                status, _body = _get(base + page)
                assert status == 200, (page, status)
                _python_load(base + page, seconds=0.5, connections=workers)  # every worker has seen the page
                rows.append((page, _load(tool, base + page, seconds, connections)))
    for page, load in rows:
        figures.add(f"{page}: requests/s", load.rate, "req/s")
        figures.add(f"{page}: p50 latency", load.p50_ms, "ms")
        figures.add(f"{page}: p99 latency", load.p99_ms, "ms")
        figures.add(f"{page}: errors", load.errors)
        figures.add(f"{page}: non-2xx", load.non_2xx)
    bad = sum(load.errors + load.non_2xx for _, load in rows)
    figures.failed = bad > 0
    figures.text(
        [
            f"  {connection.vendor}; gunicorn {workers} sync workers on 127.0.0.1, "
            f"cache {env['DJANGO_CACHE_BACKEND'].rsplit('.', 1)[-1]}; "
            f"{tool}, {connections} connections, {seconds:g} s per page",
            *table(rows),
            f"  {'PASS' if bad == 0 else 'FAIL'}  errors and non-2xx on every public page: {bad}",
        ]
    )
