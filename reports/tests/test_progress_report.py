import io
import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from allocation.models import Support
from reports.models import Milestone, milestone_status
from reports.progress import build_progress_report
from reports.reference import milestones_load
from reports.snapshot import Snapshot
from reports.tests import world
from reports.tests.history_dates import move_history_to
from students import review
from students.models import Student, StudentUpload
from students.tests.factories import DuplicateCandidateFactory, HamletFactory, SchoolFactory, StudentFactory

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def w(commune_a, commune_b, viettel, vnpt):
    return world.build(commune_a, commune_b, viettel, vnpt)


def _json(*args) -> dict:
    out = io.StringIO()
    call_command("progress_report", "--format", "json", *args, stdout=out)
    return json.loads(out.getvalue())


def test_the_json_report_counts_pupils_by_need_level_and_commune(tmp_path, commune_a, commune_b):
    StudentFactory(commune=commune_a, lacks_device=True, lacks_internet=True, status=Student.Status.VERIFIED)
    StudentFactory(commune=commune_a, lacks_device=False, lacks_internet=True)
    StudentFactory(commune=commune_b, lacks_device=True, status=Student.Status.REJECTED)
    DuplicateCandidateFactory(existing__commune=commune_a, candidate__commune=commune_b)
    out = tmp_path / "report.json"
    call_command("progress_report", "--format", "json", "-o", str(out))
    report = json.loads(out.read_text(encoding="utf-8"))

    students = report["students"]
    # Both records of the undecided pair count as in need; the rejected one does not.
    assert students["in_need"] == 4
    assert (students["lacks_both"], students["lacks_internet"], students["lacks_device"]) == (1, 2, 3)
    assert (students["verified"], students["duplicates_pending"], students["unsupported"]) == (1, 1, 4)
    assert report["by_level"]["primary"]["in_need"] == 4
    assert report["by_level"]["upper_secondary"]["in_need"] == 0
    rows = {row["code"]: row for row in report["by_commune"]}
    assert (rows[commune_a.code]["in_need"], rows[commune_b.code]["in_need"]) == (3, 1)


def test_the_json_has_every_key_of_the_design(w):
    report = _json()
    assert report["as_of"] == timezone.localdate().isoformat()
    assert set(report["students"]) >= {
        "in_need", "lacks_device", "lacks_internet", "lacks_both", "verified", "duplicates_pending",
        "supported", "supported_device", "supported_connectivity", "unsupported", "supported_pct",
    }  # fmt: skip
    assert set(report["by_commune"][0]) >= {"code", "name", "in_need", "verified", "supported"}
    assert set(report["by_level"]) == {"primary", "lower_secondary", "upper_secondary"}
    assert set(report["by_level"]["primary"]) >= set(report["students"]) - {"duplicates_pending"}
    assert set(report["donations"]) >= {
        "cash_pledged_vnd", "cash_received_vnd", "cash_spent_vnd", "devices_pledged", "devices_received",
        "devices_allocated", "connectivity_capacity", "connectivity_used",
    }  # fmt: skip
    for by_type in ("devices_pledged", "devices_received", "devices_allocated"):
        assert set(report["donations"][by_type]) == {"desktop", "laptop", "tablet", "smartphone"}
    assert set(report["infrastructure"]) >= {"hamlets", "with_mobile_4g", "with_fibre"}
    assert isinstance(report["students"]["supported_pct"], float)


def test_supports_count_once_given_and_by_what_was_given(w):
    students = build_progress_report()["students"]
    assert students["in_need"] == 11
    assert (students["lacks_device"], students["lacks_internet"], students["lacks_both"]) == (9, 5, 3)
    assert (students["verified"], students["duplicates_pending"]) == (9, 1)
    # Approved, handed over, and returned-but-not-released count; proposed and withdrawn do not.
    assert (students["supported"], students["supported_device"], students["supported_connectivity"]) == (3, 3, 1)
    assert (students["unsupported"], students["supported_pct"]) == (8, 27.3)
    # The pupil lacking both who got only a device is supported, but not fully.
    assert students["fully_supported"] == 2


def test_the_gap_says_why_each_pupil_without_support_has_none(w, commune_a, commune_b):
    report = build_progress_report()
    assert report["gap"]["by_reason"] == {
        "duplicate_pending": 2,  # both records of the undecided pair
        "not_verified": 1,
        "awaiting_approval": 1,
        "withdrawn": 1,
        "no_coverage": 1,
        "no_hamlet": 0,
        "no_device_left": 1,  # released after a withdrawal, then left out by the last run
        "no_place_left": 0,
        "awaiting_allocation": 1,  # left out only by an earlier run: the last one did not see them
    }
    assert sum(report["gap"]["by_reason"].values()) == report["gap"]["total"] == report["students"]["unsupported"]
    by_commune = {row["code"]: row for row in report["gap"]["by_commune"]}
    assert by_commune[commune_b.code]["duplicate_pending"] == 1
    assert by_commune[commune_b.code]["awaiting_allocation"] == 1
    assert by_commune[commune_a.code]["no_coverage"] == 1


def test_breakdowns_by_commune_school_level_need_and_hardship(w, commune_a, commune_b):
    report = build_progress_report()
    communes = {row["code"]: row for row in report["by_commune"]}
    assert (communes[commune_a.code]["in_need"], communes[commune_a.code]["supported"]) == (9, 3)
    assert (communes[commune_b.code]["in_need"], communes[commune_b.code]["supported"]) == (2, 0)
    assert communes[commune_a.code]["supported_pct"] == 33.3
    schools = {row["name"]: row for row in report["by_school"]}
    assert schools["Trường Tiểu học Vĩnh Tường"]["in_need"] == 6
    assert schools["Trường THCS Vĩnh Tường"]["supported"] == 1
    assert schools["Trường THPT Kim Xá"]["commune_code"] == commune_b.code
    assert [row["level"] for row in report["by_school"]] == ["primary", "lower_secondary", "upper_secondary"]
    levels = report["by_level"]
    assert [levels[level]["in_need"] for level in levels] == [6, 3, 2]
    assert levels["upper_secondary"]["duplicates_pending"] == 1
    assert levels["lower_secondary"]["supported_device"] == 1
    needs = report["by_need"]
    assert [needs[n]["in_need"] for n in ("device_only", "internet_only", "both")] == [6, 2, 3]
    assert needs["both"]["supported"] == 2 and needs["both"]["fully_supported"] == 1
    hardships = report["by_hardship"]
    assert hardships["poor"] == {"in_need": 2, "supported": 2, "unsupported": 0, "supported_pct": 100.0}
    assert hardships["covid_orphan"]["in_need"] == 1
    assert (hardships["near_poor"]["in_need"], hardships["near_poor"]["supported"]) == (1, 0)
    assert (hardships["none"]["in_need"], hardships["none"]["supported"]) == (8, 1)
    assert hardships["orphan"]["in_need"] == 0


def test_donations_count_all_money_devices_and_places(w):
    d = build_progress_report()["donations"]
    assert (d["cash_pledged_vnd"], d["cash_received_vnd"], d["cash_spent_vnd"]) == (15_000_000, 5_000_000, 2_000_000)
    assert d["money_pledged_by_kind"] == {"cash": 10_000_000, "budget": 5_000_000}
    # A receipt without a pledge line is money received all the same.
    assert d["money_received_by_kind"] == {"cash": 5_000_000, "budget": 0}
    assert (d["cash_balance_vnd"], d["spent_by_category"]["data"]) == (3_000_000, 2_000_000)
    assert d["devices_pledged"] == {"desktop": 0, "laptop": 0, "tablet": 4, "smartphone": 0}
    assert d["devices_received"] == {"desktop": 0, "laptop": 2, "tablet": 3, "smartphone": 1}
    assert d["devices_allocated"] == {"desktop": 0, "laptop": 1, "tablet": 1, "smartphone": 0}
    assert d["devices_by_status"]["awaiting_inspection"] == 1
    # The fibre place of a support only proposed is held, not used (issue 15 item 3).
    assert (d["connectivity_capacity"], d["connectivity_used"], d["telecom_pupils_pledged"]) == (15, 1, 100)
    assert d["connectivity_proposed"] == 1
    providers = {row["code"]: row for row in d["connectivity_by_provider"]}
    assert (providers["viettel"]["capacity"], providers["viettel"]["used"]) == (10, 1)
    # The pledge whose only line was cancelled gave nothing: counted nowhere, as on the public page.
    assert (d["pledges"], d["donors"]) == (4, 4)


def test_infrastructure_by_commune_and_provider_and_the_pupils_it_blocks(w, commune_a, commune_b):
    infra = build_progress_report()["infrastructure"]
    assert (infra["hamlets"], infra["covered"], infra["uncovered"]) == (3, 2, 1)
    assert (infra["with_mobile_3g"], infra["with_mobile_4g"], infra["with_fibre"]) == (1, 1, 1)
    communes = {row["code"]: row for row in infra["by_commune"]}
    assert (communes[commune_a.code]["hamlets"], communes[commune_a.code]["covered"]) == (2, 1)
    assert communes[commune_b.code]["with_mobile_3g"] == 1
    providers = {row["code"]: row for row in infra["by_provider"]}
    assert (providers["viettel"]["with_mobile_4g"], providers["vnpt"]["with_fibre"]) == (1, 1)
    assert (infra["blocked_pupils"], infra["hamlet_unknown_pupils"]) == (1, 1)


def test_supports_by_status_and_the_lists_each_commune_sent(w, commune_a, commune_b):
    StudentUpload.objects.create(commune=commune_a, original_name="a.xlsx", status="imported")
    StudentUpload.objects.create(commune=commune_b, original_name="b.xlsx", status="imported")
    StudentUpload.objects.create(commune=commune_b, original_name="b2.xlsx", status="invalid")
    report = build_progress_report()
    assert report["allocation"]["supports_by_status"] == {
        "proposed": 1, "approved": 1, "handed_over": 1, "returned": 1, "withdrawn": 1,
    }  # fmt: skip
    assert report["allocation"]["last_run_at"] is not None
    communes = {row["code"]: row for row in report["by_commune"]}
    assert communes[commune_a.code]["list_received"] and not communes[commune_a.code]["list_has_errors"]
    # Imported, then a file refused: the list stands, the refused file is shown by its day.
    assert communes[commune_b.code]["list_received"] and not communes[commune_b.code]["list_has_errors"]
    assert communes[commune_b.code]["list_refused_on"] == timezone.localdate().isoformat()
    lists = next(m for m in report["milestones"] if m["code"] == "pupil-lists") if report["milestones"] else None
    assert lists is None  # no milestones loaded in this world


def test_the_report_and_the_dashboard_agree_on_which_communes_latest_list_failed(
    commune_a, commune_b, education_office_user
):
    """The latest list sent decides, even when it failed while an earlier one was still importing."""
    from reports.dashboard import attention_items

    def sent(commune, status, uploaded: int, finished: int):
        at = datetime(2021, 9, 21, 10, tzinfo=VN)
        upload = StudentUpload.objects.create(commune=commune, original_name=f"{uploaded}.xlsx", status=status)
        # uploaded_at is set on creation: the test's own times (the live report reads the rows).
        StudentUpload.objects.filter(pk=upload.pk).update(
            uploaded_at=at + timedelta(minutes=uploaded), finished_at=at + timedelta(minutes=finished)
        )

    sent(commune_a, "imported", uploaded=0, finished=5)  # a long list, imported at 10:05
    sent(commune_a, "invalid", uploaded=2, finished=3)  # sent after it, refused at once
    sent(commune_b, "invalid", uploaded=0, finished=1)
    sent(commune_b, "imported", uploaded=3, finished=4)  # the corrected list
    report = {row["code"]: bool(row["list_refused_on"]) for row in build_progress_report()["by_commune"]}
    assert report == {commune_a.code: True, commune_b.code: False}
    dashboard = next(i for i in attention_items(education_office_user) if i.key == "lists_refused")
    assert [detail.label.split(":")[0] for detail in dashboard.details] == [str(commune_a)]
    assert not [i for i in attention_items(education_office_user) if i.key == "lists_with_errors"]


@pytest.mark.parametrize(
    ("done_at", "now", "status"),
    [
        (datetime(2021, 9, 22, 16, tzinfo=VN), datetime(2021, 9, 30, tzinfo=VN), "done"),
        (None, datetime(2021, 9, 23, tzinfo=VN), "late"),
        (datetime(2021, 9, 24, tzinfo=VN), datetime(2021, 9, 23, tzinfo=VN), "late"),  # done later than the moment
        (None, datetime(2021, 9, 21, 17, 1, tzinfo=VN), "at_risk"),
        (None, datetime(2021, 9, 19, tzinfo=VN), "upcoming"),
    ],
)
def test_a_milestone_is_done_late_at_risk_or_upcoming(done_at, now, status):
    due = datetime(2021, 9, 22, 17, tzinfo=VN)
    assert milestone_status(due=due, done_at=done_at, moment=now) == status


def test_milestones_carry_their_deadline_status_and_evidence(w, commune_a):
    milestones_load()
    Milestone.objects.filter(code="pupil-lists").update(done_at=datetime(2021, 9, 22, 16, tzinfo=VN))
    StudentUpload.objects.create(commune=commune_a, original_name="a.xlsx", status="imported")
    milestones = {m["code"]: m for m in build_progress_report()["milestones"]}
    assert milestones["pupil-lists"]["due"] == "2021-09-22T17:00+07:00"
    assert (milestones["pupil-lists"]["done"], milestones["pupil-lists"]["status"]) == (True, "done")
    assert milestones["pupil-lists"]["progress"] == {"done": 1, "total": 2}
    assert milestones["coverage"]["progress"] == {"done": 2, "total": 3}
    assert milestones["campaign"]["progress"] == {"done": 3, "total": 11}
    assert milestones["report"]["status"] == "late"  # today is long after 30/9/2021


def _move_history_to(moment: datetime) -> None:
    """Pretend everything recorded so far happened at `moment`."""
    move_history_to(moment)


def test_as_of_a_past_day_reads_the_history_not_todays_rows(w):
    milestones_load()
    _move_history_to(datetime(2021, 9, 24, 10, tzinfo=VN))
    # Today: the proposal is approved and the listed pupil verified.
    proposed = w.supports["proposed"]
    proposed.status = Support.Status.APPROVED
    proposed.save()
    assert review.students_verify(student_ids=[w.pupils["a_listed"].pk], user=None).done == [w.pupils["a_listed"].pk]

    live = build_progress_report()
    assert (live["students"]["supported"], live["students"]["verified"]) == (4, 10)

    report = _json("--as-of", "2021-09-24")
    assert (report["as_of"], report["live"]) == ("2021-09-24", False)
    assert (report["students"]["supported"], report["students"]["verified"]) == (3, 9)
    assert report["gap"]["by_reason"]["awaiting_approval"] == 1
    assert report["donations"]["cash_received_vnd"] == 5_000_000
    milestones = {m["code"]: m["status"] for m in report["milestones"]}
    assert milestones == {"pupil-lists": "late", "coverage": "late", "campaign": "at_risk", "report": "upcoming"}

    before = _json("--as-of", "2021-09-23")
    assert before["students"]["in_need"] == 0 and before["donations"]["cash_pledged_vnd"] == 0
    assert before["infrastructure"]["hamlets"] == 0 and before["milestones"] == []


def test_as_of_a_past_day_a_breakdown_reads_the_related_row_as_it_was_then(w):
    """Pending pairs by the candidate's level and devices given by type join another table: the
    level or type that row had at the end of the day counts, not today's correction."""
    _move_history_to(datetime(2021, 9, 24, 10, tzinfo=VN))
    before = build_progress_report()
    held = w.pupils["b_held"]
    held.level = "primary"  # a corrected list re-imported today
    held.save()
    laptop = w.supports["full"].device
    laptop.device_type = "tablet"  # a typo in the inventory corrected today
    laptop.save()
    live = build_progress_report()
    assert live["by_level"]["primary"]["duplicates_pending"] == 1
    assert live["donations"]["devices_allocated"]["laptop"] == 0

    past = build_progress_report(Snapshot(datetime(2021, 9, 24).date()))
    for key in ("by_level", "donations"):
        assert past[key] == before[key]
    assert past["by_level"]["upper_secondary"]["duplicates_pending"] == 1
    assert past["donations"]["devices_allocated"]["laptop"] == 1


def test_a_deleted_row_no_longer_counts_after_the_day_it_was_deleted(w):
    _move_history_to(datetime(2021, 9, 24, 10, tzinfo=VN))
    w.pupils["a_listed"].delete()
    assert build_progress_report()["students"]["in_need"] == 10
    assert build_progress_report(Snapshot(datetime(2021, 9, 24).date()))["students"]["in_need"] == 11


def test_the_report_as_of_today_equals_the_live_report(w):
    live = build_progress_report()
    from_history = build_progress_report(Snapshot(timezone.localdate()))
    for key in ("as_of", "live", "generated_at"):
        live.pop(key), from_history.pop(key)
    assert from_history == live


@pytest.mark.parametrize(
    ("value", "message"),
    [("30/9/2021", "YYYY-MM-DD"), ("2021-02-30", "YYYY-MM-DD"), ("2999-01-01", "future")],
)
def test_a_wrong_as_of_day_is_refused_with_a_message(value, message):
    with pytest.raises(CommandError, match=message):
        call_command("progress_report", "--as-of", value)


def _grow(commune_a, commune_b, n: int) -> None:
    """More of everything the report reads: pupils in all states, schools, hamlets, pairs, uploads."""
    for i in range(n):
        commune = commune_a if i % 2 else commune_b
        school = SchoolFactory(commune=commune)
        hamlet = HamletFactory(commune=commune)
        pupil = StudentFactory(commune=commune, school=school, hamlet=hamlet, status=Student.Status.VERIFIED)
        world.support(pupil, Support.Status.APPROVED, with_device="tablet")
        StudentFactory(commune=commune, school=school, lacks_internet=True, hardships=["poor", "orphan"])
        DuplicateCandidateFactory(existing__commune=commune, candidate__commune=commune)
        StudentUpload.objects.create(commune=commune, original_name=f"{i}.xlsx", status="imported")


def test_the_report_takes_the_same_few_queries_whatever_the_size(w, commune_a, commune_b):
    milestones_load()
    with CaptureQueriesContext(connection) as small:
        build_progress_report()
    _grow(commune_a, commune_b, 12)
    with CaptureQueriesContext(connection) as large:
        report = build_progress_report()
    assert report["students"]["in_need"] > 40
    assert len(small) == len(large) <= 25
    with CaptureQueriesContext(connection) as as_of:
        build_progress_report(Snapshot(timezone.localdate() - timedelta(days=1)))
    assert len(as_of) == len(large)
