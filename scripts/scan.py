"""`make scan`: Debian's wapiti and sqlmap against the app served by gunicorn on 127.0.0.1 only.

1. Checks the target before anything else: only http://127.0.0.1:PORT/ is ever scanned; any other
   host, scheme or address (localhost and 127.0.0.2 included) exits 2 before a tool is started.
2. Installs the Debian packages `wapiti` and `sqlmap` with apt-get when they are missing.
3. Unless --target names a server already running: builds a throwaway site in a temporary directory
   (SQLite file migrated, reference and demo data, collectstatic) and serves it with gunicorn on a
   free port of 127.0.0.1, with DJANGO_DEBUG=0 and the production settings except the TLS ones
   (no TLS here). As root with `unshare`, the server and both tools run in a network namespace of
   their own that holds nothing but the loopback interface, so not one packet can leave the machine
   (wapiti's SSRF/XXE endpoint, its bug reports and its Wappalyzer download included).
4. wapiti crawls and attacks the whole site in two passes (WAPITI_PASSES): the public pages
   anonymously, then the staff pages and the admin signed in as the demo education office user,
   minus the logout URLs (a scanner that signs itself out scans the login page only). Each pass is
   bounded by a crawl time and a time per attack module (SCAN_WAPITI_*_SECONDS). Its default modules
   are used except ssrf, which needs wapiti's endpoint on the Internet.
5. sqlmap tests each public form and lookup (SCAN_SQLMAP_SECONDS each, under `timeout`).
6. Reports go to scan-reports/ (wapiti-public.json, wapiti-staff.json, sqlmap/*.txt, server.log); a summary is printed.

A server given with --target must run with the scan environment below (spam limits relaxed, demo
data) or sqlmap meets the rate limit after a few requests.
"""

from __future__ import annotations

import argparse
import html.parser
import http.cookiejar
import ipaddress
import json
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager, nullcontext
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = ROOT / ".venv" / "bin" / "python"
ONLY_HOST = "127.0.0.1"
# Method, path, status, bytes and seconds taken, per request (server.log).
ACCESS_LOG = '%(s)s %(L)ss %(b)s "%(r)s"'
DEMO_USER, DEMO_PASSWORD = "phonggd", "demo-2021"  # the education office user of load_demo_data
NEVER_VISIT = ("/dang-xuat/", "/admin/logout/")
# Debian's wapiti with two mends (an exclusion crash on Python 3.11, copies of each Django form).
WAPITI = Path(__file__).resolve().parent / "wapiti_patched.py"


def _seconds(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


# ---------------------------------------------------------------- the one target allowed


class TargetRefused(ValueError):
    pass


def checked_target(url: str) -> str:
    """The URL as http://127.0.0.1:PORT/ — or TargetRefused, for any other host whatsoever."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "http":
        raise TargetRefused(f"only http:// is scanned here, not {parts.scheme or 'no scheme'!r}")
    if parts.username or parts.password or "@" in parts.netloc:
        raise TargetRefused("a target URL with credentials is refused")
    try:
        address = ipaddress.ip_address(parts.hostname or "")
    except ValueError:
        raise TargetRefused(f"only {ONLY_HOST} may be scanned, not the name {parts.hostname!r}") from None
    if str(address) != ONLY_HOST or parts.netloc.split(":")[0] != ONLY_HOST:
        raise TargetRefused(f"only {ONLY_HOST} may be scanned, not {parts.hostname}")
    if parts.port is None:
        raise TargetRefused("give the port, e.g. http://127.0.0.1:8000/")
    return f"http://{ONLY_HOST}:{parts.port}/"


def local_url(base: str, path: str) -> str:
    """A path on the checked target; checked again so that no tool is ever handed another host."""
    url = urllib.parse.urljoin(base, path)
    checked_target(url)
    return url


# ---------------------------------------------------------------- tools and isolation


def install_tools() -> None:
    missing = [tool for tool in ("wapiti", "sqlmap") if shutil.which(tool) is None]
    if not missing:
        return
    print(f"Installing Debian packages: {' '.join(missing)}", flush=True)
    apt = ["apt-get"] if os.geteuid() == 0 else ["sudo", "apt-get"]
    env = os.environ | {"DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([*apt, "update", "-qq"], check=True, env=env)
    subprocess.run([*apt, "install", "-y", "-qq", *missing], check=True, env=env)


def isolated_rerun(argv: list[str]) -> int | None:
    """Run this script again inside a network namespace with only loopback; None when not possible."""
    if os.environ.get("SCAN_ISOLATED") or os.environ.get("SCAN_NO_NETNS") == "1":
        return None
    if os.geteuid() != 0 or not shutil.which("unshare") or not shutil.which("ip"):
        print("(no network namespace: not root or no unshare/ip; the tools are kept to 127.0.0.1 by options)")
        return None
    inner = "ip link set lo up && exec " + shlex.join([str(PYTHON), str(Path(__file__).resolve()), *argv])
    return subprocess.run(
        ["unshare", "--net", "--", "sh", "-c", inner],
        env=os.environ | {"SCAN_ISOLATED": "1"},
    ).returncode


# ---------------------------------------------------------------- the throwaway site


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((ONLY_HOST, 0))
        return probe.getsockname()[1]


def scan_environment(folder: Path) -> dict[str, str]:
    """Production settings, except what needs TLS, and the public forms' spam limits relaxed.

    The minimum fill time and the per-client rate limits are settings read from the environment, so
    the scan relaxes them the way an operator would; nothing in the code knows about scanning. Without
    this every tool request after the tenth would be answered 429 and every quick one refused as
    "sent too quickly", and the injection tests would never reach the queries.
    """
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": ONLY_HOST,
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "DJANGO_STATIC_ROOT": str(folder / "static"),
        "DJANGO_MEDIA_ROOT": str(folder / "media"),
        "DJANGO_SECURE_SSL_REDIRECT": "0",  # no TLS on 127.0.0.1
        "DJANGO_SECURE_COOKIES": "0",  # the browser would not send Secure cookies over http
        "DONATIONS_MIN_FILL_SECONDS": "0",
        "DONATIONS_PLEDGE_RATE_LIMIT": "1000000",
        "DONATIONS_LOOKUP_RATE_LIMIT": "1000000",
        "DJANGO_LOG_LEVEL": "WARNING",
    }


def prepare_site(env: dict[str, str]) -> None:
    def manage(*args: str, debug: bool = False) -> None:
        extra = {"DJANGO_DEBUG": "1"} if debug else {}
        subprocess.run([str(PYTHON), "manage.py", *args], cwd=ROOT, env=env | extra, check=True)

    manage("migrate", "--noinput", "-v", "0")
    manage("load_reference_data")
    manage("load_demo_data", debug=True)  # the command refuses without DEBUG; only it runs with DEBUG
    manage("collectstatic", "--noinput", "-v", "0")


@contextmanager
def gunicorn(env: dict[str, str], port: int, log: Path):
    with log.open("w") as out:
        server = subprocess.Popen(
            [str(ROOT / ".venv/bin/gunicorn"), "vinhtuong_program.wsgi", "--bind", f"{ONLY_HOST}:{port}"]
            + ["--workers", "2", "--timeout", "120", "--access-logfile", "-", "--access-logformat", ACCESS_LOG],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    urllib.request.urlopen(f"http://{ONLY_HOST}:{port}/healthz", timeout=2)  # noqa: S310
                    break
                except OSError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        raise SystemExit(f"gunicorn did not start; see {log}") from None
                    time.sleep(0.3)
            yield
        finally:
            server.terminate()
            server.wait(timeout=30)


# ---------------------------------------------------------------- HTTP helpers


class _FormReader(html.parser.HTMLParser):
    """What a browser would send by default for every field of the forms of a page, and each list's choices."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, str] = {}
        self.choices: dict[str, list[str]] = {}
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "checkbox", "radio"):
            self.values.setdefault(name, a.get("value") or "")
        elif tag == "textarea" and name:
            self.values.setdefault(name, "")
        elif tag == "select" and name:
            self._select = name
            self.choices[name] = []
        elif tag == "option" and self._select:
            value = a.get("value") or ""
            if not self.choices[self._select] or "selected" in a:
                self.values[self._select] = value
            self.choices[self._select].append(value)

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


class Browser:
    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get_form(self, path: str) -> _FormReader:
        with self.opener.open(local_url(self.base, path), timeout=30) as response:
            reader = _FormReader()
            reader.feed(response.read().decode())
            return reader

    def post(self, path: str, data: dict[str, str]) -> str:
        body = urllib.parse.urlencode(data).encode()
        with self.opener.open(local_url(self.base, path), body, timeout=30) as response:
            return response.geturl()

    def cookie(self, name: str) -> str:
        return next(c.value for c in self.jar if c.name == name)


def staff_cookies(base: str) -> dict[str, str]:
    browser = Browser(base)
    form = browser.get_form("/dang-nhap/").values
    landed = browser.post("/dang-nhap/", form | {"username": DEMO_USER, "password": DEMO_PASSWORD})
    if "/can-bo/" not in landed:
        raise SystemExit(f"could not sign in as {DEMO_USER} (landed on {landed})")
    return {"sessionid": browser.cookie("sessionid"), "csrftoken": browser.cookie("csrftoken")}


def wapiti_cookie_file(cookies: dict[str, str], path: Path) -> None:
    attrs = {"expires": None, "secure": False, "port": None, "version": 0}
    path.write_text(json.dumps({ONLY_HOST: {"/": {n: {"value": v} | attrs for n, v in cookies.items()}}}))


# ---------------------------------------------------------------- wapiti


WAPITI_PASSES = [
    # The public pages first, anonymously, with every module but time-based blind SQL (sqlmap tests
    # those forms for SQL injection far more thoroughly): twenty-field forms are what a visitor reaches.
    {
        "name": "public",
        "start": "/",
        "signed_in": False,
        "modules": "crlf,csp,http_headers,cookieflags,exec,file,sql,xss,redirect,permanentxss,methods",
        "exclude": ["/can-bo/*", "/admin/*"],
        "crawl": ("SCAN_WAPITI_PUBLIC_CRAWL_SECONDS", 30),
        "attack": ("SCAN_WAPITI_PUBLIC_ATTACK_SECONDS", 40),
        "force": "normal",
    },
    # Then every staff page and the admin as the education office (the widest role). There are some
    # two thousand URLs (a page per pupil, each filter of each list): `polite` keeps a few of each kind.
    {
        "name": "staff",
        "start": "/can-bo/",
        "signed_in": True,
        "modules": "cookieflags,exec,file,sql,xss,redirect,blindsql,permanentxss",
        "exclude": ["/ung-ho/*", "/phan-anh/*", "/tra-cuu/*", "/cong-khai/*"],
        "crawl": ("SCAN_WAPITI_STAFF_CRAWL_SECONDS", 60),
        "attack": ("SCAN_WAPITI_STAFF_ATTACK_SECONDS", 30),
        "force": "polite",
    },
]


def run_wapiti(base: str, reports: Path, work: Path) -> dict[str, dict]:
    return {p["name"]: _wapiti_pass(p, base, reports, work) for p in WAPITI_PASSES}


def _wapiti_pass(settings: dict, base: str, reports: Path, work: Path) -> dict:
    name = settings["name"]
    crawl, attack = _seconds(*settings["crawl"]), _seconds(*settings["attack"])
    # The SSRF/XXE endpoints are pointed at a closed local port: wapiti's default is a host on the Internet.
    dead_end = f"http://{ONLY_HOST}:{_free_port()}/"
    command = ["/usr/bin/python3", str(WAPITI), "-u", base, "--scope", "folder"]
    command += ["-m", settings["modules"], "--no-bugreport", "--endpoint", dead_end, "-S", settings["force"]]
    command += ["--max-scan-time", str(crawl), "--max-attack-time", str(attack), "--timeout", "20"]
    session = work / f"wapiti-{name}"
    command += ["--store-session", str(session), "--store-config", str(session), "--flush-session"]
    command += ["-f", "json", "-o", str(reports / f"wapiti-{name}.json"), "-v", "1"]
    command += ["-s", local_url(base, settings["start"])]
    if settings["signed_in"]:
        cookie_file = work / "wapiti-cookies.json"
        wapiti_cookie_file(staff_cookies(base), cookie_file)
        command += ["-c", str(cookie_file)]
    for path in (*NEVER_VISIT, *settings["exclude"]):
        command += ["-x", local_url(base, path)]
    _check_command(command)
    print(f"\n== wapiti, {name} pages (crawl {crawl} s, about {attack} s per attack module)", flush=True)
    with (reports / f"wapiti-{name}.log").open("w") as log:
        code = _wapiti_within_budget(command, log, attack, give_up_after=crawl + 20 * (attack + 30))
    report_file = reports / f"wapiti-{name}.json"
    if not report_file.exists():
        raise SystemExit(f"wapiti wrote no report (exit {code}); see {reports / f'wapiti-{name}.log'}")
    report = json.loads(report_file.read_text())
    report["coverage"] = _wapiti_coverage((reports / f"wapiti-{name}.log").read_text())
    return report


def _wapiti_coverage(log: str) -> list[str]:
    """How many URLs and forms were found, and how many each module attacked within its time."""
    found = re.search(r"Wapiti found (\d+) URLs and forms", log)
    lines = [f"  URLs and forms found: {found.group(1) if found else '?'}"]
    attacked = []
    for block in re.split(r"^\[\*\] Launching module ", log, flags=re.M)[1:]:
        module = block.split()[0]
        pages = set(re.findall(r"^\[\+\] (\S+ \S+)", block, re.M))
        if pages:
            posts = sum(1 for page in pages if page.startswith("POST"))
            attacked.append(f"{module} {len(pages)} ({posts} forms)")
    lines.append("  attacked per module: " + (", ".join(attacked) or "none"))
    return lines


def _wapiti_within_budget(command: list[str], log, attack_seconds: int, give_up_after: int) -> int:
    """Run wapiti, moving it on to the next module when one overruns its time.

    wapiti checks --max-attack-time only between two pages, and one page (the pledge form: twenty
    fields times each payload) can take minutes. Killing it would lose the report, which is written
    at the very end; Ctrl-C answered "n" makes it move to the next module and keep what it found.
    """
    pipes = {"stdin": subprocess.PIPE, "stdout": subprocess.PIPE, "stderr": subprocess.STDOUT}
    process = subprocess.Popen(command, **pipes, text=True, env=os.environ | {"PYTHONUNBUFFERED": "1"})
    give_up_at = time.monotonic() + give_up_after
    module_started = [time.monotonic(), False]  # when the current module began; in an attack module?

    def follow():
        for line in process.stdout:
            log.write(line)
            if line.startswith("[*] Launching module"):
                module_started[:] = [time.monotonic(), True]
            elif line.startswith("A report has been generated"):
                module_started[1] = False

    reader = threading.Thread(target=follow, daemon=True)
    reader.start()
    grace = attack_seconds + 20
    while process.poll() is None:
        time.sleep(1)
        if time.monotonic() > give_up_at:
            log.write("[scan.py] wapiti is still running after its whole budget: stopped, no report\n")
            process.kill()
            process.wait()
            break
        started, attacking = module_started
        if attacking and time.monotonic() - started > grace:
            log.write(f"[scan.py] module over {grace} s: interrupting it, wapiti goes on with the next one\n")
            module_started[0] = time.monotonic()
            process.send_signal(signal.SIGINT)
            process.stdin.write("n\n")
            process.stdin.flush()
    reader.join(timeout=10)
    return process.returncode


def wapiti_summary(report: dict) -> list[str]:
    lines = []
    for section in ("vulnerabilities", "anomalies", "additionals"):
        for category, findings in sorted(report.get(section, {}).items()):
            if not findings:
                continue
            lines.append(f"  [{section}] {category}: {len(findings)}")
            for f in findings[:8]:
                target = f.get("path", "")
                where = f"{f.get('method', '')} {target}" + (f" [{f['parameter']}]" if f.get("parameter") else "")
                lines.append(f"      {where.strip()}: {' '.join(str(f.get('info', '')).split())[:140]}")
            if len(findings) > 8:
                lines.append(f"      … {len(findings) - 8} more in wapiti.json")
    return lines or ["  no finding"]


# ---------------------------------------------------------------- sqlmap


def sqlmap_targets(base: str, db_path: Path | None) -> tuple[list[dict], str]:
    """The public forms and lookups (valid data to start from, the parameters tested), and the CSRF cookie.

    Django's CSRF check wants the csrftoken cookie and a csrfmiddlewaretoken built from it: both are
    taken once here and stay valid for the whole run. The pledge and report forms also carry the
    one-time signed `form_token` (donations/antispam.py): sqlmap fetches a fresh one from the form page
    before every request (--csrf-token/--csrf-url). Without both, every injected request would stop
    at the CSRF check (403) or at "the form has expired", before any query.
    """
    browser = Browser(base)
    pledge = browser.get_form("/ung-ho/")
    feedback = browser.get_form("/phan-anh/")
    csrf = {"csrfmiddlewaretoken": pledge.values["csrfmiddlewaretoken"]}
    a_commune = next(pk for pk in feedback.choices["commune"] if pk)
    code, phone, report_code, report_phone = _lookup_codes(db_path)
    pledge_data = pledge.values | {
        "donor_kind": "individual",
        "name": "Nguyen Van Quet",
        "contact_person": "Quet",
        "phone": "0912345678",
        "email": "quet@example.com",
        "address": "Thon Mot",
        "cash_amount": "1000000",
        "earmark_commune": a_commune,
        "note": "scan",
    }
    feedback_data = feedback.values | {
        "kind": "missed_pupil",
        "commune": a_commune,
        "hamlet": "Thon Mot",
        "school": "THCS Vinh Tuong",
        "pupil_name": "Tran Thi Hoc",
        "pupil_birth_year": "2010",
        "pupil_class": "6A",
        "lacks_device": "on",
        "description": "Chua co may tinh",
        "reporter_name": "Tran Van Bo",
        "reporter_phone": "0912345678",
        "reporter_relation": "parent",
    }
    one_time = ["--csrf-token", "form_token"]
    return [
        {
            "name": "pledge form POST /ung-ho/",
            "url": local_url(base, "/ung-ho/"),
            "data": pledge_data,
            "params": "earmark_commune,name,phone,note",
            "extra": [*one_time, "--csrf-url", local_url(base, "/ung-ho/?token")],
        },
        {
            "name": "pledge lookup POST /tra-cuu/",
            "url": local_url(base, "/tra-cuu/"),
            "data": csrf | {"code": code, "phone": phone},
            "params": "code,phone",
        },
        {
            "name": "pledge lookup GET /tra-cuu/?ma=",
            "url": local_url(base, f"/tra-cuu/?ma={urllib.parse.quote(code)}"),
            "params": "ma",
        },
        {
            "name": "report form POST /phan-anh/",
            "url": local_url(base, "/phan-anh/"),
            "data": feedback_data,
            "params": "commune,pupil_name,reporter_phone,description",
            "extra": [*one_time, "--csrf-url", local_url(base, "/phan-anh/?token")],
        },
        {
            "name": "report lookup POST /phan-anh/tra-cuu/",
            "url": local_url(base, "/phan-anh/tra-cuu/"),
            "data": csrf | {"code": report_code, "phone": report_phone},
            "params": "code,phone",
        },
    ], browser.cookie("csrftoken")


def _lookup_codes(db_path: Path | None) -> tuple[str, str, str, str]:
    """A real pledge and report with their phones, so that sqlmap's original request finds something."""
    fallback = ("UH-AAAAAA", "0912345678", "PA-AAAAAA", "0912345678")
    if db_path is None or not db_path.exists():
        return fallback
    with sqlite3.connect(db_path) as db:
        pledge = db.execute(
            "SELECT p.reference_code, d.phone FROM donations_pledge p JOIN donations_donor d ON d.id = p.donor_id "
            "WHERE d.phone <> '' ORDER BY p.id LIMIT 1"
        ).fetchone()
        report = db.execute("SELECT code, reporter_phone FROM reports_feedback ORDER BY id LIMIT 1").fetchone()
    return (*(pledge or fallback[:2]), *(report or fallback[2:]))


def run_sqlmap(base: str, reports: Path, work: Path, db_path: Path | None) -> list[tuple[str, str, list[str]]]:
    budget = _seconds("SCAN_SQLMAP_SECONDS", 120)
    targets, csrf_cookie = sqlmap_targets(base, db_path)
    results = []
    for target in targets:
        slug = re.sub(r"[^a-z]+", "-", target["name"].lower()).strip("-")
        command = ["timeout", "--kill-after=10", str(budget), "sqlmap", "-u", target["url"], "--batch"]
        # The site runs on SQLite here: payloads for other database engines would only spend the budget.
        command += ["--dbms", "SQLite", "--level", "2", "--risk", "1", "--time-sec", "2", "--timeout", "15"]
        command += ["--retries", "1"]
        command += ["-p", target["params"], "--cookie", f"csrftoken={csrf_cookie}", "--disable-coloring"]
        command += ["--output-dir", str(work / "sqlmap" / slug), "--flush-session", "--skip-waf", "--parse-errors"]
        if "data" in target:
            command += ["--data", urllib.parse.urlencode(target["data"])]
        command += target.get("extra", [])
        _check_command(command)
        print(f"\n== sqlmap: {target['name']} (at most {budget} s)", flush=True)
        started = time.monotonic()
        done = subprocess.run(command, capture_output=True, text=True)
        (reports / "sqlmap").mkdir(exist_ok=True)
        (reports / "sqlmap" / f"{slug}.txt").write_text(done.stdout + done.stderr)
        verdict = _sqlmap_verdict(done.stdout, target["params"].split(","), done.returncode)
        verdict.append(f"({time.monotonic() - started:.0f} s, exit {done.returncode})")
        print("\n".join(verdict), flush=True)
        results.append((target["name"], slug, verdict))
    return results


def _sqlmap_verdict(output: str, params: list[str], code: int) -> list[str]:
    injectable = set(re.findall(r"^Parameter: (\S+) \(", output, re.M))
    not_injectable = set(re.findall(r"parameter '(\S+?)' does not seem to be injectable", output))
    if "all tested parameters do not appear to be injectable" in output:
        not_injectable |= set(params) - injectable
    lines = []
    for param in params:
        if param in injectable:
            state = "INJECTABLE"
        elif param in not_injectable:
            state = "not injectable"
        else:
            state = "not finished within the time budget" if code in (124, 137) else "not tested (see the log)"
        lines.append(f"    {param}: {state}")
    for line in output.splitlines():
        if "HTTP error codes detected" in line or "CRITICAL" in line:
            lines.append("    " + line.split("] ", 2)[-1])
    return lines


def _check_command(command: list[str]) -> None:
    """Every URL handed to a tool is on 127.0.0.1 (the tools get nothing else to aim at)."""
    for arg in command:
        if re.match(r"^[a-z][a-z0-9+.-]*://", arg, re.I):
            checked_target(arg)


# ---------------------------------------------------------------- main


def count_rows(db_path: Path | None) -> dict[str, int]:
    if db_path is None:
        return {}
    with sqlite3.connect(db_path) as db:
        tables = ("donations_pledge", "reports_feedback")
        return {table: db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] for table in tables}  # noqa: S608


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", help="scan this running server instead (http://127.0.0.1:PORT/ only)")
    parser.add_argument("--reports", default=str(ROOT / "scan-reports"), help="where the reports go")
    parser.add_argument("--only", choices=["wapiti", "sqlmap"], help="run one tool")
    args = parser.parse_args(argv)
    try:
        target = checked_target(args.target) if args.target else None
    except TargetRefused as refused:
        print(f"scan refused: {refused}", file=sys.stderr)
        return 2

    install_tools()
    if target is None:
        rerun = isolated_rerun(argv)
        if rerun is not None:
            return rerun

    reports = Path(args.reports)
    shutil.rmtree(reports, ignore_errors=True)
    reports.mkdir(parents=True)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="scan-") as folder:
        work = Path(folder)
        db_path = None
        if target is None:
            env = scan_environment(work)
            print("Preparing the throwaway site (migrate, reference and demo data, collectstatic)…", flush=True)
            prepare_site(env)
            db_path = work / "db.sqlite3"
            port = _free_port()
            target = checked_target(f"http://{ONLY_HOST}:{port}/")
            server = gunicorn(env, port, reports / "server.log")
        else:
            server = nullcontext()
        with server:
            print(f"Target: {target}", flush=True)
            before = count_rows(db_path)
            wapiti = sqlmap = None
            if args.only in (None, "wapiti"):
                wapiti = run_wapiti(target, reports, work)
            if args.only in (None, "sqlmap"):
                sqlmap = run_sqlmap(target, reports, work, db_path)
            after = count_rows(db_path)

    print(f"\n==== Summary ({time.monotonic() - started:.0f} s; reports in {reports})")
    if wapiti is not None:
        for name, report in wapiti.items():
            print(f"wapiti, {name} pages (wapiti-{name}.json):")
            print("\n".join(report["coverage"] + wapiti_summary(report)))
    if sqlmap is not None:
        print("sqlmap:")
        for name, slug, verdict in sqlmap:
            print(f"  {name} (sqlmap/{slug}.txt)")
            print("\n".join(verdict))
    if before:
        print(
            "Rows the scan's valid submissions created (the antispam and CSRF checks were passed): "
            + ", ".join(f"{t}: +{after[t] - before[t]}" for t in before)
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
