"""Issue 15 item 8: one module (students.pupils) owns the pupil's rules; the five write paths use it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from students import review
from students.models import Student
from students.tests.factories import DuplicateCandidateFactory, StudentFactory

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
# Setting a pupil's status or name key by hand, anywhere but the module that owns the rules.
BY_HAND = re.compile(
    r"\.status\s*=\s*Student\.Status\.|\bstatus\s*=\s*Student\.Status\.(HELD|LISTED)\b(?!\))"
    r"|\.name_key\s*=|\[\"name_key\"\]\s*=\s*fold\("
)


def _sources():
    for app in ("common", "students", "reports", "allocation", "donations", "telecom", "vinhtuong_program"):
        for path in (ROOT / app).rglob("*.py"):
            if {"tests", "migrations"} & set(path.parts) or path.name in ("pupils.py", "demo.py", "anonymise.py"):
                continue
            yield path


def test_no_write_path_sets_a_pupils_status_or_name_key_but_the_pupils_module():
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in _sources()
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if BY_HAND.search(line) and "Student" in path.read_text()
    ]
    assert found == []


def _admin_post(student, **changes) -> dict:
    data = {
        "commune": student.commune_id,
        "hamlet": "",
        "school": student.school_id,
        "full_name": student.full_name,
        "birth_date": student.birth_date.isoformat(),
        "gender": student.gender,
        "personal_id": student.personal_id,
        "pupil_id": student.pupil_id,
        "class_name": student.class_name,
        "level": student.level,
        "guardian_name": "",
        "guardian_phone": "",
        "lacks_device": "on",
        "hardships": "[]",
        "status": student.status,
        "rejection_reason": "",
    }
    data.update(changes)
    return data


def test_a_held_record_cannot_be_verified_in_the_admin(client, education_office_user):
    pair = DuplicateCandidateFactory()
    held = pair.candidate
    client.force_login(education_office_user)
    url = reverse("admin:students_student_change", args=[held.pk])
    response = client.post(url, _admin_post(held, status=Student.Status.VERIFIED, full_name="Nguyễn Văn Mới"))
    assert response.status_code in (200, 302)
    held.refresh_from_db()
    assert held.status == Student.Status.HELD  # status is read-only: only the pair's decision releases it
    assert held.name_key == "nguyen van moi"
    assert review.students_verify(student_ids=[held.pk], user=education_office_user).done == []


def test_the_admin_refuses_a_personal_id_another_active_pupil_holds_in_words(client, education_office_user):
    StudentFactory(personal_id="026212000999")
    pupil = StudentFactory(personal_id="026212000111")
    client.force_login(education_office_user)
    url = reverse("admin:students_student_change", args=[pupil.pk])
    response = client.post(url, _admin_post(pupil, personal_id="026212000999"))
    assert response.status_code == 200
    assert "đã có mã định danh 026212000999" in response.content.decode()
    pupil.refresh_from_db()
    assert pupil.personal_id == "026212000111"


@pytest.mark.parametrize(
    ("field", "value", "column"),
    [
        ("full_name", "Nguyễn Văn 4n", "full_name"),  # the import refuses digits in a name
        ("personal_id", "126212000111", "personal_id"),  # a personal ID starts with 0
        ("personal_id", "026215000111", "personal_id"),  # born 2012, the ID says 2015
        ("class_name", "7A", "class_name"),  # a primary pupil is not in grade 7
        ("guardian_name", "Cha 123", "guardian_name"),
    ],
)
def test_the_correction_form_checks_what_the_import_checks(client, education_office_user, field, value, column):
    pupil = StudentFactory(personal_id="026212000111")
    client.force_login(education_office_user)
    url = reverse("students:student-correct", args=[pupil.pk])
    data = {
        "full_name": pupil.full_name,
        "birth_date": pupil.birth_date.strftime("%d/%m/%Y"),
        "gender": pupil.gender,
        "personal_id": pupil.personal_id,
        "pupil_id": "",
        "class_name": pupil.class_name,
        "hamlet": "",
        "guardian_name": "",
        "guardian_phone": "",
        "reason": "Sửa theo giấy khai sinh",
        "requester_name": "",
        "channel": "",
        field: value,
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert column in response.context["form"].errors
    pupil.refresh_from_db()
    assert getattr(pupil, field) != value
