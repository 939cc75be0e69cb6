"""Every URL of the site, and the admin, as every role: the status code each one must get.

Roles (columns): anon = not signed in; donor = a visitor whose session holds the pledge
they just made; xa_a / xa_b = commune officials of commune A / B; vt / vnpt = telecom staff
of Viettel / VNPT; kt = accountant; ld = district leadership; gd = education office.

Objects in URLs belong to commune A and to Viettel, so xa_b and vnpt show where scope applies.
Codes: 200 shown, 302 sent to sign in (or elsewhere), 403 refused, 404 hidden, 405 POST only.
POST-only URLs are visited with a GET: most check the role first, so a refused role gets its
403/404 even then; the few that check the method first say so in a comment.

Adding a URL: add a row to SITE below, named as in `reverse()`; adding a model to the admin:
a row to ADMIN. Until then `test_every_url_and_admin_model_is_in_the_matrix` fails and prints
the row as the app answers today, to check against the README's roles before pasting. A URL
with a new parameter also needs its value in "values" at the end of `_build_site`.

The same fetch of every page serves the Vietnamese crawl (issue 19, `test_no_page_shows_an_english_word`;
its word list and parser are test_vietnamese_everywhere.py's).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import NamedTuple

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, TestCase, override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from import_export.admin import ExportMixin
from simple_history.admin import SimpleHistoryAdmin

from allocation.models import AllocationRun, AllocationSettings, FollowUp
from allocation.tests.handover_data import school_with_record
from donations import ledger
from donations.models import CommitteeMember, ProgrammeAccount
from donations.tests.factories import DeviceFactory, PledgeLineFactory, TelecomLineFactory
from donations.views.public import _SESSION_KEY as PLEDGE_SESSION_KEY
from reports.models import Milestone
from reports.tests.factories import FeedbackFactory
from students.models import DataExport, GuardianRequest, StudentUpload
from students.privacy import export_record
from students.tests.factories import CommuneFactory, DuplicateCandidateFactory, StudentFactory
from telecom import inspections
from telecom.models import DeviceInspection
from telecom.tests.factories import (
    ConnectivityOfferFactory,
    HamletCoverageFactory,
    LearningPlatformFactory,
    ProviderFactory,
)
from vinhtuong_program.core import roles
from vinhtuong_program.core.roles import sync_roles
from vinhtuong_program.core.tests.factories import make_user
from vinhtuong_program.core.tests.site_urls import kwargs_for, named_patterns
from vinhtuong_program.core.tests.test_scoping import _bad_list
from vinhtuong_program.core.tests.test_vietnamese_everywhere import (
    KNOWN_GAPS,
    ROLES_CRAWLED,
    english_words,
    in_context,
    visible_text,
)

ROLES = ("anon", "donor", "xa_a", "xa_b", "vt", "vnpt", "kt", "ld", "gd")

# fmt: off
SITE = {
    #                                  anon donor xa_a xa_b  vt  vnpt  kt   ld   gd
    "home":                           (200, 200, 200, 200, 200, 200, 200, 200, 200),
    "healthz":                        (200, 200, 200, 200, 200, 200, 200, 200, 200),
    # Signed-in users are sent on to the staff home.
    "login":                          (200, 200, 302, 302, 302, 302, 302, 302, 302),
    "logout":                         (405, 405, 405, 405, 405, 405, 405, 405, 405),
    "password_change":                (302, 302, 200, 200, 200, 200, 200, 200, 200),
    "password_change_done":           (302, 302, 200, 200, 200, 200, 200, 200, 200),
    "staff-home":                     (302, 302, 200, 200, 200, 200, 200, 200, 200),
    # The staff menu's badges: counts of what the user's own dashboard shows.
    "staff-menu-counts":              (302, 302, 200, 200, 200, 200, 200, 200, 200),
    # A commune's figures and blank list template, no pupil in them: every district-wide role reads them.
    "students:commune-detail":        (302, 302, 200, 404, 200, 200, 200, 200, 200),
    "students:template":              (302, 302, 200, 404, 200, 200, 200, 200, 200),
    "students:upload":                (302, 302, 200, 404, 403, 403, 403, 403, 200),
    # Uploads hold pupils: hidden (404) from roles that may not see pupils' records, even by role.
    "students:upload-detail":         (302, 302, 200, 404, 404, 404, 404, 404, 200),
    "students:upload-progress":       (302, 302, 200, 404, 404, 404, 404, 404, 200),
    "students:upload-annotated":      (302, 302, 200, 404, 404, 404, 404, 404, 200),
    # Lists answer 200 to xa_b with commune B's rows only (test_scoping.py checks the rows).
    "students:student-list":          (302, 302, 200, 200, 403, 403, 403, 403, 200),
    "students:student-export":        (302, 302, 200, 200, 403, 403, 403, 403, 200),
    "students:student-detail":        (302, 302, 200, 404, 403, 403, 403, 403, 200),
    "students:student-correct":       (302, 302, 200, 404, 403, 403, 403, 403, 200),
    "students:guardian-requests":     (302, 302, 200, 404, 403, 403, 403, 403, 200),
    "students:pupil-record":          (302, 302, 200, 404, 403, 403, 403, 403, 200),
    "students:verification":          (302, 302, 403, 403, 403, 403, 403, 403, 200),
    "students:duplicate-review":      (302, 302, 403, 403, 403, 403, 403, 403, 200),
    # The district's school list is the education office's (issue 15).
    "students:school-import":         (302, 302, 403, 403, 403, 403, 403, 403, 200),
    "students:school-template":       (302, 302, 403, 403, 403, 403, 403, 403, 200),
    # Leadership and the accountant read every figure, telecom's included (roles.py).
    "telecom:index":                  (302, 302, 403, 403, 200, 200, 200, 200, 200),
    "telecom:coverage":               (302, 302, 403, 403, 200, 200, 200, 200, 200),
    "telecom:coverage-export":        (302, 302, 403, 403, 200, 200, 200, 200, 200),
    "telecom:coverage-hamlet":        (302, 302, 403, 403, 200, 404, 403, 403, 200),
    # Counts for all; pupils' names only to the office (telecom/tests/test_blocked_and_figures.py).
    "telecom:blocked-pupils":         (302, 302, 403, 403, 200, 200, 200, 200, 200),
    # Officials keep their own commune's hamlets.
    "telecom:hamlets":                (302, 302, 200, 200, 200, 200, 200, 200, 200),
    "telecom:hamlet-import":          (302, 302, 405, 405, 403, 403, 403, 403, 405),
    "telecom:hamlet-merge":           (302, 302, 405, 405, 403, 403, 403, 403, 405),
    "telecom:offers":                 (302, 302, 403, 403, 200, 200, 200, 200, 200),
    "telecom:offer-create":           (302, 302, 403, 403, 200, 200, 403, 403, 200),
    # Turning a donor's pledged line into an offer is the office's.
    "telecom:offer-from-pledge":      (302, 302, 403, 403, 403, 403, 403, 403, 200),
    # Every provider's offers are listed to all; the SIM list only to the offer's own provider.
    "telecom:offer-detail":           (302, 302, 403, 403, 200, 200, 200, 200, 200),
    "telecom:offer-edit":             (302, 302, 403, 403, 200, 404, 403, 403, 200),
    "telecom:sim-export":             (302, 302, 403, 403, 200, 404, 404, 404, 200),
    # vnpt: 405 before the offer's provider is looked at; a POST answers 404.
    "telecom:sim-upload":             (302, 302, 403, 403, 405, 405, 403, 403, 405),
    "telecom:devices":                (302, 302, 403, 403, 200, 200, 200, 200, 200),
    "telecom:device-detail":          (302, 302, 403, 403, 200, 200, 200, 200, 200),
    # Any unit may inspect a device that awaits inspection; only the inspecting unit repairs it.
    "telecom:device-inspect":         (302, 302, 403, 403, 200, 200, 403, 403, 200),
    "telecom:device-repair":          (302, 302, 403, 403, 200, 404, 403, 403, 200),
    "learning-platforms":             (200, 200, 200, 200, 200, 200, 200, 200, 200),
    # Donations are the district's: telecom staff see the devices only (they inspect them).
    "donations:pledge-list":          (302, 302, 403, 403, 403, 403, 200, 200, 200),
    "donations:pledge-new":           (302, 302, 403, 403, 403, 403, 200, 403, 200),
    "donations:import":               (302, 302, 403, 403, 403, 403, 200, 403, 200),
    # Only the user's own marked-up list: any other token is unknown to them.
    "donations:import-marked-up":     (302, 302, 403, 403, 403, 403, 404, 403, 404),
    "donations:ledger":               (302, 302, 403, 403, 403, 403, 200, 200, 200),
    "donations:reconciliation":       (302, 302, 403, 403, 403, 403, 200, 200, 200),
    # Bank statements: the accountant's (and the office's); leadership reads the waiting list and reconciliation.
    "donations:statement-import":     (302, 302, 403, 403, 403, 403, 200, 403, 200),
    "donations:statement-waiting":    (302, 302, 403, 403, 403, 403, 200, 200, 200),
    "donations:statement-credit-link": (302, 302, 403, 403, 403, 403, 405, 403, 405),
    "donations:statement-credit-anonymous": (302, 302, 403, 403, 403, 403, 405, 403, 405),
    "donations:statement-reconciliation": (302, 302, 403, 403, 403, 403, 200, 200, 200),
    "donations:statement-debit-link": (302, 302, 403, 403, 403, 403, 405, 403, 405),
    "donations:device-list":          (302, 302, 403, 403, 200, 200, 200, 200, 200),
    "donations:device-detail":        (302, 302, 403, 403, 200, 200, 200, 200, 200),
    "donations:pledge-detail":        (302, 302, 403, 403, 403, 403, 200, 200, 200),
    "donations:thank-you-letter":     (302, 302, 403, 403, 403, 403, 200, 200, 200),
    "donations:line-add":             (302, 302, 403, 403, 403, 403, 405, 403, 405),
    "donations:line-cancel":          (302, 302, 403, 403, 403, 403, 405, 403, 405),
    "donations:line-confirm":         (302, 302, 403, 403, 403, 403, 405, 403, 405),
    "donations:pledge-confirm":       (302, 302, 403, 403, 403, 403, 405, 403, 405),
    "donations:devices-receive":      (302, 302, 403, 403, 403, 403, 405, 403, 405),
    "donations:receipt-add":          (302, 302, 403, 403, 403, 403, 405, 403, 405),
    "allocation:run":                 (302, 302, 403, 403, 403, 403, 403, 403, 200),
    # Supports without pupils' names for kt and ld (allocation/tests/test_pages_supports.py).
    "allocation:support-list":        (302, 302, 200, 200, 403, 403, 200, 200, 200),
    "allocation:approve-many":        (302, 302, 403, 403, 403, 403, 403, 403, 405),
    "allocation:support-detail":      (302, 302, 200, 404, 403, 403, 200, 200, 200),
    "allocation:approve-one":         (302, 302, 403, 403, 403, 403, 403, 403, 405),
    "allocation:support-change":      (302, 302, 403, 403, 403, 403, 403, 403, 405),
    "allocation:support-withdraw":    (302, 302, 403, 403, 403, 403, 403, 403, 405),
    "allocation:support-release":     (302, 302, 403, 403, 403, 403, 403, 403, 405),
    "allocation:support-create":      (302, 302, 403, 403, 403, 403, 403, 403, 200),
    "allocation:settings":            (302, 302, 403, 403, 403, 403, 403, 403, 200),
    "allocation:commune-summary":     (302, 302, 200, 404, 403, 403, 200, 200, 200),
    "allocation:handover-list":       (302, 302, 403, 403, 403, 403, 200, 200, 200),
    "allocation:handover-prepare":    (302, 302, 403, 403, 403, 403, 403, 403, 200),
    # A record lists pupils: 404 before the role is checked, so an official never learns it exists.
    "allocation:handover-detail":     (302, 302, 404, 404, 404, 404, 403, 403, 200),
    "allocation:handover-docx":       (302, 302, 404, 404, 404, 404, 403, 403, 200),
    "allocation:handover-pdf":        (302, 302, 404, 404, 404, 404, 403, 403, 200),
    # The record is already handed over: the office is sent back to it.
    "allocation:handover-mark":       (302, 302, 404, 404, 404, 404, 403, 403, 302),
    "allocation:handover-scan":       (302, 302, 404, 404, 404, 404, 403, 403, 200),
    "allocation:support-follow-up":   (302, 302, 200, 404, 404, 404, 403, 403, 200),
    # The method is checked before the support: a POST answers 404/403 to all but the office.
    "allocation:follow-up-release":   (302, 302, 405, 405, 405, 405, 405, 405, 405),
    "feedback:list":                  (302, 302, 200, 200, 403, 403, 403, 403, 200),
    "feedback:detail":                (302, 302, 200, 404, 403, 403, 403, 403, 200),
    "reports:progress":               (302, 302, 403, 403, 403, 403, 200, 200, 200),
    "reports:download":               (302, 302, 403, 403, 403, 403, 200, 200, 200),
    "donations-public:pledge-form":   (200, 200, 200, 200, 200, 200, 200, 200, 200),
    # Only the visitor who just pledged sees the thanks; anyone else is sent to the form.
    "donations-public:pledge-thanks": (302, 200, 302, 302, 302, 302, 302, 302, 302),
    "donations-public:lookup":        (200, 200, 200, 200, 200, 200, 200, 200, 200),
    "reports-public:transparency":    (200, 200, 200, 200, 200, 200, 200, 200, 200),
    "reports-public:donors":          (200, 200, 200, 200, 200, 200, 200, 200, 200),
    "reports-public:feedback-form":   (200, 200, 200, 200, 200, 200, 200, 200, 200),
    # No one here has just sent a report from the public.
    "reports-public:feedback-thanks": (302, 302, 302, 302, 302, 302, 302, 302, 302),
    "reports-public:feedback-lookup": (200, 200, 200, 200, 200, 200, 200, 200, 200),
    "admin:index":                    (302, 302, 302, 302, 302, 302, 200, 200, 200),
}

# The admin, per registered model: which pages kt, ld and gd may open ("v" the list, an object,
# its history and a past version; "a" the add form; "d" the delete page; "e" the export); any
# other page answers 403. Roles without the admin (anon, donor, xa_*, vt, vnpt) are sent to its
# sign-in page (302).
ADMIN = {
                                          # kt    ld     gd
    # Users and groups are the superuser's (README, Production).
    "auth.user":                          ("",    "",    ""),
    "auth.group":                         ("",    "",    ""),
    "core.userprofile":                   ("",    "",    "v"),
    "django_tasks_database.dbtaskresult": ("",    "",    ""),
    "students.commune":                   ("v",   "v",   "vad"),
    "students.hamlet":                    ("v",   "v",   "vad"),
    "students.school":                    ("v",   "v",   "vad"),
    "students.student":                   ("",    "",    "vade"),
    "students.dataexport":                ("",    "",    "v"),  # the export log: nobody edits it
    "students.guardianrequest":           ("",    "",    "vd"),
    # Lists arrive through the commune's upload page, pairs through the import.
    "students.studentupload":             ("",    "",    "vd"),
    "students.duplicatecandidate":        ("",    "",    "vd"),
    "donations.donor":                    ("va",  "v",   "vad"),
    "donations.pledge":                   ("va",  "v",   "vad"),
    "donations.pledgeline":               ("vae", "ve",  "vade"),
    # The cash ledger is never deleted from, only corrected by a new entry.
    "donations.cashreceipt":              ("vae", "ve",  "vae"),
    "donations.spending":                 ("vae", "ve",  "vae"),
    "donations.device":                   ("vae", "ve",  "vade"),
    # One account, made on first use; its row is the ledger's lock.
    "donations.programmeaccount":         ("v",   "v",   "v"),
    "donations.committeemember":          ("va",  "v",   "vad"),
    "telecom.provider":                   ("v",   "v",   "vad"),
    "telecom.learningplatform":           ("v",   "v",   "vad"),
    # Allocation is changed on its own pages, through the services; the admin only reads it.
    "allocation.support":                 ("v",   "v",   "v"),
    "allocation.allocationrun":           ("v",   "v",   "v"),
    "allocation.allocationsettings":      ("v",   "v",   "v"),
    "allocation.handoverbatch":           ("v",   "v",   "v"),
    "allocation.followup":                ("v",   "v",   "v"),
    "reports.milestone":                  ("v",   "v",   "vad"),
    "reports.feedback":                   ("",    "",    "vd"),
}
# fmt: on
ADMIN_ROLES = ("kt", "ld", "gd")
PAGE_LETTERS = {
    "changelist": "v", "change": "v", "history": "v", "simple_history": "v", "add": "a", "delete": "d", "export": "e",
}  # fmt: skip


# ---------------------------------------------------------------------------- the data


def _cast():
    """The conftest's cast (two communes, two providers, one user per role), made once for the module."""
    sync_roles()
    commune_a = CommuneFactory(code="09076", name="Vĩnh Tường", kind="township")
    commune_b = CommuneFactory(code="09079", name="Kim Xá")
    viettel = ProviderFactory(code="viettel", name="Viettel", short_name="Viettel")
    vnpt = ProviderFactory(code="vnpt", name="VNPT", short_name="VNPT/VinaPhone")
    users = {
        "xa_a": make_user(roles.COMMUNE_OFFICIAL, "xa_a", commune=commune_a),
        "xa_b": make_user(roles.COMMUNE_OFFICIAL, "xa_b", commune=commune_b),
        "vt": make_user(roles.TELECOM_STAFF, "nv_viettel", provider=viettel),
        "vnpt": make_user(roles.TELECOM_STAFF, "nv_vnpt", provider=vnpt),
        "kt": make_user(roles.ACCOUNTANT, "ketoan"),
        "ld": make_user(roles.LEADERSHIP, "lanhdao"),
        "gd": make_user(roles.EDUCATION_OFFICE, "phonggd"),
    }
    return users, commune_a, commune_b, viettel


@pytest.fixture(scope="module")
def _site_data(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once for the module's tests (each runs inside its own savepoint), rolled back at the end."""
    media = tmp_path_factory.mktemp("matrix-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        data = _build_site(media)
        yield data
        transaction.set_rollback(True)


@pytest.fixture
def site(_site_data, db, settings):
    # Each test has its own MEDIA_ROOT (conftest): the uploaded list and the signed scan go with it.
    # When the module's data is first built inside a test, its MEDIA_ROOT is already this one.
    if Path(settings.MEDIA_ROOT) != Path(_site_data["media"]):
        shutil.copytree(_site_data["media"], settings.MEDIA_ROOT, dirs_exist_ok=True)
    return _site_data


def _build_site(media):
    """One object of every kind, of commune A and Viettel; the values that fill every URL's parameters."""
    users, commune_a, commune_b, viettel = _cast()
    office = users["gd"]
    batch, support, _second = school_with_record(office, commune_a, handed_over=True)
    batch.signed_record = SimpleUploadedFile("ban-da-ky.pdf", b"%PDF-1.4 signed")
    batch.save()
    FollowUp.objects.create(support=support, checked_on=batch.handed_over_on, result=FollowUp.Result.IN_USE)
    pupil = support.student
    DuplicateCandidateFactory(existing=pupil, candidate__commune=commune_a, candidate__school=pupil.school)
    client = Client()
    client.force_login(users["xa_a"])
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(
            reverse("students:upload", args=[commune_a.code]),
            {"file": SimpleUploadedFile("ds.csv", _bad_list(pupil.school.name))},
        )
    upload = StudentUpload.objects.get(commune=commune_a, status=StudentUpload.Status.INVALID)
    # Made after commune A's rows, so that the admin's first object of each model is commune A's.
    StudentFactory(commune=commune_b)
    feedback = FeedbackFactory(commune=commune_a)

    hamlet = pupil.hamlet
    HamletCoverageFactory(hamlet=hamlet, provider=viettel)
    offer = ConnectivityOfferFactory(provider=viettel)
    telecom_line = TelecomLineFactory()
    cash_line = PledgeLineFactory(pledge=telecom_line.pledge)
    awaiting = DeviceFactory(pledge=telecom_line.pledge)
    inspection = inspections.inspection_record(
        user=users["vt"],
        device_id=DeviceFactory().pk,
        provider=viettel,
        result=DeviceInspection.Result.NEEDS_REPAIR,
        data_wiped=True,
    )

    ledger.receipt_record(received_on=batch.handed_over_on, amount_vnd=1_500_000, payer="Thử", pledge_line=cash_line)
    ledger.spending_record(
        spent_on=batch.handed_over_on, category="data", description="Gói cước", supplier="VNPT", amount_vnd=1_000
    )
    ProgrammeAccount.get()
    CommitteeMember.objects.create(full_name="Nguyễn Văn Trưởng", title="Trưởng ban", phone="0211384000")
    LearningPlatformFactory()
    Milestone.objects.create(code="thu-nghiem", name="Thử nghiệm", due_at=timezone.now())
    AllocationSettings.current()
    AllocationRun.objects.create(run_by=office)
    GuardianRequest.objects.create(
        student=pupil,
        kind=GuardianRequest.Kind.SEE,
        requester_name="Người giám hộ",
        channel=GuardianRequest.Channel.IN_PERSON,
        received_on=batch.handed_over_on,
        handled_by=office,
        outcome=GuardianRequest.Outcome.PROVIDED,
    )
    export_record(user=office, kind=DataExport.Kind.PUPIL_LIST, row_count=1)
    DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="students.tasks.process_upload",
        backend_name="default",
        run_after=timezone.now(),
    )

    common = {
        "code": commune_a.code,
        "upload_id": upload.pk,
        "student_id": pupil.pk,
        "support_id": support.pk,
        "batch_id": batch.pk,
        "feedback_id": feedback.pk,
        "fmt": "json",
    }
    return {
        "users": users,
        "media": media,
        "pledge_code": telecom_line.pledge.reference_code,
        "values": {
            "": common,
            "donations": {
                **common,
                "code": telecom_line.pledge.reference_code,
                "pk": awaiting.pk,
                "line_id": cash_line.pk,
                "entry_id": 1,  # a statement's transaction: the POST-only actions answer 405 to a GET first
                "token": "0" * 32,
            },
            "telecom": {
                **common,
                "hamlet_id": hamlet.pk,
                "provider_code": viettel.code,
                "line_id": telecom_line.pk,
                "offer_id": offer.pk,
                "device_id": awaiting.pk,
                "inspection_id": inspection.pk,
            },
        },
    }


def _site_urls():
    """(url name, pattern) of every URL of the site outside the admin, and the admin's index."""
    yield from ((name, pattern) for pattern, name in named_patterns(skip_apps=("admin",)))
    yield "admin:index", None


def _site_path(name, pattern, site):
    namespace = name.split(":")[0] if ":" in name else ""
    values = site["values"].get(namespace, site["values"][""])
    return reverse(name, kwargs=kwargs_for(pattern, name, values) if pattern else None)


def _admin_pages():
    """(model label, page, url name) of every admin page of every registered model."""
    for model, model_admin in admin.site._registry.items():
        pages = ["changelist", "add", "change", "delete"]
        if isinstance(model_admin, SimpleHistoryAdmin):
            pages += ["history", "simple_history"]
        if isinstance(model_admin, ExportMixin):
            pages.append("export")
        for page in pages:
            yield model._meta.label_lower, page, f"admin:{model._meta.app_label}_{model._meta.model_name}_{page}"


def _admin_path(label, page, url_name):
    if page in ("changelist", "add", "export"):
        return reverse(url_name)
    model = next(model for model in admin.site._registry if model._meta.label_lower == label)
    obj = model._default_manager.order_by("pk").first()
    if page == "simple_history":
        return reverse(url_name, args=[obj.pk, obj.history.order_by("history_id").first().history_id])
    return reverse(url_name, args=[obj.pk])


def _expected_admin_code(role, label, page):
    if role not in ADMIN_ROLES:
        return 302
    may = ADMIN[label][ADMIN_ROLES.index(role)]
    letter = PAGE_LETTERS[page]
    return 200 if letter in may else 403


def _sign_in(client, role, site):
    if role == "donor":
        session = client.session
        session[PLEDGE_SESSION_KEY] = site["pledge_code"]
        session.save()
    elif role != "anon":
        client.force_login(site["users"][role])


def _admin_letters(answers, label, role):
    """The ADMIN letters for what `role` could open of the model, from the answers got."""
    pages = ("changelist", "add", "delete", "export")
    return "".join(PAGE_LETTERS[page] for page in pages if answers.get((label, page, role)) == 200)


# ---------------------------------------------------------------------------- the tests


class Answer(NamedTuple):
    path: str
    expected: int
    got: int
    text: str  # the visible text of a page (200, text/html) a test reads; the HTML is not kept


@pytest.fixture(scope="module")
def _answers_by_role() -> dict[str, dict[str, Answer]]:
    return {}


@pytest.fixture
def answers(_answers_by_role, site):
    """role → {page: Answer}: every page of the matrix, fetched once per role for the module's tests.

    The matrix and the Vietnamese crawl (test_no_page_shows_an_english_word) read the same pages as the
    same roles, once. Fetched within the first test that asks (its writes, a session or an export's log,
    are rolled back with it); the data is the module's, the same for every test.
    """

    def of(role: str) -> dict[str, Answer]:
        if role not in _answers_by_role:
            _answers_by_role[role] = _crawl(role, site)
        return _answers_by_role[role]

    return of


def _crawl(role, site) -> dict[str, Answer]:
    client = Client()
    _sign_in(client, role, site)
    pages = [
        (name, _site_path(name, pattern, site), SITE[name][ROLES.index(role)])
        for name, pattern in _site_urls()
        if name in SITE
    ]
    pages += [
        (url_name, _admin_path(label, page, url_name), _expected_admin_code(role, label, page))
        for label, page, url_name in _admin_pages()
        if label in ADMIN
    ]
    found = {}
    read_text = role in ROLES_CRAWLED
    for name, path, expected in pages:
        response = client.get(path)
        page = read_text and response.status_code == 200 and _is_html(response)
        text = visible_text(response.content.decode()) if page else ""
        found[f"{name} {path}"] = Answer(path, expected, response.status_code, text)
    return found


def _is_html(response) -> bool:
    return response["Content-Type"].startswith("text/html")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_every_url_answers_each_role_as_the_matrix_says(role, answers):
    wrong = [
        f"{page}: expected {answer.expected}, got {answer.got}"
        for page, answer in answers(role).items()
        if answer.got != answer.expected
    ]
    assert not wrong, f"As {role}:\n" + "\n".join(wrong)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES_CRAWLED)
def test_no_page_shows_an_english_word(role, answers):
    """Issue 19 (test_vietnamese_everywhere.py): every page each role can open, the admin included."""
    found: dict[str, set[str]] = {}
    pages = {page: answer for page, answer in answers(role).items() if answer.text}
    for page, answer in pages.items():
        text = answer.text
        for pattern, where in KNOWN_GAPS:
            if where in answer.path:
                text = re.sub(pattern, " ", text)
        if words := english_words(text):
            found[page] = {in_context(text, word) for word in words}
    assert len(pages) >= 5
    assert not found, f"As {role}, English words on:\n" + "\n".join(
        f"{page}: {' | '.join(sorted(words))}" for page, words in found.items()
    )


@pytest.mark.django_db
def test_every_url_and_admin_model_is_in_the_matrix(request):
    """A URL or admin model missing from the tables fails here, with the row to add (as the app answers today)."""
    missing_urls = [(name, pattern) for name, pattern in _site_urls() if name not in SITE]
    missing_models = sorted({label for label, _page, _name in _admin_pages()} - set(ADMIN))
    rows = []
    if missing_urls or missing_models:
        # The data is built only when a row is missing, to print the codes the app gives today.
        client, site = request.getfixturevalue("client"), request.getfixturevalue("site")
        answers = {}
        for role in ROLES:
            client.logout()
            _sign_in(client, role, site)
            for name, pattern in missing_urls:
                answers[name, role] = client.get(_site_path(name, pattern, site)).status_code
            for label, page, url_name in _admin_pages():
                if label in missing_models and role in ADMIN_ROLES:
                    answers[label, page, role] = client.get(_admin_path(label, page, url_name)).status_code
        for name, _pattern in missing_urls:
            codes = ", ".join(str(answers[name, role]) for role in ROLES)
            rows.append(
                f'SITE misses URL "{name}"; add this row (columns {", ".join(ROLES)}), checked against the README:\n'
                f'    "{name}": ({codes}),'
            )
        for label in missing_models:
            letters = ", ".join(f'"{_admin_letters(answers, label, role)}"' for role in ADMIN_ROLES)
            rows.append(
                f'ADMIN misses model "{label}"; add this row (columns kt, ld, gd), checked against the README:\n'
                f'    "{label}": ({letters}),'
            )
    assert not rows, f"In {__file__}:\n" + "\n".join(rows)


def test_the_matrix_names_only_urls_and_models_that_exist():
    stale_urls = set(SITE) - {name for name, _pattern in _site_urls()}
    stale_models = set(ADMIN) - {label for label, _page, _name in _admin_pages()}
    assert not stale_urls, f"Remove these rows of SITE, the URLconf has no such URL: {sorted(stale_urls)}"
    assert not stale_models, f"Remove these rows of ADMIN, the admin has no such model: {sorted(stale_models)}"
    assert all(len(codes) == len(ROLES) for codes in SITE.values()), "every SITE row has one code per role"
