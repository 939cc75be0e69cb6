"""Issue 19: "verify all" says what it will do, asks for confirmation, and can be undone the same day."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from students.models import Student
from students.tests.factories import StudentFactory
from students.verification_undo import verification_undo

pytestmark = pytest.mark.django_db
LISTED, VERIFIED = Student.Status.LISTED, Student.Status.VERIFIED


def _statuses(pupils) -> set[str]:
    return set(Student.objects.filter(pk__in=[p.pk for p in pupils]).values_list("status", flat=True))


def test_verify_all_shows_a_confirmation_that_says_what_it_will_do(client, commune_a, education_office_user):
    pupils = StudentFactory.create_batch(3, commune=commune_a)
    client.force_login(education_office_user)
    response = client.post(reverse("students:verification"), {"action": "verify_filtered"})
    body = response.content.decode()
    assert response.status_code == 200 and 'data-testid="bulk-confirm"' in body
    assert "Anh/chị sắp xác minh 3 học sinh" in body and "hoàn tác trong hôm nay" in body
    assert _statuses(pupils) == {LISTED}


def test_a_confirmation_for_another_number_asks_again(client, commune_a, education_office_user):
    pupils = StudentFactory.create_batch(2, commune=commune_a)
    client.force_login(education_office_user)
    body = client.post(reverse("students:verification"), {"action": "verify_filtered", "confirm": "1"}).content.decode()
    assert 'name="confirm" value="2"' in body and "Danh sách đã thay đổi" in body
    assert _statuses(pupils) == {LISTED}


def test_a_confirmed_verify_all_can_be_undone_the_same_day(client, commune_a, education_office_user):
    pupils = StudentFactory.create_batch(3, commune=commune_a)
    client.force_login(education_office_user)
    url = reverse("students:verification")
    page = client.post(url, {"action": "verify_filtered", "confirm": "3"}, follow=True).content.decode()
    assert _statuses(pupils) == {VERIFIED}
    assert 'data-testid="undo-verify"' in page
    page = client.post(url, {"action": "undo_verify"}, follow=True).content.decode()
    assert _statuses(pupils) == {LISTED}
    assert "Đã đưa 3 học sinh trở lại danh sách chờ xác minh." in page
    # Each record's history says who undid it.
    assert pupils[0].history.latest().history_user == education_office_user
    assert 'data-testid="undo-verify"' not in page
    assert client.post(url, {"action": "undo_verify"}, follow=True).status_code == 200


def test_undo_leaves_what_someone_else_or_another_day_verified(commune_a, education_office_user, role_groups):
    from vinhtuong_program.core import roles
    from vinhtuong_program.core.tests.factories import make_user

    colleague = make_user(roles.EDUCATION_OFFICE, "dongnghiep")
    mine, theirs, yesterday = StudentFactory.create_batch(3, commune=commune_a)
    now = timezone.now()
    for pupil, who, when in (
        (mine, education_office_user, now),
        (theirs, colleague, now),
        (yesterday, education_office_user, now - timedelta(days=1)),
    ):
        Student.objects.filter(pk=pupil.pk).update(status=VERIFIED, verified_by=who, verified_at=when)
    outcome = verification_undo(student_ids=[mine.pk, theirs.pk, yesterday.pk], by=education_office_user)
    assert outcome.done == [mine.pk]
    assert set(outcome.skipped) == {theirs.pk, yesterday.pk}
