from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from reports.feedback import filter_feedback
from reports.models import Feedback, Milestone
from students.admin import CommuneScopedAdmin


@admin.register(Milestone)
class MilestoneAdmin(SimpleHistoryAdmin):
    list_display = ["name", "starts_at", "due_at", "done_at"]


@admin.register(Feedback)
class FeedbackAdmin(CommuneScopedAdmin):
    """Read-only, scoped like the pages: reports come from the public form and are handled on the staff page
    (/can-bo/phan-anh/), whose service checks every rule. The office may delete spam."""

    list_display = ["code", "created_at", "kind", "commune", "status", "pupil_name", "reporter_name"]
    list_filter = ["status", "kind", "commune"]
    list_select_related = ["commune"]
    # The search itself (code, accent-insensitive names, phone) is the staff list's, in get_search_results.
    search_fields = ["code"]
    date_hierarchy = "created_at"
    fields = [
        "code",
        "created_at",
        "kind",
        "commune",
        "hamlet",
        "school",
        "pupil_name",
        "birth_year",
        "pupil_class",
        "lacks_device",
        "lacks_internet",
        "description",
        "reporter_name",
        "reporter_phone",
        "reporter_relation",
        "status",
        "response",
        "handled_by",
        "handled_at",
        "student",
    ]
    readonly_fields = fields

    @admin.display(description=Feedback._meta.get_field("pupil_birth_year").verbose_name)
    def birth_year(self, obj) -> str:
        # A year, not a quantity: never "2.009".
        return str(obj.pupil_birth_year or "")

    def get_search_results(self, request, queryset, search_term):
        return filter_feedback(queryset, search=search_term), False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
