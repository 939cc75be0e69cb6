"""Text as the legacy Vietnamese fonts and Windows-1258 store it, for building test files."""

from __future__ import annotations

import unicodedata

from common.spreadsheets.legacy_tables import TCVN3_CAPITALS, rows

_TCVN3 = {letter: tcvn3 for letter, tcvn3, _s, _c in rows()} | {v: k for k, v in TCVN3_CAPITALS.items()}
_VNI = {letter: small for letter, _t, small, _c in rows()} | {letter.upper(): cap for letter, _t, _s, cap in rows()}


def to_tcvn3(text: str) -> str:
    """As typed in .VnTime; a toned capital as .VnTimeH stores it (the small letter's code)."""
    return "".join(_TCVN3.get(char) or _TCVN3.get(char.lower()) or char for char in unicodedata.normalize("NFC", text))


def to_vni(text: str) -> str:
    return "".join(_VNI.get(char, char) for char in unicodedata.normalize("NFC", text))


_TONES = "\u0300\u0301\u0303\u0309\u0323"


def windows_1258_text(text: str) -> str:
    """Text as Windows-1258 holds it: precomposed where the code page has the letter, else a combining tone."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        try:
            char.encode("cp1258")
            out.append(char)
        except UnicodeEncodeError:
            decomposed = unicodedata.normalize("NFD", char)
            tone = next(mark for mark in decomposed if mark in _TONES)
            out.append(unicodedata.normalize("NFC", decomposed.replace(tone, "")) + tone)
    return "".join(out)


def to_windows_1258(text: str) -> bytes:
    return windows_1258_text(text).encode("cp1258")
