"""Importing the accountant's bank statements; the credits waiting for a pledge and the debits for a spending.

Every credit becomes a receipt in the ledger (the money is in the account), linked to the cash
pledge line its code names (donations.statement_matching). Idempotent by the bank's reference:
a transaction already recorded, from this statement or an overlapping one, is skipped. All or
nothing per statement, under the ledger's lock, so two imports at once record each credit once.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from common.spreadsheets.import_limits import error_dicts
from common.spreadsheets.table import CellError
from donations import ledger
from donations.models import CashReceipt, Donor, Pledge, PledgeLine, Spending
from donations.pledges import DonorData, LineData, pledge_create
from donations.statement_matching import Match, Matcher, code_candidates
from donations.statement_models import BankStatement, StatementEntry
from donations.statement_reader import STATEMENT_COLUMNS, Statement, Transaction, read_statement

if TYPE_CHECKING:
    from _typeshed import SupportsRead

# A debit is matched to a spending of the same amount recorded this close to it (and to no other).
SPENDING_WINDOW = timedelta(days=10)


@dataclass
class StatementResult:
    file_error: str = ""
    errors: list[CellError] = field(default_factory=list)
    statement: BankStatement | None = None
    credits: int = 0
    debits: int = 0
    new_credits: int = 0
    new_debits: int = 0
    matched: int = 0
    waiting: int = 0
    already: int = 0
    closing_balance: int | None = None

    @property
    def ok(self) -> bool:
        return not (self.file_error or self.errors)

    def error_dicts(self) -> list[dict[str, object]]:
        return error_dicts(self.errors, STATEMENT_COLUMNS)


def _new_receipt(tx: Transaction, match: Match, user: User | None) -> CashReceipt:
    payer = match.line.pledge.donor.name if match.line else (tx.counterpart or _("Bank transfer"))
    return CashReceipt(
        received_on=tx.booked_on,
        amount_vnd=tx.credit,
        payer=payer[:200],
        bank_reference=tx.reference,
        pledge_line=match.line,
        note=tx.description[:300],
        recorded_by=user,
    )


def _spending_for(tx: Transaction, taken: set[int]) -> Spending | None:
    candidates = [
        s
        for s in Spending.objects.filter(
            amount_vnd=tx.debit,
            spent_on__range=(tx.booked_on - SPENDING_WINDOW, tx.booked_on + SPENDING_WINDOW),
            statement_entries__isnull=True,
        )
        if s.pk not in taken
    ]
    return candidates[0] if len(candidates) == 1 else None


def _record(statement: BankStatement, new: list[Transaction], result: StatementResult, user: User | None) -> None:
    """Receipts for the new credits (in one batch, through the ledger), then every transaction's entry."""
    matcher = Matcher()
    references = [t.reference for t in new if t.credit]
    manual = {r.bank_reference: r for r in CashReceipt.objects.filter(bank_reference__in=references)}
    entries, receipts = [], []
    taken: set[int] = set()
    for tx in new:
        entry = StatementEntry(
            statement=statement,
            bank_reference=tx.reference,
            booked_on=tx.booked_on,
            description=tx.description,
            counterpart=tx.counterpart,
            amount_vnd=tx.credit or tx.debit,
        )
        entries.append(entry)
        if tx.debit:
            entry.direction = StatementEntry.Direction.DEBIT
            entry.spending = _spending_for(tx, taken)
            if entry.spending is not None:
                taken.add(entry.spending.pk)
            result.new_debits += 1
            continue
        entry.direction = StatementEntry.Direction.CREDIT
        result.new_credits += 1
        if tx.reference in manual:
            entry.receipt = manual[tx.reference]
            entry.match, entry.match_note = (
                ("manual" if entry.receipt.pledge_line_id else ""),
                _("Recorded by hand before the import."),
            )
        else:
            match = matcher.match(tx.description, tx.counterpart, tx.credit)
            entry.receipt = _new_receipt(tx, match, user)
            entry.match, entry.match_note = match.how, match.note[:300]
            receipts.append(entry.receipt)
        linked = entry.receipt.pledge_line is not None
        result.matched += linked
        result.waiting += not linked
    ledger.receipts_record_many(receipts=receipts)
    for entry in entries:
        entry.receipt = entry.receipt  # the receipts have their ids now
    bulk_create_with_history(entries, StatementEntry, batch_size=1000, default_user=user)


def statement_import(
    *, file: SupportsRead[bytes], filename: str, user: User | None = None, dry_run: bool = False
) -> StatementResult:
    """Read a bank statement and record its new transactions (credits matched to pledges by code)."""
    data = file.read(settings.SPREADSHEET_MAX_BYTES + 1)
    parsed = read_statement(io.BytesIO(data), filename)
    result = StatementResult(file_error=parsed.file_error, errors=parsed.errors)
    result.closing_balance = parsed.closing_balance
    result.credits = sum(1 for t in parsed.transactions if t.credit)
    result.debits = len(parsed.transactions) - result.credits
    if not result.ok:
        return result
    if not parsed.transactions:
        result.file_error = _("The statement has no transactions.")
        return result
    try:
        return _save(parsed, data, filename, result, user=user, dry_run=dry_run)
    except ValidationError as error:  # the ledger refused (a reference recorded meanwhile): nothing saved
        result.file_error = " ".join(error.messages)
        return result


def _save(
    parsed: Statement, data: bytes, filename: str, result: StatementResult, *, user: User | None, dry_run: bool
) -> StatementResult:
    with transaction.atomic():
        ledger._lock_account()  # one import at a time; the second sees the first's transactions
        known = set(
            StatementEntry.objects.filter(bank_reference__in=[t.reference for t in parsed.transactions]).values_list(
                "bank_reference", flat=True
            )
        )
        new = [t for t in parsed.transactions if t.reference not in known]
        result.already = len(parsed.transactions) - len(new)
        if not new:
            return result
        days = [t.booked_on for t in parsed.transactions]
        statement = BankStatement(
            filename=filename[:255],
            sha256=hashlib.sha256(data).hexdigest(),
            first_day=min(days),
            last_day=max(days),
            closing_balance_vnd=parsed.closing_balance,
            credits=result.credits,
            debits=result.debits,
            new_entries=len(new),
            imported_by=user,
        )
        if not dry_run:
            statement.original_file.save(filename, ContentFile(data), save=False)
        statement.save()
        _record(statement, new, result, user)
        if dry_run:
            transaction.set_rollback(True)
        else:
            result.statement = statement
    return result


# ---------------------------------------------------------------- the accountant's one-click actions


def _waiting_credit(entry_id: int) -> tuple[StatementEntry, CashReceipt]:
    """A credit entry and its receipt, still linked to no pledge."""
    entry = StatementEntry.objects.select_related("receipt").filter(pk=entry_id, direction="credit").first()
    if entry is None or entry.receipt is None or entry.receipt.pledge_line_id is not None:
        raise ValidationError(_("This transfer is no longer waiting for a pledge."), code="not_waiting")
    return entry, entry.receipt


def credit_link(*, entry_id: int, code: str, user: User | None = None) -> StatementEntry:
    """Link a waiting credit to the pledge with `code` (its cash line still owing, else its first)."""
    code = (code_candidates(code) or [code.strip()])[0]  # "uh abcdef" as the accountant may type it
    pledge = Pledge.objects.select_related("donor").filter(reference_code__iexact=code).first()
    lines = (
        list(pledge.lines.with_received().filter(kind__in=PledgeLine.MONEY_KINDS, cancelled=False)) if pledge else []
    )
    if pledge is None or not lines:
        raise ValidationError(_("No pledge of money has this code."), code="no_pledge")
    with transaction.atomic():
        entry, receipt = _waiting_credit(entry_id)
        line = next((line for line in lines if line.outstanding_units > 0), lines[0])
        ledger.receipt_link(receipt=receipt, pledge_line=line, payer=pledge.donor.name, by=user)
        entry.match, entry.match_note = "linked", _("Linked by the accountant.")
        entry.save(update_fields=["match", "match_note"])
    return entry


def credit_record_anonymous(*, entry_id: int, user: User | None = None) -> StatementEntry:
    """A transfer nobody pledged: a pledge of an anonymous donor (name never published) for its amount."""
    with transaction.atomic():
        entry, receipt = _waiting_credit(entry_id)
        name = (entry.counterpart or str(_("Anonymous donor")))[:200]
        pledge = pledge_create(
            donor=DonorData(kind=Donor.Kind.INDIVIDUAL, name=name, publish_consent=False),
            lines=[LineData(kind=PledgeLine.Kind.CASH, amount_vnd=entry.amount_vnd)],
            note=_("Bank transfer %(reference)s without a pledge code.") % {"reference": entry.bank_reference},
            created_by=user,
        )
        ledger.receipt_link(receipt=receipt, pledge_line=pledge.lines.get(), by=user)
        entry.match, entry.match_note = "anonymous", _("Recorded as an anonymous donor.")
        entry.save(update_fields=["match", "match_note"])
    return entry


def debit_link(*, entry_id: int, spending_id: int) -> StatementEntry:
    with transaction.atomic():
        entry = StatementEntry.objects.select_for_update().filter(pk=entry_id, direction="debit").first()
        spending = Spending.objects.filter(pk=spending_id).first()
        if entry is None or spending is None:
            raise ValidationError(_("This debit or spending no longer exists."), code="missing")
        if spending.amount_vnd != entry.amount_vnd:
            raise ValidationError(_("The spending's amount is not the debit's."), code="amount")
        entry.spending = spending
        entry.save(update_fields=["spending"])
    return entry


def waiting_credits() -> QuerySet[StatementEntry]:
    return StatementEntry.objects.filter(direction="credit", receipt__pledge_line__isnull=True).select_related(
        "receipt", "statement"
    )


def latest_statement() -> BankStatement | None:
    return BankStatement.objects.exclude(last_day=None).order_by("-last_day", "-pk").first()


def reconciliation() -> dict[str, Any]:
    """The ledger's balance beside the latest statement's closing balance, and what explains a difference."""
    statement = latest_statement()
    balance = ledger.balance()
    closing = statement.closing_balance_vnd if statement else None
    debits = StatementEntry.objects.filter(direction="debit").select_related("spending")
    return {
        "statement": statement,
        "ledger_balance": balance,
        "closing_balance": closing,
        "difference": None if closing is None else balance - closing,
        "waiting_credits": waiting_credits(),
        "debits": debits,
        "unmatched_debits": [d for d in debits if d.spending_id is None],
        "spendings_without_debit": Spending.objects.filter(statement_entries__isnull=True),
        "receipts_without_statement": CashReceipt.objects.filter(statement_entry__isnull=True),
    }
