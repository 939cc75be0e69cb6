"""End of the campaign: pupils' and guardians' personal data replaced, every figure of the report kept.

Decree 13/2023 and Law 91/2025 (FACTS.md): delete what is no longer needed. The report counts
pupils by commune, school, level, hamlet, need, hardship and status, and supports, devices and
places by what was given: those columns stay. Names, birth dates, IDs, guardians, phones, free
text that may name a child, and the uploaded lists and signed scans go — in the live tables and
in their history (from which `--as-of` reports are read), in one transaction, with set-based
UPDATEs so that 100,000 pupils take seconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db import models, transaction
from django.db.models import F, Value
from django.db.models.fields.files import FieldFile
from django.db.models.functions import Cast, Concat

from allocation.models import FollowUp, HandoverBatch, Support
from donations.models import Device
from reports.models import Feedback
from students.models import DuplicateCandidate, GuardianRequest, Student, StudentUpload
from telecom.models import SimAssignment

# Every pupil gets the same placeholder birth date: no figure reads it.
ANONYMOUS_BIRTH_DATE = date(1900, 1, 1)
ANONYMOUS_NAME_PREFIX = "Học sinh ẩn danh "
ANONYMOUS_NAME_KEY_PREFIX = "hoc sinh an danh "
ANONYMOUS_PERSON = "Ẩn danh"
ANONYMOUS_PHONE = "0000000000"
REMOVED_TEXT = "(đã xoá khi kết thúc chương trình)"


def _token():
    # "123-123": the pupil's id twice. Two such tokens are always at least two edits apart, and
    # every anonymised pupil has the same placeholder birth date, which no real pupil has: the
    # duplicate matcher (students/matching.py, one edit on the given name) never pairs them,
    # with each other or with a pupil listed later.
    pk = Cast(F("id"), models.CharField())
    return Concat(pk, Value("-"), pk, output_field=models.CharField())


def anonymous_token(pk: int) -> str:
    return f"{pk}-{pk}"


def _both(model: type[models.Model]) -> tuple[models.QuerySet, models.QuerySet]:
    """The live table (its default manager, unscoped) and its history table."""
    return model._base_manager.all(), model.history.model._base_manager.all()


def _free_text(qs: models.QuerySet, *fields: str) -> int:
    """Text typed by people (reasons, notes) may name a child: replaced where not empty."""
    changed = 0
    for name in fields:
        changed += qs.exclude(**{name: ""}).exclude(**{name: REMOVED_TEXT}).update(**{name: REMOVED_TEXT})
    return changed


@dataclass
class Result:
    pupils: int = 0
    history_rows: int = 0
    feedback: int = 0
    supports: int = 0
    guardian_requests: int = 0
    files_deleted: list[str] = field(default_factory=list)


def anonymise() -> Result:
    """Replace the personal data everywhere; idempotent (the same values again on a second run)."""
    result = Result()
    with transaction.atomic():
        _anonymise_pupils(result)
        _anonymise_feedback(result)
        _anonymise_supports(result)
        _anonymise_notes(result)
        files = _forget_files()
        _remove_change_reasons()

        def delete_files():
            for stored in files:
                stored.storage.delete(stored.name)

        # Files are deleted only once the database has forgotten them.
        transaction.on_commit(delete_files)
        result.files_deleted = [stored.name for stored in files]
    return result


def _anonymise_pupils(result: Result) -> None:
    for qs in _both(Student):
        count = qs.update(
            full_name=Concat(Value(ANONYMOUS_NAME_PREFIX), _token(), output_field=models.CharField()),
            name_key=Concat(Value(ANONYMOUS_NAME_KEY_PREFIX), _token(), output_field=models.CharField()),
            birth_date=ANONYMOUS_BIRTH_DATE,
            gender="",
            personal_id="",
            pupil_id="",
            guardian_name="",
            guardian_phone="",
        )
        _free_text(qs, "rejection_reason")
        if qs.model is Student:
            result.pupils = count
        else:
            result.history_rows += count


def _anonymise_feedback(result: Result) -> None:
    for qs in _both(Feedback):
        count = qs.update(
            reporter_name=ANONYMOUS_PERSON,
            reporter_phone=ANONYMOUS_PHONE,
            pupil_birth_year=None,
            name_key="",
            description=REMOVED_TEXT,
        )
        qs.exclude(pupil_name="").update(pupil_name=ANONYMOUS_PERSON)
        _free_text(qs, "response")
        if qs.model is Feedback:
            result.feedback = count
        else:
            result.history_rows += count


def _anonymise_supports(result: Result) -> None:
    for qs in _both(Support):
        count = qs.update(received_by="")
        _free_text(qs, "manual_reason", "end_reason")
        if qs.model is Support:
            result.supports = count
        else:
            result.history_rows += count


def _anonymise_notes(result: Result) -> None:
    """Guardians' requests, follow-ups, duplicate reviews, SIMs and given devices: names in free text."""
    for qs in _both(GuardianRequest):
        count = qs.update(requester_name=ANONYMOUS_PERSON)
        _free_text(qs, "note")
        if qs.model is GuardianRequest:
            result.guardian_requests = count
    for model in (FollowUp, DuplicateCandidate):
        for qs in _both(model):
            _free_text(qs, "note")
    # A pupil's SIM number or fibre contract identifies the family; no figure reads them.
    for qs in _both(SimAssignment):
        qs.exclude(sim_number="", subscription_number="").update(sim_number="", subscription_number="")
        _free_text(qs, "cancel_reason")
    # Notes on a device that went to a pupil may name the family; the stock's notes stay.
    given = Support._base_manager.filter(device__isnull=False).values("device_id")
    for qs in _both(Device):
        _free_text(qs.filter(id__in=given), "notes")


def _forget_files() -> list[FieldFile]:
    """Clear the file fields and return the stored files, to delete once the transaction commits."""
    files: list[FieldFile] = []
    # The uploaded lists and the signed scans name the children: the files go, the rows
    # (who sent what, when, how many) stay.
    for model, file_field, cleared in (
        (StudentUpload, "original_file", {"errors": [], "changes": []}),
        (StudentUpload, "annotated_file", {}),
        (HandoverBatch, "signed_record", {}),
    ):
        live, history = _both(model)
        for row in live.exclude(**{file_field: ""}):
            files.append(getattr(row, file_field))
        live.update(**{file_field: ""}, **cleared)
        history.update(**{file_field: ""}, **cleared)
    return files


def _remove_change_reasons() -> None:
    # A change's reason (a correction, a change by hand) may name the child too.
    for model in (Student, Feedback, Support, GuardianRequest, FollowUp, DuplicateCandidate, SimAssignment, Device):
        _live, history = _both(model)
        history.filter(history_change_reason__isnull=False).exclude(history_change_reason="").exclude(
            history_change_reason=REMOVED_TEXT
        ).update(history_change_reason=REMOVED_TEXT)
