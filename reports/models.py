from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from students.models import Commune, CommuneScopedQuerySet, Student

# A milestone not done this close to its deadline is at risk.
AT_RISK_BEFORE = timedelta(hours=48)


def milestone_status(*, due: datetime, done_at: datetime | None, moment: datetime) -> str:
    """done, late (past due and not done), at_risk (due within 48 hours), or upcoming — at `moment`."""
    if done_at is not None and done_at <= moment:
        return "done"
    if due < moment:
        return "late"
    if due - moment <= AT_RISK_BEFORE:
        return "at_risk"
    return "upcoming"


class Milestone(models.Model):
    """A deadline of the district plan, reported on in the 30/9 report."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due at"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_at", "code"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return self.name

    def status_at(self, moment: datetime) -> str:
        return milestone_status(due=self.due_at, done_at=self.done_at, moment=moment)

    # The home page's badge: the same rule as the report and the dashboard, now.
    @property
    def is_done(self) -> bool:
        return self.status_at(timezone.now()) == "done"

    @property
    def is_late(self) -> bool:
        return self.status_at(timezone.now()) == "late"


# No 0/O, 1/I/L: people read the code aloud over the phone.
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
FEEDBACK_CODE_PREFIX = "PA-"
MAX_DESCRIPTION_LENGTH = 2000
MAX_RESPONSE_LENGTH = 2000


def new_feedback_code() -> str:
    return FEEDBACK_CODE_PREFIX + "".join(secrets.choice(_CODE_ALPHABET) for _ in range(6))


class Feedback(models.Model):
    """A report from the public ("phản ánh"): a pupil missed by the lists, or a problem with a support.

    It is a case for the commune the reporter chose and for the education office; the reporter
    follows it with the code and their phone. The reporter's data is for staff only.
    """

    class Kind(models.TextChoices):
        MISSED_PUPIL = "missed_pupil", _("a pupil who needs support is not on a list")
        SUPPORT_PROBLEM = "support_problem", _("a problem with a support")
        OTHER = "other", _("other")

    class Relation(models.TextChoices):
        PARENT = "parent", _("parent or guardian")
        TEACHER = "teacher", _("teacher")
        NEIGHBOUR = "neighbour", _("neighbour")
        PUPIL = "pupil", _("the pupil")
        OTHER = "other", _("other")

    class Status(models.TextChoices):
        NEW = "new", pgettext_lazy("feedback status", "new")
        CHECKING = "checking", pgettext_lazy("feedback status", "being checked")
        RESOLVED = "resolved", pgettext_lazy("feedback status", "resolved")
        REJECTED = "rejected", pgettext_lazy("feedback status", "rejected")

    OPEN_STATUSES = (Status.NEW, Status.CHECKING)
    CLOSED_STATUSES = (Status.RESOLVED, Status.REJECTED)

    code = models.CharField(_("code"), max_length=12, unique=True, default=new_feedback_code, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="feedback_cases", verbose_name=_("commune")
    )
    hamlet = models.CharField(_("hamlet"), max_length=100, blank=True)
    school = models.CharField(_("school"), max_length=200, blank=True)
    pupil_name = models.CharField(_("pupil's full name"), max_length=100, blank=True)
    pupil_birth_year = models.PositiveSmallIntegerField(_("pupil's year of birth"), null=True, blank=True)
    pupil_class = models.CharField(_("class"), max_length=10, blank=True)
    lacks_device = models.BooleanField(_("lacks a device"), default=False)
    lacks_internet = models.BooleanField(_("lacks Internet"), default=False)
    description = models.TextField(
        _("description"), max_length=MAX_DESCRIPTION_LENGTH, validators=[MaxLengthValidator(MAX_DESCRIPTION_LENGTH)]
    )
    reporter_name = models.CharField(_("reporter's name"), max_length=100)
    reporter_phone = models.CharField(_("reporter's phone"), max_length=15)
    reporter_relation = models.CharField(_("reporter is"), max_length=10, choices=Relation.choices)
    # Lower case, no diacritics: staff search "nguyen van an" and find "Nguyễn Văn An".
    name_key = models.CharField(_("search key"), max_length=210, blank=True, editable=False, db_index=True)
    created_at = models.DateTimeField(_("sent at"), default=timezone.now, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.NEW)
    response = models.TextField(
        _("response"),
        max_length=MAX_RESPONSE_LENGTH,
        validators=[MaxLengthValidator(MAX_RESPONSE_LENGTH)],
        blank=True,
        help_text=_("What the reporter reads on the lookup page; the reason when the report is rejected."),
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handled by"),
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    # PROTECT, not SET_NULL: Django would unlink with an UPDATE that writes no history.
    student = models.ForeignKey(
        Student,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="feedback_cases",
        verbose_name=_("pupil on the list"),
    )
    # The public form's one-time nonce: a replayed form collides here and saves nothing.
    submission_token = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)

    history = HistoricalRecords()
    objects = CommuneScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("report from the public")
        verbose_name_plural = _("reports from the public")
        indexes = [models.Index(fields=["status", "created_at"], name="feedback_status_created_idx")]
        constraints = [
            # A closed case always tells the reporter what was done, or why it was rejected.
            models.CheckConstraint(
                condition=Q(status__in=["new", "checking"]) | ~Q(response=""),
                name="feedback_closed_has_response",
                violation_error_message=_("Write the response: what was done, or why the report is rejected."),
            ),
            models.CheckConstraint(
                condition=~Q(kind="missed_pupil") | ~Q(pupil_name=""),
                name="feedback_missed_pupil_has_name",
                violation_error_message=_("Type the name of the pupil who is missing from the list."),
            ),
            models.CheckConstraint(
                condition=~Q(description=""),
                name="feedback_has_description",
                violation_error_message=_("Describe the situation."),
            ),
            models.CheckConstraint(
                condition=~Q(reporter_phone=""),
                name="feedback_has_reporter_phone",
                violation_error_message=_("Type your phone number."),
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES
