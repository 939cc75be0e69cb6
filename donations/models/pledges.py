"""Pledges and their lines, with the querysets that derive what has been received."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Case, Count, F, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from donations.models.choices import DeviceCondition, DeviceType, LineStatus, derive_status, new_reference_code
from donations.models.donors import Donor
from donations.text import fold


class PledgeQuerySet(models.QuerySet):
    def search(self, term: str) -> PledgeQuerySet:
        """Accent- and case-insensitive search on the donor's name, or the code, or the phone."""
        term = (term or "").strip()
        if not term:
            return self
        return self.filter(
            Q(donor__name_key__contains=fold(term))
            | Q(reference_code__iexact=term)
            | Q(donor__phone__contains=term.replace(" ", ""))
        )


class Pledge(models.Model):
    """What one donor promised at one time; its lines say what (money, devices, telecom policy)."""

    class Channel(models.TextChoices):
        PUBLIC_FORM = "public", _("public form")
        STAFF = "staff", _("taken by staff")
        IMPORT = "import", _("imported list")

    reference_code = models.CharField(
        _("reference code"), max_length=12, unique=True, default=new_reference_code, editable=False
    )
    donor = models.ForeignKey(Donor, on_delete=models.PROTECT, related_name="pledges", verbose_name=_("donor"))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.STAFF)
    earmark_commune = models.ForeignKey(
        "students.Commune",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="earmarked_pledges",
        verbose_name=_("earmarked for commune"),
    )
    earmark_school = models.ForeignKey(
        "students.School",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="earmarked_pledges",
        verbose_name=_("earmarked for school"),
    )
    note = models.TextField(_("note"), blank=True)
    pledged_at = models.DateTimeField(_("pledged at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    # A public-form pledge waits for staff to confirm it (donations/confirmation.py); staff's are confirmed when saved.
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True, editable=False)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("confirmed by"),
    )
    # One-time token of the public form: a replayed submission collides here instead of saving twice.
    submission_token = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)

    history = HistoricalRecords()
    objects = PledgeQuerySet.as_manager()

    class Meta:
        ordering = ["-pledged_at"]
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")

    def __str__(self) -> str:
        return f"{self.reference_code} — {self.donor}"

    @property
    def status(self) -> str:
        return derive_status([line.status for line in self.lines.all()])

    def get_status_display(self) -> str:
        return str(LineStatus(self.status).label)


class PledgeLineQuerySet(models.QuerySet):
    def with_received(self) -> PledgeLineQuerySet:
        """Annotate `received_vnd` (receipts) and `received_devices` (inventory rows) in two subqueries."""
        # Imported here: receipts and devices point at pledge lines, so their modules import this one.
        from donations.models.devices import Device
        from donations.models.money import CashReceipt

        receipts = (
            CashReceipt.objects.filter(pledge_line=OuterRef("pk"))
            .values("pledge_line")
            .annotate(total=Sum("amount_vnd"))
            .values("total")
        )
        devices = (
            Device.objects.filter(pledge_line=OuterRef("pk")).values("pledge_line").annotate(n=Count("pk")).values("n")
        )
        return self.annotate(
            received_vnd=Coalesce(Subquery(receipts, output_field=models.BigIntegerField()), 0),
            received_devices=Coalesce(Subquery(devices, output_field=models.IntegerField()), 0),
        )

    def with_status(self) -> PledgeLineQuerySet:
        """Annotate `line_status`, the same rule as `PledgeLine.status`, in SQL (for filtering)."""
        money = Q(kind__in=["cash", "budget"])
        received = (
            (money & Q(received_vnd__gte=F("amount_vnd")))
            | Q(kind="device", received_devices__gte=F("quantity"))
            | Q(kind="telecom", confirmed_on__isnull=False)
        )
        return self.with_received().annotate(
            line_status=Case(
                When(cancelled=True, then=Value(LineStatus.CANCELLED)),
                When(received, then=Value(LineStatus.RECEIVED)),
                When(Q(received_vnd__gt=0) | Q(received_devices__gt=0), then=Value(LineStatus.PARTLY_RECEIVED)),
                default=Value(LineStatus.PLEDGED),
                output_field=models.CharField(),
            )
        )


class PledgeLine(models.Model):
    """One item of a pledge: an amount of money, a batch of devices of one type, or a telecom policy."""

    class Kind(models.TextChoices):
        CASH = "cash", _("cash")
        BUDGET = "budget", _("state budget or fund")
        DEVICE = "device", _("devices")
        TELECOM = "telecom", _("telecom policy")

    MONEY_KINDS = (Kind.CASH, Kind.BUDGET)

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="lines", verbose_name=_("pledge"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    amount_vnd = models.PositiveBigIntegerField(_("amount (VND)"), null=True, blank=True)
    fund_source = models.CharField(_("budget or fund source"), max_length=200, blank=True)
    device_type = models.CharField(_("device type"), max_length=12, choices=DeviceType.choices, blank=True)
    condition = models.CharField(_("condition"), max_length=4, choices=DeviceCondition.choices, blank=True)
    # Devices: how many; telecom policy: for how many pupils.
    quantity = models.PositiveIntegerField(_("quantity"), null=True, blank=True)
    specification = models.CharField(_("specification"), max_length=300, blank=True)
    offer = models.CharField(
        _("what is offered"),
        max_length=300,
        blank=True,
        help_text=_("E.g. SIMs with 4 GB/day free for 3 months, free fibre installation."),
    )
    months = models.PositiveSmallIntegerField(_("for how many months"), null=True, blank=True)
    # Telecom policy: the day staff confirmed the offer is in force (it is then 'received').
    confirmed_on = models.DateField(_("confirmed on"), null=True, blank=True)
    cancelled = models.BooleanField(_("cancelled"), default=False)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)

    history = HistoricalRecords()
    objects = PledgeLineQuerySet.as_manager()

    class Meta:
        ordering = ["pledge", "pk"]
        verbose_name = _("pledge line")
        verbose_name_plural = _("pledge lines")
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind__in=["cash", "budget"]) | Q(amount_vnd__isnull=False, amount_vnd__gt=0),
                name="pledge_line_money_has_amount",
            ),
            models.CheckConstraint(
                condition=~Q(kind="device")
                | (Q(quantity__isnull=False, quantity__gt=0) & ~Q(device_type="") & ~Q(condition="")),
                name="pledge_line_devices_have_type_quantity_condition",
            ),
            models.CheckConstraint(
                condition=~Q(kind="telecom")
                | (Q(quantity__isnull=False, quantity__gt=0, months__isnull=False, months__gt=0) & ~Q(offer="")),
                name="pledge_line_telecom_has_offer_pupils_months",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pledge.reference_code}: {self.describe()}"

    def describe(self) -> str:
        if self.kind in self.MONEY_KINDS:
            amount = f"{self.amount_vnd or 0:,}".replace(",", ".")
            label = f"{self.get_kind_display()} {amount} ₫"
            return f"{label} ({self.fund_source})" if self.fund_source else label
        if self.kind == self.Kind.DEVICE:
            return f"{self.quantity} {self.get_device_type_display()} ({self.get_condition_display()})"
        return gettext("%(offer)s — for %(pupils)s pupils, %(months)s months") % {
            "offer": self.offer,
            "pupils": self.quantity,
            "months": self.months,
        }

    @property
    def pledged_units(self) -> int:
        """VND for money, devices for devices, pupils for telecom."""
        return (self.amount_vnd if self.kind in self.MONEY_KINDS else self.quantity) or 0

    @property
    def received_units(self) -> int:
        if self.kind in self.MONEY_KINDS:
            received = getattr(self, "received_vnd", None)
            return received if received is not None else self.receipts.aggregate(t=Sum("amount_vnd"))["t"] or 0
        if self.kind == self.Kind.DEVICE:
            received = getattr(self, "received_devices", None)
            return received if received is not None else self.devices.count()
        return (self.quantity or 0) if self.confirmed_on else 0

    @property
    def outstanding_units(self) -> int:
        return 0 if self.cancelled else max(self.pledged_units - self.received_units, 0)

    @property
    def status(self) -> str:
        if self.cancelled:
            return LineStatus.CANCELLED
        received = self.received_units
        if received <= 0:
            return LineStatus.PLEDGED
        return LineStatus.RECEIVED if received >= self.pledged_units else LineStatus.PARTLY_RECEIVED

    def get_status_display(self) -> str:
        return str(LineStatus(self.status).label)
