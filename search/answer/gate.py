"""The question's constraints applied to candidate documents, and the refusal that names what is missing.

Every strategy passes its candidates through a ``Gate``: documents failing a constraint of the question
(year, date, month, period, province, document type, see search/constraints.py; and the agencies the
question names, which an answering document names too) are dropped; when nothing is left, the answer is
a refusal saying which constraint nothing satisfies and which document comes nearest.
"""

from __future__ import annotations

import re

from chidao.lang.text import fold
from chidao.records import Answer
from search.answer.citations import doc_label
from search.answer.context import AnswerContext
from search.constraints import Constraints, describe, parse, unmet

# Agency names the province constraint already covers, or too generic to require in the text.
_SKIP_AGENCY = re.compile(r"^(uy ban nhan dan|hoi dong nhan dan|chu tich|chinh phu|thu tuong)\b")


def _words(text: str) -> str:
    return " " + " ".join(re.findall(r"\w+", fold(text))) + " "


class Gate:
    def __init__(self, ctx: AnswerContext, question: str, agencies: list[str] | None = None) -> None:
        self.ctx = ctx
        self.question = question
        self.c: Constraints = parse(question)
        self.agencies = [a for a in (agencies or []) if not _SKIP_AGENCY.match(fold(a))]
        self._unmet: dict[str, list[str]] = {}

    @property
    def active(self) -> bool:
        return bool(self.c) or bool(self.agencies)

    def unmet(self, doc_id: str) -> list[str]:
        if not self.active:
            return []
        if doc_id not in self._unmet:
            doc = self.ctx.snapshot.document(doc_id)
            text = (doc.text if doc else "") or ""
            failed = unmet(self.c, doc, text) if doc is not None else ["document"]
            if self.agencies and doc is not None:
                hay = _words(text)
                if not any(_words(a) in hay for a in self.agencies):
                    failed.append("agency")
            self._unmet[doc_id] = failed
        return self._unmet[doc_id]

    def ok(self, doc_id: str) -> bool:
        return not self.unmet(doc_id)

    def keep(self, items: list, key=lambda h: h.doc_id) -> list:
        """The items whose document meets every constraint."""
        return [x for x in items if self.ok(key(x))] if self.active else items

    def describe(self, name: str) -> str:
        if name == "agency":
            return "cơ quan " + " hoặc ".join(self.agencies)
        return describe(self.c, name)

    def refuse(self, intent: str, nearest: list[str], subject: str | None = None) -> Answer:
        """A refusal naming the unmet constraints of the nearest candidate documents (best first)."""
        failed: list[str] = []
        for doc_id in nearest[:3]:
            failed.extend(n for n in self.unmet(doc_id) if n not in failed)
        what = subject or self.c.doc_type or "văn bản"
        names = ", ".join(self.describe(n) for n in failed) or "các điều kiện của câu hỏi"
        text = f"Chỉ mục không có {what.lower() if what == 'văn bản' else what} nào đúng {names} như câu hỏi nêu."
        if nearest:
            labels = []
            for doc_id in nearest[:2]:
                d = self.ctx.snapshot.document(doc_id, with_text=False)
                if d is None:
                    continue
                label = doc_label(d.as_dict())
                if d.issuer:
                    label += f" của {d.issuer}"
                if d.title:
                    label += f" ({d.title[:120]})"
                labels.append(label)
            if labels:
                text += " Gần nhất có: " + "; ".join(labels) + "."
        return Answer(question=self.question, intent=intent, found=False, answer=text)
