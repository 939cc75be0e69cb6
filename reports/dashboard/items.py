"""What a dashboard item is, and the small helpers every section uses to word and link it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import TextChoices
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy, ngettext

from reports.models import Milestone
from students.models import Commune

# Communes or offers named under an item; the rest are summed up in one line.
DETAIL_LIMIT = 10


class Severity(TextChoices):
    # Values are Bootstrap's contextual colours; the label says the same in words.
    DANGER = "danger", gettext_lazy("urgent")
    WARNING = "warning", gettext_lazy("to do")
    INFO = "info", gettext_lazy("to follow up")


@dataclass(frozen=True)
class Detail:
    """One line under an item: a commune, an offer or a provider, with its figure."""

    label: str
    url: str = ""


@dataclass(frozen=True)
class AttentionItem:
    key: str
    severity: Severity
    label: str
    count: int
    # Where staff act on it; empty when the details carry the links (one per commune).
    url: str = ""
    details: list[Detail] = field(default_factory=list)
    # Shown for information: someone else acts (the office for a commune, anyone for leadership).
    read_only: bool = False


@dataclass(frozen=True)
class Viewer:
    user: object
    now: datetime
    milestones: list[Milestone]
    # District leadership reads every figure and changes nothing: it follows every item it may see.
    follows_all: bool

    def may(self, permission: str) -> bool:
        return self.user.has_perm(permission)

    def access(self, *, act: str, see: str) -> bool | None:
        """None: item not shown; False: the user acts on it; True: shown read-only."""
        if self.may(act):
            return False
        if self.follows_all and self.may(see):
            return True
        return None


def number(value: int) -> str:
    return formats.number_format(value, force_grouping=True)


def moment(value: datetime) -> str:
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


def url_with_query(name: str, *args, **query) -> str:
    url = reverse(name, args=args)
    return f"{url}?{urlencode(query)}" if query else url


def commune_name(code_name_kind: dict, prefix: str) -> str:
    return str(Commune(name=code_name_kind[f"{prefix}name"], kind=code_name_kind[f"{prefix}kind"]))


def capped(details: list[Detail], *, offers: bool = False) -> list[Detail]:
    if len(details) <= DETAIL_LIMIT:
        return details
    rest = len(details) - DETAIL_LIMIT
    if offers:
        more = counted(ngettext("and %(count)s more offer", "and %(count)s more offers", rest), rest)
    else:
        more = counted(ngettext("and %(count)s more commune", "and %(count)s more communes", rest), rest)
    return [*details[:DETAIL_LIMIT], Detail(more)]


def counted(pattern: str, count: int, **values) -> str:
    """`pattern` from ngettext (with the literal texts, for makemessages), filled with the count as written here."""
    return pattern % {"count": number(count), **values}


def by_commune(rows: Iterable[dict], prefix: str, url: Callable[[dict], str] | None = None) -> list[Detail]:
    return [Detail(f"{commune_name(row, prefix)}: {number(row['n'])}", url(row) if url else "") for row in rows]
