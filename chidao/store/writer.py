"""The one writer of an index folder: copies the live manifest into a temporary generation, applies
changes, builds the FAISS and BM25 files and publishes by switching CURRENT atomically."""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import sqlite3
from pathlib import Path

import numpy as np

from chidao.failpoints import failpoint
from chidao.records import Document, assignment_passage
from chidao.store.cache import EmbeddingCache
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
from chidao.store.layout import (
    CURRENT,
    DOCUMENT_TABLES,
    EMBEDDINGS,
    KEEP_GENERATIONS,
    LEXICAL,
    LOCK,
    MANIFEST,
    META,
    SCHEMA,
    VECTORS,
    IndexBusy,
    IndexMeta,
    _fsync_dir,
    _fsync_tree,
    _gen_number,
    check_model,
    current_generation,
    read_meta,
    text_hash,
    write_failure,
)

logger = logging.getLogger(__name__)


class IndexWriter:
    """The one writer of an index folder. Use as a context manager; call ``commit()`` to publish."""

    def __init__(self, root: Path, model: str, *, rebuild: bool = False, lock_timeout: float = 0.0) -> None:
        self.root = Path(root)
        self.model = model
        self.rebuild = rebuild
        self.lock_timeout = lock_timeout
        self.changed = False
        self._lock = None
        self._db: sqlite3.Connection | None = None
        self._tmp: Path | None = None
        self.previous: IndexMeta | None = None
        self.cache: EmbeddingCache | None = None
        self.generation = 0
        self._live_before: str | None = None  # the generation CURRENT named when the writer opened

    # -- lifecycle

    def __enter__(self) -> IndexWriter:
        from filelock import FileLock, Timeout

        self.root.mkdir(parents=True, exist_ok=True)
        self._lock = FileLock(str(self.root / LOCK))
        try:
            self._lock.acquire(timeout=self.lock_timeout)
        except Timeout as exc:
            waited = f"đã chờ {self.lock_timeout:g} giây; " if self.lock_timeout > 0 else ""
            raise IndexBusy(
                f"Đang có một lần nạp khác ghi vào chỉ mục này ({waited}chỉ mục hiện có vẫn tra cứu được); "
                "hãy chờ lần nạp đó xong rồi chạy lại. (another ingest is writing this index right now; "
                "wait for it to finish and run again, or pass --wait SECONDS)"
            ) from exc
        try:
            self._open()
        except BaseException as exc:
            self.__exit__(type(exc), exc, exc.__traceback__)  # cleans up, releases the lock, may translate
            raise
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if self._db is not None:
                self._db.close()
                self._db = None
            if self._tmp is not None and self._tmp.exists():
                shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None
            if self.cache is not None:
                self.cache.close()
                self.cache = None
        finally:
            if self._lock is not None:
                self._lock.release()
        failure = write_failure(exc) if exc is not None else None
        if failure is not None and failure is not exc:
            logger.warning("index write failed (%s: %s); the previous generation stays live", type(exc).__name__, exc)
            raise failure from exc

    def _open(self) -> None:
        # Leftovers of runs that died before publishing.
        for stale in self.root.glob("gen-*.tmp"):
            shutil.rmtree(stale, ignore_errors=True)
        self.previous = None if self.rebuild else read_meta(self.root)
        check_model(self.previous, self.model)
        live = current_generation(self.root)
        self._live_before = live.name if live is not None else None
        number = max([_gen_number(p.name) for p in self.root.glob("gen-*") if p.is_dir()] + [0]) + 1
        self.generation = number
        self._tmp = self.root / f"gen-{number:06d}.tmp"
        self._tmp.mkdir()
        db_path = self._tmp / MANIFEST
        if live is not None and not self.rebuild:
            src = sqlite3.connect(f"file:{live / MANIFEST}?mode=ro", uri=True)
            dst = sqlite3.connect(db_path)
            src.backup(dst)
            src.close()
            dst.close()
        self._db = sqlite3.connect(db_path)
        self._db.executescript(SCHEMA)
        self._db.commit()
        self.cache = EmbeddingCache(self.root / EMBEDDINGS)
        if self.rebuild and live is not None:
            self.changed = True  # publishing an empty-then-refilled index is a change
        failpoint("tmp_created")

    @property
    def db(self) -> sqlite3.Connection:
        assert self._db is not None, "writer is not open"
        return self._db

    # -- reads

    def source(self, path: str) -> tuple[str, str, int, float] | None:
        """(doc_id, file_hash, size, mtime) recorded for a file path, if any."""
        row = self.db.execute("SELECT doc_id, file_hash, size, mtime FROM sources WHERE path=?", (path,)).fetchone()
        return tuple(row) if row else None

    def has_document(self, doc_id: str) -> bool:
        return self.db.execute("SELECT 1 FROM documents WHERE doc_id=?", (doc_id,)).fetchone() is not None

    def document_source(self, doc_id: str) -> str | None:
        row = self.db.execute("SELECT source FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        return row[0] if row else None

    def source_paths(self) -> list[str]:
        return [p for (p,) in self.db.execute("SELECT path FROM sources ORDER BY path")]

    def chunk_count(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM chunks").fetchone()[0])

    # -- writes

    def add_document(self, doc: Document) -> None:
        """Store a parsed document (its chunks, citations and assignments) under ``doc.doc_id``."""
        with self.db:
            self.db.execute(insert_sql("documents", DOCUMENT_COLUMNS, "?"), document_row(doc))
            self.db.executemany(insert_sql("chunks", CHUNK_COLUMNS, "?"), [row for row, _ in chunk_rows(doc)])
            self.db.executemany(insert_sql("citations", CITATION_COLUMNS, "?"), citation_rows(doc))
            self.db.executemany(insert_sql("assignments", ASSIGNMENT_COLUMNS, "?"), assignment_rows(doc))
            self.db.executemany(insert_sql("ocr_pages", OCR_PAGE_COLUMNS, "?"), ocr_page_rows(doc))
        self.changed = True

    def link_source(self, path: str, source: str, doc_id: str, file_hash: str, size: int, mtime: float) -> None:
        with self.db:
            self.db.execute(
                "INSERT OR REPLACE INTO sources(path, source, doc_id, file_hash, size, mtime) VALUES (?,?,?,?,?,?)",
                (path, source, doc_id, file_hash, size, mtime),
            )
        self.changed = True

    def unlink_source(self, path: str) -> bool:
        """Forget a file; its document goes too when no other file has the same content.

        Returns True when a document was removed.
        """
        row = self.db.execute("SELECT doc_id FROM sources WHERE path=?", (path,)).fetchone()
        if row is None:
            return False
        doc_id = row[0]
        with self.db:
            self.db.execute("DELETE FROM sources WHERE path=?", (path,))
            others = self.db.execute("SELECT source FROM sources WHERE doc_id=? ORDER BY source", (doc_id,)).fetchall()
            if others:
                # Keep the document under another of its files.
                self.db.execute("UPDATE documents SET source=? WHERE doc_id=?", (others[0][0], doc_id))
                removed = False
            else:
                for table in DOCUMENT_TABLES:
                    self.db.execute(f"DELETE FROM {table} WHERE doc_id=?", (doc_id,))
                removed = True
        self.changed = True
        return removed

    def remove_document(self, doc_id: str) -> list[str]:
        """Remove a document and every file recorded for it; returns those files' paths."""
        paths = [p for (p,) in self.db.execute("SELECT path FROM sources WHERE doc_id=?", (doc_id,))]
        with self.db:
            self.db.execute("DELETE FROM sources WHERE doc_id=?", (doc_id,))
            for table in DOCUMENT_TABLES:
                self.db.execute(f"DELETE FROM {table} WHERE doc_id=?", (doc_id,))
        self.changed = True
        return paths

    # -- embeddings

    def passages_to_embed(self) -> list[tuple[str, str]]:
        """(hash, embed text) of every passage whose embedding is not cached for this model: the chunks,
        and every assignment as the assignment answers score it (``assignment_passage``)."""
        rows = self.db.execute(
            'SELECT c.embed_hash, c.section, c.start, c."end", c.doc_id FROM chunks c ORDER BY c.doc_id, c.ordinal'
        ).fetchall()
        tasks: dict[str, str] = {}
        for section, agency, task in self.db.execute("SELECT section, agency, task FROM assignments ORDER BY id"):
            text = assignment_passage(section, agency, task)
            tasks.setdefault(text_hash(text), text)
        missing = self.cache.missing(self.model, [r[0] for r in rows] + list(tasks))
        if not missing:
            return []
        texts: dict[str, str] = {}
        doc_text: dict[str, str] = {}
        for h, section, start, end, doc_id in rows:
            if h not in missing or h in texts:
                continue
            if doc_id not in doc_text:
                doc_text = {
                    doc_id: self.db.execute("SELECT text FROM documents WHERE doc_id=?", (doc_id,)).fetchone()[0]
                }
            body = doc_text[doc_id][start:end]
            texts[h] = f"{section}\n{body}" if section else body
        texts.update((h, t) for h, t in tasks.items() if h in missing and h not in texts)
        return list(texts.items())

    # -- publish

    def commit(self, dim: int | None, dense_kind: str = "flat") -> IndexMeta | None:
        """Build the vector and lexical files and make this generation the live one.

        Does nothing (returns the previous meta) when nothing changed.
        """
        from chidao.store.dense import DenseIndex
        from chidao.store.lexical import LexicalIndex

        if not self.changed:
            return self.previous
        assert self._tmp is not None
        rows = self.db.execute("SELECT id, embed_hash, tokens FROM chunks ORDER BY id").fetchall()
        ids = np.asarray([r[0] for r in rows], dtype=np.int64)
        if dim is None:
            dim = self.previous.dim if self.previous else None
        vectors = self.cache.get(self.model, [r[1] for r in rows]) if rows else None
        if vectors is not None:
            dim = int(vectors.shape[1])
        if dim is None:
            dim = 0
        DenseIndex.build(ids, vectors if vectors is not None else np.empty((0, dim)), dim, dense_kind).save(
            self._tmp / VECTORS
        )
        LexicalIndex.build(ids.tolist(), [r[2].split() for r in rows]).save(self._tmp / LEXICAL)
        failpoint("files_written")
        docs = int(self.db.execute("SELECT COUNT(*) FROM documents").fetchone()[0])
        meta = IndexMeta(
            model=self.model,
            dim=dim,
            dense=dense_kind,
            generation=self.generation,
            created=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            documents=docs,
            chunks=len(rows),
        )
        self.db.commit()
        self.db.execute("PRAGMA journal_mode=DELETE")
        self.db.close()
        self._db = None
        (self._tmp / META).write_text(meta.model_dump_json(indent=2), encoding="utf-8")
        _fsync_tree(self._tmp)
        final = self.root / f"gen-{self.generation:06d}"
        os.replace(self._tmp, final)
        self._tmp = final  # not live yet: removed by __exit__ if the switch below fails
        _fsync_dir(self.root)
        failpoint("before_switch")
        pointer_tmp = self.root / (CURRENT + ".tmp")
        with open(pointer_tmp, "w", encoding="utf-8") as f:
            f.write(final.name + "\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(pointer_tmp, self.root / CURRENT)
        self._tmp = None
        _fsync_dir(self.root)
        failpoint("after_switch")
        self._prune_generations(final.name)
        logger.info("published %s: %d documents, %d chunks", final.name, docs, len(rows))
        return meta

    def _prune_generations(self, live: str) -> None:
        """Keep the new live generation and the one readers were using; drop older ones and
        orphans (generations of runs killed between renaming and switching CURRENT)."""
        gens = sorted(
            (p for p in self.root.glob("gen-*") if p.is_dir() and not p.name.endswith(".tmp")),
            key=lambda p: _gen_number(p.name),
        )
        keep = {live, self._live_before} if KEEP_GENERATIONS > 1 else {live}
        for p in gens:
            if p.name not in keep:
                shutil.rmtree(p, ignore_errors=True)
