"""Forms of the bank statement pages (donations.views.bank)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class StatementForm(forms.Form):
    file = forms.FileField(label=_("Bank statement (.xlsx, .xls or .csv, as exported by the bank)"))
    dry_run = forms.BooleanField(label=_("Check and match only, save nothing"), required=False)


class LinkCreditForm(forms.Form):
    code = forms.CharField(label=_("Reference code"), max_length=12)


class LinkDebitForm(forms.Form):
    spending = forms.IntegerField(label=_("Spending"), min_value=1)
