"""Staff pages on reports from the public, under /can-bo/phan-anh/ (office: all; a commune: its own)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from common.forms_flow import run_service
from common.http import AuthenticatedHttpRequest
from reports.feedback import feedback_update, filter_feedback, possible_pupils
from reports.forms import FeedbackFilterForm, FeedbackUpdateForm
from reports.models import Feedback

PER_PAGE = 50


def _visible(request: HttpRequest):
    # Leadership, the accountant and telecom staff read only the counts in the report.
    if not request.user.has_perm("reports.view_feedback"):
        raise PermissionDenied
    return Feedback.objects.visible_to(request.user)


@login_required
@require_safe
def feedback_list(request: HttpRequest) -> HttpResponse:
    cases = _visible(request)
    form = FeedbackFilterForm(request.GET or None, user=request.user)
    cases = filter_feedback(cases, **form.filters()).select_related("commune")
    page_obj = Paginator(cases, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "reports/feedback/staff_list.html",
        {"form": form, "page_obj": page_obj, "query": query.urlencode()},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def feedback_detail(request: AuthenticatedHttpRequest, feedback_id: int) -> HttpResponse:
    feedback = get_object_or_404(
        _visible(request).select_related("commune", "student__school", "handled_by"), pk=feedback_id
    )
    can_change = Feedback.objects.editable_by(request.user).filter(pk=feedback.pk).exists()
    form = None
    status = 200
    if request.method == "POST":
        if not request.user.has_perm("reports.change_feedback"):
            raise PermissionDenied
        if not can_change:
            raise Http404
        form = FeedbackUpdateForm(request.POST, feedback=feedback, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            done = run_service(
                request,
                lambda: feedback_update(
                    feedback=feedback,
                    status=data["status"],
                    response=data["response"],
                    student=data["student"],
                    user=request.user,
                ),
                form=form,
                success_message=_("Report %(code)s saved.") % {"code": feedback.code},
                redirect_to=reverse("feedback:detail", kwargs={"feedback_id": feedback.pk}),
            )
            if done is not None:
                return done
        status = 400
    elif can_change:
        form = FeedbackUpdateForm(feedback=feedback, user=request.user)
    history = feedback.history.select_related("history_user", "handled_by").order_by("-history_date", "-history_id")
    return render(
        request,
        "reports/feedback/staff_detail.html",
        {
            "feedback": feedback,
            "form": form,
            "matches": possible_pupils(feedback, request.user) if can_change and not feedback.student_id else [],
            "history": history,
        },
        status=status,
    )
