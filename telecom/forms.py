from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from donations.models import PledgeLine
from students.models import Hamlet
from telecom.models import ConnectivityOffer, DeviceInspection, HamletCoverage, Provider, Technology

DATE_HELP = _("dd/mm/yyyy")


class CoverageForm(forms.Form):
    """One provider's three technologies for one hamlet; an empty status leaves a row as it is."""

    def __init__(self, *args, current: dict[str, HamletCoverage], **kwargs):
        super().__init__(*args, **kwargs)
        status_choices = [("", _("— not reported —")), *HamletCoverage.Status.choices]
        for technology, label in Technology.choices:
            row = current.get(technology)
            self.fields[f"{technology}_status"] = forms.ChoiceField(
                label=label, choices=status_choices, required=False, initial=row.status if row else ""
            )
            self.fields[f"{technology}_planned_on"] = forms.DateField(
                label=_("%(technology)s planned for") % {"technology": label},
                required=False,
                help_text=DATE_HELP,
                initial=row.planned_on if row else None,
            )
            self.fields[f"{technology}_reason"] = forms.CharField(
                label=_("%(technology)s: why not possible") % {"technology": label},
                required=False,
                max_length=500,
                initial=row.reason if row else "",
            )

    def technologies(self):
        """(label, status field, date field, reason field) per technology, for the template."""
        return [
            (label, self[f"{t}_status"], self[f"{t}_planned_on"], self[f"{t}_reason"])
            for t, label in Technology.choices
        ]

    def clean(self):
        data = super().clean()
        for technology, _label in Technology.choices:
            status = data.get(f"{technology}_status")
            if status == HamletCoverage.Status.PLANNED and not data.get(f"{technology}_planned_on"):
                self.add_error(f"{technology}_planned_on", _("Give the date by which the coverage is planned."))
            if status == HamletCoverage.Status.NOT_POSSIBLE and not (data.get(f"{technology}_reason") or "").strip():
                self.add_error(f"{technology}_reason", _("Say why coverage is not possible."))
        return data


class OfferForm(forms.ModelForm):
    class Meta:
        model = ConnectivityOffer
        fields = [
            "provider",
            "name",
            "kind",
            "allowance",
            "months",
            "monthly_price_vnd",
            "capacity",
            "pledge_line",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = Provider.objects.editable_by(user)
        # A pledge line becomes one offer: only lines not yet used (or this offer's own) are offered.
        unused = Q(connectivity_offers__isnull=True)
        if self.instance.pk:
            unused |= Q(connectivity_offers=self.instance)
        self.fields["pledge_line"].queryset = (
            PledgeLine.objects.filter(unused, kind=PledgeLine.Kind.TELECOM, cancelled=False)
            .select_related("pledge")
            .distinct()
        )
        self.fields["pledge_line"].required = False
        if self.fields["provider"].queryset.count() == 1:
            self.fields["provider"].initial = self.fields["provider"].queryset.first()


class InspectionForm(forms.Form):
    provider = forms.ModelChoiceField(label=_("Inspecting unit"), queryset=Provider.objects.none())
    result = forms.ChoiceField(label=_("Result"), choices=DeviceInspection.Result.choices, widget=forms.RadioSelect)
    data_wiped = forms.BooleanField(label=_("The previous owner's data has been wiped"), required=False)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, providers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers
        if len(providers) == 1:
            self.fields["provider"].initial = providers[0]
            self.fields["provider"].widget = forms.HiddenInput()


class RepairForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=DeviceInspection.RepairOutcome.choices, widget=forms.RadioSelect
    )
    data_wiped = forms.BooleanField(label=_("The previous owner's data has been wiped"), required=False)
    notes = forms.CharField(label=_("What was repaired"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class SpreadsheetUploadForm(forms.Form):
    file = forms.FileField(label=_("Spreadsheet (.xlsx, .xls, .ods, .csv)"))


class HamletMergeForm(forms.Form):
    source = forms.ModelChoiceField(label=_("Hamlet to merge (will disappear)"), queryset=Hamlet.objects.none())
    target = forms.ModelChoiceField(label=_("Into hamlet (is kept)"), queryset=Hamlet.objects.none())

    def __init__(self, *args, hamlets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = hamlets
        self.fields["target"].queryset = hamlets

    def clean(self):
        data = super().clean()
        source, target = data.get("source"), data.get("target")
        if source and target:
            if source == target:
                raise forms.ValidationError(_("Choose two different hamlets to merge."))
            if source.commune_id != target.commune_id:
                raise forms.ValidationError(_("Only hamlets of the same commune can be merged."))
        return data


class ProviderChoiceForm(forms.Form):
    provider = forms.ModelChoiceField(label=_("Provider"), queryset=Provider.objects.none(), required=False)

    def __init__(self, *args, providers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers
