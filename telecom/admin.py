from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from telecom.models import Provider


@admin.register(Provider)
class ProviderAdmin(SimpleHistoryAdmin):
    list_display = ["short_name", "name", "code"]
    search_fields = ["name", "short_name"]
