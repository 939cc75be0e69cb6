"""Issue 19: the pair page marks each field that differs and says why the pair was held."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

from students.models import Student
from students.pair_compare import pair_rows
from students.tests.factories import DuplicateCandidateFactory, StudentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(commune_a, commune_b):
    existing = StudentFactory(commune=commune_a, personal_id="026212345678", guardian_phone="", lacks_internet=False)
    candidate = StudentFactory(
        commune=commune_b,
        full_name=existing.full_name.upper(),
        birth_date=existing.birth_date,
        school=existing.school,
        class_name=existing.class_name,
        personal_id="026212345678",
        guardian_phone="0912345678",
        lacks_device=existing.lacks_device,
        lacks_internet=True,
        status=Student.Status.HELD,
    )
    return DuplicateCandidateFactory(existing=existing, candidate=candidate, reason="personal_id")


def test_the_fields_that_differ_are_the_ones_marked(pair):
    with translation.override("en"):
        differing = {row.label for row in pair_rows(pair) if row.differs}
    # The same name in other case is the same name; the commune, phone and needs differ.
    assert "Full name" not in differing and "Personal ID" not in differing and "Birth date" not in differing
    assert {"Commune", "Guardian's phone", "Needs", "Status"} <= differing


def test_the_pair_page_marks_differences_in_words_and_says_why_the_pair_was_held(client, pair, education_office_user):
    client.force_login(education_office_user)
    body = client.get(reverse("students:duplicate-review")).content.decode()
    assert "Hồ sơ bị giữ lại vì hai hồ sơ trùng mã định danh" in body
    marked = re.findall(r'<tr class="pair-differs">\s*<th scope="row" class="fw-normal">([^<]+)<span', body)
    assert {label.strip() for label in marked} >= {"Xã, thị trấn", "SĐT phụ huynh"}
    assert body.count("khác nhau</span>") == len(marked)


def test_rejecting_a_pupil_is_one_closed_action_that_explains_itself(client, commune_a, education_office_user):
    pupil = StudentFactory(commune=commune_a)
    client.force_login(education_office_user)
    url = reverse("students:student-detail", args=[pupil.pk])
    body = client.get(url).content.decode()
    # The reason box is inside a closed disclosure, behind one labelled action, with what rejecting does.
    assert '<details class="reject-action">' in body
    assert "Loại học sinh này khỏi danh sách…</summary>" in body
    assert body.index('<details class="reject-action">') < body.index('name="reason"')
    assert "không được phân bổ gì" in body
    # A reject without a reason opens it again, with the error, and changes nothing.
    body = client.post(url, {"action": "reject", "reason": ""}).content.decode()
    assert '<details class="reject-action" open>' in body
    assert Student.objects.get(pk=pupil.pk).status == pupil.status
    client.post(url, {"action": "reject", "reason": "Gia đình đã có máy tính"})
    assert Student.objects.get(pk=pupil.pk).status == Student.Status.REJECTED


def test_a_commune_official_sees_no_reject_action(client, commune_a, commune_a_official):
    pupil = StudentFactory(commune=commune_a)
    client.force_login(commune_a_official)
    body = client.get(reverse("students:student-detail", args=[pupil.pk])).content.decode()
    assert "reject-action" not in body and 'name="reason"' not in body
