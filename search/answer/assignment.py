"""Assignment answers: an agency's extracted tasks ranked against the rest of the question, or, for
"ai / cơ quan nào …" questions, the assignments inside the best passages."""

from __future__ import annotations

import bisect
import re
from types import SimpleNamespace

import numpy as np

from chidao.lang.agencies import is_generic
from chidao.lang.text import fold
from chidao.records import Answer, assignment_passage
from search import cues
from search.answer.citations import Citer, doc_label, quote
from search.answer.context import AnswerContext
from search.answer.gate import Gate
from search.answer.passages import RERANK_MARGIN, coverage, key_terms, term_signals, topic_tokens, unit_tokens
from search.answer.refusal import answers, signals
from search.answer.topic import answer_topic
from search.intent import Intent
from search.tasks import agency_names

MAX_ASSIGNMENT_CANDIDATES = 40
ASSIGNMENT_MARGIN = 0.05  # an agency's tasks are many and alike: cite more of them
MAX_ASSIGNMENT_CITATIONS = 10
MAX_ASSIGNMENT_PREFILTER = 300


def _prefilter_assignments(snap, rows: list, tokens: list[str]) -> list:
    """For an agency with very many tasks: those whose passage scores best for the question's terms (BM25)."""
    scores = snap.lexical.scores(tokens)
    chunks = snap.chunk_starts()
    positions = snap.lexical.rows(np.asarray([c[0] for c in chunks], dtype=np.int64))
    chunk_of = {
        (doc_id, start): float(scores[p]) if p >= 0 else 0.0
        for (_, doc_id, start), p in zip(chunks, positions, strict=True)
    }
    starts: dict[str, list[int]] = {}
    for doc_id, start in chunk_of:
        starts.setdefault(doc_id, []).append(start)
    for lst in starts.values():
        lst.sort()

    def passage_score(r) -> float:
        lst = starts.get(r["doc_id"], [])
        i = bisect.bisect_right(lst, r["start"]) - 1
        return chunk_of[(r["doc_id"], lst[i])] if i >= 0 else 0.0

    return sorted(rows, key=passage_score, reverse=True)[:MAX_ASSIGNMENT_PREFILTER]


def _context_tokens(r) -> frozenset[str]:
    """The lexical tokens of a task read with its section and its document's issuer and title."""
    return unit_tokens(" ".join(str(r[k] or "") for k in ("section", "task", "agency_text", "issuer", "title")))


def _rerank_assignments(
    ctx: AnswerContext, question: str, rows: list, tokens: list[str]
) -> list[tuple[float, float, dict]]:
    """(score, coverage, row) for assignments, best first: key-term coverage of the task, its section and
    its document's issuer and title, then the encoder's cosine between the question and the task."""
    snap = ctx.snapshot
    weights = snap.lexical.idf(tokens)
    if len(rows) > MAX_ASSIGNMENT_PREFILTER:
        rows = _prefilter_assignments(snap, rows, tokens)
    scored = [(coverage(tokens, weights, _context_tokens(r)), dict(r)) for r in rows]
    scored.sort(key=lambda x: -x[0])
    scored = scored[:MAX_ASSIGNMENT_CANDIDATES]
    if not scored:
        return []
    qvec = ctx.retriever.query_vector(ctx.retriever.dense_text(question))
    passages = [assignment_passage(r["section"], r["agency"], r["task"]) for _, r in scored]
    cosines = ctx.encoder.encode_passages(passages) @ qvec
    out = [(float(c) + 0.05 * cov, cov, r | {"cosine": float(c)}) for (cov, r), c in zip(scored, cosines, strict=True)]
    out.sort(key=lambda x: -x[0])
    return out


def _task_signals(ctx: AnswerContext, ranked: list[tuple[float, float, dict]], terms: list[str]) -> dict[str, float]:
    """The refusal model's signals of ranked tasks (search/answer/refusal.py), the question's key ``terms``
    looked for in the tasks read."""
    sig = signals([SimpleNamespace(cosine=r["cosine"], cov=cov) for _, cov, r in ranked], tasks=True)
    terms = [t for t in terms if not t.startswith("#")]
    return sig | term_signals(ctx, terms, [_context_tokens(r) for *_, r in ranked])


def _assignment_lines(citer: Citer, rows: list[dict], with_doc: bool = True) -> list[str]:
    lines = []
    for r in rows:
        n = citer.cite(r["doc_id"], r["start"], r["end"], r["section"])
        role = {"chủ trì": "chủ trì", "phối hợp": "phối hợp"}.get(r["role"], "được giao")
        where = f", {doc_label(citer.doc(r['doc_id']))}" if with_doc else ""
        shared = f"; giao chung với {', '.join(r['co_assignees'])}" if r.get("co_assignees") else ""
        lines.append(f"- {r['agency']} ({role}{where}{shared}): {quote(r['task'])} [{n}]")
    return lines


def _by_date_then_position(rows: list) -> list[dict]:
    """An agency's assignments newest document first, then in reading order (as the answer lists them)."""
    rows = sorted(rows, key=lambda r: r.start)
    rows.sort(key=lambda r: r.date or "", reverse=True)
    return [r.as_dict() for r in rows]


def answer_assignment(ctx: AnswerContext, question: str, intent: Intent) -> Answer:
    if intent.who:
        return _answer_who(ctx, question, intent)
    snap = ctx.snapshot
    names: list[str] = []
    for a in intent.agencies:
        names.extend(n for n in agency_names(snap, ctx.canon, a) if n not in names)
    rows = _by_date_then_position(snap.assignments(names)) if names else []
    gate = Gate(ctx, question)  # the agency is the rows' own: the gate checks the other constraints
    rows = gate.keep(rows, key=lambda r: r["doc_id"])
    if not rows:
        return answer_topic(ctx, question, intent)
    drop = set(cues.FRAME_WORDS)
    for n in names + intent.agencies:
        drop.update(fold(w) for w in re.findall(r"\w+", n))
    tokens = topic_tokens(question, drop)
    citer = Citer(ctx.snapshot)
    if tokens:
        ranked = _rerank_assignments(ctx, question, rows, tokens)
        # The agency's tasks must answer the rest of the question (its topic words); if none does, the
        # passages may still (answer_topic, which refuses when nothing answers).
        sig = _task_signals(ctx, ranked, tokens)
        if not ranked or not answers(sig):
            return answer_topic(ctx, question, intent)
        best = ranked[0][0]
        chosen = [r for score, _, r in ranked if score >= best - ASSIGNMENT_MARGIN][:MAX_ASSIGNMENT_CITATIONS]
    else:
        chosen, sig = [dict(r) for r in rows[:8]], {}
    shown = [n for n in names if not is_generic(n)] or names
    head = f"Các nhiệm vụ giao {', '.join(shown[:3])} tìm thấy trong các văn bản:"
    if len(chosen) < len(rows):
        head = f"{len(chosen)} của {len(rows)} nhiệm vụ giao {', '.join(shown[:3])} sát với câu hỏi nhất:"
    return Answer(
        question=question,
        intent="assignment",
        found=True,
        answer=head + "\n" + "\n".join(_assignment_lines(citer, chosen)),
        citations=citer.citations,
        agency=names[0] if len(names) == 1 else None,
        tasks_total=len(rows),
        signals=sig,
    )


def _answer_who(ctx: AnswerContext, question: str, intent: Intent) -> Answer:
    """'Ai chủ trì …?', 'Cơ quan nào …?': the assignments inside the best passages for the question."""
    snap = ctx.snapshot
    gate = Gate(ctx, question)
    hits = ctx.retriever.search(question, k=40 if gate.active else 8)
    hits = gate.keep(hits)[:8]
    rows: dict[int, dict] = {}
    for h in hits:
        for r in snap.assignments_within(h.doc_id, h.start, h.end):
            rows.setdefault(r.id, r.as_dict())
    tokens = topic_tokens(question, set(cues.FRAME_WORDS))
    ranked = _rerank_assignments(ctx, question, list(rows.values()), tokens) if rows else []
    sig = _task_signals(ctx, ranked, key_terms(question, intent.agencies))
    if not ranked or not answers(sig):
        return answer_topic(ctx, question, intent)
    best = ranked[0][0]
    chosen = [r for score, _, r in ranked if score >= best - RERANK_MARGIN][:4]
    citer = Citer(ctx.snapshot)
    return Answer(
        question=question,
        intent="assignment",
        found=True,
        answer="\n".join(_assignment_lines(citer, chosen)),
        citations=citer.citations,
        signals=sig,
    )
