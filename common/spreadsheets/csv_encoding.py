"""The encodings a CSV file from a Vietnamese office arrives in, decoded to Unicode NFC.

Accepted: UTF-8 (Excel's "CSV UTF-8", with or without BOM), UTF-16 with BOM
(Excel's "Unicode text", tab-separated) and Windows-1258 (Excel's plain "CSV"
on a Vietnamese Windows, where tones are separate combining marks, recomposed
here). A file whose bytes are TCVN3 or VNI-Windows text (the legacy fonts,
saved as 8-bit) is read as Latin-1 and converted by `legacy_encoding` like any
cell. Anything else is refused with a message that says how to save the file.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from django.utils.translation import gettext as _

from common.spreadsheets.legacy_encoding import ENCODINGS, conversion_notice, scores

WINDOWS_1258 = "Windows-1258"
_C1 = re.compile("[\x80-\x9f]")


class CsvEncodingError(ValueError):
    """The bytes are in no encoding we accept; the message is for the user."""


def refusal() -> str:
    return _(
        "The CSV file is in an encoding we cannot read. We accept UTF-8, Unicode text (UTF-16) and "
        "Windows-1258. In Excel choose File › Save As and the type “CSV UTF-8 (Comma delimited)”, "
        "or upload the .xlsx file itself."
    )


def _vietnamese_score(text: str) -> int:
    return scores(text[:200_000])[None]


def decode_csv(data: bytes) -> tuple[str, list[str]]:
    """The text of a CSV file and the notices for the uploader; CsvEncodingError when refused."""
    if data.startswith(codecs.BOM_UTF8):
        return _decode(data, "utf-8-sig"), []
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _decode(data, "utf-16"), []
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    try:
        windows = unicodedata.normalize("NFC", data.decode("cp1258"))
    except UnicodeDecodeError:
        windows = None
    latin = data.decode("latin-1")
    legacy = scores(latin[:200_000])
    best_legacy = max(legacy[name] for name in ENCODINGS)
    windows_score = _vietnamese_score(windows) if windows is not None else -1
    if windows is not None and windows_score > 0 and windows_score >= best_legacy:
        return windows, [conversion_notice(WINDOWS_1258)]
    # The legacy fonts use no C1 control codes (0x80–0x9F); a file with them is in another code page.
    if best_legacy > 0 and best_legacy > legacy[None] and not _C1.search(latin):
        return latin, []  # the legacy cells are converted, and announced, with every other file's
    raise CsvEncodingError(refusal())


def _decode(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise CsvEncodingError(refusal()) from None
