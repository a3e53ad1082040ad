"""Citable passages: lines (and sentences of long lines) of retrieved chunks, scored by key-term
coverage and re-scored by the encoder against the question."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence, Set
from dataclasses import dataclass
from itertools import pairwise

from chidao.lang.text import DOCNUM_RE, fold, has_accents, syllables
from chidao.store.lexical import query_tokens
from search import cues
from search.answer.context import AnswerContext
from search.answer.places import other_localities

MAX_UNIT = 450  # characters: longer paragraphs are cited sentence by sentence
RERANK_PER_HIT = 4  # passages of each retrieved chunk scored by the encoder
RERANK_MARGIN = 0.035  # cited passages score within this cosine of the best one
_SENTENCE_END = re.compile(r"(?<=[.;!?])\s+(?=[A-ZĐÀ-Ỹ0-9\-+•])")


@dataclass
class Unit:
    doc_id: str
    start: int
    end: int
    score: float = 0.0
    cov: float = 0.0  # share of the question's key-term weight found in the passage
    section: str = ""
    cosine: float = 0.0  # encoder similarity between the question and the passage
    text: str = ""  # the passage (document text[start:end])
    tokens: frozenset[str] = frozenset()  # its lexical tokens, read with its section (unit_tokens)


# ---------------------------------------------------------------- passages


def split_units(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Citable passages inside text[start:end]: lines, and sentences of long lines."""
    units: list[tuple[int, int]] = []
    pos = start
    for line in text[start:end].split("\n"):
        s, e = pos, pos + len(line)
        pos = e + 1
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e - s < 3:
            continue
        if e - s <= MAX_UNIT:
            units.append((s, e))
            continue
        piece_start = s
        for m in _SENTENCE_END.finditer(text, s, e):
            if m.start() - piece_start >= 80:
                units.append((piece_start, m.start()))
                piece_start = m.end()
        units.append((piece_start, e))
    return units


def unit_passage(section: str, text: str) -> str:
    """What the encoder sees for a citable passage: its chunk's heading path, then the passage."""
    return f"{section}\n{text}".strip()


def chunk_passages(text: str, start: int, end: int, section: str) -> list[str]:
    """Every passage ``rank_units`` may give the encoder for the chunk text[start:end] (search/answer/prefill.py
    computes their vectors ahead of questions)."""
    return [unit_passage(section, text[s:e]) for s, e in split_units(text, start, end) if citable(text[s:e])]


@functools.lru_cache(maxsize=32_768)
def unit_tokens(text: str) -> frozenset[str]:
    """A passage's lexical tokens, remembered: the same passages and tasks are scored for question after
    question (an agency's tasks are read with their section, issuer and title for each question about it)."""
    return frozenset(t for t in query_tokens(text) if not t.startswith("="))


def topic_tokens(question: str, drop: set[str] | None = None) -> list[str]:
    tokens = [t for t in query_tokens(question) if not t.startswith("=")]
    if drop:
        tokens = [t for t in tokens if not (set(t.split("_")) <= drop)]
    return list(dict.fromkeys(tokens))


def coverage(tokens: list[str], weights: dict[str, float], text_tokens: set[str]) -> float:
    total = sum(weights.get(t, 0.0) for t in tokens)
    if total <= 0:
        return 0.0
    return sum(weights.get(t, 0.0) for t in tokens if t in text_tokens) / total


def citable(text: str) -> bool:
    """A passage worth citing on its own: a few words at least, not a date line or the motto, and
    not a short line all in capitals (a letterhead, a document type, a heading: it names, it does
    not answer)."""
    words = re.findall(r"\w+", text)
    if len(words) <= 15 and not any(c.islower() for c in text):
        return False
    return len(words) >= 4 and not cues.LOW_VALUE.match(" ".join(fold(text).split()).strip(" .*"))


def candidate_units(ctx: AnswerContext, hits, tokens: list[str], exclude: set[str] = frozenset()) -> list[Unit]:
    """The best few passages of each retrieved chunk, by key-term coverage and chunk rank."""
    snap = ctx.snapshot
    weights = snap.lexical.idf(tokens)
    if not hits:
        return []
    top = max(h.score for h in hits) or 1.0
    units: list[Unit] = []
    texts: dict[str, str] = {}
    for h in hits:
        if h.doc_id in exclude:
            continue
        if h.doc_id not in texts:
            texts[h.doc_id] = snap.document_text(h.doc_id)
        text = texts[h.doc_id]
        mine = []
        for s, e in split_units(text, h.start, h.end):
            if not citable(text[s:e]):
                continue
            read = unit_tokens(h.section + " " + text[s:e])
            cov = coverage(tokens, weights, read)
            unit = Unit(h.doc_id, s, e, 0.6 * cov + 0.4 * (h.score / top), cov, h.section, text=text[s:e], tokens=read)
            mine.append(unit)
        mine.sort(key=lambda u: -u.score)
        units.extend(mine[:RERANK_PER_HIT])
    return units


def rank_units(ctx: AnswerContext, question: str, hits, tokens: list[str], limit: int | None = None) -> list[Unit]:
    """Candidate passages re-scored by the encoder: cosine between the question and each passage.
    Passages of another province's documents than the one the question names are left out. With
    ``limit``, only that many candidates (the best by key-term coverage and chunk rank) go to the encoder."""
    units = candidate_units(ctx, hits, tokens, other_localities(ctx, question))
    if not units:
        return []
    if limit is not None:
        units = sorted(units, key=lambda u: -u.score)[:limit]
    passages = [unit_passage(u.section, u.text) for u in units]
    qvec = ctx.retriever.query_vector(ctx.retriever.dense_text(question))
    cosines = ctx.encoder.encode_passages(passages) @ qvec
    for u, c in zip(units, cosines, strict=True):
        u.cosine = float(c)
        u.score = float(c) + 0.05 * u.cov
    units.sort(key=lambda u: -u.score)
    return units


def select(units: list[Unit], limit: int, margin: float = RERANK_MARGIN) -> list[Unit]:
    if not units:
        return []
    best = units[0].score
    chosen: list[Unit] = []
    per_doc: dict[str, int] = {}
    for u in units:
        if u.score < best - margin or len(chosen) >= limit:
            break
        if per_doc.get(u.doc_id, 0) >= 3:
            continue
        if any(c.doc_id == u.doc_id and c.start < u.end and u.start < c.end for c in chosen):
            continue
        chosen.append(u)
        per_doc[u.doc_id] = per_doc.get(u.doc_id, 0) + 1
    return chosen


def key_terms(question: str, agencies: list[str] = ()) -> list[str]:
    """The question's key terms as the lexical index tokenises them (folded syllables, and bigrams of
    syllables side by side in the question), without the words of its form ("như thế nào", "là bao nhiêu":
    cues.QUESTION_WORDS), the frame of an assignment question ("được giao", "trách nhiệm" …: cues.FRAME_TEXT),
    the words of the agencies it names, and numbers, dates and document numbers (constraints checked by rule).
    Those words are matched with their accents when the question has any ("về" is frame, "vé" is not)."""
    accented = has_accents(question)
    spell = (lambda w: w.lower()) if accented else (lambda w: fold(w).lower())
    drop = {spell(w) for w in (*cues.QUESTION_WORDS, *cues.FRAME_TEXT.split())}
    for a in agencies:
        drop.update(spell(w) for w in re.findall(r"\w+", a))
    words = syllables(DOCNUM_RE.sub(" 0 ", question))
    kept = [fold(w) if spell(w) not in drop and not any(c.isdigit() for c in w) else None for w in words]
    terms = [w for w in kept if w]
    terms += [f"{a}_{b}" for a, b in pairwise(kept) if a and b]
    return list(dict.fromkeys(terms))


def term_signals(ctx: AnswerContext, terms: list[str], candidates: Sequence[Set[str]]) -> dict[str, float]:
    """The refusal model's missing-term signals (search/answer/refusal.py ``term_signals``) of key ``terms``
    against the token sets of the candidates read and against the whole index."""
    from search.answer.refusal import term_signals as shares

    if not terms:
        return shares([], {}, {}, [])
    lexical = ctx.snapshot.lexical
    return shares(terms, lexical.idf(terms), lexical.df(terms), candidates)
