"""Personal data of pupils and guardians: which fields they are, and the log of every export of them.

Decree 13/2023/NĐ-CP and Law 91/2025/QH15 (FACTS.md): a child's data is processed only for
what the programme needs, shown only to the roles that work on it, and each copy that leaves
the system is recorded.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.contrib.auth.models import User
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from students import pupils, review
from students.models import DataExport, GuardianRequest, Hardship, Student

if TYPE_CHECKING:
    from students.forms import StudentCorrectionForm

# Fields that identify a pupil or their family. History, logs and exports leave them out
# for roles without `students.view_student`; `anonymise_pupils` replaces them.
STUDENT_PERSONAL_FIELDS = (
    "full_name",
    "name_key",
    "birth_date",
    "gender",
    "personal_id",
    "pupil_id",
    "guardian_name",
    "guardian_phone",
    "rejection_reason",
)
FEEDBACK_PERSONAL_FIELDS = ("pupil_name", "pupil_birth_year", "reporter_name", "reporter_phone", "name_key")
SUPPORT_PERSONAL_FIELDS = ("received_by",)

ExportKind = DataExport.Kind


def _plain(value):
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def export_record(*, user: User, kind: str, row_count: int, **scope: object) -> DataExport:
    """Write down one export: who, what kind, what was asked for (filters or ids) and how many rows."""
    return DataExport.objects.create(
        user=user,
        kind=kind,
        row_count=row_count,
        scope={key: _plain(value) for key, value in scope.items() if value not in (None, "", [], ())},
    )


# ---------------------------------------------------------------- a guardian's requests


def student_correct(*, form: StudentCorrectionForm, user: User, reason: str) -> Student:
    """Save a corrected pupil (through students.pupils, the rules' owner) with the reason in its
    history; record the guardian's request if one asked. A taken ID is refused in words."""
    student = form.instance
    changed = [name for name in form.changed_data if name in (form._meta.fields or ())]
    requester = form.cleaned_data.get("requester_name", "").strip()
    with transaction.atomic():
        pupils.correct(student, changed, user=user, reason=reason, by_reviewer=review.can_review(user))
        if requester:
            GuardianRequest.objects.create(
                student=student,
                kind=GuardianRequest.Kind.CORRECT,
                requester_name=requester,
                channel=form.cleaned_data["channel"],
                received_on=timezone.localdate(),
                handled_by=user,
                outcome=GuardianRequest.Outcome.CORRECTED,
                note=reason,
            )
    return student


# Another person's data met on a pupil's rows (who reported, a lookup code): not the guardian's to read.
_NOT_THE_PUPILS = {"reporter_name", "reporter_phone", "reporter_relation", "code", "submission_token", "name_key"}


def readable_value(field: models.Field, value):
    """A stored value as a person reads it (words for codes, dd/mm/yyyy), or None for other kinds.

    The pupil's record and the admin's history of changes (allocation.admin.ReadableChanges) share it.
    """
    if value is None or value == "":
        return "—"
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime.datetime):
        return f"{timezone.localtime(value):%d/%m/%Y %H:%M}"
    if isinstance(value, datetime.date):
        return f"{value:%d/%m/%Y}"
    return None


def _shown(instance: models.Model, field: models.Field, student: Student):
    value = getattr(instance, field.attname)
    if field.is_relation and value is not None:
        if field.related_model is Student and value != student.pk:
            return _("another pupil's record")
        return str(getattr(instance, field.name))
    readable = readable_value(field, value)
    if readable is not None:
        return readable
    if field.name == "hardships":
        labels = dict(Hardship.choices)
        return ", ".join(str(labels.get(v, v)) for v in value) or "—"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _fields_of(instance: models.Model, student: Student) -> list[tuple[str, str]]:
    return [
        (str(field.verbose_name).capitalize(), _shown(instance, field, student))
        for field in instance._meta.concrete_fields
        if field.name not in _NOT_THE_PUPILS and not field.primary_key
    ]


def _history_of(instance: models.Model, student: Student) -> list[dict]:
    entries = []
    previous = None
    history = instance.history  # type: ignore[attr-defined]  # added by simple_history
    records = list(history.select_related("history_user").order_by("history_date", "history_id"))
    for record in records:
        changes: list[dict[str, object]] = []
        if previous is not None:
            delta = record.diff_against(previous)
            for change in delta.changes:
                if change.field in _NOT_THE_PUPILS:
                    continue
                field = instance._meta.get_field(change.field)
                if not isinstance(field, models.Field):  # a concrete field: the history has no relations
                    continue
                changes.append(
                    {
                        "field": str(field.verbose_name).capitalize(),
                        "old": _shown(previous, field, student),
                        "new": _shown(record, field, student),
                    }
                )
        entries.append(
            {
                "when": record.history_date,
                "who": record.history_user,
                "type": record.get_history_type_display(),
                "reason": record.history_change_reason or "",
                "changes": changes,
            }
        )
        previous = record
    return entries


@dataclass
class RecordSection:
    title: str
    items: list[dict] = field(default_factory=list)  # {"fields": [(label, value)], "history": [...]}


def pupil_record(student: Student) -> dict:
    """Everything held about one pupil: their data, every row that refers to them, and who changed what when.

    Rows of other apps (supports, places, reports from the public, requests) are found through the
    relations to `Student`, so a new kind of row is in the record without this module knowing it.
    """
    by_model: dict[type[models.Model], dict[int, models.Model]] = {}
    for relation in student._meta.related_objects:
        model = relation.related_model
        if model.__name__.startswith("Historical") or not relation.one_to_many:
            continue
        found = model._base_manager.filter(**{relation.field.name: student})
        by_model.setdefault(model, {}).update({row.pk: row for row in found})
    sections = []
    for model, rows in by_model.items():
        if not rows:
            continue
        section = RecordSection(str(model._meta.verbose_name_plural).capitalize())
        for _pk, row in sorted(rows.items()):
            history = _history_of(row, student) if hasattr(model, "history") else []
            section.items.append({"fields": _fields_of(row, student), "history": history})
        sections.append(section)
    return {
        "student": student,
        "fields": _fields_of(student, student),
        "history": _history_of(student, student),
        "sections": sections,
        "row_count": 1 + sum(len(s.items) for s in sections),
    }
