"""Vietnamese text primitives shared by ingest and search.

- ``nfc``: every text enters as NFC.
- ``fold``: lower-case, accents removed, đ→d ("Sở Y tế" → "so y te").
- ``syllables``: the syllable tokens of a text (one-letter syllables kept: "Y" in "Sở Y tế").
- ``DOCNUM_RE`` / ``docnum_key``: document numbers ("570/CĐ-TTg", "1632 / CĐ - TTg",
  "12-CT/TU", "24/2014/NĐ-CP") found as one unit and compared by a folded key
  (no spaces, upper case, Đ→D), so they stay whole tokens.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_WORD_RE = re.compile(r"\w+", re.UNICODE)

# A document number: a number, optionally a year, then one or more symbol parts separated by
# "/" or "-", the first symbol starting with a capital letter. Spaces around the separators are
# tolerated because PDFs and typists insert them ("1632 / CĐ - TTg", "13/CT- TTg").
_NUM = r"\d{1,6}(?:\.\d{1,3})?[a-zA-Z]?"
_YEAR = r"(?:\s?/\s?(?:19|20)\d{2})"
_SYM = r"[A-ZĐ][A-ZĐa-zđ0-9&]*"
DOCNUM_PATTERN = rf"(?<![\w/.\-]){_NUM}{_YEAR}?(?:\s?[/\-]\s?{_SYM})+(?![\w])"
DOCNUM_RE = re.compile(DOCNUM_PATTERN)

_SPACES_RE = re.compile(r"\s+")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


@lru_cache(maxsize=65536)
def _fold_word(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word.replace("Đ", "D").replace("đ", "d"))
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn").lower()


def fold(text: str) -> str:
    """Lower-case and strip Vietnamese accents, keeping everything else (spaces, punctuation)."""
    return "".join(_fold_word(part) if part.strip() else part for part in re.split(r"(\s+)", text))


def has_accents(text: str) -> bool:
    """True if the text carries any Vietnamese diacritic or đ (i.e. folding changes its letters)."""
    return fold(text) != text.lower()


def syllables(text: str) -> list[str]:
    """Lower-cased syllable tokens (accents kept)."""
    return _WORD_RE.findall(nfc(text).lower())


def folded_syllables(text: str) -> list[str]:
    return [_fold_word(w) for w in syllables(text)]


def docnum_key(number: str) -> str:
    """Comparison key of a document number: no spaces, no accents, Đ→D, upper case."""
    return _fold_word(_SPACES_RE.sub("", nfc(number))).upper()


def docnum_display(number: str) -> str:
    """A document number as printed, with the spaces typists put around separators removed."""
    return _SPACES_RE.sub("", nfc(number))


def find_docnums(text: str) -> list[re.Match[str]]:
    return list(DOCNUM_RE.finditer(text))


def collapse_spaces(text: str) -> str:
    return _SPACES_RE.sub(" ", text).strip()
