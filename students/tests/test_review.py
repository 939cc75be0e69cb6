"""The education office decides duplicate pairs and verifies or rejects pupils."""

from __future__ import annotations

import pytest
from django.urls import reverse

from students import review
from students.models import DuplicateCandidate, Student
from students.tests.factories import DuplicateCandidateFactory, StudentFactory

pytestmark = pytest.mark.django_db

PENDING = DuplicateCandidate.Decision.PENDING


@pytest.fixture
def pair(commune_a, commune_b):
    existing = StudentFactory(commune=commune_a, personal_id="026212345678", guardian_phone="")
    candidate = StudentFactory(
        commune=commune_b,
        full_name=existing.full_name,
        personal_id="026212345678",
        guardian_phone="0912345678",
        lacks_internet=True,
        status=Student.Status.HELD,
    )
    return DuplicateCandidateFactory(existing=existing, candidate=candidate, reason="personal_id")


def test_same_pupil_keeps_the_first_record_and_the_second_for_history(pair, education_office_user):
    review.pair_decide(pair_id=pair.pk, decision="same", user=education_office_user, note="cùng một em")
    pair.refresh_from_db()
    existing, candidate = pair.existing, pair.candidate
    existing.refresh_from_db()
    candidate.refresh_from_db()
    assert (pair.decision, pair.decided_by, pair.note) == ("same", education_office_user, "cùng một em")
    assert pair.decided_at is not None
    assert existing.status == Student.Status.LISTED and candidate.status == Student.Status.DUPLICATE
    # What the later listing knew is kept on the record that stays.
    assert existing.guardian_phone == "0912345678" and existing.lacks_internet


def test_different_pupils_are_refused_when_they_share_an_active_id(pair, education_office_user):
    with pytest.raises(review.ReviewError, match="mã định danh 026212345678"):
        review.pair_decide(pair_id=pair.pk, decision="different", user=education_office_user)
    pair.refresh_from_db()
    assert pair.decision == PENDING and pair.candidate.status == Student.Status.HELD


def test_different_pupils_release_the_held_record(commune_a, commune_b, education_office_user):
    pair = DuplicateCandidateFactory(existing__commune=commune_a, candidate__commune=commune_b)
    review.pair_decide(pair_id=pair.pk, decision="different", user=education_office_user)
    pair.refresh_from_db()
    assert pair.decision == "different" and pair.candidate.status == Student.Status.LISTED
    assert pair.existing.status == Student.Status.LISTED


def test_a_held_record_in_two_pairs_stays_held_until_both_are_decided(commune_a, education_office_user):
    held = StudentFactory(commune=commune_a, status=Student.Status.HELD)
    first = DuplicateCandidateFactory(existing__commune=commune_a, candidate=held)
    second = DuplicateCandidateFactory(existing__commune=commune_a, candidate=held)
    review.pair_decide(pair_id=first.pk, decision="different", user=education_office_user)
    held.refresh_from_db()
    assert held.status == Student.Status.HELD
    review.pair_decide(pair_id=second.pk, decision="different", user=education_office_user)
    held.refresh_from_db()
    assert held.status == Student.Status.LISTED


def test_a_pair_is_decided_once(pair, education_office_user):
    review.pair_decide(pair_id=pair.pk, decision="same", user=education_office_user)
    with pytest.raises(review.ReviewError, match="đã có người quyết định"):
        review.pair_decide(pair_id=pair.pk, decision="different", user=education_office_user)


def test_a_pupil_in_an_undecided_pair_cannot_be_verified(pair, commune_a, education_office_user):
    other = StudentFactory(commune=commune_a)
    outcome = review.students_verify(student_ids=[pair.existing_id, other.pk], user=education_office_user)
    assert outcome.done == [other.pk]
    assert pair.existing_id in outcome.skipped
    pair.existing.refresh_from_db()
    other.refresh_from_db()
    assert pair.existing.status == Student.Status.LISTED
    assert other.status == Student.Status.VERIFIED and other.verified_by == education_office_user


def test_after_the_decision_the_kept_record_can_be_verified(pair, education_office_user):
    review.pair_decide(pair_id=pair.pk, decision="same", user=education_office_user)
    assert review.students_verify(
        student_ids=[pair.existing_id, pair.candidate_id], user=education_office_user
    ).done == [pair.existing_id]


def test_reject_needs_a_reason_and_keeps_the_record(commune_a, education_office_user):
    pupil = StudentFactory(commune=commune_a)
    with pytest.raises(review.ReviewError):
        review.students_reject(student_ids=[pupil.pk], user=education_office_user, reason="   ")
    review.students_reject(student_ids=[pupil.pk], user=education_office_user, reason="  Gia đình đã có   máy tính ")
    pupil.refresh_from_db()
    assert pupil.status == Student.Status.REJECTED and pupil.rejection_reason == "Gia đình đã có máy tính"
    assert pupil.history.latest().history_user == education_office_user


# ---------------------------------------------------------------- pages


def test_the_review_page_shows_both_records_side_by_side(client, pair, education_office_user):
    client.force_login(education_office_user)
    body = client.get(reverse("students:duplicate-review")).content.decode()
    assert body.count(pair.existing.full_name) >= 2
    assert "Kê khai trước" in body and "Kê khai sau (đang tạm giữ)" in body
    assert pair.candidate.commune.name in body and "0912345678" in body


def test_the_review_page_records_a_decision(client, pair, education_office_user):
    client.force_login(education_office_user)
    response = client.post(reverse("students:duplicate-review"), {"pair": pair.pk, "decision": "same", "note": ""})
    assert response.status_code == 302
    pair.refresh_from_db()
    assert pair.decision == "same"


def test_the_review_page_explains_a_refusal(client, pair, education_office_user):
    client.force_login(education_office_user)
    response = client.post(
        reverse("students:duplicate-review"), {"pair": pair.pk, "decision": "different"}, follow=True
    )
    assert "Không thể là hai học sinh khác nhau" in response.content.decode()
    pair.refresh_from_db()
    assert pair.decision == PENDING


def test_review_query_count_is_fixed(client, commune_a, education_office_user, django_assert_max_num_queries):
    for _ in range(10):
        DuplicateCandidateFactory(existing__commune=commune_a, candidate__commune=commune_a)
    client.force_login(education_office_user)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("students:duplicate-review")).status_code == 200


@pytest.mark.parametrize("fixture", ["commune_a_official", "leadership_user", "viettel_user"])
def test_only_the_education_office_reviews(client, request, pair, fixture):
    client.force_login(request.getfixturevalue(fixture))
    assert client.get(reverse("students:duplicate-review")).status_code == 403
    assert client.post(reverse("students:duplicate-review"), {"pair": pair.pk, "decision": "same"}).status_code == 403
    assert client.get(reverse("students:verification")).status_code == 403
    pair.refresh_from_db()
    assert pair.decision == PENDING


def test_a_commune_official_cannot_verify_their_own_pupils(client, commune_a, commune_a_official):
    pupil = StudentFactory(commune=commune_a)
    client.force_login(commune_a_official)
    response = client.post(reverse("students:student-detail", args=[pupil.pk]), {"action": "verify"})
    assert response.status_code == 403
    pupil.refresh_from_db()
    assert pupil.status == Student.Status.LISTED


def test_review_posts_need_the_csrf_token(csrf_client, pair, education_office_user):
    csrf_client.force_login(education_office_user)
    response = csrf_client.post(reverse("students:duplicate-review"), {"pair": pair.pk, "decision": "same"})
    assert response.status_code == 403
    response = csrf_client.post(reverse("students:verification"), {"action": "verify_filtered"})
    assert response.status_code == 403
    assert not Student.objects.filter(status=Student.Status.VERIFIED).exists()


def test_verify_the_selected_pupils(client, commune_a, education_office_user):
    chosen, left = StudentFactory(commune=commune_a), StudentFactory(commune=commune_a)
    client.force_login(education_office_user)
    client.post(reverse("students:verification"), {"action": "verify_selected", "student": [chosen.pk]})
    assert Student.objects.get(pk=chosen.pk).status == Student.Status.VERIFIED
    assert Student.objects.get(pk=left.pk).status == Student.Status.LISTED


def test_ids_in_the_forms_are_not_written_with_thousand_separators(client, commune_a, education_office_user):
    # Vietnamese number format writes 12345 as "12.345"; a form value must stay a plain id.
    pupil = StudentFactory(pk=12345, commune=commune_a)
    client.force_login(education_office_user)
    html = client.get(reverse("students:verification")).content.decode()
    assert 'value="12345"' in html and "12.345" not in html
    client.post(reverse("students:verification"), {"action": "verify_selected", "student": [pupil.pk]})
    assert Student.objects.get(pk=pupil.pk).status == Student.Status.VERIFIED


def test_verify_everything_a_commune_filter_shows(client, commune_a, commune_b, education_office_user, pair):
    here = StudentFactory.create_batch(3, commune=commune_a)
    elsewhere = StudentFactory(commune=commune_b)
    client.force_login(education_office_user)
    url = reverse("students:verification") + f"?commune={commune_a.pk}"
    # The first press only asks for confirmation, with the number; nothing changes yet.
    confirm = client.post(url, {"action": "verify_filtered"}).content.decode()
    assert 'name="confirm" value="4"' in confirm
    assert not Student.objects.filter(status=Student.Status.VERIFIED).exists()
    response = client.post(url, {"action": "verify_filtered", "confirm": "4"}, follow=True)
    verified = set(Student.objects.filter(status=Student.Status.VERIFIED).values_list("pk", flat=True))
    assert verified == {pupil.pk for pupil in here}
    assert elsewhere.pk not in verified and pair.existing_id not in verified
    assert "nghi trùng chưa được quyết định" in response.content.decode()


def test_reject_the_selected_pupils_with_a_reason(client, commune_a, education_office_user):
    pupil = StudentFactory(commune=commune_a)
    client.force_login(education_office_user)
    url = reverse("students:verification")
    client.post(url, {"action": "reject", "student": [pupil.pk], "reason": ""})
    assert Student.objects.get(pk=pupil.pk).status == Student.Status.LISTED
    client.post(url, {"action": "reject", "student": [pupil.pk], "reason": "Đã chuyển trường ra ngoài huyện"})
    pupil.refresh_from_db()
    assert pupil.status == Student.Status.REJECTED and pupil.rejection_reason == "Đã chuyển trường ra ngoài huyện"


def test_verify_and_reject_from_the_pupils_page(client, commune_a, education_office_user):
    pupil = StudentFactory(commune=commune_a)
    client.force_login(education_office_user)
    url = reverse("students:student-detail", args=[pupil.pk])
    client.post(url, {"action": "verify"})
    assert Student.objects.get(pk=pupil.pk).status == Student.Status.VERIFIED
    client.post(url, {"action": "reject", "reason": "Không thuộc diện khó khăn"})
    assert Student.objects.get(pk=pupil.pk).status == Student.Status.REJECTED


def test_verification_query_count_is_fixed(client, commune_a, education_office_user, django_assert_max_num_queries):
    StudentFactory.create_batch(30, commune=commune_a)
    client.force_login(education_office_user)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("students:verification"))
    assert response.context["page_obj"].paginator.count == 30


def test_same_pupil_keeps_the_live_record_when_the_first_was_rejected(pair, education_office_user):
    review.students_reject(student_ids=[pair.existing_id], user=education_office_user, reason="không thuộc diện")
    review.pair_decide(pair_id=pair.pk, decision=DuplicateCandidate.Decision.SAME, user=education_office_user)
    pair.existing.refresh_from_db()
    pair.candidate.refresh_from_db()
    assert (pair.existing.status, pair.candidate.status) == ("duplicate", "listed")


def test_a_commune_official_sees_only_that_a_pair_exists_not_the_other_communes_pupil(client, pair, commune_b_official):
    Student.objects.filter(pk=pair.existing_id).update(full_name="Trần Văn Riêng")
    pair.existing.refresh_from_db()
    client.force_login(commune_b_official)
    page = client.get(reverse("students:student-detail", args=[pair.candidate_id])).content.decode()
    assert pair.existing.full_name not in page
    assert "xã khác" in page
