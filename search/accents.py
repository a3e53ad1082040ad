"""Putting the accents back on a query typed without them, from the passages it retrieves lexically.

The encoder is trained on accented Vietnamese and understands "so y te" poorly, while the accent-folded
BM25 side finds the right passages either way. So the words of an accent-free query take the accented
spelling they have in its best lexical passages ("so y te" → "sở y tế"), choosing between spellings of
the same folded word ("so": sở, số, sổ) by how often they occur there next to their neighbours' spellings.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from itertools import pairwise

from chidao.lang.text import fold, nfc

_WORD = re.compile(r"\w+")


def restore_accents(query: str, passages: list[str]) -> str:
    """``query`` with each accent-free word replaced by its likeliest accented spelling in ``passages``."""
    forms: dict[str, Counter[str]] = {}
    pairs: Counter[tuple[str, str]] = Counter()
    for text in passages:
        words = [w.lower() for w in _WORD.findall(nfc(text))]
        for w in words:
            forms.setdefault(fold(w), Counter())[w] += 1
        pairs.update(pairwise(words))
    pieces = re.split(r"(\w+)", nfc(query))
    slots = [i for i in range(1, len(pieces), 2)]
    options: list[list[str]] = []
    for i in slots:
        word = pieces[i]
        found = forms.get(fold(word)) if fold(word) == word.lower() else None
        options.append(list(found) if found else [word.lower()])
    # Viterbi over the spellings: unigram frequency plus (weighted) adjacent-pair frequency.
    best: list[dict[str, tuple[float, str | None]]] = []
    for n, opts in enumerate(options):
        word_key = fold(pieces[slots[n]])
        layer: dict[str, tuple[float, str | None]] = {}
        for o in opts:
            uni = math.log1p(forms.get(word_key, Counter())[o])
            if n == 0:
                layer[o] = (uni, None)
                continue
            prev = max(best[-1].items(), key=lambda kv: kv[1][0] + 2 * math.log1p(pairs[(kv[0], o)]))
            layer[o] = (prev[1][0] + 2 * math.log1p(pairs[(prev[0], o)]) + uni, prev[0])
        best.append(layer)
    if not best:
        return query
    choice = max(best[-1].items(), key=lambda kv: kv[1][0])[0]
    chosen = [choice]
    for n in range(len(best) - 1, 0, -1):
        choice = best[n][choice][1]
        chosen.append(choice)
    chosen.reverse()
    for i, form in zip(slots, chosen, strict=True):
        original = pieces[i]
        if original[:1].isupper():
            form = form[:1].upper() + form[1:]
        pieces[i] = form
    return "".join(pieces)
