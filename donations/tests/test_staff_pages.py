import io
from datetime import date

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from donations import ledger
from donations.models import CashReceipt, Device, Pledge, Spending
from donations.pledges import devices_receive
from donations.tests.factories import DeviceLineFactory, PledgeLineFactory

pytestmark = pytest.mark.django_db
DAY = date(2021, 9, 23)


def _staff_urls(pledge, line, device):
    code = pledge.reference_code
    return [
        reverse("donations:pledge-list"),
        reverse("donations:pledge-new"),
        reverse("donations:import"),
        reverse("donations:ledger"),
        reverse("donations:reconciliation"),
        reverse("donations:device-list"),
        reverse("donations:device-detail", args=[device.pk]),
        reverse("donations:pledge-detail", args=[code]),
        reverse("donations:thank-you-letter", args=[code]),
    ]


def test_anonymous_visitors_are_sent_to_the_login_and_commune_officials_refused(client, commune_a_official):
    line = DeviceLineFactory()
    device = devices_receive(line=line, count=1, received_on=DAY)[0]
    urls = _staff_urls(line.pledge, line, device)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/dang-nhap/" in response["Location"], url
    client.force_login(commune_a_official)
    for url in urls:
        assert client.get(url).status_code == 403, url


def test_education_office_opens_every_page(client, education_office_user):
    line = DeviceLineFactory()
    device = devices_receive(line=line, count=1, received_on=DAY)[0]
    client.force_login(education_office_user)
    for url in _staff_urls(line.pledge, line, device):
        assert client.get(url).status_code == 200, url


def test_telecom_staff_see_the_inventory_but_not_pledges_and_cannot_change_devices(client, viettel_user):
    line = DeviceLineFactory()
    device = devices_receive(line=line, count=1, received_on=DAY)[0]
    client.force_login(viettel_user)
    assert client.get(reverse("donations:device-list")).status_code == 200
    assert client.get(reverse("donations:pledge-list")).status_code == 403
    url = reverse("donations:device-detail", args=[device.pk])
    assert client.post(url, {"action": "edit", "serial": "X"}).status_code == 403
    device.refresh_from_db()
    assert device.serial == ""


def test_leadership_reads_the_ledger_but_cannot_write_to_it(client, leadership_user):
    client.force_login(leadership_user)
    assert client.get(reverse("donations:ledger")).status_code == 200
    response = client.post(
        reverse("donations:ledger"),
        {"entry": "receipt", "r-received_on": "23/09/2021", "r-amount_vnd": "1000", "r-payer": "X"},
    )
    assert response.status_code == 403
    assert not CashReceipt.objects.exists()


def test_staff_receive_two_of_three_laptops_with_serials(client, education_office_user):
    line = DeviceLineFactory(quantity=3, condition="new")
    client.force_login(education_office_user)
    url = reverse("donations:devices-receive", args=[line.pledge.reference_code, line.pk])
    response = client.post(
        url, {"count": "2", "received_on": "23/09/2021", "serials": "SN-001\nSN-002\n", "brand_model": "Dell"}
    )
    assert response.status_code == 302
    assert sorted(line.devices.values_list("serial", flat=True)) == ["SN-001", "SN-002"]
    page = client.get(reverse("donations:pledge-detail", args=[line.pledge.reference_code])).content.decode()
    assert "SN-001" in page and "đã nhận một phần" in page.lower()


@pytest.mark.parametrize(
    "data",
    [
        {"count": "0", "received_on": "23/09/2021"},
        {"count": "100000", "received_on": "23/09/2021"},
        {"count": "4", "received_on": "23/09/2021"},
        {"count": "2", "received_on": "23/09/2021", "serials": "A\nA"},
        {"count": "1", "received_on": "31/02/2021"},
    ],
)
def test_bad_receipts_of_devices_are_refused_and_save_nothing(client, education_office_user, data):
    line = DeviceLineFactory(quantity=3)
    client.force_login(education_office_user)
    response = client.post(reverse("donations:devices-receive", args=[line.pledge.reference_code, line.pk]), data)
    assert response.status_code == 400
    assert not Device.objects.exists()


def test_a_staff_pledge_with_a_budget_line_and_escaped_html_name(client, education_office_user):
    client.force_login(education_office_user)
    response = client.post(
        reverse("donations:pledge-new"),
        {
            "donor_kind": "fund",
            "name": "<b>Quỹ</b> Khuyến học",
            "budget_amount": "100.000.000",
            "fund_source": "Quỹ Khuyến học huyện",
        },
    )
    assert response.status_code == 302
    pledge = Pledge.objects.get()
    line = pledge.lines.get()
    assert (line.kind, line.amount_vnd, line.fund_source) == ("budget", 100_000_000, "Quỹ Khuyến học huyện")
    for url in (reverse("donations:pledge-list"), reverse("donations:pledge-detail", args=[pledge.reference_code])):
        body = client.get(url).content.decode()
        assert "<b>Quỹ</b>" not in body and "&lt;b&gt;Quỹ&lt;/b&gt;" in body


@pytest.mark.parametrize(
    "changes",
    [
        {"budget_amount": "-1"},
        {"budget_amount": "9999999999999999"},
        {"name": "x" * 10_000},
        {"phone": "123"},
        {"fund_source": ""},
    ],
)
def test_staff_pledge_form_refuses_bad_input(client, education_office_user, changes):
    client.force_login(education_office_user)
    data = {"donor_kind": "fund", "name": "Quỹ", "budget_amount": "1000", "fund_source": "Quỹ"} | changes
    assert client.post(reverse("donations:pledge-new"), data).status_code == 200
    assert not Pledge.objects.exists()


def test_the_accountant_records_receipts_and_spending_and_cannot_overspend(client, accountant_user):
    client.force_login(accountant_user)
    url = reverse("donations:ledger")
    receipt = {"entry": "receipt", "r-received_on": "23/09/2021", "r-amount_vnd": "5.000.000", "r-payer": "Công ty A"}
    assert client.post(url, receipt).status_code == 302
    spending = {
        "entry": "spending",
        "s-spent_on": "24/09/2021",
        "s-category": "devices",
        "s-description": "Máy tính bảng",
        "s-supplier": "Cửa hàng B",
        "s-amount_vnd": "6000000",
        "s-device_type": "tablet",
        "s-quantity": "2",
    }
    refused = client.post(url, spending)
    assert refused.status_code == 400 and "Không đủ tiền" in refused.content.decode()
    assert not Spending.objects.exists() and not Device.objects.exists()
    assert client.post(url, spending | {"s-amount_vnd": "5000000"}).status_code == 302
    assert Device.objects.filter(purchase__isnull=False, status="ready").count() == 2
    assert ledger.balance() == 0


def test_ledger_forms_refuse_negative_and_huge_amounts(client, accountant_user):
    client.force_login(accountant_user)
    for amount in ("-1", "0", "99999999999999999"):
        data = {"entry": "receipt", "r-received_on": "23/09/2021", "r-amount_vnd": amount, "r-payer": "A"}
        assert client.post(reverse("donations:ledger"), data).status_code == 400
    assert not CashReceipt.objects.exists()


def test_device_serial_typed_later_and_status_moves_through_the_lifecycle(client, education_office_user):
    line = DeviceLineFactory(quantity=1, condition="used")
    device = devices_receive(line=line, count=1, received_on=DAY)[0]
    other = devices_receive(
        line=DeviceLineFactory(quantity=1, condition="new"), count=1, received_on=DAY, serials=["TAKEN"]
    )[0]
    client.force_login(education_office_user)
    url = reverse("donations:device-detail", args=[device.pk])
    assert client.post(url, {"action": "edit", "serial": "TAKEN"}).status_code == 400
    assert client.post(url, {"action": "edit", "serial": "IMEI-1", "storage_place": "Kho"}).status_code == 302
    assert client.post(url, {"action": "status", "status": "handed_over"}).status_code == 400
    # A used device is declared ready only by the telecom units' inspection (data wiped), never by hand.
    assert client.post(url, {"action": "status", "status": "ready", "reason": "kiểm tra tốt"}).status_code == 400
    other_url = reverse("donations:device-detail", args=[other.pk])
    assert client.post(other_url, {"action": "status", "status": "allocated"}).status_code == 400
    assert client.post(other_url, {"action": "status", "status": "needs_repair", "reason": "rơi vỡ"}).status_code == 302
    device.refresh_from_db()
    other.refresh_from_db()
    assert (device.serial, device.status, other.serial) == ("IMEI-1", "awaiting_inspection", "TAKEN")
    assert other.status == "needs_repair"


def test_pages_refuse_posts_without_csrf(csrf_client, education_office_user):
    csrf_client.force_login(education_office_user)
    assert csrf_client.post(reverse("donations:pledge-new"), {}).status_code == 403
    assert csrf_client.post(reverse("donations:ledger"), {}).status_code == 403


def test_list_pages_keep_their_query_count_flat(client, education_office_user, django_assert_max_num_queries):
    for _ in range(30):
        line = DeviceLineFactory(quantity=2)
        devices_receive(line=line, count=2, received_on=DAY)
        PledgeLineFactory(pledge=line.pledge)
    client.force_login(education_office_user)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("donations:pledge-list")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("donations:device-list")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("donations:reconciliation")).status_code == 200


def test_search_ignores_accents(client, education_office_user):
    PledgeLineFactory(pledge__donor__name="Công ty Đức Phát")
    PledgeLineFactory(pledge__donor__name="Hội Chữ thập đỏ")
    client.force_login(education_office_user)
    body = client.get(reverse("donations:pledge-list"), {"q": "duc phat"}).content.decode()
    assert "Đức Phát" in body and "Chữ thập" not in body


def test_xlsx_exports_keep_a_formula_in_a_name_as_plain_text(client, education_office_user):
    line = DeviceLineFactory(pledge__donor__name='=HYPERLINK("http://evil.example","bấm")')
    devices_receive(line=line, count=1, received_on=DAY, serials=["=1+1"])
    client.force_login(education_office_user)
    for url in (reverse("donations:pledge-list"), reverse("donations:device-list")):
        response = client.get(url, {"format": "xlsx"})
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(response.content)).active
        cells = [cell for row in sheet.iter_rows() for cell in row]
        assert all(cell.data_type != "f" for cell in cells)
        values = [cell.value for cell in cells]
        assert any(isinstance(v, str) and v.startswith("=") for v in values)


def test_the_thank_you_letter_is_a_vietnamese_administrative_docx_with_what_was_received(client, education_office_user):
    from donations.reference import committee_load

    committee_load()
    cash = PledgeLineFactory(amount_vnd=10_000_000, pledge__donor__name="Công ty Minh Phát")
    ledger.receipt_record(received_on=DAY, amount_vnd=7_500_000, payer="Minh Phát", pledge_line=cash)
    client.force_login(education_office_user)
    response = client.get(reverse("donations:thank-you-letter", args=[cash.pledge.reference_code]))
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM" in cells and "Độc lập - Tự do - Hạnh phúc" in cells
    assert "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO" in cells and "Dương Xuân Tiên" in cells
    assert "Vĩnh Tường, ngày" in text and "THƯ CẢM ƠN" in text
    assert "Kính gửi: Công ty Minh Phát" in text
    assert "7.500.000 đồng" in text


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "cash", "amount_vnd": "-100"},
        {"kind": "cash", "amount_vnd": "99999999999999999"},
        {"kind": "device", "device_type": "tablet", "condition": "new", "quantity": "0"},
        {"kind": "device", "device_type": "tablet", "condition": "new", "quantity": "100000"},
        {"kind": "device", "device_type": "tablet", "quantity": "2"},
        {"kind": "telecom", "offer": "SIM", "quantity": "10"},
        {"kind": "budget", "amount_vnd": "1000", "fund_source": "x" * 10_000},
    ],
)
def test_adding_a_bad_line_is_refused(client, education_office_user, data):
    pledge = PledgeLineFactory().pledge
    client.force_login(education_office_user)
    response = client.post(reverse("donations:line-add", args=[pledge.reference_code]), data)
    assert response.status_code == 400
    assert pledge.lines.count() == 1


@pytest.mark.parametrize("amount", ["-1", "0", "99999999999999999", "abc"])
def test_spending_with_a_bad_amount_is_refused(client, accountant_user, amount):
    ledger.receipt_record(received_on=DAY, amount_vnd=10_000_000, payer="A")
    client.force_login(accountant_user)
    data = {
        "entry": "spending",
        "s-spent_on": "24/09/2021",
        "s-category": "data",
        "s-description": "Gói cước",
        "s-supplier": "VNPT",
        "s-amount_vnd": amount,
    }
    assert client.post(reverse("donations:ledger"), data).status_code == 400
    assert not Spending.objects.exists()


def test_html_typed_by_staff_is_escaped_on_the_ledger_and_inventory(client, accountant_user, education_office_user):
    ledger.receipt_record(received_on=DAY, amount_vnd=10, payer="<script>alert(2)</script>")
    line = DeviceLineFactory()
    devices_receive(line=line, count=1, received_on=DAY, brand_model="<img src=x onerror=alert(3)>")
    client.force_login(education_office_user)
    for url in (reverse("donations:ledger"), reverse("donations:device-list")):
        body = client.get(url).content.decode()
        assert "<script>alert(2)" not in body and "<img src=x" not in body
