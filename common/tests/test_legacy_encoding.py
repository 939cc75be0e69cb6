"""TCVN3 and VNI-Windows back to Unicode, character by character, and never good Unicode (issue 17)."""

from __future__ import annotations

import csv
import itertools
import unicodedata
from pathlib import Path

import pytest

from common.name_case import person_name
from common.spreadsheets.legacy_encoding import (
    TCVN3,
    VNI,
    cell_encoding,
    convert_grid,
    tcvn3_to_unicode,
    to_unicode,
    vni_to_unicode,
)
from common.tests.legacy_files import to_tcvn3, to_vni

# TCVN 5712:1993 (VN3), by code: the standard's table, written out here independently of legacy_tables.py.
TCVN3_BY_CODE = {
    0xA1: "Ă", 0xA2: "Â", 0xA3: "Ê", 0xA4: "Ô", 0xA5: "Ơ", 0xA6: "Ư", 0xA7: "Đ",
    0xA8: "ă", 0xA9: "â", 0xAA: "ê", 0xAB: "ô", 0xAC: "ơ", 0xAD: "ư", 0xAE: "đ",
    0xB5: "à", 0xB6: "ả", 0xB7: "ã", 0xB8: "á", 0xB9: "ạ",
    0xBB: "ằ", 0xBC: "ẳ", 0xBD: "ẵ", 0xBE: "ắ", 0xC6: "ặ",
    0xC7: "ầ", 0xC8: "ẩ", 0xC9: "ẫ", 0xCA: "ấ", 0xCB: "ậ",
    0xCC: "è", 0xCE: "ẻ", 0xCF: "ẽ", 0xD0: "é", 0xD1: "ẹ",
    0xD2: "ề", 0xD3: "ể", 0xD4: "ễ", 0xD5: "ế", 0xD6: "ệ",
    0xD7: "ì", 0xD8: "ỉ", 0xDC: "ĩ", 0xDD: "í", 0xDE: "ị",
    0xDF: "ò", 0xE1: "ỏ", 0xE2: "õ", 0xE3: "ó", 0xE4: "ọ",
    0xE5: "ồ", 0xE6: "ổ", 0xE7: "ỗ", 0xE8: "ố", 0xE9: "ộ",
    0xEA: "ờ", 0xEB: "ở", 0xEC: "ỡ", 0xED: "ớ", 0xEE: "ợ",
    0xEF: "ù", 0xF1: "ủ", 0xF2: "ũ", 0xF3: "ú", 0xF4: "ụ",
    0xF5: "ừ", 0xF6: "ử", 0xF7: "ữ", 0xF8: "ứ", 0xF9: "ự",
    0xFA: "ỳ", 0xFB: "ỷ", 0xFC: "ỹ", 0xFD: "ý", 0xFE: "ỵ",
}  # fmt: skip

# VNI-Windows, by the mark byte (small, capital) that follows the base letter: the combining marks it stands for.
_GRAVE, _ACUTE, _HOOK, _TILDE, _DOT = "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"
VNI_TONES = {(0xF8, 0xD8): _GRAVE, (0xF9, 0xD9): _ACUTE, (0xFB, 0xDB): _HOOK, (0xF5, 0xD5): _TILDE, (0xEF, 0xCF): _DOT}
VNI_CIRCUMFLEX = {
    (0xE2, 0xC2): "", (0xE0, 0xC0): _GRAVE, (0xE1, 0xC1): _ACUTE, (0xE5, 0xC5): _HOOK, (0xE3, 0xC3): _TILDE,
    (0xE4, 0xC4): _DOT,
}  # fmt: skip
VNI_BREVE = {
    (0xEA, 0xCA): "", (0xE8, 0xC8): _GRAVE, (0xE9, 0xC9): _ACUTE, (0xFA, 0xDA): _HOOK, (0xFC, 0xDC): _TILDE,
    (0xEB, 0xCB): _DOT,
}  # fmt: skip
# Letters VNI stores in one byte (small, capital).
VNI_SINGLE = {
    (0xF4, 0xD4): "ơ", (0xF6, 0xD6): "ư", (0xF1, 0xD1): "đ", (0xEC, 0xCC): "ì", (0xED, 0xCD): "í",
    (0xE6, 0xC6): "ỉ", (0xF3, 0xD3): "ĩ", (0xF2, 0xD2): "ị", (0xEE, 0xCE): "ỵ",
}  # fmt: skip


def _vni_cases():
    def compose(base, mark):
        return unicodedata.normalize("NFC", base + mark)

    cases = []
    for (small, capital), tone in VNI_TONES.items():
        for base in ("a", "e", "o", "u", "y"):
            if not (base == "y" and tone == _DOT):  # ỵ has a byte of its own
                cases.append((base + chr(small), compose(base, tone)))
                cases.append((base.upper() + chr(capital), compose(base.upper(), tone)))
        for base, vni_base in (("ơ", "\xf4"), ("ư", "\xf6")):  # ơ and ư take the same tone bytes
            cases.append((vni_base + chr(small), compose(base, tone)))
            cases.append((vni_base.upper() + chr(capital), compose(base.upper(), tone)))
    for marks, base_mark in ((VNI_CIRCUMFLEX, "\u0302"), (VNI_BREVE, "\u0306")):
        for (small, capital), tone in marks.items():
            for base in ("a", "e", "o") if base_mark == "\u0302" else ("a",):
                cases.append((base + chr(small), compose(base + base_mark, tone)))
                cases.append((base.upper() + chr(capital), compose(base.upper() + base_mark, tone)))
    for (small, capital), letter in VNI_SINGLE.items():
        cases.append((chr(small), letter))
        cases.append((chr(capital), letter.upper()))
    return cases


@pytest.mark.parametrize(("code", "letter"), TCVN3_BY_CODE.items(), ids=lambda v: hex(v) if isinstance(v, int) else v)
def test_each_tcvn3_code_is_its_letter(code, letter):
    assert tcvn3_to_unicode(chr(code)) == letter


@pytest.mark.parametrize(("stored", "letter"), _vni_cases())
def test_each_vni_sequence_is_its_letter(stored, letter):
    assert vni_to_unicode(stored) == letter


def test_the_vni_cases_cover_every_vietnamese_letter():
    letters = {letter for _stored, letter in _vni_cases()}
    assert len(letters) == 134  # 67 small letters beyond ASCII and their capitals
    assert len(set(TCVN3_BY_CODE.values())) == 74  # 67 small letters and the 7 toneless capitals


def test_the_examples_of_the_issue():
    assert to_unicode("NguyÔn V¨n §øc", TCVN3) == "Nguyễn Văn Đức"
    assert to_unicode("Nguyeãn Vaên Ñöùc", VNI) == "Nguyễn Văn Đức"
    # .VnTimeH draws the small codes as capitals: the whole cell is in capitals.
    assert to_unicode("Hå B¶O H¦¥NG", TCVN3) == "HỒ BẢO HƯƠNG"
    assert person_name(to_unicode("Hå B¶O H¦¥NG", TCVN3)) == "Hồ Bảo Hương"


# The project's copy of the district's reference list (shared/reference/communes.csv).
with Path(__file__).parents[2].joinpath("students", "data", "communes.csv").open(encoding="utf-8") as _file:
    _COMMUNE_ROWS = list(csv.DictReader(_file))
COMMUNES = [row["name"] for row in _COMMUNE_ROWS]
# As lists write them: a legacy cell is judged as a whole, and "Xã" or "Thị trấn" tells the font.
COMMUNES_AS_WRITTEN = [f"{'Thị trấn' if row['kind'] == 'township' else 'Xã'} {row['name']}" for row in _COMMUNE_ROWS]
PEOPLE = [
    "Đặng Thị Ánh", "Nguyễn Văn Đức", "Hồ Bảo Hương", "Trần Thị Thu Hà", "Lê Văn Tú", "Phạm Thị Hòa",
    "Vũ Minh Quân", "Ngô Thị Lý", "Bùi Xuân Trường", "Đỗ Thị Hồng Nhung", "Hoàng Văn Thụ", "Tô Thị Yến",
    "Trương Công Khải", "Dương Thị Mỹ Duyên", "Lưu Quang Vũ", "Khổng Thị Ngọc Ánh", "Kiều Văn Lộc",
]  # fmt: skip
PLACES = [
    *COMMUNES_AS_WRITTEN, "Thôn Đông", "Thôn Yên Nội", "Xóm Chùa", "Tổ dân phố Hòa Bình", "Trường Tiểu học Vĩnh Tường",
    "Trường THCS Lý Nhân", "Trường THPT Lê Xoay", "Hộ nghèo", "Bố/mẹ mất do COVID-19", "Nam", "Nữ", "Tiểu học",
]  # fmt: skip


def test_the_district_has_its_28_communes():
    assert len(COMMUNES) == 28 and "Vĩnh Tường" in COMMUNES


@pytest.mark.parametrize("text", [*PEOPLE, *PLACES, *COMMUNES])
def test_a_unicode_name_or_place_is_never_converted(text):
    cells = [[text], [text.upper()], [text.lower()], [unicodedata.normalize("NFD", text)]]
    notices: list[str] = []
    assert convert_grid(cells, notices) == [[text], [text.upper()], [text.lower()], [text]]
    assert notices == []


def test_a_unicode_file_of_the_districts_places_and_names_is_left_as_it_is():
    people = itertools.cycle(PEOPLE)
    cells = [
        ["Họ và tên", "Thôn/Xóm", "Xã"],
        *([next(people), place, commune] for place, commune in zip(PLACES[28:] * 3, COMMUNES, strict=False)),
    ]
    expected = [list(row) for row in cells]
    notices: list[str] = []
    assert convert_grid(cells, notices) == expected
    assert notices == []


@pytest.mark.parametrize("text", ["Nguyen Van An", "Thon Dong", "3A", "0912345678", "4GB/ngay", "x"])
def test_ascii_stays_as_it_is(text):
    assert cell_encoding(text) is None
    assert convert_grid([[text]], []) == [[text]]


@pytest.mark.parametrize(("encode", "name"), [(to_tcvn3, TCVN3), (to_vni, VNI)])
@pytest.mark.parametrize("text", [*PEOPLE, *PLACES])
def test_real_names_and_places_typed_in_a_legacy_font_come_back(encode, name, text):
    # The header row says which font the file uses; each cell comes back as typed in Unicode.
    notices: list[str] = []
    header = [encode("Họ và tên"), encode("Ngày sinh"), encode("Trường")]
    cells = convert_grid([header, [encode(text)]], notices)
    assert cells[0] == ["Họ và tên", "Ngày sinh", "Trường"]
    legacy = encode(text)
    if legacy == text:  # nothing beyond ASCII, or only letters the font shares with Latin-1 ("Lý")
        assert cells[1] == [text]
    elif name == TCVN3 and any(c.isupper() and not c.isascii() and c not in "ĂÂÊÔƠƯĐ" for c in text):
        assert cells[1][0].lower() == text.lower()  # a toned capital exists only in .VnTimeH
    else:
        assert cells[1] == [text]
    assert notices and name in notices[0]


def test_a_file_filled_in_two_fonts_converts_only_the_legacy_cells():
    notices: list[str] = []
    cells = convert_grid(
        [["Họ và tên", "Thôn/Xóm"], ["Đặng Thị Ánh", "Thôn Đông"], [to_tcvn3("Nguyễn Văn Đức"), to_tcvn3("Thôn Hòa")]],
        notices,
    )
    assert cells == [["Họ và tên", "Thôn/Xóm"], ["Đặng Thị Ánh", "Thôn Đông"], ["Nguyễn Văn Đức", "Thôn Hòa"]]
    assert notices == ["Tệp dùng bảng mã TCVN3, đã chuyển sang Unicode (2 ô)."]
