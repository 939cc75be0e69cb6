"""Donors and the programme's bank account."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from donations.text import fold


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
    # Lowercase without diacritics, for searching "nguyen van duc" and finding "Nguyễn Văn Đức".
    name_key = models.CharField(_("search key"), max_length=200, blank=True, editable=False, db_index=True)
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

    def save(self, *args, **kwargs):
        # The search key always follows the name, whichever page or admin form changed it.
        self.name_key = fold(self.name)[:200]
        if kwargs.get("update_fields") is not None and "name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_key"}
        super().save(*args, **kwargs)

    @property
    def public_name(self) -> str:
        return self.name if self.publish_consent else str(_("Anonymous donor"))


class ProgrammeAccount(models.Model):
    """The programme's bank account (plan §VII.1); its single row also serialises ledger writes."""

    bank_name = models.CharField(_("bank"), max_length=200, blank=True)
    account_number = models.CharField(_("account number"), max_length=40, blank=True)
    account_holder = models.CharField(_("account holder"), max_length=200, blank=True)
    transfer_note = models.CharField(
        _("transfer note"), max_length=200, blank=True, help_text=_("What donors write in the transfer's description.")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("programme bank account")
        verbose_name_plural = _("programme bank account")

    def __str__(self) -> str:
        return f"{self.account_number} — {self.bank_name}" if self.account_number else str(_("(not set)"))

    @classmethod
    def get(cls) -> ProgrammeAccount:
        """The one account (created empty on first use; staff fill it in the admin)."""
        account = cls.objects.order_by("pk").first()
        if account is None:
            account, _created = cls.objects.get_or_create(pk=1)
        return account
