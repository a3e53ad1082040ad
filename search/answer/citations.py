"""Citations: each claim an exact slice of a document, numbered [n], with its section and page."""

from __future__ import annotations

import bisect
import re

from chidao.records import Citation
from chidao.store import Snapshot
from search.answer.passages import split_units


class Citer:
    """Numbers citations and fills their metadata from the index."""

    def __init__(self, snap: Snapshot) -> None:
        self.snap = snap
        self.citations: list[Citation] = []
        self._docs: dict[str, dict] = {}

    def doc(self, doc_id: str) -> dict:
        if doc_id not in self._docs:
            self._docs[doc_id] = self.snap.document(doc_id).as_dict()
        return self._docs[doc_id]

    def text(self, doc_id: str, start: int = 0, end: int | None = None) -> str:
        return self.doc(doc_id)["text"][start:end]

    def cite(self, doc_id: str, start: int, end: int, section: str | None = None) -> int:
        for c in self.citations:
            if c.doc_id == doc_id and c.start <= start and end <= c.end:
                return c.n
        d = self.doc(doc_id)
        if section is None:
            section = self.snap.section_at(doc_id, start)
        page = None
        if d["page_starts"]:
            page = max(1, bisect.bisect_right(d["page_starts"], start))
        n = len(self.citations) + 1
        self.citations.append(
            Citation(
                n=n,
                source=d["source"],
                number=d["number"],
                type=d["type"],
                date=d["date"],
                issuer=d["issuer"],
                section=section,
                page=page,
                text=d["text"][start:end],
                doc_id=doc_id,
                start=start,
                end=end,
            )
        )
        return n


def quote(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().rstrip(";,")


def doc_label(d: dict) -> str:
    parts = [d.get("type") or "Văn bản"]
    if d.get("number"):
        parts.append(f"số {d['number']}")
    if d.get("date"):
        y, m, dd = d["date"].split("-")
        parts.append(f"ngày {dd}/{m}/{y}")  # dd/mm/yyyy, as everywhere in the UI
    return " ".join(parts)


def signer_span(text: str, signer: str | None) -> tuple[int, int] | None:
    """The signature block: the signer's title line(s) and name, at the end of the document."""
    if not signer:
        return None
    at = text.rfind(signer)
    if at < 0:
        return None
    end = at + len(signer)
    start = text.rfind("\n", 0, at)
    for _ in range(2):  # the title lines above the name ("KT. THỦ TƯỚNG", "PHÓ THỦ TƯỚNG")
        prev = text.rfind("\n", 0, max(0, start))
        line = text[prev + 1 : start].strip()
        if not line or len(line) > 60 or line != line.upper():
            break
        start = prev
    return start + 1, end


def sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The line (or sentence of a long line) holding text[start:end]."""
    s = text.rfind("\n", 0, start) + 1
    e = text.find("\n", end)
    e = len(text) if e < 0 else e
    for us, ue in split_units(text, s, e):
        if us <= start < ue or (us < end <= ue):
            return us, max(ue, min(end, e))
    return start, end


def header_span(snap: Snapshot, doc_id: str) -> tuple[int, int]:
    """What names a document in its header: from the line with its number to the end of its title
    (trích yếu), inside its first chunk; not the letterhead and motto above the number, which a
    citation would otherwise highlight. The whole first chunk when neither is found there."""
    start, end = snap.first_chunk_span(doc_id)
    doc = snap.document(doc_id)
    if doc is None or end <= start:
        return start, end
    text = doc.text
    head = text[start:end]
    first, last = start, end
    if doc.number and (at := head.find(doc.number)) >= 0:
        first = start + head.rfind("\n", 0, at) + 1
    title = " ".join((doc.title or "").split())
    if title:
        words = title.split()
        # the title's last words, found after the number (printed titles may wrap over lines)
        tail = re.compile(r"\s+".join(re.escape(w) for w in words[-4:]))
        m = tail.search(text, first, end)
        if m:
            last = m.end()
    return first, last
