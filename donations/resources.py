"""Spreadsheet exports of donations (admin and staff pages share them; formulae are neutralised)."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext_lazy as _
from import_export import fields, resources

from donations.models import CashReceipt, Spending


class _ListResource(resources.Resource):
    """A hand-made column list; the admin's export form names each resource, which only ModelResource does."""

    @classmethod
    def get_display_name(cls):
        return cls.__name__


class PledgeLineResource(_ListResource):
    reference_code = fields.Field(attribute="pledge__reference_code", column_name=_("reference code"))
    pledged_at = fields.Field(column_name=_("pledged at"))
    donor = fields.Field(attribute="pledge__donor__name", column_name=_("donor"))
    donor_kind = fields.Field(column_name=_("donor kind"))
    phone = fields.Field(attribute="pledge__donor__phone", column_name=_("phone"))
    kind = fields.Field(column_name=_("kind"))
    amount_vnd = fields.Field(attribute="amount_vnd", column_name=_("amount (VND)"))
    fund_source = fields.Field(attribute="fund_source", column_name=_("budget or fund source"))
    device_type = fields.Field(column_name=_("device type"))
    quantity = fields.Field(attribute="quantity", column_name=_("quantity"))
    specification = fields.Field(attribute="specification", column_name=_("specification"))
    offer = fields.Field(attribute="offer", column_name=_("what is offered"))
    received = fields.Field(column_name=_("received"))
    status = fields.Field(column_name=_("status"))

    def dehydrate_pledged_at(self, line):
        return line.pledge.pledged_at.strftime("%d/%m/%Y")

    def dehydrate_donor_kind(self, line):
        return line.pledge.donor.get_kind_display()

    def dehydrate_kind(self, line):
        return line.get_kind_display()

    def dehydrate_device_type(self, line):
        return line.get_device_type_display()

    def dehydrate_received(self, line):
        return line.received_units

    def dehydrate_status(self, line):
        return line.get_status_display()


class DeviceResource(_ListResource):
    id = fields.Field(attribute="pk", column_name="ID")
    device_type = fields.Field(column_name=_("device type"))
    brand_model = fields.Field(attribute="brand_model", column_name=_("brand and model"))
    serial = fields.Field(attribute="serial", column_name=_("serial or IMEI"))
    condition = fields.Field(column_name=_("condition"))
    origin = fields.Field(attribute="origin", column_name=_("origin"))
    received_on = fields.Field(column_name=_("received on"))
    storage_place = fields.Field(attribute="storage_place", column_name=_("stored at"))
    status = fields.Field(column_name=_("status"))

    def dehydrate_device_type(self, device):
        return device.get_device_type_display()

    def dehydrate_condition(self, device):
        return device.get_condition_display()

    def dehydrate_received_on(self, device):
        return device.received_on.strftime("%d/%m/%Y")

    def dehydrate_status(self, device):
        return device.get_status_display()


class CashReceiptResource(resources.ModelResource):
    class Meta:
        model = CashReceipt
        fields = ("id", "received_on", "amount_vnd", "payer", "bank_reference", "pledge_line__pledge__reference_code")


class SpendingResource(resources.ModelResource):
    class Meta:
        model = Spending
        fields = ("id", "spent_on", "category", "description", "supplier", "invoice_number", "amount_vnd")


def _cell(value):
    """Numbers and dates stay typed; everything else (lazy translations included) becomes clean text."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if value is None or isinstance(value, int | float | date):
        return value
    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", str(value))


def xlsx_bytes(resource: resources.ModelResource, queryset, title: str = "Sheet1") -> bytes:
    """The export as .xlsx with numbers kept as numbers and every text cell stored as text.

    openpyxl would turn a text starting with "=" into a live formula; forcing the
    string type keeps a hostile name such as '=HYPERLINK(...)' inert, without altering it.
    """
    import io

    from openpyxl import Workbook

    dataset = resource.export(queryset=queryset)
    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append([str(h) for h in dataset.headers])
    for row in dataset:
        sheet.append([_cell(value) for value in row])
    for row in sheet.iter_rows(min_row=1):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
