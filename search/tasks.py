"""Assignments across all indexed documents: an agency's tasks, newest first."""

from __future__ import annotations

from typing import Any

from chidao.lang.text import fold


def agency_names(searcher, agency: str) -> list[str]:
    """Canonical agency names stored in the index that a typed agency refers to."""
    snap = searcher.snapshot
    if snap is None:
        return []
    stored = [r[0] for r in snap.rows("SELECT DISTINCT agency FROM assignments")]
    names = searcher.canon.match(agency, candidates=stored)
    if not names:
        q = fold(agency).strip()
        names = [a for a in stored if q and q in fold(a)]
    return names


def list_tasks(
    searcher,
    agency: str | None,
    *,
    since: str | None = None,
    until: str | None = None,
    role: str | None = None,
) -> dict[str, Any]:
    snap = searcher.snapshot
    canonical = None
    if agency:
        matches = searcher.canon.match(agency)
        canonical = matches[0] if matches else agency
    result: dict[str, Any] = {"agency": canonical, "assignments": []}
    if snap is None:
        return result
    where, params = [], []
    if agency:
        names = agency_names(searcher, agency)
        if not names:
            return result
        where.append(f"a.agency IN ({','.join('?' * len(names))})")
        params.extend(names)
    if role:
        where.append("a.role = ?")
        params.append(role)
    if since:
        where.append("d.date >= ?")
        params.append(since)
    if until:
        where.append("d.date <= ?")
        params.append(until)
    sql = (
        "SELECT a.*, d.source, d.number, d.date, d.type, d.title FROM assignments a"
        " JOIN documents d ON d.doc_id = a.doc_id"
        + (" WHERE " + " AND ".join(where) if where else "")
        + " ORDER BY COALESCE(d.date, '') DESC, d.source, a.start, a.id"
    )
    result["assignments"] = [
        {
            "source": r["source"],
            "number": r["number"],
            "date": r["date"],
            "type": r["type"],
            "title": r["title"],
            "agency": r["agency"],
            "agency_text": r["agency_text"],
            "role": r["role"],
            "task": r["task"],
            "deadline": r["deadline"],
            "section": r["section"],
            "doc_id": r["doc_id"],
            "start": r["start"],
            "end": r["end"],
        }
        for r in snap.rows(sql, params)
    ]
    return result


# Words that make up only generic names ("Cơ quan", "Tổ chức, cá nhân", "Bộ trưởng", "Các sở, ban, ngành"):
# such a name in a question does not point at one agency.
_GENERIC_WORDS = frozenset(
    "cac co quan don vi to chuc ca nhan bo nganh so ban dia phuong nha nuoc lien chu dau tu ngang truong "
    "thu cap chuc nang va tinh huyen xa thanh pho truc thuoc trung uong".split()
)


def is_generic_agency(name: str) -> bool:
    return set(fold(name).replace(",", " ").split()) <= _GENERIC_WORDS


def find_agencies(searcher, text: str) -> list[str]:
    """Stored canonical agency names mentioned in a question, longest mention first, no overlaps.

    Compared on accent-folded words with abbreviations expanded, so "so y te", "SỞ Y TẾ" and
    "UBND tỉnh" are found as well as "Sở Y tế" and "Ủy ban nhân dân tỉnh".
    """
    snap = searcher.snapshot
    if snap is None:
        return []
    canon = searcher.canon
    stored = [r[0] for r in snap.rows("SELECT DISTINCT agency FROM assignments")]
    hay = f" {canon.key(canon.canonical(text))} "
    plain = f" {canon.key(text)} "
    found: list[tuple[int, str]] = []
    for name in sorted(stored, key=lambda n: -len(canon.key(n))):
        k = canon.key(name)
        if len(k) < 4 or is_generic_agency(name):
            continue
        for h in (hay, plain):
            pos = h.find(f" {k} ")
            if pos >= 0:
                span = (pos, pos + len(k))
                if all(not (s < span[1] and span[0] < e) for s, e, _ in found):
                    found.append((*span, name))
                break
    return [name for _, _, name in sorted(found)]
