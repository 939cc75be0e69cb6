"""The district's school list, imported by the education office from a staff page (as `import_schools`)."""

from __future__ import annotations

from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from students.forms import SchoolListForm
from students.models import VIEW_ALL_COMMUNES
from students.school_import import SCHOOL_COLUMNS, import_school_file
from students.schools import school_template
from students.views.uploads import _attachment


def _require_office(request: HttpRequest) -> None:
    if not (request.user.has_perm(VIEW_ALL_COMMUNES) and request.user.has_perm("students.add_school")):
        raise PermissionDenied


@login_required
@require_safe
def school_template_download(request: HttpRequest) -> HttpResponse:
    _require_office(request)
    return _attachment(school_template(SCHOOL_COLUMNS), "danh-sach-truong.xlsx")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def school_import(request: HttpRequest) -> HttpResponse:
    """Every row checked; any wrong row and nothing is saved (the rule of the pupil lists)."""
    _require_office(request)
    form = SchoolListForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        result = import_school_file(file, Path(file.name).name)
        if not (result.file_error or result.errors):
            messages.success(request, _("%(created)s schools added, %(updated)s updated.") % vars(result))
            return redirect("students:school-import")
    errors = [error.as_dict(SCHOOL_COLUMNS) for error in result.errors] if result else []
    context = {"form": form, "result": result, "errors": errors}
    return render(request, "students/school_import.html", context, status=400 if request.method == "POST" else 200)
