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
import logging
import re
from dataclasses import dataclass

import numpy as np

from chidao.lang.text import fold, nfc
from chidao.records import Answer, Citation
from chidao.store.lexical import QUERY_STOPWORDS, query_tokens
from search.intent import Intent, classify

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
# Lines that are never an answer: place and date, the motto, a bare number line.
_LOW_VALUE = re.compile(
    r"^(?:[\w\s.]+,\s*)?ngay\s+\d{1,2}\s+thang\s+\d{1,2}\s+nam\s+\d{4}$"
    r"|^cong hoa xa hoi chu nghia viet nam$|^doc lap\W+tu do\W+hanh phuc$|^so\s*:"
)
_SENTENCE_END = re.compile(r"(?<=[.;!?])\s+(?=[A-ZĐÀ-Ỹ0-9\-+•])")


@dataclass
class Unit:
    doc_id: str
    start: int
    end: int
    score: float = 0.0
    cov: float = 0.0  # share of the question's key-term weight found in the passage
    section: str = ""
    cosine: float = 0.0  # encoder similarity between the question and the passage
    text: str = ""  # the passage (document text[start:end])


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


def _quote(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().rstrip(";,")


def _doc_label(d: dict) -> str:
    parts = [d.get("type") or "Văn bản"]
    if d.get("number"):
        parts.append(f"số {d['number']}")
    if d.get("date"):
        y, m, dd = d["date"].split("-")
        parts.append(f"ngày {dd}/{m}/{y}")  # dd/mm/yyyy, as everywhere in the UI
    return " ".join(parts)


# ---------------------------------------------------------------- places

_LOCALITY = re.compile(r"(?:tinh|thanh pho|tp\.?)\s+(.+)$")
_PLACE_ALIASES = ((re.compile(r"\b(tp\.?\s*hcm|tphcm|hcm|sai gon)\b"), "ho chi minh"),)


def _fold_place(text: str) -> str:
    folded = fold(text)
    for pattern, repl in _PLACE_ALIASES:
        folded = pattern.sub(repl, folded)
    return " ".join(re.findall(r"\w+", folded))


def localities(searcher) -> dict[str, str]:
    """doc_id → folded province/city of the documents a local government issued (central ones absent)."""
    out = {}
    for doc_id, issuer in searcher.snapshot.issuers().items():
        m = _LOCALITY.search(fold(issuer))
        if m and _fold_place(m.group(1)):
            out[doc_id] = _fold_place(m.group(1))
    return out


def local_documents(searcher, question: str) -> set[str] | None:
    """Documents issued by the province or city the question names ("… ở Đắk Lắk", "TP.HCM"), if it names one."""
    q = f" {_fold_place(question)} "
    docs = {d for d, place in localities(searcher).items() if f" {place} " in q}
    return docs or None


def other_localities(searcher, question: str) -> set[str]:
    """Documents of a province or city other than the one the question names (empty if it names none)."""
    q = f" {_fold_place(question)} "
    places = localities(searcher)
    if not any(f" {place} " in q for place in places.values()):
        return set()
    return {d for d, place in places.items() if f" {place} " not in q}


# ---------------------------------------------------------------- topic

RERANK_PER_HIT = 4  # passages of each retrieved chunk scored by the encoder
RERANK_MARGIN = 0.035  # cited passages score within this cosine of the best one
MIN_PASSAGE_COSINE = 0.873  # below this, and with little key-term overlap, nothing answers
MIN_COVERAGE = 0.35


def citable(text: str) -> bool:
    """A passage worth citing on its own: a few words at least, not a date line or the motto, and
    not a short line all in capitals (a letterhead, a document type, a heading: it names, it does
    not answer)."""
    words = re.findall(r"\w+", text)
    if len(words) <= 15 and not any(c.islower() for c in text):
        return False
    return len(words) >= 4 and not _LOW_VALUE.match(" ".join(fold(text).split()).strip(" .*"))


def _candidate_units(searcher, hits, tokens: list[str], exclude: set[str] = frozenset()) -> list[Unit]:
    """The best few passages of each retrieved chunk, by key-term coverage and chunk rank."""
    snap = searcher.snapshot
    weights = snap.lexical.idf(tokens)
    if not hits:
        return []
    top = max(h.score for h in hits) or 1.0
    units: list[Unit] = []
    texts: dict[str, str] = {}
    for h in hits:
        if h.doc_id in exclude:
            continue
        if h.doc_id not in texts:
            texts[h.doc_id] = snap.document_text(h.doc_id)
        text = texts[h.doc_id]
        mine = []
        for s, e in split_units(text, h.start, h.end):
            if not citable(text[s:e]):
                continue
            cov = coverage(tokens, weights, _unit_tokens(h.section + " " + text[s:e]))
            mine.append(Unit(h.doc_id, s, e, 0.6 * cov + 0.4 * (h.score / top), cov, h.section, text=text[s:e]))
        mine.sort(key=lambda u: -u.score)
        units.extend(mine[:RERANK_PER_HIT])
    return units


def _rank_units(searcher, question: str, hits, tokens: list[str]) -> list[Unit]:
    """Candidate passages re-scored by the encoder: cosine between the question and each passage.
    Passages of another province's documents than the one the question names are left out."""
    units = _candidate_units(searcher, hits, tokens, other_localities(searcher, question))
    if not units:
        return []
    passages = [f"{u.section}\n{u.text}".strip() for u in units]
    qvec = searcher.query_vector(searcher.dense_text(question))
    cosines = searcher.encoder.encode_passages(passages) @ qvec
    for u, c in zip(units, cosines, strict=True):
        u.cosine = float(c)
        u.score = float(c) + 0.05 * u.cov
    units.sort(key=lambda u: -u.score)
    return units


def _select(units: list[Unit], limit: int, margin: float = RERANK_MARGIN) -> list[Unit]:
    if not units:
        return []
    best = units[0].score
    chosen: list[Unit] = []
    per_doc: dict[str, int] = {}
    for u in units:
        if u.score < best - margin or len(chosen) >= limit:
            break
        if per_doc.get(u.doc_id, 0) >= 3:
            continue
        if any(c.doc_id == u.doc_id and c.start < u.end and u.start < c.end for c in chosen):
            continue
        chosen.append(u)
        per_doc[u.doc_id] = per_doc.get(u.doc_id, 0) + 1
    return chosen


def answerable(units: list[Unit]) -> bool:
    """Whether the best passages answer at all: semantically close, or covering the key terms."""
    if not units:
        return False
    best_cos = max(u.cosine for u in units)
    best_cov = max(u.cov for u in units)
    return best_cos >= MIN_PASSAGE_COSINE or best_cov >= MIN_COVERAGE


def _answer_topic(searcher, question: str, intent: Intent, filters=None) -> Answer:
    hits = searcher.search(question, k=8, filters=filters)
    tokens = _topic_tokens(question)
    if not hits or not tokens:
        return Answer(question=question, intent=intent.kind, found=False, answer=NOT_FOUND)
    units = _rank_units(searcher, question, hits, tokens)
    if not answerable(units):
        return Answer(question=question, intent=intent.kind, found=False, answer=NOT_FOUND)
    citer = _Citer(searcher)
    lines = []
    chosen = _select(units, 5)
    if _IDENTITY_CUE.search(fold(question)):  # "which document / which province …": name the documents
        for doc_id in list(dict.fromkeys(u.doc_id for u in chosen))[:3]:
            d = citer.doc(doc_id)
            n = citer.cite(doc_id, *_header_span(searcher, doc_id))
            lines.append(f"{_doc_label(d)} [{n}]")
    for u in chosen:
        n = citer.cite(u.doc_id, u.start, u.end, u.section)
        lines.append(f"{_quote(citer.text(u.doc_id, u.start, u.end))} [{n}]")
    return Answer(
        question=question,
        intent=intent.kind,
        found=True,
        answer="\n".join(lines),
        citations=citer.citations,
    )


# ---------------------------------------------------------------- assignments

MAX_ASSIGNMENT_CANDIDATES = 40
ASSIGNMENT_MARGIN = 0.05  # an agency's tasks are many and alike: cite more of them
MAX_ASSIGNMENT_CITATIONS = 10
MAX_ASSIGNMENT_PREFILTER = 300


def _prefilter_assignments(snap, rows: list, tokens: list[str]) -> list:
    """For an agency with very many tasks: those whose passage scores best for the question's terms (BM25)."""
    scores = snap.lexical.scores(tokens)
    chunks = snap.chunk_starts()
    positions = snap.lexical.rows(np.asarray([c[0] for c in chunks], dtype=np.int64))
    chunk_of = {
        (doc_id, start): float(scores[p]) if p >= 0 else 0.0
        for (_, doc_id, start), p in zip(chunks, positions, strict=True)
    }
    starts: dict[str, list[int]] = {}
    for doc_id, start in chunk_of:
        starts.setdefault(doc_id, []).append(start)
    for lst in starts.values():
        lst.sort()

    def passage_score(r) -> float:
        lst = starts.get(r["doc_id"], [])
        i = bisect.bisect_right(lst, r["start"]) - 1
        return chunk_of[(r["doc_id"], lst[i])] if i >= 0 else 0.0

    return sorted(rows, key=passage_score, reverse=True)[:MAX_ASSIGNMENT_PREFILTER]


def _rerank_assignments(searcher, question: str, rows: list, tokens: list[str]) -> list[tuple[float, float, dict]]:
    """(score, coverage, row) for assignments, best first: key-term coverage of the task, its section and
    its document's issuer and title, then the encoder's cosine between the question and the task."""
    snap = searcher.snapshot
    weights = snap.lexical.idf(tokens)
    if len(rows) > MAX_ASSIGNMENT_PREFILTER:
        rows = _prefilter_assignments(snap, rows, tokens)
    scored = []
    for r in rows:
        context = " ".join(str(r[k] or "") for k in ("section", "task", "agency_text", "issuer", "title"))
        scored.append((coverage(tokens, weights, _unit_tokens(context)), dict(r)))
    scored.sort(key=lambda x: -x[0])
    scored = scored[:MAX_ASSIGNMENT_CANDIDATES]
    if not scored:
        return []
    qvec = searcher.query_vector(searcher.dense_text(question))
    passages = [f"{r['section']}\n{r['agency']}: {r['task']}" for _, r in scored]
    cosines = searcher.encoder.encode_passages(passages) @ qvec
    out = [(float(c) + 0.05 * cov, cov, r | {"cosine": float(c)}) for (cov, r), c in zip(scored, cosines, strict=True)]
    out.sort(key=lambda x: -x[0])
    return out


def _assignment_lines(citer: _Citer, rows: list[dict], with_doc: bool = True) -> list[str]:
    lines = []
    for r in rows:
        n = citer.cite(r["doc_id"], r["start"], r["end"], r["section"])
        role = {"chủ trì": "chủ trì", "phối hợp": "phối hợp"}.get(r["role"], "được giao")
        where = f", {_doc_label(citer.doc(r['doc_id']))}" if with_doc else ""
        lines.append(f"- {r['agency']} ({role}{where}): {_quote(r['task'])} [{n}]")
    return lines


def _by_date_then_position(rows: list) -> list[dict]:
    """An agency's assignments newest document first, then in reading order (as the answer lists them)."""
    rows = sorted(rows, key=lambda r: r.start)
    rows.sort(key=lambda r: r.date or "", reverse=True)
    return [r.as_dict() for r in rows]


def _answer_assignment(searcher, question: str, intent: Intent) -> Answer:
    from search.tasks import agency_names

    if intent.who:
        return _answer_who(searcher, question, intent)
    snap = searcher.snapshot
    names: list[str] = []
    for a in intent.agencies:
        names.extend(n for n in agency_names(snap, searcher.canon, a) if n not in names)
    rows = _by_date_then_position(snap.assignments(names)) if names else []
    local = local_documents(searcher, question)
    if local is not None and any(r["doc_id"] in local for r in rows):
        rows = [r for r in rows if r["doc_id"] in local]
    if not rows:
        return _answer_topic(searcher, question, intent)
    drop = set(_FRAME_WORDS)
    for n in names + intent.agencies:
        drop.update(fold(w) for w in re.findall(r"\w+", n))
    tokens = _topic_tokens(question, drop)
    citer = _Citer(searcher)
    if tokens:
        ranked = _rerank_assignments(searcher, question, rows, tokens)
        if not ranked or (ranked[0][2]["cosine"] < MIN_PASSAGE_COSINE and ranked[0][1] < MIN_COVERAGE):
            return _answer_topic(searcher, question, intent)
        best = ranked[0][0]
        chosen = [r for score, _, r in ranked if score >= best - ASSIGNMENT_MARGIN][:MAX_ASSIGNMENT_CITATIONS]
    else:
        chosen = [dict(r) for r in rows[:8]]
    head = f"Các nhiệm vụ giao {', '.join(names[:3])} tìm thấy trong các văn bản:"
    if len(chosen) < len(rows):
        head = f"{len(chosen)} của {len(rows)} nhiệm vụ giao {', '.join(names[:3])} sát với câu hỏi nhất:"
    return Answer(
        question=question,
        intent="assignment",
        found=True,
        answer=head + "\n" + "\n".join(_assignment_lines(citer, chosen)),
        citations=citer.citations,
        agency=names[0] if len(names) == 1 else None,
        tasks_total=len(rows),
    )


def _answer_who(searcher, question: str, intent: Intent) -> Answer:
    """'Ai chủ trì …?', 'Cơ quan nào …?': the assignments inside the best passages for the question."""
    snap = searcher.snapshot
    hits = searcher.search(question, k=8)
    rows: dict[int, dict] = {}
    for h in hits:
        for r in snap.assignments_within(h.doc_id, h.start, h.end):
            rows.setdefault(r.id, r.as_dict())
    tokens = _topic_tokens(question, set(_FRAME_WORDS))
    ranked = _rerank_assignments(searcher, question, list(rows.values()), tokens) if rows else []
    if not ranked or (ranked[0][2]["cosine"] < MIN_PASSAGE_COSINE and ranked[0][1] < MIN_COVERAGE):
        return _answer_topic(searcher, question, intent)
    best = ranked[0][0]
    chosen = [r for score, _, r in ranked if score >= best - RERANK_MARGIN][:4]
    citer = _Citer(searcher)
    return Answer(
        question=question,
        intent="assignment",
        found=True,
        answer="\n".join(_assignment_lines(citer, chosen)),
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
        # The same number in several years: the first few are read for the answer, the rest only named.
        for i, d in enumerate(result["documents"][:MAX_NAMED_DOCUMENTS]):
            lines.extend(_document_lines(searcher, citer, question, d, passages=i < MAX_READ_DOCUMENTS))
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


_SIGNER_CUE = re.compile(r"\b(ai ky|nguoi ky|do ai ky|ky ban hanh|ky van ban|ky thay|ky thua)\b")
_IDENTITY_CUE = re.compile(
    r"\b(van ban|quyet dinh|cong dien|nghi quyet|chi thi|ke hoach|thong bao|cong van|thong tu|nghi dinh|quy dinh"
    r"|tinh|dia phuong|thanh pho) nao\b"
    r"|\bso hieu\b|\bban hanh ngay\b|\bngay nao\b|\bthanh lap theo\b"
)


MAX_READ_DOCUMENTS = 2
MAX_NAMED_DOCUMENTS = 5


def _document_lines(searcher, citer: _Citer, question: str, d: dict, passages: bool = True) -> list[str]:
    """A document named by its number: its header (number, date, title), its signature when the
    question asks who signed, and its passages that answer the rest of the question."""
    from chidao.records import Filters

    n = citer.cite(d["doc_id"], *_header_span(searcher, d["doc_id"]))
    title = f" {d['title']}" if d.get("title") else ""
    issuer = f" của {d['issuer']}" if d.get("issuer") else ""
    lines = [f"{_doc_label(d)}{issuer}:{title} [{n}]"]
    if not passages:
        return lines
    doc = citer.doc(d["doc_id"])
    if _SIGNER_CUE.search(fold(question)):
        span = _signer_span(doc["text"], searcher.document(d["doc_id"]).get("signer"))
        if span:
            m = citer.cite(d["doc_id"], *span)
            lines.append(f"Người ký: {_quote(doc['text'][span[0] : span[1]])} [{m}]")
    drop = set(_FRAME_WORDS) | {fold(w) for w in re.findall(r"\w+", f"{d.get('number') or ''} {d.get('type') or ''}")}
    tokens = _topic_tokens(question, drop)
    if len(tokens) >= 2:
        hits = searcher.search(question, k=6, filters=Filters(doc_id=d["doc_id"]))
        units = _rank_units(searcher, question, hits, tokens)
        for u in _select(units, 4):
            m = citer.cite(u.doc_id, u.start, u.end, u.section)
            lines.append(f"{_quote(citer.text(u.doc_id, u.start, u.end))} [{m}]")
    return lines


def _signer_span(text: str, signer: str | None) -> tuple[int, int] | None:
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
    """What names a document in its header: from the line with its number to the end of its title
    (trích yếu), inside its first chunk; not the letterhead and motto above the number, which a
    citation would otherwise highlight. The whole first chunk when neither is found there."""
    start, end = searcher.snapshot.first_chunk_span(doc_id)
    doc = searcher.snapshot.document(doc_id)
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
