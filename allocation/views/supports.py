"""Supports: the list with bulk approval, one support's page with changes by hand, support given by hand."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from allocation import services
from allocation.forms import ReasonForm, SupportChoiceForm, SupportFilterForm, WithdrawForm
from allocation.models import Support
from allocation.views.display import rule_label
from common.forms_flow import run_service
from students.models import Commune, School, Student

PER_PAGE = 50
CHANGEABLE = (Support.Status.PROPOSED, Support.Status.APPROVED)
_ROW_RELATIONS = ("student__commune", "student__school", "device", "offer__provider", "sim_assignment", "batch")


def _perm(codename: str):
    def decorate(view):
        return login_required(permission_required(f"allocation.{codename}", raise_exception=True)(view))

    return decorate


def _can_see_pupils(user) -> bool:
    return user.has_perm("students.view_student")


def _report_error(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _posted_id(request: HttpRequest, name: str) -> int:
    value = request.POST.get(name, "")
    # isdigit() alone lets "²" through, which int() refuses.
    if not (value.isascii() and value.isdigit()):
        raise Http404
    return int(value)


def _back(request: HttpRequest, fallback: str) -> HttpResponseRedirect:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return HttpResponseRedirect(target)
    return HttpResponseRedirect(fallback)


@_perm("view_support")
@require_safe
def support_list(request: HttpRequest) -> HttpResponse:
    form = SupportFilterForm(request.GET or None, user=request.user)
    supports = form.filter(Support.objects.visible_to(request.user).select_related(*_ROW_RELATIONS))
    page = Paginator(supports, PER_PAGE).get_page(request.GET.get("page"))
    for support in page:
        support.device_rule_label = rule_label(support.device_rule) if support.device_id else ""
        support.connectivity_rule_label = rule_label(support.connectivity_rule) if support.offer_id else ""
    query = request.GET.copy()
    query.pop("page", None)
    chosen = form.cleaned_data if form.is_valid() else {}
    return render(
        request,
        "allocation/support_list.html",
        {
            "form": form,
            "page_obj": page,
            "query": query.urlencode(),
            "show_pupils": _can_see_pupils(request.user),
            "can_approve": request.user.has_perm("allocation.change_support"),
            "chosen_commune": chosen.get("commune"),
            "chosen_school": chosen.get("school"),
            "here": request.get_full_path(),
        },
    )


@_perm("change_support")
@require_POST
def approve_many(request: HttpRequest) -> HttpResponse:
    """Approve every proposed support of one commune or one school (the list's filter)."""
    supports = Support.objects.editable_by(request.user)
    scope = request.POST.get("scope")
    if scope == "commune":
        commune = get_object_or_404(Commune.objects.visible_to(request.user), pk=_posted_id(request, "commune"))
        supports, where = supports.filter(student__commune=commune), commune.name
    elif scope == "school":
        school = get_object_or_404(School.objects.visible_to(request.user), pk=_posted_id(request, "school"))
        supports, where = supports.filter(student__school=school), school.name
    else:
        messages.error(request, _("Choose a commune or a school to approve."))
        return _back(request, reverse("allocation:support-list"))
    # A server-rendered confirmation first, carrying the number of proposals the user was shown.
    proposed = supports.filter(status=Support.Status.PROPOSED).count()
    if request.POST.get("confirm") != str(proposed):
        if request.POST.get("confirm"):
            messages.warning(request, _("The proposals changed since you looked: check the number again."))
        back = _back(request, reverse("allocation:support-list"))["Location"]
        return render(request, "allocation/approve_confirm.html", {"count": proposed, "where": where, "back": back})
    try:
        count = services.supports_approve(supports=supports, user=request.user)
    except ValidationError as error:
        _report_error(request, error)
    else:
        messages.success(
            request,
            ngettext(
                "%(count)s proposed support approved in %(where)s.",
                "%(count)s proposed supports approved in %(where)s.",
                count,
            )
            % {"count": count, "where": where},
        )
        waiting = supports.filter(status=Support.Status.PROPOSED).count()
        if waiting:
            messages.warning(request, _not_eligible_message(waiting))
    return _back(request, reverse("allocation:support-list"))


def _not_eligible_message(count: int) -> str:
    return ngettext(
        "%(count)s proposed support was not approved: its pupil is no longer eligible "
        "(not verified, or in a possible-duplicate pair nobody has decided yet).",
        "%(count)s proposed supports were not approved: their pupils are no longer eligible "
        "(not verified, or in a possible-duplicate pair nobody has decided yet).",
        count,
    ) % {"count": count}


@_perm("change_support")
@require_POST
def approve_one(request: HttpRequest, support_id: int) -> HttpResponse:
    support = get_object_or_404(Support.objects.editable_by(request.user), pk=support_id)
    try:
        count = services.supports_approve(supports=Support.objects.filter(pk=support.pk), user=request.user)
    except ValidationError as error:
        _report_error(request, error)
    else:
        if count:
            messages.success(request, _("Support #%(id)s approved.") % {"id": support.pk})
        elif Support.objects.filter(pk=support.pk, status=Support.Status.PROPOSED).exists():
            messages.warning(request, _not_eligible_message(1))
        else:
            messages.warning(request, _("Support #%(id)s was not waiting for approval.") % {"id": support.pk})
    return _back(request, reverse("allocation:support-detail", args=[support.pk]))


def _visible_support(request: HttpRequest, support_id: int) -> Support:
    return get_object_or_404(
        Support.objects.visible_to(request.user).select_related(
            *_ROW_RELATIONS, "student__hamlet", "run", "approved_by"
        ),
        pk=support_id,
    )


def _detail(request: HttpRequest, support: Support, **forms) -> HttpResponse:
    can_change = request.user.has_perm("allocation.change_support")
    open_for_change = can_change and support.status in CHANGEABLE
    context = {
        "support": support,
        "show_pupils": _can_see_pupils(request.user),
        "device_rule": rule_label(support.device_rule) if support.device_id else "",
        "connectivity_rule": rule_label(support.connectivity_rule) if support.offer_id else "",
        "history": support.history.select_related("history_user").order_by("-history_date", "-history_id"),
        "follow_ups": support.follow_ups.select_related("checked_by"),
        "can_approve": can_change and support.status == Support.Status.PROPOSED,
        "change_form": forms.get("change_form")
        or (SupportChoiceForm(level=support.student.level, support=support) if open_for_change else None),
        "withdraw_form": forms.get("withdraw_form") or (WithdrawForm() if open_for_change else None),
        "release_form": forms.get("release_form")
        or (
            ReasonForm(prefix="release")
            if can_change and support.status in Support.ENDED_STATUSES and not support.released
            else None
        ),
    }
    return render(request, "allocation/support_detail.html", context)


@_perm("view_support")
@require_safe
def support_detail(request: HttpRequest, support_id: int) -> HttpResponse:
    return _detail(request, _visible_support(request, support_id))


def _editable_support(request: HttpRequest, support_id: int) -> Support:
    # Visible first (404 for another commune's), then editable (403 without the right).
    support = _visible_support(request, support_id)
    if not Support.objects.editable_by(request.user).filter(pk=support.pk).exists():
        raise Http404
    return support


@_perm("change_support")
@require_POST
def support_change(request: HttpRequest, support_id: int) -> HttpResponse:
    support = _editable_support(request, support_id)
    form = SupportChoiceForm(request.POST, level=support.student.level, support=support)
    if form.is_valid():
        device, offer = form.cleaned_data["device"], form.cleaned_data["offer"]
        done = run_service(
            request,
            lambda: services.support_change(
                support_id=support.pk,
                device_id=device.pk if device else None,
                offer_id=offer.pk if offer else None,
                reason=form.cleaned_data["reason"],
                user=request.user,
            ),
            form=form,
            success_message=_("Support #%(id)s changed.") % {"id": support.pk},
            redirect_to=reverse("allocation:support-detail", args=[support.pk]),
        )
        if done is not None:
            return done
    return _detail(request, support, change_form=form)


@_perm("change_support")
@require_POST
def support_withdraw(request: HttpRequest, support_id: int) -> HttpResponse:
    support = _editable_support(request, support_id)
    form = WithdrawForm(request.POST)
    if form.is_valid() and request.POST.get("confirm") != "1":
        # A server-rendered confirmation first: what withdrawing does to the device, the place and the record.
        return render(request, "allocation/withdraw_confirm.html", {"support": support, "form": form})
    if form.is_valid():
        done = run_service(
            request,
            lambda: services.support_withdraw(
                support_id=support.pk,
                reason=form.cleaned_data["reason"],
                release=form.cleaned_data["release"],
                user=request.user,
            ),
            form=form,
            success_message=_("Support #%(id)s withdrawn.") % {"id": support.pk},
            redirect_to=reverse("allocation:support-detail", args=[support.pk]),
        )
        if done is not None:
            return done
    return _detail(request, support, withdraw_form=form)


@_perm("change_support")
@require_POST
def support_release(request: HttpRequest, support_id: int) -> HttpResponse:
    support = _editable_support(request, support_id)
    form = ReasonForm(request.POST, prefix="release")
    if form.is_valid():
        done = run_service(
            request,
            lambda: services.support_release(
                support_id=support.pk, reason=form.cleaned_data["reason"], user=request.user
            ),
            form=form,
            success_message=_("The pupil of support #%(id)s may be supported again.") % {"id": support.pk},
            redirect_to=reverse("allocation:support-detail", args=[support.pk]),
        )
        if done is not None:
            return done
    return _detail(request, support, release_form=form)


@_perm("add_support")
@require_http_methods(["GET", "HEAD", "POST"])
def support_create(request: HttpRequest, student_id: int) -> HttpResponse:
    """Give a verified pupil without a support a device and/or a place by hand, with a reason."""
    student = get_object_or_404(
        Student.objects.visible_to(request.user).select_related("commune", "school"), pk=student_id
    )
    form = SupportChoiceForm(request.POST or None, level=student.level)
    if request.method == "POST" and form.is_valid():
        device, offer = form.cleaned_data["device"], form.cleaned_data["offer"]
        done = run_service(
            request,
            lambda: services.support_create(
                student_id=student.pk,
                device_id=device.pk if device else None,
                offer_id=offer.pk if offer else None,
                reason=form.cleaned_data["reason"],
                user=request.user,
            ),
            form=form,
            success_message=lambda support: _("Support #%(id)s proposed by hand.") % {"id": support.pk},
            redirect_to=lambda support: reverse("allocation:support-detail", args=[support.pk]),
        )
        if done is not None:
            return done
    return render(request, "allocation/support_create.html", {"student": student, "form": form})
