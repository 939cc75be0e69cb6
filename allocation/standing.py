"""Where a pupil in need stands, defined once for the allocation summary and the 30/9 report.

Every pupil in need is in exactly one standing, so the columns of a summary add up to the
pupils in need by construction and none can be negative: supported, awaiting approval (proposed
by an earlier run), withdrawn, in an undecided pair, not verified, or eligible now. Eligible
pupils are then proposed something, or left out. Pure: codes in, codes out (the statuses are
`students.Student.Status` and `allocation.Support.Status` values; a test pins them).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

SUPPORTED = "supported"
AWAITING_APPROVAL = "awaiting_approval"
WITHDRAWN = "withdrawn"
DUPLICATE_PENDING = "duplicate_pending"
NOT_VERIFIED = "not_verified"
ELIGIBLE = "eligible"
# In the order a pupil is classified: the first that applies.
STANDINGS = (SUPPORTED, DUPLICATE_PENDING, NOT_VERIFIED, AWAITING_APPROVAL, WITHDRAWN, ELIGIBLE)
# Not eligible yet, and not waiting on an earlier run either.
NOT_ELIGIBLE = (DUPLICATE_PENDING, NOT_VERIFIED, WITHDRAWN)

GIVEN_SUPPORT = frozenset({"approved", "handed_over", "returned"})
HELD_STATUS = "held"
LISTED_STATUS = "listed"


def standing(*, status: str, support: str | None, in_pair: bool) -> str:
    """One of STANDINGS for a pupil in need: `status` is the pupil's, `support` the status of the
    support holding the pupil's one place (None when none), `in_pair` whether an undecided pair
    names the pupil."""
    if support in GIVEN_SUPPORT:
        return SUPPORTED
    if status == HELD_STATUS or in_pair:
        return DUPLICATE_PENDING
    if status == LISTED_STATUS:
        return NOT_VERIFIED
    if support == "proposed":
        return AWAITING_APPROVAL
    if support == "withdrawn":
        return WITHDRAWN
    return ELIGIBLE


def row(standings: Iterable[str], *, proposed: int = 0) -> dict[str, int]:
    """A summary row from the standings of a group's pupils and how many of its eligible pupils
    a run proposes something: each column counted once, `in_need` and `left_out` derived."""
    counted = Counter(standings)
    figures = {key: counted[key] for key in STANDINGS}
    if proposed > figures[ELIGIBLE]:
        raise ValueError("a run cannot propose more pupils than are eligible")
    figures["in_need"] = sum(figures[key] for key in STANDINGS)
    figures["not_eligible"] = sum(figures[key] for key in NOT_ELIGIBLE)
    figures["proposed"] = proposed
    figures["left_out"] = figures[ELIGIBLE] - proposed
    return figures
