"""Cross-references: which indexed document carries a number, and who cites it.

Numbers repeat every year ("02/NQ-CP" exists in 2021 and 2026), so a citation resolves to an
indexed document by number AND year: the year printed with the citation (its date, or the year
inside the number); without one, the only candidate issued no later than the citing document;
otherwise it stays unresolved rather than guessed.
"""

from __future__ import annotations

from typing import Any

from chidao.lang.text import docnum_display, docnum_key
from chidao.store import Snapshot
from chidao.store.rows import CitationRow, DocumentRow


def parse_lookup(text: str) -> tuple[str, int | None]:
    """(key, year) of what a user typed to look a number up."""
    from chidao.lang.references import parse_number_query

    parsed = parse_number_query(text)
    if parsed is not None:
        return parsed
    return docnum_key(text), None


def _keys_matching(key: str, has_key, stored_keys) -> list[str]:
    """Stored keys that answer a looked-up key (exact, or partial "570/CD" from "công điện 570")."""
    from chidao.lang.references import number_matches

    if has_key(key):
        return [key]
    return [k for k in stored_keys() if number_matches(key, k)]


def resolve(citation: CitationRow, citing_date: str | None, candidates: list[dict]) -> dict | None:
    """The indexed document a citation points at (number and year; see chidao.lang.references)."""
    from chidao.lang.references import resolve_reference
    from chidao.records import Reference

    ref = Reference(number=citation.number, key=citation.key, year=citation.year, date=citation.date)
    pool = [c for c in candidates if c["number_key"] == citation["key"]]
    dated = [(c["doc_id"], c["date"] or (f"{c['year']}-01-01" if c["year"] else None)) for c in pool]
    doc_id = resolve_reference(ref, dated, citing_date)
    return next((c for c in pool if c["doc_id"] == doc_id), None)


def _doc(row: DocumentRow) -> dict[str, Any]:
    keys = ("doc_id", "source", "number", "type", "issuer", "date", "title", "year", "number_key")
    return {k: getattr(row, k) for k in keys}


def lookup(snap: Snapshot | None, number: str) -> dict[str, Any]:
    """`chidao refs NUMBER`: the document(s) with this number and everything citing it."""
    key, year = parse_lookup(number)
    result: dict[str, Any] = {
        "number": docnum_display(number),
        "key": key,
        "year": year,
        "documents": [],
        "cited_by": [],
        "cites": [],
    }
    if snap is None:
        return result
    candidates = [_doc(r) for r in snap.documents_by_number(_keys_matching(key, snap.has_number_key, snap.number_keys))]
    cited_by = []
    for r in snap.citing(_keys_matching(key, snap.has_citation_key, snap.citation_keys)):
        c = r.citation
        target = resolve(c, r.date, candidates)
        if year is not None:
            cited_year = c.year if c.year is not None else (target["year"] if target else None)
            if cited_year is not None and cited_year != year:
                continue
        cited_by.append(
            {
                "doc_id": c.doc_id,
                "source": r.source,
                "number": r.number,
                "type": r.type,
                "date": r.date,
                "title": r.title,
                "cited_as": c.number,
                "cited_type": c.type,
                "cited_date": c.date,
                "context": c.context,
                "start": c.start,
                "end": c.end,
                "resolves_to": target["doc_id"] if target else None,
            }
        )
    documents = [c for c in candidates if year is None or c["year"] == year]
    for d in documents:
        d["cites"] = [
            {"number": c.number, "key": c.key, "date": c.date, "context": c.context}
            for c in snap.citations(d["doc_id"])
        ]
    result["documents"] = documents
    result["cited_by"] = cited_by
    if documents:
        result["number"] = documents[0]["number"] or result["number"]
    return result
