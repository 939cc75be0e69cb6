from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from donations.models import CommitteeMember, Donor, Pledge


@admin.register(Donor)
class DonorAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "phone", "publish_consent"]
    list_filter = ["kind", "publish_consent"]
    search_fields = ["name", "phone", "tax_code"]


@admin.register(Pledge)
class PledgeAdmin(SimpleHistoryAdmin):
    list_display = ["reference_code", "donor", "kind", "amount_vnd", "device_type", "device_quantity", "pledged_at"]
    list_filter = ["kind", "device_type"]
    list_select_related = ["donor"]
    search_fields = ["reference_code", "donor__name"]
    autocomplete_fields = ["donor"]


@admin.register(CommitteeMember)
class CommitteeMemberAdmin(SimpleHistoryAdmin):
    list_display = ["full_name", "title", "phone", "position"]
