"""Plain engine inputs for the engine's tests: no database."""

from __future__ import annotations

from allocation import engine
from allocation.models import AllocationSettings
from allocation.proposals import rules_from


def default_rules() -> engine.Rules:
    """The rules an office that never changed the settings works with (an unsaved settings row)."""
    return rules_from(AllocationSettings())


def pupil(
    pk: int,
    *,
    commune: int = 1,
    school: int | None = None,
    hamlet: int | None = None,
    level: str = "primary",
    need: str = "device",
    hardships: tuple[str, ...] = (),
    **flags,
) -> engine.Pupil:
    return engine.Pupil(
        id=pk,
        commune_id=commune,
        school_id=school if school is not None else commune * 100,
        hamlet_id=hamlet,
        level=level,
        lacks_device=need in ("device", "both"),
        lacks_internet=need in ("internet", "both"),
        hardships=tuple(hardships),
        **flags,
    )


def by_pupil(proposal: engine.Proposal) -> dict[int, engine.Decision]:
    return {d.pupil_id: d for d in proposal.decisions}


def misses(proposal: engine.Proposal) -> dict[tuple[int, str], engine.Miss]:
    return {(m.pupil_id, m.need): m for m in proposal.missed}
