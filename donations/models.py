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

    class Condition(models.TextChoices):
        NEW = "new", _("new")
        USED = "used", _("used")

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
