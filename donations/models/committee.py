"""The receiving committee (plan §VI)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class CommitteeMember(models.Model):
    """The receiving committee of plan §VI, shown to donors as their contacts."""

    full_name = models.CharField(_("full name"), max_length=100)
    title = models.CharField(_("title"), max_length=100)
    phone = models.CharField(_("phone"), max_length=15)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "full_name"]
        verbose_name = _("receiving committee member")
        verbose_name_plural = _("receiving committee")

    def __str__(self) -> str:
        return f"{self.full_name} — {self.title}"
