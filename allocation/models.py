"""Supports: one per pupil, one pupil per device, never more places than an offer holds.

The database enforces the first two with partial unique constraints; places
on an offer are `telecom.SimAssignment` rows, given under the offer's row lock
(`telecom.offers`). Proposals, approvals, handovers and returns all change a
`Support`, and every change keeps its history.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from students.models import CommuneScopedQuerySet, SchoolLevel


def default_need_weights() -> dict[str, int]:
    # Need comes first (lacks both > lacks a device > lacks Internet): the gaps exceed any hardship
    # weight, so hardship orders pupils within the same need. The office may weigh them otherwise.
    return {"both": 300, "device": 200, "internet": 100}


def default_hardship_weights() -> dict[str, int]:
    # FACTS.md: the ministries' order — merit or social protection together with a poor or
    # near-poor household, then poor, near-poor, a parent who died of COVID-19, then others.
    return {
        "poor_with_merit_or_protection": 50,
        "poor": 40,
        "near_poor": 30,
        "covid_orphan": 25,
        "orphan": 15,
        "merit": 12,
        "social_protection": 12,
        "disability": 12,
        "ethnic_minority": 10,
        "other": 5,
    }


def default_device_preferences() -> dict[str, list[str]]:
    # Most wanted first; a type not listed is never given to that level.
    return {
        SchoolLevel.PRIMARY: ["tablet", "laptop", "smartphone", "desktop"],
        SchoolLevel.LOWER_SECONDARY: ["laptop", "tablet", "desktop", "smartphone"],
        SchoolLevel.UPPER_SECONDARY: ["laptop", "desktop"],
    }


class AllocationSettings(models.Model):
    """The weights and the device table the education office may change (one row)."""

    need_weights = models.JSONField(_("weights by need"), default=default_need_weights)
    hardship_weights = models.JSONField(_("weights by hardship"), default=default_hardship_weights)
    # Each further hardship a pupil has adds this much to the strongest one.
    extra_hardship_weight = models.PositiveSmallIntegerField(_("each further hardship adds"), default=2)
    device_preferences = models.JSONField(_("device types by level"), default=default_device_preferences)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("allocation settings")
        verbose_name_plural = _("allocation settings")

    def __str__(self) -> str:
        return str(_("Allocation settings"))

    @classmethod
    def current(cls) -> AllocationSettings:
        return cls.objects.order_by("pk").first() or cls.objects.create()


class AllocationRun(models.Model):
    """One saved run of the rule engine: when, by whom, with which settings, and its totals."""

    started_at = models.DateTimeField(_("run at"), auto_now_add=True)
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("run by"),
    )
    settings_used = models.JSONField(_("settings used"), default=dict)
    totals = models.JSONField(_("totals"), default=dict)
    proposed_count = models.PositiveIntegerField(_("supports proposed"), default=0)
    left_out_count = models.PositiveIntegerField(_("pupils left out"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("allocation run")
        verbose_name_plural = _("allocation runs")

    def __str__(self) -> str:
        return f"#{self.pk}"


class SupportQuerySet(CommuneScopedQuerySet):
    commune_field = "student__commune"

    def holding(self) -> SupportQuerySet:
        """Supports that hold the pupil's one place (all but those staff released)."""
        return self.filter(released=False)

    def given(self) -> SupportQuerySet:
        """Support decided and given: approved, handed over, or handed over and returned."""
        return self.filter(status__in=Support.GIVEN_STATUSES, released=False)


class StudentScopedQuerySet(CommuneScopedQuerySet):
    commune_field = "student__commune"


class FollowUpQuerySet(CommuneScopedQuerySet):
    commune_field = "support__student__commune"


class HandoverBatch(models.Model):
    """A handover record (biên bản bàn giao): one school's approved supports, or a whole commune's.

    A commune record (`school` empty) gathers the pupils who live in the commune, handed over at
    the commune People's Committee (primary pupils, say). A school record's commune is the
    school's commune; `services.batch_create` sets it (a check constraint sees one row only).
    """

    class Status(models.TextChoices):
        PREPARED = "prepared", _("prepared")
        HANDED_OVER = "handed_over", _("handed over")

    number = models.CharField(_("record number"), max_length=30, unique=True)
    school = models.ForeignKey(
        "students.School",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="handover_batches",
        verbose_name=_("school"),
        help_text=_("Empty for a record of the whole commune."),
    )
    commune = models.ForeignKey(
        "students.Commune", on_delete=models.PROTECT, related_name="handover_batches", verbose_name=_("commune")
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PREPARED)
    created_at = models.DateTimeField(_("prepared at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("prepared by"),
    )
    handed_over_on = models.DateField(_("handed over on"), null=True, blank=True)
    received_by = models.CharField(_("received by"), max_length=100, blank=True)
    signed_record = models.FileField(_("signed record (scan)"), upload_to="handover/%Y/%m/", blank=True)

    history = HistoricalRecords()
    objects = CommuneScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("handover record")
        verbose_name_plural = _("handover records")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="handed_over") | (Q(handed_over_on__isnull=False) & ~Q(received_by="")),
                name="handover_batch_done_has_date_and_receiver",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_commune_record(self) -> bool:
        return self.school_id is None

    @property
    def receiver(self) -> str:
        """Who receives: the school, or the commune's People's Committee."""
        if self.school is None:
            kind, name = self.commune.get_kind_display(), self.commune.name
            return _("People's Committee of %(kind)s %(name)s") % {"kind": kind, "name": name}
        return self.school.name


class Support(models.Model):
    """What one pupil is given: a device, a connectivity place, or both."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        APPROVED = "approved", _("approved")
        HANDED_OVER = "handed_over", _("handed over")
        RETURNED = "returned", _("returned")
        WITHDRAWN = "withdrawn", _("withdrawn")

    # A device or a place is taken while its support is in one of these.
    ACTIVE_STATUSES = (Status.PROPOSED, Status.APPROVED, Status.HANDED_OVER)
    GIVEN_STATUSES = (Status.APPROVED, Status.HANDED_OVER, Status.RETURNED)
    ENDED_STATUSES = (Status.RETURNED, Status.WITHDRAWN)

    student = models.ForeignKey(
        "students.Student", on_delete=models.PROTECT, related_name="supports", verbose_name=_("pupil")
    )
    device = models.ForeignKey(
        "donations.Device",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supports",
        verbose_name=_("device"),
    )
    offer = models.ForeignKey(
        "telecom.ConnectivityOffer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supports",
        verbose_name=_("connectivity offer"),
    )
    # The place on the offer (and the SIM the operator activates for it).
    sim_assignment = models.OneToOneField(
        "telecom.SimAssignment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="support",
        verbose_name=_("connectivity place"),
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PROPOSED)
    # Why: the engine's score and the rule that decided, or the reason of a manual change.
    run = models.ForeignKey(
        AllocationRun,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supports",
        verbose_name=_("allocation run"),
    )
    score = models.PositiveIntegerField(_("priority score"), default=0)
    rank_in_commune = models.PositiveIntegerField(_("rank in the commune"), null=True, blank=True)
    device_rule = models.CharField(_("rule that gave the device"), max_length=20, blank=True)
    connectivity_rule = models.CharField(_("rule that gave the place"), max_length=20, blank=True)
    explanation = models.JSONField(_("explanation"), default=dict, blank=True)
    manual_reason = models.TextField(_("reason for the manual change"), blank=True)
    created_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    batch = models.ForeignKey(
        HandoverBatch,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supports",
        verbose_name=_("handover record"),
    )
    handed_over_on = models.DateField(_("handed over on"), null=True, blank=True)
    received_by = models.CharField(_("received by (guardian)"), max_length=100, blank=True)
    end_reason = models.TextField(_("reason for return or withdrawal"), blank=True)
    ended_on = models.DateField(_("returned or withdrawn on"), null=True, blank=True)
    # Staff said the pupil may be supported again (the once-per-pupil rule is about support given).
    released = models.BooleanField(_("pupil may be supported again"), default=False)

    history = HistoricalRecords()
    objects = SupportQuerySet.as_manager()

    class Meta:
        ordering = ["student__commune__code", "student__school__name", "student__full_name"]
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        indexes = [models.Index(fields=["status"], name="support_status_idx")]
        constraints = [
            # One support per pupil: every record holds the place until staff release it.
            models.UniqueConstraint(fields=["student"], condition=Q(released=False), name="support_one_per_pupil"),
            models.UniqueConstraint(
                fields=["device"],
                condition=Q(device__isnull=False, status__in=["proposed", "approved", "handed_over"]),
                name="support_device_serves_one_pupil",
            ),
            models.CheckConstraint(
                condition=Q(device__isnull=False) | Q(offer__isnull=False), name="support_gives_something"
            ),
            models.CheckConstraint(
                condition=Q(offer__isnull=True) | Q(sim_assignment__isnull=False), name="support_offer_has_a_place"
            ),
            models.CheckConstraint(
                condition=~Q(status="handed_over") | Q(handed_over_on__isnull=False),
                name="support_handed_over_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["returned", "withdrawn"]) | ~Q(end_reason=""),
                name="support_ended_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(released=False) | Q(status__in=["returned", "withdrawn"]),
                name="support_released_only_when_ended",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_status_display()}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES


class LeftOut(models.Model):
    """An eligible pupil a saved run could not serve, and why — to answer "why not my child?"."""

    class Need(models.TextChoices):
        DEVICE = "device", _("device")
        CONNECTIVITY = "connectivity", _("connectivity")

    run = models.ForeignKey(AllocationRun, on_delete=models.CASCADE, related_name="left_out", verbose_name=_("run"))
    student = models.ForeignKey(
        "students.Student", on_delete=models.CASCADE, related_name="left_out", verbose_name=_("pupil")
    )
    need = models.CharField(_("need"), max_length=12, choices=Need.choices)
    score = models.PositiveIntegerField(_("priority score"), default=0)
    rank_in_commune = models.PositiveIntegerField(_("rank in the commune"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=30)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    history = HistoricalRecords()
    objects = StudentScopedQuerySet.as_manager()

    class Meta:
        ordering = ["run", "student"]
        verbose_name = _("pupil left out")
        verbose_name_plural = _("pupils left out")
        indexes = [models.Index(fields=["student", "run"], name="left_out_student_run_idx")]

    def __str__(self) -> str:
        return f"{self.student_id}: {self.reason}"


class FollowUp(models.Model):
    """A check on a support after handover (plan §VII.1)."""

    class Result(models.TextChoices):
        IN_USE = "in_use", _("in use")
        BROKEN = "broken", _("broken")
        LOST = "lost", _("lost")
        MOVED = "moved", _("pupil moved away")
        NOT_NEEDED = "not_needed", _("no longer needed")

    support = models.ForeignKey(Support, on_delete=models.PROTECT, related_name="follow_ups", verbose_name=_("support"))
    checked_on = models.DateField(_("checked on"))
    result = models.CharField(_("result"), max_length=12, choices=Result.choices)
    note = models.TextField(_("note"), blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    history = HistoricalRecords()
    objects = FollowUpQuerySet.as_manager()

    class Meta:
        ordering = ["-checked_on", "-pk"]
        verbose_name = _("follow-up check")
        verbose_name_plural = _("follow-up checks")

    def __str__(self) -> str:
        return f"{self.support_id} {self.checked_on:%d/%m/%Y}: {self.get_result_display()}"
