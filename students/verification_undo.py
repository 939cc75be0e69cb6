"""Undoing a bulk verification the same day: the pupils go back on the list, waiting to be verified.

Only the user who verified them may undo it, only on the day they did, and never for a pupil who
already received support (that is withdrawn through allocation first). The change is saved per record,
so each one's history shows who undid it and when.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from students import pupils
from students.models import Student
from students.review import Outcome


@transaction.atomic
def verification_undo(*, student_ids: Iterable[int], by: User, today: date | None = None) -> Outcome:
    """Put back to 'listed' the pupils `by` verified on `today` (default: today) that have no support yet."""
    today = today or timezone.localdate()
    ids = list(student_ids)
    supported = pupils.supported_student_ids(ids)
    outcome = Outcome()
    for student in Student.objects.select_for_update().filter(pk__in=ids).order_by("pk"):
        if student.pk in supported:
            outcome.skipped[student.pk] = _("already received support")
        else:
            try:
                pupils.unverify(student, by, today=today)
            except pupils.PupilRuleError as refusal:
                outcome.skipped[student.pk] = str(refusal)
                continue
            student.save(update_fields=["status", "verified_by", "verified_at", "updated_at"])
            outcome.done.append(student.pk)
    return outcome
