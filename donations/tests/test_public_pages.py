import pytest
from django.urls import reverse

from donations import antispam
from donations.models import Donor, Pledge, PledgeLine
from donations.pledges import LineData, pledge_create

pytestmark = pytest.mark.django_db
URL = "/ung-ho/"


def _post(client, meta=None, **changes):
    data = {
        "donor_kind": "individual",
        "name": "Nguyễn Văn An",
        "phone": "0912345678",
        "device_type": "laptop",
        "device_quantity": "3",
        "device_condition": "used",
        "form_token": antispam.new_form_token(),
        "website": "",
    }
    data.update(changes)
    return client.post(URL, {k: v for k, v in data.items() if v is not None}, **(meta or {}))


def test_a_donor_pledges_and_gets_the_code_bank_account_and_committee(client):
    from donations.reference import committee_load

    committee_load()
    assert client.get(URL).status_code == 200
    response = _post(client, cash_amount="5.000.000 đ", earmark_commune=None)
    assert response.status_code == 302
    pledge = Pledge.objects.get()
    assert pledge.channel == "public"
    assert sorted(pledge.lines.values_list("kind", flat=True)) == ["cash", "device"]
    assert pledge.lines.get(kind="cash").amount_vnd == 5_000_000
    page = client.get(response["Location"]).content.decode()
    assert pledge.reference_code in page
    assert "0982114338" in page  # the receiving committee of plan §VI


def test_the_pledge_form_has_no_inline_script_and_a_hidden_honeypot(client):
    body = client.get(URL).content.decode()
    assert "<script>" not in body and "onclick" not in body
    assert 'class="hp-field"' in body and 'name="website"' in body


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"cash_amount": "-5000000", "device_type": "", "device_quantity": "", "device_condition": ""}, "cash_amount"),
        (
            {"cash_amount": "999999999999999", "device_type": "", "device_quantity": "", "device_condition": ""},
            "cash_amount",
        ),
        ({"cash_amount": "năm triệu", "device_type": "", "device_quantity": "", "device_condition": ""}, "cash_amount"),
        ({"device_quantity": "0"}, "device_quantity"),
        ({"device_quantity": "100000"}, "device_quantity"),
        ({"device_quantity": "-3"}, "device_quantity"),
        ({"name": "A" * 10_000}, "name"),
        ({"phone": "12345"}, "phone"),
        ({"phone": "0912abc678"}, "phone"),
        ({"phone": "091234567890123"}, "phone"),
        ({"telecom_offer": "SIM", "telecom_pupils": "100000", "telecom_months": "3"}, "telecom_pupils"),
        ({"device_condition": ""}, "device_condition"),
        ({"device_type": "", "device_quantity": "", "device_condition": ""}, None),
    ],
)
def test_bad_input_is_refused_with_a_vietnamese_message_and_nothing_saved(client, changes, field):
    response = _post(client, **changes)
    assert response.status_code == 200
    form = response.context["form"]
    assert not form.is_valid()
    if field:
        assert field in form.errors
    messages = " ".join(str(e) for errors in form.errors.values() for e in errors)
    assert any(ch in messages for ch in "ăâđêôơưàáạảãèéẹẻẽìíịỉĩòóọỏõùúụủũỳýỵỷỹ")
    assert not Pledge.objects.exists() and not Donor.objects.exists()


def test_html_in_a_name_is_shown_escaped_on_the_thanks_and_lookup_pages(client):
    name = "<script>alert(1)</script>Bà Hoa"
    response = _post(client, name=name)
    assert response.status_code == 302
    thanks = client.get(response["Location"]).content.decode()
    assert "<script>alert(1)" not in thanks and "&lt;script&gt;alert(1)" in thanks
    code = Pledge.objects.get().reference_code
    looked_up = client.post("/tra-cuu/", {"code": code, "phone": "0912345678"}).content.decode()
    assert "<script>alert(1)" not in looked_up and "&lt;script&gt;alert(1)" in looked_up


def test_a_replayed_form_saves_nothing_the_second_time(client):
    token = antispam.new_form_token()
    assert _post(client, form_token=token).status_code == 302
    replay = _post(client, form_token=token)
    assert replay.status_code == 200
    assert "đã được gửi" in replay.content.decode()
    assert Pledge.objects.count() == 1 and PledgeLine.objects.count() == 1


def test_a_forged_or_missing_token_is_refused(client):
    assert _post(client, form_token="forged").status_code == 200
    assert _post(client, form_token=None).status_code == 200
    assert not Pledge.objects.exists()


def test_a_filled_honeypot_or_a_form_sent_too_quickly_saves_nothing(client, settings):
    assert _post(client, website="http://spam.example").status_code == 200
    settings.DONATIONS_MIN_FILL_SECONDS = 3
    response = _post(client)
    assert response.status_code == 200
    assert "quá nhanh" in response.content.decode()
    assert not Pledge.objects.exists()


def test_fifty_quick_submissions_from_one_client_are_rate_limited(client, settings):
    settings.DONATIONS_PLEDGE_RATE_LIMIT = (5, 3600)
    statuses = [_post(client, name=f"Người {n}").status_code for n in range(50)]
    assert statuses[:5] == [302] * 5
    assert set(statuses[5:]) == {429}
    assert Pledge.objects.count() == 5


def test_the_rate_limit_is_per_client(client, settings):
    from django.test import Client

    settings.DONATIONS_PLEDGE_RATE_LIMIT = (1, 3600)
    assert _post(client).status_code == 302
    assert _post(client).status_code == 429
    other = Client(REMOTE_ADDR="10.1.2.3")
    assert _post(other).status_code == 302


def _pledge(phone="0912345678"):
    from donations.tests.factories import DonorFactory

    return pledge_create(
        donor=DonorFactory(phone=phone),
        lines=[LineData(kind="device", device_type="laptop", quantity=3, condition="new")],
    )


def test_lookup_needs_both_the_code_and_the_phone(client):
    pledge = _pledge()
    found = client.post("/tra-cuu/", {"code": pledge.reference_code.lower(), "phone": "+84 912 345 678"})
    assert found.context["pledge"] == pledge
    wrong_phone = client.post("/tra-cuu/", {"code": pledge.reference_code, "phone": "0987654321"})
    assert "pledge" not in wrong_phone.context and wrong_phone.context["not_found"]
    assert pledge.donor.name not in wrong_phone.content.decode()


def test_lookup_shows_devices_received_and_never_a_serial(client):
    from datetime import date

    from donations.pledges import devices_receive

    pledge = _pledge()
    devices_receive(line=pledge.lines.get(), count=2, received_on=date(2021, 9, 23), serials=["SECRET-SN-1"])
    body = client.post("/tra-cuu/", {"code": pledge.reference_code, "phone": "0912345678"}).content.decode()
    assert "đã nhận một phần" in body
    assert "SECRET-SN-1" not in body


def test_lookup_is_rate_limited(client, settings):
    settings.DONATIONS_LOOKUP_RATE_LIMIT = (3, 600)
    statuses = [client.post("/tra-cuu/", {"code": "UH-AAAAAA", "phone": "0912345678"}).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]


def test_the_public_pages_refuse_a_post_without_csrf(csrf_client):
    assert csrf_client.post(URL, {}).status_code == 403
    assert csrf_client.post(reverse("donations-public:lookup"), {}).status_code == 403


def test_behind_the_proxy_the_client_is_the_last_forwarded_address_not_a_forged_first_one(client, settings):
    settings.DONATIONS_PLEDGE_RATE_LIMIT = (1, 3600)
    settings.DONATIONS_CLIENT_IP_FROM_PROXY = True
    assert _post(client, {"HTTP_X_FORWARDED_FOR": "1.1.1.1, 203.0.113.5"}).status_code == 302
    # Forging a different first entry does not reset the count of 203.0.113.5.
    assert _post(client, {"HTTP_X_FORWARDED_FOR": "9.9.9.9, 203.0.113.5"}).status_code == 429
    assert _post(client, {"HTTP_X_FORWARDED_FOR": "203.0.113.6"}).status_code == 302


def test_the_thanks_for_devices_only_shows_no_bank_account(client):
    from donations.models import ProgrammeAccount

    account = ProgrammeAccount.get()
    account.account_number = "8888 2021 0909"
    account.save()
    page = client.get(_post(client)["Location"]).content.decode()
    assert Pledge.objects.get().lines.get().kind == "device"
    assert "8888 2021 0909" not in page and "Số tài khoản" not in page
    money_page = client.get(_post(client, cash_amount="1.000.000", phone="0912345679")["Location"]).content.decode()
    assert "8888 2021 0909" in money_page
