"""Personal data of pupils and guardians: which fields they are, and the log of every export of them.

Decree 13/2023/NĐ-CP and Law 91/2025/QH15 (FACTS.md): a child's data is processed only for
what the programme needs, shown only to the roles that work on it, and each copy that leaves
the system is recorded.
"""

from __future__ import annotations

from django.db import models

from students.models import DataExport

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


def record_export(user, kind: str, row_count: int, **scope) -> DataExport:
    """Write down one export: who, what kind, what was asked for (filters or ids) and how many rows."""
    return DataExport.objects.create(
        user=user,
        kind=kind,
        row_count=row_count,
        scope={key: _plain(value) for key, value in scope.items() if value not in (None, "", [], ())},
    )
