from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from reports.models import Milestone

pytestmark = pytest.mark.django_db


def _milestone(code: str, due_in_days: int, done: bool = False) -> Milestone:
    due = timezone.now() + timedelta(days=due_in_days)
    return Milestone.objects.create(code=code, name=code, due_at=due, done_at=due if done else None)


def test_a_milestone_is_late_only_when_past_due_and_not_done():
    assert _milestone("late", -1).is_late
    assert not _milestone("done", -1, done=True).is_late
    assert not _milestone("ahead", 1).is_late


def test_the_home_page_marks_each_milestone_with_its_state(client):
    _milestone("late", -1)
    _milestone("done", -2, done=True)
    _milestone("ahead", 3)
    body = client.get(reverse("home")).content.decode()
    assert body.count("quá hạn") == 1
    assert body.count("đã xong") == 1
    assert body.count("text-bg-secondary") == 1


def test_the_home_page_and_the_report_agree_on_a_done_time_still_ahead(client):
    """A done time typed ahead of now (a slip of the day) is not done yet, by the report's one rule."""
    from reports.progress import build_progress_report

    Milestone.objects.create(
        code="slip", name="slip", due_at=timezone.now() - timedelta(days=1), done_at=timezone.now() + timedelta(days=1)
    )
    assert build_progress_report()["milestones"][0]["status"] == "late"
    milestone = Milestone.objects.get()
    assert (milestone.is_done, milestone.is_late) == (False, True)
    body = client.get(reverse("home")).content.decode()
    assert body.count("quá hạn") == 1 and "đã xong" not in body
