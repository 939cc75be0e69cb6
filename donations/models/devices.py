"""The device inventory: every physical device, donated or bought."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from donations.models.choices import DeviceCondition, DeviceType
from donations.models.money import Spending
from donations.models.pledges import Pledge, PledgeLine


class Device(models.Model):
    """One physical device in the inventory, donated (pledge line) or bought (spending)."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("received")
        AWAITING_INSPECTION = "awaiting_inspection", _("awaiting inspection")
        READY = "ready", _("ready")
        NEEDS_REPAIR = "needs_repair", _("needs repair")
        REPAIRED = "repaired", _("repaired")
        UNUSABLE = "unusable", _("unusable")
        ALLOCATED = "allocated", _("allocated")
        HANDED_OVER = "handed_over", _("handed over")
        RETURNED = "returned", _("returned")

    # What allocation may give to a pupil.
    ALLOCATABLE_STATUSES = (Status.READY, Status.REPAIRED)

    device_type = models.CharField(_("device type"), max_length=12, choices=DeviceType.choices)
    brand_model = models.CharField(_("brand and model"), max_length=200, blank=True)
    serial = models.CharField(_("serial or IMEI"), max_length=50, blank=True)
    condition = models.CharField(_("condition"), max_length=4, choices=DeviceCondition.choices)
    pledge_line = models.ForeignKey(
        PledgeLine,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="devices",
        verbose_name=_("from pledge line"),
    )
    # The pledge of `pledge_line`, kept so pages and reports reach it in one join; set by the services.
    pledge = models.ForeignKey(
        Pledge,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="devices",
        verbose_name=_("from pledge"),
    )
    purchase = models.ForeignKey(
        Spending,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="devices",
        verbose_name=_("bought with"),
    )
    received_on = models.DateField(_("received on"))
    storage_place = models.CharField(_("stored at"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["device_type", "pk"]
        verbose_name = _("device")
        verbose_name_plural = _("devices")
        constraints = [
            models.UniqueConstraint(fields=["serial"], condition=~Q(serial=""), name="device_serial_unique"),
            models.CheckConstraint(
                condition=Q(pledge_line__isnull=True) | Q(purchase__isnull=True),
                name="device_from_pledge_or_purchase",
            ),
        ]

    def __str__(self) -> str:
        label = self.brand_model or self.get_device_type_display()
        return f"#{self.pk} {label}" + (f" ({self.serial})" if self.serial else "")

    @property
    def origin(self) -> str:
        if self.pledge_line_id:
            return str(self.pledge_line)
        if self.purchase_id:
            return str(self.purchase)
        return ""
