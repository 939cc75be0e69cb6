"""The values people type: text cleaned and folded, dates, phone numbers, amounts, yes-marks, identifiers."""

from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from common.parsers import parse_date, parse_digits, parse_int, parse_yes
from common.phones import parse_phone
from common.text import clean_text, fold

# Plain functions, no database: run once, in the SQLite run of `make test` (conftest.py).
pytestmark = pytest.mark.database_independent


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("17/05/2012", date(2012, 5, 17)),
        ("7/5/2012", date(2012, 5, 7)),
        ("17-05-2012", date(2012, 5, 17)),
        ("7-5-2012", date(2012, 5, 7)),
        ("2012-05-17", date(2012, 5, 17)),
        (datetime(2012, 5, 17, 0, 0), date(2012, 5, 17)),
        (41046, date(2012, 5, 17)),  # an Excel serial date
    ],
)
def test_dates_as_communes_write_them(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", ["31/02/2012", "2012", "hôm qua", "17/05/12"])
def test_what_is_not_a_date(value):
    with pytest.raises(ValueError):
        parse_date(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("912345678", "0912345678"), (912345678, "0912345678"), ("+84 912 345 678", "0912345678"),
     ("84912345678", "0912345678"), ("091.234.5678", "0912345678"), ("0327-123-456", "0327123456")],
)  # fmt: skip
def test_phones(value, expected):
    assert parse_phone(value) == expected


@pytest.mark.parametrize("value", ["12345", "0212345678", "09123456789", "abc", "0112345678"])
def test_not_mobile_phones(value):
    with pytest.raises(ValueError):
        parse_phone(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(5000000, 5000000), ("5.000.000", 5000000), ("5.000.000 đ", 5000000), ("5,000,000 VNĐ", 5000000),
     (5000000.0, 5000000), ("1500000₫", 1500000), ("-200", -200)],
)  # fmt: skip
def test_amounts(value, expected):
    assert parse_int(value) == expected


@pytest.mark.parametrize("value", ["5.5", "năm triệu", 1.5, True])
def test_not_amounts(value):
    with pytest.raises(ValueError):
        parse_int(value)


def test_yes_marks_and_ids():
    assert [parse_yes(v) for v in ("x", "X", "có", "Có", "1", 1, True, "TRUE")] == [True] * 8
    assert [parse_yes(v) for v in ("", None, "không", "0", 0, False)] == [False] * 6
    with pytest.raises(ValueError):
        parse_yes("có lẽ")
    assert parse_digits(26212345678, 12, restore_leading_zero=True) == "026212345678"
    assert parse_digits(2.6212345678e10, 12, restore_leading_zero=True) == "026212345678"
    with pytest.raises(ValueError, match="Excel"):
        parse_digits("2.62E+10", 12)


def test_folding_and_cleaning():
    assert fold("  Nguyễn   VĂN  Ấn ") == "nguyen van an"
    assert fold("Đặng Thị Hoà") == fold("Đặng Thị Hòa") == "dang thi hoa"
    assert clean_text(12.0) == "12" and clean_text("a\u200bb\u00a0c") == "ab c"


def _outcome(parse, value):
    try:
        return parse(value)
    except ValueError as exc:
        return ("refused", str(exc).replace(f"“{value.strip()}”", "“…”"))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789١", min_size=0, max_size=13))
def test_clean_digits_take_the_short_way_to_the_same_answer(digits):
    # A cell of clean digits is answered before the general checks; padded, the same text goes the long way.
    for parse in (
        lambda value: parse_digits(value, 12, restore_leading_zero=True),
        lambda value: parse_digits(value, 10),
        parse_phone,
    ):
        assert _outcome(parse, digits) == _outcome(parse, f" {digits} ")
