"""The figures guard (issue 15): random histories of real service calls, and after each step every
place a figure is shown must agree with every other and with the invariants (figures_guard.py).

A bounded run in the normal suite; `HYPOTHESIS_PROFILE=nightly` (make test-figures-nightly) runs
many more and longer histories.
"""

from __future__ import annotations

import contextlib
import io
import os
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from allocation import proposals, services
from allocation.models import Support
from allocation.tests.district import build_district
from donations import confirmation, ledger
from donations import pledges as pledge_service
from donations.models import Device, Pledge, PledgeLine
from reports.tests import figures_guard
from students import review, upload_processing
from students.models import DuplicateCandidate, Student, StudentUpload
from students.tests.spreadsheet_files import csv_bytes, grid, pupil_row
from telecom import inspections
from telecom.coverage import CoverageChange, coverage_set
from telecom.models import DeviceInspection, HamletCoverage, Technology

pytestmark = pytest.mark.django_db

PROFILES = {
    # The normal suite: a few short histories (well under 30 s on a quiet machine).
    "default": settings(max_examples=4, stateful_step_count=8, deadline=None, suppress_health_check=list(HealthCheck)),
    "nightly": settings(
        max_examples=150, stateful_step_count=40, deadline=None, suppress_health_check=list(HealthCheck)
    ),
}
PROFILE = PROFILES.get(os.environ.get("HYPOTHESIS_PROFILE", ""), PROFILES["default"])

NAMES = ["Nguyễn Văn An", "Nguyễn Văn Anh", "Trần Thị Bình", "Lê Văn Cường"]
BIRTHS = ["17/05/2012", "03/02/2013"]
# No ID, or one of two; a valid ID carries the birth year (and "2": a boy born after 2000).
IDS = ["", "", "8", "9"]
REASON = "Điều chỉnh theo đề nghị của nhà trường"

pupil = st.fixed_dictionaries(
    {
        "name": st.sampled_from(NAMES),
        "birth": st.sampled_from(BIRTHS),
        "pid": st.sampled_from(IDS),
        "device": st.booleans(),
        "internet": st.booleans(),
    }
)


def _pupil_file(pupils: list[dict], *, refused: bool) -> bytes:
    rows = []
    for n, p in enumerate(pupils, start=1):
        row = pupil_row(
            n,
            **{
                "Họ và tên": p["name"],
                "Ngày sinh": p["birth"],
                "Mã định danh": f"0012{p['birth'][-2:]}34567{p['pid']}" if p["pid"] else "",
                "Trường": "Trường Tiểu học Vĩnh Tường",
                "Thôn/Xóm": "Thôn Đông",
                "Thiếu thiết bị": "x" if p["device"] or not p["internet"] else "",
                "Thiếu Internet": "x" if p["internet"] else "",
            },
        )
        rows.append(row)
    if refused:
        rows.append(pupil_row(len(rows) + 1, **{"Ngày sinh": "32/13/2012", "Trường": "Trường Tiểu học Vĩnh Tường"}))
    return csv_bytes(grid(rows))


def _pick(queryset, i: int):
    items = list(queryset.order_by("pk").values_list("pk", flat=True)[:50])
    return items[i % len(items)] if items else None


REFUSALS = (ValidationError, PermissionDenied, review.ReviewError, ValueError)


class FiguresMachine(RuleBasedStateMachine):
    """One district (allocation/tests/district.py) and its users; every rule is a real service call."""

    world: dict = {}

    @initialize()
    def start(self):
        self.savepoint = transaction.savepoint()
        self.steps = 0

    def teardown(self):
        if os.environ.get("FIGURES_GUARD_STATS"):  # a file to append what each history reached
            stats = {
                "pupils": dict(Student.objects.values_list("status").annotate(n=Count("pk")).order_by()),
                "supports": dict(Support.objects.values_list("status").annotate(n=Count("pk")).order_by()),
                "pledges": Pledge.objects.count(),
                "unconfirmed": Pledge.objects.filter(confirmed_at__isnull=True).count(),
                "devices": Device.objects.count(),
                "uploads": dict(StudentUpload.objects.values_list("status").annotate(n=Count("pk")).order_by()),
                "pairs": DuplicateCandidate.objects.count(),
                "steps": self.steps,
            }
            with open(os.environ["FIGURES_GUARD_STATS"], "a") as out:
                out.write(f"{stats}\n")
        transaction.savepoint_rollback(self.savepoint)

    @property
    def office(self):
        return self.world["office"]

    # --- pupils ----------------------------------------------------------------------------------

    @rule(pupils=st.lists(pupil, min_size=1, max_size=3), refused=st.booleans())
    def upload_on_the_web(self, pupils, refused):
        district = self.world["district"]
        upload = StudentUpload(commune=district.commune_a, uploaded_by=self.world["official"], original_name="ds.csv")
        upload.original_file.save("ds.csv", ContentFile(_pupil_file(pupils, refused=refused)), save=False)
        upload.save()
        upload_processing.process_upload(upload.pk)

    @rule(pupils=st.lists(pupil, min_size=1, max_size=3), refused=st.booleans())
    def import_on_the_command_line(self, pupils, refused):
        path = self.world["tmp"] / "ds.csv"
        path.write_bytes(_pupil_file(pupils, refused=refused))
        code = self.world["district"].commune_a.code
        try:
            call_command("import_students", str(path), "--commune", code, stdout=io.StringIO(), stderr=io.StringIO())
        except SystemExit as exit_:
            assert exit_.code == 1  # refused: a bad date, or the same pupil twice in the file
        else:
            assert not refused, "a file with a bad row was imported"

    @rule(i=st.integers(0, 50), same=st.booleans())
    def decide_a_pair(self, i, same):
        pair = _pick(DuplicateCandidate.objects.filter(decision=DuplicateCandidate.Decision.PENDING), i)
        if pair is not None:
            decision = DuplicateCandidate.Decision.SAME if same else DuplicateCandidate.Decision.DIFFERENT
            try:
                with transaction.atomic():
                    review.pair_decide(pair_id=pair, decision=decision, user=self.office)
            except REFUSALS:
                pass

    @rule(i=st.integers(0, 50))
    def verify(self, i):
        student = _pick(Student.objects.filter(status=Student.Status.LISTED), i)
        if student is not None:
            with transaction.atomic():
                review.students_verify(student_ids=[student], user=self.office)

    # --- pledges, money and devices ----------------------------------------------------------------

    @rule(amount=st.integers(1, 5_000_000_000), devices=st.integers(0, 3), public=st.booleans())
    def pledge(self, amount, devices, public):
        lines = [pledge_service.LineData(kind=PledgeLine.Kind.CASH, amount_vnd=amount)]
        if devices:
            lines.append(
                pledge_service.LineData(kind="device", device_type="laptop", condition="used", quantity=devices)
            )
        pledge_service.pledge_create(
            donor=pledge_service.DonorData(kind="individual", name=f"Nhà hảo tâm {amount}", publish_consent=True),
            lines=lines,
            channel=Pledge.Channel.PUBLIC_FORM if public else Pledge.Channel.STAFF,
            created_by=None if public else self.office,
        )

    @rule(i=st.integers(0, 50))
    def confirm(self, i):
        pledge = _pick(Pledge.objects.filter(confirmed_at__isnull=True), i)
        if pledge is not None:
            confirmation.pledge_confirm(pledge_id=pledge, by=self.office)

    @rule(i=st.integers(0, 50))
    def cancel_a_line(self, i):
        line_id = _pick(PledgeLine.objects.filter(cancelled=False), i)
        if line_id is not None:
            pledge_service.line_cancel(line=PledgeLine.objects.get(pk=line_id), reason="Nhà hảo tâm đổi ý")

    @rule(i=st.integers(0, 50), share=st.integers(1, 4))
    def receive_money(self, i, share):
        line_id = _pick(PledgeLine.objects.filter(kind=PledgeLine.Kind.CASH, cancelled=False), i)
        if line_id is None:
            return
        line = PledgeLine.objects.with_received().get(pk=line_id)
        amount = (line.amount_vnd - line.received_vnd) // share
        if amount > 0:
            ledger.receipt_record(
                received_on=date(2021, 9, 20),
                amount_vnd=amount,
                payer="Nhà hảo tâm",
                pledge_line=line,
                recorded_by=self.office,
            )

    @rule(i=st.integers(0, 50))
    def receive_a_device(self, i):
        line_id = _pick(PledgeLine.objects.filter(kind=PledgeLine.Kind.DEVICE, cancelled=False), i)
        if line_id is not None:
            with contextlib.suppress(ValidationError):  # everything pledged has arrived
                pledge_service.devices_receive(
                    line=PledgeLine.objects.get(pk=line_id),
                    count=1,
                    received_on=date(2021, 9, 20),
                    received_by=self.office,
                )

    @rule(i=st.integers(0, 50), result=st.sampled_from(DeviceInspection.Result.values))
    def inspect_a_device(self, i, result):
        device = _pick(Device.objects.filter(status=Device.Status.AWAITING_INSPECTION), i)
        if device is not None:
            inspections.inspection_record(
                user=self.world["telecom"], device_id=device, provider=self.world["district"].offer.provider,
                result=result, data_wiped=True,
            )  # fmt: skip

    # --- coverage and allocation -----------------------------------------------------------------

    @rule(covered=st.booleans(), commune_b=st.booleans())
    def change_coverage(self, covered, commune_b):
        district = self.world["district"]
        hamlet = district.hamlet_b if commune_b else district.hamlet_a
        status = HamletCoverage.Status.AVAILABLE if covered else HamletCoverage.Status.NOT_POSSIBLE
        change = CoverageChange(technology=Technology.MOBILE_4G, status=status, reason="" if covered else "Vùng trũng")
        coverage_set(user=self.office, hamlet=hamlet, provider=district.offer.provider, changes=[change])

    @rule()
    def save_a_run(self):
        with contextlib.suppress(ValidationError):
            proposals.run_save(computed=proposals.compute(), user=self.office)

    @rule(i=st.integers(0, 50))
    def approve(self, i):
        support = _pick(Support.objects.filter(status=Support.Status.PROPOSED), i)
        if support is not None:
            services.supports_approve(supports=Support.objects.filter(pk=support), user=self.office)

    @rule(i=st.integers(0, 50))
    def support_by_hand(self, i):
        student = _pick(Student.objects.filter(status=Student.Status.VERIFIED, supports__isnull=True), i)
        device = _pick(proposals.free_devices(), i)
        if student is not None and device is not None:
            with contextlib.suppress(REFUSALS):
                services.support_create(
                    student_id=student, device_id=device, offer_id=None, reason=REASON, user=self.office
                )

    @rule(i=st.integers(0, 50))
    def withdraw(self, i):
        support = _pick(Support.objects.filter(status__in=[Support.Status.PROPOSED, Support.Status.APPROVED]), i)
        if support is not None:
            with contextlib.suppress(REFUSALS):
                services.support_withdraw(support_id=support, reason=REASON, user=self.office)

    @rule()
    def hand_over(self):
        district = self.world["district"]
        try:
            batch = services.batch_create(commune=district.commune_a, user=self.office)
        except ValidationError:
            return
        services.batch_hand_over(
            batch_id=batch.pk, handed_over_on=timezone.localdate(), received_by="Nguyễn Văn Bình", user=self.office
        )

    @rule(i=st.integers(0, 50))
    def take_back(self, i):
        support = _pick(Support.objects.filter(status=Support.Status.HANDED_OVER), i)
        if support is not None:
            services.follow_up_record(
                support_id=support,
                checked_on=timezone.localdate(),
                result="broken",
                note=REASON,
                user=self.office,
                take_back=True,
            )

    # --- the guard ----------------------------------------------------------------------------------

    @invariant()
    def figures_agree(self):
        if not hasattr(self, "savepoint"):
            return
        self.steps += 1
        found = figures_guard.violations(figures_guard.places(with_json=self.steps % 5 == 0))
        assert not found, found


@pytest.fixture
def world(commune_a, commune_b, viettel, education_office_user, commune_a_official, viettel_user, tmp_path):
    district = build_district(commune_a, commune_b, viettel)
    for commune in (commune_a, commune_b):  # the pupils the district starts with came in on an imported list
        StudentUpload.objects.create(
            commune=commune,
            uploaded_by=education_office_user,
            original_name="danh-sach.xlsx",
            status=StudentUpload.Status.IMPORTED,
            finished_at=timezone.now(),
        )
    return {
        "district": district,
        "office": education_office_user,
        "official": commune_a_official,
        "telecom": viettel_user,
        "tmp": tmp_path,
    }


def test_every_place_shows_the_same_figures_whatever_happens(world):
    FiguresMachine.world = world
    run_state_machine_as_test(FiguresMachine, settings=PROFILE)


def test_the_guard_catches_a_page_that_counts_its_own_way(world, monkeypatch):
    """Plant the bug of issue 15 item 3 in the telecom page's figure: the guard must see it."""
    from telecom import selectors
    from telecom.models import SimAssignment

    proposals.run_save(computed=proposals.compute(), user=world["office"])
    assert figures_guard.violations(figures_guard.places()) == []

    def counts_proposals_as_used():
        return {
            "connectivity_capacity": 2,
            "connectivity_used": SimAssignment.objects.active().count(),
            "connectivity_proposed": 0,
        }

    monkeypatch.setattr(selectors, "connectivity_figures", counts_proposals_as_used)
    found = figures_guard.violations(figures_guard.places())
    assert any("telecom page connectivity_used" in message for message in found), found


def test_the_guard_catches_a_commune_page_that_disagrees(world, monkeypatch):
    from students import selectors

    real = selectors.commune_totals
    monkeypatch.setattr(selectors, "commune_totals", lambda c: {**real(c), "in_need": real(c)["in_need"] + 1})
    found = figures_guard.violations(figures_guard.places())
    assert any(message.startswith("commune page") for message in found), found


def test_the_guard_catches_a_negative_or_unbalanced_summary(world, monkeypatch):
    """Plant the bug of issue 15 item 2: "eligible" as in need minus every ineligible pupil."""
    from allocation import summary

    real = summary._commune_row

    def old_row(commune, standings, counts, proposal):
        row = real(commune, standings, counts, proposal)
        row["eligible"] = row["in_need"] - row["supported"] - len(standings)
        return row

    monkeypatch.setattr(summary, "_commune_row", old_row)
    found = figures_guard.violations(figures_guard.places())
    assert any("eligible" in message or "negative" in message for message in found), found
