"""The deployment recipe in deploy/ fits the application: its environment template passes
`check --deploy`, gunicorn loads the application with it, nginx and systemd accept their files
(when installed) and nginx lets through every upload the application accepts."""

import json
import os
import re
import runpy
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
DEPLOY = BASE_DIR / "deploy"
ENV_TEMPLATE = DEPLOY / "vinhtuong.env.example"
NGINX_SITE = DEPLOY / "nginx" / "vinhtuong.conf"
INSTALL_DIR = "/srv/vinhtuong/app"
_VARIABLE_LINE = re.compile(r"^#?\s*([A-Z][A-Z0-9_]*)=(.*)$")


def _template_variables(*, commented_too: bool) -> dict[str, str]:
    variables = {}
    for line in ENV_TEMPLATE.read_text(encoding="utf-8").splitlines():
        if (match := _VARIABLE_LINE.match(line.strip())) and (commented_too or not line.startswith("#")):
            variables[match[1]] = match[2]
    return variables


def _production_env() -> dict[str, str]:
    """The process environment as the services get it: the template's values, a real secret."""
    documented = _template_variables(commented_too=True)
    inherited = {
        key: value for key, value in os.environ.items() if not key.startswith("DJANGO_") and key not in documented
    }
    return inherited | _template_variables(commented_too=False) | {"DJANGO_SECRET_KEY": secrets.token_urlsafe(50)}


def _manage(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )


def _nginx_size(text: str) -> int:
    number, unit = re.fullmatch(r"(\d+)([kKmMgG]?)", text).groups()
    return int(number) * 1024 ** " kmg".index(unit.lower() or " ")


def test_the_env_template_names_every_variable_the_application_reads():
    read = set(
        re.findall(
            r"env_(?:str|bool|int|list)\(\s*\"([A-Z0-9_]+)\"",
            (BASE_DIR / "vinhtuong_program" / "settings.py").read_text(),
        )
    )
    read |= set(re.findall(r"os\.environ\.get\(\"([A-Z0-9_]+)\"", (DEPLOY / "gunicorn.conf.py").read_text()))
    assert len(read) > 20
    assert sorted(read - _template_variables(commented_too=True).keys()) == []


@pytest.mark.slow  # another process
@pytest.mark.database_independent  # the template's DATABASE_URL, not the suite's: the same in either run
def test_deploy_check_is_clean_with_the_env_template():
    result = _manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.slow  # another process
@pytest.mark.database_independent  # the template's DATABASE_URL, not the suite's: the same in either run
def test_gunicorn_loads_the_application_with_its_configuration():
    result = subprocess.run(
        [Path(sys.executable).with_name("gunicorn"), "--check-config", "-c", DEPLOY / "gunicorn.conf.py"]
        + ["vinhtuong_program.wsgi"],
        cwd=BASE_DIR,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_gunicorn_listens_only_locally_and_logs_no_query_strings(monkeypatch):
    monkeypatch.delenv("GUNICORN_BIND", raising=False)
    config = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    assert config["bind"] == ["127.0.0.1:8000"]
    assert config["workers"] >= 3
    # %(r)s is the request line with its query string, %(q)s the query string, %(f)s the referrer.
    assert not re.search(r"%\((r|q|f)\)s|\{query_string\}e|\{referer\}i", config["access_log_format"])
    assert config["timeout"] >= 60


@pytest.mark.slow  # another process
def test_nginx_passes_every_upload_the_application_accepts_and_serves_no_uploads():
    script = (
        "import json; from django.conf import settings as s; print(json.dumps([s.SPREADSHEET_MAX_BYTES, "
        "s.HANDOVER_SCAN_MAX_BYTES, s.DATA_UPLOAD_MAX_MEMORY_SIZE, str(s.STATIC_ROOT), s.STATIC_URL]))"
    )
    result = _manage("shell", "--no-imports", "-c", script)
    assert result.returncode == 0, result.stderr
    *upload_limits, static_root, static_url = json.loads(result.stdout)
    site = NGINX_SITE.read_text(encoding="utf-8")

    (body_size,) = re.findall(r"^\s*client_max_body_size\s+(\w+);", site, re.MULTILINE)
    multipart_overhead = 64 * 1024
    assert _nginx_size(body_size) >= max(upload_limits) + multipart_overhead
    assert _nginx_size(body_size) <= 2 * max(upload_limits), "0 or a huge limit lets nginx buffer anything"

    static = re.search(r"location /static/ \{\s*root ([^;]+);", site)
    assert f"/{static_url.strip('/')}/" == "/static/" and f"{static[1]}/static" == static_root
    assert re.search(r"location /media/ \{\s*return 404;", site), "uploads are personal data"

    main = site[site.index("    location / {\n        proxy_pass") :]
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in main
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in main
    assert _template_variables(commented_too=False)["DJANGO_BEHIND_PROXY"] == "1"
    assert "server 127.0.0.1:8000 " in site, "nginx's upstream is gunicorn's default bind"


@pytest.mark.slow  # another process
def test_nginx_accepts_the_site(tmp_path):
    nginx = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
    if nginx is None or shutil.which("openssl") is None:
        pytest.skip("nginx is not installed (CI does not install it)")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost"]
        + ["-keyout", tmp_path / "key.pem", "-out", tmp_path / "cert.pem"],
        check=True,
        capture_output=True,
    )
    site = NGINX_SITE.read_text(encoding="utf-8")
    site = re.sub(r"/etc/letsencrypt/live/[^/]+/fullchain\.pem", str(tmp_path / "cert.pem"), site)
    site = re.sub(r"/etc/letsencrypt/live/[^/]+/privkey\.pem", str(tmp_path / "key.pem"), site)
    site = site.replace("/var/log/nginx/", f"{tmp_path}/")
    (tmp_path / "site.conf").write_text(site)
    temp_paths = "".join(f"    {kind}_temp_path {tmp_path}/{kind};\n" for kind in ("client_body", "proxy", "fastcgi"))
    temp_paths += "".join(f"    {kind}_temp_path {tmp_path}/{kind};\n" for kind in ("uwsgi", "scgi"))
    (tmp_path / "nginx.conf").write_text(
        f"error_log {tmp_path}/error.log;\npid {tmp_path}/nginx.pid;\nevents {{}}\n"
        f"http {{\n{temp_paths}    include {tmp_path}/site.conf;\n}}\n"
    )
    result = subprocess.run(
        [nginx, "-t", "-p", tmp_path, "-c", tmp_path / "nginx.conf"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "[warn]" not in result.stderr, result.stderr


@pytest.mark.slow  # another process
def test_systemd_accepts_the_units(tmp_path):
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze is not installed")
    units = sorted((DEPLOY / "systemd").iterdir())
    assert {unit.name for unit in units} == {
        "vinhtuong.service",
        "vinhtuong-worker.service",
        "vinhtuong-backup.service",
        "vinhtuong-backup.timer",
    }
    for unit in units:
        # The commands must exist for the check: this checkout and its venv stand in for the installed ones.
        text = unit.read_text(encoding="utf-8").replace(f"{INSTALL_DIR}/.venv", sys.prefix)
        (tmp_path / unit.name).write_text(text.replace(INSTALL_DIR, str(BASE_DIR)))
    result = subprocess.run(
        ["systemd-analyze", "verify", *sorted(tmp_path.iterdir())], capture_output=True, text=True, timeout=60
    )
    problems = [line for line in (result.stdout + result.stderr).splitlines() if "vinhtuong" in line]
    assert result.returncode == 0 and problems == [], result.stdout + result.stderr


@pytest.mark.slow  # another process
def test_manage_sh_runs_commands_with_the_environment_file(tmp_path):
    env_file = tmp_path / "vinhtuong.env"
    template = ENV_TEMPLATE.read_text(encoding="utf-8")
    env_file.write_text(template.replace("DJANGO_SECRET_KEY=\n", f"DJANGO_SECRET_KEY={secrets.token_urlsafe(50)}\n"))
    script = "from django.conf import settings as s; print(s.DEBUG, s.MEDIA_ROOT, s.CACHES['default']['BACKEND'])"
    clean = {
        key: value for key, value in _production_env().items() if key not in _template_variables(commented_too=True)
    }
    result = subprocess.run(
        [DEPLOY / "manage.sh", "shell", "--no-imports", "-c", script],
        env=clean | {"VINHTUONG_ENV_FILE": str(env_file)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "/srv/vinhtuong/media", "django.core.cache.backends.db.DatabaseCache"]
