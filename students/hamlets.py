"""Hamlets: the pupil side of a merge, and the import of a hamlet list."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from students.models import Hamlet, Student


def hamlet_pupils_move(*, source: Hamlet, target: Hamlet) -> int:
    """Move every pupil of `source` to `target`; the caller holds the transaction (and the merge)."""
    if source.commune_id != target.commune_id:
        raise ValidationError(_("Only hamlets of the same commune can be merged."), code="other_commune")
    pupils = list(Student.objects.filter(hamlet=source).order_by("pk"))
    for pupil in pupils:
        pupil.hamlet = target
    if pupils:
        bulk_update_with_history(
            pupils,
            Student,
            ["hamlet"],
            batch_size=500,
            default_change_reason=_("Hamlet merged into %(hamlet)s") % {"hamlet": target.name},
        )
    return len(pupils)
