from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from reports.models import Milestone


@admin.register(Milestone)
class MilestoneAdmin(SimpleHistoryAdmin):
    list_display = ["name", "starts_at", "due_at", "done_at"]
