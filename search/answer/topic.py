"""Topic answers: the passages of the best retrieved chunks that answer the question."""

from __future__ import annotations

import re
from collections.abc import Sequence, Set

from chidao.lang.text import DOCNUM_RE, fold, nfc
from chidao.records import Answer
from search import cues
from search.answer.citations import Citer, doc_label, header_span, quote
from search.answer.context import AnswerContext
from search.answer.gate import Gate
from search.answer.passages import key_terms, rank_units, select, term_signals, topic_tokens
from search.answer.refusal import answers, signals
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
    terms = key_terms(question, intent.agencies)
    read = [u.tokens for u in units]
    sig = signals(units) | term_signals(ctx, terms, read)
    if not units or not answers(sig):
        answer = NOT_FOUND
        missing = missing_words(ctx, question, terms, read)
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


def missing_words(ctx: AnswerContext, question: str, terms: list[str], read: Sequence[Set[str]]) -> list[str]:
    """What the question asks about that none of the passages read holds (their token sets ``read``), as the
    question writes it: its missing words, and runs of words side by side whose pairs are missing as a whole
    ("vé máy bay" where "vé", "máy" and "bay" each occur); runs with a missing word first, then those with a
    term the index never saw, then the heaviest (idf). At most three."""
    held = set().union(*read) if read else set()
    absent = {t for t in terms if t not in held}
    if not absent:
        return []
    lexical = ctx.snapshot.lexical
    idf, df = lexical.idf(sorted(absent)), lexical.df(sorted(absent))
    words = re.findall(r"\w+", nfc(DOCNUM_RE.sub(" 0 ", question)))
    keys = [fold(w).lower() for w in words]
    runs: list[tuple[int, int, list[str]]] = []  # (first, last, missing terms) of each run of positions
    for i, k in enumerate(keys):
        # a pair counts when both its words occur (else the missing word says it)
        edge = f"{keys[i - 1]}_{k}" if i else ""
        edge = edge if edge in absent and keys[i - 1] not in absent and k not in absent else ""
        missing = [t for t in (k, edge) if t in absent]
        if runs and runs[-1][1] == i - 1 and (edge or (keys[i - 1] in absent and k in absent)):
            runs[-1] = (runs[-1][0], i, runs[-1][2] + missing)
        elif missing:
            runs.append((i - 1 if edge else i, i, missing))
    # runs with a missing word first, then those with a term the index never saw, then the heaviest
    runs.sort(
        key=lambda r: (
            all("_" in t for t in r[2]),
            all(df.get(t, 0) for t in r[2]),
            -sum(idf.get(t, 0.0) for t in r[2]),
        )
    )
    return list(dict.fromkeys(" ".join(words[a : b + 1]) for a, b, _ in runs))[:3]
