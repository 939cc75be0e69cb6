from __future__ import annotations

import secrets

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

# No 0/O, 1/I/L: donors read the code aloud over the phone.
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_reference_code() -> str:
    return "UH-" + "".join(secrets.choice(_CODE_ALPHABET) for _ in range(6))


class DeviceType(models.TextChoices):
    DESKTOP = "desktop", _("desktop computer")
    LAPTOP = "laptop", _("laptop")
    TABLET = "tablet", _("tablet")
    SMARTPHONE = "smartphone", _("smartphone")


class DeviceCondition(models.TextChoices):
    NEW = "new", _("new")
    USED = "used", _("used")


class Donor(models.Model):
    class Kind(models.TextChoices):
        STATE_AGENCY = "state_agency", _("state agency")
        ASSOCIATION = "association", _("association or mass organisation")
        BUSINESS = "business", _("business")
        TELECOM = "telecom", _("telecom company")
        INDIVIDUAL = "individual", _("individual")
        FUND = "fund", _("fund")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    contact_person = models.CharField(_("contact person"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=15, blank=True)
    email = models.EmailField(_("email"), blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    tax_code = models.CharField(_("tax code"), max_length=14, blank=True)
    publish_consent = models.BooleanField(
        _("agrees to have name and amount published"),
        default=False,
        help_text=_("Without consent the public donor roll shows 'Nhà hảo tâm'."),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("donor")
        verbose_name_plural = _("donors")

    def __str__(self) -> str:
        return self.name


class Pledge(models.Model):
    class Kind(models.TextChoices):
        CASH = "cash", _("cash")
        DEVICE = "device", _("devices")
        TELECOM = "telecom", _("telecom policy")
        BUDGET = "budget", _("state budget or fund")

    Condition = DeviceCondition

    reference_code = models.CharField(
        _("reference code"), max_length=12, unique=True, default=new_reference_code, editable=False
    )
    donor = models.ForeignKey(Donor, on_delete=models.PROTECT, related_name="pledges", verbose_name=_("donor"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    amount_vnd = models.PositiveBigIntegerField(_("amount (VND)"), null=True, blank=True)
    device_type = models.CharField(_("device type"), max_length=12, choices=DeviceType.choices, blank=True)
    device_quantity = models.PositiveIntegerField(_("number of devices"), null=True, blank=True)
    device_condition = models.CharField(_("condition"), max_length=4, choices=Condition.choices, blank=True)
    description = models.TextField(_("description"), blank=True)
    pledged_at = models.DateTimeField(_("pledged at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-pledged_at"]
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind__in=["cash", "budget"]) | Q(amount_vnd__gt=0),
                name="pledge_money_has_amount",
            ),
            models.CheckConstraint(
                condition=~Q(kind="device") | (Q(device_quantity__gt=0) & ~Q(device_type="")),
                name="pledge_devices_have_type_and_quantity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference_code} — {self.donor}"


class Device(models.Model):
    """One physical device in the inventory, donated or bought."""

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
    pledge = models.ForeignKey(
        Pledge,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="devices",
        verbose_name=_("from pledge"),
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
        ]

    def __str__(self) -> str:
        label = self.brand_model or self.get_device_type_display()
        return f"#{self.pk} {label}" + (f" ({self.serial})" if self.serial else "")


class CommitteeMember(models.Model):
    """The receiving committee of plan §VI, shown to donors as their contacts."""

    full_name = models.CharField(_("full name"), max_length=100)
    title = models.CharField(_("title"), max_length=100)
    phone = models.CharField(_("phone"), max_length=15)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "full_name"]
        verbose_name = _("receiving committee member")
        verbose_name_plural = _("receiving committee")

    def __str__(self) -> str:
        return f"{self.full_name} — {self.title}"
