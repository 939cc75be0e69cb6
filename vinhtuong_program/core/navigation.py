"""The staff menu: groups of pages by task, each page shown only to those who may open it.

One entry per page, in MENU below. To add a page, add one line to its group's items:

    Item(_("Transfers waiting for a pledge"), "donations:statement-waiting", "donations.view_cashreceipt",
         waiting("transfers_waiting")),

- the label (English msgid; add its Vietnamese to locale/vi/LC_MESSAGES/django.po),
- the URL name as in `reverse()` (a page of the signed-in official's commune takes `args=commune_code`),
- who sees it: a permission "app.codename", a role (`roles.EDUCATION_OFFICE`), or a function of the user,
- optionally its badge: `waiting("key", ...)` counts the staff dashboard's items of those keys
  (reports/dashboard/, the same figures as the staff home), or any function of {key: count},
- optionally `marks=("app:detail-*",)`: URL names (shell patterns) of the pages reached from it,
  so that the menu marks it and its group as current there.

The test vinhtuong_program/core/tests/test_navigation.py checks that every entry reverses and that
each role sees only its groups; tests/e2e/test_staff_navigation.py checks the menu in a browser.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fnmatch import fnmatchcase

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from students import review
from students.models import VIEW_ALL_COMMUNES, profile_commune_id
from vinhtuong_program.core import roles

Who = str | roles.Role | Callable[[object], bool]
Badge = Callable[[Mapping[str, int]], int]


def waiting(*keys: str) -> Badge:
    """A badge that adds up the staff dashboard's items of these keys (reports/dashboard/)."""

    def count(counts: Mapping[str, int]) -> int:
        return sum(counts.get(key, 0) for key in keys)

    count.keys = keys  # type: ignore[attr-defined]
    return count


def commune_code(user) -> str | None:
    """The signed-in official's commune, for pages of one commune; None for district-wide users."""
    return user.profile.commune.code if profile_commune_id(user) else None


@dataclass(frozen=True)
class Item:
    label: str | Promise
    url_name: str
    who: Who
    badge: Badge | None = None
    marks: tuple[str, ...] = ()
    # A page of the official's own commune: its code fills the URL (no commune, no entry).
    args: Callable[[object], str | None] | None = None

    def allowed(self, user) -> bool:
        if isinstance(self.who, roles.Role):
            return self.who in roles.roles_of(user)
        if isinstance(self.who, str):
            return user.has_perm(self.who)
        return bool(self.who(user))

    def url(self, user) -> str | None:
        if self.args is None:
            return reverse(self.url_name)
        value = self.args(user)
        try:
            return reverse(self.url_name, args=[value]) if value else None
        except NoReverseMatch:
            return None


@dataclass(frozen=True)
class Group:
    key: str
    label: str | Promise
    items: tuple[Item, ...] = field(default_factory=tuple)


def _is_official(user) -> bool:
    return profile_commune_id(user) is not None


def _hamlets_outside_telecom(user) -> bool:
    return _is_official(user) and not user.has_perm("telecom.view_hamletcoverage")


def _devices_without_pledges(user) -> bool:
    return user.has_perm("donations.view_device") and not user.has_perm("donations.view_pledge")


def _school_office(user) -> bool:
    return user.has_perm(VIEW_ALL_COMMUNES) and user.has_perm("students.add_school")


def _district_reader(user) -> bool:
    return user.has_perm(VIEW_ALL_COMMUNES)


# fmt: off
MENU: tuple[Group, ...] = (
    Group("lists", _("Lists and pupils"), (
        Item(_("My commune"), "students:commune-detail", _is_official, waiting("lists_missing", "lists_with_errors"),
             marks=("students:upload*", "students:template"), args=commune_code),
        Item(_("Pupils"), "students:student-list", "students.view_student",
             marks=("students:student-*", "students:guardian-requests", "students:pupil-record")),
        Item(_("Verification"), "students:verification", review.can_review, waiting("pupils_unverified")),
        Item(_("Possible duplicates"), "students:duplicate-review", review.can_review, waiting("duplicates_pending")),
        Item(_("Hamlets"), "telecom:hamlets", _hamlets_outside_telecom),
        Item(_("Import the school list"), "students:school-import", _school_office, marks=("students:school-*",)),
        Item(_("Reports from the public"), "feedback:list", "reports.view_feedback", waiting("feedback_open"),
             marks=("feedback:*",)),
    )),
    Group("money", _("Donations and money"), (
        Item(_("Pledges"), "donations:pledge-list", "donations.view_pledge", waiting("pledges_outstanding"),
             marks=("donations:pledge-detail", "donations:line-*", "donations:devices-receive",
                    "donations:receipt-add", "donations:thank-you-letter")),
        Item(_("New pledge"), "donations:pledge-new", "donations.add_pledge"),
        Item(_("Import a donation list"), "donations:import", "donations.add_pledge"),
        Item(_("Cash ledger"), "donations:ledger", "donations.view_cashreceipt"),
        Item(_("Reconciliation"), "donations:reconciliation", "donations.view_pledge"),
        Item(_("Bank statements"), "donations:statement-import", "donations.add_cashreceipt"),
        Item(_("Transfers waiting for a pledge"), "donations:statement-waiting", "donations.view_cashreceipt",
             waiting("transfers_waiting"), marks=("donations:statement-credit-*",)),
        Item(_("Statement against ledger"), "donations:statement-reconciliation", "donations.view_cashreceipt",
             marks=("donations:statement-debit-*",)),
        Item(_("Device inventory"), "donations:device-list", "donations.view_pledge", marks=("donations:device-*",)),
    )),
    Group("telecom", _("Telecom"), (
        Item(_("Overview"), "telecom:index", "telecom.view_hamletcoverage"),
        Item(_("Coverage"), "telecom:coverage", "telecom.view_hamletcoverage", waiting("coverage_late"),
             marks=("telecom:coverage-*",)),
        Item(_("Pupils without coverage"), "telecom:blocked-pupils", "telecom.view_hamletcoverage",
             waiting("pupils_blocked")),
        Item(_("Connectivity offers"), "telecom:offers", "telecom.view_hamletcoverage", waiting("offers_nearly_full"),
             marks=("telecom:offer-*", "telecom:sim-*")),
        Item(_("Used devices"), "telecom:devices", "donations.view_device",
             waiting("devices_awaiting_inspection", "devices_to_repair"), marks=("telecom:device-*",)),
        Item(_("Hamlets"), "telecom:hamlets", "telecom.view_hamletcoverage", marks=("telecom:hamlet-*",)),
        # Telecom units inspect donated devices but see no pledge: the inventory is theirs here.
        Item(_("Device inventory"), "donations:device-list", _devices_without_pledges, marks=("donations:device-*",)),
    )),
    Group("allocation", _("Allocation and handover"), (
        Item(_("Allocation run"), "allocation:run", "allocation.add_support"),
        Item(_("Supports"), "allocation:support-list", "allocation.view_support", waiting("supports_proposed"),
             marks=("allocation:support-*", "allocation:approve-*", "allocation:follow-up-*")),
        Item(_("Commune summary"), "allocation:commune-summary", "allocation.view_support", args=commune_code),
        Item(_("Handover records"), "allocation:handover-list", "allocation.view_handoverbatch",
             waiting("supports_not_handed_over"), marks=("allocation:handover-*",)),
        Item(_("Allocation settings"), "allocation:settings", "allocation.change_allocationsettings"),
    )),
    Group("reports", _("Reports"), (
        Item(_("Progress report"), "reports:progress", _district_reader, waiting("milestones_at_risk"),
             marks=("reports:*",)),
        Item(_("Public report"), "reports-public:transparency", _district_reader),
    )),
    Group("admin", _("Administration"), (
        Item(_("Administration"), "admin:index", lambda user: user.is_staff, marks=("admin:*",)),
    )),
)
# fmt: on


@dataclass(frozen=True)
class ShownItem:
    label: str | Promise
    url: str
    url_name: str
    badge_key: str
    current: str  # "page" on the item's own page, "true" on a page reached from it, "" elsewhere


@dataclass(frozen=True)
class ShownGroup:
    key: str
    label: str | Promise
    items: list[ShownItem]

    @property
    def current(self) -> bool:
        return any(item.current for item in self.items)


def _current(item: Item, url: str, view_name: str, path: str) -> str:
    if path == url:
        return "page"
    if view_name and any(fnmatchcase(view_name, pattern) for pattern in item.marks):
        return "true"
    return ""


def menu_for(user, *, view_name: str = "", path: str = "") -> list[ShownGroup]:
    """The groups and items this user may open, the current one marked; groups with nothing left out."""
    if not (user and user.is_authenticated):
        return []
    shown = []
    for group in MENU:
        items = []
        for item in group.items:
            url = item.allowed(user) and item.url(user)
            if url:
                badge_key = f"{group.key}:{item.url_name}"
                items.append(ShownItem(item.label, url, item.url_name, badge_key, _current(item, url, view_name, path)))
        if items:
            shown.append(ShownGroup(group.key, group.label, _one_current(items)))
    return shown


def _one_current(items: list[ShownItem]) -> list[ShownItem]:
    """Only one item of a group is current: its own page wins over a page reached from another."""
    if any(item.current == "page" for item in items):
        return [item if item.current in ("page", "") else _plain(item) for item in items]
    first = next((item for item in items if item.current), None)
    return [item if item is first or not item.current else _plain(item) for item in items]


def _plain(item: ShownItem) -> ShownItem:
    return ShownItem(item.label, item.url, item.url_name, item.badge_key, "")


def badge_counts(user, counts: Mapping[str, int]) -> dict[str, int]:
    """{badge key of each item and group the user sees: count}, from the dashboard's {item key: count}."""
    result: dict[str, int] = {}
    for group in MENU:
        total = 0
        for item in group.items:
            if item.badge is None or not (item.allowed(user) and item.url(user)):
                continue
            count = item.badge(counts)
            result[f"{group.key}:{item.url_name}"] = count
            total += count
        if total:
            result[group.key] = total
    return result
