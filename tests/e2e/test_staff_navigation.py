"""Issue 19: the staff menu at 1366, 1024 and 360 px, for every role.

For each role and width: no menu link spans more than one line or overflows its box; each group,
opened through its first link, is marked as the current group; every staff page the role may open
is a menu link or a link on a menu page (two clicks: the menu's link, then the page's; on a phone
the menu button comes first and all of the menu shows at once); axe-core finds nothing serious
(at 1366 and 360 px).
Screenshots of each role's home at each width go to test-results/ (git-ignored) for a person to look at.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from reports.tests.factories import FeedbackFactory
from students.tests.factories import DuplicateCandidateFactory
from tests.e2e.accessibility import axe_violations, describe, failing
from tests.e2e.conftest import log_in, wait_for_menu_counts
from vinhtuong_program.core.tests.factories import PASSWORD
from vinhtuong_program.core.tests.test_navigation import GROUPS, staff_pages_out_of_reach

pytestmark = pytest.mark.django_db(transaction=True)
# What a page looks like (lines, overflow, axe, print width) and where its links lead are the same whatever
# the database under it: `make test` runs these in the SQLite run only (the journeys run on both).
same_on_every_database = pytest.mark.database_independent

SHOTS = Path(__file__).resolve().parents[2] / "test-results" / "staff-navigation"
WIDTHS = (1366, 1024, 360)
# axe-core at 1366 and 360 px: 1024 px is the same desktop layout as 1366 (the menu unfolds from 992 px),
# where axe judged the same markup a second time; the menu's lines and marks are still checked at 1024.
AXE_WIDTHS = (1366, 360)
USERNAMES = {
    "education_office_user": "phonggd",
    "accountant_user": "ketoan",
    "leadership_user": "lanhdao",
    "commune_a_official": "xa_a",
    "viettel_user": "nv_viettel",
}

# Each link's text box against its line height: more than one line is a wrap; wider than the box, an overflow.
_LINK_PROBLEMS = """() => [...document.querySelectorAll('#staff-menu a.nav-link, #staff-menu .staff-group-title')]
  .filter(el => el.checkVisibility())
  .flatMap(el => {
    const text = el.querySelector('.staff-link-text, span') || el;
    const style = getComputedStyle(text);
    const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.5;
    const height = text.getBoundingClientRect().height;
    const problems = [];
    if (height > line * 1.5) problems.push(`${el.textContent.trim()}: ${height}px high, line ${line}px`);
    if (el.scrollWidth > el.clientWidth + 1) problems.push(`${el.textContent.trim()}: overflows its box`);
    return problems;
  })"""


def _open_menu(page, width: int) -> None:
    if width < 992 and not page.locator("#staff-menu.show").count():
        page.get_by_role("button", name="Trình đơn", exact=True).click()
        expect(page.locator("#staff-menu")).to_be_visible()
        page.locator("#staff-menu.show").wait_for()


def _menu_links(page) -> list[tuple[str, str]]:
    links = page.eval_on_selector_all(
        "#staff-menu .staff-group a.nav-link",
        "links => links.map(a => [a.closest('.staff-group').dataset.group, a.getAttribute('href')])",
    )
    return [tuple(link) for link in links]


@same_on_every_database
@pytest.mark.parametrize("who", list(GROUPS))
def test_each_role_finds_its_way_in_the_staff_menu_at_every_width(request, browser, live_server, who, commune_a):
    request.getfixturevalue(who)
    DuplicateCandidateFactory(existing__commune=commune_a, candidate__commune=commune_a)
    FeedbackFactory(commune=commune_a)
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    for width in WIDTHS:
        context = browser.new_context(
            base_url=live_server.url, locale="vi-VN", viewport={"width": width, "height": 900}, bypass_csp=True
        )
        page = context.new_page()
        page.set_default_timeout(15_000)
        log_in(page, USERNAMES[who], PASSWORD)
        page.wait_for_load_state("load")
        wait_for_menu_counts(page)
        page.screenshot(path=str(SHOTS / f"{who}-{width}.png"), full_page=True)
        _open_menu(page, width)
        if width < 992:
            page.screenshot(path=str(SHOTS / f"{who}-{width}-menu.png"), full_page=False)
        problems += [f"{width}px: {line}" for line in page.evaluate(_LINK_PROBLEMS)]
        if width in AXE_WIDTHS:
            problems += describe(f"{width}px staff home", failing(axe_violations(page)))
        links = _menu_links(page)
        assert list(dict.fromkeys(group for group, _href in links)) == GROUPS[who]
        # Each group, reached by a click on its first link, is the current group there.
        for group in GROUPS[who]:
            href = next(href for key, href in links if key == group)
            _open_menu(page, width)
            page.locator(f"#staff-menu a.nav-link[href='{href}']").click()
            page.wait_for_load_state("load")
            if group == "admin":
                # The admin keeps its own layout and menu: reaching it is the check.
                expect(page.locator("#site-name")).to_be_visible()
                continue
            current = page.locator("#staff-menu .staff-group.is-current")
            if current.count() != 1 or current.get_attribute("data-group") != group:
                problems.append(f"{width}px: after {href}, the current group is not {group}")
            if page.locator(f"#staff-menu a[href='{href}'][aria-current='page']").count() != 1:
                problems.append(f"{width}px: {href} is not marked as the current page")
            if width in AXE_WIDTHS:
                problems += describe(f"{width}px {href}", failing(axe_violations(page)))
        context.close()
    assert not problems, "\n".join(problems)


@same_on_every_database  # where the links are; every page's answer on PostgreSQL: core/tests/test_navigation.py
@pytest.mark.parametrize("who", list(GROUPS))
def test_every_staff_page_is_two_clicks_from_the_menu(request, page, who, commune_a):
    user = request.getfixturevalue(who)
    log_in(page, USERNAMES[who], PASSWORD)
    menu = [href for _group, href in _menu_links(page)]

    def links_on(url: str) -> set[str]:
        page.goto(url)
        wait_for_menu_counts(page)
        return set(page.eval_on_selector_all("main a[href]", "links => links.map(a => a.getAttribute('href'))"))

    assert staff_pages_out_of_reach(user, menu, links_on) == []


@same_on_every_database
def test_the_lists_a_commune_posts_or_signs_print_on_a4(request, browser, live_server, commune_a):
    """The pupils in need, the commune's allocation summary and a handover record, printed: content only, A4 wide."""
    from allocation.tests.handover_data import school_with_record

    office = request.getfixturevalue("education_office_user")
    request.getfixturevalue("commune_a_official")
    batch, _support, _other = school_with_record(office, commune_a)
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems = []
    for who, pages in (
        ("xa_a", [f"/can-bo/hoc-sinh/?commune={commune_a.pk}", f"/can-bo/phan-bo/xa/{commune_a.code}/tong-hop/"]),
        ("phonggd", [f"/can-bo/phan-bo/bien-ban/{batch.pk}/"]),
    ):
        # A browser context (its own cookies) per user: in one context, cookies cleared, the menu's counts request
        # still under way brought the last user's session back (every response renews it), and the login
        # page sent the next user on to the staff home.
        # A4 less the print margins, at 96 px per inch: about 690 px of width for the page's content.
        context = browser.new_context(base_url=live_server.url, locale="vi-VN", viewport={"width": 690, "height": 980})
        page = context.new_page()
        log_in(page, who, PASSWORD)
        for url in pages:
            page.goto(url)
            page.emulate_media(media="print")
            shown = page.evaluate(
                """() => ({menu: !!document.querySelector('#staff-menu')?.checkVisibility(),
                          header: document.querySelector('header').checkVisibility(),
                          buttons: [...document.querySelectorAll('main .btn')].filter(b => b.checkVisibility()).length,
                          rows: document.querySelectorAll('main table tbody tr').length,
                          wide: document.scrollingElement.scrollWidth})"""
            )
            if shown["menu"] or shown["header"] or shown["buttons"] or shown["wide"] > 690 or not shown["rows"]:
                problems.append(f"{url}: {shown}")
            name = url.strip("/").replace("/", "-").replace("?", "-").replace("=", "-")
            page.pdf(path=str(SHOTS / f"print-{name}.pdf"), format="A4", print_background=True)
            page.emulate_media(media="screen")
        context.close()
    assert not problems, "\n".join(problems)
