"""The words donation lists really use: device types, amounts in words, a telecom offer's quantity.

One table of device-type synonyms (folded: lower case, no diacritics), so
"PC", "máy bàn", "ĐTDĐ", "iPad" or "máy tính bảng Samsung" all find their
type; what matches nothing gets the closest known term in its error, and a
word that fits two types ("máy tính") is an error naming both.
"""

from __future__ import annotations

import difflib
import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from common.text import clean_text
from donations.models import DeviceType
from donations.text import fold, parse_amount

DEVICE_SYNONYMS: dict[str, str] = {
    # desktop computers
    "may tinh de ban": DeviceType.DESKTOP,
    "may de ban": DeviceType.DESKTOP,
    "may tinh ban": DeviceType.DESKTOP,
    "may ban": DeviceType.DESKTOP,
    "pc": DeviceType.DESKTOP,
    "may pc": DeviceType.DESKTOP,
    "may tinh pc": DeviceType.DESKTOP,
    "desktop": DeviceType.DESKTOP,
    "bo may tinh": DeviceType.DESKTOP,
    "may tinh de ban bo": DeviceType.DESKTOP,
    # laptops
    "may tinh xach tay": DeviceType.LAPTOP,
    "may xach tay": DeviceType.LAPTOP,
    "laptop": DeviceType.LAPTOP,
    "notebook": DeviceType.LAPTOP,
    "macbook": DeviceType.LAPTOP,
    # tablets
    "may tinh bang": DeviceType.TABLET,
    "tablet": DeviceType.TABLET,
    "ipad": DeviceType.TABLET,
    "tab": DeviceType.TABLET,
    "galaxy tab": DeviceType.TABLET,
    # smartphones
    "dien thoai thong minh": DeviceType.SMARTPHONE,
    "dien thoai": DeviceType.SMARTPHONE,
    "dien thoai di dong": DeviceType.SMARTPHONE,
    "dt thong minh": DeviceType.SMARTPHONE,
    "dtdd": DeviceType.SMARTPHONE,
    "dtdd thong minh": DeviceType.SMARTPHONE,
    "smartphone": DeviceType.SMARTPHONE,
    "iphone": DeviceType.SMARTPHONE,
}
# Words that fit more than one type: the row must say which.
AMBIGUOUS_DEVICES: dict[str, tuple[str, ...]] = {
    "may tinh": (DeviceType.DESKTOP, DeviceType.LAPTOP),
    "thiet bi": (DeviceType.DESKTOP, DeviceType.LAPTOP, DeviceType.TABLET, DeviceType.SMARTPHONE),
    "thiet bi hoc tap": (DeviceType.DESKTOP, DeviceType.LAPTOP, DeviceType.TABLET, DeviceType.SMARTPHONE),
}
# Written as part of the type, said about the device: the condition ...
_CONDITION_WORDS = {"cu": "used", "da qua su dung": "used", "da su dung": "used", "moi": "new", "moi 100%": "new"}
# ... and the maker, which says nothing about the type.
_BRANDS = ("samsung", "apple", "dell", "hp", "lenovo", "asus", "acer", "xiaomi", "oppo", "vivo", "nokia", "huawei")
_BRAND = re.compile(rf"\b(?:{'|'.join(_BRANDS)})\b")
_CONDITION = re.compile(r"\b(da qua su dung|da su dung|moi 100%|cu|moi)$")
# The types as the error messages name them.
_LABELS: dict[str, str] = {
    DeviceType.DESKTOP: "máy tính để bàn",
    DeviceType.LAPTOP: "máy tính xách tay",
    DeviceType.TABLET: "máy tính bảng",
    DeviceType.SMARTPHONE: "điện thoại thông minh",
}


def device_type(value: object) -> tuple[str, str | None]:
    """(device type, condition written with it or None); ValueError naming what to write."""
    typed = clean_text(value)
    key = fold(typed).strip(" .")
    condition = None
    found = _CONDITION.search(key)
    if found:
        condition = _CONDITION_WORDS[found.group(1)]
        key = key[: found.start()].strip()
    key = " ".join(_BRAND.sub(" ", key).split())
    if key in DEVICE_SYNONYMS:
        return DEVICE_SYNONYMS[key], condition
    if key in AMBIGUOUS_DEVICES:
        raise ValueError(
            _("“%(value)s” could be %(choices)s; write which one.")
            % {"value": typed, "choices": _(" or ").join(_LABELS[t] for t in AMBIGUOUS_DEVICES[key])}
        )
    close = difflib.get_close_matches(key, DEVICE_SYNONYMS, n=1, cutoff=0.5)
    if close:
        return_type = DEVICE_SYNONYMS[close[0]]
        raise ValueError(
            _("“%(value)s” is not a device type. Did you mean “%(hint)s”?")
            % {"value": typed, "hint": _LABELS[return_type]}
        )
    raise ValueError(
        _(
            "“%(value)s” is not a device type; write máy tính để bàn, máy tính xách tay, "
            "máy tính bảng or điện thoại thông minh."
        )
        % {"value": typed}
    )


_UNITS = {
    "ty": 1_000_000_000,
    "ti": 1_000_000_000,
    "trieu": 1_000_000,
    "tr": 1_000_000,
    "nghin": 1_000,
    "ngan": 1_000,
    "k": 1_000,
}
_AMOUNT_PART = re.compile(r"(\d+(?:[.,]\d+)*)\s*(ty|ti|trieu|tr|nghin|ngan|k)\b")
_CURRENCY = re.compile(r"\s*(vnd|dong|d)\.?$")


def amount_in_words(value: object) -> int | None:
    """'5 triệu', '5tr', '1,5 tỷ', '500k', '1 tỷ 200 triệu đồng' → đồng; None when not written so."""
    key = _CURRENCY.sub("", fold(clean_text(value))).strip()
    parts = list(_AMOUNT_PART.finditer(key))
    if not parts or _AMOUNT_PART.sub("", key).strip():
        return None
    total = Decimal(0)
    for part in parts:
        number, unit = part.groups()
        if re.fullmatch(r"\d{1,3}([.,]\d{3})+", number):
            number = number.replace(".", "").replace(",", "")  # "1.500 triệu": thousands
        else:
            number = number.replace(",", ".")  # "1,5 tỷ": the Vietnamese decimal comma
        try:
            total += Decimal(number) * _UNITS[unit]
        except InvalidOperation:
            return None
    if total != total.to_integral_value():
        raise ValueError(_("“%(value)s” is not a whole number of đồng.") % {"value": clean_text(value)})
    return int(total)


# "100 SIM", "200 thuê bao", "50 suất", "30 học sinh"; not "4G", "4GB/ngày" or "3 tháng".
_OFFER_COUNT = re.compile(r"(\d{1,3}(?:[.,]\d{3})+|\d+)\s*(sim|thue bao|suat|hoc sinh|em|goi)\b")


def offer_quantity(description: object) -> int | None:
    """How many pupils a telecom offer's description names; None when none; ValueError when two differ."""
    counts = {int(re.sub(r"[.,]", "", m.group(1))) for m in _OFFER_COUNT.finditer(fold(clean_text(description)))}
    if len(counts) > 1:
        raise ValueError(
            _("The description names several numbers (%(numbers)s); write how many pupils in “Số lượng”.")
            % {"numbers": ", ".join(str(n) for n in sorted(counts))}
        )
    return counts.pop() if counts else None


def amount(value: object) -> int:
    """An amount in đồng as donors write it: 5000000, '5.000.000 đ', '5 triệu', '5tr', '1,5 tỷ', '500k'."""
    try:
        return parse_amount(value)
    except ValueError:
        pass
    words = amount_in_words(value)
    if words is None:
        raise ValueError(
            _("“%(value)s” is not an amount; write it in đồng, e.g. 5.000.000, or as 5 triệu, 1,5 tỷ, 500k.")
            % {"value": clean_text(value)}
        )
    if words <= 0:
        raise ValueError(_("The amount must be more than 0 ₫."))
    return words
