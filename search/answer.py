"""Extractive, cited answers: every claim is a passage of an indexed document, marked [n].

The question's intent (search/intent.py) picks the source of the answer:
- assignment: the agency's extracted tasks, ranked by how well they match the rest of the question;
- reference: the document carrying the number (its header, and passages matching the question) or
  the sentences of the documents citing it;
- topic: the passages of the best retrieved chunks that cover the question's key terms.
When no passage covers enough of the question, the answer says so (``found`` is false).
An optional LLM endpoint may rephrase a found answer, never adding citations (search/llm.py).
"""

from __future__ import annotations

import bisect
import json
import logging
import re
from dataclasses import dataclass

import numpy as np

from chidao.records import Answer, Citation
from chidao.text import fold, nfc
from search.intent import Intent, classify
from search.lexical import QUERY_STOPWORDS, query_tokens

logger = logging.getLogger(__name__)

MAX_CITATIONS = 6
MAX_UNIT = 450  # characters: longer paragraphs are cited sentence by sentence
NOT_FOUND = (
    "Không tìm thấy văn bản nào trong chỉ mục trả lời câu hỏi này. "
    "Hãy thử diễn đạt khác, kiểm tra số hiệu văn bản, hoặc nạp thêm văn bản liên quan."
)
# Words that frame a question about tasks rather than name its topic.
_FRAME_WORDS = frozenset(
    fold(w)
    for w in (
        "được giao nhiệm vụ trách nhiệm có phải làm cần thực hiện những các gì nào trong việc về liên quan "
        "đến chủ trì phối hợp yêu cầu đề nghị ai cơ quan đơn vị"
    ).split()
)
_SENTENCE_END = re.compile(r"(?<=[.;!?])\s+(?=[A-ZĐÀ-Ỹ0-9\-+•])")


@dataclass
class Unit:
    doc_id: str
    start: int
    end: int
    score: float = 0.0
    cov: float = 0.0  # share of the question's key-term weight found in the passage


# ---------------------------------------------------------------- passages


def split_units(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Citable passages inside text[start:end]: lines, and sentences of long lines."""
    units: list[tuple[int, int]] = []
    pos = start
    for line in text[start:end].split("\n"):
        s, e = pos, pos + len(line)
        pos = e + 1
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e - s < 3:
            continue
        if e - s <= MAX_UNIT:
            units.append((s, e))
            continue
        piece_start = s
        for m in _SENTENCE_END.finditer(text, s, e):
            if m.start() - piece_start >= 80:
                units.append((piece_start, m.start()))
                piece_start = m.end()
        units.append((piece_start, e))
    return units


def _unit_tokens(text: str) -> set[str]:
    return {t for t in query_tokens(text) if not t.startswith("=")}


def _topic_tokens(question: str, drop: set[str] | None = None) -> list[str]:
    tokens = [t for t in query_tokens(question) if not t.startswith("=")]
    if drop:
        tokens = [t for t in tokens if not (set(t.split("_")) <= drop)]
    return list(dict.fromkeys(tokens))


def coverage(tokens: list[str], weights: dict[str, float], text_tokens: set[str]) -> float:
    total = sum(weights.get(t, 0.0) for t in tokens)
    if total <= 0:
        return 0.0
    return sum(weights.get(t, 0.0) for t in tokens if t in text_tokens) / total


# ---------------------------------------------------------------- citations


class _Citer:
    """Numbers citations and fills their metadata from the index."""

    def __init__(self, searcher) -> None:
        self.searcher = searcher
        self.snap = searcher.snapshot
        self.citations: list[Citation] = []
        self._docs: dict[str, dict] = {}

    def doc(self, doc_id: str) -> dict:
        if doc_id not in self._docs:
            row = self.snap.rows(
                "SELECT doc_id, source, number, type, date, issuer, text, page_starts FROM documents WHERE doc_id=?",
                (doc_id,),
            )[0]
            d = dict(row)
            d["page_starts"] = json.loads(d["page_starts"]) if d["page_starts"] else None
            self._docs[doc_id] = d
        return self._docs[doc_id]

    def text(self, doc_id: str, start: int = 0, end: int | None = None) -> str:
        return self.doc(doc_id)["text"][start:end]

    def cite(self, doc_id: str, start: int, end: int, section: str | None = None) -> int:
        for c in self.citations:
            if c.doc_id == doc_id and c.start <= start and end <= c.end:
                return c.n
        d = self.doc(doc_id)
        if section is None:
            rows = self.snap.rows(
                'SELECT section FROM chunks WHERE doc_id=? AND start<=? AND "end">? ORDER BY ordinal LIMIT 1',
                (doc_id, start, start),
            )
            section = rows[0]["section"] if rows else ""
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


def _quote(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().rstrip(";,")


def _doc_label(d: dict) -> str:
    parts = [d.get("type") or "Văn bản"]
    if d.get("number"):
        parts.append(f"số {d['number']}")
    if d.get("date"):
        y, m, dd = d["date"].split("-")
        parts.append(f"ngày {int(dd)}/{int(m)}/{y}")
    return " ".join(parts)


# ---------------------------------------------------------------- topic


def _rank_units(searcher, question: str, hits, tokens: list[str]) -> list[Unit]:
    """Score the passages of the retrieved chunks by key-term coverage and chunk rank."""
    snap = searcher.snapshot
    weights = snap.lexical.idf(tokens)
    if not hits:
        return []
    top = max(h.score for h in hits) or 1.0
    units: list[Unit] = []
    texts: dict[str, str] = {}
    for h in hits:
        if h.doc_id not in texts:
            texts[h.doc_id] = snap.rows("SELECT text FROM documents WHERE doc_id=?", (h.doc_id,))[0][0]
        text = texts[h.doc_id]
        for s, e in split_units(text, h.start, h.end):
            cov = coverage(tokens, weights, _unit_tokens(h.section + " " + text[s:e]))
            units.append(Unit(h.doc_id, s, e, 0.6 * cov + 0.4 * (h.score / top), cov))
    units.sort(key=lambda u: -u.score)
    return units


def _select(units: list[Unit], limit: int, ratio: float = 0.8) -> list[Unit]:
    if not units:
        return []
    best = units[0].score
    chosen: list[Unit] = []
    per_doc: dict[str, int] = {}
    for u in units:
        if u.score < ratio * best or len(chosen) >= limit:
            break
        if per_doc.get(u.doc_id, 0) >= 3:
            continue
        if any(c.doc_id == u.doc_id and c.start < u.end and u.start < c.end for c in chosen):
            continue
        chosen.append(u)
        per_doc[u.doc_id] = per_doc.get(u.doc_id, 0) + 1
    return chosen


def _answer_topic(searcher, question: str, intent: Intent, filters=None) -> Answer:
    hits = searcher.search(question, k=8, filters=filters)
    tokens = _topic_tokens(question)
    if not hits or not tokens:
        return Answer(question=question, intent=intent.kind, found=False, answer=NOT_FOUND)
    units = _rank_units(searcher, question, hits, tokens)
    best_cov = max((u.cov for u in units), default=0.0)
    if best_cov < 0.35:
        return Answer(question=question, intent=intent.kind, found=False, answer=NOT_FOUND)
    citer = _Citer(searcher)
    lines = []
    for u in sorted(_select(units, 4), key=lambda u: -u.score):
        n = citer.cite(u.doc_id, u.start, u.end)
        lines.append(f"{_quote(citer.text(u.doc_id, u.start, u.end))} [{n}]")
    return Answer(
        question=question,
        intent=intent.kind,
        found=True,
        answer="\n".join(lines),
        citations=citer.citations,
    )


# ---------------------------------------------------------------- assignments


def _answer_assignment(searcher, question: str, intent: Intent) -> Answer:
    from search.tasks import agency_names

    snap = searcher.snapshot
    names: list[str] = []
    for a in intent.agencies:
        names.extend(n for n in agency_names(searcher, a) if n not in names)
    if not names:
        return _answer_who(searcher, question, intent) if intent.who else _answer_topic(searcher, question, intent)
    rows = snap.rows(
        f"SELECT a.*, d.date FROM assignments a JOIN documents d ON d.doc_id=a.doc_id"
        f" WHERE a.agency IN ({','.join('?' * len(names))}) ORDER BY COALESCE(d.date,'') DESC, a.start",
        names,
    )
    if not rows:
        return _answer_topic(searcher, question, intent)
    drop = set(_FRAME_WORDS)
    for n in names + intent.agencies:
        drop.update(fold(w) for w in re.findall(r"\w+", n))
    tokens = _topic_tokens(question, drop)
    citer = _Citer(searcher)
    if tokens:
        weights = snap.lexical.idf(tokens)
        qvec = searcher.encoder.encode_queries([question])[0]
        scored = []
        for r in rows:
            cov = coverage(tokens, weights, _unit_tokens(r["section"] + " " + r["task"]))
            chunk = snap.rows(
                'SELECT id FROM chunks WHERE doc_id=? AND start<=? AND "end">? ORDER BY ordinal LIMIT 1',
                (r["doc_id"], r["start"], r["start"]),
            )
            dense = float(snap.dense.vectors(np.asarray([chunk[0]["id"]]))[0] @ qvec) if chunk else 0.0
            scored.append((0.6 * cov + 0.4 * dense, cov, r))
        scored.sort(key=lambda x: -x[0])
        if not scored or scored[0][1] < 0.3:
            return _answer_topic(searcher, question, intent)
        best = scored[0][0]
        chosen = [r for s, cov, r in scored if s >= 0.85 * best and cov > 0][:MAX_CITATIONS]
    else:
        chosen = list(rows[:8])
    lines = []
    for r in chosen:
        n = citer.cite(r["doc_id"], r["start"], r["end"], r["section"])
        doc = citer.doc(r["doc_id"])
        role = {"chủ trì": "chủ trì", "phối hợp": "phối hợp"}.get(r["role"], "được giao")
        lines.append(f"- {r['agency']} ({role}, {_doc_label(doc)}): {_quote(r['task'])} [{n}]")
    head = f"Các nhiệm vụ giao {', '.join(names[:3])} tìm thấy trong các văn bản:"
    return Answer(
        question=question,
        intent="assignment",
        found=True,
        answer=head + "\n" + "\n".join(lines),
        citations=citer.citations,
    )


def _answer_who(searcher, question: str, intent: Intent) -> Answer:
    """'Ai chủ trì …?': the assignments inside the best passages for the question."""
    snap = searcher.snapshot
    hits = searcher.search(question, k=5)
    citer = _Citer(searcher)
    lines = []
    for h in hits:
        rows = snap.rows(
            'SELECT * FROM assignments WHERE doc_id=? AND start<? AND "end">? ORDER BY role="chủ trì" DESC, start',
            (h.doc_id, h.end, h.start),
        )
        for r in rows[:2]:
            n = citer.cite(r["doc_id"], r["start"], r["end"], r["section"])
            lines.append(f"- {r['agency']} ({r['role']}): {_quote(r['task'])} [{n}]")
        if len(citer.citations) >= 4:
            break
    if not lines:
        return _answer_topic(searcher, question, intent)
    return Answer(
        question=question,
        intent="assignment",
        found=True,
        answer="\n".join(lines),
        citations=citer.citations,
    )


# ---------------------------------------------------------------- references


def _answer_reference(searcher, question: str, intent: Intent) -> Answer:
    citer = _Citer(searcher)
    lines: list[str] = []
    for number in intent.numbers:
        result = searcher.refs(number)
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
                s, e = _sentence_around(citer.text(c["doc_id"]), s, e)
                n = citer.cite(c["doc_id"], s, e)
                lines.append(f"- {_doc_label(citer.doc(c['doc_id']))}: {_quote(citer.text(c['doc_id'], s, e))} [{n}]")
            continue
        for d in result["documents"]:
            header = _header_span(searcher, d["doc_id"])
            n = citer.cite(d["doc_id"], *header)
            title = f" {d['title']}" if d.get("title") else ""
            issuer = f" của {d['issuer']}" if d.get("issuer") else ""
            lines.append(f"{_doc_label(d)}{issuer}:{title} [{n}]")
            rest = searcher.search(question, k=4, filters=None)
            for h in rest:
                if h.doc_id != d["doc_id"]:
                    continue
                tokens = _topic_tokens(question)
                units = _rank_units(searcher, question, [h], tokens)[:1]
                for u in units:
                    m = citer.cite(u.doc_id, u.start, u.end)
                    lines.append(f"{_quote(citer.text(u.doc_id, u.start, u.end))} [{m}]")
        if not result["documents"] and result["cited_by"]:
            lines.append(f"Văn bản {result['number']} chưa có trong chỉ mục; các văn bản sau có nhắc đến:")
            for c in result["cited_by"][:MAX_CITATIONS]:
                s, e = _sentence_around(citer.text(c["doc_id"]), c["start"], c["end"])
                n = citer.cite(c["doc_id"], s, e)
                lines.append(f"- {_doc_label(citer.doc(c['doc_id']))}: {_quote(citer.text(c['doc_id'], s, e))} [{n}]")
    if not citer.citations:
        return Answer(
            question=question,
            intent="reference",
            found=False,
            answer=f"Không có văn bản nào trong chỉ mục mang hoặc nhắc đến số hiệu {', '.join(intent.numbers)}.",
        )
    return Answer(question=question, intent="reference", found=True, answer="\n".join(lines), citations=citer.citations)


def _sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The line (or sentence of a long line) holding text[start:end]."""
    s = text.rfind("\n", 0, start) + 1
    e = text.find("\n", end)
    e = len(text) if e < 0 else e
    for us, ue in split_units(text, s, e):
        if us <= start < ue or (us < end <= ue):
            return us, max(ue, min(end, e))
    return start, end


def _header_span(searcher, doc_id: str) -> tuple[int, int]:
    rows = searcher.snapshot.rows(
        'SELECT start, "end" FROM chunks WHERE doc_id=? ORDER BY ordinal LIMIT 1',
        (doc_id,),
    )
    return (rows[0]["start"], rows[0]["end"]) if rows else (0, 0)


# ---------------------------------------------------------------- entry point


def answer_question(searcher, question: str) -> Answer:
    question = nfc(question or "").strip()
    if not question or not [w for w in re.findall(r"\w+", question) if w.lower() not in QUERY_STOPWORDS]:
        return Answer(question=question, intent="topic", found=False, answer="Hãy nhập một câu hỏi.")
    if searcher.snapshot is None or searcher.snapshot.meta.chunks == 0:
        return Answer(
            question=question,
            intent="topic",
            found=False,
            answer="Chỉ mục chưa có văn bản nào. Hãy nạp văn bản (chidao ingest hoặc trang Văn bản) rồi hỏi lại.",
        )
    intent = classify(question, searcher)
    if intent.kind == "reference":
        answer = _answer_reference(searcher, question, intent)
    elif intent.kind == "assignment":
        answer = _answer_assignment(searcher, question, intent)
    else:
        answer = _answer_topic(searcher, question, intent)
    if answer.found and searcher.settings.llm_enabled:
        from search.llm import rephrase

        answer = rephrase(answer, searcher.settings)
    return answer
