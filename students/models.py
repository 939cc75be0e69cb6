from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.scoping import ScopedQuerySet

# District-wide roles (education office, accountant, leadership) read every
# commune. Telecom staff read every commune's hamlets, for coverage, and
# nothing else of a commune. Everyone else is held to the commune on their profile.
VIEW_ALL_COMMUNES = "students.view_all_communes"
VIEW_ALL_HAMLETS = "students.view_all_hamlets"


def profile_commune_id(user) -> int | None:
    """The commune a scoped user works for, read from their profile if any."""
    profile = getattr(user, "profile", None)
    return getattr(profile, "commune_id", None)


class CommuneScopedQuerySet(ScopedQuerySet):
    """The one scoping rule for data that belongs to a commune (common.scoping).

    A user sees (or changes) a row when their role has the model's permission
    and the row's commune is the one on their profile, or (district-wide roles)
    any commune. Pages, admin, exports and reports all go through `visible_to` / `editable_by`.
    """

    commune_field = "commune"
    # Permissions that open every commune's rows of this model for reading.
    district_wide_permissions: tuple[str, ...] = (VIEW_ALL_COMMUNES,)

    def scope_lookup(self) -> str:
        return self.commune_field

    def user_scope(self, user) -> int | None:
        return profile_commune_id(user)

    def opens_every_scope(self, user, action: str) -> bool:
        # Only the district-wide roles change every commune's rows; telecom staff read hamlets only.
        permissions = self.district_wide_permissions if action == "view" else (VIEW_ALL_COMMUNES,)
        return any(user.has_perm(permission) for permission in permissions)


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


class Hardship(models.TextChoices):
    """Hoàn cảnh, in the template's words; allocation ranks them (FACTS.md)."""

    MERIT = "merit", _("family of people with revolutionary merit")
    SOCIAL_PROTECTION = "social_protection", _("under social protection")
    POOR = "poor", _("poor household")
    NEAR_POOR = "near_poor", _("near-poor household")
    COVID_ORPHAN = "covid_orphan", _("father or mother died of COVID-19")
    ORPHAN = "orphan", _("orphan")
    DISABILITY = "disability", _("disability")
    ETHNIC_MINORITY = "ethnic_minority", _("ethnic minority")
    OTHER = "other", _("other hardship")


class StudentUpload(models.Model):
    """One pupil list as a commune sent it: the file, who and when, and what came of it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting to be processed")
        PROCESSING = "processing", _("processing")
        IMPORTED = "imported", _("imported")
        INVALID = "invalid", _("has errors, nothing saved")
        UNREADABLE = "unreadable", _("file could not be read")

    class Channel(models.TextChoices):
        WEB = "web", _("on the web")
        COMMAND_LINE = "command_line", _("on the command line")

    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="uploads", verbose_name=_("commune"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="student_uploads",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    channel = models.CharField(_("how"), max_length=12, choices=Channel.choices, default=Channel.WEB)
    # Sent by someone other than the commune's own official (the office, for a file sent by Zalo or USB).
    on_behalf = models.BooleanField(_("on behalf of the commune"), default=False)
    # The command line's system account, when no user of the application is named.
    system_account = models.CharField(_("system account"), max_length=150, blank=True)
    original_file = models.FileField(_("file"), upload_to="uploads/students/%Y/%m/", blank=True)
    original_name = models.CharField(_("file name"), max_length=255)
    # The uploader's rows back with the wrong cells marked, built by the worker (students/marked_up.py).
    annotated_file = models.FileField(_("marked-up file"), upload_to="uploads/students/marked/%Y/%m/", blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    # Progress of background processing, for the progress bar.
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows processed"), default=0)
    created_count = models.PositiveIntegerField(_("pupils added"), default=0)
    updated_count = models.PositiveIntegerField(_("pupils updated"), default=0)
    unchanged_count = models.PositiveIntegerField(_("pupils unchanged"), default=0)
    held_count = models.PositiveIntegerField(_("held as possible duplicates"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    # [{"row": 7, "column": "Ngày sinh", "message": "..."}] — the row as Excel numbers it.
    errors = models.JSONField(_("errors"), default=list, blank=True)
    # What an import changed on existing pupils, shown to the uploader.
    changes = models.JSONField(_("changes"), default=list, blank=True)
    message = models.TextField(_("message"), blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # Errors beyond the first IMPORT_ERRORS_KEPT, counted: [{"column", "message", "count"}].
    error_summary = models.JSONField(_("other errors, counted"), default=list, blank=True)
    # Which worker process holds the upload and when it last reported (students/upload_recovery.py).
    worker = models.CharField(_("worker"), max_length=100, blank=True)
    heartbeat_at = models.DateTimeField(_("last sign of the worker"), null=True, blank=True)

    history = HistoricalRecords()
    objects = CommuneScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("pupil list upload")
        verbose_name_plural = _("pupil list uploads")

    def __str__(self) -> str:
        return f"{self.original_name} ({self.commune.name})"


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
    # Lower case, no diacritics, single spaces: for search and duplicate matching. Searched with
    # `contains` and matched by its blocks (students/matching.py): no index helps either, and the one
    # it had on (name_key, birth_date) cost a 100,000-row list 0.4 s of its COPY (bench import_memory).
    name_key = models.CharField(_("name key"), max_length=100, editable=False, default="")
    upload = models.ForeignKey(
        StudentUpload,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="students",
        verbose_name=_("from upload"),
    )
    source_row = models.PositiveIntegerField(_("row in the file"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verified by"),
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # The history is read by record (id) and by moment (history_date), never by these: an index on
    # each cost a 100,000-row import a second of its COPY (bench import_memory).
    history = HistoricalRecords(no_db_index=["commune", "school", "hamlet", "upload", "verified_by", "name_key"])
    objects = CommuneScopedQuerySet.as_manager()

    class Meta:
        ordering = ["commune__code", "full_name"]
        verbose_name = _("pupil")
        verbose_name_plural = _("pupils")
        constraints = [
            # One active record per identifier across the district; a second
            # listing is kept but held (status "held") until a person decides.
            # The IDs are digits, compared byte by byte (varchar_pattern_ops, PostgreSQL; equality as
            # before): under the database's collation every insert cost strcoll() calls, 0.2 s of a
            # 100,000-row list's COPY.
            models.UniqueConstraint(
                fields=["personal_id"],
                condition=Q(status__in=["listed", "verified"]) & ~Q(personal_id=""),
                name="student_one_active_per_personal_id",
                opclasses=["varchar_pattern_ops"],
            ),
            models.UniqueConstraint(
                fields=["pupil_id"],
                condition=Q(status__in=["listed", "verified"]) & ~Q(pupil_id=""),
                name="student_one_active_per_pupil_id",
                opclasses=["varchar_pattern_ops"],
            ),
            models.CheckConstraint(
                condition=Q(lacks_device=True) | Q(lacks_internet=True),
                name="student_has_a_need",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.school})"


class DuplicateCandidateQuerySet(CommuneScopedQuerySet):
    # A commune sees the pairs its own later listing is in.
    commune_field = "candidate__commune"


class DuplicateCandidate(models.Model):
    """Two records that may be the same pupil, waiting for a person to decide."""

    class Reason(models.TextChoices):
        PERSONAL_ID = "personal_id", _("same personal ID")
        PUPIL_ID = "pupil_id", _("same pupil ID")
        NAME_BIRTH_DATE = "name_birth_date", _("same name and birth date")
        SIMILAR_NAME = "similar_name", _("similar name, same birth date")

    class Decision(models.TextChoices):
        PENDING = "pending", _("not decided")
        SAME = "same", _("same pupil")
        DIFFERENT = "different", _("different pupils")

    # `existing` was listed first; `candidate` is the later record, held until decided.
    existing = models.ForeignKey(
        Student, on_delete=models.PROTECT, related_name="duplicate_of_pairs", verbose_name=_("existing record")
    )
    candidate = models.ForeignKey(
        Student, on_delete=models.PROTECT, related_name="duplicate_pairs", verbose_name=_("new record")
    )
    reason = models.CharField(_("why they matched"), max_length=20, choices=Reason.choices)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("found at"), auto_now_add=True)

    history = HistoricalRecords()
    objects = DuplicateCandidateQuerySet.as_manager()

    class Meta:
        ordering = ["decision", "-created_at"]
        verbose_name = _("possible duplicate")
        verbose_name_plural = _("possible duplicates")
        constraints = [
            models.UniqueConstraint(fields=["existing", "candidate"], name="duplicate_pair_once"),
            models.CheckConstraint(condition=~Q(existing=models.F("candidate")), name="duplicate_pair_two_records"),
        ]

    def __str__(self) -> str:
        return f"{self.existing_id} ~ {self.candidate_id}"


class DataExport(models.Model):
    """One download of pupils' personal data: who, when, what and how many rows (Decree 13/2023, art. 27)."""

    class Kind(models.TextChoices):
        PUPIL_LIST = "pupil_list", _("pupil list (.xlsx)")
        PUPIL_ADMIN = "pupil_admin", _("pupil list from the admin")
        MARKED_UPLOAD = "marked_upload", _("marked-up pupil list with errors")
        SIM_LIST = "sim_list", _("SIM list for the operator")
        HANDOVER_DOCX = "handover_docx", _("handover record (.docx)")
        HANDOVER_PDF = "handover_pdf", _("handover record (.pdf)")
        HANDOVER_SCAN = "handover_scan", _("signed handover record (scan)")
        PUPIL_RECORD = "pupil_record", _("everything held about one pupil")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="data_exports", verbose_name=_("user")
    )
    created_at = models.DateTimeField(_("exported at"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # What was asked for: the filters, the record or the offer; never a pupil's data.
    scope = models.JSONField(_("scope"), default=dict, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("export of pupils' data")
        verbose_name_plural = _("exports of pupils' data")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.row_count})"


class GuardianRequestQuerySet(CommuneScopedQuerySet):
    commune_field = "student__commune"


class GuardianRequest(models.Model):
    """A parent's or guardian's request to see or correct what is held about their child."""

    class Kind(models.TextChoices):
        SEE = "see", _("see the data")
        CORRECT = "correct", _("correct the data")

    class Channel(models.TextChoices):
        IN_PERSON = "in_person", _("in person")
        PHONE = "phone", _("by phone")
        LETTER = "letter", _("in writing")
        OTHER = "other", _("other")

    class Outcome(models.TextChoices):
        PROVIDED = "provided", _("record provided")
        CORRECTED = "corrected", _("data corrected")
        NOTHING_TO_CORRECT = "nothing", _("nothing to correct")
        REFUSED = "refused", _("refused, with the reason")

    student = models.ForeignKey(
        Student, on_delete=models.PROTECT, related_name="guardian_requests", verbose_name=_("pupil")
    )
    kind = models.CharField(_("request"), max_length=10, choices=Kind.choices)
    requester_name = models.CharField(_("requested by (name as given)"), max_length=100)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    received_on = models.DateField(_("received on"))
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("handled by")
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    history = HistoricalRecords()
    objects = GuardianRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-received_on", "-pk"]
        verbose_name = _("request from a parent or guardian")
        verbose_name_plural = _("requests from parents or guardians")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.received_on:%d/%m/%Y}"
