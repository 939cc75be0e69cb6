"""Amounts in Vietnamese words, as accounting documents require: "Bằng chữ: Hai triệu năm trăm nghìn đồng".

num2words 0.5.14 (lang="vi") was checked first and is wrong for accounting: 1.005 reads "một nghìn
lẻ năm" (not "một nghìn không trăm linh năm"), 2.000.015 "hai triệu lẻ mười lăm", and
1.234.567.891.011 "một nghìn tỷ hai trăm ba mươi bốn tỷ …". Hence this module.
"""

from __future__ import annotations

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
_GROUPS = ("", "nghìn", "triệu")
BILLION = 10**9


def _three(number: int, *, full: bool, linh: str) -> list[str]:
    """0 < number < 1000; `full` when a higher group precedes it ("không trăm linh năm")."""
    hundreds, rest = divmod(number, 100)
    tens, units = divmod(rest, 10)
    words: list[str] = []
    if hundreds or full:
        words += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units:
            if words:
                words.append(linh)
            words.append(DIGITS[units])
        return words
    if tens == 1:
        words.append("mười")
    else:
        words += [DIGITS[tens], "mươi"]
    if units == 1 and tens > 1:
        words.append("mốt")
    elif units == 5:
        words.append("lăm")
    elif units:
        words.append(DIGITS[units])
    return words


def _below_billion(number: int, *, full: bool, linh: str) -> list[str]:
    words: list[str] = []
    for power in (2, 1, 0):
        group, number = divmod(number, 1000**power)
        if group:
            words += _three(group, full=full or bool(words), linh=linh)
            if _GROUPS[power]:
                words.append(_GROUPS[power])
    return words


def _words(number: int, *, linh: str) -> list[str]:
    higher, lower = divmod(number, BILLION)
    words: list[str] = []
    if higher:
        words += _words(higher, linh=linh) + ["tỷ"]
    if lower:
        words += _below_billion(lower, full=bool(higher), linh=linh)
    return words


def number_in_words(number: int, *, linh: str = "linh") -> str:
    """0 → "không"; 2_500_000 → "hai triệu năm trăm nghìn"; `linh="lẻ"` for the southern usage."""
    if number < 0:
        return "âm " + number_in_words(-number, linh=linh)
    return " ".join(_words(number, linh=linh)) if number else DIGITS[0]


def amount_in_words(amount_vnd: int) -> str:
    """ "Hai triệu năm trăm nghìn đồng" (capitalised, as written after "Bằng chữ:")."""
    text = number_in_words(int(amount_vnd)) + " đồng"
    return text[0].upper() + text[1:]


def in_words_line(amount_vnd: int) -> str:
    return f"Bằng chữ: {amount_in_words(amount_vnd)}"
