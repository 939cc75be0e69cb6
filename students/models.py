from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

# District-wide roles (education office, accountant, leadership) read every
# commune. Telecom staff read every commune's hamlets, for coverage, and
# nothing else of a commune. Everyone else is held to the commune on their profile.
VIEW_ALL_COMMUNES = "students.view_all_communes"
VIEW_ALL_HAMLETS = "students.view_all_hamlets"


def profile_commune_id(user) -> int | None:
    """The commune a scoped user works for, read from their profile if any."""
    profile = getattr(user, "profile", None)
    return getattr(profile, "commune_id", None)


def _has_model_perm(user, model, action: str) -> bool:
    opts = model._meta
    return bool(
        user
        and user.is_authenticated
        and user.is_active
        and user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}")
    )


class CommuneScopedQuerySet(models.QuerySet):
    """The one scoping rule for data that belongs to a commune.

    A user sees (or changes) a row when their role has the model's permission
    and the row's commune is in their scope. Pages, admin, exports and reports
    all go through `visible_to` / `editable_by`.
    """

    commune_field = "commune"
    # Permissions that open every commune's rows of this model for reading.
    district_wide_permissions: tuple[str, ...] = (VIEW_ALL_COMMUNES,)

    def visible_to(self, user) -> models.QuerySet:
        if not _has_model_perm(user, self.model, "view"):
            return self.none()
        if any(user.has_perm(permission) for permission in self.district_wide_permissions):
            return self
        return self._own_commune(user)

    def editable_by(self, user) -> models.QuerySet:
        """Writes are scoped like reads: a commune official changes only their commune's rows."""
        if not _has_model_perm(user, self.model, "change"):
            return self.none()
        if user.has_perm(VIEW_ALL_COMMUNES):
            return self
        return self._own_commune(user)

    def _own_commune(self, user) -> models.QuerySet:
        commune_id = profile_commune_id(user)
        return self.filter(**{self.commune_field: commune_id}) if commune_id else self.none()


class CommuneQuerySet(CommuneScopedQuerySet):
    commune_field = "pk"
    district_wide_permissions = (VIEW_ALL_COMMUNES, VIEW_ALL_HAMLETS)


class HamletQuerySet(CommuneScopedQuerySet):
    district_wide_permissions = (VIEW_ALL_COMMUNES, VIEW_ALL_HAMLETS)


class Commune(models.Model):
    class Kind(models.TextChoices):
        COMMUNE = "commune", _("commune")
        TOWNSHIP = "township", _("township")

    code = models.CharField(_("official code"), max_length=5, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)

    history = HistoricalRecords()
    objects = CommuneQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        permissions = [
            ("view_all_communes", _("Can see the data of every commune")),
            ("view_all_hamlets", _("Can see the hamlets of every commune")),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display().capitalize()} {self.name}"


class Hamlet(models.Model):
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="hamlets", verbose_name=_("commune"))
    name = models.CharField(_("name"), max_length=100)

    history = HistoricalRecords()
    objects = HamletQuerySet.as_manager()

    class Meta:
        ordering = ["commune__code", "name"]
        verbose_name = _("hamlet")
        verbose_name_plural = _("hamlets")
        constraints = [models.UniqueConstraint(fields=["commune", "name"], name="hamlet_unique_name_per_commune")]

    def __str__(self) -> str:
        return f"{self.name} ({self.commune.name})"


class SchoolLevel(models.TextChoices):
    PRIMARY = "primary", _("primary")
    LOWER_SECONDARY = "lower_secondary", _("lower secondary")
    UPPER_SECONDARY = "upper_secondary", _("upper secondary")


class School(models.Model):
    code = models.CharField(_("school code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(_("level"), max_length=20, choices=SchoolLevel.choices)
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="schools", verbose_name=_("commune"))

    history = HistoricalRecords()
    objects = CommuneScopedQuerySet.as_manager()

    class Meta:
        ordering = ["commune__code", "level", "name"]
        verbose_name = _("school")
        verbose_name_plural = _("schools")

    def __str__(self) -> str:
        return self.name


class Student(models.Model):
    """A pupil as listed by the commune where the family lives."""

    class Gender(models.TextChoices):
        MALE = "male", _("male")
        FEMALE = "female", _("female")

    class Status(models.TextChoices):
        LISTED = "listed", _("listed")
        VERIFIED = "verified", _("verified")
        HELD = "held", _("held as a possible duplicate")
        DUPLICATE = "duplicate", _("confirmed duplicate")
        REJECTED = "rejected", _("rejected")

    # At most one record per ID may be active (the unique constraints below).
    ACTIVE_STATUSES = (Status.LISTED, Status.VERIFIED)
    # Counted as in need: both records of an undecided pair count (DESIGN.md).
    IN_NEED_STATUSES = (Status.LISTED, Status.VERIFIED, Status.HELD)

    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="students", verbose_name=_("commune"))
    hamlet = models.ForeignKey(
        Hamlet, on_delete=models.PROTECT, null=True, blank=True, related_name="students", verbose_name=_("hamlet")
    )
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="students", verbose_name=_("school"))
    full_name = models.CharField(_("full name"), max_length=100)
    birth_date = models.DateField(_("birth date"))
    gender = models.CharField(_("gender"), max_length=6, choices=Gender.choices, blank=True)
    personal_id = models.CharField(_("personal ID"), max_length=12, blank=True)
    pupil_id = models.CharField(_("pupil ID"), max_length=10, blank=True)
    class_name = models.CharField(_("class"), max_length=10)
    level = models.CharField(_("level"), max_length=20, choices=SchoolLevel.choices)
    guardian_name = models.CharField(_("guardian's name"), max_length=100, blank=True)
    guardian_phone = models.CharField(_("guardian's phone"), max_length=10, blank=True)
    lacks_device = models.BooleanField(_("lacks a device"), default=False)
    lacks_internet = models.BooleanField(_("lacks Internet"), default=False)
    hardships = models.JSONField(_("hardship"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.LISTED)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()
    objects = CommuneScopedQuerySet.as_manager()

    class Meta:
        ordering = ["commune__code", "full_name"]
        verbose_name = _("pupil")
        verbose_name_plural = _("pupils")
        constraints = [
            # One active record per identifier across the district; a second
            # listing is kept but held (status "held") until a person decides.
            models.UniqueConstraint(
                fields=["personal_id"],
                condition=Q(status__in=["listed", "verified"]) & ~Q(personal_id=""),
                name="student_one_active_per_personal_id",
            ),
            models.UniqueConstraint(
                fields=["pupil_id"],
                condition=Q(status__in=["listed", "verified"]) & ~Q(pupil_id=""),
                name="student_one_active_per_pupil_id",
            ),
            models.CheckConstraint(
                condition=Q(lacks_device=True) | Q(lacks_internet=True),
                name="student_has_a_need",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.school})"
