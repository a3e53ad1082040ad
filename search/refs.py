"""Cross-references: which indexed document carries a number, and who cites it.

Numbers repeat every year ("02/NQ-CP" exists in 2021 and 2026), so a citation resolves to an
indexed document by number AND year: the year printed with the citation (its date, or the year
inside the number); without one, the only candidate issued no later than the citing document;
otherwise it stays unresolved rather than guessed.
"""

from __future__ import annotations

from typing import Any

from chidao.lang.text import docnum_display, docnum_key


def parse_lookup(text: str) -> tuple[str, int | None]:
    """(key, year) of what a user typed to look a number up."""
    from chidao.lang.references import parse_number_query

    parsed = parse_number_query(text)
    if parsed is not None:
        return parsed
    return docnum_key(text), None


def _keys_matching(snap, table: str, column: str, key: str) -> list[str]:
    """Stored keys that answer a looked-up key (exact, or partial "570/CD" from "công điện 570")."""
    from chidao.lang.references import number_matches

    if snap.rows(f"SELECT 1 FROM {table} WHERE {column}=? LIMIT 1", (key,)):
        return [key]
    stored = [r[0] for r in snap.rows(f"SELECT DISTINCT {column} FROM {table} WHERE {column} IS NOT NULL")]
    return [k for k in stored if number_matches(key, k)]


def resolve(citation, citing_date: str | None, candidates: list[dict]) -> dict | None:
    """The indexed document a citation points at (number and year; see chidao.lang.references)."""
    from chidao.lang.references import resolve_reference
    from chidao.records import Reference

    ref = Reference(number=citation["cited"], key=citation["key"], year=citation["cyear"], date=citation["cdate"])
    pool = [c for c in candidates if c["number_key"] == citation["key"]]
    dated = [(c["doc_id"], c["date"] or (f"{c['year']}-01-01" if c["year"] else None)) for c in pool]
    doc_id = resolve_reference(ref, dated, citing_date)
    return next((c for c in pool if c["doc_id"] == doc_id), None)


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
        "number_key": row["number_key"],
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
    doc_keys = _keys_matching(snap, "documents", "number_key", key)
    candidates = [
        _doc(r)
        for r in snap.rows(
            f"SELECT * FROM documents WHERE number_key IN ({','.join('?' * len(doc_keys))}) ORDER BY date", doc_keys
        )
    ]
    cite_keys = _keys_matching(snap, "citations", "key", key)
    cited_by = []
    for r in snap.rows(
        "SELECT c.doc_id, c.number AS cited, c.key, c.year AS cyear, c.type AS ctype, c.date AS cdate, c.context,"
        ' c.start, c."end", d.source, d.number, d.date, d.type, d.title'
        " FROM citations c JOIN documents d ON d.doc_id = c.doc_id"
        f" WHERE c.key IN ({','.join('?' * len(cite_keys))}) ORDER BY COALESCE(d.date, '') DESC, d.source",
        cite_keys,
    ):
        target = resolve(r, r["date"], candidates)
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
    return result
