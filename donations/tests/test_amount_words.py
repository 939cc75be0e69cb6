import pytest

from donations.amount_words import amount_in_words, in_words_line, number_in_words


@pytest.mark.parametrize(
    "number,words",
    [
        (0, "không"),
        (5, "năm"),
        (10, "mười"),
        (11, "mười một"),
        (15, "mười lăm"),
        (20, "hai mươi"),
        (21, "hai mươi mốt"),
        (25, "hai mươi lăm"),
        (55, "năm mươi lăm"),
        (101, "một trăm linh một"),
        (105, "một trăm linh năm"),
        (110, "một trăm mười"),
        (115, "một trăm mười lăm"),
        (1_005, "một nghìn không trăm linh năm"),
        (1_050, "một nghìn không trăm năm mươi"),
        (20_000, "hai mươi nghìn"),
        (310_000, "ba trăm mười nghìn"),
        (1_000_000, "một triệu"),
        (1_000_001, "một triệu không trăm linh một"),
        (2_000_015, "hai triệu không trăm mười lăm"),
        (2_500_000, "hai triệu năm trăm nghìn"),
        (100_000_000, "một trăm triệu"),
        (1_000_000_000, "một tỷ"),
        (1_000_000_005, "một tỷ không trăm linh năm"),
        (1_000_000_000_000, "một nghìn tỷ"),
        (5_000_000_000_000, "năm nghìn tỷ"),
        (
            1_234_567_891_011,
            "một nghìn hai trăm ba mươi bốn tỷ năm trăm sáu mươi bảy triệu tám trăm chín mươi mốt nghìn "
            "không trăm mười một",
        ),
        (
            999_999_999_999_999,
            "chín trăm chín mươi chín nghìn chín trăm chín mươi chín tỷ chín trăm chín mươi chín triệu "
            "chín trăm chín mươi chín nghìn chín trăm chín mươi chín",
        ),
    ],
)
def test_numbers_read_as_vietnamese_accounting_documents_write_them(number, words):
    assert number_in_words(number) == words


def test_the_southern_le_is_an_option():
    assert number_in_words(105, linh="lẻ") == "một trăm lẻ năm"


def test_the_line_on_a_receipt():
    assert amount_in_words(2_500_000) == "Hai triệu năm trăm nghìn đồng"
    assert in_words_line(2_500_000) == "Bằng chữ: Hai triệu năm trăm nghìn đồng"


@pytest.mark.database_independent  # a plain function over a million amounts: once, in the SQLite run
def test_every_amount_up_to_a_million_uses_only_known_words_and_no_double_spaces():
    known = {
        "không",
        "một",
        "mốt",
        "hai",
        "ba",
        "bốn",
        "năm",
        "lăm",
        "sáu",
        "bảy",
        "tám",
        "chín",
        "mười",
        "mươi",
        "trăm",
        "linh",
        "nghìn",
        "triệu",
        "tỷ",
    }
    for number in range(0, 1_000_000, 7):
        words = number_in_words(number).split(" ")
        assert set(words) <= known, number
        assert "mươi một" not in number_in_words(number) and "mười năm" not in number_in_words(number)


@pytest.mark.django_db
def test_the_ledger_page_gives_the_balance_in_words(client, accountant_user):
    from datetime import date

    from django.urls import reverse

    from donations import ledger

    ledger.receipt_record(received_on=date(2021, 9, 23), amount_vnd=2_500_000, payer="X")
    client.force_login(accountant_user)
    page = client.get(reverse("donations:ledger")).content.decode()
    assert "Bằng chữ: Hai triệu năm trăm nghìn đồng" in page
