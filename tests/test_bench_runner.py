import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.slow  # every test runs a benchmark in another process
# Each of these runs its benchmark on SQLite in memory whatever the suite's database (see _bench): `make test`
# runs them once, in the SQLite run, not again in the PostgreSQL one (conftest.py). Not the donors' load test.
same_on_every_database = pytest.mark.database_independent

ROOT = Path(__file__).resolve().parents[1]


def _bench(*args: str, **settings: str) -> subprocess.CompletedProcess:
    # Always SQLite in memory: a PostgreSQL throwaway database would share its
    # name with the test database of the running suite.
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"} | settings
    return subprocess.run(
        [sys.executable, "-m", "bench", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


@same_on_every_database
def test_bench_lists_its_benchmarks():
    result = _bench("--list")
    assert result.returncode == 0
    assert {"reference_data", "staff_home"} <= set(result.stdout.split())


@same_on_every_database
def test_an_unknown_benchmark_is_refused_with_the_list():
    result = _bench("no_such_thing")
    assert result.returncode == 2
    assert "reference_data" in result.stderr


@same_on_every_database
def test_a_benchmark_prints_time_queries_and_memory():
    result = _bench("reference_data")
    assert result.returncode == 0, result.stderr
    assert "== reference_data" in result.stdout
    for figure in ("first load: time", "first load: queries", "second load: peak memory"):
        assert figure in result.stdout


@same_on_every_database
def test_a_benchmarks_child_reports_its_own_peak_memory_not_its_parents():
    """wait4's ru_maxrss gave a child the peak of the large parent that started it."""
    ballast = bytearray(300 * 1024 * 1024)
    ballast[::4096] = b"\1" * len(ballast[::4096])  # resident, not only reserved
    code = "from bench.peak_memory import own_peak_rss_mb; print(own_peak_rss_mb())"
    child = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert 0 < float(child.stdout) < 100
    del ballast


@same_on_every_database
def test_the_allocation_benchmark_runs_at_tiny_sizes():
    # Two sizes, so the growth lines are printed too; one round of each timing.
    result = _bench("allocation", BENCH_ALLOCATION_SIZES="300,600", BENCH_ALLOCATION_REPEAT="1")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for figure in (
        "300 pupils: dry run: engine time",
        "600 pupils: dry run: peak Python memory",
        "600 pupils: dry run: peak RSS growth",
        "600 pupils: save / bulk_create",
        "save / faster bulk_create: CPU",
        "growth 300 → 600, dry run time",
    ):
        assert figure in out, figure
    # The synthetic district is served: every verified pupil is eligible and some get something.
    eligible = next(line for line in out.splitlines() if line.strip().startswith("600 pupils: eligible pupils"))
    assert eligible.split()[-1] == "600"
    assert "save(): queries" in out


@same_on_every_database
def test_the_report_benchmark_runs_at_a_tiny_size_and_agrees_with_history():
    result = _bench("report", BENCH_REPORT_SIZES="300")
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    for figure in (
        "300 pupils: JSON report: time",
        "300 pupils: JSON report: queries",
        "300 pupils: .docx: figures and file: time",
    ):
        assert figure in out, figure
    assert "300 pupils: the report from history equals the live report: yes" in out


@pytest.mark.parametrize("tool", ["python", "wrk"])
@same_on_every_database
def test_the_public_page_load_benchmark_prints_its_figures_without_errors(tool):
    if tool == "wrk" and not shutil.which("wrk"):
        pytest.skip("wrk is not installed (apt-get install wrk); the Python load generator is tested")
    result = _bench(
        "public_load", BENCH_LOAD_SECONDS="2", BENCH_PUBLIC_LOAD_PUPILS="300", BENCH_LOAD_CONNECTIONS="4",
        BENCH_LOAD_TOOL=tool,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    figures = {}
    for line in out.splitlines():
        found = re.match(
            r"\s+(trivial view|public page): (requests/s|p50 latency|p99 latency|errors|non-2xx)\s+(\S+)", line
        )
        if found:
            figures[(found[1], found[2])] = float(found[3].replace(",", ""))
    for target in ("trivial view", "public page"):
        assert figures[(target, "requests/s")] > 0
        assert 0 < figures[(target, "p50 latency")] <= figures[(target, "p99 latency")]
        assert figures[(target, "errors")] == 0 and figures[(target, "non-2xx")] == 0
    assert "public / trivial request rate" in out
    assert f"{tool}, 4 connections" in out
    assert "PASS  errors and non-2xx: trivial 0, public 0" in out


def _figures(out: str) -> dict[str, float]:
    """`  label   1,234 unit` lines of a benchmark's output, by label."""
    found = (re.match(r"\s+(.+?)\s{2,}([\d,.]+)(?: \S+)?$", line) for line in out.splitlines())
    return {m[1]: float(m[2].replace(",", "")) for m in found if m}


@same_on_every_database
def test_every_public_page_answers_under_load_without_errors():
    result = _bench(
        "public_pages", BENCH_LOAD_SECONDS="1", BENCH_PUBLIC_LOAD_PUPILS="300", BENCH_LOAD_CONNECTIONS="2",
        BENCH_LOAD_WORKERS="2", BENCH_LOAD_TOOL="python",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    figures = _figures(result.stdout)
    for page in ("/", "/ung-ho/", "/tra-cuu/", "/cong-khai/", "/cong-khai/nha-hao-tam/", "/phan-anh/"):
        assert figures[f"{page}: requests/s"] > 0, page
        assert figures[f"{page}: errors"] == figures[f"{page}: non-2xx"] == 0, page
    assert "PASS  errors and non-2xx on every public page: 0" in result.stdout


def _bench_database_url() -> dict[str, str]:
    """On PostgreSQL the benchmark gets a database of its own beside the suite's (test_<name>_pledge_load)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return {}
    parts = urlsplit(url)
    return {"DATABASE_URL": parts._replace(path=f"{parts.path.rstrip('/')}_pledge_load").geturl()}


def test_concurrent_donors_lose_no_pledge_and_replays_are_refused():
    # A real gunicorn with several workers and the database cache, three donors at once:
    # behaviour, not speed — no error, nothing refused, every accepted pledge saved once.
    result = _bench(
        "pledge_load", BENCH_PLEDGE_SECONDS="3", BENCH_PLEDGE_SUBMITTERS="3", BENCH_PLEDGE_REPLAYS="3",
        BENCH_LOAD_WORKERS="3", **_bench_database_url(),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    figures = _figures(out)
    assert figures["accepted"] > 0
    assert figures["errors"] == figures["refused"] == 0, out
    submissions = figures["warm-up submissions (checked, not timed)"] + figures["timed submissions"]
    assert figures["accepted and in the database exactly once"] == figures["accepted"] == submissions
    assert figures["public-form pledges no accepted submission explains"] == 0
    assert figures["replays refused"] == figures["replays sent"] == 3
    assert "FAIL" not in out, out
    vendor = "postgresql" if _bench_database_url() else "sqlite"
    assert f"{vendor}; gunicorn 3 sync workers on 127.0.0.1, cache DatabaseCache; 3 submitters" in out
