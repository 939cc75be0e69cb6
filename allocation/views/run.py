"""The run page (dry run, then save what was seen) and the settings page."""

from __future__ import annotations

import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from allocation import proposals, run_figures
from allocation.forms import SettingsForm
from allocation.models import AllocationSettings
from allocation.views.display import criteria, need_label, reason_label, summary_rows
from students.models import Student

RUNS_SHOWN = 20
LEFT_OUT_SHOWN = 200


def _perm(codename: str):
    def decorate(view):
        return login_required(permission_required(f"allocation.{codename}", raise_exception=True)(view))

    return decorate


def fingerprint(computed: proposals.Computed) -> str:
    """What the staff saw: every decision (pupil, device, offer) and every left-out line, hashed."""
    digest = hashlib.sha256()
    decisions = sorted((d.pupil_id, d.device_id or 0, d.offer_id or 0) for d in computed.proposal.decisions)
    for pupil, device, offer in decisions:
        digest.update(f"{pupil}:{device}:{offer};".encode())
    digest.update(b"|")
    for pupil, need, reason in sorted((m.pupil_id, m.need, m.reason) for m in computed.proposal.missed):
        digest.update(f"{pupil}:{need}:{reason};".encode())
    return digest.hexdigest()


def _left_out_pupils(user, computed: proposals.Computed) -> list[dict]:
    """The left-out pupils closest to being served (highest score first), for staff who may see pupils."""
    if not user.has_perm("students.view_student"):
        return []
    misses = sorted(computed.proposal.missed, key=lambda m: (-m.score, m.pupil_id))[:LEFT_OUT_SHOWN]
    students = (
        Student.objects.visible_to(user).select_related("commune", "school").in_bulk({m.pupil_id for m in misses})
    )
    return [
        {
            "student": students[m.pupil_id],
            "need": need_label(m.need),
            "reason": reason_label(m.reason),
            "score": m.score,
            "rank": m.rank,
        }
        for m in misses
        if m.pupil_id in students
    ]


def _dry_run_page(request: HttpRequest, computed: proposals.Computed) -> HttpResponse:
    return render(
        request,
        "allocation/run.html",
        {
            "summary": summary_rows(computed.summary()),
            "fingerprint": fingerprint(computed),
            "runs": run_figures.past_runs(RUNS_SHOWN),
            "left_out_pupils": _left_out_pupils(request.user, computed),
            "left_out_total": len(computed.proposal.missed),
            "left_out_shown": LEFT_OUT_SHOWN,
        },
    )


@_perm("add_support")
@require_http_methods(["GET", "HEAD", "POST"])
def run_page(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return render(request, "allocation/run.html", {"runs": run_figures.past_runs(RUNS_SHOWN)})
    computed = proposals.compute()
    if request.POST.get("action") != "save":
        return _dry_run_page(request, computed)
    if request.POST.get("fingerprint") != fingerprint(computed):
        messages.warning(
            request,
            _(
                "Pupils, devices or offers changed since the dry run you saw. "
                "Here is the new dry run; check it and save again."
            ),
        )
        return _dry_run_page(request, computed)
    try:
        run = proposals.run_save(computed=computed, user=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return _dry_run_page(request, proposals.compute())
    messages.success(
        request,
        _(
            "Run #%(run)s saved: %(proposed)s supports proposed, %(left)s pupils left out. "
            "Approve them on the supports page."
        )
        % {"run": run.pk, "proposed": run.proposed_count, "left": run.left_out_count},
    )
    return redirect("allocation:run")


@_perm("change_allocationsettings")
@require_http_methods(["GET", "HEAD", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    current = AllocationSettings.current()
    form = SettingsForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        for field, value in form.values().items():
            setattr(current, field, value)
        current._history_user = request.user
        current._change_reason = _("Changed on the settings page")
        current.save()
        messages.success(request, _("Allocation settings saved. They apply from the next run."))
        return redirect("allocation:settings")
    history = current.history.select_related("history_user").order_by("-history_date")[:10]
    return render(
        request,
        "allocation/settings.html",
        {"form": form, "history": history, "criteria": criteria(current)},
    )
