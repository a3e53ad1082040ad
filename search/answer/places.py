"""Places: the province or city a question names, and the documents local governments issued."""

from __future__ import annotations

import re

from chidao.lang.text import fold
from search.answer.context import AnswerContext

_LOCALITY = re.compile(r"(?:tinh|thanh pho|tp\.?)\s+(.+)$")
_PLACE_ALIASES = ((re.compile(r"\b(tp\.?\s*hcm|tphcm|hcm|sai gon)\b"), "ho chi minh"),)


def _fold_place(text: str) -> str:
    folded = fold(text)
    for pattern, repl in _PLACE_ALIASES:
        folded = pattern.sub(repl, folded)
    return " ".join(re.findall(r"\w+", folded))


def localities(ctx: AnswerContext) -> dict[str, str]:
    """doc_id → folded province/city of the documents a local government issued (central ones absent)."""
    out = {}
    for doc_id, issuer in ctx.snapshot.issuers().items():
        m = _LOCALITY.search(fold(issuer))
        if m and _fold_place(m.group(1)):
            out[doc_id] = _fold_place(m.group(1))
    return out


def local_documents(ctx: AnswerContext, question: str) -> set[str] | None:
    """Documents issued by the province or city the question names ("… ở Đắk Lắk", "TP.HCM"), if it names one."""
    q = f" {_fold_place(question)} "
    docs = {d for d, place in localities(ctx).items() if f" {place} " in q}
    return docs or None


def other_localities(ctx: AnswerContext, question: str) -> set[str]:
    """Documents of a province or city other than the one the question names (empty if it names none)."""
    q = f" {_fold_place(question)} "
    places = localities(ctx)
    if not any(f" {place} " in q for place in places.values()):
        return set()
    return {d for d, place in places.items() if f" {place} " not in q}
