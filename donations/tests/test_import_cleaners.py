"""The donation list's row cleaners (donations/importing.py): one per kind of column, composed in _check_row."""

from donations.importing import read_rows
from donations.tests.donation_files import donation_row, xlsx_file


def _read(**changes):
    return read_rows(xlsx_file([donation_row(**changes)]), "ds.xlsx")


def test_a_row_wrong_in_every_part_lists_each_error_in_the_order_of_its_columns():
    result = _read(**{
        "Đơn vị/Cá nhân ủng hộ": "A" * 201, "Loại đơn vị": "người ngoài hành tinh", "Điện thoại": "12345",
        "Hình thức": "thiết bị", "Số tiền": None, "Đã nhận": "x",
    })  # fmt: skip
    assert [e["column"] for e in result.error_dicts()] == [
        "Đơn vị/Cá nhân ủng hộ",
        "Loại đơn vị",
        "Điện thoại",
        "Loại thiết bị",
        "Số lượng",
        "Tình trạng",
        "Ngày nhận",
    ]
    assert result.rows == []


def test_a_missing_kind_is_named_and_no_line_is_cleaned():
    result = _read(**{"Hình thức": None, "Số tiền": None})
    assert [e["column"] for e in result.error_dicts()] == ["Hình thức"]


def test_a_budget_line_takes_its_source_from_the_note_or_else_the_name():
    named = _read(**{"Đơn vị/Cá nhân ủng hộ": "Quỹ Khuyến học", "Loại đơn vị": "quỹ", "Hình thức": "ngân sách"})
    noted = _read(**{"Loại đơn vị": "quỹ", "Hình thức": "ngân sách", "Ghi chú": "Quỹ Khuyến học huyện"})
    assert named.rows[0].line == {"kind": "budget", "amount_vnd": 5_000_000, "fund_source": "Quỹ Khuyến học"}
    assert noted.rows[0].line["fund_source"] == "Quỹ Khuyến học huyện"


def test_a_device_type_written_with_its_condition_needs_no_condition_column():
    result = _read(**{"Hình thức": "thiết bị", "Số tiền": None, "Loại thiết bị": "laptop cũ", "Số lượng": 2})
    assert result.ok, result.error_dicts()
    assert result.rows[0].line == {
        "kind": "device",
        "device_type": "laptop",
        "condition": "used",
        "quantity": 2,
        "specification": "",
    }


def test_a_telecom_offer_takes_its_pupils_and_months_from_the_description():
    note = "Tặng 100 SIM 4G, 4GB/ngày, miễn phí 3 tháng"
    result = _read(**{"Hình thức": "viễn thông", "Số tiền": None, "Ghi chú": note})
    assert result.ok, result.error_dicts()
    assert result.rows[0].line == {"kind": "telecom", "quantity": 100, "offer": note, "months": 3}


def test_a_telecom_offer_without_a_number_of_pupils_or_over_36_months_is_refused():
    no_pupils = _read(**{"Hình thức": "viễn thông", "Số tiền": None, "Ghi chú": "SIM miễn phí 3 tháng"})
    too_long = _read(**{"Hình thức": "viễn thông", "Số tiền": None, "Số lượng": 5, "Ghi chú": "SIM 48 tháng"})
    assert [e["column"] for e in no_pupils.error_dicts()] == ["Số lượng"]
    assert [e["column"] for e in too_long.error_dicts()] == ["Ghi chú"]
