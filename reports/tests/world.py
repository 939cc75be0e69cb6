"""A small district whose every figure is known, for the report's tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from allocation.models import AllocationRun, LeftOut, Support
from donations import ledger
from donations.models import Device, DeviceCondition, PledgeLine
from donations.tests.factories import DeviceFactory, DeviceLineFactory, PledgeLineFactory, TelecomLineFactory
from students.models import SchoolLevel, Student
from students.tests.factories import DuplicateCandidateFactory, HamletFactory, SchoolFactory, StudentFactory
from telecom.models import HamletCoverage, Technology
from telecom.tests.factories import ConnectivityOfferFactory, HamletCoverageFactory, SimAssignmentFactory

DAY = date(2021, 9, 25)


@dataclass
class World:
    pupils: dict[str, Student] = field(default_factory=dict)
    supports: dict[str, Support] = field(default_factory=dict)


def device(kind: str = "tablet", status: str = Device.Status.ALLOCATED) -> Device:
    return DeviceFactory(device_type=kind, condition=DeviceCondition.NEW, status=status)


def support(pupil: Student, status: str, *, with_device: str | None = None, offer=None, **fields) -> Support:
    place = SimAssignmentFactory(offer=offer, student=pupil) if offer else None
    if status in (Support.Status.RETURNED, Support.Status.WITHDRAWN):
        fields.setdefault("end_reason", "thử")
    if status == Support.Status.HANDED_OVER:
        fields.setdefault("handed_over_on", DAY)
    return Support.objects.create(
        student=pupil,
        device=device(with_device) if with_device else None,
        offer=offer,
        sim_assignment=place,
        status=status,
        **fields,
    )


def build(commune_a, commune_b, viettel, vnpt) -> World:
    """Commune A: a primary and a lower secondary school, two hamlets (one covered by Viettel 4G
    and VNPT fibre, one with nothing available). Commune B: an upper secondary school, one hamlet.

    | pupil | level | needs | state | counted as |
    |---|---|---|---|---|
    | a_both_full | primary | both | verified, approved device + SIM | supported, needs met |
    | a_both_device | primary | both | verified, handed over device | supported, device only |
    | a_net_proposed | primary | Internet | verified, proposed SIM | awaiting approval |
    | a_dev_returned | lower sec. | device | verified, returned device (not released) | supported |
    | a_dev_withdrawn | lower sec. | device | verified, withdrawn (not released) | withdrawn |
    | a_released | lower sec. | device | verified, withdrawn and released; left out (no device) | no device left |
    | a_net_blocked | primary | Internet | verified, uncovered hamlet; left out (no coverage) | no coverage, blocked |
    | a_listed | primary | device | listed | not verified |
    | a_pair_existing | primary | device | verified, existing record of a pending pair | duplicate pending |
    | b_held | upper sec. | device | held, candidate of that pair | duplicate pending |
    | b_fresh | upper sec. | both, no hamlet | verified, not in the last run | awaiting allocation |
    | b_rejected | upper sec. | device | rejected | not counted |
    """
    w = World()
    primary = SchoolFactory(commune=commune_a, name="Trường Tiểu học Vĩnh Tường", level=SchoolLevel.PRIMARY)
    lower = SchoolFactory(commune=commune_a, name="Trường THCS Vĩnh Tường", level=SchoolLevel.LOWER_SECONDARY)
    upper = SchoolFactory(commune=commune_b, name="Trường THPT Kim Xá", level=SchoolLevel.UPPER_SECONDARY)
    covered = HamletFactory(commune=commune_a, name="Thôn Đông")
    bare = HamletFactory(commune=commune_a, name="Thôn Trắng")
    hamlet_b = HamletFactory(commune=commune_b, name="Thôn Tây")
    HamletCoverageFactory(hamlet=covered, provider=viettel, technology=Technology.MOBILE_4G)
    HamletCoverageFactory(hamlet=covered, provider=vnpt, technology=Technology.FIBRE)
    HamletCoverageFactory(hamlet=hamlet_b, provider=viettel, technology=Technology.MOBILE_3G)
    HamletCoverageFactory(
        hamlet=bare,
        provider=vnpt,
        technology=Technology.MOBILE_4G,
        status=HamletCoverage.Status.PLANNED,
        planned_on=date(2021, 10, 1),
    )

    def pupil(key, school, hamlet, *, device=True, internet=False, status=Student.Status.VERIFIED, hardships=()):
        w.pupils[key] = StudentFactory(
            full_name=f"Học Sinh {key}",
            commune=commune_a if key.startswith("a_") else commune_b,
            school=school,
            hamlet=hamlet,
            level=school.level,
            lacks_device=device,
            lacks_internet=internet,
            status=status,
            hardships=list(hardships),
        )
        return w.pupils[key]

    pupil("a_both_full", primary, covered, internet=True, hardships=["poor", "covid_orphan"])
    pupil("a_both_device", primary, covered, internet=True, hardships=["poor"])
    pupil("a_net_proposed", primary, covered, device=False, internet=True, hardships=["near_poor"])
    pupil("a_dev_returned", lower, covered)
    pupil("a_dev_withdrawn", lower, covered)
    pupil("a_released", lower, covered)
    pupil("a_net_blocked", primary, bare, device=False, internet=True)
    pupil("a_listed", primary, covered, status=Student.Status.LISTED)
    pupil("a_pair_existing", primary, covered)
    pupil("b_held", upper, hamlet_b, status=Student.Status.HELD)
    pupil("b_fresh", upper, None, internet=True)
    pupil("b_rejected", upper, hamlet_b, status=Student.Status.REJECTED)
    DuplicateCandidateFactory(existing=w.pupils["a_pair_existing"], candidate=w.pupils["b_held"])

    sims = ConnectivityOfferFactory(provider=viettel, capacity=10)
    fibre = ConnectivityOfferFactory(provider=vnpt, capacity=5, kind="fibre_waiver")
    s = w.supports
    s["full"] = support(w.pupils["a_both_full"], Support.Status.APPROVED, with_device="laptop", offer=sims)
    s["device"] = support(w.pupils["a_both_device"], Support.Status.HANDED_OVER, with_device="tablet")
    s["proposed"] = support(w.pupils["a_net_proposed"], Support.Status.PROPOSED, offer=fibre)
    s["returned"] = support(w.pupils["a_dev_returned"], Support.Status.RETURNED, with_device="laptop")
    s["withdrawn"] = support(w.pupils["a_dev_withdrawn"], Support.Status.WITHDRAWN, with_device="tablet")
    s["released"] = support(w.pupils["a_released"], Support.Status.WITHDRAWN, with_device="tablet", released=True)

    earlier = AllocationRun.objects.create()
    LeftOut.objects.create(run=earlier, student=w.pupils["b_fresh"], need="device", reason="no_device_left")
    last = AllocationRun.objects.create()
    LeftOut.objects.create(run=last, student=w.pupils["a_released"], need="device", reason="no_device_left")
    LeftOut.objects.create(run=last, student=w.pupils["a_net_blocked"], need="connectivity", reason="no_coverage")

    cash = PledgeLineFactory(amount_vnd=10_000_000)
    PledgeLineFactory(kind=PledgeLine.Kind.BUDGET, amount_vnd=5_000_000, fund_source="Quỹ khuyến học")
    PledgeLineFactory(amount_vnd=99_000_000, cancelled=True, cancel_reason="đổi ý")
    DeviceLineFactory(device_type="tablet", quantity=4)
    TelecomLineFactory(quantity=100)
    ledger.receipt_record(received_on=DAY, amount_vnd=4_000_000, payer="A", pledge_line=cash)
    ledger.receipt_record(received_on=DAY, amount_vnd=1_000_000, payer="Không rõ")
    ledger.spending_record(
        spent_on=DAY,
        category="data",
        description="Gói cước",
        supplier="Viettel",
        amount_vnd=2_000_000,
    )
    device("smartphone", status=Device.Status.AWAITING_INSPECTION)
    return w
