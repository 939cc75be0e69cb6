"""The public pledge form under load: concurrent donors against gunicorn, then every pledge checked in the database.

1. A small district (`public_load`'s `_build`, BENCH_PLEDGE_LOAD_PUPILS, default 300; or the one
   `public_pages` built when run just before) so the form, its commune list and the thank-you page
   have what they show in service.
2. gunicorn as deployed: BENCH_LOAD_WORKERS sync workers (default 2 × cores + 1) sharing the
   database cache (the rate limit must count across workers; `createcachetable` first). The spam
   protection stays on; only what the environment configures is relaxed: the minimum fill time
   (DONATIONS_MIN_FILL_SECONDS, BENCH_PLEDGE_MIN_FILL_SECONDS, default 0) and the per-client rate
   limit (every submitter comes from 127.0.0.1; BENCH_PLEDGE_RATE_LIMIT, default 1,000,000 an hour,
   set it low to see the limit hold across workers). The one-time form token stays, and so do CSRF
   and the honeypot.
3. BENCH_PLEDGE_SUBMITTERS (default 10) threads, each a real HTTP client with its own cookie jar
   per donor, submit for BENCH_PLEDGE_SECONDS (default 60): GET /ung-ho/ (CSRF cookie, form
   token), POST a valid pledge (money, devices, or both) whose donor name and note carry a
   marker unique to the submission, expect 302 to /ung-ho/cam-on/, GET it and read the
   reference code and the marker from the page. A second of the same by one donor per worker
   comes first, so every worker is warm as in service: checked like the rest, not timed.
4. Then BENCH_PLEDGE_REPLAYS (default 10) accepted submissions are sent again, token and cookies
   unchanged, as an attacker replaying them would (any worker may answer): each must be refused.
5. Checked in the database: every accepted submission is there exactly once, by marker and by
   reference code, with the lines sent; no other pledge from the public form exists (no refused
   or replayed one was saved). Printed: submissions/s, p50/p99 of the POST and of the whole
   visit, accepted/refused/errors, the replays and the database check. gunicorn is stopped
   whatever happens; its log is printed when something failed.
"""

from __future__ import annotations

import http.client
import os
import secrets
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode

from django.db import connection
from django.utils import translation
from django.utils.translation import gettext

from bench.bench_public_load import _build, _gunicorn, _shared_database
from bench.bench_public_pages import DATABASE_CACHE, cache_env, create_cache_table, default_workers
from donations.models import Pledge, PledgeLine
from students.models import Hamlet

FORM = "/ung-ho/"
THANKS = "/ung-ho/cam-on/"
NOTE_PREFIX = "bench-pledge"
TIMEOUT = 30


# ---------------------------------------------------------------- one donor's visit


class _Page(HTMLParser):
    """The inputs of a page (name → value) and the reference code shown on the thank-you page."""

    def __init__(self) -> None:
        super().__init__()
        self.inputs: dict[str, str] = {}
        self.code: str | None = None
        self._in_code = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name"):
            self.inputs[attrs["name"]] = attrs.get("value") or ""
        self._in_code = attrs.get("data-testid") == "reference-code"

    def handle_data(self, data):
        if self._in_code and data.strip():
            self.code = data.strip()
            self._in_code = False


def _page(body: str) -> _Page:
    page = _Page()
    page.feed(body)
    return page


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Redirects are answers to look at (a 302 to the thank-you page is the acceptance), not to follow."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


@dataclass
class Answer:
    status: int
    location: str
    body: str
    ms: float


def _open(opener, url: str, data: bytes | None = None, headers: dict | None = None) -> Answer:
    request = urllib.request.Request(url, data=data, headers=headers or {})  # noqa: S310 - our 127.0.0.1 server
    began = time.perf_counter()
    try:
        with opener.open(request, timeout=TIMEOUT) as response:
            status, location, body = response.status, response.headers.get("Location", ""), response.read()
    except urllib.error.HTTPError as answer:  # 3xx (not followed), 4xx, 5xx: an answer all the same
        status, location, body = answer.code, answer.headers.get("Location", ""), answer.read()
    return Answer(status, location, body.decode("utf-8", "replace"), (time.perf_counter() - began) * 1000)


def _fields(marker: str, n: int) -> dict[str, str]:
    """A valid pledge: money, devices or both by turns; the marker in the donor's name and the note."""
    fields = {
        "donor_kind": "individual",
        "name": f"Nhà hảo tâm tải thử {marker}",
        "phone": "0912345678",
        "note": f"{NOTE_PREFIX} {marker}",
        "website": "",
    }
    if n % 3 in (0, 2):
        fields["cash_amount"] = f"{(n % 50 + 1) * 100_000:,}".replace(",", ".")
    if n % 3 in (1, 2):
        fields |= {"device_type": "laptop", "device_quantity": str(n % 5 + 1), "device_condition": "used"}
    return fields


def expected_lines(n: int) -> list[tuple]:
    lines = []
    if n % 3 in (0, 2):
        lines.append((PledgeLine.Kind.CASH, (n % 50 + 1) * 100_000, None))
    if n % 3 in (1, 2):
        lines.append((PledgeLine.Kind.DEVICE, None, n % 5 + 1))
    return sorted(lines)


@dataclass
class Attempt:
    marker: str
    n: int
    outcome: str = "error"  # accepted | refused | error
    detail: str = ""
    code: str | None = None
    post_ms: float | None = None
    visit_ms: float | None = None
    replay: tuple | None = field(default=None, repr=False)  # (opener, url, body, headers) to send again


def visit(base: str, marker: str, n: int) -> Attempt:
    """One donor: the form, the pledge, the thank-you page; never raises."""
    attempt = Attempt(marker, n)
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()), _NoRedirect)
    began = time.perf_counter()
    try:
        form = _open(opener, base + FORM)
        if form.status != 200:
            attempt.detail = f"GET {FORM}: {form.status}"
            return attempt
        inputs = _page(form.body).inputs
        if not inputs.get("form_token") or not inputs.get("csrfmiddlewaretoken"):
            attempt.detail = "the form has no token"
            return attempt
        fields = _fields(marker, n) | {k: inputs[k] for k in ("csrfmiddlewaretoken", "form_token")}
        body = urlencode(fields).encode()
        headers = {"Origin": base, "Referer": base + FORM, "Content-Type": "application/x-www-form-urlencoded"}
        posted = _open(opener, base + FORM, body, headers)
        attempt.post_ms = posted.ms
        if posted.status >= 500:
            attempt.detail = f"POST: {posted.status}"
            return attempt
        if posted.status != 302:
            attempt.outcome, attempt.detail = "refused", f"POST: {posted.status}"
            return attempt
        if not posted.location.endswith(THANKS):
            attempt.detail = f"POST: 302 to {posted.location}"
            return attempt
        thanks = _open(opener, base + THANKS)
        page = _page(thanks.body)
        if thanks.status != 200 or not page.code or marker not in thanks.body:
            attempt.detail = f"GET {THANKS}: {thanks.status}, code {page.code}, marker shown: {marker in thanks.body}"
            return attempt
        attempt.outcome, attempt.code = "accepted", page.code
        attempt.visit_ms = (time.perf_counter() - began) * 1000
        attempt.replay = (opener, base + FORM, body, headers)
    except (OSError, http.client.HTTPException) as error:  # refused connection, reset, timeout
        attempt.detail = f"{type(error).__name__}: {error}"
    return attempt


def replay(attempt: Attempt) -> Answer | str:
    opener, url, body, headers = attempt.replay
    try:
        return _open(opener, url, body, headers)
    except (OSError, http.client.HTTPException) as error:
        return f"{type(error).__name__}: {error}"


def _replay_refused(answer: Answer | str) -> bool:
    """The form shown again saying it was sent already: the one-time token did its work (not CSRF, not a 5xx)."""
    with translation.override("vi"):
        message = gettext("This form has already been sent.")
    return isinstance(answer, Answer) and answer.status == 200 and message in answer.body


# ---------------------------------------------------------------- the load


def submit_for(base: str, run_id: str, submitters: int, seconds: float) -> tuple[list[Attempt], float]:
    """`submitters` threads visiting one after the other until time is up; every attempt, and the time taken."""
    results: list[list[Attempt]] = [[] for _ in range(submitters)]
    start = threading.Barrier(submitters + 1)
    deadline = 0.0

    def submitter(index: int) -> None:
        start.wait()
        n = 0
        while time.perf_counter() < deadline:
            results[index].append(visit(base, f"{run_id}-{index:02d}-{n:05d}", index * 100_000 + n))
            n += 1

    threads = [threading.Thread(target=submitter, args=(i,), daemon=True) for i in range(submitters)]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    deadline = began + seconds
    start.wait()
    for thread in threads:
        thread.join(seconds + 4 * TIMEOUT)
    return [a for per in results for a in per], time.perf_counter() - began


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(len(ordered) * p / 100), len(ordered) - 1)] if ordered else 0.0


# ---------------------------------------------------------------- the database check


@dataclass
class Check:
    accepted: int
    in_database: int
    missing: list[str]  # accepted markers not in the database
    duplicated: list[str]  # markers or codes saved more than once
    unexpected: list[str]  # public-form pledges no accepted submission explains
    wrong: list[str]  # code or lines not the ones sent

    @property
    def ok(self) -> bool:
        return not (self.missing or self.duplicated or self.unexpected or self.wrong)


def check_database(attempts: list[Attempt], run_id: str) -> Check:
    accepted = {a.marker: a for a in attempts if a.outcome == "accepted"}
    saved = list(Pledge.objects.filter(channel=Pledge.Channel.PUBLIC_FORM).values_list("pk", "reference_code", "note"))
    prefix = f"{NOTE_PREFIX} {run_id}-"
    markers = Counter(note.removeprefix(f"{NOTE_PREFIX} ") for _, _, note in saved if note.startswith(prefix))
    codes = Counter(code for _, code, _ in saved)
    lines: dict[int, list[tuple]] = {}
    for pledge_id, kind, amount, quantity in PledgeLine.objects.filter(
        pledge__channel=Pledge.Channel.PUBLIC_FORM
    ).values_list("pledge_id", "kind", "amount_vnd", "quantity"):
        lines.setdefault(pledge_id, []).append((kind, amount, quantity if kind == PledgeLine.Kind.DEVICE else None))
    wrong = []
    for pk, code, note in saved:
        attempt = accepted.get(note.removeprefix(f"{NOTE_PREFIX} "))
        if attempt is None:
            continue
        if attempt.code != code:
            wrong.append(f"{attempt.marker}: the page showed {attempt.code}, the database has {code}")
        if sorted(lines.get(pk, [])) != expected_lines(attempt.n):
            wrong.append(f"{attempt.marker}: lines {sorted(lines.get(pk, []))} ≠ {expected_lines(attempt.n)}")
    return Check(
        accepted=len(accepted),
        in_database=sum(1 for marker in accepted if markers[marker] == 1),
        missing=sorted(m for m in accepted if markers[m] == 0),
        duplicated=sorted([m for m, c in markers.items() if c > 1] + [c for c, k in codes.items() if k > 1]),
        unexpected=sorted(
            f"{code} ({note[:60]})" for _, code, note in saved if note.removeprefix(f"{NOTE_PREFIX} ") not in accepted
        ),
        wrong=wrong,
    )


# ---------------------------------------------------------------- the run


def run(figures) -> None:
    seconds = float(os.environ.get("BENCH_PLEDGE_SECONDS", "60"))
    submitters = int(os.environ.get("BENCH_PLEDGE_SUBMITTERS", "10"))
    replays = int(os.environ.get("BENCH_PLEDGE_REPLAYS", "10"))
    workers = int(os.environ.get("BENCH_LOAD_WORKERS", default_workers()))
    pupils = int(os.environ.get("BENCH_PLEDGE_LOAD_PUPILS", "300"))
    env = cache_env() | {
        "DONATIONS_MIN_FILL_SECONDS": os.environ.get("BENCH_PLEDGE_MIN_FILL_SECONDS", "0"),
        "DONATIONS_PLEDGE_RATE_LIMIT": os.environ.get("BENCH_PLEDGE_RATE_LIMIT", "1000000"),
    }
    run_id = secrets.token_hex(4)
    if not Hamlet.objects.exists():  # run after `public_pages`, the district is there already
        _build(pupils)
    before = Pledge.objects.filter(channel=Pledge.Channel.PUBLIC_FORM).count()
    assert before == 0, f"{before} public-form pledges before the load"
    print(f"  ({submitters} submitters for {seconds:g} s against {workers} gunicorn workers; run {run_id})", flush=True)
    with _shared_database(copy_back=True) as database, tempfile.TemporaryDirectory() as folder:
        if env["DJANGO_CACHE_BACKEND"] == DATABASE_CACHE:
            create_cache_table(database, env)
        log = Path(folder) / "gunicorn.log"
        with _gunicorn(database, log, workers=workers, env=env) as base:
            # Every worker has imported, compiled and connected once, as in service; checked, not timed.
            warm_up, _ = submit_for(base, f"{run_id}-w", workers, 1.0)
            attempts, elapsed = submit_for(base, run_id, submitters, seconds)
            replayed = [replay(a) for a in [a for a in attempts if a.replay][:replays]]
        server_log = log.read_text(errors="replace")
    check = check_database(warm_up + attempts, run_id)

    outcomes = Counter(a.outcome for a in warm_up + attempts)
    replays_refused = sum(1 for r in replayed if _replay_refused(r))
    posts = [a.post_ms for a in attempts if a.post_ms is not None]
    visits = [a.visit_ms for a in attempts if a.visit_ms is not None]
    timed_accepted = sum(1 for a in attempts if a.outcome == "accepted")
    figures.add("warm-up submissions (checked, not timed)", len(warm_up))
    figures.add("timed submissions", len(attempts))
    figures.add("accepted", outcomes["accepted"])
    figures.add("refused", outcomes["refused"])
    figures.add("errors", outcomes["error"])
    figures.add("accepted pledges/s (timed)", timed_accepted / elapsed if elapsed else 0.0, "pledges/s")
    figures.add("POST p50 latency", percentile(posts, 50), "ms")
    figures.add("POST p99 latency", percentile(posts, 99), "ms")
    figures.add("whole visit (form, POST, thanks) p50", percentile(visits, 50), "ms")
    figures.add("whole visit (form, POST, thanks) p99", percentile(visits, 99), "ms")
    figures.add("replays sent", len(replayed))
    figures.add("replays refused", replays_refused)
    figures.add("accepted and in the database exactly once", check.in_database)
    figures.add("public-form pledges no accepted submission explains", len(check.unexpected))

    problems = Counter(f"{a.outcome}: {a.detail}" for a in warm_up + attempts if a.outcome != "accepted")
    problems.update(f"replay: {r if isinstance(r, str) else r.status}" for r in replayed if not _replay_refused(r))
    verdict = [
        (f"errors (5xx, connection, unreadable answer): {outcomes['error']}", outcomes["error"] == 0),
        (f"refused submissions: {outcomes['refused']}", outcomes["refused"] == 0),
        (f"replayed submissions refused: {replays_refused} of {len(replayed)}", replays_refused == len(replayed)),
        (
            f"database: {check.in_database} of {check.accepted} accepted exactly once; missing {len(check.missing)}, "
            f"duplicated {len(check.duplicated)}, unexpected {len(check.unexpected)}, wrong {len(check.wrong)}",
            check.ok and check.accepted > 0,
        ),
    ]
    lines = [
        f"  {connection.vendor}; gunicorn {workers} sync workers on 127.0.0.1, cache "
        f"{env['DJANGO_CACHE_BACKEND'].rsplit('.', 1)[-1]}; {submitters} submitters, {elapsed:.1f} s; "
        f"DONATIONS_MIN_FILL_SECONDS={env['DONATIONS_MIN_FILL_SECONDS']}",
        *[f"  {'PASS' if ok else 'FAIL'}  {text}" for text, ok in verdict],
    ]
    details = [*(f"    {n} × {what}" for what, n in problems.most_common(10))]
    details += [f"    {what}" for what in (check.missing + check.duplicated + check.unexpected + check.wrong)[:10]]
    if details:
        lines += ["  what went wrong:", *details]
    figures.failed = not all(ok for _, ok in verdict)
    if figures.failed:
        lines += ["  gunicorn log (end):", *("    " + line for line in server_log[-4000:].splitlines())]
    figures.text(lines)
