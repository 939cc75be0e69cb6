"""The staff menu (core/navigation.py): groups by task, each role its own, the current page marked, badges."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from reports.dashboard import attention_items
from students.tests.factories import DuplicateCandidateFactory, StudentFactory
from vinhtuong_program.core.navigation import MENU, badge_counts, commune_code, menu_for
from vinhtuong_program.core.tests.site_urls import named_patterns

pytestmark = pytest.mark.django_db

# The groups each role works in, in the menu's order.
GROUPS = {
    "education_office_user": ["lists", "money", "telecom", "allocation", "reports", "admin"],
    "accountant_user": ["money", "telecom", "allocation", "reports", "admin"],
    "leadership_user": ["money", "telecom", "allocation", "reports", "admin"],
    "commune_a_official": ["lists", "allocation"],
    "viettel_user": ["telecom"],
}


def _groups(menu) -> list[str]:
    return [group.key for group in menu]


def _urls(menu) -> list[str]:
    return [item.url for group in menu for item in group.items]


@pytest.mark.parametrize("who", GROUPS)
def test_each_role_sees_only_its_own_groups(request, who):
    user = request.getfixturevalue(who)
    assert _groups(menu_for(user)) == GROUPS[who]


@pytest.mark.parametrize("who", GROUPS)
def test_every_menu_link_opens_for_the_role_that_sees_it(request, client, who):
    user = request.getfixturevalue(who)
    client.force_login(user)
    for url in _urls(menu_for(user)):
        assert client.get(url).status_code == 200, url


def test_nobody_signed_out_gets_a_staff_menu(client):
    from django.contrib.auth.models import AnonymousUser

    assert menu_for(AnonymousUser()) == []
    assert "staff-menu" not in client.get(reverse("home")).content.decode()


def test_the_official_reaches_their_own_commune_pages(commune_a_official, commune_a):
    urls = _urls(menu_for(commune_a_official))
    assert reverse("students:commune-detail", args=[commune_a.code]) in urls
    assert reverse("allocation:commune-summary", args=[commune_a.code]) in urls
    assert reverse("students:verification") not in urls
    # Hamlets are under their lists, not under a telecom group they do not have.
    assert reverse("telecom:hamlets") in urls


def test_the_current_page_and_its_group_are_marked(client, education_office_user):
    client.force_login(education_office_user)
    html = client.get(reverse("students:duplicate-review")).content.decode()
    assert f'href="{reverse("students:duplicate-review")}" aria-current="page"' in html
    menu = client.get(reverse("students:duplicate-review")).context["staff_menu"]
    current = [group.key for group in menu if group.current]
    assert current == ["lists"]
    assert 'class="staff-group is-current" data-group="lists"' in html


def test_a_page_reached_from_an_item_marks_that_item(client, education_office_user):
    pupil = StudentFactory()
    client.force_login(education_office_user)
    menu = client.get(reverse("students:student-detail", args=[pupil.pk])).context["staff_menu"]
    marked = [(group.key, item.url_name, item.current) for group in menu for item in group.items if item.current]
    assert marked == [("lists", "students:student-list", "true")]


def test_every_menu_entry_names_a_url_that_exists():
    names = {item.url_name for group in MENU for item in group.items}
    assert len(names) >= 20
    for group in MENU:
        assert group.items, group.key


def test_badges_come_from_the_dashboards_own_counts(client, education_office_user):
    DuplicateCandidateFactory()
    DuplicateCandidateFactory()
    dashboard = {item.key: item.count for item in attention_items(education_office_user)}
    assert dashboard["duplicates_pending"] == 2
    client.force_login(education_office_user)
    response = client.get(reverse("staff-menu-counts"))
    counts = response.json()["counts"]
    assert counts["lists:students:duplicate-review"] == 2
    assert counts["lists"] == sum(value for key, value in counts.items() if key.startswith("lists:"))
    assert counts == badge_counts(education_office_user, dashboard)


def test_a_role_gets_no_badge_for_a_page_it_cannot_open(client, viettel_user):
    DuplicateCandidateFactory()
    client.force_login(viettel_user)
    counts = client.get(reverse("staff-menu-counts")).json()["counts"]
    assert not any(key.startswith("lists") for key in counts)


def test_signed_out_visitors_get_no_counts(client):
    response = client.get(reverse("staff-menu-counts"))
    assert response.status_code == 302


def staff_pages(user) -> set[str]:
    """Every staff page (HTML, under /can-bo/, or the admin's index) the user may open without choosing a record.

    Pages of one commune count for its official, with their commune's code; records' own pages are
    reached from the lists and are not menu entries.
    """
    client = Client()
    client.force_login(user)
    code = commune_code(user)
    pages = set()
    for pattern, name in named_patterns(skip_apps=("admin",)):
        converters = set(pattern.converters)
        if converters and not (code and converters == {"code"} and not name.startswith("donations")):
            continue
        url = reverse(name, kwargs={"code": code} if converters else None)
        if not url.startswith("/can-bo/"):
            continue
        response = client.get(url)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            pages.add(url)
    if user.is_staff:
        pages.add(reverse("admin:index"))
    return pages


def staff_pages_out_of_reach(user, menu: Iterable[str], links_on: Callable[[str], Iterable[str]]) -> list[str]:
    """The user's staff pages that are neither a menu link nor a link on a menu link's page (two clicks)."""
    menu = {urlsplit(url).path for url in menu}
    reachable = set(menu) | {reverse("staff-home")}
    for url in menu:
        reachable |= {urlsplit(href).path for href in links_on(url)}
    return sorted(staff_pages(user) - reachable)


def _links_in_main(client) -> Callable[[str], set[str]]:
    def links_on(url: str) -> set[str]:
        html = client.get(url).content.decode()
        main = html[html.find("<main") :]
        return set(re.findall(r'href="([^"#]+)', main))

    return links_on


# Where links lead, as its browser twin (tests/e2e/test_staff_navigation.py): once, in the SQLite run of
# `make test`. Not strictly blind to the database: it renders pages with this module's little data. On
# PostgreSQL those pages are rendered by the permission matrix (every URL, every role, data of every
# kind) and the menu's own pages by test_every_menu_link_opens_for_the_role_that_sees_it above.
@pytest.mark.database_independent
@pytest.mark.parametrize("who", GROUPS)
def test_every_staff_page_is_in_the_menu_or_one_click_from_it(request, client, who):
    user = request.getfixturevalue(who)
    client.force_login(user)
    menu = [item.url for group in menu_for(user) for item in group.items]
    assert staff_pages_out_of_reach(user, menu, _links_in_main(client)) == []
