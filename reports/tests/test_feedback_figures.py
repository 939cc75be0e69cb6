from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from reports.feedback import feedback_figures
from reports.models import Feedback
from reports.snapshot import Snapshot
from reports.tests.factories import FeedbackFactory
from students.tests.factories import StudentFactory

pytestmark = pytest.mark.django_db


def _local(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def _dated(feedback_id: int, when: datetime, history_type: str) -> None:
    """Pretend the last history row of this type of the case was written at `when`."""
    rows = Feedback.history.filter(id=feedback_id, history_type=history_type)
    latest = rows.order_by("-history_id").values_list("history_id", flat=True)[0]
    Feedback.history.filter(history_id=latest).update(history_date=when)


def test_live_figures_count_by_status_kind_commune_found_and_late(commune_a, commune_b, django_assert_max_num_queries):
    now = timezone.now()
    found = StudentFactory(commune=commune_a)
    FeedbackFactory(commune=commune_a, status="resolved", response="Đã bổ sung", student=found)
    FeedbackFactory(commune=commune_a, created_at=now - timedelta(days=4))  # new, late
    FeedbackFactory(commune=commune_a, status="checking", created_at=now - timedelta(days=2))  # open, not late
    FeedbackFactory(commune=commune_b, kind="support_problem", status="rejected", response="Không đúng đối tượng")
    FeedbackFactory(commune=commune_b, kind="other", status="checking", created_at=now - timedelta(days=10))

    with django_assert_max_num_queries(2):
        figures = feedback_figures(Snapshot.live())

    assert figures == {
        "total": 5,
        "by_status": {"new": 1, "checking": 2, "resolved": 1, "rejected": 1},
        "by_kind": {"missed_pupil": 3, "support_problem": 1, "other": 1},
        "missed_pupils_found": 1,
        "open_over_3_days": 2,
        "by_commune": {commune_a.code: {"total": 3, "open": 2}, commune_b.code: {"total": 2, "open": 1}},
    }


def test_figures_with_no_reports_are_zeros():
    figures = feedback_figures(Snapshot.live())
    assert figures["total"] == 0
    assert figures["by_status"] == {"new": 0, "checking": 0, "resolved": 0, "rejected": 0}
    assert figures["by_commune"] == {}


def test_figures_as_of_a_day_read_each_case_as_it_stood_then(
    commune_a, commune_b, education_office_user, django_assert_max_num_queries
):
    from reports.feedback import feedback_update

    sent = date(2021, 9, 20)
    early = FeedbackFactory(commune=commune_a, created_at=_local(sent))
    _dated(early.id, _local(sent), "+")
    found = StudentFactory(commune=commune_a)
    feedback_update(feedback=early, status="resolved", response="Đã bổ sung", user=education_office_user, student=found)
    _dated(early.id, _local(date(2021, 9, 25)), "~")
    late = FeedbackFactory(commune=commune_b, kind="support_problem", created_at=_local(date(2021, 9, 26)))
    _dated(late.id, _local(date(2021, 9, 26)), "+")
    gone = FeedbackFactory(commune=commune_b, created_at=_local(date(2021, 9, 21)))
    gone_id = gone.id
    _dated(gone_id, _local(date(2021, 9, 21)), "+")
    gone.delete()  # spam deleted by the office on 23/9
    _dated(gone_id, _local(date(2021, 9, 23)), "-")

    with django_assert_max_num_queries(2):
        before = feedback_figures(Snapshot(date(2021, 9, 19)))
    assert before["total"] == 0 and before["by_commune"] == {}

    on_22 = feedback_figures(Snapshot(date(2021, 9, 22)))
    assert on_22["total"] == 2
    assert on_22["by_status"]["new"] == 2
    assert on_22["open_over_3_days"] == 0  # sent 20/9, not yet three days before the end of 22/9
    assert on_22["by_commune"] == {commune_a.code: {"total": 1, "open": 1}, commune_b.code: {"total": 1, "open": 1}}

    on_24 = feedback_figures(Snapshot(date(2021, 9, 24)))
    assert on_24["total"] == 1  # the deleted one is gone
    assert on_24["open_over_3_days"] == 1
    assert on_24["missed_pupils_found"] == 0

    on_25 = feedback_figures(Snapshot(date(2021, 9, 25)))
    assert on_25["by_status"] == {"new": 0, "checking": 0, "resolved": 1, "rejected": 0}
    assert on_25["missed_pupils_found"] == 1
    assert on_25["open_over_3_days"] == 0

    live = feedback_figures(Snapshot.live())
    assert live["total"] == 2
    assert live["by_kind"] == {"missed_pupil": 1, "support_problem": 1, "other": 0}
    assert live["by_commune"][commune_b.code] == {"total": 1, "open": 1}
