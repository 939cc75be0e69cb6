import pytest

from donations import vietqr
from donations.banks import bank_for, clean_account_number
from donations.models import ProgrammeAccount

# Published by subiz/vietqr (README): 120.000 ₫ to VietinBank 0011001932418, "ung ho lu lut".
PUBLISHED = (
    "00020101021238570010A00000072701270006970415011300110019324180208QRIBFTTA53037045406120000"
    "5802VN62170813ung ho lu lut6304C15C"
)


def test_crc_is_ccitt_false_with_its_check_value():
    assert vietqr.crc16_ccitt_false("123456789") == "29B1"


def test_our_payload_is_the_published_one_to_the_character():
    assert vietqr.payload(bin="970415", account="0011001932418", amount=120_000, note="ung ho lu lut") == PUBLISHED


def test_parse_reads_the_nested_fields_and_refuses_a_bad_crc():
    fields = vietqr.parse(PUBLISHED)
    assert fields["38.00"] == "A000000727"
    assert fields["38.01.00"] == "970415" and fields["38.01.01"] == "0011001932418"
    assert fields["38.02"] == "QRIBFTTA"
    assert (fields["53"], fields["54"], fields["58"], fields["62.08"]) == ("704", "120000", "VN", "ung ho lu lut")
    with pytest.raises(ValueError):
        vietqr.parse(PUBLISHED[:-1] + "D")


def test_the_description_starts_with_the_code_and_fits_what_banking_apps_keep():
    text = vietqr.description("UH-KUE3QF", "Ủng hộ Chương trình Sóng và máy tính cho em")
    assert text.startswith("UH-KUE3QF ")
    assert len(text) <= 25 and text.isascii()


@pytest.mark.parametrize("name", ["Agribank", "agribank chi nhánh Vĩnh Tường", "VBA", "970405", "Ngân hàng Agribank"])
def test_the_bank_is_found_by_any_of_its_names(name):
    assert bank_for(name).bin == "970405"


def test_an_unknown_or_ambiguous_bank_or_account_gives_no_bank():
    assert bank_for("[DEMO] Ngân hàng thử nghiệm") is None
    assert bank_for("") is None
    assert clean_account_number("2900 205 123456") == "2900205123456"
    assert clean_account_number("29-abc") is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    "bank,number,problem",
    [
        ("", "", "missing"),
        ("Agribank", "12AB", "account"),
        ("Ngân hàng ma", "2900205123456", "bank"),
        ("BIDV", "2900205123456", ""),
    ],
)
def test_a_missing_or_invalid_account_never_gives_a_qr(bank, number, problem):
    account = ProgrammeAccount(bank_name=bank, account_number=number, account_holder="PHONG GD")
    assert vietqr.account_problem(account) == problem
    transfer = vietqr.transfer_for(account, code="UH-KUE3QF", amount=2_000_000)
    assert (transfer is None) == bool(problem)
    if transfer:
        fields = vietqr.parse(transfer.payload)
        assert fields["38.01.00"] == "970418" and fields["54"] == "2000000"
        assert transfer.svg_data_uri().startswith("data:image/svg+xml")
        assert transfer.png().startswith(b"\x89PNG")


@pytest.mark.django_db
def test_nothing_owed_gives_no_qr():
    account = ProgrammeAccount(bank_name="BIDV", account_number="2900205123456")
    assert vietqr.transfer_for(account, code="UH-KUE3QF", amount=0) is None
