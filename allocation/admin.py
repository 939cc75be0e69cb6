"""Allocation in the admin: read-mostly. Supports change through the staff pages and `services`, never here."""

from __future__ import annotations

import dataclasses

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from allocation.models import AllocationRun, AllocationSettings, FollowUp, HandoverBatch, Support
from students.admin import CommuneScopedAdmin
from students.privacy import readable_value

VIEW_PUPILS = "students.view_student"


class ReadableChanges(HistoricalRecordContextHelper):
    """The history's "changes" column in words and dd/mm/yyyy (not codes and ISO dates),
    without the fields in `hidden` (a pupil's or guardian's name, for roles that may not read them)."""

    def __init__(self, model, record, *, hidden=()):
        super().__init__(model, record)
        self.hidden = set(hidden)

    def context_for_delta_changes(self, delta):
        shown = [change for change in delta.changes if change.field not in self.hidden]
        return super().context_for_delta_changes(dataclasses.replace(delta, changes=shown))

    def prepare_delta_change_value(self, change, value):
        readable = readable_value(self.model._meta.get_field(change.field), value)
        return readable if readable is not None else super().prepare_delta_change_value(change, value)


class ReadOnlyAdmin(SimpleHistoryAdmin):
    """Lists and pages to read; adding, changing and deleting go through the services."""

    # Fields of personal data left out of the history for users without students.view_student.
    pupil_fields: list[str] = []

    def get_historical_record_context_helper(self, request, historical_record):
        hidden = () if request.user.has_perm(VIEW_PUPILS) else self.pupil_fields
        return ReadableChanges(self.model, historical_record, hidden=hidden)

    def get_exclude(self, request, obj=None):
        return [] if request.user.has_perm(VIEW_PUPILS) else self.pupil_fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ScopedReadOnlyAdmin(ReadOnlyAdmin, CommuneScopedAdmin):
    """Scoped like the pages; simple-history must not show another commune's row from its history."""


@admin.register(Support)
class SupportAdmin(ScopedReadOnlyAdmin):
    list_display = ["id", "status", "commune", "level", "device", "offer", "device_rule", "connectivity_rule"]
    list_filter = ["status", "released", "device_rule", "connectivity_rule", "student__level", "student__commune"]
    # The pupil's __str__ names the school.
    list_select_related = ["student__commune", "student__school", "device", "offer__provider"]
    # The pupil's name only for roles that may read pupils' records (not leadership or the accountant).
    pupil_fields = ["student", "received_by", "manual_reason", "end_reason"]

    @admin.display(description=_("commune"))
    def commune(self, support):
        return support.student.commune.name

    @admin.display(description=_("level"))
    def level(self, support):
        return support.student.get_level_display()

    def get_list_display(self, request):
        fields = list(super().get_list_display(request))
        if request.user.has_perm(VIEW_PUPILS):
            fields.insert(1, "student")
        return fields

    def get_search_fields(self, request):
        if request.user.has_perm(VIEW_PUPILS):
            return ["student__full_name", "device__serial"]
        return ["device__serial"]


@admin.register(AllocationRun)
class AllocationRunAdmin(ReadOnlyAdmin):
    list_display = ["id", "started_at", "run_by", "proposed_count", "left_out_count"]
    list_select_related = ["run_by"]
    date_hierarchy = "started_at"


@admin.register(AllocationSettings)
class AllocationSettingsAdmin(ReadOnlyAdmin):
    """Read here, with its history; changed on the settings page, which checks every value."""

    list_display = ["__str__", "extra_hardship_weight", "updated_at"]


@admin.register(HandoverBatch)
class HandoverBatchAdmin(ScopedReadOnlyAdmin):
    list_display = ["number", "school", "commune", "status", "created_at", "handed_over_on", "received_by"]
    list_filter = ["status", "commune"]
    list_select_related = ["school", "commune"]
    search_fields = ["number", "school__name"]
    # The signed scan lists the pupils and their guardians' signatures.
    pupil_fields = ["signed_record"]


@admin.register(FollowUp)
class FollowUpAdmin(ScopedReadOnlyAdmin):
    list_display = ["support", "checked_on", "result", "checked_by"]
    list_filter = ["result"]
    list_select_related = ["support", "checked_by"]
    date_hierarchy = "checked_on"
    # Staff write what they found at the family's home: it may name the child.
    pupil_fields = ["note"]
