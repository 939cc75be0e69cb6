from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from students.hamlets import communes_open_for_hamlets, hamlets_import
from students.models import Hamlet
from telecom.forms import HamletMergeForm, SpreadsheetUploadForm
from telecom.hamlets import hamlet_merge
from telecom.views.common import requires


def _page(request, *, merge_form=None, upload_form=None, errors=None, status=200):
    hamlets = (
        Hamlet.objects.visible_to(request.user)
        .select_related("commune")
        .annotate(pupils=Count("students", distinct=True), coverage_rows=Count("coverage", distinct=True))
        .order_by("commune__code", "name")
    )
    editable = Hamlet.objects.editable_by(request.user).select_related("commune").order_by("commune__code", "name")
    can_merge = request.user.has_perm("students.change_hamlet") and editable.exists()
    return render(
        request,
        "telecom/hamlets.html",
        {
            "hamlets": hamlets,
            "can_import": communes_open_for_hamlets(request.user).exists(),
            "can_merge": can_merge,
            "merge_form": merge_form or HamletMergeForm(hamlets=editable),
            "upload_form": upload_form or SpreadsheetUploadForm(),
            "errors": errors or [],
        },
        status=status,
    )


@requires("students.view_hamlet")
@require_http_methods(["GET", "HEAD"])
def hamlet_list(request):
    return _page(request)


@requires("students.view_hamlet", "students.add_hamlet")
@require_POST
def hamlet_import(request):
    form = SpreadsheetUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, upload_form=form, status=400)
    upload = form.cleaned_data["file"]
    result = hamlets_import(file=upload, filename=upload.name, communes=communes_open_for_hamlets(request.user))
    for notice in result.notices:
        messages.info(request, notice)
    if not result.ok:
        return _page(request, upload_form=form, errors=result.errors, status=400)
    messages.success(
        request,
        _("%(created)s hamlets added, %(existing)s already known.")
        % {"created": result.created, "existing": result.existing},
    )
    return redirect("telecom:hamlets")


@requires("students.view_hamlet", "students.change_hamlet")
@require_POST
def hamlet_merge_view(request):
    editable = Hamlet.objects.editable_by(request.user).select_related("commune")
    form = HamletMergeForm(request.POST, hamlets=editable)
    if form.is_valid():
        source, target = form.cleaned_data["source"], form.cleaned_data["target"]
        try:
            moved = hamlet_merge(user=request.user, source_id=source.pk, target_id=target.pk)
        except (ValidationError, Hamlet.DoesNotExist) as error:
            messages_list = error.messages if isinstance(error, ValidationError) else [_("Hamlet not found.")]
            for message in messages_list:
                form.add_error(None, message)
        else:
            messages.success(
                request,
                _("%(source)s merged into %(target)s: %(pupils)s pupils and %(coverage)s coverage rows moved.")
                % {"source": source.name, "target": target.name, **moved},
            )
            return redirect("telecom:hamlets")
    return _page(request, merge_form=form, status=400)
