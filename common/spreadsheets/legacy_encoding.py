"""Text typed in the legacy Vietnamese fonts (TCVN3, VNI-Windows), back to Unicode NFC.

Offices still type in .VnTime (TCVN3) or VNI-Times: the file holds Latin-1
characters that only the font shows as Vietnamese ("NguyÔn V¨n §øc",
"Nguyeãn Vaên Ñöùc"). No maintained PyPI package converts both (searched
when this was written: only text normalisers and NLP tools), so the tables
are data in `legacy_tables.py`, each character tested against the standards.

How a cell is judged: every word with a non-ASCII letter is read as it is,
as TCVN3 and as VNI; each reading scores +1 for a word that is a Vietnamese
syllable and -1 for one that is not. A cell is converted only when a legacy
reading scores higher than the text as it is. So text that is already good
Unicode is never touched: a cell with any letter outside Latin-1 ("Đặng Thị
Ánh") or ASCII only is skipped outright, and a Latin-1 cell that reads as
Vietnamese ("Hòa", "Thôn/Xóm") stays in a Unicode file.

The file decides the rest: the encoding most of the file's cells need
(header rows first) is the file's. In a legacy file a cell that reads as well
as Unicode as in that font ("Líp", TCVN3 for "Lớp") is converted, unless its
row has text that can only be Unicode (see `_convert_row`).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import lru_cache
from typing import Any

from django.utils.translation import gettext as _

from common.spreadsheets.legacy_tables import tcvn3_table, vni_table

TCVN3 = "TCVN3"
VNI = "VNI-Windows"
ENCODINGS = (TCVN3, VNI)

_TCVN3 = str.maketrans(tcvn3_table())
_VNI_TABLE = vni_table()
_VNI = re.compile("|".join(re.escape(key) for key in sorted(_VNI_TABLE, key=len, reverse=True)))
# A legacy word: ASCII letters and the Latin-1 characters the fonts draw as letters.
_LEGACY_WORD = re.compile(r"[A-Za-z\u00a1-\u00ff]+")

_ONSET = "ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|b|c|d|đ|g|h|k|l|m|n|p|q|r|s|t|v|x|f|j|w|z"
_NUCLEUS = (
    "uyê|uya|uyu|uây|uôi|ươi|ươu|oai|oao|oay|oeo|iêu|yêu|"
    "ai|ao|au|ay|âu|ây|eo|êu|ia|iê|iu|oa|oă|oe|oi|ôi|ơi|oo|ua|uâ|uê|ui|uô|uơ|uy|ưa|ưi|ươ|ưu|yê|"
    "a|ă|â|e|ê|i|o|ô|ơ|u|ư|y"
)
_SYLLABLE = re.compile(rf"(?P<onset>{_ONSET})?(?P<nucleus>{_NUCLEUS})(?P<final>ng|nh|ch|c|m|n|p|t)?")
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
# Vowel groups that begin with the glide o/u, which never follows b, m, p(h) or v ("Boà" is VNI for "Bồ").
_GLIDED = {"oa", "oă", "oe", "oai", "oao", "oay", "oeo", "uâ", "uê", "uy", "uya", "uyê", "uyu", "uơ"}
_LABIALS = {"b", "m", "p", "ph", "v"}
# Finals nh and ch follow only a, ê, i, y ("Vónh" is VNI for "Vĩnh"); ng and c never follow i or y.
_FRONT_FINALS = {"nh", "ch"}
_FRONT_NUCLEI = {"a", "ê", "i", "y", "oa", "uê", "uy"}


def tcvn3_to_unicode(text: str) -> str:
    return text.translate(_TCVN3)


def vni_to_unicode(text: str) -> str:
    return _VNI.sub(lambda match: _VNI_TABLE[match.group()], text)


_CONVERTERS = {TCVN3: tcvn3_to_unicode, VNI: vni_to_unicode}


def _strip_tone(char: str) -> tuple[str, bool]:
    decomposed = unicodedata.normalize("NFD", char)
    bare = "".join(c for c in decomposed if c not in _TONES)
    return unicodedata.normalize("NFC", bare), bare != decomposed


@lru_cache(maxsize=65536)
def is_syllable(word: str) -> bool:
    """A Vietnamese syllable (any case): a known vowel group with one tone at most, where the spelling puts it.

    The tone's place tells legacy text from Unicode: VNI's "Xaù" would be a tone
    on the u of "au", which Vietnamese never writes ("Xá" is what it means).
    """
    letters = [_strip_tone(char) for char in unicodedata.normalize("NFC", word.lower())]
    toned = [index for index, (_bare, tone) in enumerate(letters) if tone]
    if len(toned) > 1:
        return False
    match = _SYLLABLE.fullmatch("".join(bare for bare, _tone in letters))
    if match is None or (match["onset"] in _LABIALS and match["nucleus"] in _GLIDED):
        return False
    final, nucleus = match["final"], match["nucleus"]
    if final in _FRONT_FINALS and nucleus not in _FRONT_NUCLEI:
        return False
    if final in ("ng", "c") and nucleus in ("i", "y"):
        return False
    return not toned or toned[0] - match.start("nucleus") in _tone_places(match["nucleus"], bool(match["final"]))


def _tone_places(nucleus: str, closed: bool) -> set[int]:
    """Where a vowel group takes its tone: on ơ of ươ, else on the marked vowel, else by length (old and new style)."""
    if "ơ" in nucleus:
        return {nucleus.index("ơ")}
    marked = {index for index, char in enumerate(nucleus) if char in "âăêôư"}
    if marked:
        return marked
    if len(nucleus) == 1:
        return {0}
    if len(nucleus) == 2:
        return {1} if closed else ({0, 1} if nucleus in ("oa", "oe", "uy") else {0})
    return {1}


_VOWELS = set("aăâeêioôơuưyAĂÂEÊIOÔƠUƯY")


def _is_word(word: str) -> bool:
    """A syllable, or an abbreviation in capitals with Đ ("SĐT", "ĐTDĐ", "UBND-ĐT")."""
    if is_syllable(word):
        return True
    bare = unicodedata.normalize("NFC", word)
    return "Đ" in bare and bare.isalpha() and bare.isupper() and not _VOWELS & set(bare)


def _score(words: list[str]) -> int:
    return sum(1 if _is_word(word) else -1 for word in words)


def scores(text: str) -> dict[str | None, int]:
    """How Vietnamese `text` reads as it is (None) and in each legacy encoding."""
    # Words of one letter ("ô", "à") say nothing about the encoding.
    words = [word for word in _LEGACY_WORD.findall(text) if len(word) > 1 and not word.isascii()]
    result: dict[str | None, int] = {None: _score(words)}
    for name, convert in _CONVERTERS.items():
        result[name] = _score([unicodedata.normalize("NFC", convert(word)) for word in words])
    return result


_BEYOND_LATIN1 = re.compile("[^\x00-\xff]")


def _is_candidate(text: str) -> bool:
    # Legacy text is Latin-1 only, with at least one letter beyond ASCII.
    return not text.isascii() and not _BEYOND_LATIN1.search(text)


def cell_encoding(text: str, file_encoding: str | None = None) -> str | None:
    """The legacy encoding `text` is in, or None for text to keep as it is."""
    return cell_reading(text, file_encoding)[0]


@lru_cache(maxsize=65536)
def cell_reading(text: str, file_encoding: str | None = None) -> tuple[str | None, str | None]:
    """(the legacy encoding `text` is in, or None; the one it reads as well in as in Unicode, or None)."""
    if not _is_candidate(text):
        return None, None
    score = scores(text)
    best = max(ENCODINGS, key=lambda name: (score[name], name == file_encoding))
    if score[best] > score[None]:
        return best, None
    tied = file_encoding if file_encoding and score[file_encoding] == score[None] else None
    return None, tied


def _capitals_font(original: str) -> bool:
    """Typed in .VnTimeH: a small legacy letter inside a word of ASCII capitals ("B¶O", "H¦¥NG")."""
    for raw in _LEGACY_WORD.findall(original):
        inner_capital = any(char.isupper() and char.isascii() for char in raw[1:])
        small_legacy = any(not char.isascii() and tcvn3_to_unicode(char).islower() for char in raw)
        if inner_capital and small_legacy:
            return True
    return False


@lru_cache(maxsize=65536)
def to_unicode(text: str, encoding: str) -> str:
    converted = unicodedata.normalize("NFC", _CONVERTERS[encoding](text))
    if encoding == TCVN3 and _capitals_font(text):
        converted = converted.upper()
    return converted


def file_encoding(grid: list[list[Any]], sample: int = 3000) -> str | None:
    """The legacy encoding most of the file's legacy cells need (header and title rows first)."""
    votes: Counter[str] = Counter()
    seen = 0
    for cells in grid:
        for cell in cells:
            if cell.__class__ is str and not cell.isascii():
                seen += 1
                found = cell_encoding(cell) if not _BEYOND_LATIN1.search(cell) else None
                if found:
                    votes[found] += 1
        if seen >= sample:
            break
    return votes.most_common(1)[0][0] if votes else None


def convert_grid(grid: list[list[Any]], notices: list[str]) -> list[list[Any]]:
    """Every legacy cell of `grid` converted in place, every text NFC; a notice per encoding found."""
    encoding = file_encoding(grid)
    converted: Counter[str] = Counter()
    for cells in grid:
        _convert_row(cells, encoding, converted)
    for name, count in converted.most_common():
        notices.append(conversion_notice(name, count))
    return grid


def _convert_row(cells: list[Any], encoding: str | None, converted: Counter[str]) -> None:
    """A row is judged as a whole for the cells that read as well both ways ("Líp" is TCVN3 for "Lớp").

    In a legacy file they are converted, unless the row has text that can only
    be Unicode (a letter beyond Latin-1: "Họ và tên" next to "Thôn/Xóm" in a
    template typed in Unicode and filled in TCVN3).
    """
    ties: list[tuple[int, str]] = []
    unicode_row = False
    for index, cell in enumerate(cells):
        # The hot path of every import: most cells are ASCII or Unicode beyond Latin-1, told in C.
        if cell.__class__ is not str or cell.isascii():
            continue
        if _BEYOND_LATIN1.search(cell):
            unicode_row = True
            if not unicodedata.is_normalized("NFC", cell):
                cells[index] = unicodedata.normalize("NFC", cell)
            continue
        found, tied = cell_reading(cell, encoding)
        if found:
            cells[index] = to_unicode(cell, found)
            converted[found] += 1
        elif tied and to_unicode(cell, tied) != cell:
            ties.append((index, tied))
    if ties and not unicode_row:
        for index, tied in ties:
            cells[index] = to_unicode(cells[index], tied)
            converted[tied] += 1


def conversion_notice(encoding: str, cells: int | None = None) -> str:
    if cells:
        return _("The file uses the %(encoding)s encoding; it was converted to Unicode (%(count)s cells).") % {
            "encoding": encoding,
            "count": cells,
        }
    return _("The file uses the %(encoding)s encoding; it was converted to Unicode.") % {"encoding": encoding}
