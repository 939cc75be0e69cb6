"""Headless Debian Chromium driven by Playwright; no browser is ever downloaded."""

import os
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIServer
from django.test.testcases import LiveServerThread

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
# Without these, Chromium keeps calling Google's hosts, which this network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread while the
    # browser lives; the tests' ORM calls stay synchronous, so Django's async
    # guard is lifted for as long as the browser runs, and only then.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="vi-VN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture(autouse=True)
def _live_server_idle_before_flush(request):
    """After a browser test, close its pages and let the live server end the requests they started.

    A request still in the server (the menu's counts, a form sent on the test's last line) would meet the
    test database flushed and closed to it, fail, and print its traceback into the next test; on Python
    3.11.7 that traceback, parsed in the server's thread while pytest parses another, crashed pytest.
    """
    if "live_server" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("transactional_db")  # set up before this fixture, so torn down after it
    live_server = request.getfixturevalue("live_server")
    yield
    if "browser" in request.fixturenames:
        for context in request.getfixturevalue("browser").contexts:
            context.close()
    live_server.thread.httpd.wait_until_idle(timeout=15)


def log_in(page, username: str, password: str) -> None:
    page.goto("/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    # The click does not wait for the page it sends: read before the staff home has loaded, the menu came
    # back empty (a red CI run: every page "out of reach"). A failed login stays here and times out.
    page.wait_for_url(lambda url: urlsplit(url).path != "/dang-nhap/")


# The staff menu's badge counts are one fetch after the page loads (static/js/staff_menu.js). Waiting for
# that request's own resource entry is exact; "networkidle" would wait half a second more on every page.
_COUNTS_FETCHED = """() => {
  const url = document.getElementById('staff-menu')?.dataset.countsUrl;
  return !url || performance.getEntriesByType('resource').some(entry => new URL(entry.name).pathname === url);
}"""


def wait_for_menu_counts(page) -> None:
    """Wait until the staff menu's badge counts have been fetched (on SQLite a request still running
    when the next page starts holds the table lock)."""
    page.wait_for_function(_COUNTS_FETCHED)


class _CountsRequests:
    """A live server that knows how many requests it is still handling, and can wait for none."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._in_flight = 0
        self._idle = threading.Condition()

    def finish_request(self, request, client_address):
        with self._idle:
            self._in_flight += 1
        try:
            super().finish_request(request, client_address)
        finally:
            with self._idle:
                self._in_flight -= 1
                self._idle.notify_all()

    def wait_until_idle(self, timeout: float) -> None:
        with self._idle:
            if not self._idle.wait_for(lambda: self._in_flight == 0, timeout=timeout):
                raise TimeoutError(f"the live server still handles {self._in_flight} request(s) after {timeout} s")


class _ThreadedWSGIServer(_CountsRequests, ThreadedWSGIServer):
    pass


class _SerialWSGIServer(_CountsRequests, WSGIServer):
    """The live server, one request at a time (Django then closes each connection after its response)."""

    def __init__(self, *args, connections_override=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.connections_override = connections_override  # LiveServerThread.run() installs them itself


# On SQLite the live server's threads share one in-memory connection: a page and its menu's badge
# request at once lock the tables ("database table is locked"). PostgreSQL keeps the threaded server.
_SERVER_CLASS = _SerialWSGIServer if "sqlite" in settings.DATABASES["default"]["ENGINE"] else _ThreadedWSGIServer
LiveServerThread.server_class = _SERVER_CLASS  # type: ignore[assignment]  # a WSGIServer all the same
