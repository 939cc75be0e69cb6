"""Phone numbers as people type them: mobiles for pupils' guardians, mobiles or landlines for donors."""

import pytest

from common.phones import normalise_phone, parse_contact_phone


@pytest.mark.parametrize(
    ("value", "expected"),
    [("+84 912 345 678", "0912345678"), ("912345678", "0912345678"), ("0211.386.2123", "02113862123"),
     ("84 211 386 2123", "02113862123"), (None, "")],
)  # fmt: skip
def test_a_number_is_compared_by_its_digits_with_the_leading_zero(value, expected):
    assert normalise_phone(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("0912 345 678", "0912345678"), ("+84912345678", "0912345678"), ("0211 3862 123", "02113862123")],
)
def test_a_contact_phone_is_a_mobile_or_a_landline(value, expected):
    assert parse_contact_phone(value) == expected


@pytest.mark.parametrize("value", ["0111 3862 123", "12345", "abc", "0912 345 67"])
def test_what_is_neither_a_mobile_nor_a_landline_is_refused_with_the_mobile_message(value):
    with pytest.raises(ValueError, match="số di động"):
        parse_contact_phone(value)
