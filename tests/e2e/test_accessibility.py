"""Issue 8: the public pages and the commune upload page pass axe-core and work on a 360 px phone.

Each page is walked through its states in one browser context (the empty form submitted, a code
not found, a pledge or a report found), and each state is checked where it stands: axe-core on a
desktop screen, then the same walk on a phone. A form in its error state must also tie every
message to its field (aria-invalid + aria-describedby). The 360 px check of /cong-khai/ and its
donor roll is in test_public_page.py.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import pytest
from django.core.cache import cache

from tests.e2e.accessibility import PHONE, axe_violations, describe, failing, menu_focus_problems, phone_problems
from tests.public_pages import FEEDBACK_PHONE, PLEDGE_PHONE, Scene, build_scene

# axe-core and the phone layout judge the markup, the same whatever the database under it: `make test`
# runs these in the SQLite run only (the journeys through the pages run on both).
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.database_independent]

Step = tuple[str | None, Callable | str]  # a step of no state is only a way to the next one


def _submit(page) -> None:
    with page.expect_navigation():
        page.locator("main form [type=submit]").click()


def _look_up(code: str, phone: str) -> Callable:
    def look_up(page) -> None:
        page.locator("#id_code").fill(code)
        page.locator("#id_phone").fill(phone)
        _submit(page)

    return look_up


def _log_in(scene: Scene) -> Callable:
    def log_in(page) -> None:
        page.locator("#id_username").fill(scene.official)
        page.locator("#id_password").fill(scene.password)
        _submit(page)

    return log_in


def _send_no_file(page) -> None:
    # The page sends the file by XMLHttpRequest and shows the server's answer in place.
    page.locator("#upload-form [type=submit]").click()
    page.locator("#upload-error").wait_for(state="visible")


def _walk(scene: Scene, public_pages: bool) -> list[Step]:
    """(state, URL to open or action on the current page), in order; each state reached once."""
    steps: list[Step] = [
        ("home", "/"),
        ("pledge-form", "/ung-ho/"),
        ("pledge-form-errors", _submit),
        ("lookup", "/tra-cuu/"),
        ("lookup-errors", _submit),
        ("lookup-not-found", _look_up("UH-ZZZZZZ", PLEDGE_PHONE)),
        ("lookup-found", _look_up(scene.pledge_code, PLEDGE_PHONE)),
        ("feedback-form", "/phan-anh/"),
        ("feedback-form-errors", _submit),
        ("feedback-lookup", "/phan-anh/tra-cuu/"),
        ("feedback-lookup-errors", _submit),
        ("feedback-lookup-found", _look_up(scene.feedback_code, FEEDBACK_PHONE)),
        ("learning-platforms", "/nen-tang-hoc-truc-tuyen/"),
        ("login", "/dang-nhap/"),
        ("login-errors", _submit),
        (None, _log_in(scene)),
        ("upload", scene.upload_url),
        ("upload-errors", _send_no_file),
    ]
    if public_pages:
        steps[7:7] = [("transparency", "/cong-khai/"), ("donor-roll", "/cong-khai/nha-hao-tam/")]
    return steps


def _go(page, step: Callable | str) -> None:
    if isinstance(step, str):
        response = page.goto(step)
        assert response and response.ok, (step, response and response.status)
    else:
        step(page)


# Every field marked invalid names its message (itself or its fieldset), and every message shown belongs to a field.
_ERROR_LINKS = """() => {
  const problems = [];
  const described = el => (el.getAttribute('aria-describedby') || '').split(/\\s+/).filter(Boolean)
    .map(id => document.getElementById(id)).filter(Boolean);
  const invalid = [...document.querySelectorAll('main [aria-invalid=true]')];
  if (!invalid.length) problems.push('no field is marked aria-invalid');
  const named = new Set();
  for (const field of invalid) {
    const messages = [...described(field), ...(field.closest('fieldset') ? described(field.closest('fieldset')) : [])]
      .filter(m => m.textContent.trim() && m.checkVisibility());
    messages.forEach(m => named.add(m));
    if (!messages.length) problems.push('no visible message described: ' + field.outerHTML.slice(0, 100));
  }
  for (const message of document.querySelectorAll('main .invalid-feedback, main #upload-error')) {
    if (message.checkVisibility() && ![...named].some(m => m === message || m.contains(message) || message.contains(m)))
      problems.push('message tied to no field: ' + message.textContent.trim().slice(0, 80));
  }
  return problems;
}"""


def _error_problems(page) -> list[str]:
    return page.evaluate(_ERROR_LINKS)


def test_the_public_pages_and_the_upload_page_pass_axe(browser, live_server):
    cache.clear()
    scene = build_scene()
    context = browser.new_context(
        base_url=live_server.url, locale="vi-VN", viewport={"width": 1280, "height": 900}, bypass_csp=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    found, problems = [], []
    for state, step in _walk(scene, public_pages=True):
        _go(page, step)
        if state is None:
            continue
        violations = axe_violations(page)
        found += describe(state, violations)
        problems += describe(state, failing(violations))
        if state.endswith("-errors"):
            problems += [f"{state}: {problem}" for problem in _error_problems(page)]
        if state == "home":
            problems += [f"{state}: {problem}" for problem in menu_focus_problems(page)]
    context.close()
    assert not problems, "\n".join(problems)
    if found:  # moderate and minor ones are reported, not failed
        warnings.warn("axe-core:\n" + "\n".join(found), stacklevel=1)


def test_the_public_pages_and_the_upload_page_work_on_a_360_pixel_phone(browser, live_server):
    cache.clear()
    scene = build_scene()
    context = browser.new_context(
        base_url=live_server.url, locale="vi-VN", viewport=PHONE, is_mobile=True, has_touch=True, bypass_csp=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems = []
    for state, step in _walk(scene, public_pages=False):
        _go(page, step)
        if state is None:
            continue
        problems += [f"{state}: {problem}" for problem in phone_problems(page)]
        problems += describe(state, failing(axe_violations(page)))
    context.close()
    assert not problems, "\n".join(problems)
