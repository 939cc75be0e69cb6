"""Approved supports made through the services, as staff would make them, for handover and follow-up tests."""

from __future__ import annotations

import itertools
from datetime import date

from allocation import services
from allocation.models import HandoverBatch, Support
from donations.models import Device, DeviceCondition, DeviceType
from donations.tests.factories import DeviceFactory
from students.models import Student
from students.tests.factories import HamletFactory, SchoolFactory, StudentFactory
from telecom.models import SimAssignment
from telecom.tests.factories import ConnectivityOfferFactory

_serials = itertools.count(1)


def ready_device(**fields) -> Device:
    fields.setdefault("serial", f"SN-TEST-{next(_serials):05d}")
    return DeviceFactory(status=Device.Status.READY, condition=DeviceCondition.NEW, **fields)


def pupil(school, **fields) -> Student:
    fields.setdefault("hamlet", HamletFactory(commune=school.commune))
    return StudentFactory(
        commune=fields.pop("commune", school.commune), school=school, status=Student.Status.VERIFIED, **fields
    )


def approved_support(
    user, school, *, device: Device | None = None, offer=None, sim_number: str = "", **pupil_fields
) -> Support:
    """A pupil of `school` given `device` and/or a place on `offer`, proposed by hand and approved."""
    student = pupil(school, **pupil_fields)
    support = services.support_create(
        student_id=student.pk,
        device_id=device.pk if device else None,
        offer_id=offer.pk if offer else None,
        reason="Bổ sung theo đề nghị của nhà trường",
        user=user,
    )
    if sim_number:
        # The operator fills in the SIM it activated (telecom's SIM sheet).
        SimAssignment.objects.filter(pk=support.sim_assignment_id).update(sim_number=sim_number)
    services.supports_approve(supports=Support.objects.filter(pk=support.pk), user=user)
    support.refresh_from_db()
    return support


def school_with_record(user, commune, *, handed_over: bool = False, tag: str = ""):
    """A school with two approved supports on one handover record: a laptop, and a tablet with a SIM.

    `tag` keeps serials and SIM numbers unique when a test makes several records.
    """
    school = SchoolFactory(commune=commune, name="Trường Tiểu học Vĩnh Tường")
    offer = ConnectivityOfferFactory(name="SIM 4G học tập", capacity=5)
    first = approved_support(
        user,
        school,
        device=ready_device(
            device_type=DeviceType.LAPTOP, brand_model="Dell Latitude 5400", serial=f"DL5400-0001{tag}"
        ),
        full_name="Nguyễn Thị Hương",
        class_name="4A",
        guardian_name="Nguyễn Văn Đức",
    )
    second = approved_support(
        user,
        school,
        device=ready_device(
            device_type=DeviceType.TABLET, brand_model="Samsung Galaxy Tab A7", serial=f"IMEI3569{tag}"
        ),
        offer=offer,
        sim_number=f"09876543{ord(tag[0]) % 100:02d}" if tag else "0987654321",
        full_name="Trần Quốc Bảo",
        class_name="5B",
        guardian_name="Trần Thị Lan",
    )
    batch = services.batch_create(school=school, user=user)
    if handed_over:
        batch = services.batch_hand_over(
            batch_id=batch.pk, handed_over_on=date(2021, 9, 25), received_by="Lê Thị Mai", user=user
        )
    return HandoverBatch.objects.select_related("school", "commune").get(pk=batch.pk), first, second
