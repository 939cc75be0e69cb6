from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Case, Count, F, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from donations.text import fold

# No 0/O, 1/I/L: donors read the code aloud over the phone.
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

# Beyond these a figure is a typing mistake, not a gift (the whole district's need is far smaller).
MAX_AMOUNT_VND = 50_000_000_000
MAX_DEVICES_PER_LINE = 5_000
MAX_PUPILS_PER_OFFER = 50_000
MAX_MONTHS = 36


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
        return LineStatus(self.status).label


class LineStatus(models.TextChoices):
    PLEDGED = "pledged", _("pledged")
    PARTLY_RECEIVED = "partly_received", _("partly received")
    RECEIVED = "received", _("received")
    CANCELLED = "cancelled", _("cancelled")


def derive_status(statuses: list[str]) -> str:
    """A pledge's status from its lines' (cancelled lines do not count unless all are)."""
    active = [s for s in statuses if s != LineStatus.CANCELLED]
    if not active:
        return LineStatus.CANCELLED if statuses else LineStatus.PLEDGED
    if all(s == LineStatus.RECEIVED for s in active):
        return LineStatus.RECEIVED
    if any(s in (LineStatus.RECEIVED, LineStatus.PARTLY_RECEIVED) for s in active):
        return LineStatus.PARTLY_RECEIVED
    return LineStatus.PLEDGED


class PledgeLineQuerySet(models.QuerySet):
    def with_received(self) -> PledgeLineQuerySet:
        """Annotate `received_vnd` (receipts) and `received_devices` (inventory rows) in two subqueries."""
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
        return LineStatus(self.status).label


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


from donations.statement_models import BankStatement, StatementEntry  # noqa: E402, F401  (models of the statement import)
