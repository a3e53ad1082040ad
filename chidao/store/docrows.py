"""What a document becomes in the manifest's tables, written once for both stores (the folder's SQLite
writer and the PostgreSQL writer): the columns of each table and the rows of one document. A writer
supplies only its driver's parameter mark ("?" for sqlite3, "%s" for psycopg)."""

from __future__ import annotations

import datetime as dt
import json

from chidao.lang.text import docnum_key
from chidao.records import Document
from chidao.store.layout import text_hash, words_json, year_in_number

DOCUMENT_COLUMNS = (
    "doc_id", "source", "format", "number", "number_key", "year", "type", "issuer", "place", "date", "title",
    "signer", "text", "page_starts", "warnings", "added_at",
)  # fmt: skip
CHUNK_COLUMNS = ("chunk_id", "doc_id", "ordinal", "section", "start", "end", "page", "page_end", "embed_hash", "tokens")
CITATION_COLUMNS = ("doc_id", "number", "key", "year", "type", "date", "context", "start", "end")
ASSIGNMENT_COLUMNS = ("doc_id", "agency", "agency_text", "role", "task", "deadline", "section", "start", "end")
OCR_PAGE_COLUMNS = (
    "doc_id", "page", "width", "height", "confidence", "valid_share", "low_quality", "angle", "words", "image",
)  # fmt: skip


def insert_sql(table: str, columns: tuple[str, ...], mark: str, values: str | None = None) -> str:
    """``INSERT INTO table(columns) VALUES (mark, …)``; ``values`` replaces the generated value list."""
    names = ", ".join(f'"{c}"' if c == "end" else c for c in columns)
    return f"INSERT INTO {table}({names}) VALUES ({values or ','.join([mark] * len(columns))})"


def document_row(doc: Document) -> tuple:
    m = doc.meta
    return (
        doc.doc_id,
        doc.source,
        doc.format,
        m.number,
        docnum_key(m.number) if m.number else None,
        int(m.date[:4]) if m.date else year_in_number(m.number),
        m.type,
        m.issuer,
        m.place,
        m.date,
        m.title,
        m.signer,
        doc.text,
        json.dumps(doc.page_starts) if doc.page_starts is not None else None,
        json.dumps(doc.warnings, ensure_ascii=False),
        dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    )


def chunk_rows(doc: Document) -> list[tuple[tuple, list[str]]]:
    """Each chunk's row (``CHUNK_COLUMNS``) with its lexical tokens."""
    from chidao.store.lexical import passage_tokens

    out = []
    for c in doc.chunks:
        tokens = passage_tokens(c.embed_text)
        row = (c.chunk_id, doc.doc_id, c.ordinal, c.section, c.start, c.end, c.page, c.page_end)
        out.append(((*row, text_hash(c.embed_text), " ".join(tokens)), tokens))
    return out


def citation_rows(doc: Document) -> list[tuple]:
    return [(doc.doc_id, r.number, r.key, r.year, r.type, r.date, r.context, r.start, r.end) for r in doc.references]


def assignment_rows(doc: Document) -> list[tuple]:
    return [
        (doc.doc_id, a.agency, a.agency_text, a.role, a.task, a.deadline, a.section, a.start, a.end)
        for a in doc.assignments
    ]


def ocr_page_rows(doc: Document) -> list[tuple]:
    return [
        (
            doc.doc_id,
            p.page,
            p.width,
            p.height,
            p.confidence,
            p.valid_share,
            int(p.low_quality),
            p.angle,
            words_json(p),
            p.image,
        )
        for p in doc.ocr_pages
    ]
