from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class UserProfile(models.Model):
    """Links a scoped user to the one commune or the one provider they work for."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile", verbose_name=_("user")
    )
    commune = models.ForeignKey(
        "students.Commune",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="officials",
        verbose_name=_("commune"),
    )
    provider = models.ForeignKey(
        "telecom.Provider",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("telecom provider"),
    )
    phone = models.CharField(_("phone"), max_length=15, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("user profile")
        verbose_name_plural = _("user profiles")
        constraints = [
            models.CheckConstraint(
                condition=Q(commune__isnull=True) | Q(provider__isnull=True),
                name="profile_commune_or_provider_not_both",
            )
        ]

    def __str__(self) -> str:
        return str(self.user)
