"""`anonymise_pupils`: personal data gone from the tables, their history and the media files; the report unchanged."""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from rapidfuzz.distance import Levenshtein

from allocation.models import HandoverBatch, Support
from allocation.tests.handover_data import school_with_record
from donations.models import Device
from reports.models import Feedback
from reports.progress import build_progress_report
from reports.snapshot import Snapshot
from reports.tests import world
from reports.tests.factories import FeedbackFactory
from reports.tests.history_dates import move_history_to
from students.models import GuardianRequest, Student, StudentUpload
from students.tests.factories import StudentFactory
from telecom.models import SimAssignment
from vinhtuong_program.core.anonymise import ANONYMOUS_BIRTH_DATE, anonymous_token

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
PAST_DAY = date(2021, 9, 24)
MOMENT_KEYS = ("as_of", "live", "generated_at")


def _figures(report: dict) -> dict:
    return {key: value for key, value in report.items() if key not in MOMENT_KEYS}


def _both_reports() -> tuple[dict, dict]:
    return _figures(build_progress_report()), _figures(build_progress_report(Snapshot(as_of=PAST_DAY)))


@pytest.fixture
def district(education_office_user, commune_a, commune_b, viettel, vnpt, settings):
    w = world.build(commune_a, commune_b, viettel, vnpt)
    batch, first, _second = school_with_record(education_office_user, commune_a, handed_over=True)
    batch.signed_record.save("bien-ban-ky.pdf", ContentFile(b"%PDF-1.4 Nguyen Thi Huong"))
    upload = StudentUpload.objects.create(
        commune=commune_a, uploaded_by=education_office_user, original_name="ds.csv", status="imported"
    )
    upload.original_file.save("ds.csv", ContentFile("Họ và tên\nNguyễn Thị Hương\n".encode()))
    FeedbackFactory(commune=commune_a, pupil_name="Lê Văn Lạc", reporter_phone="0987000111")
    FeedbackFactory(
        commune=commune_b, status=Feedback.Status.RESOLVED, response="Em Phạm Thu đã được bổ sung vào danh sách."
    )
    StudentFactory(
        commune=commune_b,
        full_name="Đỗ Minh Khang",
        personal_id="026212000123",
        pupil_id="2600012345",
        guardian_name="Đỗ Văn Hùng",
        guardian_phone="0912888777",
        birth_date=date(2010, 3, 4),
    )
    GuardianRequest.objects.create(
        student=first.student,
        kind=GuardianRequest.Kind.SEE,
        requester_name="Nguyễn Văn Đức",
        channel=GuardianRequest.Channel.IN_PERSON,
        received_on=date(2021, 9, 20),
        handled_by=education_office_user,
        outcome=GuardianRequest.Outcome.PROVIDED,
    )
    # Everything so far happened on a past day, as in reports/tests/test_as_of_replay.py.
    move_history_to(datetime(2021, 9, 24, 12, tzinfo=VN))
    return {"world": w, "batch": batch, "upload": upload, "media": Path(settings.MEDIA_ROOT)}


PERSONAL_VALUES = [
    "Nguyễn Thị Hương",
    "Nguyễn Văn Đức",
    "Trần Thị Lan",
    "Lê Thị Mai",  # received the handover record: staff of the school, kept
    "Lê Văn Lạc",
    "0987000111",
    "Phạm Thu",
    "Đỗ Minh Khang",
    "026212000123",
    "2600012345",
    "Đỗ Văn Hùng",
    "0912888777",
    "Học Sinh a_both_full",
]


def _values_everywhere() -> str:
    """Every text column of pupils, reports, supports and requests, live and in history, as one string."""
    models = [Student, Feedback, Support, GuardianRequest, StudentUpload]
    text = []
    for model in models:
        for table in (model._base_manager, model.history.model._base_manager):
            for row in table.values():
                text.append(repr(row))
    return "\n".join(text)


def test_without_confirm_nothing_changes(district):
    before = list(Student.objects.values_list("full_name", flat=True))
    with pytest.raises(CommandError, match="--confirm"):
        call_command("anonymise_pupils", stdout=io.StringIO())
    assert list(Student.objects.values_list("full_name", flat=True)) == before


def test_the_report_is_identical_and_the_personal_data_gone(district, django_capture_on_commit_callbacks):
    live_before, past_before = _both_reports()
    scan = district["media"] / district["batch"].signed_record.name
    listing = district["media"] / district["upload"].original_file.name
    assert scan.exists() and listing.exists()
    everything = _values_everywhere()
    assert all(value in everything for value in PERSONAL_VALUES if value != "Lê Thị Mai")

    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("anonymise_pupils", "--confirm", stdout=out)

    live_after, past_after = _both_reports()
    assert live_after == live_before
    assert past_after == past_before
    everything = _values_everywhere()
    for value in PERSONAL_VALUES[:3] + PERSONAL_VALUES[4:]:
        assert value not in everything, value
    assert ANONYMOUS_BIRTH_DATE.isoformat() in everything or "datetime.date(1900, 1, 1)" in everything
    assert set(Student.history.values_list("birth_date", flat=True)) == {ANONYMOUS_BIRTH_DATE}
    # The files are gone, the rows that say who sent what remain.
    assert not scan.exists() and not listing.exists()
    upload = StudentUpload.objects.get(pk=district["upload"].pk)
    assert upload.original_file.name == "" and upload.original_name == "ds.csv"
    batch = HandoverBatch.objects.get(pk=district["batch"].pk)
    assert batch.signed_record.name == "" and batch.status == HandoverBatch.Status.HANDED_OVER
    assert "pupils" in out.getvalue() or "học sinh" in out.getvalue()


def test_twice_is_the_same_as_once(district):
    call_command("anonymise_pupils", "--confirm", stdout=io.StringIO())
    once = _values_everywhere()
    call_command("anonymise_pupils", "--confirm", stdout=io.StringIO())
    assert _values_everywhere() == once


def test_anonymised_pupils_never_look_like_duplicates(district):
    call_command("anonymise_pupils", "--confirm", stdout=io.StringIO())
    keys = list(Student.objects.values_list("name_key", flat=True))
    assert len(set(keys)) == len(keys)
    assert set(Student.objects.values_list("birth_date", flat=True)) == {ANONYMOUS_BIRTH_DATE}


def test_tokens_are_at_least_two_edits_apart():
    """students/matching.py pairs names one edit apart on the same birth date; anonymised names never are."""
    tokens = [anonymous_token(pk) for pk in [*range(1, 1200), 9999, 10000, 10001, 99999, 100000, 1000001]]
    for i, a in enumerate(tokens):
        for b in tokens[i + 1 :]:
            assert Levenshtein.distance(a, b, score_cutoff=1) > 1, (a, b)


def test_sim_places_and_device_notes_lose_the_pupils_data(district):
    """The pupil's SIM number, a fibre contract and the notes typed on places and devices name the family."""
    place = SimAssignment.objects.order_by("pk").first()
    place.sim_number = "0961234567"
    place.subscription_number = "HNI-FTTH-88812"
    place.cancel_reason = "Gia đình em Vũ Thị Ngọc chuyển đi"
    place.save()
    device = Support.objects.exclude(device=None).order_by("pk").first().device
    device.notes = "Em Vũ Thị Ngọc trả lại, màn hình vỡ"
    device.save()
    in_stock = Device.objects.filter(supports=None).order_by("pk").first()
    in_stock.notes = "Kho tầng 2"
    in_stock.save()
    live_before, past_before = _both_reports()

    call_command("anonymise_pupils", "--confirm", stdout=io.StringIO())

    rows = []
    for model in (SimAssignment, Device):
        for table in (model._base_manager, model.history.model._base_manager):
            rows.extend(repr(row) for row in table.values())
    text = "\n".join(rows)
    for value in ("0961234567", "HNI-FTTH-88812", "Vũ Thị Ngọc"):
        assert value not in text, value
    assert SimAssignment.objects.get(pk=place.pk).status == place.status
    assert Device.objects.get(pk=in_stock.pk).notes == "Kho tầng 2", "no child in the stock's notes"
    assert _both_reports() == (live_before, past_before)
