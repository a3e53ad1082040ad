"""Reference answers: the document carrying a number (its header, signer and matching passages),
or the sentences of the documents citing it."""

from __future__ import annotations

import re

from chidao.lang.text import fold
from chidao.records import Answer, Filters
from search import cues
from search.answer.citations import Citer, doc_label, header_span, quote, sentence_around, signer_span
from search.answer.context import AnswerContext
from search.answer.gate import Gate
from search.answer.passages import rank_units, select, topic_tokens
from search.intent import Intent
from search.refs import lookup

MAX_CITATIONS = 6


def _typed_dates(question: str) -> dict[str, tuple[int | None, str | None]]:
    """The year and date the question gives each number it names ("02/NQ-CP ngày 01/01/2021",
    "15/CT-UBND năm 2016")."""
    from chidao.lang.references import extract_references

    return {r.number: (r.year, r.date) for r in extract_references(question)}


def _number_refusal(
    ctx: AnswerContext, question: str, number: str, year: int, others: list[dict], date: str | None = None
) -> Answer:
    """Refuse a number asked for one year (or date) when the index holds it only for others, naming those."""
    kind = others[0].get("type") or "văn bản"
    found = "; ".join(f"{doc_label(d)} của {d.get('issuer') or '?'}" for d in others[:3])
    when = f"năm {year}"
    if date:
        y, m, d = date.split("-")
        when = f"ngày {int(d)}/{int(m)}/{y}"
    return Answer(
        question=question,
        intent="reference",
        found=False,
        answer=f"Chỉ mục không có {kind} {number} {when}; có {found}.",
    )


def answer_reference(ctx: AnswerContext, question: str, intent: Intent) -> Answer:
    from search.tasks import find_agencies

    citer = Citer(ctx.snapshot)
    lines: list[str] = []
    typed = _typed_dates(question)
    gate = Gate(ctx, question, [] if intent.cited_by else find_agencies(ctx.snapshot, ctx.canon, question))
    refused: list[str] = []
    for number in intent.numbers:
        year, date = typed.get(number, (None, None))
        result = lookup(ctx.snapshot, f"{number} năm {year}" if year else number)
        if not intent.cited_by and year and not result["documents"]:
            others = lookup(ctx.snapshot, number)["documents"]
            if others and not result["cited_by"]:
                return _number_refusal(ctx, question, number, year, others, date)
        if not intent.cited_by and result["documents"]:
            kept = gate.keep(result["documents"], key=lambda d: d["doc_id"])
            if not kept:
                refused.extend(d["doc_id"] for d in result["documents"])
                continue
            result["documents"] = kept
        if intent.cited_by and gate.active:  # "Chỉ thị nào của tỉnh …": prefer the citing documents that fit
            kept = gate.keep(result["cited_by"], key=lambda c: c["doc_id"])
            result["cited_by"] = kept or result["cited_by"]
        if intent.cited_by:
            if result["cited_by"]:
                lines.append(
                    f"{result['number']} được nhắc đến trong {len({c['doc_id'] for c in result['cited_by']})} văn bản:"
                )
            seen: set[str] = set()
            for c in result["cited_by"]:
                if c["doc_id"] in seen:
                    continue
                seen.add(c["doc_id"])
                s, e = c["start"], c["end"]
                # cite the citing sentence
                s, e = sentence_around(citer.text(c["doc_id"]), s, e)
                n = citer.cite(c["doc_id"], s, e)
                lines.append(f"- {doc_label(citer.doc(c['doc_id']))}: {quote(citer.text(c['doc_id'], s, e))} [{n}]")
            continue
        # The same number in several years: the first few are read for the answer, the rest only named.
        for i, d in enumerate(result["documents"][:MAX_NAMED_DOCUMENTS]):
            lines.extend(_document_lines(ctx, citer, question, d, passages=i < MAX_READ_DOCUMENTS))
        if not result["documents"] and result["cited_by"] and gate.active:
            kept = gate.keep(result["cited_by"], key=lambda c: c["doc_id"])
            if not kept:  # only documents that fail the question's other constraints mention the number
                refused.extend(c["doc_id"] for c in result["cited_by"])
                continue
            result["cited_by"] = kept
        if not result["documents"] and result["cited_by"]:
            lines.append(f"Văn bản {result['number']} chưa có trong chỉ mục; các văn bản sau có nhắc đến:")
            for c in result["cited_by"][:MAX_CITATIONS]:
                s, e = sentence_around(citer.text(c["doc_id"]), c["start"], c["end"])
                n = citer.cite(c["doc_id"], s, e)
                lines.append(f"- {doc_label(citer.doc(c['doc_id']))}: {quote(citer.text(c['doc_id'], s, e))} [{n}]")
    if not citer.citations and refused:
        return gate.refuse("reference", refused, subject="văn bản")
    if not citer.citations:
        return Answer(
            question=question,
            intent="reference",
            found=False,
            answer=f"Không có văn bản nào trong chỉ mục mang hoặc nhắc đến số hiệu {', '.join(intent.numbers)}.",
        )
    return Answer(question=question, intent="reference", found=True, answer="\n".join(lines), citations=citer.citations)


MAX_READ_DOCUMENTS = 2
MAX_NAMED_DOCUMENTS = 5
READ_PASSAGES = 8  # passages of a named document re-scored by the encoder: one turn of the web server's encoder


def _document_lines(ctx: AnswerContext, citer: Citer, question: str, d: dict, passages: bool = True) -> list[str]:
    """A document named by its number: its header (number, date, title), its signature when the
    question asks who signed, and its passages that answer the rest of the question."""
    n = citer.cite(d["doc_id"], *header_span(ctx.snapshot, d["doc_id"]))
    title = f" {d['title']}" if d.get("title") else ""
    issuer = f" của {d['issuer']}" if d.get("issuer") else ""
    lines = [f"{doc_label(d)}{issuer}:{title} [{n}]"]
    if not passages:
        return lines
    doc = citer.doc(d["doc_id"])
    if cues.SIGNER_CUE.search(fold(question)):
        span = signer_span(doc["text"], ctx.snapshot.document(d["doc_id"], with_text=False).signer)
        if span:
            m = citer.cite(d["doc_id"], *span)
            lines.append(f"Người ký: {quote(doc['text'][span[0] : span[1]])} [{m}]")
    drop = set(cues.FRAME_WORDS) | {
        fold(w) for w in re.findall(r"\w+", f"{d.get('number') or ''} {d.get('type') or ''}")
    }
    tokens = topic_tokens(question, drop)
    if len(tokens) >= 2:
        hits = ctx.retriever.search(question, k=6, filters=Filters(doc_id=d["doc_id"]))
        units = rank_units(ctx, question, hits, tokens, limit=READ_PASSAGES)
        for u in select(units, 4):
            m = citer.cite(u.doc_id, u.start, u.end, u.section)
            lines.append(f"{quote(citer.text(u.doc_id, u.start, u.end))} [{m}]")
    return lines
