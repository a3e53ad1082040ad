"""Vietnamese text primitives shared by ingest and search.

- ``nfc``: every text enters as NFC.
- ``fold``: lower-case, accents removed, đ→d ("Sở Y tế" → "so y te").
- ``syllables``: the syllable tokens of a text (one-letter syllables kept: "Y" in "Sở Y tế").
- ``DOCNUM_RE`` / ``docnum_key``: document numbers ("570/CĐ-TTg", "1632 / CĐ - TTg",
  "12-CT/TU", "24/2014/NĐ-CP", "66.7/2025/NQ-CP", "570/cđ-ttg") found as one unit and compared by a
  folded key (no spaces, upper case, Đ→D, Latin letters), so they stay whole tokens.
- ``latinize``: Cyrillic/Greek look-alike letters → Latin, keeping offsets.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_WORD_RE = re.compile(r"\w+", re.UNICODE)

# A document number: a number (optionally decimal "66.7" or lettered "15a"), optionally a year,
# then one or more symbol parts separated by "/" or "-", the first symbol starting with a capital
# letter, optionally a trailing year ("1025/PLYK/2025"). Spaces around the separators are tolerated
# because PDFs and typists insert them ("1632 / CĐ - TTg", "13/CT- TTg"). A symbol part is an upper-case
# code that may end in one lower-case letter ("TTg", "TTr", "CTr"), carry digits ("QH15"), join codes
# with "&" ("BNN&MT", "QLN& TTBĐS") and a dotted suffix ("VPCP-V.I"); so "01 - Danh mục" is not a number.
# A second alternative accepts all-lower-case symbols ("570/cđ-ttg") when there are at least two parts.
# Cyrillic/Greek letters that look like Latin capitals are accepted inside symbols (PDF text layers mix
# them in: "BТС" with a Cyrillic Т); ``docnum_key``/``docnum_display`` map them to Latin.
_LOOKALIKE_PAIRS = {
    # Cyrillic
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C",
    "Т": "T", "Х": "X", "У": "Y", "І": "I", "Ј": "J", "Ѕ": "S", "Ԁ": "D",
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "х": "x", "у": "y", "і": "i", "ј": "j",
    "ѕ": "s", "ԁ": "d", "һ": "h", "ԛ": "q", "ԝ": "w",
    # Greek
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N",
    "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X", "ο": "o",
    # Icelandic eth for Vietnamese đ ("QÐ-UBND" in some documents' text)
    "Ð": "Đ", "ð": "đ",
}  # fmt: skip
#: ``str.translate`` table mapping Cyrillic/Greek look-alike letters to Latin (one char to one char).
LATIN_LOOKALIKES = str.maketrans(_LOOKALIKE_PAIRS)
_LA_UP = "".join(c for c in _LOOKALIKE_PAIRS if c.isupper())
_UP = f"A-ZĐ{_LA_UP}"
_DASHES = "\\-\u2010\u2011\u2012\u2013"  # hyphen-minus, hyphen, non-breaking hyphen, figure/en dash
_SEP = rf"\s?[/{_DASHES}]\s?"
_NUM = r"\d{1,6}(?:\.\d{1,3})?[a-zA-Z]?"
_YEAR = r"(?:\s?/\s?(?:19|20)\d{2})"
_CODE = rf"[{_UP}][{_UP}0-9]*[a-zđ]?[0-9]*"
_SYM = rf"{_CODE}(?:\s?&\s?{_CODE})*(?:\.[{_UP}][{_UP}0-9]{{0,3}}(?!\w|\.\w))?"
_LSYM = r"[a-zđ][a-zđ0-9]{0,9}"
_ANYSYM = rf"(?:{_SYM}|{_LSYM})"
_TAIL = rf"{_YEAR}?(?![\w&]|\s?:\s?\d)"
DOCNUM_PATTERN = (
    # not after "08-MT:" ("QCVN 08-MT:2015/BTNMT", a standard) but after "Số:" / "SO:"
    rf"(?<![\w/.{_DASHES}])(?<!\d:)(?<![A-Z][A-NP-Z]:)(?<![A-RT-Z]O:){_NUM}{_YEAR}?"
    rf"(?:(?:{_SEP}{_SYM})+|{_SEP}{_LSYM}(?:{_SEP}{_ANYSYM})+){_TAIL}"
)
DOCNUM_RE = re.compile(DOCNUM_PATTERN)
_DASH_RE = re.compile(f"[{_DASHES}]")

_SPACES_RE = re.compile(r"\s+")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


@lru_cache(maxsize=65536)
def _fold_word(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word.replace("Đ", "D").replace("đ", "d"))
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn").lower()


def _fold_by_words(text: str) -> str:
    return "".join(_fold_word(part) if part.strip() else part for part in re.split(r"(\s+)", text))


# Folding is the hottest function of a question (provinces, agencies, constraints fold whole documents).
# Text made only of ASCII and the blocks below (Latin letters with their accents, combining marks,
# general punctuation) is folded by one ``str.translate``: each character's fold, computed once by the
# word-by-word definition above; whitespace is left as it is, as that definition leaves it. Anything
# else (Greek, CJK, …) takes the word-by-word path. tests/test_normalize.py checks both agree.
_FOLD_BLOCKS = ((0x80, 0x250), (0x300, 0x370), (0x1E00, 0x1F00), (0x2000, 0x2070))
_OUTSIDE_BLOCKS = re.compile(
    "[^\x00-\x7f" + "".join(f"{re.escape(chr(a))}-{re.escape(chr(b - 1))}" for a, b in _FOLD_BLOCKS) + "]"
)
_FOLD_TABLE = {
    cp: _fold_word(chr(cp))
    for a, b in _FOLD_BLOCKS
    for cp in range(a, b)
    if not chr(cp).isspace() and _fold_word(chr(cp)) != chr(cp)
}


def fold(text: str) -> str:
    """Lower-case and strip Vietnamese accents, keeping everything else (spaces, punctuation)."""
    if _OUTSIDE_BLOCKS.search(text) is None:
        return text.translate(_FOLD_TABLE).lower()
    return _fold_by_words(text)


def has_accents(text: str) -> bool:
    """True if the text carries any Vietnamese diacritic or đ (i.e. folding changes its letters)."""
    return fold(text) != text.lower()


def syllables(text: str) -> list[str]:
    """Lower-cased syllable tokens (accents kept)."""
    return _WORD_RE.findall(nfc(text).lower())


def folded_syllables(text: str) -> list[str]:
    return [_fold_word(w) for w in syllables(text)]


def latinize(text: str) -> str:
    """Map Cyrillic/Greek look-alike letters to Latin; the length (and so every offset) is kept."""
    return text.translate(LATIN_LOOKALIKES)


def docnum_key(number: str) -> str:
    """Comparison key of a document number: no spaces, no accents, Đ→D, upper case, Latin letters,
    every dash variant as "-"."""
    return _fold_word(docnum_display(number)).upper()


def docnum_display(number: str) -> str:
    """A document number as printed, with the spaces typists put around separators removed
    (and look-alike Cyrillic/Greek letters and dash variants mapped to Latin letters and "-")."""
    return _DASH_RE.sub("-", latinize(_SPACES_RE.sub("", nfc(number))))


def find_docnums(text: str) -> list[re.Match[str]]:
    return list(DOCNUM_RE.finditer(text))


def collapse_spaces(text: str) -> str:
    return _SPACES_RE.sub(" ", text).strip()
