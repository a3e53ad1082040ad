"""The on-disk index: generations, SQLite manifest, FAISS vectors, BM25, one writer at a time.

Layout of the index folder::

    CURRENT                 name of the live generation ("gen-000007"), replaced atomically
    gen-000007/
        manifest.sqlite     documents (metadata, normalised text), sources, chunks, citations, assignments
        vectors.faiss       FAISS index of the chunk embeddings (ids = chunk row ids)
        lexical/            bm25s index (JSON + .npy, no pickles)
        index.json          what the index is: schema version, model name, dimension, counts
    embeddings.sqlite       cache of passage embeddings by (model, text hash); survives crashes
    uploads/                files added through the web UI
    .lock                   held by the one ingest that may write

A writer copies the live manifest into a temporary generation, applies its changes, builds the
FAISS and BM25 files there, and only then points CURRENT at it. A run killed at any moment, or a
full disk, leaves CURRENT on the previous complete generation; readers keep using the generation
they opened until they reopen.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import hashlib
import json
import logging
import os
import re
import shutil
import signal
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict

from chidao.records import Document
from chidao.text import docnum_key

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 1
CURRENT = "CURRENT"
MANIFEST = "manifest.sqlite"
VECTORS = "vectors.faiss"
LEXICAL = "lexical"
META = "index.json"
EMBEDDINGS = "embeddings.sqlite"
UPLOADS = "uploads"
LOCK = ".lock"
KEEP_GENERATIONS = 2
#: Test-only hook: ``CHIDAO_FAILPOINT=NAME`` (or ``NAME:N``, the N-th time) makes the process
#: SIGKILL itself at the named point of an ingest; see ``failpoint``.
FAILPOINT_ENV = "CHIDAO_FAILPOINT"
#: With this set to a file path, a hit failpoint waits until that file exists instead of killing.
FAILPOINT_RELEASE_ENV = "CHIDAO_FAILPOINT_RELEASE"

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents(
    doc_id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    format TEXT NOT NULL,
    number TEXT, number_key TEXT, year INTEGER,
    type TEXT, issuer TEXT, place TEXT, date TEXT, title TEXT, signer TEXT,
    text TEXT NOT NULL,
    page_starts TEXT,
    warnings TEXT NOT NULL DEFAULT '[]',
    added_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_number ON documents(number_key);
CREATE TABLE IF NOT EXISTS sources(
    path TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    doc_id TEXT NOT NULL,
    file_hash TEXT NOT NULL,
    size INTEGER NOT NULL,
    mtime REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS sources_doc ON sources(doc_id);
CREATE TABLE IF NOT EXISTS chunks(
    id INTEGER PRIMARY KEY,
    chunk_id TEXT UNIQUE NOT NULL,
    doc_id TEXT NOT NULL,
    ordinal INTEGER NOT NULL,
    section TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    page INTEGER, page_end INTEGER,
    embed_hash TEXT NOT NULL,
    tokens TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks(doc_id);
CREATE TABLE IF NOT EXISTS citations(
    id INTEGER PRIMARY KEY,
    doc_id TEXT NOT NULL,
    number TEXT NOT NULL, key TEXT NOT NULL, year INTEGER,
    type TEXT, date TEXT, context TEXT NOT NULL,
    start INTEGER NOT NULL, "end" INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS citations_doc ON citations(doc_id);
CREATE INDEX IF NOT EXISTS citations_key ON citations(key);
CREATE TABLE IF NOT EXISTS assignments(
    id INTEGER PRIMARY KEY,
    doc_id TEXT NOT NULL,
    agency TEXT NOT NULL, agency_text TEXT NOT NULL,
    role TEXT NOT NULL, task TEXT NOT NULL, deadline TEXT, section TEXT NOT NULL,
    start INTEGER NOT NULL, "end" INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS assignments_doc ON assignments(doc_id);
CREATE INDEX IF NOT EXISTS assignments_agency ON assignments(agency);
"""


class IndexMeta(BaseModel):
    """What an index is; written as index.json beside its data."""

    model_config = ConfigDict(extra="forbid")

    schema_version: int = SCHEMA_VERSION
    model: str
    dim: int
    dense: str = "flat"
    generation: int
    created: str
    documents: int
    chunks: int


class IndexStateError(RuntimeError):
    """The index cannot be used as asked; the message says why and what to do."""


class IndexBusy(IndexStateError):
    pass


class ModelMismatch(IndexStateError):
    pass


class IndexWriteError(IndexStateError, OSError):
    """Saving the index failed (disk full, file size limit, I/O error); the previous index is kept.

    Also an ``OSError`` so that callers that catch write errors keep catching it.
    """


_WRITE_ERRNOS = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT, errno.EIO, errno.EROFS}
_SQLITE_FULL, _SQLITE_IOERR = 13, 10

WRITE_FAILED = (
    "Không ghi được chỉ mục: ổ đĩa đã đầy hoặc không ghi được ({why}). Chỉ mục cũ vẫn còn nguyên và vẫn "
    "được dùng để tra cứu; hãy giải phóng dung lượng ổ đĩa rồi chạy lại lệnh nạp. "
    "(The index could not be saved: disk full or write failed; the previous index is unchanged and still used.)"
)


def write_failure(exc: BaseException) -> IndexWriteError | None:
    """The clerk-facing error for a failed write (disk full, EFBIG, I/O error), or None for other errors."""
    if isinstance(exc, IndexWriteError):
        return exc
    why = None
    if isinstance(exc, OSError) and exc.errno in _WRITE_ERRNOS:
        why = os.strerror(exc.errno)
    elif isinstance(exc, sqlite3.OperationalError):
        code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
        if code in (_SQLITE_FULL, _SQLITE_IOERR) or "disk is full" in str(exc) or "disk I/O error" in str(exc):
            why = f"SQLite: {exc}"
    elif isinstance(exc, RuntimeError) and "write error" in str(exc):  # FAISS's FileIOWriter
        why = "FAISS: " + str(exc).rsplit("(", 1)[-1].rstrip(")")  # "... write error in f: 0 != 8 (File too large)"
    if why is None:
        return None
    err = IndexWriteError(WRITE_FAILED.format(why=why))
    err.errno = exc.errno if isinstance(exc, OSError) else None
    return err


_failpoint_hits: dict[str, int] = {}


def failpoint(name: str) -> None:
    """Test-only: SIGKILL this process at the point ``name`` when ``$CHIDAO_FAILPOINT`` asks for it.

    ``CHIDAO_FAILPOINT=NAME`` fires on the first pass through the point, ``NAME:N`` on the N-th.
    With ``$CHIDAO_FAILPOINT_RELEASE`` set to a path, the process instead creates ``PATH.waiting``
    and waits there until ``PATH`` exists (a test holding a writer mid-ingest). A no-op when the
    variable is unset.
    """
    spec = os.environ.get(FAILPOINT_ENV)
    if not spec:
        return
    point, _, nth = spec.partition(":")
    if point != name:
        return
    _failpoint_hits[name] = hits = _failpoint_hits.get(name, 0) + 1
    if hits != int(nth or 1):
        return
    release = os.environ.get(FAILPOINT_RELEASE_ENV)
    if release:
        Path(release + ".waiting").touch()  # tells the test the writer is parked here
        while not os.path.exists(release):
            time.sleep(0.02)
        return
    os.kill(os.getpid(), signal.SIGKILL)


_YEAR_IN_NUMBER = re.compile(r"/((?:19|20)\d{2})/")


def year_in_number(number: str | None) -> int | None:
    """The year written inside a number like "24/2014/NĐ-CP", if any."""
    m = _YEAR_IN_NUMBER.search(number or "")
    return int(m.group(1)) if m else None


def text_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def doc_id_for(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _fsync_tree(path: Path) -> None:
    for p in sorted(path.rglob("*")):
        if p.is_file():
            with open(p, "rb") as f:
                os.fsync(f.fileno())
    for d in [path, *[p for p in path.rglob("*") if p.is_dir()]]:
        _fsync_dir(d)


def _gen_number(name: str) -> int:
    try:
        return int(name.split("-", 1)[1])
    except (IndexError, ValueError):
        return -1


def current_generation(root: Path) -> Path | None:
    """The live generation folder, or None for an index that was never written."""
    pointer = root / CURRENT
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    gen = root / name
    return gen if (gen / META).is_file() else None


def read_meta(root: Path) -> IndexMeta | None:
    gen = current_generation(root)
    if gen is None:
        return None
    return IndexMeta.model_validate_json((gen / META).read_text(encoding="utf-8"))


def check_model(meta: IndexMeta | None, model: str) -> None:
    """Refuse to use an index with a model other than the one that built it."""
    if meta is not None and meta.model != model:
        raise ModelMismatch(
            f"the index was built with the model {meta.model!r} (dimension {meta.dim}) but the configured "
            f"model is {model!r}; set CHIDAO_MODEL={meta.model} (or model in chidao.toml), or rebuild the "
            "index with `chidao ingest --rebuild …`"
        )
    if meta is not None and meta.schema_version != SCHEMA_VERSION:
        raise IndexStateError(
            f"the index has schema version {meta.schema_version}, this chidao reads {SCHEMA_VERSION}; "
            "rebuild it with `chidao ingest --rebuild …`"
        )


# ---------------------------------------------------------------- embedding cache


class EmbeddingCache:
    """Passage embeddings by (model, text hash), committed batch by batch, shared by generations."""

    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(path, timeout=30)
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS vectors(model TEXT NOT NULL, hash TEXT NOT NULL, dim INTEGER NOT NULL,"
            " vec BLOB NOT NULL, PRIMARY KEY(model, hash))"
        )
        self._db.commit()

    def missing(self, model: str, hashes: Iterable[str]) -> set[str]:
        wanted = set(hashes)
        have: set[str] = set()
        batch = list(wanted)
        for i in range(0, len(batch), 500):
            part = batch[i : i + 500]
            q = f"SELECT hash FROM vectors WHERE model=? AND hash IN ({','.join('?' * len(part))})"
            have.update(h for (h,) in self._db.execute(q, [model, *part]))
        return wanted - have

    def put(self, model: str, hashes: list[str], vectors: np.ndarray) -> None:
        rows = [
            (model, h, int(v.shape[0]), np.asarray(v, dtype="<f4").tobytes())
            for h, v in zip(hashes, vectors, strict=True)
        ]
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO vectors VALUES (?,?,?,?)", rows)

    def get(self, model: str, hashes: list[str]) -> np.ndarray:
        found: dict[str, bytes] = {}
        unique = list(dict.fromkeys(hashes))
        for i in range(0, len(unique), 500):
            part = unique[i : i + 500]
            q = f"SELECT hash, vec FROM vectors WHERE model=? AND hash IN ({','.join('?' * len(part))})"
            found.update(self._db.execute(q, [model, *part]))
        missing = [h for h in unique if h not in found]
        if missing:
            raise IndexStateError(f"{len(missing)} passages have no embedding in the cache")
        return np.vstack([np.frombuffer(found[h], dtype="<f4") for h in hashes]).astype(np.float32)

    def close(self) -> None:
        self._db.close()


# ---------------------------------------------------------------- writer


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
        from search.lexical import passage_tokens

        m = doc.meta
        year = int(m.date[:4]) if m.date else year_in_number(m.number)
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        with self.db:
            self.db.execute(
                "INSERT INTO documents(doc_id, source, format, number, number_key, year, type, issuer, place,"
                " date, title, signer, text, page_starts, warnings, added_at)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    doc.doc_id,
                    doc.source,
                    doc.format,
                    m.number,
                    docnum_key(m.number) if m.number else None,
                    year,
                    m.type,
                    m.issuer,
                    m.place,
                    m.date,
                    m.title,
                    m.signer,
                    doc.text,
                    json.dumps(doc.page_starts) if doc.page_starts is not None else None,
                    json.dumps(doc.warnings, ensure_ascii=False),
                    now,
                ),
            )
            self.db.executemany(
                'INSERT INTO chunks(chunk_id, doc_id, ordinal, section, start, "end", page, page_end,'
                " embed_hash, tokens) VALUES (?,?,?,?,?,?,?,?,?,?)",
                [
                    (
                        c.chunk_id,
                        doc.doc_id,
                        c.ordinal,
                        c.section,
                        c.start,
                        c.end,
                        c.page,
                        c.page_end,
                        text_hash(c.embed_text),
                        " ".join(passage_tokens(c.embed_text)),
                    )
                    for c in doc.chunks
                ],
            )
            self.db.executemany(
                'INSERT INTO citations(doc_id, number, key, year, type, date, context, start, "end")'
                " VALUES (?,?,?,?,?,?,?,?,?)",
                [
                    (doc.doc_id, r.number, r.key, r.year, r.type, r.date, r.context, r.start, r.end)
                    for r in doc.references
                ],
            )
            self.db.executemany(
                "INSERT INTO assignments(doc_id, agency, agency_text, role, task, deadline, section, start,"
                ' "end") VALUES (?,?,?,?,?,?,?,?,?)',
                [
                    (
                        doc.doc_id,
                        a.agency,
                        a.agency_text,
                        a.role,
                        a.task,
                        a.deadline,
                        a.section,
                        a.start,
                        a.end,
                    )
                    for a in doc.assignments
                ],
            )
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
                for table in ("chunks", "citations", "assignments", "documents"):
                    self.db.execute(f"DELETE FROM {table} WHERE doc_id=?", (doc_id,))
                removed = True
        self.changed = True
        return removed

    def remove_document(self, doc_id: str) -> list[str]:
        """Remove a document and every file recorded for it; returns those files' paths."""
        paths = [p for (p,) in self.db.execute("SELECT path FROM sources WHERE doc_id=?", (doc_id,))]
        with self.db:
            self.db.execute("DELETE FROM sources WHERE doc_id=?", (doc_id,))
            for table in ("chunks", "citations", "assignments", "documents"):
                self.db.execute(f"DELETE FROM {table} WHERE doc_id=?", (doc_id,))
        self.changed = True
        return paths

    # -- embeddings

    def passages_to_embed(self) -> list[tuple[str, str]]:
        """(hash, embed text) of every chunk whose embedding is not cached for this model."""
        rows = self.db.execute(
            'SELECT c.embed_hash, c.section, c.start, c."end", c.doc_id FROM chunks c ORDER BY c.doc_id, c.ordinal'
        ).fetchall()
        missing = self.cache.missing(self.model, (r[0] for r in rows))
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
        return list(texts.items())

    # -- publish

    def commit(self, dim: int | None, dense_kind: str = "flat") -> IndexMeta | None:
        """Build the vector and lexical files and make this generation the live one.

        Does nothing (returns the previous meta) when nothing changed.
        """
        from search.dense import DenseIndex
        from search.lexical import LexicalIndex

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


# ---------------------------------------------------------------- reader


class Snapshot:
    """A read-only view of one published generation: manifest, dense and lexical indexes."""

    def __init__(self, root: Path, gen: Path) -> None:
        from search.dense import DenseIndex
        from search.lexical import LexicalIndex

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

    def rows(self, sql: str, params: Iterable = ()) -> list[sqlite3.Row]:
        return self.db.execute(sql, tuple(params)).fetchall()


def open_snapshot(root: Path) -> Snapshot | None:
    gen = current_generation(Path(root))
    return None if gen is None else Snapshot(Path(root), gen)


def iter_generations(root: Path) -> Iterator[Path]:
    yield from sorted(p for p in Path(root).glob("gen-*") if p.is_dir())
