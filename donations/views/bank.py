"""The accountant's bank statement pages: import, credits waiting for a pledge, debits and reconciliation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from common.forms_flow import run_service
from common.http import AuthenticatedHttpRequest
from donations import statements
from donations.bank_forms import LinkCreditForm, LinkDebitForm, StatementForm
from donations.models import Spending
from donations.statement_models import BankStatement, StatementEntry


def _perm(codename: str):
    def decorate(view):
        return login_required(permission_required(f"donations.{codename}", raise_exception=True)(view))

    return decorate


@_perm("add_cashreceipt")
@require_http_methods(["GET", "POST"])
def statement_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = StatementForm(request.POST or None, request.FILES or None)
    context: dict = {"form": form, "statements": BankStatement.objects.all()[:20]}
    status = 200
    if request.method == "POST" and form.is_valid():
        upload, dry_run = form.cleaned_data["file"], form.cleaned_data["dry_run"]
        result = statements.statement_import(file=upload, filename=upload.name, user=request.user, dry_run=dry_run)
        context.update(result=result, dry_run=dry_run, errors=result.error_dicts())
        if not result.ok:
            status = 400
        elif not dry_run:
            messages.success(
                request,
                _(
                    "%(new)s new receipts (%(matched)s matched, %(waiting)s waiting), %(debits)s new debits; "
                    "%(already)s transactions were already recorded."
                )
                % {
                    "new": result.new_credits,
                    "matched": result.matched,
                    "waiting": result.waiting,
                    "debits": result.new_debits,
                    "already": result.already,
                },
            )
            return redirect("donations:statement-waiting" if result.waiting else "donations:statement-reconciliation")
    return render(request, "donations/staff/statement_import.html", context, status=status)


@_perm("view_cashreceipt")
@require_safe
def statement_waiting(request: HttpRequest) -> HttpResponse:
    return render(request, "donations/staff/statement_waiting.html", {"entries": statements.waiting_credits()[:500]})


@_perm("change_cashreceipt")
@require_POST
def credit_link(request: AuthenticatedHttpRequest, entry_id: int) -> HttpResponse:
    form = LinkCreditForm(request.POST)

    def link() -> StatementEntry:
        if not form.is_valid():
            raise ValidationError(_("Write the pledge's reference code."))
        return statements.credit_link(entry_id=entry_id, code=form.cleaned_data["code"], user=request.user)

    return run_service(
        request,
        link,
        success_message=lambda _entry: (
            _("The transfer is linked to pledge %(code)s.") % {"code": form.cleaned_data["code"]}
        ),
        redirect_to="donations:statement-waiting",
        error_redirect_to="donations:statement-waiting",
    )


@_perm("change_cashreceipt")
@require_POST
def credit_anonymous(request: AuthenticatedHttpRequest, entry_id: int) -> HttpResponse:
    return run_service(
        request,
        lambda: statements.credit_record_anonymous(entry_id=entry_id, user=request.user),
        success_message=_("The transfer is recorded as from an anonymous donor."),
        redirect_to="donations:statement-waiting",
        error_redirect_to="donations:statement-waiting",
    )


@_perm("view_cashreceipt")
@require_safe
def statement_reconciliation(request: HttpRequest) -> HttpResponse:
    context = statements.reconciliation()
    free = list(Spending.objects.filter(statement_entries__isnull=True))
    for debit in context["unmatched_debits"]:
        debit.candidates = [s for s in free if s.amount_vnd == debit.amount_vnd]
    return render(request, "donations/staff/statement_reconciliation.html", context)


@_perm("change_cashreceipt")
@require_POST
def debit_link(request: HttpRequest, entry_id: int) -> HttpResponse:
    form = LinkDebitForm(request.POST)

    def link() -> StatementEntry:
        if not form.is_valid():
            raise ValidationError(_("Choose the spending this debit paid."))
        return statements.debit_link(entry_id=entry_id, spending_id=form.cleaned_data["spending"])

    return run_service(
        request,
        link,
        success_message=_("The debit is matched to its spending."),
        redirect_to="donations:statement-reconciliation",
        error_redirect_to="donations:statement-reconciliation",
    )
