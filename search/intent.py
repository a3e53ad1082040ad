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

from dataclasses import dataclass, field
from typing import Literal

from chidao.lang.agencies import AgencyCanon
from chidao.lang.text import fold
from chidao.store import Snapshot
from search import cues


@dataclass
class Intent:
    kind: Literal["assignment", "reference", "topic"]
    numbers: list[str] = field(default_factory=list)  # document numbers as typed
    cited_by: bool = False  # reference: asks who cites the number
    agencies: list[str] = field(default_factory=list)  # canonical agency names mentioned
    who: bool = False  # asks which agency


def classify(question: str, snap: Snapshot | None, canon: AgencyCanon) -> Intent:
    from chidao.lang.references import extract_references
    from search.tasks import find_agencies

    folded = fold(question)
    numbers = [r.number for r in extract_references(question)]
    if numbers:
        cited_by = any(c in folded for c in cues.CITED_BY_CUES) or bool(
            cues.WHICH_DOCS.search(folded) and cues.IMPLEMENT_CUES.search(folded)
        )
        return Intent("reference", numbers=numbers, cited_by=cited_by)
    agencies = find_agencies(snap, canon, question)
    task = bool(cues.TASK_CUES.search(folded))
    who = bool(cues.WHO.search(folded))
    if task and (agencies or who):
        return Intent("assignment", agencies=agencies, who=who)
    return Intent("topic", agencies=agencies)
