"""Reads about telecom coverage and offers that pages and reports share."""

from __future__ import annotations

from students.models import Hamlet


def infrastructure_figures() -> dict[str, int]:
    """The `infrastructure` part of the progress report."""
    # TODO(issue 5): with_mobile_4g / with_fibre come with hamlet coverage.
    return {"hamlets": Hamlet.objects.count(), "with_mobile_4g": 0, "with_fibre": 0}


def connectivity_figures() -> dict[str, int]:
    """`connectivity_capacity` / `connectivity_used` of the report's `donations` part."""
    # TODO(issue 5): from connectivity offers and the supports that use them.
    return {"connectivity_capacity": 0, "connectivity_used": 0}
