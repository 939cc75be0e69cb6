import csv
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from donations.models import CommitteeMember
from reports.models import Milestone
from students.models import Commune
from students.reference import COMMUNES_CSV
from telecom.models import Provider
from vinhtuong_program.core.roles import ROLES

pytestmark = pytest.mark.django_db


def test_loading_twice_leaves_exactly_the_28_communes_of_the_district():
    call_command("load_reference_data")
    call_command("load_reference_data")
    assert Commune.objects.count() == 28
    assert Commune.objects.filter(kind=Commune.Kind.TOWNSHIP).count() == 3
    assert Provider.objects.count() == 5
    assert Milestone.objects.count() == 4
    assert CommitteeMember.objects.count() == 4
    assert Group.objects.filter(name__in=[role.group_name for role in ROLES]).count() == 5


def test_communes_match_the_official_code_list():
    call_command("load_reference_data")
    with Path(COMMUNES_CSV).open(encoding="utf-8") as handle:
        official = {row["code"]: row["name"] for row in csv.DictReader(handle)}
    assert dict(Commune.objects.values_list("code", "name")) == official
    assert Commune.objects.get(code="09106").name == "Lũng Hoà"


def test_the_project_copy_of_the_commune_list_matches_the_shared_reference():
    shared = Path(__file__).resolve().parents[3].parent / "shared" / "reference" / "communes.csv"
    if not shared.exists():
        pytest.skip("../shared is not beside this checkout")
    assert shared.read_text(encoding="utf-8") == Path(COMMUNES_CSV).read_text(encoding="utf-8")


def test_staff_edits_survive_a_second_load():
    call_command("load_reference_data")
    Milestone.objects.filter(code="pupil-lists").update(name="Danh sách học sinh (đã sửa)")
    CommitteeMember.objects.filter(full_name="Phan Bá Hùng").update(phone="0900000000")
    call_command("load_reference_data")
    assert Milestone.objects.get(code="pupil-lists").name == "Danh sách học sinh (đã sửa)"
    assert CommitteeMember.objects.get(full_name="Phan Bá Hùng").phone == "0900000000"


def test_milestones_follow_the_plan_in_local_time():
    call_command("load_reference_data")
    lists_due = Milestone.objects.get(code="pupil-lists").due_at
    from zoneinfo import ZoneInfo

    local = lists_due.astimezone(ZoneInfo("Asia/Ho_Chi_Minh"))
    assert (local.day, local.month, local.year, local.hour, local.minute) == (22, 9, 2021, 17, 0)
    campaign = Milestone.objects.get(code="campaign")
    assert campaign.starts_at.astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).day == 22
    assert campaign.due_at.astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).day == 26


def test_loading_records_history():
    call_command("load_reference_data")
    assert Commune.history.filter(history_type="+").count() == 28
