from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext
from import_export.admin import ExportMixin
from simple_history.admin import SimpleHistoryAdmin

from students import pupils
from students.forms import StudentAdminForm
from students.models import (
    Commune,
    DataExport,
    DuplicateCandidate,
    GuardianRequest,
    Hamlet,
    Hardship,
    School,
    Student,
    StudentUpload,
)
from students.privacy import ExportKind, export_record
from students.resources import StudentResource
from students.review import can_review
from students.selectors import search_students


class CommuneScopedAdmin(SimpleHistoryAdmin):
    """Admin lists go through the same scoping as the pages."""

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def _require_visible(self, request, object_id) -> None:
        # simple-history falls back to the last historical version when the object is not in
        # get_queryset(): that would show another commune's (or a deleted) record. Not here.
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        try:
            visible = self.get_queryset(request).filter(pk=object_id).exists()
        except (ValueError, ValidationError):  # "abc" typed in place of the id
            visible = False
        if not visible:
            raise Http404

    def history_view(self, request, object_id, extra_context=None):
        self._require_visible(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._require_visible(request, object_id)
        if not (version_id.isascii() and version_id.isdigit()):
            raise Http404
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(Commune)
class CommuneAdmin(CommuneScopedAdmin):
    list_display = ["code", "name", "kind"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]


@admin.register(Hamlet)
class HamletAdmin(CommuneScopedAdmin):
    list_display = ["name", "commune"]
    list_filter = ["commune"]
    list_select_related = ["commune"]
    search_fields = ["name"]


@admin.register(School)
class SchoolAdmin(CommuneScopedAdmin):
    list_display = ["code", "name", "level", "commune"]
    list_filter = ["level", "commune"]
    list_select_related = ["commune"]
    search_fields = ["code", "name"]


class HardshipFilter(admin.SimpleListFilter):
    title = Student._meta.get_field("hardships").verbose_name
    parameter_name = "hardship"

    def lookups(self, request, model_admin):
        return Hardship.choices

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(hardships__icontains=f'"{self.value()}"')
        return queryset


@admin.register(Student)
class StudentAdmin(ExportMixin, CommuneScopedAdmin):
    resource_classes = [StudentResource]
    list_display = ["full_name", "birth_date", "school", "class_name", "commune", "status"]
    list_filter = ["status", "level", "lacks_device", "lacks_internet", HardshipFilter, "commune", "school"]
    list_select_related = ["school", "commune"]
    # The search itself is accent-insensitive, in get_search_results.
    search_fields = ["name_key", "personal_id", "pupil_id"]
    autocomplete_fields = ["school", "hamlet"]
    form = StudentAdminForm
    # The status changes only through the pupil's rules (verification, pair decisions, rejection).
    readonly_fields = ["status", "upload", "source_row", "verified_by", "verified_at"]

    def get_search_results(self, request, queryset, search_term):
        return search_students(queryset, search_term), False

    def get_data_for_export(self, request, queryset, **kwargs):
        dataset = super().get_data_for_export(request, queryset, **kwargs)
        export_record(
            user=request.user,
            kind=ExportKind.PUPIL_ADMIN,
            row_count=len(dataset),
            filters=sorted(request.GET.keys()) or None,
        )
        return dataset

    def has_export_permission(self, request):
        # django-import-export opens its export to every admin user; pupils' records need the view permission.
        return self.has_view_permission(request)

    def save_model(self, request, obj, form, change):
        # The same rules as every other write path (students.pupils); the form checked the values.
        pupils.correct(
            obj,
            form.changed_data,
            user=request.user,
            reason=gettext("Changed in the administration"),
            by_reviewer=can_review(request.user),
        )


@admin.register(StudentUpload)
class StudentUploadAdmin(CommuneScopedAdmin):
    list_display = ["original_name", "commune", "uploaded_by", "uploaded_at", "status", "created_count", "error_count"]
    list_filter = ["status", "commune"]
    list_select_related = ["commune", "uploaded_by"]
    readonly_fields = [field.name for field in StudentUpload._meta.fields]

    def has_add_permission(self, request):
        return False  # uploads come through the commune's upload page, which checks the file


@admin.register(DuplicateCandidate)
class DuplicateCandidateAdmin(CommuneScopedAdmin):
    list_display = ["existing", "candidate", "reason", "decision", "decided_by", "decided_at"]
    list_filter = ["decision", "reason"]
    list_select_related = ["existing__school", "candidate__school", "decided_by"]
    readonly_fields = ["existing", "candidate", "reason", "decision", "decided_by", "decided_at", "created_at"]

    def has_add_permission(self, request):
        return False  # pairs are found by the importer and decided on the review page


@admin.register(DataExport)
class DataExportAdmin(admin.ModelAdmin):
    """The log of exports, for the education office to read; nobody edits it."""

    list_display = ["created_at", "user", "kind", "row_count", "scope"]
    list_filter = ["kind", "created_at"]
    list_select_related = ["user"]
    date_hierarchy = "created_at"
    readonly_fields = ["created_at", "user", "kind", "row_count", "scope"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(GuardianRequest)
class GuardianRequestAdmin(CommuneScopedAdmin):
    """Read here; requests are recorded on the pupil's staff page, which checks the scope."""

    list_display = ["received_on", "kind", "student", "requester_name", "channel", "outcome", "handled_by"]
    list_filter = ["kind", "outcome", "channel"]
    list_select_related = ["student__school", "handled_by"]
    readonly_fields = [f.name for f in GuardianRequest._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
