"""The legacy 8-bit Vietnamese font encodings, as data.

TCVN3 (ABC, TCVN 5712:1993 "VN3"): one byte per letter. The .VnTime fonts
draw the small letters at the codes below; the .VnTimeH fonts draw the same
codes as capitals (VN3 has no codes for toned capitals), so `Hå B¶O H¦¥NG`
typed in .VnTimeH reads "HỒ BẢO HƯƠNG". The seven toneless capitals
Ă Â Ê Ô Ơ Ư Đ have codes of their own.

VNI-Windows (VNI-Times): a base letter followed by a mark byte ("eã" = ễ),
plus single bytes for ơ ư đ and the i/ỵ family. Capitals use the capital
base letter and the capital mark byte ("AÙ" = Á); files typed with the
capital base and a small mark ("Aù") are read too.

Each table gives the text as the 8-bit font stores it, read as Latin-1 (which
is how Excel, LibreOffice and calamine hand it to us).
"""

from __future__ import annotations

# One row per letter: Unicode, TCVN3 (.VnTime), VNI-Windows small, VNI-Windows capital.
# (0xAD, TCVN3's ư, is the invisible soft hyphen: written as its escape.)
LETTERS = """
à µ aø AØ
ả ¶ aû AÛ
ã · aõ AÕ
á ¸ aù AÙ
ạ ¹ aï AÏ
ă ¨ aê AÊ
ằ » aè AÈ
ẳ ¼ aú AÚ
ẵ ½ aü AÜ
ắ ¾ aé AÉ
ặ Æ aë AË
â © aâ AÂ
ầ Ç aà AÀ
ẩ È aå AÅ
ẫ É aã AÃ
ấ Ê aá AÁ
ậ Ë aä AÄ
è Ì eø EØ
ẻ Î eû EÛ
ẽ Ï eõ EÕ
é Ð eù EÙ
ẹ Ñ eï EÏ
ê ª eâ EÂ
ề Ò eà EÀ
ể Ó eå EÅ
ễ Ô eã EÃ
ế Õ eá EÁ
ệ Ö eä EÄ
ì × ì Ì
ỉ Ø æ Æ
ĩ Ü ó Ó
í Ý í Í
ị Þ ò Ò
ò ß oø OØ
ỏ á oû OÛ
õ â oõ OÕ
ó ã où OÙ
ọ ä oï OÏ
ô « oâ OÂ
ồ å oà OÀ
ổ æ oå OÅ
ỗ ç oã OÃ
ố è oá OÁ
ộ é oä OÄ
ơ ¬ ô Ô
ờ ê ôø ÔØ
ở ë ôû ÔÛ
ỡ ì ôõ ÔÕ
ớ í ôù ÔÙ
ợ î ôï ÔÏ
ù ï uø UØ
ủ ñ uû UÛ
ũ ò uõ UÕ
ú ó uù UÙ
ụ ô uï UÏ
ư \u00ad ö Ö
ừ õ öø ÖØ
ử ö öû ÖÛ
ữ ÷ öõ ÖÕ
ứ ø öù ÖÙ
ự ù öï ÖÏ
ỳ ú yø YØ
ỷ û yû YÛ
ỹ ü yõ YÕ
ý ý yù YÙ
ỵ þ î Î
đ ® ñ Ñ
"""
# TCVN3: the toneless capitals that have codes of their own (the toned ones exist only in .VnTimeH).
TCVN3_CAPITALS = {"¡": "Ă", "¢": "Â", "£": "Ê", "¤": "Ô", "¥": "Ơ", "¦": "Ư", "§": "Đ"}


def rows() -> list[tuple[str, str, str, str]]:
    table = []
    for line in LETTERS.strip().splitlines():
        letter, tcvn3, small, capital = line.split(" ")
        table.append((letter, tcvn3, small, capital))
    return table


def tcvn3_table() -> dict[str, str]:
    """Legacy character → Unicode letter (.VnTime)."""
    return {**{tcvn3: letter for letter, tcvn3, _small, _capital in rows()}, **TCVN3_CAPITALS}


def vni_table() -> dict[str, str]:
    """Legacy sequence (one or two characters) → Unicode letter."""
    table: dict[str, str] = {}
    for letter, _tcvn3, small, capital in rows():
        table[small] = letter
        table[capital] = letter.upper()
        if len(small) == 2:
            table.setdefault(capital[0] + small[1], letter.upper())  # "Aù": capital base, small mark
    return table
