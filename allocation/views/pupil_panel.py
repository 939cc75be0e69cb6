"""The allocation panel on a pupil's page: why the pupil was or was not supported."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string

from allocation import engine
from allocation.labels import hardship_label
from allocation.selectors import explain_pupil
from allocation.views.display import TYPE_LABELS, need_label, reason_label, rule_label, score_need_label
from students.models import Student


def pupil_panel(request: HttpRequest, student: Student) -> str:
    """Shown to users who may see supports; the page itself already checked they may see the pupil."""
    if not request.user.has_perm("allocation.view_support"):
        return ""
    explained = explain_pupil(student)
    support = explained["support"]
    score = explained["score"]
    if score is not None:
        score = {
            **score,
            "need_label": score_need_label(score["need"]),
            "strongest_label": hardship_label(score["strongest_hardship"]) if score["strongest_hardship"] else "",
            "extra": score["score"] - score["need_weight"] - score["strongest_weight"],
        }
    left_out = [
        {
            "need": need_label(miss.need),
            "reason": reason_label(miss.reason),
            "rank": miss.rank_in_commune,
            "score": miss.score,
            "share": miss.detail.get("share"),
            "types": [TYPE_LABELS.get(kind, kind) for kind in miss.detail.get("types", [])],
        }
        for miss in explained["left_out"]
    ]
    eligibility = explained["eligibility"]
    context = {
        "student": student,
        "support": support,
        "device_rule": rule_label(support.device_rule) if support and support.device_id else "",
        "connectivity_rule": rule_label(support.connectivity_rule) if support and support.offer_id else "",
        "earlier": explained["earlier_supports"],
        "score": score,
        "last_run": explained["last_run"],
        "left_out": left_out if support is None else [],
        "not_eligible": reason_label(eligibility) if eligibility and eligibility != engine.ALREADY_SUPPORTED else "",
        "can_give": support is None and not eligibility and request.user.has_perm("allocation.add_support"),
    }
    return render_to_string("allocation/_pupil_panel.html", context, request=request)
