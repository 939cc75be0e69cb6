import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from students.models import Student
from students.tests.factories import HamletFactory, SchoolFactory, StudentFactory
from telecom.selectors import blocked_pupil_counts, infrastructure_figures
from telecom.tests.factories import ConnectivityOfferFactory, HamletCoverageFactory, SimAssignmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def district(commune_a, commune_b, viettel, vnpt):
    covered, bare, planned = (HamletFactory(commune=commune_a, name=n) for n in ("Thôn Có", "Thôn Trắng", "Thôn Chờ"))
    HamletCoverageFactory(hamlet=covered, provider=viettel, technology="4g", status="available")
    HamletCoverageFactory(
        hamlet=planned, provider=vnpt, technology="fibre", status="planned", planned_on=date(2021, 9, 22)
    )
    school = SchoolFactory(commune=commune_a, name="Trường TH Vĩnh Tường")
    for hamlet, lacks_internet in ((covered, True), (bare, True), (bare, True), (planned, True), (bare, False)):
        StudentFactory(
            commune=commune_a,
            school=school,
            hamlet=hamlet,
            lacks_internet=lacks_internet,
            full_name=f"Vũ Thị Riêng {hamlet.name}",
        )
    StudentFactory(commune=commune_a, school=school, hamlet=bare, lacks_internet=True, status=Student.Status.REJECTED)
    StudentFactory(commune=commune_a, school=school, hamlet=None, lacks_internet=True)
    return {"covered": covered, "bare": bare, "planned": planned}


def test_blocked_pupils_are_counted_by_hamlet_and_school(district):
    counts = {(r["hamlet__name"], r["school__name"]): r["pupils"] for r in blocked_pupil_counts()}
    assert counts == {("Thôn Trắng", "Trường TH Vĩnh Tường"): 2, ("Thôn Chờ", "Trường TH Vĩnh Tường"): 1}


def test_telecom_staff_see_counts_and_no_names(client, district, viettel_user):
    client.force_login(viettel_user)
    body = client.get(reverse("telecom:blocked-pupils")).content.decode()
    assert "Thôn Trắng" in body and "Trường TH Vĩnh Tường" in body
    assert "Riêng" not in body


def test_the_office_also_sees_names(client, district, education_office_user, django_assert_max_num_queries):
    client.force_login(education_office_user)
    with django_assert_max_num_queries(14):
        body = client.get(reverse("telecom:blocked-pupils")).content.decode()
    assert "Vũ Thị Riêng Thôn Trắng" in body
    assert "Vũ Thị Riêng Thôn Có" not in body


def test_infrastructure_and_connectivity_figures_reach_the_progress_report(district, viettel, vnpt):
    HamletCoverageFactory(hamlet=district["covered"], provider=vnpt, technology="4g", status="available")
    HamletCoverageFactory(hamlet=district["bare"], provider=viettel, technology="fibre", status="available")
    assert infrastructure_figures() == {"hamlets": 3, "with_mobile_4g": 1, "with_fibre": 1}
    offer = ConnectivityOfferFactory(provider=viettel, capacity=300)
    ConnectivityOfferFactory(provider=vnpt, capacity=200)
    SimAssignmentFactory(offer=offer)
    SimAssignmentFactory(offer=offer, status="cancelled", cancel_reason="chuyển trường")
    out = StringIO()
    call_command("progress_report", "--format", "json", stdout=out)
    report = json.loads(out.getvalue())
    infrastructure = report["infrastructure"]
    assert (infrastructure["hamlets"], infrastructure["with_mobile_4g"], infrastructure["with_fibre"]) == (3, 1, 1)
    assert report["donations"]["connectivity_capacity"] == 500
    assert report["donations"]["connectivity_used"] == 1
