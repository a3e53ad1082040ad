"""Provinces and centrally-run cities of Việt Nam (those of 2008–2025, a few older ones, and the usual
short forms), found in text by their folded names.

``find_provinces`` reads a province named in a question ("tỉnh Long An", "ở Đắk Lắk", "TP.HCM", "của
Ninh Bình", "Sở Tài nguyên và Môi trường Quảng Ngãi"); ``province_of`` the province of an issuer
("UBND tỉnh Bến Tre" → "ben tre"). Names that are also common words ("Hòa Bình" is "peace") count only
capitalised or after "tỉnh"; the folded form is the key everywhere.
"""

from __future__ import annotations

import re

from chidao.lang.text import fold

PROVINCES: tuple[str, ...] = (
    "An Giang", "Bà Rịa - Vũng Tàu", "Bạc Liêu", "Bắc Giang", "Bắc Kạn", "Bắc Ninh", "Bến Tre", "Bình Dương",
    "Bình Định", "Bình Phước", "Bình Thuận", "Cà Mau", "Cao Bằng", "Cần Thơ", "Đà Nẵng", "Đắk Lắk", "Đắk Nông",
    "Điện Biên", "Đồng Nai", "Đồng Tháp", "Gia Lai", "Hà Giang", "Hà Nam", "Hà Nội", "Hà Tĩnh", "Hải Dương",
    "Hải Phòng", "Hậu Giang", "Hòa Bình", "Hồ Chí Minh", "Hưng Yên", "Khánh Hòa", "Kiên Giang", "Kon Tum",
    "Lai Châu", "Lạng Sơn", "Lào Cai", "Lâm Đồng", "Long An", "Nam Định", "Nghệ An", "Ninh Bình", "Ninh Thuận",
    "Phú Thọ", "Phú Yên", "Quảng Bình", "Quảng Nam", "Quảng Ngãi", "Quảng Ninh", "Quảng Trị", "Sóc Trăng",
    "Sơn La", "Tây Ninh", "Thái Bình", "Thái Nguyên", "Thanh Hóa", "Thừa Thiên Huế", "Tiền Giang", "Trà Vinh",
    "Tuyên Quang", "Vĩnh Long", "Vĩnh Phúc", "Yên Bái", "Huế", "Hà Tây",
)  # fmt: skip

# Other spellings → the folded key of the province.
_ALIASES: dict[str, str] = {
    "tp hcm": "ho chi minh", "tphcm": "ho chi minh", "tp ho chi minh": "ho chi minh", "sai gon": "ho chi minh",
    "ba ria vung tau": "ba ria vung tau", "br vt": "ba ria vung tau", "brvt": "ba ria vung tau",
    "dak lak": "dak lak", "dac lac": "dak lak", "dak nong": "dak nong", "hue": "thua thien hue",
    "thanh hoa": "thanh hoa", "khanh hoa": "khanh hoa", "hoa binh": "hoa binh", "hcm": "ho chi minh",
}  # fmt: skip
# Names that are common words too: only after "tỉnh"/"thành phố", or capitalised in the text.
_AMBIGUOUS = frozenset({"hoa binh", "long an", "an giang", "thai binh", "binh dinh", "hue", "ha nam"})


def _key(name: str) -> str:
    return " ".join(re.findall(r"\w+", fold(name)))


_KEYS: dict[str, str] = {_key(p): _key(p) for p in PROVINCES}
_KEYS["hue"] = "thua thien hue"
_KEYS.update(_ALIASES)
_NAMES_RE = re.compile(r"(?<!\w)(" + "|".join(sorted(map(re.escape, _KEYS), key=len, reverse=True)) + r")(?!\w)")
_UNIT_BEFORE = re.compile(r"(?:tinh|thanh pho|tp|thi xa|ubnd|hdnd)\s*$")
DISPLAY: dict[str, str] = {_key(p): p for p in PROVINCES}
DISPLAY["thua thien hue"] = "Thừa Thiên Huế"


def _folded_words(text: str) -> tuple[str, list[int]]:
    """The folded words of ``text`` joined by single spaces, and each folded word's start in ``text``."""
    words = list(re.finditer(r"\w+", text))
    return fold(" ".join(m.group() for m in words)), [m.start() for m in words]  # fold keeps the spaces


def find_provinces(text: str) -> list[str]:
    """Folded keys of the provinces ``text`` names, in order of appearance, without repeats."""
    folded, starts = _folded_words(text)
    found: list[str] = []
    offsets = [0]
    for w in folded.split(" ")[:-1]:
        offsets.append(offsets[-1] + len(w) + 1)
    for m in _NAMES_RE.finditer(folded):
        key = _KEYS[m.group(1)]
        if m.group(1) in _AMBIGUOUS or key in _AMBIGUOUS:
            i = offsets.index(m.start()) if m.start() in offsets else -1
            original = text[starts[i]] if i >= 0 else ""
            if not (original.isupper() or _UNIT_BEFORE.search(folded[: m.start()])):
                continue
        if key not in found:
            found.append(key)
    return found


def province_of(issuer: str | None) -> str | None:
    """The province of a local issuer ("UBND tỉnh Bến Tre", "Sở Y tế TP. Hồ Chí Minh"), None for central ones."""
    if not issuer:
        return None
    found = find_provinces(issuer)
    return found[0] if found else None


def display(key: str) -> str:
    """The printed name of a province key ("dak lak" → "Đắk Lắk")."""
    return DISPLAY.get(key, key.title())
