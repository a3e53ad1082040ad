"""What a question asks: an agency's tasks, a document number, or a topic.

Rules over accent-folded text, so questions typed without accents are read the same way:
- a document number in the question makes it a *reference* question; cue words ("dẫn chiếu",
  "căn cứ", "văn bản nào … triển khai") ask for the documents citing it, otherwise for what the
  document itself says;
- an agency named together with task words ("được giao", "nhiệm vụ", "trách nhiệm", "chủ trì",
  "phải làm gì"), or a "who" question about a task ("ai chủ trì …", "cơ quan nào …"), makes it an
  *assignment* question;
- anything else is a *topic* question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from chidao.lang.text import fold

_CITED_BY_CUES = (
    "dan chieu",
    "can cu",
    "nhac den",
    "nhac toi",
    "nhac lai",
    "trich dan",
    "vien dan",
    "tiep theo",
    "tiep noi",
    "duoc ap dung",
)
_WHICH_DOCS = re.compile(
    r"\b(van ban nao|nhung van ban|cac van ban|ke hoach nao|nhung ke hoach|cong dien nao|quyet dinh nao|"
    r"chi thi nao|nghi quyet nao|thong bao nao|tai lieu nao|o dau)\b"
)
_IMPLEMENT_CUES = re.compile(r"\b(trien khai|thuc hien|cu the hoa|huong dan|quan triet|to chuc thuc hien)\b")
_TASK_CUES = re.compile(
    r"\b(giao|nhiem vu|trach nhiem|chu tri|phoi hop|lam gi|phai|can lam|duoc yeu cau|duoc de nghi|"
    r"phan cong|dam nhiem|phu trach|vai tro|co nhiem vu)\b"
)
_WHO = re.compile(r"(^|\b)(ai|co quan nao|don vi nao|bo nao|so nao|nganh nao|cap nao|luc luong nao)\b")


@dataclass
class Intent:
    kind: Literal["assignment", "reference", "topic"]
    numbers: list[str] = field(default_factory=list)  # document numbers as typed
    cited_by: bool = False  # reference: asks who cites the number
    agencies: list[str] = field(default_factory=list)  # canonical agency names mentioned
    who: bool = False  # asks which agency


def classify(question: str, searcher) -> Intent:
    from chidao.lang.references import extract_references
    from search.tasks import find_agencies

    folded = fold(question)
    numbers = [r.number for r in extract_references(question)]
    if numbers:
        cited_by = any(c in folded for c in _CITED_BY_CUES) or bool(
            _WHICH_DOCS.search(folded) and _IMPLEMENT_CUES.search(folded)
        )
        return Intent("reference", numbers=numbers, cited_by=cited_by)
    agencies = find_agencies(searcher.snapshot, searcher.canon, question)
    task = bool(_TASK_CUES.search(folded))
    who = bool(_WHO.search(folded))
    if task and (agencies or who):
        return Intent("assignment", agencies=agencies, who=who)
    return Intent("topic", agencies=agencies)
