"""A read-only view of one published generation; every read of the manifest is a method here."""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from chidao.records import OcrPage
from chidao.store.layout import LEXICAL, MANIFEST, META, VECTORS, IndexMeta, current_generation, words_from_json
from chidao.store.rows import (
    AgencyCount,
    AssignmentRow,
    CitationRow,
    CitingRow,
    DocumentRow,
    PassageRow,
    SourceRow,
)

_DOC_COLUMNS = "doc_id, source, format, number, number_key, year, type, issuer, place, date, title, signer, warnings"
_PASSAGE_SQL = """
SELECT c.id, c.chunk_id, c.doc_id, c.section, c.start, c."end", c.page,
       substr(d.text, c.start + 1, c."end" - c.start) AS text,
       d.source, d.number, d.type, d.issuer, d.date, d.title
FROM chunks c JOIN documents d ON d.doc_id = c.doc_id
WHERE c.id IN ({marks})
"""
_ASSIGNMENT_SQL = (
    'SELECT a.id, a.doc_id, a.agency, a.agency_text, a.role, a.task, a.deadline, a.section, a.start, a."end",'
    " d.source, d.number, d.type, d.date, d.issuer, d.title"
    " FROM assignments a JOIN documents d ON d.doc_id = a.doc_id"
)
_CITATION_COLUMNS = 'c.doc_id, c.number, c.key, c.year, c.type, c.date, c.context, c.start, c."end"'


def _marks(values: Sequence) -> str:
    return ",".join("?" * len(values))


def _document(r: sqlite3.Row, with_text: bool = False) -> DocumentRow:
    page_starts = json.loads(r["page_starts"]) if r["page_starts"] else None
    return DocumentRow(
        doc_id=r["doc_id"],
        source=r["source"],
        format=r["format"],
        number=r["number"],
        number_key=r["number_key"],
        year=r["year"],
        type=r["type"],
        issuer=r["issuer"],
        place=r["place"],
        date=r["date"],
        title=r["title"],
        signer=r["signer"],
        warnings=json.loads(r["warnings"] or "[]"),
        pages=len(page_starts) if page_starts else None,
        page_starts=page_starts,
        text=r["text"] if with_text else None,
    )


def _citation(r: sqlite3.Row) -> CitationRow:
    return CitationRow(
        doc_id=r["doc_id"],
        number=r["number"],
        key=r["key"],
        year=r["year"],
        type=r["type"],
        date=r["date"],
        context=r["context"],
        start=r["start"],
        end=r["end"],
    )


class ManifestReads:
    """The typed reads of a manifest (documents, sources, chunks, citations, assignments), shared by the
    file store's SQLite manifest and the PostgreSQL store: subclasses give ``_rows(sql, params)``, which
    runs one query written with ``?`` placeholders and returns rows readable by position and by name."""

    def _rows(self, sql: str, params: Iterable = ()) -> list:
        raise NotImplementedError

    def reading(self) -> contextlib.AbstractContextManager[None]:
        """Reads inside see one state of the index. A generation folder never changes, so nothing to do
        here; a database snapshot opens one read-only repeatable-read transaction."""
        return contextlib.nullcontext()

    # -- documents

    def documents(self) -> list[DocumentRow]:
        """Every document's metadata (no text), newest first."""
        rows = self._rows(f"SELECT {_DOC_COLUMNS}, page_starts FROM documents ORDER BY COALESCE(date, '') DESC, source")
        return [_document(r) for r in rows]

    def document(self, doc_id: str, *, with_text: bool = True) -> DocumentRow | None:
        cols = f"{_DOC_COLUMNS}, page_starts" + (", text" if with_text else "")
        rows = self._rows(f"SELECT {cols} FROM documents WHERE doc_id=?", (doc_id,))
        return _document(rows[0], with_text) if rows else None

    # -- pages read by OCR (an index written before OCR existed has no such table: no pages)

    def _ocr_rows(self, sql: str, params: Iterable) -> list[sqlite3.Row]:
        try:
            return self._rows(sql, params)
        except sqlite3.OperationalError as exc:
            if "no such table" in str(exc):
                return []
            raise

    def ocr_page_numbers(self, doc_id: str) -> list[int]:
        """The pages of a document that were read by OCR."""
        return [r[0] for r in self._ocr_rows("SELECT page FROM ocr_pages WHERE doc_id=? ORDER BY page", (doc_id,))]

    def ocr_page(self, doc_id: str, page: int) -> OcrPage | None:
        """One OCRed page's words (with boxes and text offsets) and quality, without the image."""
        rows = self._ocr_rows(
            "SELECT page, width, height, confidence, valid_share, low_quality, angle, words FROM ocr_pages"
            " WHERE doc_id=? AND page=?",
            (doc_id, page),
        )
        if not rows:
            return None
        r = rows[0]
        return OcrPage(
            page=r["page"],
            width=r["width"],
            height=r["height"],
            confidence=r["confidence"],
            valid_share=r["valid_share"],
            low_quality=bool(r["low_quality"]),
            angle=r["angle"],
            words=words_from_json(r["words"]),
        )

    def page_image(self, doc_id: str, page: int) -> bytes | None:
        """The JPEG image of an OCRed page, as the viewer shows it."""
        rows = self._ocr_rows("SELECT image FROM ocr_pages WHERE doc_id=? AND page=?", (doc_id, page))
        return bytes(rows[0][0]) if rows and rows[0][0] is not None else None

    def low_quality_pages(self) -> dict[str, list[int]]:
        """doc_id → its OCRed pages marked low quality."""
        out: dict[str, list[int]] = {}
        for r in self._ocr_rows("SELECT doc_id, page FROM ocr_pages WHERE low_quality=1 ORDER BY doc_id, page", ()):
            out.setdefault(r[0], []).append(r[1])
        return out

    def document_text(self, doc_id: str) -> str:
        rows = self._rows("SELECT text FROM documents WHERE doc_id=?", (doc_id,))
        return rows[0][0] if rows else ""

    def documents_by_number(self, keys: Sequence[str]) -> list[DocumentRow]:
        """Documents whose number key is one of ``keys``, oldest first."""
        if not keys:
            return []
        rows = self._rows(
            f"SELECT {_DOC_COLUMNS}, page_starts FROM documents WHERE number_key IN ({_marks(keys)}) ORDER BY date",
            keys,
        )
        return [_document(r) for r in rows]

    def number_keys(self) -> list[str]:
        """Every distinct document-number key of the indexed documents."""
        return [r[0] for r in self._rows("SELECT DISTINCT number_key FROM documents WHERE number_key IS NOT NULL")]

    def has_number_key(self, key: str) -> bool:
        return bool(self._rows("SELECT 1 FROM documents WHERE number_key=? LIMIT 1", (key,)))

    def sources(self, doc_id: str | None = None) -> list[SourceRow]:
        sql = "SELECT path, source, doc_id, file_hash, size FROM sources"
        rows = self._rows(sql + " WHERE doc_id=? ORDER BY path", (doc_id,)) if doc_id else self._rows(sql)
        return [SourceRow(r["path"], r["source"], r["doc_id"], r["file_hash"], r["size"]) for r in rows]

    # -- chunks

    def passages(self, ids: Sequence[int]) -> dict[int, PassageRow]:
        """Chunks by row id, with their text and document metadata."""
        if not ids:
            return {}
        rows = self._rows(_PASSAGE_SQL.format(marks=_marks(ids)), ids)
        return {r["id"]: PassageRow(*tuple(r)) for r in rows}

    def chunk_ids(self, doc_ids: Sequence[str]) -> np.ndarray:
        """Row ids of the chunks of these documents."""
        if not doc_ids:
            return np.empty(0, dtype=np.int64)
        rows = self._rows(f"SELECT id FROM chunks WHERE doc_id IN ({_marks(doc_ids)})", doc_ids)
        return np.asarray([r[0] for r in rows], dtype=np.int64)

    def chunk_counts(self) -> dict[str, int]:
        return {r[0]: r[1] for r in self._rows("SELECT doc_id, COUNT(*) FROM chunks GROUP BY doc_id")}

    def chunk_starts(self) -> list[tuple[int, str, int]]:
        """(row id, doc_id, start) of every chunk."""
        return [(r[0], r[1], r[2]) for r in self._rows("SELECT id, doc_id, start FROM chunks")]

    def chunk_spans(self) -> list[tuple[str, int, int, str]]:
        """(doc_id, start, end, section) of every chunk, document by document in reading order."""
        rows = self._rows('SELECT doc_id, start, "end", section FROM chunks ORDER BY doc_id, start')
        return [(r[0], r[1], r[2], r[3]) for r in rows]

    def section_at(self, doc_id: str, offset: int) -> str:
        """The heading path of the chunk holding ``offset`` ("" when none does)."""
        rows = self._rows(
            'SELECT section FROM chunks WHERE doc_id=? AND start<=? AND "end">? ORDER BY ordinal LIMIT 1',
            (doc_id, offset, offset),
        )
        return rows[0][0] if rows else ""

    def first_chunk_span(self, doc_id: str) -> tuple[int, int]:
        """(start, end) of a document's first chunk: its header."""
        rows = self._rows('SELECT start, "end" FROM chunks WHERE doc_id=? ORDER BY ordinal LIMIT 1', (doc_id,))
        return (rows[0][0], rows[0][1]) if rows else (0, 0)

    # -- citations

    def citations(self, doc_id: str) -> list[CitationRow]:
        """The numbers one document cites, in reading order."""
        rows = self._rows(f"SELECT {_CITATION_COLUMNS} FROM citations c WHERE c.doc_id=? ORDER BY c.start", (doc_id,))
        return [_citation(r) for r in rows]

    def cited_numbers(self) -> dict[str, list[str]]:
        """doc_id → the distinct numbers it cites, in reading order."""
        out: dict[str, list[str]] = {}
        for r in self._rows("SELECT doc_id, number FROM citations ORDER BY doc_id, start"):
            lst = out.setdefault(r[0], [])
            if r[1] not in lst:
                lst.append(r[1])
        return out

    def citation_keys(self) -> list[str]:
        return [r[0] for r in self._rows("SELECT DISTINCT key FROM citations WHERE key IS NOT NULL")]

    def has_citation_key(self, key: str) -> bool:
        return bool(self._rows("SELECT 1 FROM citations WHERE key=? LIMIT 1", (key,)))

    def citing(self, keys: Sequence[str]) -> list[CitingRow]:
        """Citations of any of ``keys`` with the citing documents, newest citing document first."""
        if not keys:
            return []
        rows = self._rows(
            f"SELECT {_CITATION_COLUMNS}, d.source, d.number AS d_number, d.date AS d_date, d.type AS d_type, d.title"
            f" FROM citations c JOIN documents d ON d.doc_id = c.doc_id WHERE c.key IN ({_marks(keys)})"
            " ORDER BY COALESCE(d.date, '') DESC, d.source",
            keys,
        )
        return [CitingRow(_citation(r), r["source"], r["d_number"], r["d_date"], r["d_type"], r["title"]) for r in rows]

    # -- assignments

    def assignments(
        self,
        agencies: Sequence[str] | None = None,
        *,
        role: str | None = None,
        since: str | None = None,
        until: str | None = None,
    ) -> list[AssignmentRow]:
        """Assignments (of these canonical agencies, if given), newest document first, in reading order."""
        where, params = [], []
        if agencies is not None:
            if not agencies:
                return []
            where.append(f"a.agency IN ({_marks(agencies)})")
            params.extend(agencies)
        for cond, value in (("a.role = ?", role), ("d.date >= ?", since), ("d.date <= ?", until)):
            if value:
                where.append(cond)
                params.append(value)
        sql = (
            _ASSIGNMENT_SQL
            + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY COALESCE(d.date, '') DESC, d.source, a.start, a.id"
        )
        return self._with_co_assignees(self._rows(sql, params))

    def assignments_within(self, doc_id: str, start: int, end: int) -> list[AssignmentRow]:
        """Assignments of one document that overlap the span [start, end), in reading order."""
        rows = self._rows(
            f'{_ASSIGNMENT_SQL} WHERE a.doc_id=? AND a.start<? AND a."end">? ORDER BY a.start', (doc_id, end, start)
        )
        return self._with_co_assignees(rows)

    def _with_co_assignees(self, rows: list[sqlite3.Row]) -> list[AssignmentRow]:
        """Rows with ``co_assignees``: the other agencies stored for the same task span of the same document.

        Derived at read time (a shared task is stored once per agency, with the same span), so an
        index of schema 1 answers it without a rebuild.
        """
        doc_ids = sorted({r["doc_id"] for r in rows})
        groups: dict[tuple[str, int, int], list[str]] = {}
        for chunk in (doc_ids[k : k + 500] for k in range(0, len(doc_ids), 500)):
            for r in self._rows(
                f'SELECT doc_id, start, "end", agency FROM assignments WHERE doc_id IN ({_marks(chunk)}) ORDER BY id',
                chunk,
            ):
                names = groups.setdefault((r[0], r[1], r[2]), [])
                if r[3] not in names:
                    names.append(r[3])
        out = []
        for r in rows:
            names = groups.get((r["doc_id"], r["start"], r["end"]), [])
            out.append(AssignmentRow(*tuple(r), co_assignees=tuple(n for n in names if n != r["agency"])))
        return out

    def issuers(self) -> dict[str, str]:
        """doc_id → issuer, for documents whose issuer is known."""
        return {r[0]: r[1] for r in self._rows("SELECT doc_id, issuer FROM documents WHERE issuer IS NOT NULL")}

    def assigned_agencies(self) -> list[str]:
        """Every distinct canonical agency with at least one assignment."""
        return [r[0] for r in self._rows("SELECT DISTINCT agency FROM assignments")]

    def agency_counts(self) -> list[AgencyCount]:
        """Every agency with assignments, with counts, most assigned first."""
        rows = self._rows(
            "SELECT agency, COUNT(*), COUNT(DISTINCT doc_id) FROM assignments GROUP BY agency ORDER BY 2 DESC, agency"
        )
        return [AgencyCount(r[0], r[1], r[2]) for r in rows]

    def documents_assigning(self, agencies: Sequence[str]) -> set[str]:
        """doc_ids of the documents that assign something to one of these agencies."""
        if not agencies:
            return set()
        rows = self._rows(f"SELECT DISTINCT doc_id FROM assignments WHERE agency IN ({_marks(agencies)})", agencies)
        return {r[0] for r in rows}


class Snapshot(ManifestReads):
    """A read-only view of one published generation: manifest, dense and lexical indexes."""

    def __init__(self, root: Path, gen: Path) -> None:
        from chidao.store.dense import DenseIndex
        from chidao.store.lexical import LexicalIndex

        self.root = root
        self.path = gen
        self.meta = IndexMeta.model_validate_json((gen / META).read_text(encoding="utf-8"))
        self.dense = DenseIndex.load(gen / VECTORS)
        self.lexical = LexicalIndex.load(gen / LEXICAL)
        self._local = threading.local()

    @property
    def db(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(f"file:{self.path / MANIFEST}?mode=ro", uri=True, check_same_thread=False)
            conn.row_factory = sqlite3.Row
            self._local.conn = conn
        return conn

    def _rows(self, sql: str, params: Iterable = ()) -> list[sqlite3.Row]:
        return self.db.execute(sql, tuple(params)).fetchall()


def open_snapshot(root: Path) -> Snapshot | None:
    gen = current_generation(Path(root))
    return None if gen is None else Snapshot(Path(root), gen)
