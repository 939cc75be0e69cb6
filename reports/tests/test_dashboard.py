"""The staff dashboard's items: what each role sees, within its scope, counted right."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from allocation.models import HandoverBatch, Support
from donations import ledger
from donations.models import Device, ProgrammeAccount
from donations.tests.factories import PledgeLineFactory
from reports.dashboard import DETAIL_LIMIT, Severity, attention_items
from reports.models import Milestone
from reports.reference import milestones_load
from reports.tests.dashboard_data import (
    AFTER_DEADLINES,
    BEFORE_LISTS_DEADLINE,
    device,
    district,
    inspection_needing_repair,
    offer_with_places,
    support,
    upload,
)
from students.models import Student, StudentUpload
from students.tests.factories import CommuneFactory, DuplicateCandidateFactory, HamletFactory, StudentFactory
from telecom.models import HamletCoverage, Technology
from telecom.tests.factories import HamletCoverageFactory

pytestmark = pytest.mark.django_db

IMPORTED = StudentUpload.Status.IMPORTED


@pytest.fixture(autouse=True)
def _account_with_a_vietqr(db):
    """A valid programme account: its notice (reports/tests/test_dashboard_bank.py) stays out of these lists."""
    ProgrammeAccount.objects.create(bank_name="Agribank", account_number="2900205123456")


def items(user, now=AFTER_DEADLINES) -> dict:
    return {item.key: item for item in attention_items(user, now=now)}


def texts(user, now=AFTER_DEADLINES) -> str:
    return " ".join(
        [item.label for item in attention_items(user, now=now)]
        + [detail.label for item in attention_items(user, now=now) for detail in item.details]
    )


# --- the whole list ------------------------------------------------------------------------------


def test_nothing_needs_attention_when_every_commune_sent_its_list(education_office_user, commune_a, commune_b):
    upload(commune_a, IMPORTED)
    upload(commune_b, IMPORTED)
    assert attention_items(education_office_user, now=AFTER_DEADLINES) == []


def test_an_anonymous_visitor_has_nothing(commune_a):
    from django.contrib.auth.models import AnonymousUser

    assert attention_items(AnonymousUser()) == []


def test_items_come_most_urgent_first(education_office_user, commune_a, commune_b):
    PledgeLineFactory()
    StudentFactory(commune=commune_b)
    upload(commune_b, IMPORTED)
    upload(commune_a, StudentUpload.Status.INVALID)
    found = [(item.key, item.severity) for item in attention_items(education_office_user, now=AFTER_DEADLINES)]
    assert found == [
        ("lists_with_errors", Severity.DANGER),
        ("lists_missing", Severity.WARNING),
        ("pupils_unverified", Severity.WARNING),
        ("pledges_outstanding", Severity.INFO),
    ]


# --- pupil lists ---------------------------------------------------------------------------------


def test_communes_without_a_list_are_named_with_the_deadline_before_it(education_office_user, commune_a, commune_b):
    milestones_load()
    upload(commune_b, IMPORTED)
    upload(commune_a, StudentUpload.Status.PENDING)
    item = items(education_office_user, BEFORE_LISTS_DEADLINE)["lists_missing"]
    assert item.count == 1
    assert item.severity == Severity.WARNING
    assert "17:00 22/09/2021" in item.label and "quá hạn" not in item.label
    assert [d.label for d in item.details] == ["Thị trấn Vĩnh Tường"]
    assert item.details[0].url == reverse("students:commune-detail", args=[commune_a.code])


def test_communes_without_a_list_are_late_after_the_deadline(education_office_user, commune_a):
    milestones_load()
    item = items(education_office_user, AFTER_DEADLINES)["lists_missing"]
    assert item.severity == Severity.DANGER
    assert "quá hạn từ 17:00 22/09/2021" in item.label


def test_a_commune_is_flagged_while_its_latest_list_failed_and_none_came_after(education_office_user):
    fixed, broken_update, unreadable = CommuneFactory(), CommuneFactory(), CommuneFactory()
    upload(fixed, StudentUpload.Status.INVALID)
    upload(fixed, IMPORTED)
    upload(broken_update, IMPORTED)
    failed = upload(broken_update, StudentUpload.Status.INVALID)
    unread = upload(unreadable, StudentUpload.Status.UNREADABLE)
    found = items(education_office_user)
    item = found["lists_with_errors"]
    assert item.count == 1
    assert item.severity == Severity.DANGER
    assert [d.label for d in item.details] == [str(unreadable)]
    assert item.url == reverse("students:upload-detail", args=[unreadable.code, unread.pk])
    # A list was imported before the refused file: it stands, and the refused file is said, not alarmed.
    refused = found["lists_refused"]
    assert refused.severity == Severity.INFO and refused.count == 1
    assert refused.details[0].label.startswith(str(broken_update)) and "bị từ chối" in refused.details[0].label
    assert refused.url == reverse("students:upload-detail", args=[broken_update.code, failed.pk])
    # The commune whose only list failed has not sent a list either.
    assert [d.label for d in found["lists_missing"].details] == [str(unreadable)]


def test_a_commune_official_sees_only_their_own_commune_and_is_sent_to_the_upload(
    commune_a, commune_b, commune_a_official
):
    upload(commune_b, StudentUpload.Status.INVALID)
    found = items(commune_a_official)
    assert found["lists_missing"].count == 1
    assert found["lists_missing"].url == reverse("students:upload", args=[commune_a.code])
    assert "lists_with_errors" not in found
    assert commune_b.name not in texts(commune_a_official)


def test_many_communes_are_named_up_to_a_limit(education_office_user):
    for _ in range(DETAIL_LIMIT + 2):
        CommuneFactory()
    item = items(education_office_user)["lists_missing"]
    assert item.count == DETAIL_LIMIT + 2
    assert len(item.details) == DETAIL_LIMIT + 1
    assert item.details[-1].label == "và 2 xã, thị trấn khác"
    assert item.url == ""


# --- pupils --------------------------------------------------------------------------------------


def test_the_office_sees_every_pending_pair_by_commune(education_office_user, commune_a, commune_b):
    DuplicateCandidateFactory(existing__commune=commune_a, candidate__commune=commune_a)
    DuplicateCandidateFactory(existing__commune=commune_a, candidate__commune=commune_b)
    DuplicateCandidateFactory(candidate__commune=commune_b, decision="same")
    item = items(education_office_user)["duplicates_pending"]
    assert item.count == 2
    assert item.url == reverse("students:duplicate-review")
    assert not item.read_only
    assert [d.label for d in item.details] == ["Thị trấn Vĩnh Tường: 1", "Xã Kim Xá: 1"]


def test_a_commune_official_follows_their_own_pairs_read_only(commune_a, commune_b, commune_a_official):
    DuplicateCandidateFactory(existing__commune=commune_b, candidate__commune=commune_a)
    DuplicateCandidateFactory.create_batch(3, existing__commune=commune_b, candidate__commune=commune_b)
    item = items(commune_a_official)["duplicates_pending"]
    assert item.count == 1
    assert item.read_only
    assert item.url == reverse("students:student-list") + "?status=held"
    assert item.details == []


def test_listed_pupils_wait_for_verification_by_commune(education_office_user, commune_a, commune_b):
    StudentFactory.create_batch(2, commune=commune_a)
    StudentFactory(commune=commune_b)
    StudentFactory(commune=commune_b, status=Student.Status.VERIFIED)
    StudentFactory(commune=commune_b, status=Student.Status.REJECTED)
    item = items(education_office_user)["pupils_unverified"]
    assert item.count == 3
    assert item.url == reverse("students:verification")
    assert item.details[1].label == "Xã Kim Xá: 1"
    assert item.details[1].url == f"{reverse('students:verification')}?commune={commune_b.pk}"


def test_a_commune_official_counts_only_their_communes_pupils(commune_a, commune_b, commune_a_official):
    StudentFactory.create_batch(2, commune=commune_a)
    StudentFactory.create_batch(5, commune=commune_b)
    item = items(commune_a_official)["pupils_unverified"]
    assert item.count == 2
    assert item.read_only
    assert item.url == reverse("students:student-list") + "?status=listed"


# --- devices, offers, coverage -------------------------------------------------------------------


def test_devices_to_inspect_and_repair_for_the_office(education_office_user, viettel, vnpt, viettel_user):
    device()
    device()
    inspection_needing_repair(viettel, viettel_user)
    inspection_needing_repair(vnpt, viettel_user)
    device(Device.Status.READY)
    found = items(education_office_user)
    assert found["devices_awaiting_inspection"].count == 2
    assert found["devices_to_repair"].count == 2
    assert found["devices_awaiting_inspection"].url == reverse("telecom:devices")


def test_a_telecom_unit_repairs_only_what_it_inspected(viettel, vnpt, viettel_user, vnpt_user):
    device()
    inspection_needing_repair(viettel, viettel_user)
    inspection_needing_repair(vnpt, vnpt_user)
    inspection_needing_repair(vnpt, vnpt_user)
    found = items(viettel_user)
    assert found["devices_awaiting_inspection"].count == 1
    assert found["devices_to_repair"].count == 1
    assert not found["devices_to_repair"].read_only
    assert items(vnpt_user)["devices_to_repair"].count == 2


def test_offers_from_nine_tenths_used_are_flagged_full_ones_urgent(education_office_user, viettel, vnpt):
    nearly = offer_with_places(viettel, capacity=10, used=9)
    offer_with_places(viettel, capacity=10, used=8)
    full = offer_with_places(vnpt, capacity=2, used=2)
    item = items(education_office_user)["offers_nearly_full"]
    assert item.count == 2
    assert item.severity == Severity.DANGER
    assert {d.url for d in item.details} == {
        reverse("telecom:offer-detail", args=[nearly.pk]),
        reverse("telecom:offer-detail", args=[full.pk]),
    }
    assert f"{nearly.name} (Viettel): đã giao 9/10 suất" in {d.label for d in item.details}


def test_telecom_staff_see_only_their_own_offers(viettel, vnpt, viettel_user):
    offer_with_places(viettel, capacity=10, used=9)
    offer_with_places(vnpt, capacity=2, used=2)
    item = items(viettel_user)["offers_nearly_full"]
    assert item.count == 1
    assert item.severity == Severity.WARNING
    assert "VNPT" not in texts(viettel_user)


def _coverage(provider, status, planned_on=None, reason=""):
    return HamletCoverageFactory(
        hamlet=HamletFactory(),
        provider=provider,
        technology=Technology.MOBILE_4G,
        status=status,
        planned_on=planned_on,
        reason=reason,
    )


def test_coverage_planned_after_the_deadline_or_not_possible_is_late(education_office_user, viettel, vnpt):
    _coverage(viettel, HamletCoverage.Status.PLANNED, planned_on=date(2021, 9, 30))
    _coverage(viettel, HamletCoverage.Status.PLANNED, planned_on=date(2021, 9, 22))
    _coverage(vnpt, HamletCoverage.Status.NOT_POSSIBLE, reason="Vùng trũng")
    _coverage(vnpt, HamletCoverage.Status.AVAILABLE)
    before = items(education_office_user, BEFORE_LISTS_DEADLINE)["coverage_late"]
    assert before.count == 2
    assert before.severity == Severity.WARNING
    assert "23/09/2021" in before.label
    # Once the deadline has passed, what is only planned is late too.
    assert items(education_office_user, AFTER_DEADLINES)["coverage_late"].count == 3


def test_telecom_staff_count_only_their_own_late_coverage(viettel, vnpt, viettel_user):
    _coverage(viettel, HamletCoverage.Status.NOT_POSSIBLE, reason="Xa")
    _coverage(vnpt, HamletCoverage.Status.NOT_POSSIBLE, reason="Xa")
    _coverage(vnpt, HamletCoverage.Status.NOT_POSSIBLE, reason="Xa")
    item = items(viettel_user)["coverage_late"]
    assert item.count == 1
    assert [d.url for d in item.details] == [reverse("telecom:coverage") + "?provider=viettel"]
    # Three hamlets, three technologies each: eight cells Viettel has not reported.
    assert item.details[0].label == "Viettel: 1 trễ hạn, 8 chưa báo cáo"


def test_blocked_pupils_are_counted_by_commune_for_telecom_staff_without_names(
    commune_a, commune_b, viettel, viettel_user, education_office_user, commune_a_official
):
    covered, uncovered = HamletFactory(commune=commune_a), HamletFactory(commune=commune_b)
    HamletCoverageFactory(hamlet=covered, provider=viettel, status=HamletCoverage.Status.AVAILABLE)
    StudentFactory(commune=commune_a, hamlet=covered, lacks_internet=True, full_name="Lê Thị Có Sóng")
    StudentFactory(commune=commune_b, hamlet=uncovered, lacks_internet=True, full_name="Trần Văn Chưa Sóng")
    StudentFactory(commune=commune_b, hamlet=uncovered, lacks_internet=False, full_name="Trần Văn Đủ Mạng")
    item = items(viettel_user)["pupils_blocked"]
    assert item.count == 1
    assert item.url == reverse("telecom:blocked-pupils")
    assert [d.label for d in item.details] == ["Xã Kim Xá: 1"]
    assert "Sóng" not in texts(viettel_user)
    assert items(education_office_user)["pupils_blocked"].count == 1
    assert "pupils_blocked" not in items(commune_a_official)


# --- donations and supports ----------------------------------------------------------------------


def _pledges():
    PledgeLineFactory(amount_vnd=1_000_000)
    partly = PledgeLineFactory(amount_vnd=2_000_000)
    ledger.receipt_record(received_on=date(2021, 9, 23), amount_vnd=500_000, payer="Thử", pledge_line=partly)
    done = PledgeLineFactory(amount_vnd=300_000)
    ledger.receipt_record(received_on=date(2021, 9, 23), amount_vnd=300_000, payer="Thử", pledge_line=done)
    PledgeLineFactory(cancelled=True, cancel_reason="Đổi ý")


def test_pledges_not_fully_received_for_the_office_and_the_accountant(education_office_user, accountant_user):
    _pledges()
    for user in (education_office_user, accountant_user):
        item = items(user)["pledges_outstanding"]
        assert item.count == 2
        assert not item.read_only
        assert [d.url for d in item.details] == [
            reverse("donations:pledge-list") + "?status=pledged",
            reverse("donations:pledge-list") + "?status=partly_received",
        ]


def test_pledges_are_not_shown_to_communes_or_telecom_staff(commune_a_official, viettel_user):
    _pledges()
    assert "pledges_outstanding" not in items(commune_a_official)
    assert "pledges_outstanding" not in items(viettel_user)


def test_supports_to_approve_and_to_hand_over_for_the_office(education_office_user, commune_a):
    pupils = StudentFactory.create_batch(4, commune=commune_a, status=Student.Status.VERIFIED)
    batch = HandoverBatch.objects.create(number="BB-T-1", commune=commune_a)
    support(pupils[0])
    support(pupils[1], Support.Status.APPROVED)
    support(pupils[2], Support.Status.APPROVED, batch=batch)
    support(pupils[3], Support.Status.HANDED_OVER, batch=batch, handed_over_on=date(2021, 9, 27))
    found = items(education_office_user)
    assert found["supports_proposed"].count == 1
    assert found["supports_proposed"].url == reverse("allocation:support-list") + "?status=proposed"
    waiting = found["supports_not_handed_over"]
    assert waiting.count == 2
    assert [d.url for d in waiting.details] == [
        reverse("allocation:handover-prepare"),
        reverse("allocation:handover-list") + "?status=prepared",
    ]


def test_supports_are_not_the_accountants_nor_a_communes_item(accountant_user, commune_a_official, commune_a):
    support(StudentFactory(commune=commune_a, status=Student.Status.VERIFIED))
    assert "supports_proposed" not in items(accountant_user)
    assert "supports_proposed" not in items(commune_a_official)


# --- milestones ----------------------------------------------------------------------------------


def _milestone(code: str, due, done: bool = False) -> Milestone:
    return Milestone.objects.create(code=code, name=f"Mốc {code}", due_at=due, done_at=due if done else None)


def test_milestones_overdue_or_due_within_48_hours_are_at_risk(
    commune_a_official, viettel_user, accountant_user, leadership_user, education_office_user
):
    now = AFTER_DEADLINES
    _milestone("overdue", now - timedelta(hours=1))
    _milestone("soon", now + timedelta(hours=47))
    _milestone("later", now + timedelta(hours=49))
    _milestone("done", now - timedelta(days=1), done=True)
    for user in (commune_a_official, viettel_user, accountant_user, leadership_user, education_office_user):
        item = items(user, now)["milestones_at_risk"]
        assert item.count == 2
        assert item.severity == Severity.DANGER
        assert [d.label.split(" — ")[0] for d in item.details] == ["Mốc overdue", "Mốc soon"]
    assert "quá hạn" in items(leadership_user, now)["milestones_at_risk"].details[0].label
    assert items(education_office_user, now)["milestones_at_risk"].url == reverse("admin:reports_milestone_changelist")
    assert items(commune_a_official, now)["milestones_at_risk"].read_only


def test_a_milestone_only_due_soon_is_a_warning(commune_a_official):
    _milestone("soon", AFTER_DEADLINES + timedelta(hours=2))
    assert items(commune_a_official)["milestones_at_risk"].severity == Severity.WARNING


# --- per role, on a whole district ---------------------------------------------------------------


@pytest.fixture
def full_district(viettel, vnpt, education_office_user, commune_a):
    StudentFactory.create_batch(2, commune=commune_a)
    return district(communes=4, pupils=2, viettel=viettel, vnpt=vnpt, inspector=education_office_user)


def test_the_office_sees_every_item(full_district, education_office_user):
    _pledges()
    found = items(education_office_user)
    assert set(found) == {
        "lists_missing",
        "lists_refused",  # imported, then a later file refused: the list stands (issue 15)
        "duplicates_pending",
        "pupils_unverified",
        "devices_awaiting_inspection",
        "devices_to_repair",
        "offers_nearly_full",
        "coverage_late",
        "pupils_blocked",
        "pledges_outstanding",
        "supports_proposed",
        "supports_not_handed_over",
        "milestones_at_risk",
    }
    assert not any(item.read_only for item in found.values())


def test_leadership_follows_what_it_may_read_and_nothing_of_pupils_records(full_district, leadership_user):
    found = items(leadership_user)
    assert set(found) == {
        "devices_awaiting_inspection",
        "devices_to_repair",
        "offers_nearly_full",
        "coverage_late",
        "pupils_blocked",
        "pledges_outstanding",
        "supports_proposed",
        "supports_not_handed_over",
        "milestones_at_risk",
    }
    assert all(item.read_only for item in found.values())
    # Read-only pages: the device list, not the inspection form.
    assert found["devices_awaiting_inspection"].url == reverse("donations:device-list") + "?status=awaiting_inspection"


def test_a_commune_official_never_sees_another_communes_items(full_district, commune_a_official, commune_a):
    found = items(commune_a_official)
    assert set(found) == {"lists_missing", "pupils_unverified", "milestones_at_risk"}
    assert found["pupils_unverified"].count == 2
    everything = texts(commune_a_official)
    assert not any(commune.name in everything for commune in full_district)


def test_telecom_staff_never_see_a_pupils_name(full_district, viettel_user):
    found = items(viettel_user)
    assert set(found) == {
        "devices_awaiting_inspection",
        "devices_to_repair",
        "offers_nearly_full",
        "coverage_late",
        "pupils_blocked",
        "milestones_at_risk",
    }
    everything = texts(viettel_user)
    assert not any(name in everything for name in Student.objects.values_list("full_name", flat=True))
    # Only Viettel's offers: half of the district's.
    assert found["offers_nearly_full"].count == 2


# --- reports from the public ----------------------------------------------------------------------


def test_open_reports_from_the_public_reach_the_office_and_their_commune_only(
    education_office_user, commune_a_official, commune_b_official, leadership_user, commune_a, commune_b
):
    from reports.models import Feedback
    from reports.tests.factories import FeedbackFactory

    upload(commune_a, IMPORTED)
    upload(commune_b, IMPORTED)
    old = FeedbackFactory(commune=commune_a)
    Feedback.objects.filter(pk=old.pk).update(created_at=AFTER_DEADLINES - timedelta(days=4))
    FeedbackFactory(commune=commune_a, status=Feedback.Status.CHECKING)
    FeedbackFactory(commune=commune_b)
    FeedbackFactory(commune=commune_a, status=Feedback.Status.RESOLVED, response="Đã bổ sung vào danh sách.")

    office = items(education_office_user)["feedback_open"]
    assert (office.count, office.severity, office.read_only) == (3, Severity.DANGER, False)
    assert office.url.startswith(reverse("feedback:list"))
    assert [d.label for d in office.details] == ["1 phản ánh chờ quá 3 ngày"]
    assert items(commune_a_official)["feedback_open"].count == 2
    recent = items(commune_b_official)["feedback_open"]
    assert (recent.count, recent.severity, recent.details) == (1, Severity.WARNING, [])
    # Leadership reads counts in the report, never the reporters' cases.
    assert "feedback_open" not in items(leadership_user)


def test_the_open_reports_item_links_to_exactly_the_cases_it_counts(client, education_office_user, commune_a):
    from reports.models import Feedback
    from reports.tests.factories import FeedbackFactory

    waiting = [FeedbackFactory(commune=commune_a), FeedbackFactory(commune=commune_a, status=Feedback.Status.CHECKING)]
    FeedbackFactory(commune=commune_a, status=Feedback.Status.RESOLVED, response="Đã bổ sung vào danh sách.")
    item = items(education_office_user)["feedback_open"]
    client.force_login(education_office_user)
    listed = client.get(item.url).context["page_obj"].object_list
    assert item.count == 2
    assert sorted(case.code for case in listed) == sorted(case.code for case in waiting)
