"""The public page under load: gunicorn with 2 workers on 127.0.0.1, a trivial view as the yardstick.

1. A district is built with the allocation benchmark's generator (`District`, N pupils, 0.6·N
   devices, 0.4·N places), the run's proposal saved and two supports in three approved, plus
   donors with cash pledges and receipts, milestones and learning platforms.
2. The server processes must reach that data: on PostgreSQL they use the benchmark's throwaway
   database itself; on SQLite (in memory here) it is copied into a file first.
3. gunicorn (2 sync workers, the project's settings with `bench/load_urls.py`: the project's URLs
   plus `/bench/ok/`, a view that returns "ok") serves on a free port of 127.0.0.1.
4. Each target — the trivial view, then `/cong-khai/` — is loaded for BENCH_LOAD_SECONDS (default
   20) with BENCH_LOAD_CONNECTIONS (default 8) connections, by `wrk` when installed (Debian
   package `wrk`), else by a small Python load generator (threads, keep-alive http.client);
   BENCH_LOAD_TOOL=python|wrk chooses. Both are warmed up first, so each worker has the page's
   figures in its cache, as it would in service.
5. Printed: requests/s, p50 and p99 latency, errors (connection, read, timeout) and non-2xx answers
   of both, the ratio public / trivial, and the verdict against the requirement (ratio ≥ 0.5,
   p99 < 500 ms, no error). gunicorn is stopped whatever happens.

Sizes: BENCH_PUBLIC_LOAD_PUPILS (20,000 on PostgreSQL, 2,000 on SQLite). The server inherits the
environment, so e.g. PUBLIC_PAGE_CACHE_SECONDS=0 measures the page computed at every request.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from django.db import connection
from django.utils import timezone

from allocation import proposals
from allocation.models import Support
from bench.bench_allocation import District
from donations.models import CashReceipt, Donor, Pledge, PledgeLine
from reports.reference import milestones_load
from telecom.models import LearningPlatform, Provider, ZeroRating

ROOT = Path(__file__).resolve().parents[1]
WORKERS = 2
TRIVIAL = "/bench/ok/"
PUBLIC = "/cong-khai/"
DONORS = 600
# The requirement (issue: the public page under load).
MIN_RATIO = 0.5
MAX_P99_MS = 500.0


# ---------------------------------------------------------------- the data


def _donors(rng: random.Random) -> None:
    """Donors of every kind, two in three consenting to be named, with cash pledges and most of the money received."""
    kinds = [kind for kind, _label in Donor.Kind.choices]
    donors = Donor.objects.bulk_create(
        [
            Donor(kind=rng.choice(kinds), name=f"Nhà tài trợ {n:04d}", publish_consent=n % 3 != 0, phone="0912345678")
            for n in range(DONORS)
        ]
    )
    pledges = Pledge.objects.bulk_create([Pledge(donor=donor) for donor in donors])
    lines = PledgeLine.objects.bulk_create(
        [
            PledgeLine(
                pledge=pledge,
                kind=PledgeLine.Kind.BUDGET if n % 20 == 0 else PledgeLine.Kind.CASH,
                amount_vnd=rng.randrange(1, 200) * 500_000,
            )
            for n, pledge in enumerate(pledges)
        ]
    )
    CashReceipt.objects.bulk_create(
        [
            CashReceipt(
                received_on=date(2021, 9, 24), amount_vnd=line.amount_vnd, payer="Nhà tài trợ", pledge_line=line
            )
            for line in lines
            if rng.random() < 0.8
        ]
    )
    platforms = LearningPlatform.objects.bulk_create(
        [LearningPlatform(name=f"Nền tảng {n}", url=f"https://hoc{n}.example.vn/") for n in range(4)]
    )
    ZeroRating.objects.bulk_create(
        [
            ZeroRating(platform=p, provider=provider, since=date(2021, 9, 15))
            for p in platforms
            for provider in Provider.objects.all()
        ]
    )


def _build(pupils: int) -> dict[str, int]:
    district = District(random.Random(2021))
    district.grow(pupils)
    computed = proposals.compute()
    proposals.run_save(computed=computed)
    supports = list(Support.objects.order_by("pk").values_list("pk", flat=True))
    approved = [pk for n, pk in enumerate(supports) if n % 3 != 2]
    Support.objects.filter(pk__in=approved).update(status=Support.Status.APPROVED, approved_at=timezone.now())
    _donors(random.Random(2021))
    milestones_load()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {"pupils": pupils, "supports": len(supports), "approved": len(approved)}


@contextmanager
def _shared_database(*, copy_back: bool = False) -> Iterator[str]:
    """A database name the server processes can open: this one on PostgreSQL, a file copy of SQLite's memory.

    With copy_back, what the servers wrote to the SQLite file is copied back into memory on leaving
    (without an exception), so this process reads it with the ORM as it would on PostgreSQL.
    """
    if connection.vendor != "sqlite":
        yield connection.settings_dict["NAME"]
        return
    folder = tempfile.mkdtemp(prefix="bench-public-load-")
    path = Path(folder) / "db.sqlite3"
    try:
        connection.ensure_connection()
        target = sqlite3.connect(path)
        with target:
            connection.connection.backup(target)
        target.close()
        yield str(path)
        if copy_back:
            source = sqlite3.connect(path)
            with source:
                source.backup(connection.connection)
            source.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# ---------------------------------------------------------------- the server


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str, timeout: float = 10) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - our own 127.0.0.1 server
        return response.status, response.read().decode()


def _server_env(database: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of the server processes (and of management commands run against their database)."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.load_settings",
        "BENCH_LOAD_DATABASE_NAME": database,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": f"bench-only-{secrets.token_hex(16)}",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_HSTS_SECONDS": "0",
        "DJANGO_STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "DJANGO_LOG_LEVEL": "WARNING",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        **(extra or {}),
    }


@contextmanager
def _gunicorn(database: str, log: Path, *, workers: int = WORKERS, env: dict[str, str] | None = None) -> Iterator[str]:
    """gunicorn with `workers` sync workers on a free port of 127.0.0.1, stopped (TERM, then KILL) whatever happens."""
    port = _free_port()
    env = _server_env(database, env)
    command = [
        sys.executable, "-m", "gunicorn", "vinhtuong_program.wsgi:application",
        "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
        "--log-level", "warning", "--graceful-timeout", "5", "--timeout", "60",
    ]  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    with open(log, "wb") as output:
        server = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        _wait_until_up(server, base + TRIVIAL, log)
        yield base
    finally:
        _stop(server)


def _wait_until_up(server: subprocess.Popen, url: str, log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            if _get(url, timeout=2)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer within {seconds:.0f} s:\n{log.read_text(errors='replace')[-3000:]}")


def _stop(server: subprocess.Popen) -> None:
    if server.poll() is not None:
        return
    server.send_signal(signal.SIGTERM)  # the master stops its workers gracefully
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)  # its own session: the master and its workers only
        server.wait(timeout=10)


def _warm_up(base: str) -> None:
    """Every worker answers both targets once or more (the page's figures then sit in each worker's cache)."""
    status, body = _get(base + TRIVIAL)
    assert status == 200 and body == "ok", (status, body[:200])
    status, body = _get(base + PUBLIC)
    assert status == 200 and "<svg" in body, (status, body[:500])
    _python_load(base + PUBLIC, seconds=1.0, connections=WORKERS * 2)
    _python_load(base + TRIVIAL, seconds=0.5, connections=WORKERS * 2)


# ---------------------------------------------------------------- the load


@dataclass
class Load:
    tool: str
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int  # connection, read, write errors and timeouts
    non_2xx: int

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


WRK_SCRIPT = """
local threads = {}
function setup(thread)
  table.insert(threads, thread)
end
function init(args)
  non2xx = 0
end
function response(status, headers, body)
  if status < 200 or status > 299 then non2xx = non2xx + 1 end
end
function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do bad = bad + thread:get("non2xx") end
  local e = summary.errors
  io.write(string.format(
    'WRK_RESULT {"requests": %d, "duration_us": %d, "errors": %d, "non2xx": %d, "p50_us": %d, "p99_us": %d}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, bad,
    latency:percentile(50), latency:percentile(99)))
end
"""


def _wrk_load(url: str, seconds: float, connections: int) -> Load:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    try:
        threads = min(2, connections)
        duration = f"{max(round(seconds), 1)}s"
        command = [shutil.which("wrk") or "wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}", "--timeout", "5s"]
        result = subprocess.run(
            [*command, "-s", script.name, url], capture_output=True, text=True, timeout=seconds + 60, check=True
        )
    finally:
        os.unlink(script.name)
    line = next(line for line in result.stdout.splitlines() if line.startswith("WRK_RESULT "))
    data = json.loads(line.removeprefix("WRK_RESULT "))
    return Load(
        tool="wrk",
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        errors=data["errors"],
        non_2xx=data["non2xx"],
    )


def _python_load(url: str, seconds: float, connections: int) -> Load:
    """`connections` threads, each sending GETs one after the other on a kept-alive connection until time is up."""
    parts = urlsplit(url)
    latencies: list[list[float]] = [[] for _ in range(connections)]
    errors = [0] * connections
    non_2xx = [0] * connections
    start = threading.Barrier(connections + 1)
    deadline = 0.0

    def client(index: int) -> None:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        start.wait()
        while time.perf_counter() < deadline:
            began = time.perf_counter()
            try:
                conn.request("GET", parts.path)
                response = conn.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                errors[index] += 1
                conn.close()  # reopened by the next request
                continue
            latencies[index].append(time.perf_counter() - began)
            if not 200 <= response.status < 300:
                non_2xx[index] += 1
            if response.will_close:  # gunicorn's sync workers close after each answer
                conn.close()
        conn.close()

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(connections)]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    deadline = began + seconds
    start.wait()
    for thread in threads:
        thread.join(seconds + 30)
    elapsed = time.perf_counter() - began
    every = sorted(t for per_thread in latencies for t in per_thread)

    def percentile(p: float) -> float:
        return every[min(int(len(every) * p / 100), len(every) - 1)] * 1000 if every else 0.0

    return Load("python", len(every), elapsed, percentile(50), percentile(99), sum(errors), sum(non_2xx))


def _tool() -> str:
    wanted = os.environ.get("BENCH_LOAD_TOOL", "")
    if wanted == "wrk" and not shutil.which("wrk"):
        raise RuntimeError("BENCH_LOAD_TOOL=wrk but wrk is not installed (apt-get install wrk)")
    return wanted or ("wrk" if shutil.which("wrk") else "python")


def _load(tool: str, url: str, seconds: float, connections: int) -> Load:
    return _wrk_load(url, seconds, connections) if tool == "wrk" else _python_load(url, seconds, connections)


# ---------------------------------------------------------------- the run


def _in_process(figures) -> None:
    """What one request costs in this process: computed afresh, then from the cache."""
    from django.core.cache import cache
    from django.test import Client

    client = Client()
    client.get(PUBLIC)  # templates compiled, translations loaded: what a worker has done already
    cache.clear()
    with figures.measure("public page computed afresh (in process)", memory=False):
        assert client.get(PUBLIC).status_code == 200
    with figures.measure("public page from the cache (in process)", memory=False):
        assert client.get(PUBLIC).status_code == 200
    cache.clear()


def _record(figures, name: str, load: Load) -> None:
    figures.add(f"{name}: requests", load.requests)
    figures.add(f"{name}: requests/s", load.rate, "req/s")
    figures.add(f"{name}: p50 latency", load.p50_ms, "ms")
    figures.add(f"{name}: p99 latency", load.p99_ms, "ms")
    figures.add(f"{name}: errors", load.errors)
    figures.add(f"{name}: non-2xx", load.non_2xx)


def _verdict(trivial: Load, public: Load) -> list[str]:
    ratio = public.rate / trivial.rate if trivial.rate else 0.0
    checks = [
        (f"public / trivial request rate {ratio:.2f} ≥ {MIN_RATIO}", ratio >= MIN_RATIO),
        (f"public p99 latency {public.p99_ms:.1f} ms < {MAX_P99_MS:.0f} ms", public.p99_ms < MAX_P99_MS),
        (
            f"errors and non-2xx: trivial {trivial.errors + trivial.non_2xx}, public {public.errors + public.non_2xx}",
            trivial.errors + trivial.non_2xx + public.errors + public.non_2xx == 0,
        ),
    ]
    return [f"  {'PASS' if ok else 'FAIL'}  {text}" for text, ok in checks]


def run(figures) -> None:
    seconds = float(os.environ.get("BENCH_LOAD_SECONDS", "20"))
    connections = int(os.environ.get("BENCH_LOAD_CONNECTIONS", "8"))
    default_size = "20000" if connection.vendor == "postgresql" else "2000"
    pupils = int(os.environ.get("BENCH_PUBLIC_LOAD_PUPILS", default_size))
    tool = _tool()
    with figures.measure("building the district", memory=False):
        built = _build(pupils)
    for key, value in built.items():
        figures.add(key, value)
    _in_process(figures)
    print(f"  (district built: {built}; loading with {tool}, {connections} connections, {seconds:g} s per target)",
          flush=True)  # fmt: skip
    with (
        _shared_database() as database,
        tempfile.TemporaryDirectory() as folder,
        _gunicorn(database, Path(folder) / "gunicorn.log") as base,
    ):
        _warm_up(base)
        trivial = _load(tool, base + TRIVIAL, seconds, connections)
        public = _load(tool, base + PUBLIC, seconds, connections)
    _record(figures, "trivial view", trivial)
    _record(figures, "public page", public)
    figures.add("public / trivial request rate", public.rate / trivial.rate if trivial.rate else 0.0, "×")
    figures.text(
        [
            f"  {connection.vendor}; gunicorn {WORKERS} sync workers on 127.0.0.1; {tool}, {connections} connections, "
            f"{seconds:g} s per target; PUBLIC_PAGE_CACHE_SECONDS={os.environ.get('PUBLIC_PAGE_CACHE_SECONDS', '60')}",
            *_verdict(trivial, public),
        ]
    )
