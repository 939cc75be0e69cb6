"""Names as Vietnamese write them, whatever case they were typed in.

A person's name: every word with a capital first letter and the rest small
("HỒ BẢO HƯƠNG", "hồ bảo hương" → "Hồ Bảo Hương"); parts joined by a hyphen
or an apostrophe are words of their own ("H'Hen Niê").
A hamlet's or school's name typed all in capitals or all in small letters:
the same, with the kinds of school as the Ministry writes them ("Tiểu học"), except the abbreviations of kinds of
school and residential groups (THCS, THPT, TH, MN, TDP…), which stay in
capitals, and Roman numerals ("Thôn Đông II").

The text as typed is kept where the change is recorded (see `typed_note`).
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

ABBREVIATIONS = frozenset(
    {
        "TH", "THCS", "THPT", "MN", "MG", "MG&MN", "TH&THCS", "THCS&THPT", "PTDTNT", "DTNT", "PT", "PTCS", "PTTH",
        "GDTX", "TTGDTX", "GDNN", "TDP", "TT", "UBND", "HTX", "KDC", "KCN", "CĐ", "ĐH", "TW",
    }
)  # fmt: skip
_ROMAN = re.compile(r"(?i)(?=[ivx])X{0,3}(IX|IV|V?I{0,3})")
_WORD = re.compile(r"[^\s\-'’]+")


def _capitalise(match: re.Match[str]) -> str:
    word: str = match.group()
    return word[:1].upper() + word[1:].lower()


def person_name(text: str) -> str:
    """'NGUYỄN văn AN' → 'Nguyễn Văn An'."""
    return _WORD.sub(_capitalise, text)


def _place_word(match: re.Match[str]) -> str:
    word: str = match.group()
    upper = word.upper()
    if upper in ABBREVIATIONS or _ROMAN.fullmatch(word) or any(char.isdigit() for char in word):
        return upper
    return word[:1].upper() + word[1:].lower()


# The kinds of school and group, written small after their first word as the Ministry writes them.
_KIND_PHRASES = ("Mầm non", "Tiểu học", "Trung học cơ sở", "Trung học phổ thông", "Tổ dân phố", "Dân tộc nội trú")
_KINDS = [(re.compile(re.escape(person_name(phrase))), phrase) for phrase in _KIND_PHRASES]


def place_name(text: str) -> str:
    """'THÔN ĐÔNG II' → 'Thôn Đông II'; 'trường thcs vĩnh tường' → 'Trường THCS Vĩnh Tường'.

    Only a name typed all in capitals or all in small letters is changed: a
    name in mixed case is as its office writes it ("Trường Mầm non Hoa Sen").
    """
    if not (text.isupper() or text.islower()):
        return text
    result = _WORD.sub(_place_word, text)
    for pattern, phrase in _KINDS:
        result = pattern.sub(phrase, result)
    return result


def typed_note(fields: dict[str, tuple[str, str]]) -> str:
    """The history's record of names stored in another case than typed: label → (typed, stored)."""
    return "; ".join(
        _("%(field)s typed “%(typed)s”") % {"field": label, "typed": typed}
        for label, (typed, stored) in fields.items()
        if typed != stored
    )
