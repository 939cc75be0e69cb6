from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

# Permission that lifts the one-provider scope (education office).
CHANGE_ANY_PROVIDER = "telecom.change_any_provider_data"


def profile_provider_id(user) -> int | None:
    profile = getattr(user, "profile", None)
    return getattr(profile, "provider_id", None)


class ProviderQuerySet(models.QuerySet):
    def editable_by(self, user) -> ProviderQuerySet:
        """Providers whose rows (coverage, offers, inspections) the user may change."""
        if not (user and user.is_authenticated and user.is_active):
            return self.none()
        if user.is_superuser or user.has_perm(CHANGE_ANY_PROVIDER):
            return self
        provider_id = profile_provider_id(user)
        return self.filter(pk=provider_id) if provider_id else self.none()


class Provider(models.Model):
    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=30)

    history = HistoricalRecords()
    objects = ProviderQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("telecom provider")
        verbose_name_plural = _("telecom providers")
        permissions = [("change_any_provider_data", _("Can change the data of every telecom provider"))]

    def __str__(self) -> str:
        return self.short_name
