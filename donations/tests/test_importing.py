import pytest
from django.core.management import call_command
from django.urls import reverse

from donations.importing import import_file
from donations.models import CashReceipt, Device, Donor, Pledge, PledgeLine
from donations.tests.donation_files import donation_row, generated_rows, xlsx_file

pytestmark = pytest.mark.django_db


def test_a_mixed_list_is_imported_whole_with_receipts_devices_and_confirmed_offers():
    rows = [
        donation_row(**{"Số tiền": "5.000.000 đ", "Đã nhận": "x", "Ngày nhận": "23/09/2021"}),
        donation_row(**{"Số tiền": 2000000}),
        donation_row(**{"Hình thức": "thiết bị", "Số tiền": None, "Loại thiết bị": "Máy tính xách tay",
                        "Số lượng": 3, "Tình trạng": "cũ", "Đã nhận": "có", "Ngày nhận": "24/9/2021"}),
        donation_row(**{"Đơn vị/Cá nhân ủng hộ": "Viettel Vĩnh Phúc", "Loại đơn vị": "nhà mạng viễn thông",
                        "Hình thức": "viễn thông", "Số tiền": None, "Số lượng": 300,
                        "Ghi chú": "SIM 4 GB/ngày miễn phí 3 tháng", "Đã nhận": "x", "Ngày nhận": "25/09/2021"}),
        donation_row(**{"Đơn vị/Cá nhân ủng hộ": "Quỹ Khuyến học", "Loại đơn vị": "quỹ", "Hình thức": "ngân sách",
                        "Số tiền": "100.000.000", "Ghi chú": "Quỹ Khuyến học huyện"}),
    ]  # fmt: skip
    result = import_file(xlsx_file(rows), "ds.xlsx")
    assert result.ok, result.error_dicts()
    assert (result.pledges, result.devices, result.receipts) == (5, 3, 1)
    # The same company on two rows is one donor.
    assert Donor.objects.count() == 3
    assert Pledge.objects.filter(channel="import").count() == 5
    assert CashReceipt.objects.get().amount_vnd == 5_000_000
    assert set(Device.objects.values_list("status", flat=True)) == {"awaiting_inspection"}
    telecom = PledgeLine.objects.get(kind="telecom")
    assert (telecom.quantity, telecom.months, str(telecom.confirmed_on)) == (300, 3, "2021-09-25")
    assert PledgeLine.objects.get(kind="budget").fund_source == "Quỹ Khuyến học huyện"
    assert Pledge.objects.first().history.exists()


@pytest.mark.parametrize(
    ("changes", "column"),
    [
        ({"Số tiền": "-5000000"}, "Số tiền"),
        ({"Số tiền": "0"}, "Số tiền"),
        ({"Số tiền": "999.999.999.999.999"}, "Số tiền"),
        ({"Số tiền": "năm triệu"}, "Số tiền"),
        ({"Số tiền": None}, "Số tiền"),
        ({"Hình thức": "vàng"}, "Hình thức"),
        ({"Hình thức": "thiết bị", "Loại thiết bị": "máy tính bảng", "Số lượng": 0, "Tình trạng": "mới"}, "Số lượng"),
        ({"Hình thức": "thiết bị", "Loại thiết bị": "máy tính bảng", "Số lượng": 100000, "Tình trạng": "mới"},
         "Số lượng"),
        ({"Hình thức": "thiết bị", "Loại thiết bị": "máy in", "Số lượng": 1, "Tình trạng": "mới"}, "Loại thiết bị"),
        ({"Hình thức": "thiết bị", "Loại thiết bị": "máy tính bảng", "Số lượng": 1, "Tình trạng": "tốt"},
         "Tình trạng"),
        ({"Đơn vị/Cá nhân ủng hộ": "A" * 10_000}, "Đơn vị/Cá nhân ủng hộ"),
        ({"Điện thoại": "12345"}, "Điện thoại"),
        ({"Loại đơn vị": "người ngoài hành tinh"}, "Loại đơn vị"),
        ({"Đã nhận": "x"}, "Ngày nhận"),
        ({"Đã nhận": "x", "Ngày nhận": "23/09/2099"}, "Ngày nhận"),
        ({"Hình thức": "viễn thông", "Số lượng": 10, "Ghi chú": "SIM miễn phí"}, "Ghi chú"),
    ],
)  # fmt: skip
def test_one_wrong_row_saves_nothing_and_names_its_row_and_column(changes, column):
    rows = [donation_row(), donation_row(**changes), donation_row()]
    result = import_file(xlsx_file(rows), "ds.xlsx")
    assert not result.ok
    errors = result.error_dicts()
    assert {(e["row"], e["column"]) for e in errors} == {(5, column)}
    # Every message is Vietnamese prose, never a bare echo of the cell.
    assert all(len(e["message"].split()) >= 3 for e in errors), errors
    assert not Pledge.objects.exists() and not Donor.objects.exists()


def test_html_in_a_name_is_stored_as_text_and_escaped_on_pages(client, education_office_user):
    result = import_file(xlsx_file([donation_row(**{"Đơn vị/Cá nhân ủng hộ": "<script>x()</script>An"})]), "a.xlsx")
    assert result.ok
    client.force_login(education_office_user)
    body = client.get(reverse("donations:pledge-list")).content.decode()
    assert "<script>x()" not in body and "&lt;script&gt;x()" in body


def test_a_file_that_is_not_a_spreadsheet_is_refused_whole():
    import io

    result = import_file(io.BytesIO(b"not a zip"), "ds.xlsx")
    assert result.file_error and not Pledge.objects.exists()


def test_the_command_exits_1_and_prints_every_error_when_a_row_is_wrong(tmp_path, capsys):
    path = tmp_path / "ds.xlsx"
    path.write_bytes(xlsx_file([donation_row(), donation_row(**{"Số tiền": "-1"})]).getvalue())
    with pytest.raises(SystemExit) as exit_:
        call_command("import_donations", str(path))
    assert exit_.value.code == 1
    assert "Dòng 5" in capsys.readouterr().err
    assert not Pledge.objects.exists()


def test_the_command_imports_a_good_list(tmp_path, capsys):
    path = tmp_path / "ds.xlsx"
    path.write_bytes(xlsx_file(generated_rows(30)).getvalue())
    call_command("import_donations", str(path))
    assert "30" in capsys.readouterr().out
    assert Pledge.objects.count() == 30


def test_the_staff_import_page_lists_errors_then_imports(client, education_office_user, commune_a_official):
    url = reverse("donations:import")
    client.force_login(commune_a_official)
    assert client.post(url, {"file": xlsx_file([donation_row()])}).status_code == 403
    client.force_login(education_office_user)
    bad = xlsx_file([donation_row(**{"Số tiền": "-1"})])
    bad.name = "ds.xlsx"
    response = client.post(url, {"file": bad})
    assert response.status_code == 400 and "Số tiền" in response.content.decode()
    good = xlsx_file(generated_rows(12))
    good.name = "ds.xlsx"
    assert client.post(url, {"file": good}).status_code == 302
    assert Pledge.objects.count() == 12


def test_the_import_page_can_give_the_list_back_with_wrong_cells_marked(
    client, education_office_user, django_capture_on_commit_callbacks
):
    import io

    from openpyxl import load_workbook

    client.force_login(education_office_user)
    bad = xlsx_file([donation_row(), donation_row(**{"Số tiền": "-1"})])
    bad.name = "ds.xlsx"
    with django_capture_on_commit_callbacks(execute=True):  # the worker makes it (donations/marked_up.py)
        response = client.post(reverse("donations:import"), {"file": bad, "annotated": "on"})
    assert response.status_code == 400
    marked = client.get(response.context["marked_up_url"])
    assert marked["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(b"".join(marked.streaming_content))).active
    commented = [cell for row in sheet.iter_rows() for cell in row if cell.comment]
    assert [cell.row for cell in commented] == [5]
    assert not Pledge.objects.exists()


def test_the_admin_search_ignores_accents(client, education_office_user):
    from donations.tests.factories import DonorFactory

    DonorFactory(name="Công ty Đức Phát")
    DonorFactory(name="Hội Chữ thập đỏ")
    client.force_login(education_office_user)
    body = client.get(reverse("admin:donations_donor_changelist"), {"q": "duc phat"}).content.decode()
    assert "Đức Phát" in body and "Chữ thập" not in body
