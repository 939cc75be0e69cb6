"""Handover records and follow-up, under /can-bo/phan-bo/: prepare, print, mark handed over, check, take back.

A record or a support of another commune is a 404 (looked up through
`visible_to` before anything else); a page the user's role may not open is a
403. Records and supports carry pupils' names, so opening them also needs
`students.view_student` (leadership reads the list of records, not the names).
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from allocation import handover, services
from allocation.handover_forms import SCAN_CONTENT_TYPES, FollowUpForm, MarkHandedOverForm, ReleaseForm
from allocation.models import HandoverBatch, Support
from common.forms_flow import run_service
from donations.models import Device
from students.models import Commune, School
from students.privacy import ExportKind, export_record

PAGE_SIZE = 50
VIEW_PUPILS = "students.view_student"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _require(user, *permissions: str) -> None:
    if not all(user.has_perm(permission) for permission in permissions):
        raise PermissionDenied


def _batch(request: HttpRequest, pk: int) -> HandoverBatch:
    return get_object_or_404(HandoverBatch.objects.visible_to(request.user).select_related("school", "commune"), pk=pk)


def _record(request: HttpRequest, batch: HandoverBatch) -> handover.HandoverRecord:
    """The record's rows this user may see (every row for the district-wide office)."""
    return handover.handover_record(batch, supports=Support.objects.visible_to(request.user))


def _support(request: HttpRequest, pk: int) -> Support:
    support = get_object_or_404(
        Support.objects.visible_to(request.user).select_related(
            "student__school", "device", "offer__provider", "sim_assignment", "batch"
        ),
        pk=pk,
    )
    _require(request.user, VIEW_PUPILS)
    return support


@login_required
@require_safe
def handover_list(request: HttpRequest) -> HttpResponse:
    _require(request.user, "allocation.view_handoverbatch")
    batches = (
        HandoverBatch.objects.visible_to(request.user)
        .select_related("school", "commune")
        .annotate(pupils=Count("supports"))
        .order_by("-created_at", "-pk")
    )
    status = request.GET.get("status", "")
    if status in HandoverBatch.Status.values:
        batches = batches.filter(status=status)
    page = Paginator(batches, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "allocation/handover/list.html",
        {
            "page_obj": page,
            "status": status,
            "statuses": HandoverBatch.Status.choices,
            "query": f"status={status}" if status else "",
            "can_open": request.user.has_perm(VIEW_PUPILS),
        },
    )


def _waiting(user):
    return Support.objects.visible_to(user).filter(status=Support.Status.APPROVED, batch__isnull=True)


def _communes_waiting(user) -> list[dict]:
    """Communes with approved supports on no record yet (by where the pupils live), within the user's scope."""
    rows = (
        _waiting(user)
        .values("student__commune", "student__commune__name", "student__commune__kind")
        .annotate(waiting=Count("pk"))
        .order_by("student__commune__code")
    )
    return [
        {
            "commune": row["student__commune"],
            "name": str(Commune(name=row["student__commune__name"], kind=row["student__commune__kind"])),
            "waiting": row["waiting"],
        }
        for row in rows
    ]


def _schools_waiting(user):
    """Schools with approved supports on no record yet, with how many, within the user's scope."""
    return (
        _waiting(user)
        .values("student__school", "student__school__name", "student__school__commune__name")
        .annotate(waiting=Count("pk"))
        .order_by("student__school__commune__name", "student__school__name")
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def handover_prepare(request: HttpRequest) -> HttpResponse:
    _require(request.user, "allocation.add_handoverbatch")
    if request.method == "POST":
        # The school or commune itself first (an id too large for the column is simply not found),
        # then its waiting supports within the user's scope.
        school_id, commune_id = request.POST.get("school", ""), request.POST.get("commune", "")
        waiting = _waiting(request.user)
        if school_id.isdecimal() and not commune_id:
            school = get_object_or_404(School.objects.visible_to(request.user), pk=int(school_id))
            if not waiting.filter(student__school=school).exists():
                raise Http404
            target = {"school": school}
        elif commune_id.isdecimal() and not school_id:
            commune = get_object_or_404(Commune.objects.visible_to(request.user), pk=int(commune_id))
            if not waiting.filter(student__commune=commune).exists():
                raise Http404
            target = {"commune": commune}
        else:
            raise Http404
        return run_service(
            request,
            lambda: services.batch_create(**target, user=request.user),
            success_message=lambda batch: (
                _("Handover record %(number)s prepared for %(school)s.")
                % {"number": batch.number, "school": batch.receiver}
            ),
            redirect_to=lambda batch: reverse("allocation:handover-detail", args=[batch.pk]),
            error_redirect_to="allocation:handover-prepare",
        )
    return render(
        request,
        "allocation/handover/prepare.html",
        {"schools": _schools_waiting(request.user), "communes": _communes_waiting(request.user)},
    )


@login_required
@require_safe
def handover_detail(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = _batch(request, batch_id)
    _require(request.user, VIEW_PUPILS)
    return render(
        request,
        "allocation/handover/detail.html",
        {"batch": batch, "record": _record(request, batch)},
    )


@login_required
@require_safe
def handover_docx(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = _batch(request, batch_id)
    _require(request.user, VIEW_PUPILS)
    record = _record(request, batch)
    response = HttpResponse(handover.handover_docx(record), content_type=DOCX)
    export_record(user=request.user, kind=ExportKind.HANDOVER_DOCX, row_count=len(record.rows), handover=batch.pk)
    response["Content-Disposition"] = f'attachment; filename="{handover.filename(record, "docx")}"'
    return response


@login_required
@require_safe
def handover_pdf(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = _batch(request, batch_id)
    _require(request.user, VIEW_PUPILS)
    record = _record(request, batch)
    response = HttpResponse(handover.handover_pdf(record), content_type="application/pdf")
    export_record(user=request.user, kind=ExportKind.HANDOVER_PDF, row_count=len(record.rows), handover=batch.pk)
    response["Content-Disposition"] = f'attachment; filename="{handover.filename(record, "pdf")}"'
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def handover_mark(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = _batch(request, batch_id)
    _require(request.user, "allocation.change_handoverbatch", VIEW_PUPILS)
    if batch.status == HandoverBatch.Status.HANDED_OVER and request.method != "POST":
        message = _("Handover record %(number)s is already marked handed over.") % {"number": batch.number}
        messages.info(request, message)
        return redirect("allocation:handover-detail", batch.pk)
    form = MarkHandedOverForm(request.POST or None, request.FILES or None, commune_record=batch.is_commune_record)
    if request.method == "POST":
        if form.is_valid():
            done = run_service(
                request,
                lambda: services.batch_hand_over(
                    batch_id=batch.pk,
                    handed_over_on=form.cleaned_data["handed_over_on"],
                    received_by=form.cleaned_data["received_by"],
                    signed_record=form.named_scan(batch),
                    user=request.user,
                ),
                form=form,
                success_message=_("Handover record %(number)s marked handed over.") % {"number": batch.number},
                redirect_to=reverse("allocation:handover-detail", args=[batch.pk]),
            )
            if done is not None:
                return done
        return render(request, "allocation/handover/mark.html", {"batch": batch, "form": form}, status=400)
    return render(request, "allocation/handover/mark.html", {"batch": batch, "form": form})


@login_required
@require_safe
def handover_scan(request: HttpRequest, batch_id: int) -> FileResponse:
    """The signed scan, only to staff who may read the record (MEDIA_ROOT is never served directly)."""
    batch = _batch(request, batch_id)
    _require(request.user, VIEW_PUPILS)
    if not batch.signed_record:
        raise Http404
    name = Path(batch.signed_record.name).name
    content_type = SCAN_CONTENT_TYPES.get(Path(name).suffix.lower()) or mimetypes.guess_type(name)[0]
    try:
        file = batch.signed_record.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    export_record(user=request.user, kind=ExportKind.HANDOVER_SCAN, row_count=batch.supports.count(), handover=batch.pk)
    return FileResponse(file, as_attachment=True, filename=name, content_type=content_type)


def _support_page(request, support, *, follow_up_form=None, release_form=None, status=200) -> HttpResponse:
    user = request.user
    can_follow_up = support.status == Support.Status.HANDED_OVER and user.has_perm("allocation.add_followup")
    can_release = (
        support.status in Support.ENDED_STATUSES and not support.released and user.has_perm("allocation.change_support")
    )
    if can_follow_up and follow_up_form is None:
        follow_up_form = FollowUpForm(can_take_back=user.has_perm("allocation.change_support"))
    return render(
        request,
        "allocation/handover/support.html",
        {
            "support": support,
            "follow_ups": support.follow_ups.select_related("checked_by"),
            "follow_up_form": follow_up_form if can_follow_up else None,
            "release_form": (release_form or ReleaseForm()) if can_release else None,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def support_follow_up(request: HttpRequest, support_id: int) -> HttpResponse:
    support = _support(request, support_id)
    if request.method != "POST":
        return _support_page(request, support)
    _require(request.user, "allocation.add_followup")
    form = FollowUpForm(request.POST, can_take_back=request.user.has_perm("allocation.change_support"))
    if form.is_valid():
        data = form.cleaned_data
        # No form= : a refusal is shown above the page, where the form may no longer be offered
        # (the support ended meanwhile).
        done = run_service(
            request,
            lambda: services.follow_up_record(
                support_id=support.pk,
                checked_on=data["checked_on"],
                result=data["result"],
                note=data["note"],
                user=request.user,
                take_back=data.get("take_back", False),
                device_to=data.get("device_to") or Device.Status.AWAITING_INSPECTION,
            ),
            success_message=_("Follow-up check recorded."),
            redirect_to=reverse("allocation:support-follow-up", args=[support.pk]),
        )
        if done is not None:
            return done
    return _support_page(request, support, follow_up_form=form, status=400)


@login_required
@require_POST
def support_release(request: HttpRequest, support_id: int) -> HttpResponse:
    support = _support(request, support_id)
    _require(request.user, "allocation.change_support")
    form = ReleaseForm(request.POST)
    if form.is_valid():
        done = run_service(
            request,
            lambda: services.support_release(
                support_id=support.pk, reason=form.cleaned_data["reason"], user=request.user
            ),
            success_message=_("The pupil may be supported again."),
            redirect_to=reverse("allocation:support-follow-up", args=[support.pk]),
        )
        if done is not None:
            return done
    return _support_page(request, support, release_form=form, status=400)
