"""Is this a well-formed Vietnamese syllable? Onset + rhyme + tone, by the rules of the orthography.

A written syllable is ``onset? (medial? nucleus coda?) tone``: the onset from the 27 written onsets
(``ngh``, ``qu``, ``gi`` …), the rhyme from the nuclei and the codas each nucleus takes (``ă`` and
``â`` never end a syllable, ``ơ`` takes no velar coda …), the tone one of six marks on the nucleus.
Spelling rules tie them: ``k``/``gh``/``ngh`` only before a front vowel (``i``, ``e``, ``ê``, ``y``
and ``iê``), ``c``/``g``/``ng`` never before one, a rhyme closed by ``p``, ``t``, ``c``, ``ch`` only
with the sắc or nặng tone, ``qu`` only before a vowel. No word list: any syllable these rules accept
passes, so the check works on names and terms it has never seen. Used to judge OCR output: a page
whose words are mostly not syllables was misread.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Tone marks (combining, after NFD) and the vowel-quality marks that stay part of the letter.
_TONES = {"\u0300": "huyền", "\u0301": "sắc", "\u0303": "ngã", "\u0309": "hỏi", "\u0323": "nặng"}
_CHECKED_TONES = {"", "sắc", "nặng"}  # the only tones of a rhyme closed by p, t, c, ch ("" only for loans)

_ONSETS = (
    "ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr",
    "b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "",
)  # fmt: skip

# Each nucleus with the codas it takes ("" = open syllable). Semivowel codas are i/y and o/u.
_NUCLEUS_CODAS: dict[str, tuple[str, ...]] = {
    "a": ("", "c", "ch", "i", "m", "n", "ng", "nh", "o", "p", "t", "u", "y"),
    "ă": ("c", "m", "n", "ng", "p", "t"),
    "â": ("c", "m", "n", "ng", "p", "t", "u", "y"),
    "e": ("", "c", "ch", "m", "n", "ng", "o", "p", "t"),
    "ê": ("", "c", "ch", "m", "n", "nh", "p", "t", "u"),
    "i": ("", "a", "c", "ch", "m", "n", "nh", "p", "t", "u"),
    "iê": ("c", "m", "n", "ng", "p", "t", "u"),
    "yê": ("c", "m", "n", "ng", "p", "t", "u"),
    "y": ("", "a", "ch", "n", "nh", "p", "t", "u"),
    "o": ("", "c", "i", "m", "n", "ng", "p", "t"),
    "oo": ("c", "ng"),
    "ô": ("", "c", "i", "m", "n", "ng", "p", "t"),
    "ơ": ("", "i", "m", "n", "p", "t"),
    "u": ("", "a", "c", "i", "m", "n", "ng", "p", "t", "y"),
    "uô": ("c", "i", "m", "n", "ng", "p", "t"),
    "ư": ("", "a", "c", "i", "m", "n", "ng", "t", "u"),
    "ươ": ("c", "i", "m", "n", "ng", "p", "t", "u"),
}
# Rounded medial: "o" before a, ă, e; "u" before â, ê, y, ơ, yê (and a, ă, e after q).
_MEDIAL_NUCLEI = {"o": ("a", "ă", "e"), "u": ("â", "ê", "y", "ơ", "yê", "a", "ă", "e", "i")}
_FRONT = ("i", "e", "ê", "y")


def _rhymes() -> dict[str, tuple[str, str, str]]:
    """Every rhyme → (medial, nucleus, coda)."""
    out: dict[str, tuple[str, str, str]] = {}
    for nucleus, codas in _NUCLEUS_CODAS.items():
        for coda in codas:
            out.setdefault(nucleus + coda, ("", nucleus, coda))
    for medial, nuclei in _MEDIAL_NUCLEI.items():
        for nucleus in nuclei:
            for coda in _NUCLEUS_CODAS[nucleus]:
                out.setdefault(medial + nucleus + coda, (medial, nucleus, coda))
    # Rhymes read with the medial only after "qu" ("qua", "quen", "qui") are checked in _valid_split.
    return out


_RHYMES = _rhymes()
_PLAIN = str.maketrans("ăâêôơư", "aaeoou")
# Text typed without any diacritics ("chu tri", "dien"): each rhyme's plain spelling, for a plain word.
_PLAIN_RHYMES: dict[str, tuple[str, str, str]] = {}
for _rhyme, _parts in _RHYMES.items():
    _PLAIN_RHYMES.setdefault(_rhyme.translate(_PLAIN), tuple(p.translate(_PLAIN) for p in _parts))
_LETTERS_RE = re.compile(r"^[a-zđăâêôơư]+$")


def split_tone(syllable: str) -> tuple[str, str]:
    """(the syllable lower-cased without its tone mark, the tone name or "" for ngang); a syllable with
    two tone marks gives the tone "?" ."""
    decomposed = unicodedata.normalize("NFD", syllable.lower())
    tones = [_TONES[c] for c in decomposed if c in _TONES]
    base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES))
    if len(tones) > 1:
        return base, "?"
    return base, tones[0] if tones else ""


def _valid_split(onset: str, rhyme: str, tone: str, plain: bool = False) -> bool:
    parts = (_PLAIN_RHYMES if plain else _RHYMES).get(rhyme)
    if parts is None:
        return False
    medial, nucleus, coda = parts
    first = (medial or nucleus)[0]
    front = not medial and nucleus[0] in _FRONT
    if onset in ("k", "gh", "ngh") and not front:
        return False
    if onset in ("c", "ng") and front:
        return False
    if onset == "g" and front and nucleus[0] != "i":
        return False  # "g" + "i…" is the "gi" onset sharing its "i": "gìn", "giếng"
    if onset == "qu" and medial:  # "qu" carries the medial itself: "quyết" = qu + yêt
        return False
    if medial == "u" and nucleus in ("a", "ă", "e", "i") and onset != "qu":
        return False  # "ua", "ue" alone are u + a (nucleus "u", coda "a"), not a rounded "a"
    if onset == "gi" and first == "i":
        return False  # "gi" + "in" is written "gin"
    if onset == "p" and not (nucleus == "i" and not medial):
        return False  # "p" alone begins only loans ("pin"); native words use "ph"
    if coda in ("p", "t", "c", "ch"):
        return tone in _CHECKED_TONES
    return True


@lru_cache(maxsize=1 << 16)
def is_syllable(word: str) -> bool:
    """True for a well-formed Vietnamese syllable in any case, with or without tone marks
    ("Nghị", "quyết", "gì", "khuya", "dien"); False for "Tinh`äy", "ngĩị", "ca" + "k" …"""
    word = unicodedata.normalize("NFC", word)
    base, tone = split_tone(word)
    if tone == "?" or not base or not _LETTERS_RE.match(base):
        return False
    if base == "gi":  # "gì": gi + i, the "i" of the onset is the nucleus
        return True
    plain = not tone and base.isascii()
    for onset in _ONSETS:
        rest = base[len(onset) :]
        if base.startswith(onset) and rest and _valid_split(onset, rest, tone, plain):
            return True
    return False


_TOKEN_RE = re.compile(r"[^\W\d_]+|\d+|[^\w\s]", re.UNICODE)


def syllable_share(words: list[str]) -> tuple[float, int]:
    """(share of the letter words that are syllables, how many letter words were judged).

    Each word is stripped of punctuation; numbers and symbols are not judged, nor are all-capital
    abbreviations of two to six letters ("UBND", "PTNT", "TTg" is judged). Empty: (1.0, 0)."""
    judged = valid = 0
    for word in words:
        for token in _TOKEN_RE.findall(word):
            if not token[0].isalpha():
                continue
            if 2 <= len(token) <= 6 and token.isupper() and not is_syllable(token):
                continue  # an abbreviation
            judged += 1
            valid += is_syllable(token)
    return (valid / judged if judged else 1.0), judged
