"""The education office's decisions on pupils: duplicate pairs, verification, rejection.

Each decision locks the rows it changes (select_for_update) so two people
deciding at once cannot both win, and re-checks the one-active-record-per-ID
rule before releasing a held record.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser, User
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from students import pupils
from students.models import VIEW_ALL_COMMUNES, DuplicateCandidate, Student
from students.pupils import supported_student_ids

# Fields a "same pupil" decision copies to the kept record when it has them blank.
MERGED_WHEN_BLANK = ("personal_id", "pupil_id", "gender", "guardian_name", "guardian_phone", "hamlet_id")


class ReviewError(Exception):
    """A decision that cannot be taken; str(e) says why, in Vietnamese."""


@dataclass
class Outcome:
    done: list[int] = field(default_factory=list)
    # pupil id -> why it was left as it was
    skipped: dict[int, str] = field(default_factory=dict)


def can_review(user: User | AnonymousUser) -> bool:
    """Verification and duplicate decisions belong to the district's education office."""
    return bool(
        user.is_authenticated
        and user.has_perm(VIEW_ALL_COMMUNES)
        and user.has_perm("students.change_student")
        and user.has_perm("students.change_duplicatecandidate")
    )


def in_undecided_pair() -> Q:
    """Pupils on either side of a pair nobody has decided yet (students.pupils says so)."""
    return pupils.undecided_pair()


def _id_taken(student: Student) -> str:
    """The identifier another active record already holds, if any."""
    return pupils.id_taken(student.personal_id, student.pupil_id, exclude=student.pk)


def _merge_into(kept: Student, other: Student) -> list[str]:
    filled = []
    for name in MERGED_WHEN_BLANK:
        if not getattr(kept, name) and getattr(other, name):
            setattr(kept, name, getattr(other, name))
            filled.append(name)
    kept.lacks_device = kept.lacks_device or other.lacks_device
    kept.lacks_internet = kept.lacks_internet or other.lacks_internet
    kept.hardships = list(dict.fromkeys([*kept.hardships, *other.hardships]))
    return filled


@transaction.atomic
def pair_decide(*, pair_id: int, decision: str, user: User | None, note: str = "") -> DuplicateCandidate:
    """Record "same pupil" (the held record becomes a kept-for-history duplicate) or "different pupils"."""
    try:
        pair = DuplicateCandidate.objects.select_for_update().get(pk=pair_id)
    except DuplicateCandidate.DoesNotExist:
        raise ReviewError(_("This pair no longer exists.")) from None
    if pair.decision != DuplicateCandidate.Decision.PENDING:
        raise ReviewError(_("Someone has already decided on this pair."))
    students = {
        s.pk: s for s in Student.objects.select_for_update().filter(pk__in=[pair.existing_id, pair.candidate_id])
    }
    existing, candidate = students[pair.existing_id], students[pair.candidate_id]

    if decision == DuplicateCandidate.Decision.SAME:
        # The record listed first stays; the later one is kept, marked as its duplicate.
        # ...unless it was rejected or merged away meanwhile: then the live record stays.
        gone = (Student.Status.DUPLICATE, Student.Status.REJECTED)
        kept, dropped = (candidate, existing) if existing.status in gone else (existing, candidate)
        pupils.mark_duplicate(dropped)
        dropped.save(update_fields=["status", "updated_at"])
        _merge_into(kept, dropped)
        pupils.release(kept, deciding_pair=pair.pk)
        try:
            with transaction.atomic():
                kept.save()
        except IntegrityError:
            raise ReviewError(
                _("The records cannot be merged: an identifier of one is already used by another active pupil.")
            ) from None
    elif decision == DuplicateCandidate.Decision.DIFFERENT:
        others_pending = DuplicateCandidate.objects.filter(
            candidate=candidate, decision=DuplicateCandidate.Decision.PENDING
        ).exclude(pk=pair.pk)
        if candidate.status == Student.Status.HELD and not others_pending.exists():
            taken = _id_taken(candidate)
            if taken:
                raise ReviewError(
                    _(
                        "These cannot be two different pupils: %(what)s belongs to an active pupil already. "
                        "Correct the identifier in the commune's list first, or decide they are the same pupil."
                    )
                    % {"what": taken}
                )
            pupils.release(candidate, deciding_pair=pair.pk)
            try:
                with transaction.atomic():
                    candidate.save(update_fields=["status", "updated_at"])
            except IntegrityError:
                raise ReviewError(_("Another active pupil took the same identifier meanwhile; try again.")) from None
    else:
        raise ReviewError(_("Unknown decision."))

    pair.decision = decision
    pair.decided_by = user
    pair.decided_at = timezone.now()
    pair.note = note
    pair.save()
    return pair


@transaction.atomic
def students_verify(*, student_ids: Iterable[int], user: User | None) -> Outcome:
    """Mark listed pupils verified; held, undecided, rejected and duplicate records stay as they are."""
    outcome = Outcome()
    ids = list(student_ids)
    undecided = set(Student.objects.filter(pk__in=ids).filter(in_undecided_pair()).values_list("pk", flat=True))
    for student in Student.objects.select_for_update().filter(pk__in=ids).order_by("pk"):
        try:
            pupils.verify(student, user, undecided=student.pk in undecided)
        except pupils.PupilRuleError as refusal:
            outcome.skipped[student.pk] = str(refusal)
        else:
            student.save(update_fields=["status", "verified_by", "verified_at", "updated_at"])
            outcome.done.append(student.pk)
    return outcome


@transaction.atomic
def students_reject(*, student_ids: Iterable[int], user: User | None, reason: str) -> Outcome:
    """Take pupils off the list with a reason; the records stay, for history and complaints."""
    reason = " ".join(reason.split())
    if not reason:
        raise ReviewError(_("Give the reason for rejecting."))
    outcome = Outcome()
    ids = list(student_ids)
    supported = supported_student_ids(ids)
    for student in Student.objects.select_for_update().filter(pk__in=ids).order_by("pk"):
        if student.pk in supported:
            outcome.skipped[student.pk] = _("already received support")
            continue
        try:
            pupils.reject(student, reason)
        except pupils.PupilRuleError as refusal:
            outcome.skipped[student.pk] = str(refusal)
            continue
        # Who rejected and when is kept in the record's history.
        student._history_user = user  # type: ignore[attr-defined]  # simple_history's hook, not a field
        student.save(update_fields=["status", "rejection_reason", "updated_at"])
        outcome.done.append(student.pk)
    return outcome
