"""The words donation lists really use (issue 17): each synonym on its own row of a real import."""

from __future__ import annotations

import io

import pytest

from donations.importing import import_file
from donations.models import Donor, PledgeLine
from donations.synonyms import DEVICE_SYNONYMS, amount_in_words, device_type, offer_quantity
from donations.tests.donation_files import donation_row, xlsx_file

pytestmark = pytest.mark.django_db


def device_row(device: str, **overrides) -> dict:
    return donation_row(
        **{"Hình thức": "thiết bị", "Số tiền": None, "Loại thiết bị": device, "Số lượng": 2, "Tình trạng": "mới"}
        | overrides
    )


def errors(result) -> list[tuple[str, str]]:
    return [(e["column"], e["message"]) for e in result.error_dicts()]


@pytest.mark.parametrize(
    ("written", "device"),
    [
        ("PC", "desktop"),
        ("máy bàn", "desktop"),
        ("máy tính bàn", "desktop"),
        ("Máy tính để bàn", "desktop"),
        ("laptop cũ", "laptop"),
        ("Laptop", "laptop"),
        ("máy tính xách tay Dell", "laptop"),
        ("điện thoại", "smartphone"),
        ("ĐTDĐ", "smartphone"),
        ("smartphone", "smartphone"),
        ("Điện thoại thông minh Samsung", "smartphone"),
        ("iPad", "tablet"),
        ("máy tính bảng Samsung", "tablet"),
        ("Máy tính bảng", "tablet"),
    ],
)
def test_each_device_word_of_the_lists_finds_its_type(written, device):
    result = import_file(xlsx_file([device_row(written)]), "ds.xlsx")
    assert result.ok, result.error_dicts()
    line = PledgeLine.objects.get()
    assert (line.device_type, line.quantity) == (device, 2)


def test_the_condition_written_with_the_type_is_used_when_its_column_is_empty():
    result = import_file(xlsx_file([device_row("laptop cũ", **{"Tình trạng": None})]), "ds.xlsx")
    assert result.ok, result.error_dicts()
    assert PledgeLine.objects.get().condition == "used"


def test_every_synonym_is_in_the_one_table_and_names_a_real_type():
    assert {str(kind) for kind in DEVICE_SYNONYMS.values()} == {"desktop", "laptop", "tablet", "smartphone"}
    assert device_type("ĐTDĐ") == ("smartphone", None)


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("lap top", "“lap top” không phải loại thiết bị. Có phải là “máy tính xách tay”?"),
        ("Ipadd", "“Ipadd” không phải loại thiết bị. Có phải là “máy tính bảng”?"),
        ("máy tính", "“máy tính” có thể là máy tính để bàn hoặc máy tính xách tay; hãy ghi rõ loại nào."),
        ("tivi", "“tivi” không phải loại thiết bị; ghi máy tính để bàn, máy tính xách tay, máy tính bảng hoặc"),
    ],
)
def test_a_word_that_finds_no_type_names_the_closest_or_what_to_write(written, message):
    result = import_file(xlsx_file([device_row(written)]), "ds.xlsx")
    assert not result.ok
    [(column, text)] = errors(result)
    assert column == "Loại thiết bị" and text.startswith(message)


def test_a_telecom_rows_quantity_is_taken_from_its_description():
    row = donation_row(
        **{"Đơn vị/Cá nhân ủng hộ": "Viettel Vĩnh Phúc", "Loại đơn vị": "nhà mạng viễn thông",
           "Hình thức": "viễn thông", "Số tiền": None, "Ghi chú": "Tặng 100 SIM 4G, 4GB/ngày, miễn phí 3 tháng"}
    )  # fmt: skip
    result = import_file(xlsx_file([row]), "ds.xlsx")
    assert result.ok, result.error_dicts()
    line = PledgeLine.objects.get()
    assert (line.quantity, line.months) == (100, 3)


@pytest.mark.parametrize(
    ("note", "message"),
    [
        ("SIM 4GB/ngày miễn phí 3 tháng", "Ghi số học sinh được hỗ trợ, hoặc ghi số trong phần mô tả (“100 SIM”)."),
        ("100 SIM cho 200 học sinh, miễn phí 3 tháng", "Phần mô tả có nhiều con số (100, 200)"),
    ],
)
def test_a_telecom_row_still_ambiguous_says_what_to_write(note, message):
    row = donation_row(**{"Loại đơn vị": "nhà mạng", "Hình thức": "viễn thông", "Số tiền": None, "Ghi chú": note})
    result = import_file(xlsx_file([row]), "ds.xlsx")
    assert not result.ok
    assert any(text.startswith(message) for _column, text in errors(result)), errors(result)


@pytest.mark.parametrize(
    ("written", "vnd"),
    [
        ("5 triệu", 5_000_000),
        ("5tr", 5_000_000),
        ("5 TR", 5_000_000),
        ("1,5 tỷ", 1_500_000_000),
        ("500k", 500_000),
        ("500 nghìn đồng", 500_000),
        ("2,5 triệu đồng", 2_500_000),
        ("1 tỷ 200 triệu", 1_200_000_000),
        ("5.000.000 đ", 5_000_000),
    ],
)
def test_amounts_in_words_are_understood(written, vnd):
    result = import_file(xlsx_file([donation_row(**{"Số tiền": written})]), "ds.xlsx")
    assert result.ok, result.error_dicts()
    assert PledgeLine.objects.get().amount_vnd == vnd


@pytest.mark.parametrize("written", ["khoảng 5 triệu", "5-10 triệu", "năm triệu", "1,2345k"])
def test_an_amount_still_ambiguous_says_what_to_write(written):
    result = import_file(xlsx_file([donation_row(**{"Số tiền": written})]), "ds.xlsx")
    [(column, message)] = errors(result)
    assert column == "Số tiền" and ("5.000.000" in message or "số đồng chẵn" in message)


def test_parsers_alone():
    assert amount_in_words("abc") is None
    assert offer_quantity("Tặng 1.000 thuê bao, miễn phí 3 tháng") == 1000
    assert offer_quantity("Gói 4GB/ngày") is None


def test_an_individual_donor_and_a_contact_are_stored_in_vietnamese_case_with_the_typed_text_in_history():
    rows = [
        donation_row(**{"Đơn vị/Cá nhân ủng hộ": "NGUYỄN VĂN HÙNG", "Loại đơn vị": "cá nhân"}),
        donation_row(**{"Đơn vị/Cá nhân ủng hộ": "Công ty CP VNPT Vĩnh Phúc", "Loại đơn vị": "doanh nghiệp"}),
    ]
    result = import_file(xlsx_file(rows), "ds.xlsx")
    assert result.ok, result.error_dicts()
    assert set(Donor.objects.values_list("name", flat=True)) == {"Nguyễn Văn Hùng", "Công ty CP VNPT Vĩnh Phúc"}
    person = Donor.objects.get(name="Nguyễn Văn Hùng")
    assert person.history.get().history_change_reason.endswith("“NGUYỄN VĂN HÙNG”")


def test_a_donors_contact_person_is_stored_in_vietnamese_case():
    from donations.tests.donation_files import HEADERS
    from students.tests.spreadsheet_files import xlsx

    row = donation_row()
    cells = [[*HEADERS, "Người liên hệ"], [*(row[h] for h in HEADERS), "trần thị mai"]]
    result = import_file(io.BytesIO(xlsx(cells)), "ds.xlsx")
    assert result.ok, result.error_dicts()
    assert Donor.objects.get().contact_person == "Trần Thị Mai"


def test_the_staff_import_page_tells_a_donation_list_typed_in_vni_was_converted(client, education_office_user):
    from django.urls import reverse

    from common.tests.legacy_files import to_vni
    from donations.tests.donation_files import HEADERS
    from students.tests.spreadsheet_files import xlsx

    row = donation_row(**{"Đơn vị/Cá nhân ủng hộ": "Hội Phụ nữ xã Tứ Trưng", "Loại đơn vị": "hội", "Số tiền": "5tr"})
    cells = [[to_vni(h) for h in HEADERS], [to_vni(row[h]) if isinstance(row[h], str) else row[h] for h in HEADERS]]
    upload = io.BytesIO(xlsx(cells))
    upload.name = "ds.xlsx"
    client.force_login(education_office_user)

    response = client.post(reverse("donations:import"), {"file": upload}, follow=True)

    assert "Tệp dùng bảng mã VNI-Windows, đã chuyển sang Unicode" in response.content.decode()
    assert Donor.objects.get().name == "Hội Phụ nữ xã Tứ Trưng"
    assert PledgeLine.objects.get().amount_vnd == 5_000_000
