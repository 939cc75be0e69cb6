import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from students.tests.factories import HamletFactory, StudentFactory
from telecom.models import SimAssignment
from telecom.offers import place_assign
from telecom.tests.factories import ConnectivityOfferFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def offer(viettel, commune_a):
    offer = ConnectivityOfferFactory(provider=viettel, capacity=10)
    hamlet = HamletFactory(commune=commune_a, name="Thôn Đông")
    for n in range(3):
        pupil = StudentFactory(
            commune=commune_a,
            hamlet=hamlet,
            lacks_internet=True,
            full_name=f"Phạm Bí Mật {n}",
            personal_id=f"02631234567{n}",
            guardian_name=f"Phạm Văn Phụ Huynh {n}",
            guardian_phone=f"091200011{n}",
        )
        place_assign(offer_id=offer.pk, student_id=pupil.pk)
    return offer


def _export(client, offer):
    response = client.get(reverse("telecom:sim-export", args=[offer.pk]))
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def _upload(client, offer, workbook):
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = SimpleUploadedFile("sim.xlsx", buffer.getvalue())
    return client.post(reverse("telecom:sim-upload", args=[offer.pk]), {"file": upload})


def _fill(sheet, row, sim, activated="", on=None):
    sheet.cell(row=row, column=9, value=sim)
    sheet.cell(row=row, column=10, value=activated)
    sheet.cell(row=row, column=11, value=on)


def test_the_export_carries_what_the_operator_needs_and_no_more(client, offer, viettel_user):
    client.force_login(viettel_user)
    sheet = _export(client, offer).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Mã suất" and rows[0][8] == "Số thuê bao SIM"
    text = " ".join(str(v) for row in rows for v in row if v is not None)
    assert "Phụ Huynh 0" in text and "0912000110" in text  # to hand the SIM to the family
    assert "Bí Mật" not in text  # no pupil name
    assert "026312345670" not in text  # no personal ID
    assert "2012" not in text  # no birth date
    assert len(rows) == 4


def test_the_round_trip_saves_sim_numbers_and_activation(client, offer, viettel_user):
    client.force_login(viettel_user)
    workbook = _export(client, offer)
    sheet = workbook.active
    _fill(sheet, 2, "0961234567", "có", date(2021, 9, 25))
    _fill(sheet, 3, 961234568)  # Excel dropped the leading zero
    response = _upload(client, offer, workbook)
    assert response.status_code == 302
    places = {a.sim_number: a for a in SimAssignment.objects.filter(offer=offer)}
    assert places["0961234567"].status == "activated"
    assert places["0961234567"].activated_on == date(2021, 9, 25)
    assert places["0961234568"].status == "pending"
    assert places[""].status == "pending"
    # The same file again changes nothing.
    assert _upload(client, offer, workbook).status_code == 302
    assert places["0961234567"].history.count() == 2


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ({2: ("0961234567",), 3: ("0961234567",)}, "mỗi SIM chỉ cấp cho một học sinh"),
        ({2: ("12345",)}, "không phải số di động"),
        ({2: ("", "có")}, "phải có số thuê bao"),
        ({2: ("0961234567", "có", date(2030, 1, 1))}, "ở tương lai"),
        ({2: ("0961234567", "có", "31/02/2021")}, "không có thật"),
        ({2: ("0961234567", "chắc vậy")}, "x"),
    ],
)
def test_a_wrong_row_saves_nothing_and_says_where(client, offer, viettel_user, rows, message):
    client.force_login(viettel_user)
    workbook = _export(client, offer)
    sheet = workbook.active
    _fill(sheet, 4, "0961111111", "có", date(2021, 9, 25))  # a good row, not saved either
    for row, values in rows.items():
        _fill(sheet, row, *values)
    response = _upload(client, offer, workbook)
    body = response.content.decode()
    assert response.status_code == 400
    assert message in body
    assert "chưa lưu gì" in body
    assert not SimAssignment.objects.exclude(sim_number="").exists()


def test_a_sim_already_serving_another_pupil_is_refused(client, offer, viettel, viettel_user):
    other_offer = ConnectivityOfferFactory(provider=viettel)
    taken = place_assign(offer_id=other_offer.pk, student_id=StudentFactory(lacks_internet=True).pk)
    taken.sim_number = "0961234567"
    taken.save()
    client.force_login(viettel_user)
    workbook = _export(client, offer)
    _fill(workbook.active, 2, "0961234567")
    response = _upload(client, offer, workbook)
    assert response.status_code == 400
    assert "đã được cấp cho học sinh khác" in response.content.decode()


def test_unknown_or_foreign_place_numbers_are_refused(client, offer, vnpt, viettel_user):
    foreign = place_assign(
        offer_id=ConnectivityOfferFactory(provider=vnpt).pk, student_id=StudentFactory(lacks_internet=True).pk
    )
    client.force_login(viettel_user)
    workbook = _export(client, offer)
    workbook.active.cell(row=2, column=1, value=foreign.pk)
    response = _upload(client, offer, workbook)
    assert response.status_code == 400
    assert f"không có suất số {foreign.pk}" in response.content.decode()


def test_swapping_two_sims_between_rows_is_fine(client, offer, viettel_user):
    client.force_login(viettel_user)
    workbook = _export(client, offer)
    _fill(workbook.active, 2, "0961234567")
    _fill(workbook.active, 3, "0961234568")
    assert _upload(client, offer, workbook).status_code == 302
    _fill(workbook.active, 2, "0961234568")
    _fill(workbook.active, 3, "0961234567")
    assert _upload(client, offer, workbook).status_code == 302
    assert SimAssignment.objects.exclude(sim_number="").count() == 2


def test_a_file_that_is_not_a_spreadsheet_is_refused_in_vietnamese(client, offer, viettel_user):
    client.force_login(viettel_user)
    upload = SimpleUploadedFile("sim.xlsx", b"this is not a workbook")
    response = client.post(reverse("telecom:sim-upload", args=[offer.pk]), {"file": upload})
    assert response.status_code == 400
    assert "chưa lưu gì" in response.content.decode()


def test_another_provider_can_neither_export_nor_import(client, offer, vnpt_user):
    client.force_login(vnpt_user)
    assert client.get(reverse("telecom:sim-export", args=[offer.pk])).status_code == 404
    upload = SimpleUploadedFile("sim.xlsx", b"x")
    assert client.post(reverse("telecom:sim-upload", args=[offer.pk]), {"file": upload}).status_code == 404


def test_leadership_cannot_download_guardians_phone_numbers(client, offer, leadership_user):
    client.force_login(leadership_user)
    assert client.get(reverse("telecom:sim-export", args=[offer.pk])).status_code == 404
