from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
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


def _provider_scoped(queryset: models.QuerySet, user, provider_field: str = "provider") -> models.QuerySet:
    """Rows of the providers whose data the user may change, if their role may change this model."""
    opts = queryset.model._meta
    if not (user and user.is_authenticated and user.has_perm(f"{opts.app_label}.change_{opts.model_name}")):
        return queryset.none()
    return queryset.filter(**{f"{provider_field}__in": Provider.objects.editable_by(user)})


class ProviderScopedQuerySet(models.QuerySet):
    """The provider scope for rows that belong to one provider (coverage, offers, inspections)."""

    provider_field = "provider"

    def editable_by(self, user) -> models.QuerySet:
        return _provider_scoped(self, user, self.provider_field)


class Technology(models.TextChoices):
    MOBILE_3G = "3g", _("3G mobile")
    MOBILE_4G = "4g", _("4G mobile")
    FIBRE = "fibre", _("fibre")


class HamletCoverage(models.Model):
    """Whether a provider covers a hamlet with one technology, as the provider reports it."""

    class Status(models.TextChoices):
        AVAILABLE = "available", _("available")
        PLANNED = "planned", _("planned")
        NOT_POSSIBLE = "not_possible", _("not possible")

    hamlet = models.ForeignKey(
        "students.Hamlet", on_delete=models.PROTECT, related_name="coverage", verbose_name=_("hamlet")
    )
    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, related_name="coverage", verbose_name=_("provider")
    )
    technology = models.CharField(_("technology"), max_length=5, choices=Technology.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    planned_on = models.DateField(_("planned for"), null=True, blank=True)
    reason = models.TextField(_("why not possible"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    history = HistoricalRecords()
    objects = ProviderScopedQuerySet.as_manager()

    class Meta:
        ordering = ["hamlet_id", "provider_id", "technology"]
        verbose_name = _("hamlet coverage")
        verbose_name_plural = _("hamlet coverage")
        constraints = [
            models.UniqueConstraint(
                fields=["hamlet", "provider", "technology"], name="coverage_one_row_per_hamlet_provider_technology"
            ),
            models.CheckConstraint(
                condition=~Q(status="planned") | Q(planned_on__isnull=False), name="coverage_planned_has_date"
            ),
            models.CheckConstraint(
                condition=~Q(status="not_possible") | ~Q(reason=""), name="coverage_not_possible_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.hamlet_id} {self.provider_id} {self.technology}: {self.status}"


class ConnectivityOfferQuerySet(ProviderScopedQuerySet):
    def with_usage(self) -> models.QuerySet:
        """Each offer with `used` (active assignments) counted in the same query."""
        return self.annotate(
            used=models.Count("assignments", filter=Q(assignments__status__in=SimAssignment.ACTIVE_STATUSES))
        )


class ConnectivityOffer(models.Model):
    """What a provider offers pupils: a data SIM, or fibre installed free or cheaper, for so many pupils."""

    class Kind(models.TextChoices):
        MOBILE_SIM = "mobile_sim", _("mobile data SIM")
        FIBRE_WAIVER = "fibre_waiver", _("fibre installation free of charge")
        FIBRE_DISCOUNT = "fibre_discount", _("fibre installation at a discount")

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="offers", verbose_name=_("provider"))
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    allowance = models.CharField(_("allowance"), max_length=100, blank=True, help_text=_("For example 4 GB/day."))
    months = models.PositiveSmallIntegerField(_("months"))
    monthly_price_vnd = models.PositiveIntegerField(
        _("monthly price to the family (VND)"), default=0, help_text=_("0 means free of charge.")
    )
    capacity = models.PositiveIntegerField(_("capacity (pupils)"))
    pledge_line = models.ForeignKey(
        "donations.PledgeLine",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        limit_choices_to={"kind": "telecom"},
        related_name="connectivity_offers",
        verbose_name=_("from pledge"),
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()
    objects = ConnectivityOfferQuerySet.as_manager()

    class Meta:
        ordering = ["provider__name", "name"]
        verbose_name = _("connectivity offer")
        verbose_name_plural = _("connectivity offers")
        constraints = [
            models.CheckConstraint(condition=Q(months__gte=1), name="offer_at_least_one_month"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.provider})"

    @property
    def is_sim(self) -> bool:
        return self.kind == self.Kind.MOBILE_SIM

    @property
    def remaining(self) -> int | None:
        """Places left; needs `used` from `with_usage()`."""
        used = getattr(self, "used", None)
        return None if used is None else max(self.capacity - used, 0)


class SimAssignmentQuerySet(ProviderScopedQuerySet):
    provider_field = "offer__provider"

    def active(self) -> SimAssignmentQuerySet:
        return self.filter(status__in=SimAssignment.ACTIVE_STATUSES)

    def without_proposals(self) -> SimAssignmentQuerySet:
        """Leave out places only proposed by an allocation run, not yet approved.

        A run's proposal already holds its place (so capacity is never promised twice), but the
        operator issues the SIM once the office approves; the support is read through its reverse relation.
        """
        return self.exclude(support__status="proposed")

    def for_operator(self) -> models.QuerySet:
        """Places the operator should activate."""
        return self.active().without_proposals()


class SimAssignment(models.Model):
    """A pupil's place on a connectivity offer, and the SIM the operator activated for it.

    Allocation decides who gets a place and calls `telecom.offers.place_assign`;
    the operator fills in the SIM number and activation.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for activation")
        ACTIVATED = "activated", _("activated")
        CANCELLED = "cancelled", _("cancelled")

    # Assignments that hold a place on the offer.
    ACTIVE_STATUSES = (Status.PENDING, Status.ACTIVATED)

    offer = models.ForeignKey(
        ConnectivityOffer, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("offer")
    )
    student = models.ForeignKey(
        "students.Student", on_delete=models.PROTECT, related_name="sim_assignments", verbose_name=_("pupil")
    )
    sim_number = models.CharField(_("SIM number"), max_length=10, blank=True)
    # Fibre places have a subscription (contract) number instead of a SIM.
    subscription_number = models.CharField(_("fibre subscription number"), max_length=30, blank=True)
    status = models.CharField(_("activation status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    activated_on = models.DateField(_("activated on"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    created_at = models.DateTimeField(_("assigned at"), auto_now_add=True)

    history = HistoricalRecords()
    objects = SimAssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["offer", "pk"]
        verbose_name = _("SIM assignment")
        verbose_name_plural = _("SIM assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["student"],
                condition=Q(status__in=["pending", "activated"]),
                name="sim_assignment_one_active_per_pupil",
            ),
            models.UniqueConstraint(
                fields=["sim_number"],
                condition=~Q(sim_number="") & Q(status__in=["pending", "activated"]),
                name="sim_assignment_sim_serves_one_pupil",
            ),
            models.CheckConstraint(
                condition=~Q(status="activated") | Q(activated_on__isnull=False),
                name="sim_assignment_activated_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.offer_id}/{self.student_id}"


class DeviceInspection(models.Model):
    """A telecom unit's inspection of a used donated device (plan §VII.8), and the repair that may follow."""

    class Result(models.TextChoices):
        READY = "ready", _("ready")
        NEEDS_REPAIR = "needs_repair", _("needs repair")
        UNUSABLE = "unusable", _("unusable")

    class RepairOutcome(models.TextChoices):
        REPAIRED = "repaired", _("repaired")
        UNUSABLE = "unusable", _("could not be repaired")

    device = models.ForeignKey(
        "donations.Device", on_delete=models.PROTECT, related_name="inspections", verbose_name=_("device")
    )
    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, related_name="inspections", verbose_name=_("inspected by unit")
    )
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("inspector")
    )
    inspected_at = models.DateTimeField(_("inspected at"), auto_now_add=True)
    result = models.CharField(_("result"), max_length=12, choices=Result.choices)
    notes = models.TextField(_("notes"), blank=True)
    data_wiped = models.BooleanField(_("previous owner's data wiped"), default=False)
    repair_outcome = models.CharField(_("repair outcome"), max_length=10, choices=RepairOutcome.choices, blank=True)
    repaired_at = models.DateTimeField(_("repair recorded at"), null=True, blank=True)
    repaired_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("repaired by"),
    )
    repair_notes = models.TextField(_("repair notes"), blank=True)

    history = HistoricalRecords()
    objects = ProviderScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-inspected_at"]
        verbose_name = _("device inspection")
        verbose_name_plural = _("device inspections")
        constraints = [
            # A repair is recorded only on an inspection that asked for one.
            models.CheckConstraint(
                condition=Q(repair_outcome="") | Q(result="needs_repair"), name="inspection_repair_only_if_needed"
            ),
            models.CheckConstraint(
                condition=Q(repair_outcome="", repaired_at__isnull=True)
                | (~Q(repair_outcome="") & Q(repaired_at__isnull=False)),
                name="inspection_repair_outcome_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.device_id}: {self.result}"

    @property
    def awaits_repair(self) -> bool:
        return self.result == self.Result.NEEDS_REPAIR and not self.repair_outcome


class LearningPlatform(models.Model):
    """An online teaching and learning platform whose traffic providers do not charge for."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    url = models.URLField(_("address"))
    description = models.CharField(_("description"), max_length=300, blank=True)
    published = models.BooleanField(_("shown on the public page"), default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("zero-rated learning platform")
        verbose_name_plural = _("zero-rated learning platforms")

    def __str__(self) -> str:
        return self.name


class ZeroRating(models.Model):
    platform = models.ForeignKey(
        LearningPlatform, on_delete=models.CASCADE, related_name="zero_ratings", verbose_name=_("platform")
    )
    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, related_name="zero_ratings", verbose_name=_("provider")
    )
    since = models.DateField(_("free of charge since"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["provider__name"]
        verbose_name = _("zero-rating")
        verbose_name_plural = _("zero-ratings")
        constraints = [models.UniqueConstraint(fields=["platform", "provider"], name="zero_rating_once_per_provider")]

    def __str__(self) -> str:
        return f"{self.platform} — {self.provider}"
