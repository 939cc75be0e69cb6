"""Forms of the allocation staff pages: filters, changes by hand, and the settings page."""

from __future__ import annotations

from django import forms
from django.db.models import F, Q
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from allocation import proposals
from allocation.labels import hardship_label
from allocation.models import AllocationSettings, Support, default_hardship_weights
from donations.models import Device, DeviceType
from students.models import Commune, School, SchoolLevel
from telecom.models import ConnectivityOffer

MAX_WEIGHT = 1000


class SupportFilterForm(forms.Form):
    GIVEN_CHOICES = [
        ("", _("anything")),
        ("device", _("a device")),
        ("connectivity", _("a connectivity place")),
        ("both", _("a device and a place")),
    ]

    commune = forms.ModelChoiceField(label=_("Commune"), queryset=Commune.objects.none(), required=False)
    school = forms.ModelChoiceField(label=_("School"), queryset=School.objects.none(), required=False)
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("all statuses")), *Support.Status.choices], required=False
    )
    given = forms.ChoiceField(label=_("Given"), choices=GIVEN_CHOICES, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = Commune.objects.visible_to(user).order_by("code")
        self.fields["school"].queryset = School.objects.visible_to(user).order_by("name")

    def filter(self, supports):
        if not self.is_valid():
            return supports
        data = self.cleaned_data
        if data.get("commune"):
            supports = supports.filter(student__commune=data["commune"])
        if data.get("school"):
            supports = supports.filter(student__school=data["school"])
        if data.get("status"):
            supports = supports.filter(status=data["status"])
        given = data.get("given")
        if given == "device":
            supports = supports.filter(device__isnull=False)
        elif given == "connectivity":
            supports = supports.filter(offer__isnull=False)
        elif given == "both":
            supports = supports.filter(device__isnull=False, offer__isnull=False)
        return supports


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)


class WithdrawForm(ReasonForm):
    release = forms.BooleanField(label=_("The pupil may be supported again"), required=False)


def suitable_devices(level: str, *, keep: int | None = None):
    """Devices ready to give, of a type the level may receive, that no support holds (plus `keep`)."""
    types = AllocationSettings.current().device_preferences.get(level, [])
    free = proposals.free_devices().filter(device_type__in=types).order_by("device_type", "pk")
    if keep is not None:
        free = Device.objects.filter(Q(pk__in=free.values("pk")) | Q(pk=keep)).order_by("device_type", "pk")
    return free


def offers_with_room(*, keep: int | None = None):
    """Offers with a place left (plus `keep`, the support's current offer)."""
    offers = ConnectivityOffer.objects.with_usage().select_related("provider")
    room = Q(capacity__gt=F("used"))
    if keep is not None:
        room |= Q(pk=keep)
    return offers.filter(room).order_by("provider__name", "name")


class _DeviceChoice(forms.ModelChoiceField):
    def label_from_instance(self, device):
        parts = [device.get_device_type_display(), device.brand_model, device.serial]
        return f"#{device.pk} " + " — ".join(part for part in parts if part)


class _OfferChoice(forms.ModelChoiceField):
    def label_from_instance(self, offer):
        left = offer.capacity - offer.used
        return _("%(offer)s — %(left)s places left") % {"offer": offer, "left": left}


class SupportChoiceForm(ReasonForm):
    """A device and/or a connectivity place for one pupil, chosen by hand with a reason."""

    # A choice no longer offered was taken by someone else between the page and the click.
    device = _DeviceChoice(
        label=_("Device"),
        queryset=Device.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("This device was just given to another pupil; choose another one.")},
    )
    offer = _OfferChoice(
        label=_("Connectivity offer"),
        queryset=ConnectivityOffer.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("This offer's last place was just taken; choose another offer.")},
    )
    field_order = ["device", "offer", "reason"]

    def __init__(self, *args, level: str, support: Support | None = None, **kwargs):
        if support is not None:
            kwargs.setdefault("initial", {"device": support.device_id, "offer": support.offer_id})
        super().__init__(*args, **kwargs)
        self.fields["device"].queryset = suitable_devices(level, keep=support.device_id if support else None)
        self.fields["offer"].queryset = offers_with_room(keep=support.offer_id if support else None)
        self.fields["device"].empty_label = _("no device")
        self.fields["offer"].empty_label = _("no connectivity place")

    def clean(self):
        data = super().clean()
        lost = "device" in self.errors or "offer" in self.errors  # already said what happened
        if not data.get("device") and not data.get("offer") and not lost:
            raise forms.ValidationError(_("Choose a device, a connectivity offer, or both."))
        return data


NOT_GIVEN = ""
NEED_LABELS = {
    "both": _("Lacks a device and Internet"),
    "device": _("Lacks a device only"),
    "internet": _("Lacks Internet only"),
}


def _weight(label) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=0, max_value=MAX_WEIGHT)


class SettingsForm(forms.Form):
    """The office's weights and device table, as one flat form; `values()` gives the model's shape."""

    def __init__(self, *args, current: AllocationSettings, **kwargs):
        super().__init__(*args, **kwargs)
        self.hardship_keys = list(default_hardship_weights())
        self.hardship_keys += [k for k in current.hardship_weights if k not in self.hardship_keys]
        self.type_count = len(DeviceType.values)
        ranks = [(NOT_GIVEN, _("not given"))] + [(str(n), str(n)) for n in range(1, self.type_count + 1)]
        for need, label in NEED_LABELS.items():
            self.fields[f"need_{need}"] = _weight(label)
            self.initial[f"need_{need}"] = current.need_weights.get(need, 0)
        for key in self.hardship_keys:
            self.fields[f"hardship_{key}"] = _weight(capfirst(hardship_label(key)))
            self.initial[f"hardship_{key}"] = current.hardship_weights.get(key, 0)
        self.fields["extra_hardship_weight"] = _weight(_("Each further hardship adds"))
        self.initial["extra_hardship_weight"] = current.extra_hardship_weight
        for level in SchoolLevel.values:
            wanted = current.device_preferences.get(level, [])
            for kind, label in DeviceType.choices:
                name = f"rank_{level}_{kind}"
                self.fields[name] = forms.ChoiceField(
                    label=capfirst(label),
                    choices=ranks,
                    required=False,
                    widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
                )
                self.initial[name] = str(wanted.index(kind) + 1) if kind in wanted else NOT_GIVEN

    def need_fields(self):
        return [self[f"need_{need}"] for need in NEED_LABELS]

    def hardship_fields(self):
        return [self[f"hardship_{key}"] for key in self.hardship_keys]

    def device_rows(self):
        """(level label, [bound field per device type]) for the table."""
        return [
            (label, [self[f"rank_{level}_{kind}"] for kind in DeviceType.values])
            for level, label in SchoolLevel.choices
        ]

    def clean(self):
        data = super().clean()
        self.preferences = {}
        for level, level_label in SchoolLevel.choices:
            ranked = [(data.get(f"rank_{level}_{kind}") or NOT_GIVEN, kind) for kind in DeviceType.values]
            given = [(int(rank), kind) for rank, kind in ranked if rank != NOT_GIVEN]
            if not given:
                self.add_error(None, _("%(level)s: choose at least one device type.") % {"level": level_label})
                continue
            if len({rank for rank, _kind in given}) != len(given):
                self.add_error(None, _("%(level)s: give each device type a different rank.") % {"level": level_label})
                continue
            self.preferences[level] = [kind for _rank, kind in sorted(given)]
        return data

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "need_weights": {need: data[f"need_{need}"] for need in NEED_LABELS},
            "hardship_weights": {key: data[f"hardship_{key}"] for key in self.hardship_keys},
            "extra_hardship_weight": data["extra_hardship_weight"],
            "device_preferences": self.preferences,
        }
