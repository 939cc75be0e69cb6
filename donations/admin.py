from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin
from simple_history.admin import SimpleHistoryAdmin

from donations import confirmation, ledger
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


class ConfirmedFilter(admin.SimpleListFilter):
    title = _("confirmation")
    parameter_name = "confirmed"

    def lookups(self, request, model_admin):
        return [("no", _("waiting for confirmation")), ("yes", _("confirmed"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(confirmed_at__isnull=self.value() == "no")
        return queryset


@admin.register(Pledge)
class PledgeAdmin(FoldedSearchMixin, SimpleHistoryAdmin):
    folded_search_field = "donor__name_key"
    list_display = ["reference_code", "donor", "channel", "earmark_commune", "pledged_at", "confirmed_at"]
    list_filter = ["channel", ConfirmedFilter, "lines__kind", "donor__kind", "earmark_commune"]
    list_select_related = ["donor", "earmark_commune"]
    search_fields = ["reference_code", "donor__name", "donor__phone"]
    autocomplete_fields = ["donor"]
    raw_id_fields = ["earmark_school"]
    readonly_fields = ["reference_code", "created_by", "confirmed_at", "confirmed_by"]
    inlines = [PledgeLineInline]
    actions = ["confirm_pledges"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change and obj.channel in confirmation.CONFIRMED_ON_SAVE:
            confirmation.pledge_confirm(pledge_id=obj.pk, by=request.user, reason=_("Entered by staff"))

    @admin.action(description=_("Confirm the selected pledges (after calling the donors)"))
    def confirm_pledges(self, request, queryset):
        done = 0
        for pk in queryset.filter(confirmed_at__isnull=True).values_list("pk", flat=True):
            confirmation.pledge_confirm(pledge_id=pk, by=request.user)
            done += 1
        self.message_user(request, _("%(n)s pledge(s) confirmed.") % {"n": done})


@admin.register(PledgeLine)
class PledgeLineAdmin(ExportMixin, SimpleHistoryAdmin):
    resource_classes = [PledgeLineResource]
    list_display = ["pledge", "kind", "amount_vnd", "device_type", "quantity", "cancelled"]
    list_filter = ["kind", "device_type", "condition", "cancelled"]
    list_select_related = ["pledge", "pledge__donor"]
    search_fields = ["pledge__reference_code", "pledge__donor__name", "pledge__donor__name_key"]
    raw_id_fields = ["pledge"]


class LedgerEntryForm(forms.ModelForm):
    """Adding an entry in the admin goes through the ledger service (lock, balance check) in clean()."""

    service_fields: tuple[str, ...] = ()

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            self.recorded = self.record({name: data.get(name) for name in self.service_fields})
        except ValidationError as error:
            raise ValidationError(error.messages) from error
        return data

    def _post_clean(self):
        # The service saved and validated the row already; the model's own checks would
        # see the just-saved unique bank reference as a duplicate of itself.
        if not hasattr(self, "recorded"):
            super()._post_clean()


class CashReceiptAdminForm(LedgerEntryForm):
    service_fields = ("received_on", "amount_vnd", "payer", "bank_reference", "pledge_line", "note")

    class Meta:
        model = CashReceipt
        fields = ["received_on", "amount_vnd", "payer", "bank_reference", "pledge_line", "note"]

    def record(self, v):
        return ledger.receipt_record(
            received_on=v["received_on"],
            amount_vnd=v["amount_vnd"],
            payer=v["payer"],
            bank_reference=v["bank_reference"] or "",
            pledge_line=v["pledge_line"],
            note=v["note"] or "",
        )


class SpendingAdminForm(LedgerEntryForm):
    service_fields = (
        "spent_on",
        "category",
        "description",
        "supplier",
        "invoice_number",
        "amount_vnd",
        "device_type",
        "quantity",
    )

    class Meta:
        model = Spending
        fields = [
            "spent_on",
            "category",
            "description",
            "supplier",
            "invoice_number",
            "amount_vnd",
            "device_type",
            "quantity",
        ]

    def record(self, v):
        return ledger.spending_record(**v | {k: v[k] or "" for k in ("invoice_number", "device_type")})


class LedgerEntryAdmin(ExportMixin, SimpleHistoryAdmin):
    """Entries are added through the ledger service and never edited or deleted: corrections are new entries."""

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        recorded = form.recorded
        recorded.recorded_by = request.user
        recorded.save(update_fields=["recorded_by"])
        # The admin goes on with `obj` (its message, its log entry): make it the recorded row.
        for field in obj._meta.concrete_fields:
            setattr(obj, field.attname, getattr(recorded, field.attname))
        obj._state.adding = False


@admin.register(CashReceipt)
class CashReceiptAdmin(LedgerEntryAdmin):
    form = CashReceiptAdminForm
    resource_classes = [CashReceiptResource]
    list_display = ["received_on", "amount_vnd", "payer", "bank_reference", "pledge_line", "recorded_by"]
    list_filter = ["received_on"]
    list_select_related = ["pledge_line__pledge", "recorded_by"]
    search_fields = ["payer", "bank_reference", "pledge_line__pledge__reference_code"]
    date_hierarchy = "received_on"


@admin.register(Spending)
class SpendingAdmin(LedgerEntryAdmin):
    form = SpendingAdminForm
    resource_classes = [SpendingResource]
    list_display = ["spent_on", "category", "description", "supplier", "invoice_number", "amount_vnd", "recorded_by"]
    list_filter = ["category", "spent_on"]
    list_select_related = ["recorded_by"]
    search_fields = ["description", "supplier", "invoice_number"]
    date_hierarchy = "spent_on"


@admin.register(Device)
class DeviceAdmin(ExportMixin, SimpleHistoryAdmin):
    resource_classes = [DeviceResource]
    list_display = ["pk", "device_type", "brand_model", "serial", "condition", "status", "received_on", "storage_place"]
    list_filter = ["device_type", "condition", "status", "received_on"]
    search_fields = ["serial", "brand_model", "pledge__reference_code"]
    list_select_related = ["pledge_line", "pledge_line__pledge", "purchase"]
    raw_id_fields = ["pledge_line", "pledge", "purchase"]
    # Status moves through the lifecycle (inventory.device_status_change), never by a free edit.
    readonly_fields = ["status"]


@admin.register(ProgrammeAccount)
class ProgrammeAccountAdmin(SimpleHistoryAdmin):
    list_display = ["account_number", "bank_name", "account_holder"]

    def has_add_permission(self, request):
        return not ProgrammeAccount.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False  # its row is the ledger's lock


@admin.register(CommitteeMember)
class CommitteeMemberAdmin(SimpleHistoryAdmin):
    list_display = ["full_name", "title", "phone", "position"]
