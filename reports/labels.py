"""Words for the codes of the progress report, for the page and the documents (the JSON keeps codes)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from allocation import engine
from allocation.models import Support
from donations.models import Device, DeviceType, PledgeLine, Spending
from reports import pupil_figures as pf
from reports.models import Feedback
from students.models import Hardship, SchoolLevel

LEVELS = dict(SchoolLevel.choices)
DEVICE_TYPES = dict(DeviceType.choices)
# A device "allocated" in the inventory is held for a proposed or approved support: not the report's
# "devices given to pupils" (approved or handed over), so the report words it apart.
DEVICE_STATUSES = {
    **dict(Device.Status.choices),
    Device.Status.ALLOCATED: _("set aside for a pupil, not handed over yet"),
}
MONEY_KINDS = {PledgeLine.Kind.CASH: _("cash donations"), PledgeLine.Kind.BUDGET: _("state budget and funds")}
SPENDING = dict(Spending.Category.choices)
HARDSHIPS = {**dict(Hardship.choices), "none": _("no hardship stated")}
NEEDS = {
    "device_only": _("lacks a device only"),
    "internet_only": _("lacks Internet only"),
    "both": _("lacks both a device and Internet"),
}
GAP_REASONS = {
    pf.DUPLICATE_PENDING: _("possible duplicate not decided yet"),
    pf.NOT_VERIFIED: _("not verified yet"),
    pf.AWAITING_APPROVAL: _("proposed, awaiting approval"),
    pf.WITHDRAWN: _("support withdrawn"),
    # The engine's reason: the hamlet may have service, but from no provider with places on offer.
    engine.NO_COVERAGE: _("no provider with places on offer covers the hamlet"),
    engine.NO_HAMLET: _("hamlet not given on the list"),
    engine.NO_DEVICE_LEFT: _("no device of a suitable type left"),
    engine.NO_PLACE_LEFT: _("no connectivity place left"),
    pf.AWAITING_ALLOCATION: _("eligible, not yet allocated"),
}
MILESTONE_STATUSES = {
    "done": _("done"),
    "late": _("late"),
    "at_risk": _("at risk"),
    "upcoming": _("on schedule"),
}
SUPPORT_STATUSES = dict(Support.Status.choices)
FEEDBACK_STATUSES = dict(Feedback.Status.choices)
FEEDBACK_KINDS = dict(Feedback.Kind.choices)
# Words for the codes of the report's `feedback` breakdowns, by breakdown.
FEEDBACK = {"by_status": FEEDBACK_STATUSES, "by_kind": FEEDBACK_KINDS}
