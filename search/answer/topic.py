"""Topic answers: the passages of the best retrieved chunks that answer the question."""

from __future__ import annotations

import re

from chidao.lang.text import fold
from chidao.records import Answer
from search import cues
from search.answer.citations import Citer, doc_label, header_span, quote
from search.answer.context import AnswerContext
from search.answer.gate import Gate
from search.answer.passages import answerable, rank_units, select, topic_tokens, unit_tokens
from search.answer.refusal import signals
from search.intent import Intent

NOT_FOUND = (
    "Không tìm thấy văn bản nào trong chỉ mục trả lời câu hỏi này. "
    "Hãy thử diễn đạt khác, kiểm tra số hiệu văn bản, hoặc nạp thêm văn bản liên quan."
)


CANDIDATES = 8  # retrieved chunks read for an answer
GATED_CANDIDATES = 40  # … read further down when the question's constraints leave some out


def answer_topic(ctx: AnswerContext, question: str, intent: Intent, filters=None, gate: Gate | None = None) -> Answer:
    gate = gate or Gate(ctx, question, intent.agencies)
    hits = ctx.retriever.search(question, k=GATED_CANDIDATES if gate.active else CANDIDATES, filters=filters)
    tokens = topic_tokens(question)
    if not hits or not tokens:
        return Answer(question=question, intent=intent.kind, found=False, answer=NOT_FOUND)
    kept = gate.keep(hits)
    if not kept:
        return gate.refuse(intent.kind, list(dict.fromkeys(h.doc_id for h in hits)))
    hits = kept[:CANDIDATES]
    units = rank_units(ctx, question, hits, tokens)
    sig = signals(units)
    if not answerable(units):
        answer = NOT_FOUND
        missing = _missing_words(ctx, question, tokens, units)
        if missing:
            answer += f" Không đoạn văn bản nào nói đến: {', '.join(missing)}."
        return Answer(question=question, intent=intent.kind, found=False, answer=answer, signals=sig)
    citer = Citer(ctx.snapshot)
    lines = []
    chosen = select(units, 5)
    if cues.IDENTITY_CUE.search(fold(question)):  # "which document / which province …": name the documents
        for doc_id in list(dict.fromkeys(u.doc_id for u in chosen))[:3]:
            d = citer.doc(doc_id)
            n = citer.cite(doc_id, *header_span(ctx.snapshot, doc_id))
            lines.append(f"{doc_label(d)} [{n}]")
    for u in chosen:
        n = citer.cite(u.doc_id, u.start, u.end, u.section)
        lines.append(f"{quote(citer.text(u.doc_id, u.start, u.end))} [{n}]")
    return Answer(
        question=question,
        intent=intent.kind,
        found=True,
        answer="\n".join(lines),
        citations=citer.citations,
        signals=sig,
    )


def _missing_words(ctx: AnswerContext, question: str, tokens: list[str], units) -> list[str]:
    """The question's rarest words that none of the nearest passages contains (what the index lacks)."""
    seen: set[str] = set()
    for u in units[:8]:
        seen.update(unit_tokens(f"{u.section} {u.text}"))
    words = [t for t in tokens if "_" not in t and not t.startswith("#") and t not in seen]
    if not words:
        return []
    idf = ctx.snapshot.lexical.idf(words)
    words.sort(key=lambda t: -idf.get(t, 0.0))
    originals = {fold(w): w for w in re.findall(r"\w+", question)}
    return [originals.get(t, t) for t in words[:3]]
