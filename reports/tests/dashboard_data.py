"""A district where every dashboard item has something to show, at any size (for the query count pins)."""

from __future__ import annotations

import itertools
from datetime import datetime
from zoneinfo import ZoneInfo

from allocation.models import HandoverBatch, Support
from donations.models import Device, DeviceCondition
from donations.tests.factories import DeviceFactory, PledgeLineFactory
from reports.reference import milestones_load
from students.models import Commune, Student, StudentUpload
from students.tests.factories import (
    CommuneFactory,
    DuplicateCandidateFactory,
    HamletFactory,
    SchoolFactory,
    StudentFactory,
)
from telecom.models import DeviceInspection, HamletCoverage, Technology
from telecom.tests.factories import ConnectivityOfferFactory, HamletCoverageFactory, SimAssignmentFactory

VN = ZoneInfo("Asia/Ho_Chi_Minh")
# The morning of 21/09/2021: the pupil lists are due the next day at 17:00.
BEFORE_LISTS_DEADLINE = datetime(2021, 9, 21, 9, 0, tzinfo=VN)
# 25/09/2021: lists and coverage are late.
AFTER_DEADLINES = datetime(2021, 9, 25, 9, 0, tzinfo=VN)

_serials = itertools.count(1)


def upload(commune: Commune, status: str) -> StudentUpload:
    return StudentUpload.objects.create(commune=commune, original_name=f"ds-{commune.code}.xlsx", status=status)


def device(status: str = Device.Status.AWAITING_INSPECTION) -> Device:
    return DeviceFactory(status=status, serial=f"SN-DASH-{next(_serials):05d}")


def inspection_needing_repair(provider, inspector) -> DeviceInspection:
    return DeviceInspection.objects.create(
        device=device(Device.Status.NEEDS_REPAIR),
        provider=provider,
        inspector=inspector,
        result=DeviceInspection.Result.NEEDS_REPAIR,
    )


def offer_with_places(provider, *, capacity: int, used: int, commune: Commune | None = None):
    offer = ConnectivityOfferFactory(provider=provider, capacity=capacity)
    where = {"student__commune": commune} if commune else {}
    for _ in range(used):
        SimAssignmentFactory(offer=offer, **where)
    return offer


def support(student: Student, status: str = Support.Status.PROPOSED, **fields) -> Support:
    given = DeviceFactory(
        status=Device.Status.READY, condition=DeviceCondition.NEW, serial=f"SN-DASH-{next(_serials):05d}"
    )
    return Support.objects.create(student=student, device=given, status=status, **fields)


def district(*, communes: int, pupils: int, viettel, vnpt, inspector) -> list[Commune]:
    """`communes` communes, each with `pupils` listed pupils and a bit of everything the dashboard follows.

    Half the communes sent a list, a quarter's latest list failed; each commune has a pending pair,
    a blocked pupil, a late hamlet, supports proposed and approved; devices, offers and pledges grow
    with the number of communes.
    """
    milestones_load()
    made = []
    for number in range(communes):
        commune = CommuneFactory()
        made.append(commune)
        if number % 2 == 0:
            upload(commune, StudentUpload.Status.IMPORTED)
        if number % 4 == 0:
            upload(commune, StudentUpload.Status.INVALID)
        school = SchoolFactory(commune=commune)
        hamlet = HamletFactory(commune=commune)
        StudentFactory.create_batch(pupils, commune=commune, school=school)
        StudentFactory(commune=commune, school=school, status=Student.Status.VERIFIED)
        # Nobody covers the hamlet yet: its pupil lacking Internet is blocked.
        StudentFactory(commune=commune, school=school, hamlet=hamlet, lacks_internet=True)
        HamletCoverageFactory(
            hamlet=hamlet,
            provider=viettel,
            technology=Technology.FIBRE,
            status=HamletCoverage.Status.NOT_POSSIBLE,
            reason="Đường dây quá xa",
        )
        DuplicateCandidateFactory(existing__commune=commune, candidate__commune=commune)
        verified = StudentFactory.create_batch(3, commune=commune, school=school, status=Student.Status.VERIFIED)
        batch = HandoverBatch.objects.create(number=f"BB-T-{commune.code}", commune=commune)
        support(verified[0])
        support(verified[1], Support.Status.APPROVED)
        support(verified[2], Support.Status.APPROVED, batch=batch)
        device()
        inspection_needing_repair(viettel if number % 2 else vnpt, inspector)
        offer_with_places(viettel if number % 2 else vnpt, capacity=2, used=2, commune=commune)
        PledgeLineFactory()
    return made
