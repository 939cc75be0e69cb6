"""A pupil list's complete import measured as the operating system sees it (issue 16), on PostgreSQL.

Each step runs in its own process (bench/import_child.py), which reports its own
peak resident set (VmHWM, bench/peak_memory.py), so calamine's buffers and memory
Python freed but kept count too. Each figure is the median of BENCH_RUNS runs (3), not the best.

(a) the raw python-calamine read of the file; (c) our complete import (read,
normalise, validate, de-duplicate, save with history, rolled back); (d) the same
against BENCH_EXISTING pupils (1,000,000) of whom 10% of the upload's rows
really match (same personal ID, same pupil ID, same name and birth date, or a
typo in the name); (e) the upload kept, then the same rows uploaded again (rolled back, the median
of BENCH_RUNS).
Targets: RSS ≤ 300 MB and ≤ 5× the raw read's time; (d) ≤ 1.5× (c); (e) ≤ the first.
BENCH_PUPIL_ROWS (100000) sets the list's size.
"""

from __future__ import annotations

import io
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from django.core.management import call_command
from django.db import connection

from bench.bench_pupil_import import _existing, _list_file, _pupils, _schools
from common.text import fold
from students.models import Commune, Student

ROOT = Path(__file__).resolve().parent.parent


def _database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def run_child(module: str, *args: str) -> tuple[dict, float]:
    """`python -m module args` on this database: its JSON answer and its own peak resident set in MB."""
    env = {**os.environ, "DATABASE_URL": _database_url(), "DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "bench" * 10}
    env.setdefault("DJANGO_ALLOWED_HOSTS", "localhost")
    process = subprocess.run(
        [sys.executable, "-m", module, *args], cwd=ROOT, env=env, stdout=subprocess.PIPE, check=False
    )
    if process.returncode:
        raise RuntimeError(f"{module} {args} exited {process.returncode}")
    answer = json.loads(process.stdout.decode().strip().splitlines()[-1])
    return answer, answer["peak_rss_mb"]


def _child(*args: str) -> tuple[dict, float]:
    return run_child("bench.import_child", *args)


def _median(figures, label: str, runs: int, *args: str) -> tuple[float, float, dict]:
    seconds, rss, last = [], [], {}
    for _ in range(runs):
        last, peak = _child(*args)
        seconds.append(last["seconds"])
        rss.append(peak)
    time_s, rss_mb = statistics.median(seconds), statistics.median(rss)
    figures.add(f"{label}: time (median of {runs})", time_s * 1000, "ms")
    figures.add(f"{label}: peak RSS (median of {runs})", rss_mb, "MB")
    figures.add(f"{label}: load average", os.getloadavg()[0], "")
    # As it comes: a long run under load shows its figures before it ends.
    print(f"  {label}: {time_s:.2f} s, {rss_mb:.0f} MB (runs: {[f'{x:.1f}' for x in seconds]} s, "
          f"{[f'{x:.0f}' for x in rss]} MB; load {os.getloadavg()[0]:.1f})", flush=True)  # fmt: skip
    return time_s, rss_mb, last


def _matching_existing(rows: int, schools, others: list[Commune]) -> int:
    """Every tenth row of the upload listed already by another commune, four ways; returns how many."""
    batch = []
    for n, p in enumerate(_pupils(rows, schools, seed=rows, id_offset=0)):
        if n % 10:
            continue
        way = (n // 10) % 4
        name = p["name"]
        if way == 3:  # a typo: one letter doubled
            name = name[:-1] + name[-1] * 2
        batch.append(
            Student(
                commune=others[n % len(others)], school=p["school"], full_name=name, name_key=fold(name),
                birth_date=p["birth"], class_name=f"{p['grade']}A", level=p["school"].level,
                personal_id=p["personal_id"] if way == 0 else "", pupil_id=p["pupil_id"] if way == 1 else "",
                lacks_device=True, lacks_internet=False,
            )
        )  # fmt: skip
    Student.objects.bulk_create(batch, batch_size=10_000)
    return len(batch)


def run(figures) -> None:
    if connection.vendor != "postgresql":
        figures.text(["PostgreSQL only (set DATABASE_URL): the children connect to the same database."])
        return
    rows = int(os.environ.get("BENCH_PUPIL_ROWS", "100000"))
    existing = int(os.environ.get("BENCH_EXISTING", "1000000"))
    runs = int(os.environ.get("BENCH_RUNS", "3"))
    call_command("load_reference_data", stdout=io.StringIO())
    schools = _schools()
    communes = list(Commune.objects.order_by("code"))
    uploader, others = communes[0], communes[1:]
    path = str(_list_file(rows, schools))

    raw_s, raw_rss, _ = _median(figures, f"(a) raw calamine read, {rows} rows", runs, "raw", path)
    ours_s, ours_rss, last = _median(figures, f"(c) our import, {rows} rows", runs, "ours", path, uploader.code)
    assert last["ok"] and last["created"] == rows, last

    verdicts = [
        ("peak RSS ≤ 300 MB", ours_rss <= 300),
        (f"time ≤ 5× raw read ({ours_s / raw_s:.1f}×)", ours_s <= 5 * raw_s),
    ]
    if existing:  # BENCH_EXISTING=0 skips the de-duplication against a district's pupils
        started = time.perf_counter()
        matches = _matching_existing(rows, schools, others)
        _existing(max(existing - matches, 0), schools, others)
        figures.text([f"  (inserted {existing} existing pupils in {time.perf_counter() - started:.0f} s)"])
        connection.cursor().execute("ANALYZE students_student")
        dedup_s, dedup_rss, last = _median(
            figures, f"(d) our import against {existing} existing", runs, "ours", path, uploader.code
        )
        figures.add(f"(d) created (expected {rows})", last["created"])
        figures.add(f"(d) held as possible duplicates ({matches} planted)", last["held"])
        verdicts.append((f"against existing ≤ 1.5× ({dedup_s / ours_s:.2f}×)", dedup_s <= 1.5 * ours_s))
        figures.text([f"  against existing: RSS {dedup_rss:.0f} MB"])

    first, _rss = _child("ours", path, uploader.code, "keep")  # kept: once
    print(f"  (e) first upload, kept: {first['seconds']:.2f} s; load {os.getloadavg()[0]:.1f}", flush=True)
    figures.add("(e) first upload, kept: time", first["seconds"] * 1000, "ms")
    # Rolled back, so it can be measured as often as (c): one run of each was too noisy to compare.
    again_s, again_rss, again = _median(figures, "(e) the same rows again", runs, "ours", path, uploader.code)
    figures.add("(e) the same rows again: unchanged", again["unchanged"])

    verdicts += [
        (f"re-upload ≤ first ({again_s / first['seconds']:.2f}×)", again_s <= first["seconds"]),
        ("re-upload all unchanged", again["unchanged"] == rows),
        ("re-upload peak RSS ≤ 300 MB", again_rss <= 300),
    ]
    figures.text([f"  {'met' if ok else 'NOT MET'}: {label}" for label, ok in verdicts])
    figures.text([f"  raw read RSS {raw_rss:.0f} MB; ours {ours_rss:.0f} MB"])
