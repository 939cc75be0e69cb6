"""Bank statements (sao kê) as imported, and each of their transactions (imported by donations.statements)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class BankStatement(models.Model):
    """One imported statement file, kept as the bank sent it."""

    original_file = models.FileField(_("file"), upload_to="statements/%Y/%m/")
    filename = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(max_length=64, editable=False)
    first_day = models.DateField(_("first transaction"), null=True, blank=True)
    last_day = models.DateField(_("last transaction"), null=True, blank=True)
    # As printed on the statement ("Số dư cuối kỳ", or the last row's running balance); None when absent.
    closing_balance_vnd = models.BigIntegerField(_("closing balance (VND)"), null=True, blank=True)
    credits = models.PositiveIntegerField(_("credits"), default=0)
    debits = models.PositiveIntegerField(_("debits"), default=0)
    new_entries = models.PositiveIntegerField(_("new transactions"), default=0)
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-last_day", "-pk"]
        verbose_name = _("bank statement")
        verbose_name_plural = _("bank statements")

    def __str__(self) -> str:
        return self.filename


class StatementEntry(models.Model):
    """One transaction of the account, recorded once whichever statements repeat it."""

    class Direction(models.TextChoices):
        CREDIT = "credit", _("credit")
        DEBIT = "debit", _("debit")

    statement = models.ForeignKey(
        BankStatement, on_delete=models.PROTECT, related_name="entries", verbose_name=_("bank statement")
    )
    direction = models.CharField(_("direction"), max_length=6, choices=Direction.choices)
    bank_reference = models.CharField(_("bank reference"), max_length=60)
    booked_on = models.DateField(_("date"))
    amount_vnd = models.PositiveBigIntegerField(_("amount (VND)"))
    description = models.CharField(_("description"), max_length=500, blank=True)
    counterpart = models.CharField(_("counterpart"), max_length=200, blank=True)
    # Credits: the receipt recorded for it (always). Debits: the spending it pays, once matched.
    receipt = models.OneToOneField(
        "donations.CashReceipt",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="statement_entry",
        verbose_name=_("receipt"),
    )
    spending = models.ForeignKey(
        "donations.Spending",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="statement_entries",
        verbose_name=_("spending"),
    )
    # How the credit was matched ("code", "typo", "linked", "anonymous") or "" while it waits.
    match = models.CharField(_("match"), max_length=10, blank=True)
    match_note = models.CharField(_("match note"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["booked_on", "pk"]
        verbose_name = _("statement transaction")
        verbose_name_plural = _("statement transactions")
        constraints = [
            models.UniqueConstraint(fields=["bank_reference"], name="statement_entry_bank_reference_unique"),
            models.CheckConstraint(condition=Q(amount_vnd__gt=0), name="statement_entry_positive"),
            models.CheckConstraint(
                condition=Q(direction="debit") | Q(receipt__isnull=False), name="statement_credit_has_receipt"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bank_reference} {self.get_direction_display()} {self.amount_vnd:,} ₫".replace(",", ".")
