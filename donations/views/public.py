"""Public pages: the pledge form and the pledge lookup (no login)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from common.forms_flow import run_service
from donations import antispam, selectors, vietqr
from donations.forms import LookupForm, PublicPledgeForm
from donations.models import CommitteeMember, Pledge, PledgeLine, ProgrammeAccount
from donations.pledges import find_for_lookup, pledge_create

_SESSION_KEY = "donations_last_pledge"


def _too_many(request: HttpRequest, template: str, form) -> HttpResponse:
    return render(request, template, {"form": form, "rate_limited": True}, status=429)


@never_cache
@require_http_methods(["GET", "POST"])
def pledge_form(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        limit, window = antispam.pledge_rate_limit()
        form = PublicPledgeForm(request.POST)
        if antispam.rate_limited(request, "pledge", limit=limit, window_seconds=window):
            return _too_many(request, "donations/public/pledge_form.html", form)
        if form.is_valid():

            def save() -> Pledge:
                pledge = pledge_create(
                    donor=form.donor_data(),
                    lines=form.cleaned_data["lines"],
                    channel=Pledge.Channel.PUBLIC_FORM,
                    earmark_commune=form.cleaned_data.get("earmark_commune"),
                    note=form.cleaned_data.get("note", ""),
                    submission_token=form.submission_nonce,
                )
                request.session[_SESSION_KEY] = pledge.reference_code  # the thanks page shows this one
                return pledge

            done = run_service(request, save, form=form, redirect_to="donations-public:pledge-thanks")
            if done is not None:
                return done
    else:
        form = PublicPledgeForm()
    return render(request, "donations/public/pledge_form.html", {"form": form})


@never_cache
@require_safe
def pledge_thanks(request: HttpRequest) -> HttpResponse:
    code = request.session.get(_SESSION_KEY)
    pledge = Pledge.objects.select_related("donor").filter(reference_code=code).first() if code else None
    if pledge is None:
        return redirect("donations-public:pledge-form")
    lines = list(pledge.lines.all())
    return render(
        request,
        "donations/public/pledge_thanks.html",
        {
            "pledge": pledge,
            "lines": lines,
            # The bank account is shown only to a donor who gives money; devices and lines are handed over.
            "gives_money": any(line.kind in PledgeLine.MONEY_KINDS for line in lines),
            "account": ProgrammeAccount.get(),
            "committee": CommitteeMember.objects.all(),
            "transfer": vietqr.pledge_transfer(pledge),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def lookup(request: HttpRequest) -> HttpResponse:
    context: dict = {}
    if request.method == "POST":
        form = LookupForm(request.POST)
        limit, window = antispam.lookup_rate_limit()
        if antispam.rate_limited(request, "lookup", limit=limit, window_seconds=window):
            return _too_many(request, "donations/public/lookup.html", form)
        if form.is_valid():
            pledge = find_for_lookup(form.cleaned_data["code"], form.cleaned_data["phone"])
            if pledge is None:
                context["not_found"] = True
            else:
                context.update(
                    pledge=pledge,
                    lines=selectors.lines_with_received(pledge),
                    devices=pledge.devices.order_by("device_type", "pk"),
                    destinations=selectors.pledge_destinations(pledge),
                    transfer=vietqr.pledge_transfer(pledge),
                )
    else:
        form = LookupForm(initial={"code": request.GET.get("ma", "")[:12]})
    context["form"] = form
    return render(request, "donations/public/lookup.html", context)
