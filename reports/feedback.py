"""Reports from the public ("phản ánh"): taking them, handling them, looking them up, counting them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from common.phones import normalise_phone, parse_contact_phone
from common.text import fold
from reports.models import MAX_RESPONSE_LENGTH, Feedback, new_feedback_code
from reports.snapshot import Snapshot
from students.models import Commune, Student

# A case still open this long after it came in is flagged in the report and on the dashboard.
OPEN_TOO_LONG = timedelta(days=3)
# The staff list's status filter for every case still waiting for an answer (new or being checked).
OPEN = "open"
_CODE_ATTEMPTS = 5


def _one_line(value: str) -> str:
    return " ".join((value or "").split())


def feedback_create(
    *,
    kind: str,
    commune: Commune,
    description: str,
    reporter_name: str,
    reporter_phone: str,
    reporter_relation: str,
    hamlet: str = "",
    school: str = "",
    pupil_name: str = "",
    pupil_birth_year: int | None = None,
    pupil_class: str = "",
    lacks_device: bool = False,
    lacks_internet: bool = False,
    submission_token: str | None = None,
) -> Feedback:
    """A new case for the commune and the education office, all or nothing.

    A repeated `submission_token` (a replayed public form) raises ValidationError and saves nothing.
    """
    try:
        phone = parse_contact_phone(reporter_phone)
    except ValueError:
        raise ValidationError(
            {"reporter_phone": _("Type a Vietnamese phone number of 10 digits starting with 0.")}, code="phone"
        ) from None
    pupil_name = _one_line(pupil_name)
    reporter_name = _one_line(reporter_name)
    feedback = Feedback(
        code=new_feedback_code(),
        kind=kind,
        commune=commune,
        hamlet=_one_line(hamlet),
        school=_one_line(school),
        pupil_name=pupil_name,
        pupil_birth_year=pupil_birth_year,
        pupil_class=_one_line(pupil_class),
        lacks_device=lacks_device,
        lacks_internet=lacks_internet,
        description=(description or "").strip(),
        reporter_name=reporter_name,
        reporter_phone=phone,
        reporter_relation=reporter_relation,
        name_key=fold(f"{pupil_name} {reporter_name}")[:210],
        submission_token=submission_token,
    )
    errors = {}
    if kind == Feedback.Kind.MISSED_PUPIL:
        if not pupil_name:
            errors["pupil_name"] = _("Type the name of the pupil who is missing from the list.")
        if not (lacks_device or lacks_internet):
            errors["lacks_device"] = _("Say what the pupil lacks: a device, Internet, or both.")
    if not reporter_name:
        errors["reporter_name"] = _("Type your name.")
    if errors:
        raise ValidationError(errors)
    # Lengths, choices and the database's rules, checked before anything is written.
    feedback.full_clean(exclude=["code"], validate_unique=False)
    for _attempt in range(_CODE_ATTEMPTS):
        try:
            with transaction.atomic():
                feedback.save(force_insert=True)
            return feedback
        except IntegrityError as error:
            if submission_token and Feedback.objects.filter(submission_token=submission_token).exists():
                raise ValidationError(_("This form has already been sent."), code="replayed") from error
            if not Feedback.objects.filter(code=feedback.code).exists():
                raise
            feedback.code = new_feedback_code()  # two reports drew the same code: draw again
    raise ValidationError(_("The report could not be saved. Please send it again."), code="code_taken")


def feedback_update(
    *, feedback: Feedback, status: str, response: str, user: User, student: Student | None = None
) -> Feedback:
    """Staff change a case's status and write the answer the reporter reads; optionally link the pupil.

    Resolving or rejecting needs a response (the reason). The pupil must be one the user may see,
    of the case's commune. `student=None` removes a link.
    """
    if not Feedback.objects.editable_by(user).filter(pk=feedback.pk).exists():
        raise PermissionDenied
    response = (response or "").strip()
    if status not in Feedback.Status.values:
        raise ValidationError({"status": _("Choose a status from the list.")}, code="status")
    if status in Feedback.CLOSED_STATUSES and not response:
        message = (
            _("Write why the report is rejected: the reporter reads it.")
            if status == Feedback.Status.REJECTED
            else _("Write what was done: the reporter reads it.")
        )
        raise ValidationError({"response": message}, code="response_required")
    if len(response) > MAX_RESPONSE_LENGTH:
        raise ValidationError({"response": _("The response is too long.")}, code="response_too_long")
    if (
        student is not None
        and not Student.objects.visible_to(user).filter(pk=student.pk, commune_id=feedback.commune_id).exists()
    ):
        raise ValidationError(
            {"student": _("Choose a pupil of this commune's list that you may see.")}, code="student_scope"
        )
    with transaction.atomic():
        locked = Feedback.objects.select_for_update().get(pk=feedback.pk)
        locked.status = status
        locked.response = response
        locked.student = student
        locked.handled_by = user
        locked.handled_at = timezone.now()
        locked._change_reason = str(Feedback.Status(status).label)[:100]  # type: ignore[attr-defined]  # simple_history's hook, not a field
        locked.save(update_fields=["status", "response", "student", "handled_by", "handled_at"])
    return locked


def find_for_lookup(code: str, phone: str) -> Feedback | None:
    """The case with this code sent with this phone (both must match; the same None for either wrong)."""
    code = (code or "").strip().upper()
    phone = normalise_phone(phone)
    if not code or len(phone) < 10:
        return None
    feedback = Feedback.objects.select_related("commune").filter(code=code).first()
    if feedback is None or normalise_phone(feedback.reporter_phone) != phone:
        return None
    return feedback


def filter_feedback(
    queryset: models.QuerySet[Feedback],
    *,
    search: str = "",
    status: str = "",
    kind: str = "",
    commune: Commune | None = None,
) -> models.QuerySet[Feedback]:
    """Staff list filters; the search matches the code, a name without accents, or the phone.
    `status` is one of Feedback.Status, or OPEN for the cases waiting for an answer."""
    if status == OPEN:
        queryset = queryset.filter(status__in=Feedback.OPEN_STATUSES)
    elif status:
        queryset = queryset.filter(status=status)
    if kind:
        queryset = queryset.filter(kind=kind)
    if commune is not None:
        queryset = queryset.filter(commune=commune)
    search = (search or "").strip()
    if search:
        digits = "".join(ch for ch in search if ch.isdigit())
        match = Q(code__iexact=search) | Q(name_key__contains=fold(search))
        if len(digits) >= 4 and len(digits) == len(search.replace(" ", "").replace(".", "")):
            match |= Q(reporter_phone__contains=digits)
        queryset = queryset.filter(match)
    return queryset


def possible_pupils(feedback: Feedback, user: User | AnonymousUser, limit: int = 10) -> list[Student]:
    """Pupils of the case's commune the user may see whose name matches the reported one."""
    key = fold(feedback.pupil_name)
    if not key:
        return []
    return list(
        Student.objects.visible_to(user)
        .filter(commune_id=feedback.commune_id, name_key__contains=key)
        .select_related("school")
        .order_by("full_name", "pk")[:limit]
    )


def feedback_figures(snapshot: Snapshot) -> dict[str, Any]:
    """Counts for the progress report, from `snapshot.rows(Feedback)` only (live or as of a day), in 2 queries."""
    rows = snapshot.rows(Feedback).order_by()
    open_ = Q(status__in=Feedback.OPEN_STATUSES)
    counts = {
        "total": Count("id"),
        "missed_pupils_found": Count("id", filter=Q(kind=Feedback.Kind.MISSED_PUPIL, student_id__isnull=False)),
        "open_over_3_days": Count("id", filter=open_ & Q(created_at__lt=snapshot.moment - OPEN_TOO_LONG)),
    }
    counts |= {f"status_{value}": Count("id", filter=Q(status=value)) for value in Feedback.Status.values}
    counts |= {f"kind_{value}": Count("id", filter=Q(kind=value)) for value in Feedback.Kind.values}
    totals = rows.aggregate(**counts)
    by_commune = {
        row["commune__code"]: {"total": row["total"], "open": row["open"]}
        for row in rows.values("commune__code")
        .annotate(total=Count("id"), open=Count("id", filter=open_))
        .order_by("commune__code")
    }
    return {
        "total": totals["total"],
        "by_status": {value: totals[f"status_{value}"] for value in Feedback.Status.values},
        "by_kind": {value: totals[f"kind_{value}"] for value in Feedback.Kind.values},
        "missed_pupils_found": totals["missed_pupils_found"],
        "open_over_3_days": totals["open_over_3_days"],
        "by_commune": by_commune,
    }
