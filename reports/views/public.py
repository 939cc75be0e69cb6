"""The public transparency page and donor roll: for anyone, no login, cached.

Two levels of cache, both for PUBLIC_PAGE_CACHE_SECONDS at most:

- the content, rendered without the request (no user, no CSRF token, no messages), shared by
  every visitor; a signed-in user gets it inside a page rendered for them (menu, logout form);
- the whole page as an anonymous visitor without a pending message sees it: it holds nothing
  of the visitor's, and it is kept only if rendering it used no CSRF token and set no cookie.
  It expires with the content it was built from. Measured with bench/bench_public_load.py
  (PostgreSQL, 20,000 pupils, gunicorn 2 workers): with the content alone cached the page ran at
  0.42× a trivial view's request rate; with the whole anonymous page cached, at 0.65–0.75×.

Anonymous visitors' browsers and proxies may keep the page as long.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from reports.charts import bar_chart, coverage, support_by_commune, vnd
from reports.public import donor_roll, public_figures

CACHE_PREFIX = "reports:public:v1"


def _key(name: str) -> str:
    return f"{CACHE_PREFIX}:{name}:{get_language()}"


def _content(name: str, build: Callable[[], tuple[str, bool]]) -> tuple[SafeString, float]:
    """The content's HTML and when it expires (a time.time(); 0 when not kept): from the cache when
    it was built less than PUBLIC_PAGE_CACHE_SECONDS ago, else from `build()`, which also says
    whether the HTML may be kept."""
    seconds = settings.PUBLIC_PAGE_CACHE_SECONDS
    key = _key(f"content:{name}")
    entry = cache.get(key) if seconds > 0 else None
    if entry is None:
        html, keep = build()
        entry = (str(html), time.time() + seconds if keep and seconds > 0 else 0.0)
        if entry[1]:
            cache.set(key, entry, seconds)
    # Our own templates' output, escaped when it was rendered.
    return mark_safe(entry[0]), entry[1]  # noqa: S308  # nosec B308 B703  # escaped when rendered


def _public_page(request: HttpRequest, name: str, template: str, build: Callable[[], tuple[str, bool]]) -> HttpResponse:
    """`template` around the content `build()` makes, through both caches (see the module's docstring)."""
    shared = settings.PUBLIC_PAGE_CACHE_SECONDS > 0 and not (
        request.user.is_authenticated or len(get_messages(request))
    )
    page_key = _key(f"page:{name}")
    if shared and (html := cache.get(page_key)) is not None:
        return _cache_headers(request, HttpResponse(html))
    content, expires = _content(name, build)
    response = render(request, template, {"content": content})
    # A CSRF token or a cookie in the page would be this visitor's: such a page is not shared.
    if shared and not response.cookies and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        remaining = int(expires - time.time())
        if remaining > 0:
            cache.set(page_key, response.content, remaining)
    return _cache_headers(request, response)


def _cache_headers(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Anonymous visitors all get the same page: let browsers and proxies keep it for a while.

    A signed-in user's page holds their name and the logout form's CSRF token, and a page
    showing a one-time message is one visitor's: never kept. A visitor with a session (one who
    sent a report or a pledge) gets their session cookie back with every response
    (SESSION_SAVE_EVERY_REQUEST): only their own browser may keep that response, never a proxy.
    """
    max_age = max(settings.PUBLIC_PAGE_CACHE_SECONDS, 0)
    if request.user.is_authenticated or len(get_messages(request)):
        add_never_cache_headers(response)
    elif settings.SESSION_COOKIE_NAME in request.COOKIES:
        patch_cache_control(response, private=True, max_age=max_age)
    else:
        patch_cache_control(response, public=True, max_age=max_age)
    return response


def _charts(figures: dict) -> dict[str, SafeString]:
    return {
        "communes": support_by_commune(figures["by_commune"]),
        "money": bar_chart(
            [(row["label"], row["received"], row["pledged"]) for row in figures["money_by_kind"]],
            chart_id="chart-money",
            title=_("Money received against money pledged, by kind"),
            value_name=_("received"),
            total_name=_("pledged"),
            value_format=vnd,
        ),
        "devices": bar_chart(
            [(row["label"], row["received"], row["pledged"]) for row in figures["devices_by_type"]],
            chart_id="chart-devices",
            title=_("Devices received against devices pledged, by type"),
            value_name=_("received"),
            total_name=_("pledged"),
        ),
        "telecom": bar_chart(
            [(row["name"], row["used"], row["capacity"]) for row in figures["offers_by_provider"]],
            chart_id="chart-telecom",
            title=_("Places taken on telecom offers against places offered, by provider"),
            value_name=_("taken"),
            total_name=_("offered"),
            empty_text=_("No telecom offer recorded yet."),
        ),
        "coverage": coverage(figures["infrastructure"]),
        "donors": bar_chart(
            [(row["name"], row["received"], row["pledged"]) for row in figures["donors"]["top_money"]],
            chart_id="chart-donors",
            title=_("Largest pledges of money: received against pledged"),
            value_name=_("received"),
            total_name=_("pledged"),
            value_format=vnd,
            empty_text=_("No money pledged yet."),
        ),
    }


def _transparency_fragment() -> tuple[str, bool]:
    figures = public_figures()
    return render_to_string("reports/_public_figures.html", {"figures": figures, "charts": _charts(figures)}), True


@require_safe
def transparency(request: HttpRequest) -> HttpResponse:
    """/cong-khai/: money, devices and telecom support pledged and received, pupils supported, coverage."""
    return _public_page(request, "figures", "reports/public.html", _transparency_fragment)


# Far beyond any donor roll: a larger number (or one below 1) gives the last page all the same, and
# keeps the page's cache key short (memcached refuses keys over 250 characters).
_PAGE_LIMIT = 100_000


def _page_number(raw: str | None) -> int:
    """The page a visitor asked for; what is not a whole number means the first (as Paginator.get_page does)."""
    try:
        number = int(raw or 1)
    except (TypeError, ValueError):
        return 1
    return max(min(number, _PAGE_LIMIT), 0)


@require_safe
def donors(request: HttpRequest) -> HttpResponse:
    """/cong-khai/nha-hao-tam/?trang=N: every donor, by public name, with what they gave."""
    wanted = _page_number(request.GET.get("trang"))

    def build() -> tuple[str, bool]:
        page = donor_roll(wanted)
        # Only pages that exist are kept: numbers out of range cannot fill the cache.
        return render_to_string("reports/_public_donors.html", {"page_obj": page}), page.number == wanted

    return _public_page(request, f"donors:{wanted}", "reports/public_donors.html", build)
