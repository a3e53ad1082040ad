"""Writing a chidao PostgreSQL index: many workers at once, one document per transaction.

Files to index wait in ``ingest_queue``. A worker claims one row with ``FOR UPDATE SKIP LOCKED`` and
keeps that transaction open while it parses and embeds the file; the document, its chunks (vectors,
BM25 postings), citations, assignments, its source row, the removal of the queue row and the move of
the generation counter are committed together. A worker killed at any moment loses its transaction:
nothing of the document is visible, the queue row is unlocked, and another worker claims it again.
Embeddings are cached in their own autocommitted rows, so the next worker does not compute them again.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Iterable

import numpy as np

from chidao.records import Document
from chidao.store.docrows import (
    ASSIGNMENT_COLUMNS,
    CHUNK_COLUMNS,
    CITATION_COLUMNS,
    DOCUMENT_COLUMNS,
    OCR_PAGE_COLUMNS,
    assignment_rows,
    chunk_rows,
    citation_rows,
    document_row,
    insert_sql,
    ocr_page_rows,
)
from chidao.store.layout import IndexMeta, check_model
from chidao.store.pg.schema import connect, migrate
from chidao.store.pg.snapshot import vector_literal

logger = logging.getLogger(__name__)

_MODEL_LOCK = 0x63686965  # advisory lock key held while the first writer types the vector column
_TABLES = "ocr_pages, documents, sources, chunks, postings, citations, assignments, ingest_queue, store_meta"


class PgEmbeddingCache:
    """Passage embeddings by (model, text hash) in the ``embeddings`` table; the EmbeddingCache interface."""

    def __init__(self, conn) -> None:
        self._db = conn  # autocommit: every put is durable at once

    def missing(self, model: str, hashes: Iterable[str]) -> set[str]:
        wanted = set(hashes)
        if not wanted:
            return set()
        rows = self._db.execute(
            "SELECT hash FROM embeddings WHERE model = %s AND hash = ANY(%s)", (model, list(wanted))
        ).fetchall()
        return wanted - {r[0] for r in rows}

    def put(self, model: str, hashes: list[str], vectors: np.ndarray) -> None:
        with self._db.cursor() as cur:
            cur.executemany(
                "INSERT INTO embeddings(model, hash, vec) VALUES (%s, %s, %s::vector) ON CONFLICT DO NOTHING",
                [(model, h, vector_literal(v)) for h, v in zip(hashes, vectors, strict=True)],
            )

    def get(self, model: str, hashes: list[str]) -> np.ndarray:
        from chidao.store.layout import IndexStateError

        found = self.lookup(model, hashes)
        missing = [h for h in hashes if h not in found]
        if missing:
            raise IndexStateError(f"{len(missing)} passages have no embedding in the cache")
        return np.asarray([found[h] for h in hashes], dtype=np.float32)

    def lookup(self, model: str, hashes: list[str]) -> dict[str, np.ndarray]:
        """The cached vectors of those hashes that have one, by hash."""
        if not hashes:
            return {}
        rows = self._db.execute(
            "SELECT hash, vec::real[] FROM embeddings WHERE model = %s AND hash = ANY(%s)", (model, list(set(hashes)))
        ).fetchall()
        return {h: np.asarray(v, dtype=np.float32) for h, v in rows}

    def close(self) -> None:
        pass


def read_meta(conn) -> IndexMeta | None:
    """The index's model and dimension (None before the first document), with the live counts. (The
    database's own migration version is checked when connecting, by ``chidao.store.pg.schema``.)"""
    from chidao.store.layout import SCHEMA_VERSION

    row = conn.execute("SELECT model, dim, created FROM store_meta").fetchone()
    if row is None:
        return None
    generation = conn.execute("SELECT generation FROM store_state").fetchone()[0]
    docs = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    chunks = conn.execute("SELECT count(*) FROM chunks").fetchone()[0]
    return IndexMeta(
        schema_version=SCHEMA_VERSION,
        model=row[0],
        dim=row[1],
        dense="hnsw",
        generation=generation,
        created=row[2].isoformat(timespec="seconds"),
        documents=docs,
        chunks=chunks,
    )


class Claim:
    """One claimed file and the open transaction that will store its document."""

    def __init__(self, writer: PgWriter, conn, path: str, source: str) -> None:
        self.writer = writer
        self._tx = conn
        self.path = path
        self.source = source

    def known(self, path: str) -> tuple[str, str, int, float] | None:
        row = self._tx.execute("SELECT doc_id, file_hash, size, mtime FROM sources WHERE path=%s", (path,)).fetchone()
        return tuple(row) if row else None

    def document_source(self, doc_id: str) -> str | None:
        row = self._tx.execute("SELECT source FROM documents WHERE doc_id=%s", (doc_id,)).fetchone()
        return row[0] if row else None

    def add_document(self, doc: Document, vectors: np.ndarray) -> bool:
        """Store a document with its chunk vectors; False when a document of the same content exists."""
        cur = self._tx.execute(
            insert_sql("documents", DOCUMENT_COLUMNS, "%s") + " ON CONFLICT (doc_id) DO NOTHING", document_row(doc)
        )
        if cur.rowcount == 0:
            return False
        columns = (*CHUNK_COLUMNS, "length", "embedding")
        values = ",".join(["%s"] * (len(columns) - 1)) + ",%s::vector"
        chunk_sql = insert_sql("chunks", columns, "%s", values) + " RETURNING id"
        postings = []
        for (row, tokens), vec in zip(chunk_rows(doc), vectors, strict=True):
            chunk_id = self._tx.execute(chunk_sql, (*row, len(tokens), vector_literal(vec))).fetchone()[0]
            postings.extend((t, chunk_id, n) for t, n in Counter(tokens).items())
        with self._tx.cursor() as cur, cur.copy("COPY postings(term, chunk_id, tf) FROM STDIN") as copy:
            for row in postings:
                copy.write_row(row)
        with self._tx.cursor() as cur:
            cur.executemany(insert_sql("citations", CITATION_COLUMNS, "%s"), citation_rows(doc))
            cur.executemany(insert_sql("assignments", ASSIGNMENT_COLUMNS, "%s"), assignment_rows(doc))
            cur.executemany(insert_sql("ocr_pages", OCR_PAGE_COLUMNS, "%s"), ocr_page_rows(doc))
        return True

    def link_source(self, path: str, source: str, doc_id: str, file_hash: str, size: int, mtime: float) -> None:
        self._tx.execute(
            "INSERT INTO sources(path, source, doc_id, file_hash, size, mtime) VALUES (%s,%s,%s,%s,%s,%s)"
            " ON CONFLICT (path) DO UPDATE SET source=EXCLUDED.source, doc_id=EXCLUDED.doc_id,"
            " file_hash=EXCLUDED.file_hash, size=EXCLUDED.size, mtime=EXCLUDED.mtime",
            (path, source, doc_id, file_hash, size, mtime),
        )

    def unlink_source(self, path: str) -> bool:
        return _unlink_source(self._tx, path)

    def done(self) -> None:
        """Commit: the document (if any) becomes visible to every reader, the file leaves the queue."""
        self._tx.execute("DELETE FROM ingest_queue WHERE path=%s", (self.path,))
        _bump(self._tx)
        self._tx.commit()

    def abandon(self) -> None:
        self._tx.rollback()


def _bump(conn) -> None:
    conn.execute("UPDATE store_state SET generation = generation + 1, updated = now()")


def _unlink_source(conn, path: str) -> bool:
    """Forget a file; its document goes too when no other file has the same content (in the caller's
    transaction). True when a document was removed."""
    row = conn.execute("DELETE FROM sources WHERE path=%s RETURNING doc_id", (path,)).fetchone()
    if row is None:
        return False
    doc_id = row[0]
    other = conn.execute("SELECT source FROM sources WHERE doc_id=%s ORDER BY source LIMIT 1", (doc_id,)).fetchone()
    if other is not None:
        conn.execute("UPDATE documents SET source=%s WHERE doc_id=%s", (other[0], doc_id))
        return False
    conn.execute("DELETE FROM documents WHERE doc_id=%s", (doc_id,))  # chunks, postings, … cascade
    return True


class PgWriter:
    """A writer of a PostgreSQL index; many may run at once (use as a context manager)."""

    def __init__(self, url: str, model: str, *, rebuild: bool = False) -> None:
        self.url = url
        self.model = model
        self.rebuild = rebuild
        self._db = None  # autocommit: queue, reads, cache, one-statement changes
        self._tx = None  # one document transaction at a time
        self.cache: PgEmbeddingCache | None = None
        self.previous: IndexMeta | None = None

    def __enter__(self) -> PgWriter:
        self._db = connect(self.url)
        migrate(self._db)
        if self.rebuild:
            with self._db.transaction():
                self._db.execute(f"TRUNCATE {_TABLES}")
                _bump(self._db)
        self.previous = read_meta(self._db)
        check_model(self.previous, self.model)
        self._tx = connect(self.url, autocommit=False)
        self.cache = PgEmbeddingCache(self._db)
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        for conn in (self._tx, self._db):
            if conn is not None:
                conn.close()
        self._tx = self._db = None

    # -- queue

    def enqueue(self, items: Iterable[tuple[str, str]]) -> None:
        """Add (path key, display source) rows to the queue; a path already waiting stays once."""
        with self._db.cursor() as cur:
            cur.executemany(
                "INSERT INTO ingest_queue(path, source) VALUES (%s, %s) ON CONFLICT (path) DO NOTHING", list(items)
            )

    def claim(self, *, wait: bool = True, poll: float = 0.5) -> Claim | None:
        """The next waiting file, locked in a new transaction; None once the queue is empty. With ``wait``,
        files locked by other workers are waited for (a killed worker's file comes back to the queue)."""
        while True:
            row = self._tx.execute(
                "SELECT path, source FROM ingest_queue ORDER BY queued, path FOR UPDATE SKIP LOCKED LIMIT 1"
            ).fetchone()
            if row is not None:
                return Claim(self, self._tx, row[0], row[1])
            self._tx.rollback()
            if not wait or self._db.execute("SELECT count(*) FROM ingest_queue").fetchone()[0] == 0:
                return None
            time.sleep(poll)

    def ensure_model(self, dim: int) -> None:
        """Record the model and type the vector column and its HNSW index (first writer only)."""
        with self._db.transaction():
            self._db.execute("SELECT pg_advisory_xact_lock(%s)", (_MODEL_LOCK,))
            row = self._db.execute("SELECT model, dim FROM store_meta").fetchone()
            if row is None:
                self._db.execute(f"ALTER TABLE chunks ALTER COLUMN embedding TYPE vector({int(dim)})")
                self._db.execute(
                    "CREATE INDEX IF NOT EXISTS chunks_embedding_hnsw ON chunks"
                    " USING hnsw (embedding vector_cosine_ops)"
                )
                self._db.execute("INSERT INTO store_meta(id, model, dim) VALUES (1, %s, %s)", (self.model, dim))
        check_model(read_meta(self._db), self.model)

    # -- reads and one-transaction changes outside the queue

    def source(self, path: str) -> tuple[str, str, int, float] | None:
        row = self._db.execute("SELECT doc_id, file_hash, size, mtime FROM sources WHERE path=%s", (path,)).fetchone()
        return tuple(row) if row else None

    def source_paths(self) -> list[str]:
        return [r[0] for r in self._db.execute("SELECT path FROM sources ORDER BY path")]

    def chunk_count(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM chunks").fetchone()[0])

    def unlink_source(self, path: str) -> bool:
        with self._db.transaction():
            removed = _unlink_source(self._db, path)
            _bump(self._db)
        return removed

    def remove_document(self, doc_id: str) -> list[str]:
        """Remove a document and every file recorded for it; returns those files' paths."""
        with self._db.transaction():
            paths = [r[0] for r in self._db.execute("SELECT path FROM sources WHERE doc_id=%s", (doc_id,))]
            self._db.execute("DELETE FROM documents WHERE doc_id=%s", (doc_id,))
            _bump(self._db)
        return paths

    def commit(self, dim: int | None = None) -> IndexMeta | None:
        """Nothing to publish: every document was committed on its own. Returns the index's meta."""
        return read_meta(self._db)
