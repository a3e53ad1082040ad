"""Extractive, cited answers: every claim is a passage of an indexed document, marked [n].

The question's intent (search/intent.py) picks the strategy, each a module of its own:
- assignment (assignment.py): the agency's extracted tasks, ranked by how well they match the rest
  of the question; "ai / cơ quan nào …" questions: the assignments inside the best passages;
- reference (reference.py): the document carrying the number (its header, and passages matching the
  question) or the sentences of the documents citing it;
- topic (topic.py): the passages of the best retrieved chunks that cover the question's key terms.
When no passage covers enough of the question, the answer says so (``found`` is false).
An optional LLM endpoint may rephrase a found answer, never adding citations (search/llm.py).
"""

from __future__ import annotations

import re

from chidao.lang.text import nfc
from chidao.records import Answer
from chidao.store.lexical import QUERY_STOPWORDS
from search.answer.assignment import answer_assignment
from search.answer.context import AnswerContext
from search.answer.passages import citable, coverage, split_units
from search.answer.reference import answer_reference
from search.answer.topic import answer_topic
from search.intent import classify

__all__ = ["AnswerContext", "answer_question", "citable", "coverage", "split_units"]


def answer_question(ctx: AnswerContext | None, question: str) -> Answer:
    """Answer from the index ``ctx`` describes (None: there is no index yet)."""
    question = nfc(question or "").strip()
    if not question or not [w for w in re.findall(r"\w+", question) if w.lower() not in QUERY_STOPWORDS]:
        return Answer(question=question, intent="topic", found=False, answer="Hãy nhập một câu hỏi.")
    if ctx is None or ctx.snapshot.meta.chunks == 0:
        return Answer(
            question=question,
            intent="topic",
            found=False,
            answer="Chỉ mục chưa có văn bản nào. Hãy nạp văn bản (chidao ingest hoặc trang Văn bản) rồi hỏi lại.",
        )
    intent = classify(question, ctx.snapshot, ctx.canon)
    if intent.kind == "reference":
        answer = answer_reference(ctx, question, intent)
    elif intent.kind == "assignment":
        answer = answer_assignment(ctx, question, intent)
    else:
        answer = answer_topic(ctx, question, intent)
    if answer.found and ctx.settings.llm_enabled:
        from search.llm import rephrase

        answer = rephrase(answer, ctx.settings)
    return answer
