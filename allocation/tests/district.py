"""A small district built with the apps' factories, for the allocation tests that touch the database.

Commune A (primary school, hamlet covered by Viettel 4G) and commune B (upper
secondary school, hamlet with no coverage). With the default settings the engine
proposes exactly:

- a1 (A, lacks both, poor)        → tablet t1 + a place on the SIM offer
- a2 (A, lacks Internet, near-poor) → a place on the SIM offer
- a3 (A, lacks Internet)          → left out: no place left (2 places)
- b1 (B, upper secondary, both)   → laptop l1; connectivity left out: no coverage
- b2 (B, upper secondary, device) → left out: no device left (only a tablet is left)
- a4 (A, listed, not verified), held (A, held as a duplicate): not eligible
- rejected, duplicate (A): not in need at all
- l2 (laptop, used, awaiting inspection) and t2 (tablet) stay on the shelf.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from donations.models import Device, DeviceCondition
from donations.tests.factories import DeviceFactory, DeviceLineFactory
from students.models import SchoolLevel, Student
from students.tests.factories import HamletFactory, SchoolFactory, StudentFactory
from telecom.models import ConnectivityOffer, HamletCoverage, Technology
from telecom.tests.factories import ConnectivityOfferFactory, HamletCoverageFactory

VERIFIED = Student.Status.VERIFIED


@dataclass
class District:
    commune_a: object
    commune_b: object
    school_a: object
    school_b: object
    hamlet_a: object
    hamlet_b: object
    a1: Student
    a2: Student
    a3: Student
    a4: Student
    held: Student
    rejected: Student
    duplicate: Student
    b1: Student
    b2: Student
    t1: Device
    t2: Device
    l1: Device
    l2: Device
    offer: ConnectivityOffer
    pledge: object


def ready_device(kind: str = "tablet", **kwargs) -> Device:
    return DeviceFactory(device_type=kind, condition=DeviceCondition.NEW, status=Device.Status.READY, **kwargs)


def build_district(commune_a, commune_b, provider) -> District:
    school_a = SchoolFactory(commune=commune_a, name="Trường Tiểu học Vĩnh Tường", level=SchoolLevel.PRIMARY)
    school_b = SchoolFactory(commune=commune_b, name="Trường THPT Kim Xá", level=SchoolLevel.UPPER_SECONDARY)
    hamlet_a = HamletFactory(commune=commune_a, name="Thôn Đông")
    hamlet_b = HamletFactory(commune=commune_b, name="Thôn Tây")
    HamletCoverageFactory(hamlet=hamlet_a, provider=provider, technology=Technology.MOBILE_4G)
    HamletCoverageFactory(
        hamlet=hamlet_b,
        provider=provider,
        technology=Technology.MOBILE_4G,
        status=HamletCoverage.Status.PLANNED,
        planned_on=date(2021, 9, 23),
    )
    offer = ConnectivityOfferFactory(provider=provider, capacity=2)

    def pupil(name, commune, school, hamlet, *, device, internet, hardships=(), status=VERIFIED, level=None):
        return StudentFactory(
            full_name=name,
            commune=commune,
            school=school,
            hamlet=hamlet,
            level=level or school.level,
            lacks_device=device,
            lacks_internet=internet,
            hardships=list(hardships),
            status=status,
            birth_date=date(2010, 1, 1),
        )

    a1 = pupil("Nguyễn Thị Một", commune_a, school_a, hamlet_a, device=True, internet=True, hardships=["poor"])
    a2 = pupil("Trần Văn Hai", commune_a, school_a, hamlet_a, device=False, internet=True, hardships=["near_poor"])
    a3 = pupil("Lê Thị Ba", commune_a, school_a, hamlet_a, device=False, internet=True)
    a4 = pupil("Phạm Văn Bốn", commune_a, school_a, hamlet_a, device=True, internet=True, status=Student.Status.LISTED)
    held = pupil("Hoàng Thị Năm", commune_a, school_a, hamlet_a, device=True, internet=False, status="held")
    rejected = pupil("Vũ Văn Sáu", commune_a, school_a, hamlet_a, device=True, internet=True, status="rejected")
    duplicate = pupil("Đỗ Thị Bảy", commune_a, school_a, hamlet_a, device=True, internet=True, status="duplicate")
    b1 = pupil("Bùi Văn Tám", commune_b, school_b, hamlet_b, device=True, internet=True)
    b2 = pupil("Ngô Thị Chín", commune_b, school_b, hamlet_b, device=True, internet=False)

    line = DeviceLineFactory(device_type="tablet", quantity=1)
    t1 = ready_device("tablet", pledge_line=line, pledge=line.pledge)
    l1 = ready_device("laptop")
    l2 = DeviceFactory(device_type="laptop", condition=DeviceCondition.USED)  # awaiting inspection
    t2 = ready_device("tablet")
    return District(
        commune_a=commune_a,
        commune_b=commune_b,
        school_a=school_a,
        school_b=school_b,
        hamlet_a=hamlet_a,
        hamlet_b=hamlet_b,
        a1=a1,
        a2=a2,
        a3=a3,
        a4=a4,
        held=held,
        rejected=rejected,
        duplicate=duplicate,
        b1=b1,
        b2=b2,
        t1=t1,
        t2=t2,
        l1=l1,
        l2=l2,
        offer=offer,
        pledge=line.pledge,
    )
