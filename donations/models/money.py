"""Money in (cash receipts) and money out (spending) of the programme's account."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from donations.models.choices import DeviceType
from donations.models.pledges import PledgeLine


class CashReceipt(models.Model):
    """Money that reached the programme's account (or the budget allocation that was transferred)."""

    received_on = models.DateField(_("received on"))
    amount_vnd = models.PositiveBigIntegerField(_("amount (VND)"))
    payer = models.CharField(_("payer"), max_length=200)
    bank_reference = models.CharField(_("bank reference"), max_length=60, blank=True)
    pledge_line = models.ForeignKey(
        PledgeLine,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="receipts",
        verbose_name=_("pledge line"),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["received_on", "pk"]
        verbose_name = _("cash receipt")
        verbose_name_plural = _("cash receipts")
        constraints = [
            models.CheckConstraint(condition=Q(amount_vnd__gt=0), name="cash_receipt_positive"),
            # The same bank transfer is never counted twice.
            models.UniqueConstraint(
                fields=["bank_reference"], condition=~Q(bank_reference=""), name="cash_receipt_bank_reference_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.received_on:%d/%m/%Y} {self.payer} {self.amount_vnd:,} ₫".replace(",", ".")


class Spending(models.Model):
    """Money paid out of the programme's account: devices bought, data packages, other costs."""

    class Category(models.TextChoices):
        DEVICES = "devices", _("devices")
        DATA = "data", _("data packages")
        OTHER = "other", _("other")

    spent_on = models.DateField(_("spent on"))
    category = models.CharField(_("what was bought"), max_length=10, choices=Category.choices)
    description = models.CharField(_("description"), max_length=300)
    supplier = models.CharField(_("supplier"), max_length=200)
    invoice_number = models.CharField(_("invoice number"), max_length=60, blank=True)
    amount_vnd = models.PositiveBigIntegerField(_("amount (VND)"))
    # Devices bought: how many of which type (they are added to the inventory).
    device_type = models.CharField(_("device type"), max_length=12, choices=DeviceType.choices, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["spent_on", "pk"]
        verbose_name = _("spending")
        verbose_name_plural = _("spending")
        constraints = [
            models.CheckConstraint(condition=Q(amount_vnd__gt=0), name="spending_positive"),
            models.CheckConstraint(
                condition=~Q(category="devices") | (Q(quantity__isnull=False, quantity__gt=0) & ~Q(device_type="")),
                name="spending_devices_have_type_and_quantity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.spent_on:%d/%m/%Y} {self.description} {self.amount_vnd:,} ₫".replace(",", ".")
