from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from students.models import Commune, Hamlet, School, Student


class CommuneScopedAdmin(SimpleHistoryAdmin):
    """Admin lists go through the same scoping as the pages."""

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)


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


@admin.register(Student)
class StudentAdmin(CommuneScopedAdmin):
    list_display = ["full_name", "birth_date", "school", "class_name", "commune", "status"]
    list_filter = ["status", "level", "lacks_device", "lacks_internet", "commune"]
    list_select_related = ["school", "commune"]
    search_fields = ["full_name", "personal_id", "pupil_id"]
    autocomplete_fields = ["school", "hamlet"]
