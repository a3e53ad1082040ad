"""Cross-references: which indexed document carries a number, and who cites it.

Numbers repeat every year ("02/NQ-CP" exists in 2021 and 2026), so a citation resolves to an
indexed document by number AND year: the year printed with the citation (its date, or the year
inside the number); without one, the only candidate issued no later than the citing document;
otherwise it stays unresolved rather than guessed.
"""

from __future__ import annotations

from typing import Any

from chidao.text import docnum_display, docnum_key


def parse_lookup(text: str) -> tuple[str, int | None]:
    """(key, year) of what a user typed to look a number up."""
    from ingest.references import parse_number_query

    parsed = parse_number_query(text)
    if parsed is not None:
        return parsed
    return docnum_key(text), None


def resolve(citation_year: int | None, citing_date: str | None, candidates: list[dict]) -> dict | None:
    """The indexed document a citation points at, among documents with the same number."""
    if not candidates:
        return None
    if citation_year is not None:
        same = [c for c in candidates if c["year"] == citation_year]
        return same[0] if len(same) == 1 else None
    if citing_date:
        earlier = [c for c in candidates if c["date"] is None or c["date"] <= citing_date]
        return earlier[0] if len(earlier) == 1 else None
    return candidates[0] if len(candidates) == 1 else None


def _doc(row) -> dict[str, Any]:
    return {
        "doc_id": row["doc_id"],
        "source": row["source"],
        "number": row["number"],
        "type": row["type"],
        "issuer": row["issuer"],
        "date": row["date"],
        "title": row["title"],
        "year": row["year"],
    }


def lookup(searcher, number: str) -> dict[str, Any]:
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
    snap = searcher.snapshot
    if snap is None:
        return result
    candidates = [_doc(r) for r in snap.rows("SELECT * FROM documents WHERE number_key=? ORDER BY date", (key,))]
    by_id = {c["doc_id"]: c for c in candidates}
    cited_by = []
    for r in snap.rows(
        "SELECT c.doc_id, c.number AS cited, c.year AS cyear, c.type AS ctype, c.date AS cdate, c.context,"
        ' c.start, c."end",'
        " d.source, d.number, d.date, d.type, d.title FROM citations c JOIN documents d ON d.doc_id = c.doc_id"
        " WHERE c.key=? ORDER BY COALESCE(d.date, '') DESC, d.source",
        (key,),
    ):
        target = resolve(r["cyear"], r["date"], candidates)
        if year is not None:
            cited_year = r["cyear"] if r["cyear"] is not None else (target["year"] if target else None)
            if cited_year is not None and cited_year != year:
                continue
        cited_by.append(
            {
                "doc_id": r["doc_id"],
                "source": r["source"],
                "number": r["number"],
                "type": r["type"],
                "date": r["date"],
                "title": r["title"],
                "cited_as": r["cited"],
                "cited_type": r["ctype"],
                "cited_date": r["cdate"],
                "context": r["context"],
                "start": r["start"],
                "end": r["end"],
                "resolves_to": target["doc_id"] if target else None,
            }
        )
    documents = [c for c in candidates if year is None or c["year"] == year]
    for d in documents:
        d["cites"] = [
            {"number": r["number"], "key": r["key"], "date": r["date"], "context": r["context"]}
            for r in snap.rows(
                "SELECT number, key, date, context FROM citations WHERE doc_id=? ORDER BY start",
                (d["doc_id"],),
            )
        ]
    result["documents"] = documents
    result["cited_by"] = cited_by
    if documents:
        result["number"] = documents[0]["number"] or result["number"]
    del by_id
    return result
