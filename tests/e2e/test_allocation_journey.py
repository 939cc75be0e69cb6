"""Allocation in the browser: dry run, save, approve a commune, read a pupil's explanation.

The helpers are meant to be reused by later steps (handover records, follow-up). Button names
match the Vietnamese words and, until the catalogue is compiled, their English msgids.
"""

import re

import pytest
from playwright.sync_api import expect

from allocation.models import Support
from donations.models import Device, DeviceCondition
from donations.tests.factories import DeviceFactory
from students.models import Student
from students.tests.factories import SchoolFactory, StudentFactory
from tests.e2e.conftest import log_in
from vinhtuong_program.core.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def words(*choices: str) -> re.Pattern:
    """A button or link name in Vietnamese or (before the catalogue is compiled) English."""
    return re.compile("|".join(re.escape(choice) for choice in choices))


def seed_allocation(commune_a, commune_b, *, tablets: int = 2) -> dict:
    """Verified pupils in two communes (A's first one poor), and tablets ready to give."""
    school_a, school_b = SchoolFactory(commune=commune_a), SchoolFactory(commune=commune_b)

    def verified(commune, school, name, **kwargs):
        return StudentFactory(commune=commune, school=school, full_name=name, status=Student.Status.VERIFIED, **kwargs)

    pupils = {
        "a1": verified(commune_a, school_a, "Lê Thị Ánh", hardships=["poor"]),
        "a2": verified(commune_a, school_a, "Trần Văn Bình"),
        "a3": verified(commune_a, school_a, "Phạm Minh Châu"),
        "b1": verified(commune_b, school_b, "Đỗ Thu Dung"),
    }
    for _ in range(tablets):
        DeviceFactory(device_type="tablet", status=Device.Status.READY, condition=DeviceCondition.NEW)
    return {"school_a": school_a, "school_b": school_b, **pupils}


def dry_run_and_save(page, *, expected_proposed: int) -> None:
    page.goto("/can-bo/")
    page.get_by_role("link", name=words("Phân bổ", "Allocation")).click()
    page.get_by_role("button", name=words("Chạy thử", "Dry run")).click()
    expect(page.locator('[data-total="proposed"]')).to_have_text(str(expected_proposed))
    expect(page.locator("#by-commune tbody tr")).not_to_have_count(0)
    page.get_by_role("button", name=words("Lưu đề xuất", "Save the proposal")).click()
    expect(page.locator(".alert-success")).to_be_visible()


def approve_commune(page, commune) -> None:
    page.goto("/can-bo/phan-bo/ho-tro/")
    page.locator("#id_commune").select_option(label=str(commune))
    page.locator("form[method=get] button[type=submit]").click()
    page.get_by_role("button", name=words("Duyệt cả xã", "Approve the whole commune")).click()
    expect(page.locator(".alert-success")).to_be_visible()


def open_pupil_panel(page, student):
    page.goto(f"/can-bo/hoc-sinh/{student.pk}/")
    panel = page.locator("#allocation-panel")
    expect(panel).to_be_visible()
    return panel


def test_staff_run_save_approve_and_explain(page, education_office_user, commune_a, commune_b):
    pupils = seed_allocation(commune_a, commune_b)
    log_in(page, "phonggd", PASSWORD)

    dry_run_and_save(page, expected_proposed=2)
    assert Support.objects.filter(status=Support.Status.PROPOSED).count() == 2

    approve_commune(page, commune_a)
    approved = Support.objects.filter(status=Support.Status.APPROVED)
    assert {s.student.commune_id for s in approved} == {commune_a.pk}
    assert approved.count() == 2

    panel = open_pupil_panel(page, pupils["a1"])
    # The rule that gave the tablet and the pupil's rank within the commune.
    expect(panel.locator('[data-rule="commune_share"]')).to_be_visible()
    expect(panel).to_contain_text(re.compile(r"(hạng|rank) 1"))

    panel = open_pupil_panel(page, pupils["a3"])
    expect(panel).to_contain_text(re.compile(r"(hạng|rank) 3"))
