"""`--as-of` reproduces a past day whatever happened since, through the services staff use.

The district of reports/tests/world.py is recorded, its history set to a past day, and the report
read. Then today every kind of change the programme makes goes through its service: a list
imported, pupils verified, a pair decided, an allocation saved, supports approved and handed
over, money received and spent, a pledge cancelled, coverage reported, hamlets merged, a report
from the public answered. The report as of that past day must be exactly what it was (a figure read
from today's rows, or joined through them, would show), and the report as of today must be the
live one (a service that changed business data without writing history would show).
"""

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from allocation import proposals, services
from allocation.models import Support
from donations import ledger, pledges
from donations.models import PledgeLine
from reports import feedback
from reports.models import Feedback
from reports.progress import build_progress_report
from reports.snapshot import Snapshot
from reports.tests import world
from reports.tests.history_dates import move_history_to
from students import importing, review
from students.models import DuplicateCandidate, Hamlet, School, SchoolLevel, StudentUpload
from students.tests.factories import HamletFactory, SchoolFactory
from students.tests.spreadsheet_files import csv_bytes, grid, pupil_row
from telecom.coverage import CoverageChange, coverage_set
from telecom.hamlets import hamlet_merge
from telecom.models import HamletCoverage, Technology

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
PAST_DAY = date(2021, 9, 24)
# What depends on the moment the report is read, not on the data.
MOMENT_KEYS = ("as_of", "live", "generated_at")


def _history_to(moment: datetime) -> None:
    move_history_to(moment)


def _figures(report: dict) -> dict:
    return {key: value for key, value in report.items() if key not in MOMENT_KEYS}


def _failed_upload(commune, user) -> None:
    """A list the worker could not process because of a fault (students.tasks): its file is gone."""
    from students import tasks

    upload = StudentUpload.objects.create(commune=commune, uploaded_by=user, original_name="mat-tep.xlsx")
    with pytest.raises(ValueError):
        tasks.process_student_upload.call(upload.pk)


def _import_list(commune, user) -> None:
    school = SchoolFactory(commune=commune, name="Trường THCS Mới Lập", level=SchoolLevel.LOWER_SECONDARY)
    HamletFactory(commune=commune, name="Thôn Mới")
    rows = [
        pupil_row(
            n,
            **{
                "Trường": school.name,
                "Cấp học": "THCS",
                "Lớp": "7A",
                "Ngày sinh": "17/05/2009",
                "Thôn/Xóm": "Thôn Mới",
            },
        )
        for n in (1, 2, 3)
    ]
    upload = StudentUpload.objects.create(commune=commune, uploaded_by=user, original_name="ds.csv")
    outcome = importing.import_file(io.BytesIO(csv_bytes(grid(rows))), "ds.csv", commune, user=user, upload=upload)
    assert outcome.ok, outcome.read.errors
    upload.status = StudentUpload.Status.IMPORTED
    upload.save()


def test_the_report_as_of_a_past_day_ignores_every_change_made_since(
    commune_a, commune_b, viettel, vnpt, education_office_user
):
    w = world.build(commune_a, commune_b, viettel, vnpt)
    office = education_office_user
    _history_to(datetime(2021, 9, 24, 10, tzinfo=VN))
    then = build_progress_report()

    # Today: the communes and the office work on.
    _import_list(commune_b, office)
    _failed_upload(commune_b, office)
    assert review.students_verify(student_ids=[w.pupils["a_listed"].pk], user=office).done
    pair = DuplicateCandidate.objects.get(candidate=w.pupils["b_held"])
    review.pair_decide(pair_id=pair.pk, decision=DuplicateCandidate.Decision.DIFFERENT, user=office)
    assert services.supports_approve(supports=Support.objects.filter(pk=w.supports["proposed"].pk), user=office) == 1
    batch = services.batch_create(school=School.objects.get(name="Trường Tiểu học Vĩnh Tường"), user=office)
    services.batch_hand_over(
        batch_id=batch.pk, handed_over_on=timezone.localdate(), received_by="Ban giám hiệu", user=office
    )
    services.support_release(support_id=w.supports["withdrawn"].pk, reason="Gia đình xin hỗ trợ lại.", user=office)
    proposals.run_save(computed=proposals.compute(), user=office)
    cash = PledgeLine.objects.filter(kind=PledgeLine.Kind.CASH, cancelled=False).first()
    ledger.receipt_record(received_on=timezone.localdate(), amount_vnd=3_000_000, payer="B", pledge_line=cash)
    ledger.spending_record(
        spent_on=timezone.localdate(), category="data", description="Gói cước", supplier="VNPT", amount_vnd=500_000
    )
    pledges.line_cancel(line=PledgeLine.objects.get(kind=PledgeLine.Kind.TELECOM), reason="Nhà mạng rút lại.")
    bare = Hamlet.objects.get(name="Thôn Trắng")
    coverage_set(
        user=office,
        hamlet=bare,
        provider=vnpt,
        changes=[CoverageChange(Technology.MOBILE_4G, HamletCoverage.Status.AVAILABLE)],
    )
    hamlet_merge(user=office, source_id=bare.pk, target_id=Hamlet.objects.get(name="Thôn Đông").pk)
    case = feedback.feedback_create(
        kind=Feedback.Kind.MISSED_PUPIL,
        commune=commune_a,
        pupil_name="Lê Thị Hoa",
        lacks_device=True,
        description="Chưa có tên trong danh sách.",
        reporter_name="Lê Văn Nam",
        reporter_phone="0912345678",
        reporter_relation=Feedback.Relation.PARENT,
    )
    feedback.feedback_update(
        feedback=case, status="resolved", response="Đã bổ sung.", user=office, student=w.pupils["a_listed"]
    )

    now = build_progress_report()
    assert _figures(now) != _figures(then)  # the changes show today
    # Commune B's list was imported before its refused file: it stands (issue 15).
    assert [row["list_has_errors"] for row in now["by_commune"]] == [False, False]
    assert [bool(row["list_refused_on"]) for row in now["by_commune"]] == [False, True]
    assert _figures(build_progress_report(Snapshot(PAST_DAY))) == _figures(then)
    assert _figures(build_progress_report(Snapshot(timezone.localdate()))) == _figures(now)
