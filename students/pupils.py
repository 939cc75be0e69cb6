"""The pupil's rules, in one place: cleaning a value, every change of status, holding on a clash,
the name key, and the history of a correction.

Every path that writes a pupil goes through here: the list import (students/importing.py), the
commune's correction form (students/forms.py), the privacy correction (students/privacy.py), the
office's decisions on pairs and verification (students/review.py) and the admin's save
(students/admin.py). tests/ check that no other module sets a pupil's status or name key.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from common.name_case import person_name
from common.parsers import parse_digits
from common.text import clean_text, fold
from students.models import DuplicateCandidate, SchoolLevel, Student

NAME = re.compile(r"^[^\W\d_]+(?:[ '’\-.][^\W\d_]+)*\.?$")
_GRADE = re.compile(r"^(\d{1,2})")
_CLASS = re.compile(r"^\d{1,2}[A-Z0-9/.\-]{0,8}$")
GRADES: dict[str, range] = {
    SchoolLevel.PRIMARY: range(1, 6),
    SchoolLevel.LOWER_SECONDARY: range(6, 10),
    SchoolLevel.UPPER_SECONDARY: range(10, 13),
}
# School-year 2021–2022: grade 1 pupils were born in 2015.
SCHOOL_YEAR_START = 2021
S = Student.Status


class PupilRuleError(ValueError):
    """A change the pupil's rules forbid; str(e) says why, in Vietnamese."""


# ---------------------------------------------------------------- values


def name_key(full_name: str) -> str:
    """Lower case, no diacritics, single spaces: for search and duplicate matching."""
    return fold(full_name)


def clean_name(value: object, *, required: bool = True) -> str:
    """A person's name, in Vietnamese case ("HỒ BẢO HƯƠNG" → "Hồ Bảo Hương"); ValueError says what is wrong."""
    name = person_name(clean_text(value))
    if not name:
        if required:
            raise ValueError(_("The name is missing."))
        return ""
    if len(name) > 100 or not NAME.match(name):
        raise ValueError(_("A name has only letters and spaces (at most 100 characters)."))
    return name


def clean_personal_id(value: object) -> str:
    personal_id = parse_digits(value, 12, restore_leading_zero=True)
    if not personal_id.startswith("0"):
        raise ValueError(_("A personal ID starts with 0 (the province code)."))
    return personal_id


def clean_pupil_id(value: object) -> str:
    return parse_digits(value, 10)


def id_fits_birth_date(personal_id: str, birth_date: date | None) -> bool:
    """Digit 4 is century and sex (2/3 for 2000–2099), digits 5–6 the birth year (FACTS.md)."""
    if not (birth_date and personal_id and personal_id[3] in "23"):
        return True
    return personal_id[4:6] == f"{birth_date.year % 100:02d}"


def clean_class(value: object) -> tuple[str, int | None]:
    """('3A', 3); a missing or malformed class raises ValueError."""
    class_name = clean_text(value).upper().replace(" ", "")
    if not class_name:
        raise ValueError(_("The class is missing."))
    match = _GRADE.match(class_name)
    grade = int(match.group(1)) if match else None
    if grade is None or not 1 <= grade <= 12 or not _CLASS.match(class_name):
        raise ValueError(_("A class starts with its grade, 1 to 12 (for example 3A)."))
    return class_name, grade


def grade_error(grade: int | None, level: str) -> str:
    if level and grade and grade not in GRADES[level]:
        return _("Grade %(grade)s is not in %(level)s.") % {"grade": grade, "level": SchoolLevel(level).label}
    return ""


def birth_error(birth_date: date | None, grade: int | None) -> str:
    if birth_date and grade:
        expected = SCHOOL_YEAR_START - 5 - grade
        if not expected - 3 <= birth_date.year <= expected + 1:
            return _("Born in %(year)s is not plausible for grade %(grade)s (expected around %(expected)s).") % {
                "year": birth_date.year,
                "grade": grade,
                "expected": expected,
            }
    return ""


def id_taken(personal_id: str, pupil_id: str, *, exclude: int | None = None) -> str:
    """The identifier another active record already holds, in words, if any."""
    clash = id_clash(personal_id, pupil_id, exclude=exclude)
    return clash[1] if clash else ""


def id_clash(personal_id: str, pupil_id: str, *, exclude: int | None = None) -> tuple[str, str] | None:
    """(field, the identifier in words) that another active record already holds, or None."""
    active = Student.objects.filter(status__in=Student.ACTIVE_STATUSES)
    if exclude is not None:
        active = active.exclude(pk=exclude)
    if personal_id and active.filter(personal_id=personal_id).exists():
        return "personal_id", _("personal ID %(id)s") % {"id": personal_id}
    if pupil_id and active.filter(pupil_id=pupil_id).exists():
        return "pupil_id", _("pupil ID %(id)s") % {"id": pupil_id}
    return None


def supported_student_ids(ids: Iterable[int]) -> set[int]:
    """Pupils whose one support place is taken (allocation, above this app, adds `supports`)."""
    return set(
        Student.objects.filter(pk__in=list(ids), supports__released=False).values_list("pk", flat=True).distinct()
    )


# ---------------------------------------------------------------- status


def undecided_pair() -> Q:
    """Pupils on either side of a pair nobody has decided yet."""
    pending = DuplicateCandidate.Decision.PENDING
    return Q(duplicate_pairs__decision=pending) | Q(duplicate_of_pairs__decision=pending)


def status_for_new(held: bool) -> str:
    """A new record is listed, or held when it may be a pupil listed already."""
    return S.HELD if held else S.LISTED


def hold(student: Student) -> None:
    """Held until a person decides on its pair: counted in need, never verified meanwhile."""
    student.status = S.HELD


def data_changed(student: Student, *, by_reviewer: bool = False) -> None:
    """After a pupil's data changed: the name key follows the name, and a verified pupil was verified
    as they were, so goes back to listed unless the education office itself made the change."""
    student.name_key = name_key(student.full_name)
    if student.status == S.VERIFIED and not by_reviewer:
        student.status = S.LISTED


def verify(student: Student, user: User | None, *, undecided: bool) -> None:
    """Listed → verified; a held record, or one in an undecided pair, never."""
    if undecided:
        raise PupilRuleError(_("in a possible-duplicate pair nobody has decided yet"))
    if student.status == S.VERIFIED:
        raise PupilRuleError(_("already verified"))
    if student.status != S.LISTED:
        raise PupilRuleError(_("status is %(status)s") % {"status": student.get_status_display()})
    student.status = S.VERIFIED
    student.verified_by = user
    student.verified_at = timezone.now()


def unverify(student: Student, user: User, *, today: date) -> None:
    """Verified → listed again: only by the one who verified, on the day (undoing a bulk verification)."""
    if (
        student.status != S.VERIFIED
        or student.verified_by_id != user.pk
        or timezone.localdate(student.verified_at) != today
    ):
        raise PupilRuleError(_("not verified by you today"))
    student.status = S.LISTED
    student.verified_by = None
    student.verified_at = None


def reject(student: Student, reason: str) -> None:
    if student.status in (S.REJECTED, S.DUPLICATE):
        raise PupilRuleError(_("status is %(status)s") % {"status": student.get_status_display()})
    student.status = S.REJECTED
    student.rejection_reason = reason


def mark_duplicate(student: Student) -> None:
    """Decided the same pupil as another record: kept, for history, never counted."""
    student.status = S.DUPLICATE


def release(student: Student, *, deciding_pair: int) -> bool:
    """A held record goes back to listed once no other pair of it waits; True when it did."""
    others = DuplicateCandidate.objects.filter(candidate=student, decision=DuplicateCandidate.Decision.PENDING)
    if student.status != S.HELD or others.exclude(pk=deciding_pair).exists():
        return False
    student.status = S.LISTED
    return True


# ---------------------------------------------------------------- a correction


def correct(student: Student, changed: list[str], *, user: User, reason: str, by_reviewer: bool) -> Student:
    """Save a correction with its reason in the history. Caller holds a transaction.

    The rules of an upload hold for corrections too: a supported pupil is named on a handover
    record (only the office corrects them), and a verified pupil was verified as they were."""
    if changed and not by_reviewer and supported_student_ids([student.pk]):
        raise ValidationError(
            _("This pupil is already supported: only the education office can correct their data."),
            code="supported",
        )
    if changed:
        data_changed(student, by_reviewer=by_reviewer)
    student.name_key = name_key(student.full_name)
    student._change_reason = reason  # type: ignore[attr-defined]  # simple_history's hook, not a field
    student._history_user = user  # type: ignore[attr-defined]  # simple_history's hook, not a field
    try:
        with transaction.atomic():
            student.save()
    except IntegrityError:
        raise ValidationError(
            _("Another active pupil already has this personal ID or pupil ID: check the number."), code="unique_id"
        ) from None
    return student
