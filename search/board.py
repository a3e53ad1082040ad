"""The follow-up board ("Theo dõi nhiệm vụ"): every extracted task with its deadline, status and evidence.

- ``task_status``: a task's status on a day, in the terms of the Quy chế theo dõi, đôn đốc (Quyết định
  42/2014/QĐ-TTg): ``trong_han``, ``sap_den_han`` (due within ``due_soon_days``), ``qua_han``,
  ``khong_thoi_han`` (no date: "thường xuyên", "khẩn trương"), ``hoan_thanh`` (marked done by a user,
  on time or late against its due date). A recurring task is judged against its next occurrence.
- ``board``: the tasks of the index (an agency's, or all), each with ``task_id``, ``due``,
  ``recurrence``, ``status``, its completion mark and its evidence of follow-up.
- ``counts``: tổng số, đến hạn, hoàn thành đúng hạn / quá hạn, chưa hoàn thành trong hạn / quá hạn
  (and không thời hạn), per agency and in total.

Evidence is shown, never used to mark a task done: a later document issued by the assigned agency that
cites the assigning document by number (and year), and a later assignment to the same agency on the same
subject (TF-IDF cosine of accent-folded syllable bigrams), linked into one thread.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from chidao.lang.agencies import AgencyCanon
from chidao.lang.deadlines import Deadline, task_deadline
from chidao.lang.references import TYPE_WORDS
from chidao.lang.text import folded_syllables
from chidao.store import Snapshot
from chidao.store.followup import MarkEvent, MarkStore, task_id
from chidao.store.rows import AssignmentRow
from search.searcher import _issuer_key
from search.tasks import TASK_FIELDS, agency_names

STATUSES = ("trong_han", "sap_den_han", "qua_han", "khong_thoi_han", "hoan_thanh")
STATUS_LABELS = {
    "trong_han": "Trong hạn",
    "sap_den_han": "Sắp đến hạn",
    "qua_han": "Quá hạn",
    "khong_thoi_han": "Không có thời hạn",
    "hoan_thanh": "Hoàn thành",
}
COUNT_KEYS = (
    "tong_so",
    "den_han",
    "hoan_thanh_dung_han",
    "hoan_thanh_qua_han",
    "chua_hoan_thanh_trong_han",
    "chua_hoan_thanh_qua_han",
    "khong_thoi_han",
)
COUNT_LABELS = {
    "tong_so": "Tổng số",
    "den_han": "Đến hạn",
    "hoan_thanh_dung_han": "Hoàn thành đúng hạn",
    "hoan_thanh_qua_han": "Hoàn thành quá hạn",
    "chua_hoan_thanh_trong_han": "Chưa hoàn thành, trong hạn",
    "chua_hoan_thanh_qua_han": "Chưa hoàn thành, quá hạn",
    "khong_thoi_han": "Không có thời hạn",
}
#: A later task on the same subject: cosine of TF-IDF syllable-bigram vectors at least this.
SAME_SUBJECT = 0.35
#: A later task that says it continues ("tiếp tục …", "duy trì …") needs less overlap.
CONTINUES = 0.25
_CONTINUE_WORDS = ("tiep tuc", "duy tri", "tiep theo")


def task_status(
    deadline: Deadline, as_of: dt.date, done_on: dt.date | None = None, due_soon_days: int = 7
) -> tuple[str, dt.date | None, bool | None]:
    """(status, the due date that counts, on time) of a task on ``as_of``.

    A completed task is ``hoan_thanh``; it is on time when completed on or before its first due date
    (or when it has none). An open task is judged against its next due date on or after ``as_of``
    (recurring) or its one due date: past → ``qua_han``, within ``due_soon_days`` → ``sap_den_han``.
    """
    if done_on is not None:
        first = deadline.due_date
        return "hoan_thanh", first, first is None or done_on <= first
    due = deadline.next_due(as_of)
    if due is None:
        return "khong_thoi_han", None, None
    if due < as_of:
        return "qua_han", due, None
    if (due - as_of).days <= due_soon_days:
        return "sap_den_han", due, None
    return "trong_han", due, None


def counts(items: Iterable[dict[str, Any]], as_of: dt.date) -> dict[str, int]:
    """The Quy chế's counts over board items. A task counts for the agency that leads it: rows of
    cooperating agencies ("phối hợp") are not counted."""
    out = dict.fromkeys(COUNT_KEYS, 0)
    for it in items:
        if it["role"] == "phối hợp":
            continue
        out["tong_so"] += 1
        due = dt.date.fromisoformat(it["due"]) if it.get("due") else None
        if due is not None and due <= as_of:
            out["den_han"] += 1
        status = it["status"]
        if status == "hoan_thanh":
            out["hoan_thanh_dung_han" if it["done"]["on_time"] else "hoan_thanh_qua_han"] += 1
        elif status == "qua_han":
            out["chua_hoan_thanh_qua_han"] += 1
        elif status == "khong_thoi_han":
            out["khong_thoi_han"] += 1
        else:
            out["chua_hoan_thanh_trong_han"] += 1
    return out


def counts_by_agency(items: Sequence[dict[str, Any]], as_of: dt.date) -> list[tuple[str, dict[str, int]]]:
    """(agency, counts) for every agency, most tasks first, then ("Tổng cộng", the totals)."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for it in items:
        if it["role"] != "phối hợp":
            groups[it["agency"]].append(it)
    rows = sorted(((a, counts(g, as_of)) for a, g in groups.items()), key=lambda r: (-r[1]["tong_so"], r[0]))
    return [*rows, ("Tổng cộng", counts(items, as_of))]


# ---------------------------------------------------------------- evidence


def _pairs(words: list[str]) -> list[str]:
    return [f"{a} {b}" for a, b in itertools.pairwise(words)]


class _Similarity:
    """TF-IDF cosine of folded syllable bigrams. Document frequencies come from every distinct task of the
    index, so the formulas every document repeats ("theo dõi, đôn đốc thực hiện Công điện này", "chịu trách
    nhiệm thi hành Quyết định này") weigh little and a shared subject weighs much."""

    def __init__(self, words: dict[str, list[str]], corpus: Iterable[list[str]]) -> None:
        self.bags = {k: Counter(_pairs(w)) for k, w in words.items()}
        df: Counter[str] = Counter()
        n = 0
        for w in corpus:
            df.update(set(_pairs(w)))
            n += 1
        self.idf = {g: math.log((1 + n) / (1 + df[g])) + 1.0 for bag in self.bags.values() for g in bag}
        self.vecs = {k: self._vec(b) for k, b in self.bags.items()}

    def _vec(self, bag: Counter[str]) -> tuple[dict[str, float], float]:
        v = {g: c * self.idf[g] for g, c in bag.items()}
        return v, math.sqrt(sum(x * x for x in v.values())) or 1.0

    def cosine(self, a: str, b: str) -> float:
        (va, na), (vb, nb) = self.vecs[a], self.vecs[b]
        return sum(va[g] * vb[g] for g in va.keys() & vb.keys()) / (na * nb)


class _Reports:
    """Later documents issued by the assigned agency that cite the assigning document (by number and year).
    Documents, their citing documents and issuer matches are read once per generation."""

    def __init__(self, snap: Snapshot, canon: AgencyCanon, issuers: dict[str, str]) -> None:
        self.snap, self.canon, self.issuers = snap, canon, issuers
        self._docs = {d.doc_id: d for d in snap.documents()}
        self._citing: dict[str, list] = {}
        self._issued: dict[tuple[str, str], bool] = {}

    def issued_by(self, issuer: str | None, agency: str) -> bool:
        if not issuer:
            return False
        key = (issuer, agency)
        if key not in self._issued:
            a, i = AgencyCanon.key(agency), AgencyCanon.key(self.canon.canonical(issuer))
            self._issued[key] = bool(a) and (
                a == i or f" {a} " in f" {i} " or agency in self.canon.match(issuer, candidates=[agency])
            )
        return self._issued[key]

    def __call__(self, row: AssignmentRow) -> list[dict]:
        doc = self._docs.get(row.doc_id)
        if doc is None or not doc.number_key:
            return []
        if doc.number_key not in self._citing:
            self._citing[doc.number_key] = self.snap.citing([doc.number_key])
        out = []
        for c in self._citing[doc.number_key]:
            cit = c.citation
            if cit.doc_id == row.doc_id or (cit.year and doc.year and cit.year != doc.year):
                continue  # the document itself, or another year's document with the same number
            if (row.date and c.date and c.date < row.date) or not self.issued_by(
                self.issuers.get(cit.doc_id), row.agency
            ):
                continue
            out.append(
                {
                    "kind": "report",
                    "doc_id": cit.doc_id,
                    "number": c.number,
                    "date": c.date,
                    "type": c.type,
                    "title": c.title,
                    "source": c.source,
                    "text": cit.context,
                    "start": cit.start,
                    "end": cit.end,
                }
            )
        return out


def _own_words(task: str, agency_text: str) -> list[str]:
    """The task's folded syllables without the agency's own name (every task of an agency starts with it)."""
    words, name = folded_syllables(task), folded_syllables(agency_text)
    n = len(name)
    for k in range(len(words) - n + 1):
        if n and words[k : k + n] == name:
            return words[:k] + words[k + n :]
    return words


_THIS_DOCUMENT = tuple(f"{w} nay" for words in TYPE_WORDS.values() for w in words)


def _about_its_document(words: list[str]) -> bool:
    """A task whose object is its own document ("… thi hành Quyết định này", "theo dõi, đôn đốc thực hiện
    Công điện này"): the formula that closes a directive, with no subject that a later one could continue."""
    text = f" {' '.join(words)} "
    return any(f" {p} " in text for p in _THIS_DOCUMENT)


def _continues(words: list[str]) -> bool:
    """Whether a task (its own words) says it goes on with earlier work ("tiếp tục …", "duy trì …")."""
    text = " ".join(words)
    return text.startswith(_CONTINUE_WORDS) or " tiep tuc " in f" {text} "


def _threads(rows: Sequence[AssignmentRow], ids: dict[int, str]) -> dict[str, list[dict[str, Any]]]:
    """Later assignments to the same agency on the same subject: task_id → the later ones, with their score."""
    by_agency: dict[str, list[AssignmentRow]] = defaultdict(list)
    for r in rows:
        by_agency[r.agency].append(r)
    links: dict[str, list[dict[str, Any]]] = defaultdict(list)
    groups = [[r for r in g if r.date] for g in by_agency.values()]
    groups = [g for g in groups if len({r.doc_id for r in g}) > 1]
    if not groups:
        return links
    distinct = {(r.doc_id, r.start, r.end): r.task for r in rows}
    own = {r.id: _own_words(r.task, r.agency_text) for g in groups for r in g}
    groups = [[r for r in g if not _about_its_document(own[r.id])] for g in groups]
    sim = _Similarity({ids[k]: w for k, w in own.items()}, (folded_syllables(t) for t in distinct.values()))
    continues = {k: _continues(w) for k, w in own.items()}
    for dated in groups:
        for a in dated:
            for b in dated:
                if b.doc_id == a.doc_id or b.date <= a.date:  # type: ignore[operator]
                    continue
                score = sim.cosine(ids[a.id], ids[b.id])
                if score >= SAME_SUBJECT or (continues[b.id] and score >= CONTINUES):
                    links[ids[a.id]].append(
                        {
                            "kind": "follow_up",
                            "task_id": ids[b.id],
                            "doc_id": b.doc_id,
                            "number": b.number,
                            "date": b.date,
                            "type": b.type,
                            "title": b.title,
                            "source": b.source,
                            "text": b.task,
                            "start": b.start,
                            "end": b.end,
                            "score": round(score, 3),
                        }
                    )
    return links


@dataclass
class _Evidence:
    """What a generation says about follow-up, computed once per generation (marks play no part)."""

    links: dict[str, list[dict[str, Any]]]  # task_id → later tasks on the same subject
    back: dict[str, list[str]]  # task_id → earlier tasks it follows
    dates: dict[str, str]  # task_id → date of its document
    reports: _Reports

    def thread(self, start: str) -> list[str]:
        """Every task connected to ``start`` through follow-up links, either way, oldest document first."""
        seen, todo = {start}, [start]
        while todo:
            cur = todo.pop()
            for nxt in [e["task_id"] for e in self.links.get(cur, [])] + self.back.get(cur, []):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return sorted(seen, key=lambda t: (self.dates.get(t) or "", t))


_EVIDENCE: dict[str, _Evidence] = {}  # a few recent generations, by folder and creation time


def _evidence(snap: Snapshot, canon: AgencyCanon, issuers: dict[str, str]) -> _Evidence:
    key = f"{snap.path}|{snap.meta.created}"
    if key not in _EVIDENCE:
        pool = snap.assignments(None)
        ids = {r.id: task_id(r.doc_id, r.agency, r.task) for r in pool}
        links = _threads(pool, ids)
        back: dict[str, list[str]] = defaultdict(list)
        for a, lst in links.items():
            for e in lst:
                back[e["task_id"]].append(a)
        while len(_EVIDENCE) >= 4:
            _EVIDENCE.pop(next(iter(_EVIDENCE)))
        dates = {ids[r.id]: r.date or "" for r in pool}
        _EVIDENCE[key] = _Evidence(links, dict(back), dates, _Reports(snap, canon, issuers))
    return _EVIDENCE[key]


# ---------------------------------------------------------------- the board


def _done_dict(mark: MarkEvent | None, on_time: bool | None) -> dict[str, Any] | None:
    if mark is None or not mark.done:
        return None
    return {
        "task_id": mark.task_id,  # the task the mark was put on: the lead's, for a cooperating agency's row
        "by": mark.by,
        "at": mark.at,
        "done_on": mark.done_on,
        "note": mark.note,
        "doc_number": mark.doc_number,
        "on_time": on_time,
    }


def board(
    snap: Snapshot | None,
    canon: AgencyCanon,
    marks: MarkStore,
    agency: str | None = None,
    *,
    as_of: dt.date | None = None,
    status: str | None = None,
    since: str | None = None,
    until: str | None = None,
    issuer: str | None = None,
    role: str | None = None,
    due_soon_days: int = 7,
    evidence: bool = True,
) -> list[dict[str, Any]]:
    """Board items (the ``chidao tasks`` assignment fields plus ``task_id``, ``due``, ``recurrence``,
    ``status``, ``deadline_flags``, ``lead``, ``cooperators``, ``done``, ``evidence``, ``thread``),
    newest document first."""
    if snap is None:
        return []
    as_of = as_of or dt.date.today()
    names = None
    if agency:
        names = agency_names(snap, canon, agency)
        if not names:
            return []
    rows = snap.assignments(names, role=role, since=since, until=until)
    issuers = snap.issuers()
    if issuer:
        want = _issuer_key(issuer)
        rows = [r for r in rows if want in _issuer_key(issuers.get(r.doc_id, ""))]
    current = marks.current()
    ids = {r.id: task_id(r.doc_id, r.agency, r.task) for r in rows}
    spans: dict[tuple[str, int, int], list[AssignmentRow]] = defaultdict(list)
    for r in snap.assignments(None) if names or role or since or until or issuer else rows:
        spans[(r.doc_id, r.start, r.end)].append(r)
    found = _evidence(snap, canon, issuers) if evidence else None
    items = []
    for r in rows:
        tid = ids[r.id]
        deadline = task_deadline(r.deadline, r.task, r.date)
        same = spans[(r.doc_id, r.start, r.end)]
        mark = current.get(tid)
        if mark is None and r.role == "phối hợp":  # a cooperating agency's task is done when its lead's is
            lead_marks = [current.get(task_id(x.doc_id, x.agency, x.task)) for x in same if x.role != "phối hợp"]
            mark = next((m for m in lead_marks if m is not None), None)
        done_on = dt.date.fromisoformat(mark.done_on) if mark and mark.done and mark.done_on else None
        st, due, on_time = task_status(deadline, as_of, done_on, due_soon_days)
        if status and st != status:
            continue
        chairs = [x.agency for x in same if x.role != "phối hợp"]
        item = {k: getattr(r, k) for k in TASK_FIELDS}
        item.update(
            task_id=tid,
            issuer=r.issuer,
            due=due.isoformat() if due else None,
            recurrence=deadline.recurrence,
            status=st,
            deadline_phrase=deadline.phrase or None,
            deadline_flags=list(deadline.flags),
            lead=[r.agency] if r.role != "phối hợp" else (chairs or []),
            cooperators=[x.agency for x in same if x.role == "phối hợp" and x.agency not in chairs],
            co_assignees=list(r.co_assignees),
            done=_done_dict(mark, on_time),
            evidence=[],
            thread=[],
        )
        if found is not None:
            item["evidence"] = found.reports(r) + found.links.get(tid, [])
            thread = found.thread(tid)
            item["thread"] = thread if len(thread) > 1 else []
        items.append(item)
    return items


def tasks_board(
    snap: Snapshot | None,
    canon: AgencyCanon,
    marks: MarkStore,
    agency: str | None = None,
    *,
    as_of: dt.date | None = None,
    **filters: Any,
) -> dict[str, Any]:
    """`chidao tasks` with the board: ``{"agency", "as_of", "assignments": [ITEM …], "counts": {…}}``."""
    as_of = as_of or dt.date.today()
    canonical = None
    if agency:
        matches = canon.match(agency)
        canonical = matches[0] if matches else agency
    items = board(snap, canon, marks, agency, as_of=as_of, **filters)
    return {"agency": canonical, "as_of": as_of.isoformat(), "assignments": items, "counts": counts(items, as_of)}


def find_task(snap: Snapshot | None, tid: str) -> AssignmentRow | None:
    """The assignment a task id names in this index, if any."""
    if snap is None:
        return None
    return next((r for r in snap.assignments(None) if task_id(r.doc_id, r.agency, r.task) == tid), None)
