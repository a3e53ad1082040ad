"""Syllables a PDF text layer split with spaces ("Thô ng" → "Thông"), joined back on evidence.

A join needs a fragment that is not a syllable; on a page with many such splits also two syllables
that join into a word the page uses unsplit ("bá o" where "báo" occurs), so "thú y" or "và o" in
sound text are never joined. Joined oa/oe/uy syllables take the tone placement the text uses.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import lru_cache

from chidao.lang.syllable import (
    _ONSETS,
    _TONE_SET,
    _nfc,
    _split_tone,
    is_syllable,
)

# ---------------------------------------------------------------- syllables split by spaces

_MAX_FRAGMENTS = 4
_MAX_SYLLABLE = 7  # "nghiêng"
# Open rhymes whose tone may sit on either vowel: hòa/hoà, khỏe/khoẻ, thủy/thuỷ.
_FLOATING = frozenset(("oa", "oe", "uy"))


def _case_ok(joined: str) -> bool:
    return joined.islower() or joined.isupper() or (joined[0].isupper() and joined[1:].islower())


def _toned_index(word: str) -> int:
    for i, c in enumerate(word):
        if any(m in _TONE_SET for m in unicodedata.normalize("NFD", c)):
            return i
    return -1


@lru_cache(maxsize=50_000)
def _tone_style(word: str) -> str | None:
    """ "new" (hòa, Ủy), "old" (hoà, Uỷ), or None where the tone's place is fixed."""
    parts = _split_tone(word)
    if parts is None or not parts[1]:
        return None
    base = parts[0]
    for onset in (*_ONSETS, ""):
        if onset in ("qu", "gi") or not base.startswith(onset):
            continue
        if base[len(onset) :] in _FLOATING:
            toned = _toned_index(word)
            if toned == len(onset):
                return "new"
            if toned == len(onset) + 1:
                return "old"
        return None
    return None


def _restyle(word: str, style: str) -> str:
    """Move the tone of an oa/oe/uy syllable to the place ``style`` puts it."""
    current = _tone_style(word)
    if current is None or current == style:
        return word
    i = _toned_index(word)
    decomposed = unicodedata.normalize("NFD", word[i])
    tone = next(c for c in decomposed if c in _TONE_SET)
    target = i - 1 if style == "new" else i + 1
    chars = list(word)
    chars[i] = _nfc(decomposed.replace(tone, ""))
    chars[target] = _nfc(chars[target] + tone)
    return "".join(chars)


# Characters that tie a fragment to its neighbour in an abbreviation or code ("T/M", "H'Mông").
_ABBREV_BEFORE = frozenset("/\\-'’_&@.")
_ABBREV_AFTER = frozenset("/\\-'’_&@")
# Unit symbols written after a number ("10 m ở độ cao", "9 h ông").
_UNITS = frozenset("m h g l t s km cm mm kg ha ml".split())
_SPLIT_PARTS_RE = re.compile(r"([^\W\d_]+)")


_VOWEL_START = frozenset("aăâeêioôơuưy")


@lru_cache(maxsize=50_000)
def _has_onset(word: str) -> bool:
    """A native onset: not none, and not the loan-word "p" (pin, pa-nô) that "đá p ứng" would make."""
    parts = _split_tone(word)
    if parts is None:
        return False
    base = parts[0]
    return base[:1] not in _VOWEL_START and not (base[0] == "p" and base[1:2] != "h")


def _fragment_value(word: str) -> float:
    """A fragment left on its own: a syllable with an onset costs nothing, an onsetless one a
    little (ật, ên are common split-off pieces, rarer words), a non-syllable a lot."""
    if not is_syllable(word):
        return -2.0
    return 0.0 if _has_onset(word) else -0.5


def _support_key(word: str) -> str:
    """Lower case, tone placed the new way: "Uỷ" and "ủy" are the same word."""
    return _restyle(word.lower(), "new")


def _plan_joins(parts: list[str], gaps: list[int], support: Counter[str] | None) -> list[tuple[int, int, str]]:
    """Choose the joins among fragments one space apart.

    ``parts`` is ``_SPLIT_PARTS_RE.split(text)``: word k is ``parts[2k+1]``, the separators
    around it ``parts[2k]`` and ``parts[2k+2]``. ``gaps`` are the word indices j whose gap to
    j+1 may be joined. A gap qualifies when a fragment beside it is not a syllable ("Thô ng",
    "nh iệm"); with ``support`` (split mode: the page has many such gaps) a gap between two
    syllables qualifies too if it touches a non-ASCII letter and the joined form occurs unsplit
    elsewhere in the text ("bá o" where "báo" occurs) — "thú y", "và o" in sound text never do.
    Each chain of qualifying gaps is segmented by dynamic programming: a join of 2–4 fragments
    into a syllable scores 1 (+0.25 with an onset: a lone consonant is more often the next
    syllable's onset than the previous one's coda: "bí m ật" → "bí mật"), a fragment left alone
    scores ``_fragment_value``.
    """
    n_words = len(parts) // 2

    def gap_ok(j: int) -> bool:
        if j + 1 >= n_words or parts[2 * j + 2] != " ":
            return False
        a, b = parts[2 * j + 1], parts[2 * j + 3]
        if not is_syllable(a) or not is_syllable(b):
            return True
        return support is not None and (not a[-1].isascii() or not b[0].isascii())

    def group_value(i: int, n: int) -> float | None:
        frags = parts[2 * i + 1 : 2 * (i + n) : 2]
        if sum(map(len, frags)) > _MAX_SYLLABLE:
            return None
        joined = "".join(frags)
        if not (_case_ok(joined) and is_syllable(joined)):
            return None
        before, after = parts[2 * i], parts[2 * (i + n)]
        if before and before[-1] in _ABBREV_BEFORE:
            return None  # "T/M ỦY"
        if frags[0] in _UNITS and before.rstrip()[-1:].isdigit():
            return None  # "10 m ở"
        if after and after[0] in _ABBREV_AFTER:
            return None
        if all(map(is_syllable, frags)) and (support is None or not support[_support_key(joined)]):
            return None
        return 1.25 if _has_onset(joined) else 1.0

    ok = sorted(j for j in set(gaps) if gap_ok(j))
    chains: list[tuple[int, int]] = []  # (first word, last word)
    for j in ok:
        if chains and chains[-1][1] == j:
            chains[-1] = (chains[-1][0], j + 1)
        else:
            chains.append((j, j + 1))

    joins: list[tuple[int, int, str]] = []
    for first, last in chains:
        size = last - first + 1
        best: list[float] = [0.0] + [float("-inf")] * size
        choice: list[int] = [0] * (size + 1)
        for end in range(1, size + 1):
            word_index = first + end - 1
            best[end] = best[end - 1] + _fragment_value(parts[2 * word_index + 1])
            choice[end] = 1
            for n in range(2, min(_MAX_FRAGMENTS, end) + 1):
                value = group_value(first + end - n, n)
                if value is not None and best[end - n] + value > best[end]:
                    best[end], choice[end] = best[end - n] + value, n
        end = size
        chain_joins = []
        while end > 0:
            n = choice[end]
            if n > 1:
                i = first + end - n
                chain_joins.append((i, n, "".join(parts[2 * i + 1 : 2 * (i + n) : 2])))
            end -= n
        joins.extend(reversed(chain_joins))
    return joins


def _repair_splits(text: str, notes: list[str]) -> str:
    parts = _SPLIT_PARTS_RE.split(text)
    words = parts[1::2]
    if len(words) < 2:
        return text
    # Every join needs a short fragment that is not a syllable; most texts have none worth a look.
    broken = {w for w in set(words) if len(w) < _MAX_SYLLABLE and not is_syllable(w)}
    if not broken:
        return text
    gaps = [g for i, w in enumerate(words) if w in broken for g in (i - 1, i) if g >= 0]
    joins = _plan_joins(parts, gaps, support=None)
    if len(joins) >= 2 and len(joins) * 200 >= len(words):
        joins = _plan_joins(parts, list(range(len(words))), support=Counter(map(_support_key, words)))
    if not joins:
        return text

    # Joined oa/oe/uy syllables take the tone placement the rest of the text uses (new by default).
    styles = Counter(_tone_style(w) for w in words)
    style = "old" if styles["old"] > styles["new"] else "new"
    for i, n, joined in joins:
        parts[2 * i + 1] = _restyle(joined, style)
        for j in range(i + 1, i + n):
            parts[2 * j] = parts[2 * j + 1] = ""
    notes.append(f"đã nối {len(joins)} âm tiết bị tách bởi khoảng trắng")
    return "".join(parts)
