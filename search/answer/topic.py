"""Topic answers: the passages of the best retrieved chunks that answer the question."""

from __future__ import annotations

from chidao.lang.text import fold
from chidao.records import Answer
from search import cues
from search.answer.citations import Citer, doc_label, header_span, quote
from search.answer.context import AnswerContext
from search.answer.passages import answerable, rank_units, select, topic_tokens
from search.intent import Intent

NOT_FOUND = (
    "Không tìm thấy văn bản nào trong chỉ mục trả lời câu hỏi này. "
    "Hãy thử diễn đạt khác, kiểm tra số hiệu văn bản, hoặc nạp thêm văn bản liên quan."
)


def answer_topic(ctx: AnswerContext, question: str, intent: Intent, filters=None) -> Answer:
    hits = ctx.retriever.search(question, k=8, filters=filters)
    tokens = topic_tokens(question)
    if not hits or not tokens:
        return Answer(question=question, intent=intent.kind, found=False, answer=NOT_FOUND)
    units = rank_units(ctx, question, hits, tokens)
    if not answerable(units):
        return Answer(question=question, intent=intent.kind, found=False, answer=NOT_FOUND)
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
    )
