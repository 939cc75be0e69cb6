from __future__ import annotations

from pathlib import Path

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.phones import parse_phone
from students import pupils
from students.models import (
    Commune,
    DuplicateCandidate,
    GuardianRequest,
    Hamlet,
    Hardship,
    School,
    SchoolLevel,
    Student,
)

SPREADSHEET_EXTENSIONS = (".xlsx", ".xls", ".ods", ".csv")
# What the first bytes of each kind of file look like; the importer checks the rest.
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class StudentUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Pupil list file"),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(SPREADSHEET_EXTENSIONS)}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("Excel (.xlsx, .xls), LibreOffice (.ods) or .csv, at most %(size)s.") % {
            "size": filesizeformat(settings.SPREADSHEET_MAX_BYTES)
        }

    def clean_file(self):
        upload = self.cleaned_data["file"]
        extension = Path(upload.name).suffix.lower()
        if extension not in SPREADSHEET_EXTENSIONS:
            raise forms.ValidationError(
                _("The file must be a spreadsheet: .xlsx, .xls, .ods or .csv (this one is “%(name)s”)."),
                params={"name": upload.name},
            )
        if upload.size > settings.SPREADSHEET_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)s; the largest accepted is %(limit)s. Split the list into several files."),
                params={"size": filesizeformat(upload.size), "limit": filesizeformat(settings.SPREADSHEET_MAX_BYTES)},
            )
        head = upload.read(8192)
        upload.seek(0)
        expected = {".xlsx": ZIP_MAGIC, ".ods": ZIP_MAGIC, ".xls": OLE_MAGIC}.get(extension)
        looks_wrong = (expected is not None and not head.startswith(expected)) or (
            extension == ".csv" and b"\x00" in head
        )
        if looks_wrong:
            raise forms.ValidationError(
                _("“%(name)s” is not a %(kind)s spreadsheet. Open it in Excel and save it again as .xlsx."),
                params={"name": upload.name, "kind": extension.lstrip(".")},
            )
        return upload


class StudentFilterForm(forms.Form):
    NEED_CHOICES = [
        ("", _("any need")),
        ("device", _("lacks a device")),
        ("internet", _("lacks Internet")),
        ("both", _("lacks both")),
    ]

    q = forms.CharField(label=_("Name or ID"), required=False, max_length=100)
    commune = forms.ModelChoiceField(label=_("Commune"), queryset=Commune.objects.none(), required=False)
    school = forms.ModelChoiceField(label=_("School"), queryset=School.objects.none(), required=False)
    level = forms.ChoiceField(label=_("Level"), choices=[("", _("all levels")), *SchoolLevel.choices], required=False)
    need = forms.ChoiceField(label=_("Need"), choices=NEED_CHOICES, required=False)
    hardship = forms.ChoiceField(
        label=_("Hardship"), choices=[("", _("any hardship")), *Hardship.choices], required=False
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("all statuses")), *Student.Status.choices], required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = Commune.objects.visible_to(user)
        self.fields["school"].queryset = School.objects.select_related("commune").order_by("name")

    def filters(self) -> dict:
        """Keyword arguments for `selectors.filter_students`; an invalid field is ignored."""
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "text": data.get("q", ""),
            "commune": data.get("commune"),
            "school": data.get("school"),
            "level": data.get("level", ""),
            "need": data.get("need", ""),
            "hardship": data.get("hardship", ""),
            "status": data.get("status", ""),
        }


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason for rejection"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class SchoolListForm(StudentUploadForm):
    """The same checks of the file as a pupil list's."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].label = _("School list file")


class PairDecisionForm(forms.Form):
    pair = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        choices=[
            (DuplicateCandidate.Decision.SAME, _("same pupil")),
            (DuplicateCandidate.Decision.DIFFERENT, _("different pupils")),
        ]
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class PupilRulesMixin:
    """A pupil's values checked as the list import checks them (students.pupils owns the rules)."""

    def _by_rule(self, field: str, rule, *args, **kwargs):
        value = self.cleaned_data.get(field)
        if value in (None, ""):
            return ""  # a required field is refused before its clean_ method is called
        try:
            return rule(value, *args, **kwargs)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None

    def clean_full_name(self):
        return self._by_rule("full_name", pupils.clean_name)

    def clean_guardian_name(self):
        return self._by_rule("guardian_name", pupils.clean_name, required=False)

    def clean_personal_id(self):
        return self._by_rule("personal_id", pupils.clean_personal_id)

    def clean_pupil_id(self):
        return self._by_rule("pupil_id", pupils.clean_pupil_id)

    def clean_class_name(self):
        return self._by_rule("class_name", lambda value: pupils.clean_class(value)[0])

    def clean_guardian_phone(self):
        return self._by_rule("guardian_phone", parse_phone)

    def check_pupil(self, cleaned: dict) -> None:
        """What one value says of another: the ID and the birth year, the class and the level."""
        student = self.instance
        birth_date = cleaned.get("birth_date")
        if not pupils.id_fits_birth_date(cleaned.get("personal_id", ""), birth_date):
            self.add_error("personal_id", _("The personal ID does not match the birth year."))
        if "class_name" in cleaned:
            grade = pupils.clean_class(cleaned["class_name"])[1]
            level = cleaned.get("level", student.level)
            for field, message in (
                ("class_name", pupils.grade_error(grade, level)),
                ("birth_date", pupils.birth_error(birth_date, grade)),
            ):
                if message:
                    self.add_error(field, message)
        if student.status in Student.ACTIVE_STATUSES:
            clash = pupils.id_clash(cleaned.get("personal_id", ""), cleaned.get("pupil_id", ""), exclude=student.pk)
            if clash:
                message = _("Another active pupil already has %(what)s: check the number.")
                self.add_error(clash[0], message % {"what": clash[1]})


class StudentCorrectionForm(PupilRulesMixin, forms.ModelForm):
    """A pupil's data corrected by the office or the pupil's commune, with the reason kept in the history."""

    reason = forms.CharField(
        label=_("Reason for the correction"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept in the pupil's history with your name and the time."),
    )
    requester_name = forms.CharField(
        label=_("Asked by a parent or guardian (name as given)"),
        max_length=100,
        required=False,
        help_text=_("Fill in when a parent or guardian asked for the correction: the request is recorded."),
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=GuardianRequest.Channel.choices, required=False)

    class Meta:
        model = Student
        fields = [
            "full_name",
            "birth_date",
            "gender",
            "personal_id",
            "pupil_id",
            "class_name",
            "hamlet",
            "guardian_name",
            "guardian_phone",
        ]
        widgets = {"birth_date": forms.DateInput(format="%d/%m/%Y")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hamlet"].queryset = Hamlet.objects.filter(commune=self.instance.commune_id)
        self.fields["birth_date"].input_formats = ["%d/%m/%Y", "%Y-%m-%d"]
        self.fields["birth_date"].help_text = _("dd/mm/yyyy")

    def clean(self):
        cleaned = super().clean()
        self.check_pupil(cleaned)
        if cleaned.get("requester_name") and not cleaned.get("channel"):
            self.add_error("channel", _("Say how the request came in."))
        return cleaned


class StudentAdminForm(PupilRulesMixin, forms.ModelForm):
    """The admin's form of a pupil: the values checked as the import checks them."""

    class Meta:
        model = Student
        fields = [
            "commune", "hamlet", "school", "full_name", "birth_date", "gender", "personal_id", "pupil_id",
            "class_name", "level", "guardian_name", "guardian_phone", "lacks_device", "lacks_internet",
            "hardships", "rejection_reason",
        ]  # fmt: skip

    def clean(self):
        cleaned = super().clean()
        self.check_pupil(cleaned)
        return cleaned


class GuardianRequestForm(forms.ModelForm):
    class Meta:
        model = GuardianRequest
        fields = ["kind", "requester_name", "channel", "received_on", "outcome", "note"]
        widgets = {"received_on": forms.DateInput(format="%d/%m/%Y"), "note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["received_on"].input_formats = ["%d/%m/%Y", "%Y-%m-%d"]
        self.fields["received_on"].help_text = _("dd/mm/yyyy")

    def clean_received_on(self):
        received_on = self.cleaned_data["received_on"]
        if received_on > timezone.localdate():
            raise forms.ValidationError(_("A request cannot be received after today."))
        if received_on.year < 2021:
            raise forms.ValidationError(_("The programme began in 2021: check the year."))
        return received_on

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("outcome") == GuardianRequest.Outcome.REFUSED and not cleaned.get("note"):
            self.add_error("note", _("Write the reason for refusing."))
        return cleaned
