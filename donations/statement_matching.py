"""Which cash pledge line a bank credit pays, from the code in its description.

Banking apps mangle the code: "uh kue3qf", "UHKUE3QF", "MBVCB.1234.uh kue3qf.NGUYEN VAN A chuyen
tien". An exact code (case, spaces and punctuation ignored) matches. A code with one character
mistyped matches only when exactly one pledge is that close, the amount is what it still owes,
and the payer's name is the donor's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from donations.models import Pledge, PledgeLine
from donations.text import fold

_CODE_AFTER_UH = re.compile(r"UH ?([A-Z0-9]{6})")
_CODE_LENGTH = 6


@dataclass
class Match:
    line: PledgeLine | None
    how: str  # "code", "typo" or "" (waits for the accountant)
    note: str = ""


def _plain(text: str) -> str:
    return " ".join(re.sub(r"[^A-Z0-9]+", " ", fold(text or "").upper()).split())


def code_candidates(description: str) -> list[str]:
    """Every "UH-XXXXXX" the description could hold, in order ("UH-" restored)."""
    plain = _plain(description)
    found = []
    for start in range(len(plain)):
        match = _CODE_AFTER_UH.match(plain, start)
        if match and f"UH-{match.group(1)}" not in found:
            found.append(f"UH-{match.group(1)}")
    return found


def _one_off(a: str, b: str) -> bool:
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) == 1


def _names_agree(donor_name: str, payer_text: str) -> bool:
    donor = _plain(donor_name).split()
    words = set(_plain(payer_text).split())
    return bool(donor) and all(word in words for word in donor)


class Matcher:
    """Matches the credits of one statement, keeping what each line still owes as credits are assigned."""

    def __init__(self) -> None:
        money = PledgeLine.objects.with_received().filter(kind__in=PledgeLine.MONEY_KINDS, cancelled=False)
        pledges = Pledge.objects.select_related("donor").prefetch_related(Prefetch("lines", queryset=money))
        self.pledges = {p.reference_code: p for p in pledges.filter(lines__in=money).distinct()}
        self.owed = {line.pk: line.outstanding_units for p in self.pledges.values() for line in p.lines.all()}

    def owed_by(self, pledge: Pledge) -> int:
        return sum(self.owed[line.pk] for line in pledge.lines.all())

    def _line_for(self, pledge: Pledge, amount: int) -> PledgeLine:
        lines = list(pledge.lines.all())
        enough = [line for line in lines if self.owed[line.pk] >= amount]
        some = [line for line in lines if self.owed[line.pk] > 0]
        return (enough or some or lines)[0]

    def _assign(self, pledge: Pledge, amount: int, how: str) -> Match:
        owed = self.owed_by(pledge)
        line = self._line_for(pledge, amount)
        self.owed[line.pk] = max(self.owed[line.pk] - amount, 0)
        if amount > owed:
            note = _("More than the %(owed)s ₫ still owed.") % {"owed": f"{owed:,}".replace(",", ".")}
        elif amount < owed:
            note = _("Part of the %(owed)s ₫ still owed.") % {"owed": f"{owed:,}".replace(",", ".")}
        else:
            note = ""
        return Match(line, how, note)

    def match(self, description: str, counterpart: str, amount: int) -> Match:
        candidates = code_candidates(description)
        for code in candidates:
            pledge = self.pledges.get(code)
            if pledge is not None:
                return self._assign(pledge, amount, "code")
        payer = f"{counterpart} {description}"
        for code in candidates:
            close = [p for c, p in self.pledges.items() if _one_off(c, code)]
            if len(close) != 1:
                continue
            pledge = close[0]
            if self.owed_by(pledge) == amount and _names_agree(pledge.donor.name, payer):
                match = self._assign(pledge, amount, "typo")
                match.note = _("Code %(written)s read as %(code)s: the amount and the payer's name agree.") % {
                    "written": code,
                    "code": pledge.reference_code,
                }
                return match
            return Match(
                None,
                "",
                _("Code %(written)s is close to %(code)s, but the amount or the name differs.")
                % {"written": code, "code": pledge.reference_code},
            )
        return Match(None, "", _("No pledge code in the description.") if not candidates else _("Unknown code."))
