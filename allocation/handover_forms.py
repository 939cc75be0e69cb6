"""Forms of the handover and follow-up pages; the rules themselves are in `allocation.services`."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from allocation.models import FollowUp, HandoverBatch
from allocation.services import PROGRAMME_START
from donations.models import Device

DATE_FORMATS = ["%d/%m/%Y", "%d-%m-%Y"]
# A signed scan: what its first bytes must look like for each accepted extension.
SCAN_MAGIC = {
    ".pdf": (b"%PDF-",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
}
SCAN_CONTENT_TYPES = {".pdf": "application/pdf", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}


def _date_field(label) -> forms.DateField:
    return forms.DateField(
        label=label,
        input_formats=DATE_FORMATS,
        initial=timezone.localdate,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}),
        help_text=_("dd/mm/yyyy"),
    )


def _within_programme(day):
    """Not in the future, and not before the programme started (the services check the same)."""
    if day and day > timezone.localdate():
        raise forms.ValidationError(_("The date cannot be in the future."))
    if day and day < PROGRAMME_START:
        raise forms.ValidationError(
            _("The date cannot be before the programme started (%(date)s)."),
            params={"date": f"{PROGRAMME_START:%d/%m/%Y}"},
        )
    return day


class MarkHandedOverForm(forms.Form):
    handed_over_on = _date_field(_("Handed over on"))
    received_by = forms.CharField(
        label=_("Received for the school by"),
        max_length=100,
        help_text=_("Name and position of the school's representative who signed."),
    )
    signed_record = forms.FileField(
        label=_("Signed record (scan)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )

    def __init__(self, *args, commune_record: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if commune_record:
            self.fields["received_by"].label = _("Received for the commune People's Committee by")
            self.fields["received_by"].help_text = _(
                "Name and position of the commune People's Committee's representative who signed."
            )
        self.fields["signed_record"].help_text = _("PDF, JPEG or PNG, at most %(size)s.") % {
            "size": filesizeformat(settings.HANDOVER_SCAN_MAX_BYTES)
        }

    def clean_handed_over_on(self):
        return _within_programme(self.cleaned_data.get("handed_over_on"))

    def clean_signed_record(self):
        upload = self.cleaned_data.get("signed_record")
        if not upload:
            return None
        extension = Path(upload.name).suffix.lower()
        if extension not in SCAN_MAGIC:
            raise forms.ValidationError(
                _("The signed record must be a PDF, JPEG or PNG file (this one is “%(name)s”)."),
                params={"name": upload.name},
            )
        if upload.size > settings.HANDOVER_SCAN_MAX_BYTES:
            raise forms.ValidationError(
                _("The scan is %(size)s; the largest accepted is %(limit)s. Scan at a lower resolution."),
                params={
                    "size": filesizeformat(upload.size),
                    "limit": filesizeformat(settings.HANDOVER_SCAN_MAX_BYTES),
                },
            )
        head = upload.read(16)
        upload.seek(0)
        if not head.startswith(SCAN_MAGIC[extension]):
            raise forms.ValidationError(
                _("“%(name)s” is not really a %(kind)s file. Scan the signed record again as PDF, JPEG or PNG."),
                params={"name": upload.name, "kind": extension.lstrip(".").upper()},
            )
        return upload

    def named_scan(self, batch: HandoverBatch):
        """The upload renamed after the record: the pupil's or school's words never end up in a file name."""
        upload = self.cleaned_data.get("signed_record")
        if upload:
            extension = Path(upload.name).suffix.lower()
            upload.name = f"{batch.number}-da-ky{'.jpg' if extension == '.jpeg' else extension}"
        return upload


class FollowUpForm(forms.Form):
    result = forms.ChoiceField(label=_("Result of the check"), choices=FollowUp.Result.choices)
    checked_on = _date_field(_("Checked on"))
    note = forms.CharField(label=_("Note"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
    take_back = forms.BooleanField(
        label=_("Take the device back (the support ends as returned)"),
        required=False,
        help_text=_("Only for a broken device, a pupil who moved away or no longer needs it."),
    )
    device_to = forms.ChoiceField(
        label=_("The returned device goes"),
        choices=[
            (Device.Status.READY, _("back to the inventory, ready to give again")),
            (Device.Status.AWAITING_INSPECTION, _("to inspection or repair first")),
        ],
        initial=Device.Status.AWAITING_INSPECTION,
        required=False,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, can_take_back: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_take_back:
            del self.fields["take_back"]
            del self.fields["device_to"]

    def clean_checked_on(self):
        return _within_programme(self.cleaned_data.get("checked_on"))

    def clean_device_to(self):
        return self.cleaned_data.get("device_to") or Device.Status.AWAITING_INSPECTION


class ReleaseForm(forms.Form):
    reason = forms.CharField(
        label=_("Why may this pupil be supported again?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
