"""Public pages (no login): /phan-anh/ (report a missed pupil or a problem) and /phan-anh/tra-cuu/."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from common.forms_flow import run_service
from donations import antispam
from reports.feedback import feedback_create, find_for_lookup
from reports.forms import FeedbackLookupForm, PublicFeedbackForm
from reports.models import Feedback

_SESSION_KEY = "reports_last_feedback"
FORM_TEMPLATE = "reports/feedback/public_form.html"
LOOKUP_TEMPLATE = "reports/feedback/public_lookup.html"


@never_cache
@require_http_methods(["GET", "POST"])
def feedback_form(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = PublicFeedbackForm(request.POST)
        limit, window = antispam.pledge_rate_limit()
        if antispam.rate_limited(request, "feedback", limit=limit, window_seconds=window):
            return render(request, FORM_TEMPLATE, {"form": form, "rate_limited": True}, status=429)
        if form.is_valid():

            def save() -> Feedback:
                feedback = feedback_create(**form.feedback_data())
                request.session[_SESSION_KEY] = feedback.code  # the thanks page shows this one
                return feedback

            done = run_service(request, save, form=form, redirect_to="reports-public:feedback-thanks")
            if done is not None:
                return done
    else:
        form = PublicFeedbackForm()
    return render(request, FORM_TEMPLATE, {"form": form})


@never_cache
@require_safe
def feedback_thanks(request: HttpRequest) -> HttpResponse:
    code = request.session.get(_SESSION_KEY)
    feedback = Feedback.objects.select_related("commune").filter(code=code).first() if code else None
    if feedback is None:
        return redirect("reports-public:feedback-form")
    return render(request, "reports/feedback/public_thanks.html", {"feedback": feedback})


@never_cache
@require_http_methods(["GET", "POST"])
def feedback_lookup(request: HttpRequest) -> HttpResponse:
    context: dict = {}
    if request.method == "POST":
        form = FeedbackLookupForm(request.POST)
        limit, window = antispam.lookup_rate_limit()
        if antispam.rate_limited(request, "feedback-lookup", limit=limit, window_seconds=window):
            return render(request, LOOKUP_TEMPLATE, {"form": form, "rate_limited": True}, status=429)
        if form.is_valid():
            feedback = find_for_lookup(form.cleaned_data["code"], form.cleaned_data["phone"])
            if feedback is None:
                context["not_found"] = True
            else:
                context["feedback"] = feedback
    else:
        form = FeedbackLookupForm(initial={"code": request.GET.get("ma", "")[:12]})
    context["form"] = form
    return render(request, LOOKUP_TEMPLATE, context)
