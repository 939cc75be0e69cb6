"""Forms of the public pages and the staff pages; validation only, the services do the work."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Fieldset, Layout, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.parsers import parse_int
from common.phones import parse_contact_phone
from donations import antispam
from donations.models import (
    MAX_AMOUNT_VND,
    MAX_DEVICES_PER_LINE,
    MAX_MONTHS,
    MAX_PUPILS_PER_OFFER,
    Device,
    DeviceCondition,
    DeviceType,
    Donor,
    LineStatus,
    PledgeLine,
    Spending,
)
from donations.pledges import DonorData, LineData
from students.models import Commune, School

_BLANK = [("", "---------")]
# The public forms are checked by the server only: its messages are in Vietnamese whatever the
# browser's language, all shown at once, each tied to its field (aria-describedby) and kept on screen.
NO_BROWSER_VALIDATION = {"novalidate": ""}


class AmountField(forms.CharField):
    """VND typed as 5000000, 5.000.000 or 5.000.000 đ."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 30)
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("inputmode", "numeric")

    def clean(self, value):
        value = super().clean(value)  # text checks (required, length) first, then the amount
        if value in self.empty_values:
            return None
        try:
            amount = parse_int(value)
        except ValueError:
            raise ValidationError(_("Type the amount in đồng, e.g. 5000000 or 5.000.000."), code="amount") from None
        if amount <= 0:
            raise ValidationError(_("The amount must be more than 0 ₫."), code="amount")
        if amount > MAX_AMOUNT_VND:
            raise ValidationError(_("This amount is too large; please check it."), code="amount_too_large")
        return amount


def _count_field(label, maximum, required=False):
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=1,
        max_value=maximum,
        error_messages={
            "min_value": _("The number must be at least 1."),
            "max_value": _("The number may be at most %(limit_value)s; please check it."),
        },
    )


def clean_phone(value: str, required: bool = True) -> str:
    value = (value or "").strip()
    if not value and not required:
        return ""
    try:
        return parse_contact_phone(value)
    except ValueError:
        raise ValidationError(_("Type a Vietnamese phone number of 10 digits starting with 0."), code="phone") from None


class PledgeForm(forms.Form):
    """A donor and what they pledge: money, devices of one type, a telecom policy (any of them)."""

    donor_kind = forms.ChoiceField(label=_("You are"), choices=Donor.Kind.choices)
    name = forms.CharField(label=_("Name of the organisation or person"), max_length=200)
    contact_person = forms.CharField(label=_("Contact person"), max_length=100, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20)
    email = forms.EmailField(label=_("Email"), required=False, max_length=254)
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    publish_consent = forms.BooleanField(
        label=_("I agree to have my name and the amount published on the programme's list of donors"),
        required=False,
    )
    cash_amount = AmountField(label=_("Money (VND)"), required=False)
    device_type = forms.ChoiceField(label=_("Device type"), choices=_BLANK + DeviceType.choices, required=False)
    device_quantity = _count_field(_("Number of devices"), MAX_DEVICES_PER_LINE)
    device_condition = forms.ChoiceField(label=_("Condition"), choices=_BLANK + DeviceCondition.choices, required=False)
    device_specification = forms.CharField(
        label=_("Short specification"),
        max_length=300,
        required=False,
        help_text=_("E.g. Core i3, 8 GB RAM, webcam"),
    )
    telecom_offer = forms.CharField(label=_("What is offered"), max_length=300, required=False)
    telecom_pupils = _count_field(_("For how many pupils"), MAX_PUPILS_PER_OFFER)
    telecom_months = _count_field(_("For how many months"), MAX_MONTHS)
    earmark_commune = forms.ModelChoiceField(
        label=_("For a particular commune (optional)"), queryset=Commune.objects.all(), required=False
    )
    note = forms.CharField(label=_("Note"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def clean_phone(self):
        return clean_phone(self.cleaned_data.get("phone", ""))

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise ValidationError(_("Type the name."), code="required")
        return name

    def _device_line(self, data) -> LineData | None:
        fields = ("device_type", "device_quantity", "device_condition")
        given = [bool(data.get(f)) for f in fields]
        if not any(given) and not data.get("device_specification"):
            return None
        for name, present in zip(fields, given, strict=True):
            if not present:
                self.add_error(name, _("Needed when you give devices."))
        if not all(given):
            return None
        return LineData(
            kind=PledgeLine.Kind.DEVICE,
            device_type=data["device_type"],
            quantity=data["device_quantity"],
            condition=data["device_condition"],
            specification=data.get("device_specification", ""),
        )

    def _telecom_line(self, data) -> LineData | None:
        fields = ("telecom_offer", "telecom_pupils", "telecom_months")
        given = [bool(data.get(f)) for f in fields]
        if not any(given):
            return None
        for name, present in zip(fields, given, strict=True):
            if not present:
                self.add_error(name, _("Needed when you offer a telecom policy."))
        if not all(given):
            return None
        return LineData(
            kind=PledgeLine.Kind.TELECOM,
            offer=data["telecom_offer"],
            quantity=data["telecom_pupils"],
            months=data["telecom_months"],
        )

    def extra_lines(self, data) -> list[LineData]:
        return []

    def clean(self):
        data = super().clean()
        lines = []
        if data.get("cash_amount"):
            lines.append(LineData(kind=PledgeLine.Kind.CASH, amount_vnd=data["cash_amount"]))
        lines += self.extra_lines(data)
        for line in (self._device_line(data), self._telecom_line(data)):
            if line:
                lines.append(line)
        if not lines and not self.errors:
            raise ValidationError(_("Say what you would like to give: money, devices or a telecom policy."))
        data["lines"] = lines
        return data

    def donor_data(self) -> DonorData:
        d = self.cleaned_data
        return DonorData(
            kind=d["donor_kind"],
            name=d["name"],
            contact_person=d.get("contact_person", ""),
            phone=d["phone"],
            email=d.get("email", ""),
            address=d.get("address", ""),
            publish_consent=d.get("publish_consent", False),
        )

    def _layout_sections(self):
        return [
            Fieldset(
                _("Who you are"),
                "donor_kind",
                "name",
                "contact_person",
                "phone",
                "email",
                "address",
                "publish_consent",
            ),
            Fieldset(_("Money"), "cash_amount"),
            Fieldset(
                _("Devices"),
                Div(
                    Div("device_type", css_class="col-sm-6"),
                    Div("device_quantity", css_class="col-sm-3"),
                    Div("device_condition", css_class="col-sm-3"),
                    css_class="row",
                ),
                "device_specification",
            ),
            Fieldset(
                _("Telecom policy"),
                "telecom_offer",
                Div(
                    Div("telecom_pupils", css_class="col-6"),
                    Div("telecom_months", css_class="col-6"),
                    css_class="row",
                ),
            ),
            Fieldset(_("Anything else"), "earmark_commune", "note"),
        ]


class PublicPledgeForm(PledgeForm):
    # Honeypot: hidden from people by CSS and from assistive technology; bots fill it.
    website = forms.CharField(label=_("Leave this field empty"), required=False, max_length=200)
    form_token = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["donor_kind"].initial = Donor.Kind.INDIVIDUAL
        if not self.is_bound:
            self.initial["form_token"] = antispam.new_form_token()
        self.submission_nonce: str | None = None
        self.helper = FormHelper()
        self.helper.form_id = "pledge-form"
        self.helper.attrs = NO_BROWSER_VALIDATION
        self.helper.layout = Layout(
            *self._layout_sections(),
            Div("website", css_class="hp-field", aria_hidden="true"),
            "form_token",
            Submit("submit", _("Send the pledge"), css_class="btn-lg w-100"),
        )
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    def clean(self):
        data = super().clean()
        token = antispam.read_form_token(self.data.get("form_token", ""))
        if token is None:
            raise ValidationError(_("The form has expired or was changed. Please fill it in again."), code="token")
        elapsed, nonce = token
        if elapsed < antispam.min_fill_seconds():
            raise ValidationError(_("The form was sent too quickly. Please check it and send it again."), code="fast")
        if self.data.get("website"):
            raise ValidationError(_("The form could not be accepted."), code="honeypot")
        self.submission_nonce = nonce
        return data


class StaffPledgeForm(PledgeForm):
    """Pledges taken in person: also budget or fund allocations, an earmarked school, the tax code."""

    tax_code = forms.CharField(label=_("Tax code"), max_length=14, required=False)
    budget_amount = AmountField(label=_("Budget or fund allocation (VND)"), required=False)
    fund_source = forms.CharField(label=_("Budget or fund source"), max_length=200, required=False)
    earmark_school = forms.ModelChoiceField(
        label=_("For a particular school (optional)"), queryset=School.objects.all(), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].required = False
        self.helper = FormHelper()
        sections = self._layout_sections()
        sections[0].fields.append("tax_code")
        sections.insert(2, Fieldset(_("State budget or fund"), "budget_amount", "fund_source"))
        sections[-1].fields.insert(1, "earmark_school")
        self.helper.layout = Layout(*sections, Submit("submit", _("Save the pledge")))

    def clean_phone(self):
        return clean_phone(self.cleaned_data.get("phone", ""), required=False)

    def extra_lines(self, data) -> list[LineData]:
        if not data.get("budget_amount"):
            if data.get("fund_source"):
                self.add_error("budget_amount", _("Needed when you give a budget or fund source."))
            return []
        if not data.get("fund_source"):
            self.add_error("fund_source", _("Say which budget or fund the money comes from."))
            return []
        return [
            LineData(kind=PledgeLine.Kind.BUDGET, amount_vnd=data["budget_amount"], fund_source=data["fund_source"])
        ]

    def donor_data(self) -> DonorData:
        donor = super().donor_data()
        donor.tax_code = self.cleaned_data.get("tax_code", "")
        return donor


class LookupForm(forms.Form):
    code = forms.CharField(label=_("Reference code"), max_length=12, help_text=_("E.g. UH-7KQ2MX"))
    phone = forms.CharField(label=_("Phone number given with the pledge"), max_length=20)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.attrs = NO_BROWSER_VALIDATION
        self.helper.layout = Layout("code", "phone", Submit("submit", _("Look up"), css_class="w-100"))

    def clean_phone(self):
        return clean_phone(self.cleaned_data.get("phone", ""))


class _HelperMixin:
    submit_label = _("Save")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", self.submit_label))


class ReceiveDevicesForm(_HelperMixin, forms.Form):
    submit_label = _("Receive the devices")

    count = _count_field(_("Number of devices received now"), MAX_DEVICES_PER_LINE, required=True)
    received_on = forms.DateField(label=_("Received on"), initial=timezone.localdate)
    serials = forms.CharField(
        label=_("Serial numbers or IMEIs"),
        required=False,
        max_length=60_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line, typed or scanned; may be entered later."),
    )
    brand_model = forms.CharField(label=_("Brand and model"), max_length=200, required=False)
    storage_place = forms.CharField(label=_("Stored at"), max_length=200, required=False)

    def clean_serials(self):
        return [s.strip() for s in self.cleaned_data.get("serials", "").splitlines() if s.strip()]


class ReceiptForm(_HelperMixin, forms.Form):
    submit_label = _("Record the receipt")

    received_on = forms.DateField(label=_("Received on"), initial=timezone.localdate)
    amount_vnd = AmountField(label=_("Amount (VND)"))
    payer = forms.CharField(label=_("Payer"), max_length=200)
    bank_reference = forms.CharField(label=_("Bank reference"), max_length=60, required=False)
    pledge_line = forms.ModelChoiceField(
        label=_("For pledge line"),
        queryset=PledgeLine.objects.filter(kind__in=PledgeLine.MONEY_KINDS, cancelled=False).select_related(
            "pledge__donor"
        ),
        required=False,
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class SpendingForm(_HelperMixin, forms.Form):
    submit_label = _("Record the spending")

    spent_on = forms.DateField(label=_("Spent on"), initial=timezone.localdate)
    category = forms.ChoiceField(label=_("What was bought"), choices=Spending.Category.choices)
    description = forms.CharField(label=_("Description"), max_length=300)
    supplier = forms.CharField(label=_("Supplier"), max_length=200)
    invoice_number = forms.CharField(label=_("Invoice number"), max_length=60, required=False)
    amount_vnd = AmountField(label=_("Amount (VND)"))
    device_type = forms.ChoiceField(label=_("Device type"), choices=_BLANK + DeviceType.choices, required=False)
    quantity = _count_field(_("Number of devices"), MAX_DEVICES_PER_LINE)
    storage_place = forms.CharField(label=_("Stored at"), max_length=200, required=False)

    def clean(self):
        data = super().clean()
        if data.get("category") == Spending.Category.DEVICES:
            for name in ("device_type", "quantity"):
                if not data.get(name):
                    self.add_error(name, _("Needed when devices are bought."))
        return data


class LineForm(_HelperMixin, forms.Form):
    """Add one line to an existing pledge (staff)."""

    submit_label = _("Add the line")

    kind = forms.ChoiceField(label=_("Kind"), choices=PledgeLine.Kind.choices)
    amount_vnd = AmountField(label=_("Amount (VND)"), required=False)
    fund_source = forms.CharField(label=_("Budget or fund source"), max_length=200, required=False)
    device_type = forms.ChoiceField(label=_("Device type"), choices=_BLANK + DeviceType.choices, required=False)
    condition = forms.ChoiceField(label=_("Condition"), choices=_BLANK + DeviceCondition.choices, required=False)
    quantity = _count_field(_("Quantity (devices or pupils)"), MAX_PUPILS_PER_OFFER)
    specification = forms.CharField(label=_("Short specification"), max_length=300, required=False)
    offer = forms.CharField(label=_("What is offered"), max_length=300, required=False)
    months = _count_field(_("For how many months"), MAX_MONTHS)

    REQUIRED = {
        PledgeLine.Kind.CASH: ("amount_vnd",),
        PledgeLine.Kind.BUDGET: ("amount_vnd", "fund_source"),
        PledgeLine.Kind.DEVICE: ("device_type", "condition", "quantity"),
        PledgeLine.Kind.TELECOM: ("offer", "quantity", "months"),
    }

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        for name in self.REQUIRED.get(kind, ()):
            if not data.get(name):
                self.add_error(name, _("This field is required."))
        if kind == PledgeLine.Kind.DEVICE and (data.get("quantity") or 0) > MAX_DEVICES_PER_LINE:
            self.add_error(
                "quantity",
                _("The number may be at most %(limit_value)s; please check it.")
                % {"limit_value": MAX_DEVICES_PER_LINE},
            )
        return data

    def line_data(self) -> LineData:
        d = self.cleaned_data
        return LineData(
            kind=d["kind"],
            amount_vnd=d.get("amount_vnd"),
            fund_source=d.get("fund_source", ""),
            device_type=d.get("device_type", ""),
            condition=d.get("condition", ""),
            quantity=d.get("quantity"),
            specification=d.get("specification", ""),
            offer=d.get("offer", ""),
            months=d.get("months"),
        )


class DeviceEditForm(_HelperMixin, forms.Form):
    serial = forms.CharField(label=_("Serial or IMEI"), max_length=50, required=False)
    brand_model = forms.CharField(label=_("Brand and model"), max_length=200, required=False)
    storage_place = forms.CharField(label=_("Stored at"), max_length=200, required=False)


class DeviceStatusForm(_HelperMixin, forms.Form):
    submit_label = _("Change the status")

    status = forms.ChoiceField(label=_("New status"), choices=Device.Status.choices)
    reason = forms.CharField(label=_("Reason"), max_length=100, required=False)


class CancelLineForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class ImportForm(_HelperMixin, forms.Form):
    submit_label = _("Import")

    file = forms.FileField(label=_("Donation list (.xlsx, .xls, .ods or .csv)"))
    annotated = forms.BooleanField(
        label=_("If a row is wrong, give me the list back with the wrong cells marked in red"), required=False
    )


class DeviceFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    device_type = forms.ChoiceField(label=_("Device type"), choices=_BLANK + DeviceType.choices, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=_BLANK + Device.Status.choices, required=False)
    condition = forms.ChoiceField(label=_("Condition"), choices=_BLANK + DeviceCondition.choices, required=False)


class PledgeFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=_BLANK + PledgeLine.Kind.choices, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=_BLANK + LineStatus.choices, required=False)
    donor_kind = forms.ChoiceField(label=_("Donor kind"), choices=_BLANK + Donor.Kind.choices, required=False)
