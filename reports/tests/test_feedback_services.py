import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from reports import feedback as services
from reports.models import Feedback
from reports.tests.factories import FeedbackFactory
from students.tests.factories import StudentFactory

pytestmark = pytest.mark.django_db


def _create(commune, **changes):
    data = {
        "kind": Feedback.Kind.MISSED_PUPIL,
        "commune": commune,
        "pupil_name": "  Lê   Thị Hoà ",
        "lacks_device": True,
        "description": "Gia đình hộ nghèo, em chưa có điện thoại để học.",
        "reporter_name": "Lê Văn Nam",
        "reporter_phone": "+84 912 345 678",
        "reporter_relation": Feedback.Relation.PARENT,
    }
    data.update(changes)
    return services.feedback_create(**data)


def test_a_report_gets_a_readable_code_a_normalised_phone_and_a_search_key(commune_a):
    feedback = _create(commune_a, submission_token="nonce-1")
    assert re.fullmatch(r"PA-[ABCDEFGHJKMNPQRSTUVWXYZ2-9]{6}", feedback.code)
    assert feedback.reporter_phone == "0912345678"
    assert feedback.pupil_name == "Lê Thị Hoà"
    assert "le thi hoa" in feedback.name_key and "le van nam" in feedback.name_key
    assert feedback.status == Feedback.Status.NEW
    assert feedback.history.count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"pupil_name": "   "}, "pupil_name"),
        ({"lacks_device": False, "lacks_internet": False}, "lacks_device"),
        ({"reporter_phone": "12345"}, "reporter_phone"),
        ({"reporter_name": " "}, "reporter_name"),
        ({"description": "x" * 2001}, "description"),
        ({"description": "   "}, "description"),
        ({"hamlet": "T" * 101}, "hamlet"),
        ({"kind": "complaint"}, "kind"),
        ({"reporter_relation": "cousin"}, "reporter_relation"),
    ],
)
def test_a_bad_report_is_refused_by_field_and_nothing_is_saved(commune_a, changes, field):
    with pytest.raises(ValidationError) as raised:
        _create(commune_a, **changes)
    assert field in raised.value.message_dict
    assert not Feedback.objects.exists()


def test_a_problem_with_a_support_needs_no_pupil_name(commune_a):
    feedback = _create(
        commune_a,
        kind=Feedback.Kind.SUPPORT_PROBLEM,
        pupil_name="",
        lacks_device=False,
        description="SIM chưa kích hoạt",
    )
    assert feedback.pk


def test_a_replayed_token_is_a_clean_validation_error_and_saves_nothing(commune_a):
    _create(commune_a, submission_token="same")
    with pytest.raises(ValidationError) as raised:
        _create(commune_a, submission_token="same")
    assert raised.value.code == "replayed"
    assert Feedback.objects.count() == 1


def test_a_code_drawn_twice_is_drawn_again(commune_a, monkeypatch):
    FeedbackFactory(commune=commune_a, code="PA-AAAAAA")
    codes = iter(["PA-AAAAAA", "PA-BBBBBB"])
    monkeypatch.setattr(services, "new_feedback_code", lambda: next(codes))
    assert _create(commune_a).code == "PA-BBBBBB"


@pytest.mark.parametrize("status", ["resolved", "rejected"])
def test_closing_a_case_needs_a_response(commune_a, education_office_user, status):
    feedback = FeedbackFactory(commune=commune_a)
    with pytest.raises(ValidationError) as raised:
        services.feedback_update(feedback=feedback, status=status, response="   ", user=education_office_user)
    assert "response" in raised.value.message_dict
    feedback.refresh_from_db()
    assert feedback.status == "new" and feedback.handled_by is None


def test_the_office_resolves_a_case_with_a_response_and_history_keeps_both_versions(commune_a, education_office_user):
    feedback = FeedbackFactory(commune=commune_a)
    updated = services.feedback_update(
        feedback=feedback, status="resolved", response=" Đã bổ sung vào danh sách. ", user=education_office_user
    )
    assert updated.status == "resolved" and updated.response == "Đã bổ sung vào danh sách."
    assert updated.handled_by == education_office_user and updated.handled_at is not None
    assert list(feedback.history.values_list("status", flat=True)) == ["resolved", "new"]


def test_a_pupil_a_case_is_linked_to_cannot_be_deleted_behind_the_cases_history(commune_a, education_office_user):
    """Deleting the pupil would unlink the case with one UPDATE that writes no history (the report
    as of a later day would still count the pupil as found): the link holds the pupil instead."""
    from django.db.models import ProtectedError

    pupil = StudentFactory(commune=commune_a)
    feedback = FeedbackFactory(commune=commune_a, kind=Feedback.Kind.MISSED_PUPIL)
    services.feedback_update(
        feedback=feedback,
        status="resolved",
        response="Đã có trong danh sách.",
        user=education_office_user,
        student=pupil,
    )
    with pytest.raises(ProtectedError), transaction.atomic():
        pupil.delete()
    feedback.refresh_from_db()
    assert feedback.student == pupil
    assert feedback.history.latest("history_date").student_id == pupil.pk


def test_a_commune_official_handles_only_their_commune(commune_a, commune_b, commune_a_official):
    own = FeedbackFactory(commune=commune_a)
    other = FeedbackFactory(commune=commune_b)
    services.feedback_update(feedback=own, status="checking", response="", user=commune_a_official)
    with pytest.raises(PermissionDenied):
        services.feedback_update(feedback=other, status="checking", response="", user=commune_a_official)
    other.refresh_from_db()
    assert other.status == "new"


@pytest.mark.parametrize("fixture", ["leadership_user", "accountant_user", "viettel_user"])
def test_roles_without_the_case_pages_cannot_update(request, commune_a, fixture):
    feedback = FeedbackFactory(commune=commune_a)
    with pytest.raises(PermissionDenied):
        services.feedback_update(
            feedback=feedback, status="resolved", response="ok", user=request.getfixturevalue(fixture)
        )


def test_the_linked_pupil_must_be_of_the_cases_commune(commune_a, commune_b, education_office_user):
    feedback = FeedbackFactory(commune=commune_a)
    elsewhere = StudentFactory(commune=commune_b)
    with pytest.raises(ValidationError) as raised:
        services.feedback_update(
            feedback=feedback, status="resolved", response="ok", user=education_office_user, student=elsewhere
        )
    assert "student" in raised.value.message_dict
    pupil = StudentFactory(commune=commune_a)
    updated = services.feedback_update(
        feedback=feedback, status="resolved", response="ok", user=education_office_user, student=pupil
    )
    assert updated.student == pupil
    unlinked = services.feedback_update(feedback=feedback, status="resolved", response="ok", user=education_office_user)
    assert unlinked.student is None


def test_find_for_lookup_needs_both_the_code_and_the_phone(commune_a):
    feedback = FeedbackFactory(commune=commune_a, reporter_phone="0912345678")
    assert services.find_for_lookup(feedback.code.lower(), "+84 912 345 678") == feedback
    assert services.find_for_lookup(feedback.code, "0987654321") is None
    assert services.find_for_lookup("PA-ZZZZZZ", "0912345678") is None
    assert services.find_for_lookup("", "") is None


@pytest.mark.parametrize(
    "fields",
    [
        {"status": "resolved", "response": ""},
        {"status": "rejected", "response": ""},
        {"kind": "missed_pupil", "pupil_name": ""},
        {"description": ""},
        {"reporter_phone": ""},
    ],
)
def test_the_database_refuses_a_closed_case_without_response_and_other_empty_essentials(commune_a, fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        FeedbackFactory(commune=commune_a, **fields)


def test_visible_to_scopes_cases_by_role_and_commune(
    commune_a,
    commune_b,
    education_office_user,
    commune_a_official,
    leadership_user,
    accountant_user,
    viettel_user,
):
    a = FeedbackFactory(commune=commune_a)
    b = FeedbackFactory(commune=commune_b)
    assert set(Feedback.objects.visible_to(education_office_user)) == {a, b}
    assert set(Feedback.objects.visible_to(commune_a_official)) == {a}
    assert set(Feedback.objects.editable_by(commune_a_official)) == {a}
    for user in (leadership_user, accountant_user, viettel_user):
        assert not Feedback.objects.visible_to(user).exists()


def test_search_finds_a_name_without_accents_the_code_or_the_phone(commune_a):
    match = FeedbackFactory(commune=commune_a, pupil_name="Nguyễn Thị Hoà", reporter_phone="0987111222")
    FeedbackFactory(commune=commune_a, pupil_name="Trần Văn Bình")
    rows = Feedback.objects.all()
    assert list(services.filter_feedback(rows, search="nguyen thi hoa")) == [match]
    assert list(services.filter_feedback(rows, search=match.code.lower())) == [match]
    assert list(services.filter_feedback(rows, search="0987 111")) == [match]
    assert list(services.filter_feedback(rows, status="resolved")) == []
