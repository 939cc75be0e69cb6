"""The programme's cash ledger: receipts, spending, the running balance, reconciliation.

Every write takes the programme account's row lock first, so two people
recording spending at the same moment are serialised and the second one sees
the first one's spending when it checks the balance.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from donations.confirmation import pledge_confirm_on_receipt
from donations.models import CashReceipt, Device, PledgeLine, ProgrammeAccount, Spending


def _lock_account() -> ProgrammeAccount:
    account = ProgrammeAccount.get()  # exists before anyone waits on it
    return ProgrammeAccount.objects.select_for_update().get(pk=account.pk)


def total_received() -> int:
    return CashReceipt.objects.aggregate(t=Sum("amount_vnd"))["t"] or 0


def total_spent() -> int:
    return Spending.objects.aggregate(t=Sum("amount_vnd"))["t"] or 0


def balance() -> int:
    return total_received() - total_spent()


def receipt_record(
    *,
    received_on: date,
    amount_vnd: int,
    payer: str,
    bank_reference: str = "",
    pledge_line: PledgeLine | None = None,
    note: str = "",
    recorded_by: User | None = None,
) -> CashReceipt:
    if amount_vnd <= 0:
        raise ValidationError(_("The amount must be more than 0 ₫."), code="amount")
    if pledge_line is not None and pledge_line.kind not in PledgeLine.MONEY_KINDS:
        raise ValidationError(_("Money can only be received against a cash or budget line."), code="line_kind")
    bank_reference = bank_reference.strip()
    with transaction.atomic():
        _lock_account()
        if bank_reference and CashReceipt.objects.filter(bank_reference=bank_reference).exists():
            raise ValidationError(_("This bank reference has already been recorded."), code="bank_reference")
        try:
            with transaction.atomic():
                if pledge_line is not None:
                    pledge_confirm_on_receipt(pledge_id=pledge_line.pledge_id, by=recorded_by)
                return CashReceipt.objects.create(
                    received_on=received_on,
                    amount_vnd=amount_vnd,
                    payer=payer,
                    bank_reference=bank_reference,
                    pledge_line=pledge_line,
                    note=note,
                    recorded_by=recorded_by,
                )
        except IntegrityError as error:
            raise ValidationError(_("This bank reference has already been recorded."), code="bank_reference") from error


def spending_record(
    *,
    spent_on: date,
    category: str,
    description: str,
    supplier: str,
    amount_vnd: int,
    invoice_number: str = "",
    device_type: str = "",
    quantity: int | None = None,
    storage_place: str = "",
    recorded_by: User | None = None,
) -> Spending:
    """Pay out of the account; refused when it would spend more than has been received.

    Devices bought are added to the inventory, new and therefore ready.
    """
    if amount_vnd <= 0:
        raise ValidationError(_("The amount must be more than 0 ₫."), code="amount")
    buying_devices = category == Spending.Category.DEVICES
    if buying_devices and not (device_type and quantity and quantity > 0):
        raise ValidationError(_("Say which devices were bought and how many."), code="devices")
    with transaction.atomic():
        _lock_account()
        available = balance()
        if amount_vnd > available:
            raise ValidationError(
                _("Not enough money: the balance is %(balance)s ₫, the spending %(amount)s ₫.")
                % {"balance": f"{available:,}".replace(",", "."), "amount": f"{amount_vnd:,}".replace(",", ".")},
                code="insufficient",
            )
        spending = Spending.objects.create(
            spent_on=spent_on,
            category=category,
            description=description,
            supplier=supplier,
            invoice_number=invoice_number,
            amount_vnd=amount_vnd,
            device_type=device_type if buying_devices else "",
            quantity=quantity if buying_devices else None,
            recorded_by=recorded_by,
        )
        if buying_devices and quantity:
            for _n in range(quantity):
                Device.objects.create(
                    device_type=device_type,
                    condition="new",
                    purchase=spending,
                    received_on=spent_on,
                    storage_place=storage_place,
                    status=Device.Status.READY,
                )
    return spending


@dataclass(frozen=True)
class LedgerRow:
    day: date
    kind: str  # "receipt" or "spending"
    label: str
    counterpart: str
    reference: str
    amount_in: int
    amount_out: int
    balance: int


def ledger_rows() -> list[LedgerRow]:
    """Receipts and spending in date order with the balance after each (two queries)."""
    entries = [
        (r.received_on, 0, r.pk, "receipt", r.note or _("Receipt"), r.payer, r.bank_reference, r.amount_vnd, 0)
        for r in CashReceipt.objects.all()
    ] + [
        (s.spent_on, 1, s.pk, "spending", s.description, s.supplier, s.invoice_number, 0, s.amount_vnd)
        for s in Spending.objects.all()
    ]
    entries.sort(key=lambda e: (e[0], e[1], e[2]))
    running = 0
    rows = []
    for day, _order, _pk, kind, label, counterpart, reference, amount_in, amount_out in entries:
        running += amount_in - amount_out
        rows.append(LedgerRow(day, kind, label, counterpart, reference, amount_in, amount_out, running))
    return rows


def receipt_link(
    *, receipt: CashReceipt, pledge_line: PledgeLine, payer: str = "", by: User | None = None
) -> CashReceipt:
    """Link a receipt recorded without its pledge (a bank credit) to the pledge line it pays."""
    if pledge_line.kind not in PledgeLine.MONEY_KINDS:
        raise ValidationError(_("Money can only be received against a cash or budget line."), code="line_kind")
    with transaction.atomic():
        _lock_account()
        receipt = CashReceipt.objects.select_for_update().get(pk=receipt.pk)
        if receipt.pledge_line_id is not None:
            raise ValidationError(_("This receipt is already linked to a pledge."), code="linked")
        pledge_confirm_on_receipt(
            pledge_id=pledge_line.pledge_id, by=by
        )  # the bank says the money came: the pledge is real
        receipt.pledge_line = pledge_line
        receipt.payer = (payer or receipt.payer)[:200]
        receipt.save(update_fields=["pledge_line", "payer"])
    return receipt


def receipts_record_many(*, receipts: list[CashReceipt]) -> list[CashReceipt]:
    """Record many receipts at once (a bank statement's credits), under the ledger's lock, with their history.

    The same checks as `receipt_record`: positive amounts, money lines only, no bank reference twice.
    """
    from simple_history.utils import bulk_create_with_history

    if any(r.amount_vnd <= 0 for r in receipts):
        raise ValidationError(_("The amount must be more than 0 ₫."), code="amount")
    if any(r.pledge_line is not None and r.pledge_line.kind not in PledgeLine.MONEY_KINDS for r in receipts):
        raise ValidationError(_("Money can only be received against a cash or budget line."), code="line_kind")
    references = [r.bank_reference for r in receipts if r.bank_reference]
    with transaction.atomic():
        _lock_account()
        if (
            len(set(references)) != len(references)
            or CashReceipt.objects.filter(bank_reference__in=references).exists()
        ):
            raise ValidationError(_("This bank reference has already been recorded."), code="bank_reference")
        # A credit matched to a pledge confirms it, as a receipt recorded by hand does (in pk order: no deadlock).
        for pledge_id in sorted({r.pledge_line.pledge_id for r in receipts if r.pledge_line is not None}):
            pledge_confirm_on_receipt(pledge_id=pledge_id, by=receipts[0].recorded_by if receipts else None)
        created: list[CashReceipt] = bulk_create_with_history(receipts, CashReceipt, batch_size=1000)
        return created
