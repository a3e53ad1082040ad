"""Glued syllables: where does a word made of several Vietnamese syllables part.

Text copied from PDFs and web portals often loses the space between two syllables ("đềnghị",
"Kếhoạch", "Uỷ ban nhân dântỉnh", "vàĐào tạo", "ngày25"). A Vietnamese syllable has a fixed shape,
(onset) (medial) nucleus (coda) with at most one tone mark, so a word that does not have that
shape and splits into pieces that all do is glued, and the split is found by reading the
syllables left to right, longest first (codas "ng", "nh", "ch" stay with their syllable:
"thôngtin" → "thông tin").

The syllable test is ``chidao.lang.syllable.is_syllable`` (onset + rhyme + tone rules).
- ``split_glued("dântỉnh")`` → ["dân", "tỉnh"]; words that are not Vietnamese ("online" has no
  accent and no inner capital) and abbreviations ("UBND") are left alone.
- ``deglue(text)`` → the text with a space at every such seam and the offset map back, so a span
  found in the spaced text indexes the original one (``Deglued.to_original``).
"""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from chidao.lang.syllable import is_syllable

_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")
_ONSET_RE = re.compile(r"ngh|ng|gh|gi|kh|nh|ph|th|tr|ch|qu|[bcdđghklmnprstvx]")
_VIET_LETTERS = frozenset("đăâêôơư")
_WORD_RE = re.compile(r"[^\W\d_]+|\d+")
_MAX_PARTS = 4
_ROMAN_RE = re.compile(r"[ivxlcdm]+", re.IGNORECASE)
_COMMON = 50  # a syllable seen this often in the clean text the counts come from


def _onset_length(word: str) -> int:
    m = _ONSET_RE.match(word.lower())
    return len(m.group(0)) if m else 0


def _looks_vietnamese(word: str) -> bool:
    """Accents, a Vietnamese letter, or a capital inside the word ("BạcLiêu")."""
    if any(c in _TONE_MARKS for c in unicodedata.normalize("NFD", word)):
        return True
    low = word.lower()
    if any(c in _VIET_LETTERS for c in low):
        return True
    return any(a.islower() and b.isupper() for a, b in itertools.pairwise(word))


def _case_ok(part: str) -> bool:
    """A piece is lower case or capitalised, never "vàĐ" with a capital inside."""
    return part[1:] == part[1:].lower()


# An abbreviation glued to the word after it: "UBNDtỉnh", "HĐNDcác", "SởY" (a name's one-letter syllable).
_ABBR_HEAD_RE = re.compile(r"([A-ZĐ]{2,})([^\W\d_]+)")
_ONE_LETTER_TAIL_RE = re.compile(r"([^\W\d_]*[^\W\d_A-ZĐ])([A-ZĐÀ-Ỹ])")


def _vietnamese_syllables(word: str) -> list[str] | None:
    """``word`` as one or more Vietnamese syllables in lower case ("tỉnh", "các", "cáchuyện"), else None."""
    if not word.islower():
        return None
    if is_syllable(word) and (_looks_vietnamese(word) or _counts().get(word, 0) >= _COMMON):
        return [word]
    parts = split_glued(word) if len(word) >= 4 else [word]
    return parts if len(parts) > 1 else None


def split_glued(word: str) -> list[str]:
    """``word`` cut into syllables when it is several glued together, else ``[word]``."""
    if not word.isalpha():
        return [word]
    m = _ABBR_HEAD_RE.fullmatch(word)
    if m and (tail := _vietnamese_syllables(m.group(2))):
        return [m.group(1), *tail]
    m = _ONE_LETTER_TAIL_RE.fullmatch(word)
    if m and len(word) == 3 and is_syllable(m.group(1)) and _looks_vietnamese(m.group(1)) and is_syllable(m.group(2)):
        return [m.group(1), m.group(2)]  # "SởY tế"
    if len(word) < 4 or word.isupper() or is_syllable(word):
        return [word]
    parts = _segment(word, _MAX_PARTS)
    if not parts:
        return [word]
    if not _looks_vietnamese(word):
        # no accent to go by ("quanngang"): only a cut into common syllables
        counts = _counts()
        if _ROMAN_RE.fullmatch(word) or min(len(p) for p in parts) < 2:
            return [word]
        if min(counts.get(p.lower(), 0) for p in parts) < _COMMON:
            return [word]
    return parts


@lru_cache(maxsize=1)
def _counts() -> dict[str, int]:
    """How often each syllable occurs in clean administrative and legal text (``data/syllables.tsv``)."""
    raw = resources.files("chidao").joinpath("data/syllables.tsv").read_text(encoding="utf-8")
    out: dict[str, int] = {}
    for line in raw.splitlines():
        if line and not line.startswith("#"):
            word, _, n = line.partition("\t")
            out[word] = int(n)
    return out


def _segment(word: str, budget: int) -> list[str] | None:
    """The best cut into at most ``budget`` syllables.

    Fewest pieces first; then the pieces that are common syllables ("thực hiện", not "thự chiện";
    "các huyện", not "cá chuyện"); then the longest onsets (the maximal-onset principle: "đề nghị",
    not "đềng hị"). A cut with a piece never seen in clean text is taken only at an inner capital.
    """
    counts = _counts()
    best: tuple[tuple[float, ...], list[str]] | None = None
    for parts in _segmentations(word, budget):
        seen = [counts.get(p.lower(), 0) for p in parts]
        if min(seen) == 0 and not all(p[:1].isupper() for p in parts[1:]):
            continue
        onsets = sum(_onset_length(p) for p in parts[1:])
        score = (-len(parts), sum(math.log1p(n) for n in seen), onsets)
        if best is None or score > best[0]:
            best = (score, parts)
    return best[1] if best else None


def _segmentations(word: str, budget: int) -> list[list[str]]:
    out: list[list[str]] = []
    if is_syllable(word) and _case_ok(word):
        out.append([word])
    if budget <= 1:
        return out
    for cut in range(1, min(len(word), 8)):
        head = word[:cut]
        if is_syllable(head) and _case_ok(head):
            out.extend([head, *rest] for rest in _segmentations(word[cut:], budget - 1))
    return out


@dataclass(frozen=True)
class Deglued:
    """A text with spaces put into glued words, and the way back to the original offsets."""

    text: str
    original: str
    _to_old: tuple[int, ...]  # for each offset of ``text`` (and its end), the offset in ``original``
    _to_new: tuple[int, ...]  # for each offset of ``original`` (and its end), the offset in ``text``

    @property
    def changed(self) -> bool:
        return len(self.text) != len(self.original)

    def to_original(self, pos: int) -> int:
        return self._to_old[pos]

    def to_spaced(self, pos: int) -> int:
        return self._to_new[pos]


def _seams(word: str) -> list[int]:
    """Offsets inside ``word`` where a space belongs."""
    if word.isdigit():
        return []
    out: list[int] = []
    at = 0
    for part in split_glued(word)[:-1]:
        at += len(part)
        out.append(at)
    return out


def deglue(text: str) -> Deglued:
    """Put a space at each seam of glued syllables and between a word and a number glued to it."""
    inserts: list[int] = []
    prev_end = -1
    prev_word = ""
    for m in _WORD_RE.finditer(text):
        word = m.group(0)
        if m.start() == prev_end and prev_word.isalpha() != word.isalpha():
            # "ngày25", "năm2008", "25tháng": a lower-case syllable of two letters or more and a number
            letters = prev_word if prev_word.isalpha() else word
            if letters is prev_word:
                letters = split_glued(letters)[-1]  # "trướcngày30": the syllable next to the number
            if len(letters) >= 2 and letters.islower() and is_syllable(letters):
                inserts.append(m.start())
        inserts.extend(m.start() + k for k in _seams(word))
        prev_end, prev_word = m.end(), word
    if not inserts:
        ident = tuple(range(len(text) + 1))
        return Deglued(text, text, ident, ident)
    return _build(text, sorted(set(inserts)))


def _build(text: str, inserts: list[int]) -> Deglued:
    pieces: list[str] = []
    to_old: list[int] = []
    to_new: list[int] = []
    last = 0
    for pos in [*inserts, len(text)]:
        for k in range(last, pos):
            to_new.append(len(to_old))
            to_old.append(k)
        pieces.append(text[last:pos])
        if pos < len(text):
            pieces.append(" ")
            to_old.append(pos)  # the inserted space maps to the character after it
        last = pos
    to_new.append(len(to_old))
    to_old.append(len(text))
    return Deglued("".join(pieces), text, tuple(to_old), tuple(to_new))
