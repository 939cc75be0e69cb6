"""A parent's or guardian's request to see or correct a pupil's data, served by the office or the pupil's commune.

The pupil is looked up through `visible_to` first: another commune's pupil is a 404, a role
without pupils' records a 403 (as on the pupil's page).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from common.forms_flow import run_service
from common.http import AuthenticatedHttpRequest
from students import privacy
from students.forms import GuardianRequestForm, StudentCorrectionForm
from students.models import GuardianRequest, Student

VIEW_REQUESTS = "students.view_guardianrequest"


def _pupil(request: HttpRequest, student_id: int, *permissions: str, editable: bool = False) -> Student:
    if not request.user.has_perms(("students.view_student", *permissions)):
        raise PermissionDenied
    students = Student.objects.editable_by(request.user) if editable else Student.objects.visible_to(request.user)
    return get_object_or_404(students.select_related("commune", "school", "hamlet"), pk=student_id)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def guardian_requests(request: HttpRequest, student_id: int) -> HttpResponse:
    """The pupil's requests, and the form to record one."""
    student = _pupil(request, student_id, VIEW_REQUESTS)
    can_add = request.user.has_perm("students.add_guardianrequest")
    form = GuardianRequestForm(request.POST or None, initial={"received_on": timezone.localdate()})
    if request.method == "POST":
        if not can_add:
            raise PermissionDenied
        if form.is_valid():
            form.instance.student = student
            form.instance.handled_by = request.user
            form.save()
            messages.success(request, _("The request is recorded."))
            return redirect("students:guardian-requests", student.pk)
    requests = GuardianRequest.objects.visible_to(request.user).filter(student=student).select_related("handled_by")
    return render(
        request,
        "students/guardian_requests.html",
        {
            "student": student,
            "requests": requests,
            "form": form if can_add else None,
            "can_correct": request.user.has_perm("students.change_student"),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_safe
def pupil_record(request: AuthenticatedHttpRequest, student_id: int) -> HttpResponse:
    """Everything held about the pupil, to print or download for the guardian; each copy is recorded."""
    student = _pupil(request, student_id, VIEW_REQUESTS)
    record = privacy.pupil_record(student)
    download = request.GET.get("tai-ve") == "1"
    if request.method == "GET":  # a HEAD answer carries no data, so nothing left the office
        privacy.export_record(
            user=request.user,
            kind=privacy.ExportKind.PUPIL_RECORD,
            row_count=record["row_count"],
            student=student.pk,
            download=download,
        )
    response = render(request, "students/pupil_record.html", {**record, "printed_at": timezone.now()})
    response["Cache-Control"] = "no-store"
    if download:
        response["Content-Disposition"] = f'attachment; filename="ho-so-hoc-sinh-{student.pk}.html"'
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def student_correct(request: AuthenticatedHttpRequest, student_id: int) -> HttpResponse:
    """Correct a pupil's data (the office, or the pupil's commune), with the reason kept in the history."""
    student = _pupil(request, student_id, "students.change_student", editable=True)
    form = StudentCorrectionForm(request.POST or None, instance=student)
    if request.method == "POST":
        if form.is_valid():
            done = run_service(
                request,
                lambda: privacy.student_correct(form=form, user=request.user, reason=form.cleaned_data["reason"]),
                form=form,
                success_message=_("The pupil's data is corrected."),
                redirect_to=reverse("students:student-detail", args=[student.pk]),
            )
            if done is not None:
                return done
        return render(request, "students/student_correct.html", {"student": student, "form": form}, status=400)
    return render(request, "students/student_correct.html", {"student": student, "form": form})
