"""Forms of the reports app: the public report form and its lookup, the staff list filters and handling form."""

from __future__ import annotations

from datetime import date

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Fieldset, Layout, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from donations import antispam
from donations.forms import NO_BROWSER_VALIDATION, LookupForm, clean_phone
from reports.feedback import OPEN
from reports.models import MAX_DESCRIPTION_LENGTH, MAX_RESPONSE_LENGTH, Feedback
from reports.snapshot import Snapshot
from students.models import Commune, Student

_BLANK = [("", "---------")]
# Pupils of primary to upper secondary school: born 3 to 22 years before this year.
_YOUNGEST_AGE, _OLDEST_AGE = 3, 22


class PublicFeedbackForm(forms.Form):
    """A report from anyone, no login; the same spam protection as the public pledge form."""

    kind = forms.ChoiceField(
        label=_("What do you want to report?"), choices=Feedback.Kind.choices, widget=forms.RadioSelect
    )
    commune = forms.ModelChoiceField(
        label=_("Commune or township"),
        queryset=Commune.objects.order_by("name"),
        error_messages={"invalid_choice": _("Choose a commune or township from the list.")},
    )
    hamlet = forms.CharField(label=_("Hamlet (thôn, xóm, tổ dân phố)"), max_length=100, required=False)
    school = forms.CharField(label=_("School"), max_length=200, required=False)
    pupil_name = forms.CharField(
        label=_("Pupil's full name"),
        max_length=100,
        required=False,
        help_text=_("Needed when you report a pupil missing from the list."),
    )
    pupil_birth_year = forms.IntegerField(
        label=_("Year of birth"),
        required=False,
        error_messages={"invalid": _("Type the year of birth as a number, e.g. 2010.")},
    )
    pupil_class = forms.CharField(label=_("Class"), max_length=10, required=False, help_text=_("E.g. 6A"))
    lacks_device = forms.BooleanField(label=_("The pupil has no device to study online"), required=False)
    lacks_internet = forms.BooleanField(label=_("The family has no Internet connection"), required=False)
    description = forms.CharField(
        label=_("Describe the situation"),
        max_length=MAX_DESCRIPTION_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "E.g. the family's situation, or the problem with the support: nothing received yet, "
            "the device is broken, you were asked to pay, the SIM is not activated."
        ),
    )
    reporter_name = forms.CharField(label=_("Your name"), max_length=100)
    reporter_phone = forms.CharField(
        label=_("Your phone number"),
        max_length=20,
        help_text=_("The commune or the education office may call you; with the code it lets you look up the answer."),
    )
    reporter_relation = forms.ChoiceField(label=_("You are"), choices=Feedback.Relation.choices)
    # Honeypot: hidden from people by CSS and from assistive technology; bots fill it.
    website = forms.CharField(label=_("Leave this field empty"), required=False, max_length=200)
    form_token = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["form_token"] = antispam.new_form_token()
        self.submission_nonce: str | None = None
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        self.helper = FormHelper()
        self.helper.form_id = "feedback-form"
        self.helper.attrs = NO_BROWSER_VALIDATION
        self.helper.layout = Layout(
            "kind",
            Fieldset(
                _("Where"),
                "commune",
                Div(Div("hamlet", css_class="col-sm-6"), Div("school", css_class="col-sm-6"), css_class="row"),
            ),
            Fieldset(
                _("The pupil"),
                "pupil_name",
                Div(Div("pupil_birth_year", css_class="col-6"), Div("pupil_class", css_class="col-6"), css_class="row"),
                "lacks_device",
                "lacks_internet",
            ),
            Fieldset(_("What happened"), "description"),
            Fieldset(_("About you"), "reporter_name", "reporter_phone", "reporter_relation"),
            HTML(
                '<p class="small text-body-secondary">'
                + str(_("Only the commune and the education office see your name, your phone and the pupil's details."))
                + "</p>"
            ),
            Div("website", css_class="hp-field", aria_hidden="true"),
            "form_token",
            Submit("submit", _("Send the report"), css_class="btn-lg w-100"),
        )

    def clean_reporter_phone(self):
        return clean_phone(self.cleaned_data.get("reporter_phone", ""))

    def clean_reporter_name(self):
        name = " ".join(self.cleaned_data["reporter_name"].split())
        if not name:
            raise ValidationError(_("Type your name."), code="required")
        return name

    def clean_pupil_birth_year(self):
        year = self.cleaned_data.get("pupil_birth_year")
        if year is None:
            return None
        this_year = timezone.localdate().year
        if not this_year - _OLDEST_AGE <= year <= this_year - _YOUNGEST_AGE:
            raise ValidationError(
                _("Type the year of birth of a pupil, between %(first)s and %(last)s.")
                % {"first": this_year - _OLDEST_AGE, "last": this_year - _YOUNGEST_AGE},
                code="birth_year",
            )
        return year

    def clean_description(self):
        description = self.cleaned_data["description"].strip()
        if not description:
            raise ValidationError(_("Describe the situation."), code="required")
        return description

    def clean(self):
        data = super().clean()
        if data.get("kind") == Feedback.Kind.MISSED_PUPIL:
            if "pupil_name" in data and not " ".join(data["pupil_name"].split()):
                self.add_error("pupil_name", _("Type the name of the pupil who is missing from the list."))
            if not (data.get("lacks_device") or data.get("lacks_internet")):
                self.add_error("lacks_device", _("Say what the pupil lacks: a device, Internet, or both."))
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

    def feedback_data(self) -> dict:
        """Keyword arguments for `feedback.feedback_create`."""
        names = (
            "kind",
            "commune",
            "hamlet",
            "school",
            "pupil_name",
            "pupil_birth_year",
            "pupil_class",
            "lacks_device",
            "lacks_internet",
            "description",
            "reporter_name",
            "reporter_phone",
            "reporter_relation",
        )
        return {name: self.cleaned_data[name] for name in names} | {"submission_token": self.submission_nonce}


class FeedbackLookupForm(LookupForm):
    """The pledge lookup's form (layout, phone check) with the report's words."""

    code = forms.CharField(label=_("Report code"), max_length=12, help_text=_("E.g. PA-7KQ2MX"))
    phone = forms.CharField(label=_("Phone number given with the report"), max_length=20)


class FeedbackFilterForm(forms.Form):
    q = forms.CharField(label=_("Code, name or phone"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("all statuses")), (OPEN, _("waiting for an answer")), *Feedback.Status.choices],
        required=False,
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("all kinds")), *Feedback.Kind.choices], required=False)
    commune = forms.ModelChoiceField(label=_("Commune"), queryset=Commune.objects.none(), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = Commune.objects.visible_to(user)

    def filters(self) -> dict:
        """Keyword arguments for `feedback.filter_feedback`; an invalid field is ignored."""
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "search": data.get("q", ""),
            "status": data.get("status", ""),
            "kind": data.get("kind", ""),
            "commune": data.get("commune"),
        }


class FeedbackUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Feedback.Status.choices)
    response = forms.CharField(
        label=_("Response to the reporter"),
        max_length=MAX_RESPONSE_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "The reporter reads it on the lookup page: what was done, or why the report is rejected. "
            "Needed to resolve or reject."
        ),
    )
    student = forms.ModelChoiceField(
        label=_("Pupil record number on the list (optional)"),
        queryset=Student.objects.none(),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={"invalid_choice": _("No pupil of this commune's list has this record number.")},
        help_text=_("The number in the pupil's page address, once the pupil is found or added to the list."),
    )

    def __init__(self, *args, feedback: Feedback, user, **kwargs):
        kwargs.setdefault(
            "initial",
            {"status": feedback.status, "response": feedback.response, "student": feedback.student_id},
        )
        super().__init__(*args, **kwargs)
        self.fields["student"].queryset = Student.objects.visible_to(user).filter(commune_id=feedback.commune_id)
        self.helper = FormHelper()
        self.helper.form_id = "feedback-update"
        self.helper.layout = Layout("status", "response", "student", Submit("submit", _("Save")))

    def clean_response(self):
        return self.cleaned_data.get("response", "").strip()

    def clean(self):
        data = super().clean()
        if data.get("status") in Feedback.CLOSED_STATUSES and "response" in data and not data["response"]:
            self.add_error("response", _("Write the response: what was done, or why the report is rejected."))
        return data


# The programme began in September 2021; nothing was recorded before.
FIRST_DAY = date(2021, 9, 1)


class AsOfForm(forms.Form):
    """The day of the progress report (`?ngay=YYYY-MM-DD`); empty for today's figures."""

    ngay = forms.DateField(
        label=_("Figures as they stood at the end of"),
        required=False,
        # Text, not type="date": the browser would show its own locale's order, not dd/mm/yyyy.
        widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}, format="%d/%m/%Y"),
        error_messages={"invalid": _("Write the day as dd/mm/yyyy, e.g. 30/09/2021.")},
    )

    def clean_ngay(self) -> date | None:
        day = self.cleaned_data.get("ngay")
        if day and not FIRST_DAY <= day <= timezone.localdate():
            raise forms.ValidationError(
                _("Choose a day between %(first)s and today.") % {"first": FIRST_DAY.strftime("%d/%m/%Y")}
            )
        return day

    def snapshot(self) -> Snapshot:
        day = self.cleaned_data.get("ngay") if self.is_valid() else None
        return Snapshot(day) if day else Snapshot.live()
