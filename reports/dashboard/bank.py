"""The programme's bank account and its statements: a QR donors cannot get, transfers waiting for a pledge."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from donations import vietqr
from donations.models import ProgrammeAccount
from donations.statements import waiting_credits
from reports.dashboard.items import AttentionItem, Severity, Viewer, counted

_PROBLEMS = {
    "missing": gettext_lazy("no account number is recorded"),
    "account": gettext_lazy("the account number is not 6 to 19 digits"),
    "bank": gettext_lazy("the bank is not one of the banks with a NAPAS BIN"),
}


def _admin_url(record: ProgrammeAccount) -> str:
    if record.pk:
        return reverse("admin:donations_programmeaccount_change", args=[record.pk])
    return reverse("admin:donations_programmeaccount_add")


def account(viewer: Viewer) -> list[AttentionItem]:
    read_only = viewer.access(act="donations.change_programmeaccount", see="donations.view_cashreceipt")
    if read_only is None and viewer.may("donations.view_cashreceipt"):
        read_only = True
    if read_only is None:
        return []
    record = ProgrammeAccount.objects.order_by("pk").first() or ProgrammeAccount()  # reading creates nothing
    problem = vietqr.account_problem(record)
    if not problem:
        return []
    return [
        AttentionItem(
            key="programme_account_no_qr",
            severity=Severity.WARNING,
            label=_("Donors get no VietQR code: %(why)s in the programme's bank account.")
            % {"why": _PROBLEMS[problem]},
            count=1,
            url=_admin_url(record) if viewer.may("donations.change_programmeaccount") else "",
            read_only=read_only,
        )
    ]


def waiting(viewer: Viewer) -> list[AttentionItem]:
    read_only = viewer.access(act="donations.change_cashreceipt", see="donations.view_cashreceipt")
    if read_only is None:
        return []
    count = waiting_credits().count()
    return [
        AttentionItem(
            key="transfers_waiting",
            severity=Severity.WARNING,
            label=counted(
                ngettext(
                    "%(count)s bank transfer waits for a pledge", "%(count)s bank transfers wait for a pledge", count
                ),
                count,
            ),
            count=count,
            url=reverse("donations:statement-waiting"),
            read_only=read_only,
        )
    ]
