from django.contrib import admin
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

from telecom.models import LearningPlatform, Provider, ZeroRating


@admin.register(Provider)
class ProviderAdmin(SimpleHistoryAdmin):
    list_display = ["short_name", "name", "code"]
    search_fields = ["name", "short_name"]


class ZeroRatingInline(admin.TabularInline):
    model = ZeroRating
    extra = 1


@admin.register(LearningPlatform)
class LearningPlatformAdmin(SimpleHistoryAdmin):
    """The office keeps the public list of zero-rated platforms (/nen-tang-hoc-truc-tuyen/)."""

    list_display = ["name", "url", "published"]
    list_filter = ["published"]
    search_fields = ["name"]
    inlines = [ZeroRatingInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
