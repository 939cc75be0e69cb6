"""Staff pages on pupils: the list, its export, one pupil, verification and duplicate review."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_safe
from import_export.formats.base_formats import XLSX

from students import review
from students.forms import PairDecisionForm, RejectForm, StudentFilterForm
from students.models import DuplicateCandidate, Student
from students.pair_compare import pair_rows
from students.panels import pupil_page_panels
from students.privacy import ExportKind, export_record
from students.resources import StudentResource
from students.selectors import filter_students
from students.verification_undo import verification_undo

PER_PAGE = 50


def _visible_students(request: HttpRequest):
    if not request.user.has_perm("students.view_student"):
        raise PermissionDenied
    return Student.objects.visible_to(request.user)


def _filtered(request: HttpRequest):
    form = StudentFilterForm(request.GET or None, user=request.user)
    students = filter_students(_visible_students(request), **form.filters())
    return form, students


def _with_pending_flag(students):
    pending = DuplicateCandidate.objects.filter(decision=DuplicateCandidate.Decision.PENDING)
    return students.annotate(undecided=Exists(pending.filter(Q(existing=OuterRef("pk")) | Q(candidate=OuterRef("pk")))))


def _page(request: HttpRequest, students):
    return Paginator(students, PER_PAGE).get_page(request.GET.get("page"))


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@login_required
@require_safe
def student_list(request: HttpRequest) -> HttpResponse:
    form, students = _filtered(request)
    students = _with_pending_flag(students.select_related("commune", "school", "hamlet"))
    return render(
        request,
        "students/student_list.html",
        {
            "form": form,
            "page_obj": _page(request, students),
            "query": _query_without_page(request),
            "can_review": review.can_review(request.user),
        },
    )


@login_required
@require_safe
def student_export(request: HttpRequest) -> HttpResponse:
    form, students = _filtered(request)
    dataset = StudentResource().export(students.select_related("commune", "school", "hamlet"))
    filters = form.filters()
    # The search text may be a pupil's name: the log says a search was used, not what it was.
    searched = bool(filters.pop("text"))
    export_record(
        user=request.user, kind=ExportKind.PUPIL_LIST, row_count=len(dataset), search=searched or None, **filters
    )
    export_format = XLSX()
    response = HttpResponse(export_format.export_data(dataset), content_type=export_format.get_content_type())
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="hoc-sinh-{stamp}.xlsx"'
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def student_detail(request: HttpRequest, student_id: int) -> HttpResponse:
    student = get_object_or_404(
        _visible_students(request).select_related("commune", "school", "hamlet", "upload", "verified_by"),
        pk=student_id,
    )
    can_review = review.can_review(request.user)
    reject_form = RejectForm(request.POST if request.POST.get("action") == "reject" else None)
    if request.method == "POST":
        if not can_review:
            raise PermissionDenied
        action = request.POST.get("action")
        if action == "verify":
            _report(request, review.students_verify(student_ids=[student.pk], user=request.user))
            return redirect("students:student-detail", student.pk)
        if action == "reject" and reject_form.is_valid():
            _report(
                request,
                review.students_reject(
                    student_ids=[student.pk], user=request.user, reason=reject_form.cleaned_data["reason"]
                ),
            )
            return redirect("students:student-detail", student.pk)
    pairs = list(
        DuplicateCandidate.objects.filter(Q(existing=student) | Q(candidate=student))
        .select_related("existing__commune", "candidate__commune", "decided_by")
        .order_by("-created_at")
    )
    # The other record of a pair may be another commune's pupil: named only to those who may see it.
    others = {pair.pk: pair.candidate if pair.existing_id == student.pk else pair.existing for pair in pairs}
    visible = set(
        Student.objects.visible_to(request.user)
        .filter(pk__in=[o.pk for o in others.values()])
        .values_list("pk", flat=True)
    )
    for pair in pairs:
        pair.other = others[pair.pk]
        pair.other_visible = pair.other.pk in visible
    return render(
        request,
        "students/student_detail.html",
        {
            "student": student,
            "pairs": pairs,
            "can_review": can_review,
            "reject_form": reject_form,
            "panels": pupil_page_panels(request, student),
            "can_serve_guardians": request.user.has_perm("students.view_guardianrequest"),
            "can_correct": Student.objects.editable_by(request.user).filter(pk=student.pk).exists(),
        },
    )


def _report(request: HttpRequest, outcome: review.Outcome, *, done_message: str = "") -> None:
    if outcome.done:
        messages.success(
            request,
            done_message
            or ngettext("%(count)d pupil updated.", "%(count)d pupils updated.", len(outcome.done))
            % {"count": len(outcome.done)},
        )
    if outcome.skipped:
        names = dict(Student.objects.filter(pk__in=outcome.skipped).values_list("pk", "full_name"))
        details = "; ".join(f"{names.get(pk, pk)}: {why}" for pk, why in list(outcome.skipped.items())[:10])
        messages.warning(
            request,
            ngettext("%(count)d pupil left as it was", "%(count)d pupils left as they were", len(outcome.skipped))
            % {"count": len(outcome.skipped)}
            + f" — {details}",
        )


def _require_reviewer(request: HttpRequest) -> None:
    if not review.can_review(request.user):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def verification(request: HttpRequest) -> HttpResponse:
    """Verify listed pupils one by one, a selection, or everything the filter shows; reject with a reason."""
    _require_reviewer(request)
    form, students = _filtered(request)
    if not request.GET.get("status"):
        students = students.filter(status=Student.Status.LISTED)
    reject_form = RejectForm(request.POST if request.POST.get("action") == "reject" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        selected = [int(pk) for pk in request.POST.getlist("student") if pk.isascii() and pk.isdigit()]
        # Only pupils this page could show may be changed, whatever the form says.
        chosen = students.filter(pk__in=selected).values_list("pk", flat=True)
        if action == "verify_selected":
            _report(request, review.students_verify(student_ids=list(chosen), user=request.user))
        elif action == "verify_filtered":
            confirmation = _verify_filtered(request, students)
            if confirmation:
                return confirmation
        elif action == "undo_verify":
            _undo_verify(request)
        elif action == "reject":
            if reject_form.is_valid():
                _report(
                    request,
                    review.students_reject(
                        student_ids=list(chosen), user=request.user, reason=reject_form.cleaned_data["reason"]
                    ),
                )
            else:
                messages.error(request, _("Give the reason for rejecting."))
        return redirect(f"{request.path}?{request.GET.urlencode()}")
    students = _with_pending_flag(students.select_related("commune", "school"))
    return render(
        request,
        "students/verification.html",
        {
            "form": form,
            "page_obj": _page(request, students),
            "query": _query_without_page(request),
            "reject_form": reject_form,
            "undo": _undoable(request),
        },
    )


_UNDO_KEY = "verification_undo"


def _verify_filtered(request: HttpRequest, students) -> HttpResponse | None:
    """Verify everything the filter shows, after a confirmation page that says what will happen.

    The confirmation carries the count the user saw: if the list changed since, they are asked again.
    What was verified is kept in the session, so that it can be undone the same day (verification_undo).
    """
    ids = list(students.values_list("pk", flat=True))
    if request.POST.get("confirm") != str(len(ids)):
        if request.POST.get("confirm"):
            messages.warning(request, _("The list changed since you looked: check the number again."))
        context = {"count": len(ids), "query": _query_without_page(request), "form": _filtered(request)[0]}
        return render(request, "students/verification_confirm.html", context)
    outcome = review.students_verify(student_ids=ids, user=request.user)
    _report(request, outcome)
    if outcome.done:
        request.session[_UNDO_KEY] = {"ids": outcome.done, "day": timezone.localdate().isoformat()}
    return None


def _undoable(request: HttpRequest) -> int:
    """How many pupils the user's last 'verify all' of today put on the verified list (0: nothing to undo)."""
    last = request.session.get(_UNDO_KEY) or {}
    return len(last.get("ids", [])) if last.get("day") == timezone.localdate().isoformat() else 0


def _undo_verify(request: HttpRequest) -> None:
    if not _undoable(request):
        messages.error(request, _("Nothing to undo: a verification can be undone only on the day it was made."))
        return
    outcome = verification_undo(student_ids=request.session.pop(_UNDO_KEY)["ids"], by=request.user)
    _report(
        request,
        outcome,
        done_message=ngettext(
            "%(count)d pupil put back on the list, waiting to be verified.",
            "%(count)d pupils put back on the list, waiting to be verified.",
            len(outcome.done),
        )
        % {"count": len(outcome.done)},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def duplicate_review(request: HttpRequest) -> HttpResponse:
    """Undecided pairs side by side; the education office decides each."""
    _require_reviewer(request)
    if request.method == "POST":
        form = PairDecisionForm(request.POST)
        if form.is_valid():
            try:
                pair = review.pair_decide(
                    pair_id=form.cleaned_data["pair"],
                    decision=form.cleaned_data["decision"],
                    user=request.user,
                    note=form.cleaned_data["note"],
                )
            except review.ReviewError as error:
                messages.error(request, str(error))
            else:
                messages.success(
                    request,
                    _("Decision recorded: %(decision)s (%(existing)s / %(candidate)s).")
                    % {
                        "decision": pair.get_decision_display(),
                        "existing": pair.existing.full_name,
                        "candidate": pair.candidate.full_name,
                    },
                )
        else:
            messages.error(request, _("Choose “same pupil” or “different pupils”."))
        return redirect("students:duplicate-review")
    pairs = (
        DuplicateCandidate.objects.filter(decision=DuplicateCandidate.Decision.PENDING)
        .select_related(
            "existing__commune",
            "existing__school",
            "existing__hamlet",
            "candidate__commune",
            "candidate__school",
            "candidate__hamlet",
        )
        .order_by("created_at", "pk")
    )
    page_obj = Paginator(pairs, 20).get_page(request.GET.get("page"))
    for pair in page_obj:
        pair.rows = pair_rows(pair)
    return render(request, "students/duplicate_review.html", {"page_obj": page_obj})
