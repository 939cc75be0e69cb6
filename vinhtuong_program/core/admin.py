from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from simple_history.admin import SimpleHistoryAdmin

from vinhtuong_program.core.models import UserProfile


class UserProfileInline(admin.StackedInline):
    model = UserProfile
    can_delete = False
    autocomplete_fields = ["commune"]


class ProgrammeUserAdmin(UserAdmin):
    inlines = [UserProfileInline]
    list_display = ["username", "first_name", "last_name", "is_staff", "is_active"]
    list_select_related = ["profile"]


admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), ProgrammeUserAdmin)


@admin.register(UserProfile)
class UserProfileAdmin(SimpleHistoryAdmin):
    list_display = ["user", "commune", "provider", "phone"]
    list_select_related = ["user", "commune", "provider"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
