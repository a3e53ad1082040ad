"""The question's constraints applied to candidate documents, and the refusal that names what is missing.

Every strategy passes its candidates through a ``Gate``: documents failing a constraint of the question
(year, date, month, period, province, document type, see search/constraints.py; and the agencies the
question names, which an answering document names too) are dropped; when nothing is left, the answer is
a refusal saying which constraint nothing satisfies and which document comes nearest.
"""

from __future__ import annotations

import functools
import re

from chidao.lang.text import fold
from chidao.records import Answer
from search.answer.citations import doc_label
from search.answer.context import AnswerContext
from search.constraints import Constraints, describe, parse, unmet

# Agency names the province constraint already covers, or too generic to require in the text.
_SKIP_AGENCY = re.compile(r"^(uy ban nhan dan|hoi dong nhan dan|chu tich|chinh phu|thu tuong)\b")


@functools.lru_cache(maxsize=256)
def _words(text: str) -> str:
    """Folded words between spaces; remembered (candidate documents recur from question to question)."""
    return " " + " ".join(re.findall(r"\w+", fold(text.replace("&", " ")))) + " "


def _spellings(name: str) -> set[str]:
    """An agency name as documents print it: spelled out, and with its field abbreviated ("Bộ GD&ĐT")."""
    from chidao.lang.lexicon import GROUPS

    base = _words(name)
    out = {base}
    for group in GROUPS:
        forms = [_words(f) for f in group]
        for long in forms:
            if long in base and len(long) > 6:
                out.update(base.replace(long, short) for short in forms if short != long)
    for abbr, full in ((" ubnd ", " uy ban nhan dan "), (" hdnd ", " hoi dong nhan dan ")):
        out.update(v.replace(full, abbr) for v in list(out))
    return out


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
                if not any(v in hay for a in self.agencies for v in _spellings(a)):
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
        """A refusal naming what the nearest candidate (of the first few, the one failing fewest constraints)
        lacks, and that candidate."""
        pool = [d for d in nearest[:5] if self.ctx.snapshot.document(d, with_text=False) is not None]
        pool.sort(key=lambda d: len(self.unmet(d)))  # stable: rank decides among equals
        failed = self.unmet(pool[0]) if pool else []
        what = subject or self.c.doc_type or "văn bản"
        names = ", ".join(self.describe(n) for n in failed) or "các điều kiện của câu hỏi"
        text = f"Chỉ mục không có {what} nào đúng {names} như câu hỏi nêu."
        if pool:
            d = self.ctx.snapshot.document(pool[0], with_text=False)
            label = doc_label(d.as_dict())
            if d.issuer:
                label += f" của {d.issuer}"
            if d.title:
                label += f" ({d.title[:120]})"
            text += f" Gần nhất có: {label}."
        return Answer(question=self.question, intent=intent, found=False, answer=text)
