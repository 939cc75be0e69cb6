"""A possible-duplicate pair side by side, field by field, each field that differs marked (the pair page)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from students.models import DuplicateCandidate, Student


@dataclass(frozen=True)
class FieldRow:
    label: str
    first: str
    later: str

    @property
    def differs(self) -> bool:
        return self.first.casefold() != self.later.casefold()


def _needs(s: Student) -> str:
    needs = ((_("device"), s.lacks_device), ("Internet", s.lacks_internet))
    return ", ".join(str(need) for need, lacks in needs if lacks)


FIELDS: tuple[tuple[str, Callable[[Student], object]], ...] = (
    (_("Full name"), lambda s: s.full_name),
    (_("Birth date"), lambda s: date_format(s.birth_date, "d/m/Y") if s.birth_date else ""),
    (_("Gender"), lambda s: s.get_gender_display()),
    (_("Personal ID"), lambda s: s.personal_id),
    (_("Pupil ID"), lambda s: s.pupil_id),
    (_("School"), lambda s: s.school.name if s.school_id else ""),
    (_("Class"), lambda s: s.class_name),
    (_("Level"), lambda s: s.get_level_display()),
    (_("Commune"), lambda s: str(s.commune)),
    (_("Hamlet"), lambda s: s.hamlet.name if s.hamlet_id else ""),
    (_("Guardian"), lambda s: s.guardian_name),
    (_("Guardian's phone"), lambda s: s.guardian_phone),
    (_("Needs"), _needs),
    (_("Status"), lambda s: s.get_status_display()),
    (_("Row in the file"), lambda s: s.source_row or ""),
)


def pair_rows(pair: DuplicateCandidate) -> list[FieldRow]:
    """Each field of the two records, as shown, in the order of the pupil list template."""
    return [
        FieldRow(str(label), str(value(pair.existing) or "—"), str(value(pair.candidate) or "—"))
        for label, value in FIELDS
    ]
