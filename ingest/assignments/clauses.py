"""Clauses, sentences, roles and deadlines: pure functions over the text of a directive."""

from __future__ import annotations

import logging
import re

from chidao.lang.agencies import WEAK_PREDICATES, AgencyCanon, Token, predicate_at, tokenize
from chidao.lang.text import collapse_spaces
from chidao.records import Assignment, Block, Role
from ingest.assignments.patterns import (
    _ABBREV_END_RE,
    _ADVERBIAL_RE,
    _CHAIR_RE,
    _COOP_RE,
    _DEADLINE_RE,
    _NOUN_MARKERS,
    _PLURAL_HEAD_END_RE,
    _SENT_END_RE,
    _TASK_TRIM,
)

log = logging.getLogger(__name__)


def _strip_span(text: str, s: int, e: int, chars: str = _TASK_TRIM) -> tuple[int, int]:
    while s < e and text[s] in chars:
        s += 1
    while e > s and text[e - 1] in chars:
        e -= 1
    return s, e


def _sentences(text: str, s: int, e: int) -> list[tuple[int, int]]:
    """Sentence spans in text[s:e]."""
    spans: list[tuple[int, int]] = []
    cur = s
    for m in _SENT_END_RE.finditer(text, s, e):
        if _ABBREV_END_RE.search(text[max(s, m.start() - 6) : m.start()]):
            continue
        spans.append((cur, m.start()))
        cur = m.end()
    spans.append((cur, e))
    return [(a, b) for a, b in spans if b > a]


def _clause_starts(text: str, s: int, e: int) -> list[int]:
    """Positions where a clause may start inside a sentence: after ";" and ":"."""
    out = []
    for m in re.finditer(r"[;:]\s+", text[s:e]):
        if text[s + m.start()] == ":" and _PLURAL_HEAD_END_RE.search(
            text, max(s, s + m.start() - 40), s + m.start() + 1
        ):
            continue  # "đề nghị các Bộ, cơ quan: Kế hoạch và Đầu tư, Tài chính …" goes on
        out.append(s + m.end())
    return out


def _role_of(predicate: str) -> Role:
    p = _ADVERBIAL_RE.sub("", predicate.strip(" ,;:"))
    if _CHAIR_RE.match(p) or re.match(r"^(?:là\s+)?(?:đầu mối|cơ quan)\s+chủ\s+trì\b", p, re.IGNORECASE):
        return "chủ trì"
    head = predicate.strip(" ,;:")[:80]
    if re.search(r"\bchủ\s+trì\b", head, re.IGNORECASE) and not re.match(r"^phối hợp", p, re.IGNORECASE):
        first = re.split(r"[.;:]", head)[0]
        if re.search(r"\bchủ\s+trì\b", first, re.IGNORECASE) and len(first.split()) <= 12:
            return "chủ trì"
    if _COOP_RE.match(p):
        return "phối hợp"
    return "giao"


def _strong_verb_in_clause(toks: list[Token], limit: int = 30) -> bool:
    """A verb (not a noun use: "theo đúng chỉ đạo", "sự phối hợp") before the clause ends."""
    words = 0
    for k, t in enumerate(toks):
        if not t.word:
            if t.text in ".;:":
                return False
            continue
        words += 1
        if words > limit:
            return False
        pred = predicate_at(toks, k)
        if pred and pred not in WEAK_PREDICATES:
            prev = next((x for x in reversed(toks[:k]) if x.word), None)
            if prev is None or prev.low not in _NOUN_MARKERS:
                return True
    return False


def _is_name_word(w: str) -> bool:
    return w[:1].isupper() and not (len(w) > 1 and w.isupper())


def _deadline(task: str) -> str | None:
    m = _DEADLINE_RE.search(task)
    return collapse_spaces(m.group(0)) if m else None


def _is_title_like(text: str) -> bool:
    t = text.strip().rstrip("*")
    if not t:
        return True
    if t[-1] in ".;!?":
        return False
    return len(t) <= 160


def _tok_after(text: str, pos: int, end: int, n: int = 6) -> list[Token]:
    return tokenize(text[pos : min(end, pos + 200)], pos)[:n]


def _zones(text: str, blocks: list[Block]) -> list[str]:
    try:
        from ingest.structure import block_zones
    except ImportError:  # pragma: no cover - the structure module ships with ingest
        return ["body"] * len(blocks)
    try:
        zones = block_zones(text, blocks)
    except Exception:  # a malformed block list: treat every block as body
        log.debug("block_zones failed; treating every block as body", exc_info=True)
        return ["body"] * len(blocks)
    return list(zones) if len(zones) == len(blocks) else ["body"] * len(blocks)


_LOCALITY_SUBJECT_RE = re.compile(r"[\s\"“(*]*(Tỉnh|Thành phố)(?=\s+[a-zđà-ỹ])")
_LOCALITY_NAME_RE = re.compile(r"\b(tỉnh|thành phố) ((?:[A-ZĐÀ-Ỹ][\wà-ỹ]*)(?: [A-ZĐÀ-Ỹ][\wà-ỹ]*){0,2})")


def _main_locality(text: str) -> tuple[str, str] | None:
    """The province or city a document is about: the one its text names most, at least 3 times."""
    counts: dict[tuple[str, str], int] = {}
    for m in _LOCALITY_NAME_RE.finditer(text):
        key = (m.group(1), m.group(2))
        counts[key] = counts.get(key, 0) + 1
    if not counts:
        return None
    best = max(counts.items(), key=lambda kv: kv[1])
    ranked = sorted(counts.values(), reverse=True)
    if best[1] < 3 or (len(ranked) > 1 and ranked[1] * 2 > best[1]):
        return None
    return best[0]


def _dedupe(items: list[Assignment]) -> list[Assignment]:
    seen: set[tuple[str, int, int]] = set()
    out = []
    for a in items:
        k = (AgencyCanon.key(a.agency), a.start, a.end)
        if k in seen:
            continue
        seen.add(k)
        out.append(a)
    return out
