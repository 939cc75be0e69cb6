"""Words for the engine's codes, shown to staff, communes and the command line."""

from django.utils.translation import gettext_lazy as _

from allocation import engine, standing

RULES = {
    engine.EARMARK_SCHOOL: _("earmarked by the donor for the pupil's school"),
    engine.EARMARK_COMMUNE: _("earmarked by the donor for the pupil's commune"),
    engine.COMMUNE_SHARE: _("within the commune's share of the district's supply, by priority"),
    engine.REMAINING_SUPPLY: _("from supply the shares left unused, by priority"),
    "": _("chosen by hand"),
}

REASONS = {
    engine.NO_DEVICE_LEFT: _("no device of a type suited to the pupil's level was left"),
    engine.NO_HAMLET: _("the pupil's hamlet is not known, so coverage cannot be checked"),
    engine.NO_COVERAGE: _("no provider with an offer covers the pupil's hamlet (4G or fibre)"),
    engine.NO_PLACE_LEFT: _("the offers covering the pupil's hamlet have no place left"),
    engine.NOT_VERIFIED: _("the record is not verified yet"),
    engine.DUPLICATE_PENDING: _("the record is in a possible-duplicate pair nobody has decided"),
    engine.ALREADY_SUPPORTED: _("the pupil already has a support"),
    "not_in_need": _("the record is rejected or a confirmed duplicate"),
    standing.SUPPORTED: _("the pupil has been given a support"),
    standing.AWAITING_APPROVAL: _("a support proposed earlier waits for approval"),
    standing.WITHDRAWN: _("the pupil's support was withdrawn and not released"),
}

# What a pupil lacks, as the score weighs it (engine.need_of).
NEEDS = {
    "both": _("lacks a device and Internet"),
    "device": _("lacks a device"),
    "internet": _("lacks Internet"),
}

# What a left-out pupil did not get (engine.Miss.need).
MISSED = {
    engine.DEVICE: _("device"),
    engine.CONNECTIVITY: _("connectivity"),
}

HARDSHIPS = {
    engine.POOR_WITH_MERIT_OR_PROTECTION: _(
        "poor or near-poor household with people of revolutionary merit or under social protection"
    ),
}


def hardship_label(code: str) -> str:
    from students.models import Hardship

    if code in HARDSHIPS:
        return str(HARDSHIPS[code])
    return str(Hardship(code).label) if code in Hardship.values else code
