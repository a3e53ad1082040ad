"""Assignments across all indexed documents: an agency's tasks, newest first."""

from __future__ import annotations

import functools
from typing import Any

from chidao.lang.agencies import AgencyCanon
from chidao.lang.text import fold
from chidao.store import Snapshot


def agency_names(snap: Snapshot | None, canon: AgencyCanon, agency: str) -> list[str]:
    """Canonical agency names stored in the index that a typed agency refers to."""
    if snap is None:
        return []
    stored = snap.assigned_agencies()
    names = canon.match(agency, candidates=stored)
    if not names:
        q = fold(agency).strip()
        names = [a for a in stored if q and q in fold(a)]
    return names


TASK_FIELDS = (
    "source", "number", "date", "type", "title", "issuer", "agency", "agency_text", "role", "task", "deadline",
    "section", "doc_id", "start", "end",
)  # fmt: skip


def list_tasks(
    snap: Snapshot | None,
    canon: AgencyCanon,
    agency: str | None,
    *,
    since: str | None = None,
    until: str | None = None,
    role: str | None = None,
) -> dict[str, Any]:
    """`chidao tasks [AGENCY]`: an agency's assignments (or all), newest document first."""
    canonical = None
    if agency:
        matches = canon.match(agency)
        canonical = matches[0] if matches else agency
    result: dict[str, Any] = {"agency": canonical, "assignments": []}
    if snap is None:
        return result
    names = None
    if agency:
        names = agency_names(snap, canon, agency)
        if not names:
            return result
    rows = snap.assignments(names, role=role, since=since, until=until)
    result["assignments"] = [
        {k: getattr(r, k) for k in TASK_FIELDS} | {"co_assignees": list(r.co_assignees)} for r in rows
    ]
    return result


# Words that make up only generic names ("Cơ quan", "Tổ chức, cá nhân", "Bộ trưởng", "Các sở, ban, ngành"):
# such a name in a question does not point at one agency.
_GENERIC_WORDS = frozenset(
    "cac co quan don vi to chuc ca nhan bo nganh so ban dia phuong nha nuoc lien chu dau tu ngang truong "
    "thu cap chuc nang va tinh huyen xa thanh pho truc thuoc trung uong".split()
)


@functools.lru_cache(maxsize=8192)
def is_generic_agency(name: str) -> bool:
    return set(fold(name).replace(",", " ").split()) <= _GENERIC_WORDS


def find_agencies(snap: Snapshot | None, canon: AgencyCanon, text: str) -> list[str]:
    """Stored canonical agency names mentioned in a question, longest mention first, no overlaps.

    Compared on accent-folded words with abbreviations expanded, so "so y te", "SỞ Y TẾ" and
    "UBND tỉnh" are found as well as "Sở Y tế" and "Ủy ban nhân dân tỉnh".
    """
    if snap is None:
        return []
    stored = snap.assigned_agencies()
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
