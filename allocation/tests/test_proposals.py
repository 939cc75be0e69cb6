"""Computing and saving a proposal on a small district; manual supports; reports; uploads."""

from __future__ import annotations

import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from allocation import engine, proposals, services
from allocation.models import AllocationRun, LeftOut, Support
from allocation.selectors import pledge_destinations
from allocation.tests.district import build_district, ready_device
from donations import inventory
from donations.models import Device
from donations.tests.factories import PledgeFactory
from reports.progress import build_progress_report
from students.models import Student
from students.tests.factories import DuplicateCandidateFactory, SchoolFactory
from telecom import offers
from telecom.models import SimAssignment
from telecom.sim_sheets import sim_workbook

pytestmark = pytest.mark.django_db
REASON = "Cấp bổ sung theo đề nghị của nhà trường"


@pytest.fixture
def district(commune_a, commune_b, viettel):
    return build_district(commune_a, commune_b, viettel)


@pytest.fixture
def user(education_office_user):
    return education_office_user


def saved(district, user) -> AllocationRun:
    return proposals.run_save(computed=proposals.compute(), user=user)


def support_of(student) -> Support:
    return Support.objects.get(student=student, released=False)


# ------------------------------------------------------------------ compute and save


def test_compute_saves_nothing_and_proposes_what_the_rules_say(district):
    computed = proposals.compute()
    assert not Support.objects.exists() and not AllocationRun.objects.exists()
    decisions = {d.pupil_id: d for d in computed.proposal.decisions}
    d = district
    assert set(decisions) == {d.a1.pk, d.a2.pk, d.b1.pk}
    assert (decisions[d.a1.pk].device_id, decisions[d.a1.pk].offer_id) == (d.t1.pk, d.offer.pk)
    assert (decisions[d.a2.pk].device_id, decisions[d.a2.pk].offer_id) == (None, d.offer.pk)
    assert (decisions[d.b1.pk].device_id, decisions[d.b1.pk].offer_id) == (d.l1.pk, None)
    assert computed.proposal.ineligible == {d.a4.pk: engine.NOT_VERIFIED, d.held.pk: engine.NOT_VERIFIED}
    assert d.rejected.pk not in computed.pupils and d.duplicate.pk not in computed.pupils
    summary = computed.summary()
    assert (summary["proposed"], summary["devices"], summary["places"]) == (3, 2, 2)
    assert summary["unused_devices"] == 1  # t2; l2 is awaiting inspection and not counted at all


def test_save_writes_supports_places_devices_left_out_and_history(district, user):
    d = district
    run = saved(d, user)

    assert (run.run_by, run.proposed_count, run.left_out_count) == (user, 3, 3)
    supports = {s.student_id: s for s in Support.objects.all()}
    assert set(supports) == {d.a1.pk, d.a2.pk, d.b1.pk}
    a1 = supports[d.a1.pk]
    assert (a1.status, a1.run, a1.device_id, a1.offer_id) == (Support.Status.PROPOSED, run, d.t1.pk, d.offer.pk)
    assert a1.score == 340 and a1.rank_in_commune == 1  # lacks both (300) + poor (40)
    assert (a1.device_rule, a1.connectivity_rule) == (engine.COMMUNE_SHARE, engine.COMMUNE_SHARE)
    assert supports[d.a2.pk].score == 130 and supports[d.a2.pk].rank_in_commune == 2
    assert supports[d.b1.pk].device_rule == engine.COMMUNE_SHARE and supports[d.b1.pk].connectivity_rule == ""

    # The places: pending, one per pupil, linked from the support.
    places = SimAssignment.objects.filter(offer=d.offer)
    assert sorted(places.values_list("student_id", "status")) == sorted([(d.a1.pk, "pending"), (d.a2.pk, "pending")])
    assert a1.sim_assignment.student_id == d.a1.pk

    # Devices are allocated, with a history row saying who and why; the others did not move.
    statuses = dict(Device.objects.values_list("pk", "status"))
    assert statuses[d.t1.pk] == statuses[d.l1.pk] == Device.Status.ALLOCATED
    assert statuses[d.t2.pk] == Device.Status.READY and statuses[d.l2.pk] == Device.Status.AWAITING_INSPECTION
    last = d.t1.history.order_by("-history_id").first()
    assert (last.status, last.history_user_id, last.history_change_reason) == (
        "allocated",
        user.pk,
        "Đề xuất từ lượt phân bổ",  # stored in the language of the interface
    )

    # History: one "+" row per support and per place, by the user who saved the run.
    for support in supports.values():
        rows = list(support.history.all())
        assert [(r.history_type, r.history_user_id, r.status) for r in rows] == [("+", user.pk, "proposed")]
    assert SimAssignment.history.filter(history_type="+", history_user_id=user.pk).count() == 2

    left_out = sorted(LeftOut.objects.filter(run=run).values_list("student_id", "need", "reason"))
    assert left_out == sorted(
        [
            (d.a3.pk, "connectivity", engine.NO_PLACE_LEFT),
            (d.b1.pk, "connectivity", engine.NO_COVERAGE),
            (d.b2.pk, "device", engine.NO_DEVICE_LEFT),
        ]
    )
    assert LeftOut.history.filter(history_type="+").count() == 3


def test_a_second_run_proposes_nothing_for_supported_pupils(district, user):
    saved(district, user)
    again = proposals.compute()
    assert again.proposal.decisions == []
    for pupil in (district.a1, district.a2, district.b1):
        assert again.proposal.ineligible[pupil.pk] == engine.ALREADY_SUPPORTED
    run = proposals.run_save(computed=again, user=user)
    assert Support.objects.count() == 3 and run.proposed_count == 0


def test_a_withdrawn_support_still_holds_the_pupils_place_until_released(district, user):
    saved(district, user)
    withdrawn = services.support_withdraw(
        support_id=support_of(district.b1).pk, reason="Gia đình đã tự mua máy", user=user
    )
    assert Device.objects.get(pk=district.l1.pk).status == Device.Status.READY
    assert proposals.compute().proposal.ineligible[district.b1.pk] == engine.ALREADY_SUPPORTED
    services.support_release(support_id=withdrawn.pk, reason="Máy gia đình mua bị hỏng", user=user)
    decisions = {d.pupil_id: d for d in proposals.compute().proposal.decisions}
    assert decisions[district.b1.pk].device_id == district.l1.pk


def test_used_devices_only_once_inspected_ready(district, user):
    assert district.l2.pk not in {d.id for d in proposals.load_devices()}
    inventory.device_status_change(device_id=district.l2.pk, status=Device.Status.NEEDS_REPAIR, reason="Màn hình hỏng")
    assert district.l2.pk not in {d.id for d in proposals.load_devices()}
    inventory.device_status_change(device_id=district.l2.pk, status=Device.Status.REPAIRED, reason="Đã thay màn hình")
    assert district.l2.pk in {d.id for d in proposals.load_devices()}
    decisions = {d.pupil_id: d for d in proposals.compute().proposal.decisions}
    assert decisions[district.b2.pk].device_id == district.l2.pk  # b2 (upper secondary) now gets a laptop


def test_a_school_earmark_names_the_schools_commune_to_the_engine(district):
    pledge = PledgeFactory(earmark_school=district.school_b)
    device = ready_device("laptop", pledge=pledge)
    from donations.tests.factories import DeviceLineFactory

    line = DeviceLineFactory(pledge=pledge, device_type="laptop", quantity=1)
    Device.objects.filter(pk=device.pk).update(pledge_line=line)
    loaded = {d.id: d for d in proposals.load_devices()}[device.pk]
    assert (loaded.earmark_school_id, loaded.earmark_commune_id) == (district.school_b.pk, district.commune_b.pk)


# ------------------------------------------------------------------ stale proposals


def _device_needs_repair(d, user):
    inventory.device_status_change(device_id=d.t1.pk, status=Device.Status.NEEDS_REPAIR, reason="Hỏng khi kiểm tra lại")


def _device_taken_by_hand(d, user):
    services.support_create(student_id=d.b2.pk, device_id=d.t1.pk, offer_id=None, reason=REASON, user=user)


def _pupil_unverified(d, user):
    Student.objects.filter(pk=d.a2.pk).update(status=Student.Status.LISTED)


def _pupil_in_a_new_pair(d, user):
    DuplicateCandidateFactory(existing=d.b1)


def _pupil_supported_by_hand(d, user):
    services.support_create(student_id=d.b1.pk, device_id=d.t2.pk, offer_id=None, reason=REASON, user=user)


def _capacity_reduced(d, user):
    offers.offer_save(user=user, offer=d.offer, capacity=1)


def _place_given_outside(d, user):
    SimAssignment.objects.create(offer=d.offer, student=d.a3)


@pytest.mark.parametrize(
    "change",
    [
        _device_needs_repair,
        _device_taken_by_hand,
        _pupil_unverified,
        _pupil_in_a_new_pair,
        _pupil_supported_by_hand,
        _capacity_reduced,
        _place_given_outside,
    ],
)
def test_a_stale_proposal_is_refused_and_nothing_is_saved(district, user, change):
    computed = proposals.compute()
    change(district, user)
    supports_before = set(Support.objects.values_list("pk", flat=True))
    devices_before = dict(Device.objects.values_list("pk", "status"))
    places_before = set(SimAssignment.objects.values_list("pk", "status"))
    history_before = Support.history.count() + Device.history.count() + SimAssignment.history.count()

    with pytest.raises(ValidationError) as error:
        proposals.run_save(computed=computed, user=user)

    assert error.value.code == "stale_proposal"
    assert set(Support.objects.values_list("pk", flat=True)) == supports_before
    assert dict(Device.objects.values_list("pk", "status")) == devices_before
    assert set(SimAssignment.objects.values_list("pk", "status")) == places_before
    assert Support.history.count() + Device.history.count() + SimAssignment.history.count() == history_before
    assert not AllocationRun.objects.exists() and not LeftOut.objects.exists()


def test_a_support_written_between_the_checks_and_the_insert_is_stale_not_a_server_error(district, user, monkeypatch):
    """The constraint is the last guard; its violation inside the bulk insert becomes "stale" too."""
    computed = proposals.compute()
    services.support_create(
        student_id=district.b1.pk, device_id=district.t2.pk, offer_id=None, reason=REASON, user=user
    )
    monkeypatch.setattr(proposals, "_check_pupils", lambda ids: None)
    with pytest.raises(ValidationError) as error:
        proposals.run_save(computed=computed, user=user)
    assert error.value.code == "stale_proposal"
    assert Support.objects.count() == 1 and not AllocationRun.objects.exists()
    assert Device.objects.get(pk=district.t1.pk).status == Device.Status.READY


# ------------------------------------------------------------------ figures


def _figures_json() -> dict:
    out = io.StringIO()
    call_command("progress_report", "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def test_report_figures_count_approved_supports_only(district, user):
    d = district
    saved(d, user)
    before = _figures_json()
    assert (before["students"]["supported"], before["students"]["supported_device"]) == (0, 0)
    assert set(before["donations"]["devices_allocated"].values()) == {0}
    assert before["students"]["unsupported"] == before["students"]["in_need"]

    approved = services.supports_approve(supports=Support.objects.filter(student__commune=d.commune_a), user=user)
    assert approved == 2
    report = _figures_json()
    assert report["by_level"]["upper_secondary"]["supported"] == 0
    assert report["donations"]["devices_allocated"]["laptop"] == 0
    without_clock = {**report, "generated_at": None}
    assert without_clock == json.loads(json.dumps({**build_progress_report(), "generated_at": None}))
    students = report["students"]
    assert (students["supported"], students["supported_device"], students["supported_connectivity"]) == (2, 1, 2)
    assert students["unsupported"] == students["in_need"] - 2
    by_commune = {row["code"]: row["supported"] for row in report["by_commune"]}
    assert by_commune[d.commune_a.code] == 2 and by_commune[d.commune_b.code] == 0
    assert report["donations"]["devices_allocated"]["tablet"] == 1
    assert report["by_level"]["primary"]["supported"] == 2

    services.supports_approve(supports=Support.objects.all(), user=user)
    report = _figures_json()
    assert report["students"]["supported"] == 3 and report["students"]["supported_device"] == 2
    assert report["donations"]["devices_allocated"] == {"desktop": 0, "laptop": 1, "tablet": 1, "smartphone": 0}


def test_pledge_destinations_counts_by_commune_and_school_without_names(district, user):
    saved(district, user)
    assert pledge_destinations(district.pledge) == []  # proposed is not given yet
    services.supports_approve(supports=Support.objects.all(), user=user)
    rows = pledge_destinations(district.pledge)
    assert rows == [
        {"commune": district.commune_a.name, "school": district.school_a.name, "devices": 1, "connectivity": 0}
    ]
    text = json.dumps(rows, ensure_ascii=False)
    for student in Student.objects.all():
        assert student.full_name not in text


def test_approval_writes_history_with_the_user(district, user):
    saved(district, user)
    services.supports_approve(supports=Support.objects.filter(student=district.a1), user=user)
    support = support_of(district.a1)
    assert (support.status, support.approved_by) == (Support.Status.APPROVED, user)
    latest = support.history.order_by("-history_id").first()
    assert (latest.history_type, latest.status, latest.history_user_id) == ("~", "approved", user.pk)
    assert services.supports_approve(supports=Support.objects.filter(student=district.a1), user=user) == 0
    assert support.history.count() == 2


# ------------------------------------------------------------------ who never gets a support


def test_held_duplicate_and_rejected_records_never_get_a_support(district, user):
    d = district
    # Plenty of supply for everyone.
    for _ in range(10):
        ready_device("tablet")
        ready_device("laptop")
    offers.offer_save(user=user, offer=d.offer, capacity=50)
    pending_pair = DuplicateCandidateFactory(existing=d.a3, candidate=d.held)
    saved(d, user)
    supported = set(Support.objects.values_list("student_id", flat=True))
    assert supported == {d.a1.pk, d.a2.pk, d.b1.pk, d.b2.pk}
    assert not {d.a3.pk, d.a4.pk, d.held.pk, d.rejected.pk, d.duplicate.pk} & supported
    assert not SimAssignment.objects.filter(student__in=[d.a3, d.held]).exists()
    assert pending_pair.decision == "pending"


@pytest.mark.parametrize(
    ("who", "code"),
    [
        ("a4", "not_verified"),
        ("held", "not_verified"),
        ("rejected", "not_verified"),
        ("duplicate", "not_verified"),
        ("a3_in_pair", "duplicate_pending"),
        ("a1_supported", "already_supported"),
    ],
)
def test_support_create_refuses_a_pupil_who_may_not_be_supported(district, user, who, code):
    d = district
    if who == "a3_in_pair":
        DuplicateCandidateFactory(existing=d.a3)
    if who == "a1_supported":
        services.support_create(student_id=d.a1.pk, device_id=d.t1.pk, offer_id=None, reason=REASON, user=user)
    student = {"a3_in_pair": d.a3, "a1_supported": d.a1}.get(who) or getattr(d, who)
    supports = Support.objects.count()
    with pytest.raises(ValidationError) as error:
        services.support_create(student_id=student.pk, device_id=d.t2.pk, offer_id=d.offer.pk, reason=REASON, user=user)
    assert error.value.code == code
    assert str(error.value.message)
    assert Support.objects.count() == supports
    assert Device.objects.get(pk=d.t2.pk).status == Device.Status.READY
    assert not SimAssignment.objects.filter(student=student).exists() or who == "a1_supported"


@pytest.mark.parametrize("status", ["awaiting_inspection", "needs_repair", "unusable", "allocated"])
def test_support_create_refuses_a_device_that_is_not_ready(district, user, status):
    device = district.l2  # used, awaiting inspection
    if status == "needs_repair":
        inventory.device_status_change(device_id=device.pk, status=status, reason="Hỏng")
    elif status == "unusable":
        inventory.device_status_change(device_id=device.pk, status=status, reason="Không dùng được")
    elif status == "allocated":
        device = district.t1
        services.support_create(student_id=district.a1.pk, device_id=device.pk, offer_id=None, reason=REASON, user=user)
    with pytest.raises(ValidationError) as error:
        services.support_create(student_id=district.b2.pk, device_id=device.pk, offer_id=None, reason=REASON, user=user)
    assert error.value.code == "device_unavailable"
    assert not Support.objects.filter(student=district.b2).exists()
    assert Device.objects.get(pk=device.pk).status == status


def test_support_create_on_a_full_offer_saves_nothing_and_puts_the_device_back(district, user):
    d = district
    SimAssignment.objects.create(offer=d.offer, student=d.a2)
    SimAssignment.objects.create(offer=d.offer, student=d.a3)
    with pytest.raises(ValidationError) as error:
        services.support_create(student_id=d.a1.pk, device_id=d.t1.pk, offer_id=d.offer.pk, reason=REASON, user=user)
    assert error.value.code == "offer_full"
    assert not Support.objects.exists()
    assert Device.objects.get(pk=d.t1.pk).status == Device.Status.READY


@pytest.mark.parametrize(
    ("device", "offer", "reason", "code"), [(True, False, "  ", "reason"), (False, False, REASON, "empty")]
)
def test_support_create_needs_a_reason_and_something_to_give(district, user, device, offer, reason, code):
    with pytest.raises(ValidationError) as error:
        services.support_create(
            student_id=district.b2.pk,
            device_id=district.l1.pk if device else None,
            offer_id=district.offer.pk if offer else None,
            reason=reason,
            user=user,
        )
    assert error.value.code == code


def test_support_create_by_hand_keeps_history_and_the_reason(district, user):
    support = services.support_create(
        student_id=district.b2.pk, device_id=district.l1.pk, offer_id=None, reason=REASON, user=user
    )
    assert (support.status, support.manual_reason, support.device_rule) == ("proposed", REASON, "")
    row = support.history.get()
    assert (row.history_type, row.history_user_id, row.history_change_reason) == ("+", user.pk, REASON)
    assert Device.objects.get(pk=district.l1.pk).status == Device.Status.ALLOCATED


# ------------------------------------------------------------------ uploads do not touch a supported pupil


def test_a_reupload_does_not_change_a_pupil_with_a_support(commune_a, user):
    from students.importing import import_file
    from students.tests.spreadsheet_files import grid, pupil_row, xlsx

    SchoolFactory(commune=commune_a, name="Trường Tiểu học Thử", level="primary")

    def upload(rows):
        outcome = import_file(io.BytesIO(xlsx(grid(rows))), "ds.xlsx", commune_a)
        assert outcome.ok, outcome.read.errors
        return outcome

    upload([pupil_row(1), pupil_row(2)])
    Student.objects.update(status=Student.Status.VERIFIED)
    supported = Student.objects.get(full_name="Nguyễn Văn An")
    other = Student.objects.get(full_name="Trần Thị Bình")
    device = ready_device("tablet")
    services.support_create(student_id=supported.pk, device_id=device.pk, offer_id=None, reason=REASON, user=user)
    before = {f: getattr(supported, f) for f in ("class_name", "lacks_internet", "hardships", "status", "hamlet_id")}

    changed = {"Lớp": "4A", "Thiếu Internet": "x", "Hoàn cảnh": "hộ cận nghèo", "Thôn/Xóm": "Thôn Bắc"}
    outcome = upload([pupil_row(1, **changed), pupil_row(2, **changed)])

    supported.refresh_from_db()
    assert {f: getattr(supported, f) for f in before} == before
    assert supported.history.count() == 1
    notes = {c["name"]: c["applied"] for c in outcome.saved.changes}
    assert notes == {"Nguyễn Văn An": False, "Trần Thị Bình": True}
    other.refresh_from_db()
    assert (other.class_name, other.status) == ("4A", Student.Status.LISTED)  # unsupported: updated, to verify again
    assert support_of(supported).status == Support.Status.PROPOSED


def test_a_handover_record_can_be_prepared_for_approved_supports(district, user):
    """The temporary number fits the column on PostgreSQL (max 30 characters) before the real one is set."""
    saved(district, user)
    services.supports_approve(supports=Support.objects.filter(student__school=district.school_a), user=user)
    batch = services.batch_create(school=district.school_a, user=user)
    assert batch.number.startswith("BB-") and len(batch.number) <= 30
    assert set(Support.objects.filter(batch=batch).values_list("student_id", flat=True)) == {
        district.a1.pk,
        district.a2.pk,
    }


def test_the_operator_sees_a_place_once_its_support_is_approved(district, user):
    d = district
    saved(d, user)

    def assignment_ids_on_sheet() -> set[int]:
        sheet = sim_workbook(d.offer).active
        return {row[0] for row in sheet.iter_rows(min_row=2, values_only=True) if row[0]}

    assert SimAssignment.objects.active().filter(offer=d.offer).count() == 2  # held for the proposals
    assert assignment_ids_on_sheet() == set()
    services.supports_approve(supports=Support.objects.filter(student=d.a1), user=user)
    assert assignment_ids_on_sheet() == {support_of(d.a1).sim_assignment_id}
