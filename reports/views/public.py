"""The public transparency page and donor roll: for anyone, no login, cached.

The content is rendered without the request (no user, no CSRF token, no messages) and that
fragment is cached for PUBLIC_PAGE_CACHE_SECONDS; the page around it (menu, login or logout)
is rendered per visitor. Anonymous visitors' browsers and proxies may keep the page as long.
"""

from __future__ import annotations

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

from reports.charts import bar_chart, vnd
from reports.public import donor_roll, public_figures

CACHE_PREFIX = "reports:public:v1"


def _cached_fragment(name: str, build: Callable[[], tuple[str, bool]]) -> SafeString:
    """HTML from the cache when a visitor asked for it less than PUBLIC_PAGE_CACHE_SECONDS ago, else
    from `build()`, which also says whether the HTML may be kept."""
    seconds = settings.PUBLIC_PAGE_CACHE_SECONDS
    key = f"{CACHE_PREFIX}:{name}:{get_language()}"
    html = cache.get(key) if seconds > 0 else None
    if html is None:
        html, keep = build()
        if keep and seconds > 0:
            cache.set(key, str(html), seconds)
    # Our own templates' output, escaped when it was rendered.
    return mark_safe(html)  # noqa: S308


def _cache_headers(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Anonymous visitors all get the same page: let browsers and proxies keep it for a while.

    A signed-in user's page holds their name and the logout form's CSRF token, and a page
    showing a one-time message is one visitor's: never kept.
    """
    if request.user.is_authenticated or len(get_messages(request)):
        add_never_cache_headers(response)
    else:
        patch_cache_control(response, public=True, max_age=max(settings.PUBLIC_PAGE_CACHE_SECONDS, 0))
    return response


def _charts(figures: dict) -> dict[str, SafeString]:
    donations = figures["donations"]
    return {
        "communes": bar_chart(
            [(row["name"], row["supported"], row["in_need"]) for row in figures["by_commune"]],
            chart_id="chart-communes",
            title=_("Pupils supported against pupils in need, by commune"),
            value_name=_("supported"),
            total_name=_("in need"),
        ),
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
        "coverage": bar_chart(
            [(row["label"], row["covered"], row["hamlets"]) for row in figures["coverage"]],
            chart_id="chart-coverage",
            title=_("Hamlets covered by 4G mobile and by fibre, of all hamlets"),
            value_name=_("hamlets covered"),
            total_name=_("all hamlets"),
        ),
        "donors": bar_chart(
            [(row["name"], row["received"], row["pledged"]) for row in figures["donors"]["top_money"]],
            chart_id="chart-donors",
            title=_("Largest pledges of money: received against pledged"),
            value_name=_("received"),
            total_name=_("pledged"),
            value_format=vnd,
            empty_text=_("No money pledged yet."),
        ),
        "cash_balance": vnd(donations["cash_received_vnd"] - donations["cash_spent_vnd"]),
    }


def _transparency_fragment() -> tuple[str, bool]:
    figures = public_figures()
    return render_to_string("reports/_public_figures.html", {"figures": figures, "charts": _charts(figures)}), True


@require_safe
def transparency(request: HttpRequest) -> HttpResponse:
    """/cong-khai/: money, devices and telecom support pledged and received, pupils supported, coverage."""
    content = _cached_fragment("figures", _transparency_fragment)
    return _cache_headers(request, render(request, "reports/public.html", {"content": content}))


def _page_number(raw: str | None) -> int:
    """The page a visitor asked for; what is not a whole number means the first (as Paginator.get_page does)."""
    try:
        return int(raw or 1)
    except (TypeError, ValueError):
        return 1


@require_safe
def donors(request: HttpRequest) -> HttpResponse:
    """/cong-khai/nha-hao-tam/?trang=N: every donor, by public name, with what they gave."""
    wanted = _page_number(request.GET.get("trang"))

    def build() -> tuple[str, bool]:
        page = donor_roll(wanted)
        # Only pages that exist are kept: numbers out of range cannot fill the cache.
        return render_to_string("reports/_public_donors.html", {"page_obj": page}), page.number == wanted

    content = _cached_fragment(f"donors:{wanted}", build)
    return _cache_headers(request, render(request, "reports/public_donors.html", {"content": content}))
