from __future__ import annotations

from django.contrib import admin
from import_export.admin import ExportMixin
from simple_history.admin import SimpleHistoryAdmin

from donations.models import (
    CashReceipt,
    CommitteeMember,
    Device,
    Donor,
    Pledge,
    PledgeLine,
    ProgrammeAccount,
    Spending,
)
from donations.resources import CashReceiptResource, DeviceResource, PledgeLineResource, SpendingResource
from donations.text import fold


class FoldedSearchMixin:
    """Search ignores accents and case: the term is folded like the stored `name_key`."""

    folded_search_field = "name_key"

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term.strip():
            folded = queryset.filter(**{f"{self.folded_search_field}__contains": fold(search_term)})
            results = results | folded
        return results, may_have_duplicates


@admin.register(Donor)
class DonorAdmin(FoldedSearchMixin, SimpleHistoryAdmin):
    list_display = ["name", "kind", "phone", "publish_consent"]
    list_filter = ["kind", "publish_consent"]
    search_fields = ["name", "phone", "tax_code"]


class PledgeLineInline(admin.TabularInline):
    model = PledgeLine
    extra = 0
    fields = [
        "kind",
        "amount_vnd",
        "fund_source",
        "device_type",
        "condition",
        "quantity",
        "specification",
        "offer",
        "months",
        "confirmed_on",
        "cancelled",
    ]


@admin.register(Pledge)
class PledgeAdmin(FoldedSearchMixin, SimpleHistoryAdmin):
    folded_search_field = "donor__name_key"
    list_display = ["reference_code", "donor", "channel", "earmark_commune", "pledged_at"]
    list_filter = ["channel", "lines__kind", "donor__kind", "earmark_commune"]
    list_select_related = ["donor", "earmark_commune"]
    search_fields = ["reference_code", "donor__name", "donor__phone"]
    autocomplete_fields = ["donor"]
    raw_id_fields = ["earmark_school"]
    readonly_fields = ["reference_code", "created_by"]
    inlines = [PledgeLineInline]


@admin.register(PledgeLine)
class PledgeLineAdmin(ExportMixin, SimpleHistoryAdmin):
    resource_classes = [PledgeLineResource]
    list_display = ["pledge", "kind", "amount_vnd", "device_type", "quantity", "cancelled"]
    list_filter = ["kind", "device_type", "condition", "cancelled"]
    list_select_related = ["pledge", "pledge__donor"]
    search_fields = ["pledge__reference_code", "pledge__donor__name", "pledge__donor__name_key"]
    raw_id_fields = ["pledge"]


class LedgerEntryAdmin(ExportMixin, SimpleHistoryAdmin):
    """Ledger entries are written through the ledger pages (they lock the account); here they are read."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CashReceipt)
class CashReceiptAdmin(LedgerEntryAdmin):
    resource_classes = [CashReceiptResource]
    list_display = ["received_on", "payer", "amount_vnd", "bank_reference", "pledge_line"]
    list_filter = ["received_on"]
    search_fields = ["payer", "bank_reference", "pledge_line__pledge__reference_code"]
    list_select_related = ["pledge_line", "pledge_line__pledge"]


@admin.register(Spending)
class SpendingAdmin(LedgerEntryAdmin):
    resource_classes = [SpendingResource]
    list_display = ["spent_on", "category", "description", "supplier", "invoice_number", "amount_vnd"]
    list_filter = ["category", "spent_on"]
    search_fields = ["description", "supplier", "invoice_number"]


@admin.register(Device)
class DeviceAdmin(ExportMixin, SimpleHistoryAdmin):
    resource_classes = [DeviceResource]
    list_display = ["pk", "device_type", "brand_model", "serial", "condition", "status", "received_on", "storage_place"]
    list_filter = ["device_type", "condition", "status", "received_on"]
    search_fields = ["serial", "brand_model", "pledge__reference_code"]
    list_select_related = ["pledge_line", "pledge_line__pledge", "purchase"]
    raw_id_fields = ["pledge_line", "pledge", "purchase"]
    # Status moves through the lifecycle (inventory.change_status), never by a free edit.
    readonly_fields = ["status"]


@admin.register(ProgrammeAccount)
class ProgrammeAccountAdmin(SimpleHistoryAdmin):
    list_display = ["account_number", "bank_name", "account_holder"]

    def has_add_permission(self, request):
        return not ProgrammeAccount.objects.exists() and super().has_add_permission(request)


@admin.register(CommitteeMember)
class CommitteeMemberAdmin(SimpleHistoryAdmin):
    list_display = ["full_name", "title", "phone", "position"]
