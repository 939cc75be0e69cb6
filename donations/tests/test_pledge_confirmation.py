"""Issue 15 item 4: a public-form pledge is unconfirmed, counts nowhere public until staff confirm it."""

from __future__ import annotations

import io

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from donations import antispam, confirmation
from donations.models import Pledge
from donations.pledges import DonorData, LineData, pledge_create
from donations.tests.donation_files import donation_row, xlsx_file
from reports.progress import build_progress_report
from reports.public import donor_roll, public_figures

pytestmark = pytest.mark.django_db
HUGE = 5_000_000_000
NAME = "Công ty Ma Không Có Thật"


def _public_pledge(client) -> Pledge:
    response = client.post(
        "/ung-ho/",
        {
            "donor_kind": "business",
            "name": NAME,
            "phone": "0912345678",
            "cash_amount": "5.000.000.000 đ",
            "publish_consent": "on",
            "form_token": antispam.new_form_token(),
            "website": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return Pledge.objects.get(donor__name=NAME)


def test_a_public_pledge_counts_on_no_public_page_until_staff_confirm_it(client, education_office_user):
    pledge = _public_pledge(client)
    assert pledge.confirmed_at is None
    figures = public_figures()
    assert figures["donations"]["cash_pledged_vnd"] == 0
    assert figures["donations"]["pledges"] == 0 and figures["donors"]["count"] == 0
    assert figures["donations"]["pledges_awaiting_confirmation"] == 1
    assert build_progress_report()["donations"]["cash_pledged_vnd"] == 0
    assert NAME not in client.get("/cong-khai/").content.decode()
    assert NAME not in client.get("/cong-khai/nha-hao-tam/").content.decode()
    assert donor_roll().paginator.count == 0

    # The staff home lists it, and staff confirm it from the pledge's page.
    client.force_login(education_office_user)
    home = client.get(reverse("staff-home")).content.decode()
    assert pledge.reference_code in home
    response = client.post(reverse("donations:pledge-confirm", args=[pledge.reference_code]))
    assert response.status_code == 302
    pledge.refresh_from_db()
    assert pledge.confirmed_at is not None and pledge.confirmed_by == education_office_user
    latest = pledge.history.latest()
    assert latest.history_user == education_office_user and latest.confirmed_at is not None
    assert public_figures()["donations"]["cash_pledged_vnd"] == HUGE
    client.logout()
    cache.clear()  # the public page is cached for a few minutes
    assert NAME in client.get("/cong-khai/").content.decode()


def test_confirming_twice_is_refused_in_vietnamese(education_office_user):
    pledge = pledge_create(
        donor=DonorData(kind="individual", name="Trần Thị Bình"),
        lines=[LineData(kind="cash", amount_vnd=1_000_000)],
        channel=Pledge.Channel.PUBLIC_FORM,
    )
    confirmation.pledge_confirm(pledge_id=pledge.pk, by=education_office_user)
    with pytest.raises(ValidationError) as error:
        confirmation.pledge_confirm(pledge_id=pledge.pk, by=education_office_user)
    assert error.value.code == "already_confirmed"


def test_staff_pledges_and_imported_lists_are_confirmed_when_saved(education_office_user, tmp_path):
    staff = pledge_create(
        donor=DonorData(kind="individual", name="Lê Văn Cường"),
        lines=[LineData(kind="cash", amount_vnd=2_000_000)],
        created_by=education_office_user,
    )
    assert staff.confirmed_at is not None and staff.confirmed_by == education_office_user
    path = tmp_path / "ung-ho.xlsx"
    path.write_bytes(xlsx_file([donation_row()]).getvalue())
    call_command("import_donations", str(path), stdout=io.StringIO())
    imported = Pledge.objects.filter(channel=Pledge.Channel.IMPORT)
    assert imported.exists() and not imported.filter(confirmed_at__isnull=True).exists()


def test_money_received_against_a_public_pledge_confirms_it(client, accountant_user):
    from datetime import date

    from donations import ledger

    pledge = _public_pledge(client)
    ledger.receipt_record(
        received_on=date(2021, 9, 20),
        amount_vnd=1_000_000,
        payer=NAME,
        pledge_line=pledge.lines.get(),
        recorded_by=accountant_user,
    )
    pledge.refresh_from_db()
    assert pledge.confirmed_at is not None and pledge.confirmed_by == accountant_user


def test_the_admin_action_confirms_through_the_service(client, django_user_model):
    admin_user = django_user_model.objects.create_superuser("quantri", password="x-Strong-Pass-2021")
    client.force_login(admin_user)
    pledge = _public_pledge(client)
    response = client.post(
        reverse("admin:donations_pledge_changelist"),
        {"action": "confirm_pledges", "_selected_action": [pledge.pk]},
    )
    assert response.status_code == 302
    pledge.refresh_from_db()
    assert pledge.confirmed_by == admin_user
