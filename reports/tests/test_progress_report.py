import json

import pytest
from django.core.management import CommandError, call_command

from students.models import Student
from students.tests.factories import DuplicateCandidateFactory, StudentFactory

pytestmark = pytest.mark.django_db


def _report(tmp_path) -> dict:
    out = tmp_path / "report.json"
    call_command("progress_report", "--format", "json", "-o", str(out))
    return json.loads(out.read_text(encoding="utf-8"))


def test_the_json_report_counts_pupils_by_need_level_and_commune(tmp_path, commune_a, commune_b):
    StudentFactory(commune=commune_a, lacks_device=True, lacks_internet=True, status=Student.Status.VERIFIED)
    StudentFactory(commune=commune_a, lacks_device=False, lacks_internet=True)
    StudentFactory(commune=commune_b, lacks_device=True, status=Student.Status.REJECTED)
    pair = DuplicateCandidateFactory(existing__commune=commune_a, candidate__commune=commune_b)

    report = _report(tmp_path)

    students = report["students"]
    # Both records of the undecided pair count as in need; the rejected one does not.
    assert students["in_need"] == 4
    assert students["lacks_both"] == 1
    assert students["lacks_internet"] == 2
    assert students["lacks_device"] == 3
    assert students["verified"] == 1
    assert students["duplicates_pending"] == 1
    assert students["unsupported"] == 4
    assert report["by_level"]["primary"]["in_need"] == 4
    assert report["by_level"]["upper_secondary"]["in_need"] == 0
    rows = {row["code"]: row for row in report["by_commune"]}
    assert rows[commune_a.code]["in_need"] == 3
    assert rows[commune_b.code]["in_need"] == 1
    assert pair.candidate.commune == commune_b
    assert set(report) >= {"as_of", "donations", "infrastructure", "milestones"}


def test_formats_not_built_yet_are_refused_not_faked():
    with pytest.raises(CommandError):
        call_command("progress_report", "--format", "docx")
