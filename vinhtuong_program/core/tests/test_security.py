"""The security baseline (issue 8): throttled logins, CSP, cookies and headers, CSRF on every URL,
error pages without debug information, password rules, idle sessions."""

from __future__ import annotations

import base64
import hashlib
import os
import re
import secrets
import subprocess
import sys
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import URLPattern, reverse
from django.utils import timezone

from vinhtuong_program.core import security
from vinhtuong_program.core import views as core_views
from vinhtuong_program.core.tests.factories import PASSWORD, UserFactory
from vinhtuong_program.core.tests.site_urls import named_urls

BASE_DIR = Path(settings.BASE_DIR)
LOCKED = "Đăng nhập tạm thời bị khóa"

# ------------------------------------------------------------------ login throttling


def _login(client, username, password, path="/dang-nhap/", **extra):
    return client.post(path, {"username": username, "password": password}, **extra)


def _fail(client, username, times, **extra):
    for _ in range(times):
        _login(client, username, "sai-mat-khau", **extra)


@pytest.mark.django_db
def test_five_wrong_passwords_lock_the_account_out_even_with_the_right_one(client, education_office_user):
    _fail(client, "phonggd", settings.AXES_FAILURE_LIMIT)
    response = _login(client, "phonggd", PASSWORD)
    body = response.content.decode()
    assert response.status_code == 429
    assert LOCKED in body and "15 phút" in body
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_lockout_touches_neither_another_user_nor_another_address(client, education_office_user, accountant_user):
    _fail(client, "phonggd", settings.AXES_FAILURE_LIMIT)
    assert _login(Client(), "ketoan", PASSWORD).status_code == 302
    assert _login(Client(REMOTE_ADDR="203.0.113.9"), "phonggd", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_a_successful_login_resets_the_count(client, education_office_user):
    _fail(client, "phonggd", settings.AXES_FAILURE_LIMIT - 1)
    assert _login(client, "phonggd", PASSWORD).status_code == 302
    client.post(reverse("logout"))
    _fail(client, "phonggd", settings.AXES_FAILURE_LIMIT - 1)
    assert _login(client, "phonggd", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_the_admin_login_is_throttled_with_the_same_page(client, education_office_user):
    admin_login = reverse("admin:login")
    _fail(client, "phonggd", settings.AXES_FAILURE_LIMIT, path=admin_login)
    response = _login(client, "phonggd", PASSWORD, path=admin_login)
    assert response.status_code == 429 and LOCKED in response.content.decode()
    # The same count: the login page is locked for this user and address too.
    assert _login(client, "phonggd", PASSWORD).status_code == 429


@pytest.mark.django_db
def test_behind_the_proxy_the_client_is_the_address_the_proxy_appended(client, education_office_user, settings):
    settings.DONATIONS_CLIENT_IP_FROM_PROXY = True
    for spoofed in range(settings.AXES_FAILURE_LIMIT):
        # Whatever the client writes first in the header, the proxy's last entry is what counts.
        _login(client, "phonggd", "sai", HTTP_X_FORWARDED_FOR=f"10.0.0.{spoofed}, 203.0.113.5")
    assert _login(client, "phonggd", PASSWORD, HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.5").status_code == 429
    assert _login(client, "phonggd", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.6").status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/dang-nhap/", "/admin/login/"])
def test_an_overlong_user_name_is_a_failed_login_not_a_server_error(client, path):
    # Axes writes the name into a 255-character column: PostgreSQL refused a longer one with a 500.
    overlong = "a" * 300
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, overlong, "sai", path=path).status_code == 200
    # The failures still count: the last one allowed locks the name out.
    assert _login(client, overlong, "sai", path=path).status_code == 429


def test_the_login_address_is_none_when_it_is_no_ip_address(rf, settings):
    settings.DONATIONS_CLIENT_IP_FROM_PROXY = True
    assert security.login_client_ip(rf.get("/", HTTP_X_FORWARDED_FOR="1.2.3.4, not-an-ip")) is None
    assert security.login_client_ip(rf.get("/", HTTP_X_FORWARDED_FOR="2001:db8::1")) == "2001:db8::1"


@pytest.mark.django_db
def test_the_test_clients_login_still_works_without_a_request(client, education_office_user):
    assert client.login(username="phonggd", password=PASSWORD)
    assert not client.login(username="phonggd", password="sai")


# ------------------------------------------------------------------ Content-Security-Policy


def _directives(response) -> dict[str, set[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: set(part.split()[1:]) for part in header.split(";") if part.strip()}


@pytest.mark.django_db
def test_public_and_staff_pages_send_the_strict_policy(client, education_office_user):
    for response in (client.get("/"), client.get("/ung-ho/")):
        policy = _directives(response)
        assert policy["default-src"] == {"'self'"}
        assert policy["script-src"] == {"'self'"}
        assert policy["style-src"] == {"'self'"}
        assert policy["img-src"] == {"'self'", "data:"}
        assert policy["object-src"] == {"'none'"}
        assert policy["base-uri"] == {"'self'"}
        assert policy["form-action"] == {"'self'"}
        assert policy["frame-ancestors"] == {"'none'"}
    client.force_login(education_office_user)
    staff = _directives(client.get(reverse("staff-home")))
    assert staff["script-src"] == {"'self'"} and staff["style-src"] == {"'self'"}


@pytest.mark.django_db
def test_the_admin_allows_only_its_own_inline_styles_and_its_one_handler(admin_client):
    policy = _directives(admin_client.get(reverse("admin:index")))
    assert "'unsafe-inline'" in policy["style-src"]
    assert "'unsafe-inline'" not in policy["script-src"]
    assert policy["script-src"] == {"'self'", "'unsafe-hashes'", *security.ADMIN_HANDLER_HASHES}


def test_the_admin_handler_hashes_match_the_installed_templates():
    """A new django-import-export with another inline handler makes this fail: hash it or override it."""
    import import_export

    found = set()
    for template in Path(import_export.__file__).parent.joinpath("templates").rglob("*.html"):
        found |= set(re.findall(r'\son[a-z]+="([^"]*)"', template.read_text(encoding="utf-8")))
    assert found == set(security.ADMIN_INLINE_HANDLERS)
    hashes = {f"'sha256-{base64.b64encode(hashlib.sha256(h.encode()).digest()).decode()}'" for h in found}
    assert hashes == set(security.ADMIN_HANDLER_HASHES)


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.IGNORECASE)


@pytest.mark.parametrize(
    "template", sorted((BASE_DIR / "templates").rglob("*.html")), ids=lambda p: str(p.relative_to(BASE_DIR))
)
def test_no_template_has_inline_script_handler_or_style(template):
    text = template.read_text(encoding="utf-8")
    assert not INLINE_SCRIPT.search(text), "inline <script>: move it to static/js/"
    assert not EVENT_HANDLER.search(text), "on…= handler: attach it from a static script"
    assert "javascript:" not in text.lower()
    assert not INLINE_STYLE.search(text), "inline style: move it to static/css/"


class _InlineFinder(HTMLParser):
    def __init__(self):
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if tag == "script" and "src" not in names:
            self.problems.append("inline <script>")
        if tag == "style":
            self.problems.append("<style>")
        for name, value in attrs:
            if name.startswith("on") or name == "style" or "javascript:" in (value or "").lower():
                self.problems.append(f"<{tag} {name}=…>")


PUBLIC_PAGES = ["/", "/ung-ho/", "/tra-cuu/", "/cong-khai/", "/phan-anh/", "/phan-anh/tra-cuu/"]


@pytest.mark.django_db
def test_rendered_public_pages_have_nothing_inline(client):
    """Rendered, so that form widgets and included templates from packages are checked too."""
    pages = [*PUBLIC_PAGES, reverse("learning-platforms"), reverse("login")]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        finder = _InlineFinder()
        finder.feed(response.content.decode())
        assert not finder.problems, (url, finder.problems)


# ------------------------------------------------------------------ cookies, headers, deploy check


@pytest.mark.django_db
def test_cookies_and_headers(client):
    assert settings.SESSION_COOKIE_HTTPONLY and settings.CSRF_COOKIE_HTTPONLY
    response = client.get(reverse("login"))
    assert response.cookies["csrftoken"]["httponly"]
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "camera=()" in response["Permissions-Policy"]


def test_no_static_script_reads_the_csrf_cookie():
    """CSRF_COOKIE_HTTPONLY is on: a script that read the cookie would silently stop working."""
    for script in (BASE_DIR / "static" / "js").rglob("*.js"):
        assert "csrftoken" not in script.read_text(encoding="utf-8").lower(), script


@pytest.mark.slow  # another process
@pytest.mark.database_independent  # the process gets no DATABASE_URL: the same in either run of `make test`
def test_deploy_check_has_no_warning_with_production_settings():
    clean = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_URL"))}
    env = clean | {
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "songmaytinh.example",
        "DJANGO_SECURE_COOKIES": "1",
        "DJANGO_SECURE_SSL_REDIRECT": "1",
        # Several workers share the rate limits' counts (a per-process cache is a deploy warning).
        "DJANGO_CACHE_BACKEND": "django.core.cache.backends.db.DatabaseCache",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stdout + result.stderr


# ------------------------------------------------------------------ CSRF on every URL


def _every_route():
    """(name, URLPattern) of every named URL except the admin's (Django protects those itself)."""
    return [(name, entry) for entry, name in named_urls(skip_apps=("admin",))]


def _dummy_kwargs(pattern: URLPattern) -> dict:
    values = {}
    for name, converter in pattern.pattern.converters.items():
        values[name] = "json" if name == "fmt" else (1 if converter.regex == "[0-9]+" else "x")
    return values


@pytest.mark.django_db
def test_no_view_is_csrf_exempt():
    routes = list(_every_route())
    assert len(routes) > 50, "the URL walk found too few URLs: it is broken"
    exempt = [name for name, entry in routes if getattr(entry.callback, "csrf_exempt", False)]
    assert not exempt


# Refused by the middleware before any view runs: once, in the SQLite run of `make test`. It reads the
# users and saves the session, as every request does on PostgreSQL elsewhere; the layout the CSRF page
# shares (base.html, as 403.html) is rendered on PostgreSQL by the permission matrix.
@pytest.mark.database_independent
@pytest.mark.django_db
def test_every_url_refuses_a_post_without_a_csrf_token_with_the_vietnamese_page(education_office_user):
    """Also as a logged-in user with every permission: the token, not the role, is what refuses."""
    client = Client(enforce_csrf_checks=True)
    superuser = UserFactory(username="quantri", is_staff=True, is_superuser=True)
    urls = [reverse(name, kwargs=_dummy_kwargs(entry)) for name, entry in _every_route()]
    urls += [reverse("admin:login"), reverse("admin:index")]
    for user in (None, superuser):
        if user:
            client.force_login(user)
        for url in urls:
            response = client.post(url, {"anything": "1"})
            assert response.status_code == 403, url
            assert "Biểu mẫu đã hết hạn" in response.content.decode(), url


# ------------------------------------------------------------------ error pages


@pytest.mark.django_db
def test_debug_is_off_and_an_unknown_url_gets_the_vietnamese_404(client):
    assert settings.DEBUG is False
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


@pytest.mark.django_db
def test_a_server_error_shows_the_500_page_and_no_traceback(client, settings):
    settings.ROOT_URLCONF = "vinhtuong_program.core.tests.urls_failing"
    client.raise_request_exception = False
    response = client.get("/loi-thu/")
    body = response.content.decode()
    assert response.status_code == 500
    assert "Đã có lỗi xảy ra" in body
    assert "Traceback" not in body and "secret detail" not in body and "RuntimeError" not in body


@pytest.mark.django_db
def test_a_foreign_host_header_gets_the_vietnamese_400(client):
    response = client.get("/", HTTP_HOST="tan-cong.example")
    assert response.status_code == 400
    assert "Yêu cầu không hợp lệ" in response.content.decode()


@pytest.mark.django_db
def test_a_form_with_too_much_data_gets_the_vietnamese_400(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post("/ung-ho/", {"note": "x" * 5000})
    assert response.status_code == 400
    assert "Yêu cầu không hợp lệ" in response.content.decode()


@pytest.mark.django_db
def test_a_request_over_the_size_cap_gets_the_vietnamese_413_before_its_body_is_read(client, settings):
    settings.REQUEST_MAX_BYTES = 1000
    response = client.post("/ung-ho/", {"note": "x" * 5000})
    assert response.status_code == 413
    assert "Tệp quá lớn" in response.content.decode()
    assert response["Content-Security-Policy"]


# ------------------------------------------------------------------ passwords


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("new_password", "expected"),
    [
        ("12345678", "hoàn toàn là số"),
        ("password", "quá phổ biến"),
        ("phonggd-2021", "quá giống với"),
        ("Xq7#pLm", "quá ngắn"),
        ("Xq7#pLm2k", "ít nhất 10 ký tự"),
    ],
)
def test_a_weak_new_password_is_refused_in_vietnamese(client, education_office_user, new_password, expected):
    client.force_login(education_office_user)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 200
    assert expected in response.content.decode()
    education_office_user.refresh_from_db()
    assert education_office_user.check_password(PASSWORD)


@pytest.mark.django_db
def test_a_strong_new_password_is_accepted(client, education_office_user):
    client.force_login(education_office_user)
    strong = "lua-non-song-nuoc-2021"
    data = {"old_password": PASSWORD, "new_password1": strong, "new_password2": strong}
    assert client.post(reverse("password_change"), data).status_code == 302
    education_office_user.refresh_from_db()
    assert education_office_user.check_password(strong)


# ------------------------------------------------------------------ idle sessions


def _session_row(client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


@pytest.mark.django_db
def test_a_staff_session_idle_for_over_an_hour_is_sent_to_the_login(client, education_office_user):
    assert settings.SESSION_COOKIE_AGE == 60 * 60 and settings.SESSION_SAVE_EVERY_REQUEST
    client.force_login(education_office_user)
    assert client.get(reverse("staff-home")).status_code == 200
    # Last activity 61 minutes ago: the session row expired a minute ago.
    Session.objects.filter(pk=_session_row(client).pk).update(expire_date=timezone.now() - timedelta(minutes=1))
    response = client.get(reverse("staff-home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_each_request_renews_the_idle_hour(client, education_office_user):
    client.force_login(education_office_user)
    # Last activity 55 minutes ago: five minutes left.
    Session.objects.filter(pk=_session_row(client).pk).update(expire_date=timezone.now() + timedelta(minutes=5))
    assert client.get(reverse("staff-home")).status_code == 200
    assert _session_row(client).expire_date > timezone.now() + timedelta(minutes=55)


@pytest.mark.django_db
def test_the_menus_background_counts_never_write_back_an_older_session(client, education_office_user, monkeypatch):
    """The counts request loads the session as the page appears; the user's next post may store something first."""
    client.force_login(education_office_user)
    key = client.session.session_key
    undo = {"ids": [7, 8], "day": timezone.localdate().isoformat()}
    count_attention = core_views.attention_items

    def meanwhile_the_user_verifies_all(user, **kwargs):
        session = SessionStore(key)
        session["verification_undo"] = undo
        session.save()
        return count_attention(user, **kwargs)

    monkeypatch.setattr(core_views, "attention_items", meanwhile_the_user_verifies_all)
    response = client.get(reverse("staff-menu-counts"))
    assert response.status_code == 200 and "counts" in response.json()
    assert SessionStore(key)["verification_undo"] == undo
    # Nor is the cookie set again: a browser whose cookies were just cleared stays signed out.
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert "Cookie" in response["Vary"]


@pytest.mark.django_db
def test_the_menus_background_counts_are_not_activity(client, education_office_user):
    client.force_login(education_office_user)
    five_minutes_left = timezone.now() + timedelta(minutes=5)
    Session.objects.filter(pk=_session_row(client).pk).update(expire_date=five_minutes_left)
    assert client.get(reverse("staff-menu-counts")).status_code == 200
    assert _session_row(client).expire_date == five_minutes_left
