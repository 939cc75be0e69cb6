"""A small district with every part of the report, made through the apps' factories and services."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from allocation.tests.handover_data import approved_support, ready_device
from donations import ledger
from donations.models import DeviceType, ProgrammeAccount
from donations.tests.factories import DeviceLineFactory, PledgeLineFactory, TelecomLineFactory
from reports.models import Milestone
from students.models import SchoolLevel, Student
from students.tests.factories import CommuneFactory, HamletFactory, SchoolFactory, StudentFactory
from telecom.models import Technology
from telecom.tests.factories import ConnectivityOfferFactory, HamletCoverageFactory, ProviderFactory

# Names typed into the database by people: a formula, HTML and a control character.
FORMULA_COMMUNE = '=HYPERLINK("http://x.example","Xã Lạ")'
HTML_SCHOOL = "Trường <b>THCS</b> & \x0bThử"
FORMULA_PROVIDER = "@Mạng Thử"


def build_district(user, commune_a, commune_b) -> dict:
    """Pupils in three communes (one named like a formula), a support, money, devices, coverage, milestones."""
    odd = CommuneFactory(code="09082", name=FORMULA_COMMUNE)
    school_a = SchoolFactory(commune=commune_a, name="Trường Tiểu học Vĩnh Tường")
    school_b = SchoolFactory(commune=commune_b, name=HTML_SCHOOL, level=SchoolLevel.LOWER_SECONDARY)
    provider = ProviderFactory(code="thu", name=FORMULA_PROVIDER, short_name=FORMULA_PROVIDER)
    offer = ConnectivityOfferFactory(provider=provider, capacity=5)
    hamlet = HamletFactory(commune=commune_a)
    HamletCoverageFactory(hamlet=hamlet, provider=provider, technology=Technology.MOBILE_4G)
    HamletFactory(commune=commune_b)  # no provider yet

    approved_support(
        user,
        school_a,
        device=ready_device(device_type=DeviceType.TABLET),
        offer=offer,
        lacks_device=True,
        hamlet=hamlet,
    )
    for _ in range(2):
        StudentFactory(commune=commune_a, school=school_a, status=Student.Status.VERIFIED, lacks_device=True)
    for _ in range(3):
        StudentFactory(commune=commune_b, school=school_b, lacks_internet=True, lacks_device=False)
    StudentFactory(commune=odd, school=SchoolFactory(commune=odd), lacks_device=True, lacks_internet=True)

    ProgrammeAccount.get()
    cash = PledgeLineFactory(amount_vnd=1_500_000)
    ledger.receipt_record(received_on=date(2021, 9, 23), amount_vnd=1_500_000, payer="Công ty Thử", pledge_line=cash)
    DeviceLineFactory(quantity=3)
    TelecomLineFactory(quantity=100)

    now = timezone.now()
    Milestone.objects.create(code="pupil-lists", name="Các xã gửi danh sách", due_at=now - timedelta(days=2))
    Milestone.objects.create(code="report", name="Báo cáo UBND huyện", due_at=now + timedelta(days=5))
    return {"odd": odd, "school_b": school_b, "provider": provider}
