"""A commune's pupil list: template, upload, progress and result."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from common.http import leaves_the_session_unsaved
from students import upload_processing
from students.forms import StudentUploadForm
from students.lists import upload_open
from students.models import Commune, StudentUpload
from students.privacy import ExportKind, export_record
from students.tasks import process_student_upload
from students.template import student_template
from students.upload_recovery import uploads_orphaned_fail

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RESULT_ROWS_PER_PAGE = 100
FINISHED = {StudentUpload.Status.IMPORTED, StudentUpload.Status.INVALID, StudentUpload.Status.UNREADABLE}


def _commune(request: HttpRequest, code: str) -> Commune:
    # Another commune is a 404, not a 403: its pages are not confirmed to exist.
    return get_object_or_404(Commune.objects.visible_to(request.user), code=code)


def _upload(request: HttpRequest, code: str, upload_id: int) -> StudentUpload:
    commune = _commune(request, code)
    upload = get_object_or_404(
        StudentUpload.objects.visible_to(request.user).select_related("commune", "uploaded_by"),
        pk=upload_id,
        commune=commune,
    )
    if upload.status == StudentUpload.Status.PROCESSING and uploads_orphaned_fail(upload_ids=[upload.pk]):
        upload.refresh_from_db()  # its worker died: the page says so instead of spinning for ever
    return upload


def _attachment(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_safe
def template_download(request: HttpRequest, code: str) -> HttpResponse:
    commune = _commune(request, code)
    return _attachment(student_template(commune), f"danh-sach-hoc-sinh-{commune.code}-{slugify(commune.name)}.xlsx")


def _wants_json(request: HttpRequest) -> bool:
    return request.headers.get("X-Requested-With") == "XMLHttpRequest"


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def upload_create(request: HttpRequest, code: str) -> HttpResponse:
    commune = _commune(request, code)
    if not request.user.has_perm("students.add_studentupload"):
        raise PermissionDenied
    form = StudentUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            file = form.cleaned_data["file"]
            with transaction.atomic():
                upload = upload_open(commune, Path(file.name).name, user=request.user, file=file)
                # The worker must find the row: enqueue once it is committed.
                transaction.on_commit(lambda: process_student_upload.enqueue(upload.pk))
            url = reverse("students:upload-detail", args=[commune.code, upload.pk])
            if _wants_json(request):
                return JsonResponse({"redirect": url})
            return redirect(url)
        if _wants_json(request):
            return JsonResponse({"errors": [str(error) for error in form.errors.get("file", [])]}, status=400)
    uploads = StudentUpload.objects.filter(commune=commune).select_related("uploaded_by")[:20]
    # A refused file is a 400, as on every other upload page.
    status = 400 if request.method == "POST" else 200
    context = {"commune": commune, "form": form, "uploads": uploads}
    return render(request, "students/upload_form.html", context, status=status)


def _progress(upload: StudentUpload) -> dict:
    percent = 100 if upload.status in FINISHED else 0
    if upload.status == StudentUpload.Status.PROCESSING and upload.rows_total:
        percent = min(99, round(100 * upload.rows_done / upload.rows_total))
    return {
        "status": upload.status,
        "status_label": upload.get_status_display(),
        "rows_total": upload.rows_total,
        "rows_done": upload.rows_done,
        "percent": percent,
        "finished": upload.status in FINISHED,
    }


@login_required
@require_safe
def upload_detail(request: HttpRequest, code: str, upload_id: int) -> HttpResponse:
    upload = _upload(request, code, upload_id)
    # One list per outcome (what changed, or what is wrong), a page at a time.
    items = upload.changes if upload.status == StudentUpload.Status.IMPORTED else upload.errors
    return render(
        request,
        "students/upload_detail.html",
        {
            "commune": upload.commune,
            "upload": upload,
            "progress": _progress(upload),
            "finished": upload.status in FINISHED,
            "page_obj": Paginator(items, RESULT_ROWS_PER_PAGE).get_page(request.GET.get("page")),
        },
    )


@leaves_the_session_unsaved
@never_cache
@login_required
@require_safe
def upload_progress(request: HttpRequest, code: str, upload_id: int) -> JsonResponse:
    return JsonResponse(_progress(_upload(request, code, upload_id)))


@login_required
@require_safe
def upload_annotated(request: HttpRequest, code: str, upload_id: int) -> HttpResponse:
    """The uploader's own rows back, wrong cells in red with a comment each."""
    upload = _upload(request, code, upload_id)
    # After the campaign the file is deleted (anonymise_pupils): the page says what the list was.
    if upload.status != StudentUpload.Status.INVALID or not upload.original_file:
        return redirect("students:upload-detail", upload.commune.code, upload.pk)
    stem = slugify(Path(upload.original_name).stem) or "danh-sach"
    if upload.annotated_file:  # built by the worker
        with upload.annotated_file.open("rb") as stored:
            content = stored.read()
    else:  # an upload checked before the worker built marked-up files
        content = upload_processing.annotated_file(upload)
    export_record(user=request.user, kind=ExportKind.MARKED_UPLOAD, row_count=upload.rows_total, upload=upload.pk)
    return _attachment(content, f"{stem}-can-sua.xlsx")
