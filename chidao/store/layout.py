"""The on-disk index: generations, SQLite manifest, FAISS vectors, BM25, one writer at a time.

Layout of the index folder::

    CURRENT                 name of the live generation ("gen-000007"), replaced atomically
    gen-000007/
        manifest.sqlite     documents (metadata, normalised text), sources, chunks, citations, assignments,
                            ocr_pages (the word boxes and page image of every page read by OCR)
        vectors.faiss       FAISS index of the chunk embeddings (ids = chunk row ids)
        lexical/            bm25s index (JSON + .npy, no pickles)
        index.json          what the index is: schema version, model name, dimension, counts
    embeddings.sqlite       cache of passage embeddings by (model, text hash); survives crashes
    followup.sqlite         follow-up marks and their history (chidao/store/followup.py); the writer never touches it
    uploads/                files added through the web UI
    .lock                   held by the one ingest that may write

A writer copies the live manifest into a temporary generation, applies its changes, builds the
FAISS and BM25 files there, and only then points CURRENT at it. A run killed at any moment, or a
full disk, leaves CURRENT on the previous complete generation; readers keep using the generation
they opened until they reopen.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from chidao.config import DEFAULT_MODEL, ONNX_RECIPE, RETIRED_ONNX_IDS
from chidao.records import OcrPage, OcrWord

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
CREATE TABLE IF NOT EXISTS ocr_pages(
    doc_id TEXT NOT NULL,
    page INTEGER NOT NULL,
    width INTEGER NOT NULL, height INTEGER NOT NULL,
    confidence REAL NOT NULL, valid_share REAL NOT NULL, low_quality INTEGER NOT NULL, angle REAL NOT NULL,
    words TEXT NOT NULL,
    image BLOB,
    PRIMARY KEY (doc_id, page)
);
"""
#: Tables holding rows of one document (deleted with it).
DOCUMENT_TABLES = ("chunks", "citations", "assignments", "ocr_pages", "documents")


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


_YEAR_IN_NUMBER = re.compile(r"/((?:19|20)\d{2})/")


def year_in_number(number: str | None) -> int | None:
    """The year written inside a number like "24/2014/NĐ-CP", if any."""
    m = _YEAR_IN_NUMBER.search(number or "")
    return int(m.group(1)) if m else None


def text_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def words_json(page: OcrPage) -> str:
    """An OCR page's words as compact JSON: ``[[text, left, top, width, height, conf, start, end], …]``."""
    return json.dumps(
        [[w.text, w.left, w.top, w.width, w.height, round(w.conf, 1), w.start, w.end] for w in page.words],
        ensure_ascii=False,
        separators=(",", ":"),
    )


def words_from_json(data: str) -> list[OcrWord]:
    return [
        OcrWord(text=t, left=x, top=y, width=w, height=h, conf=c, start=s, end=e)
        for t, x, y, w, h, c, s, e in json.loads(data)
    ]


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


_ONNX_ID = f"onnx-{ONNX_RECIPE}"


def _split_model_id(model_id: str) -> tuple[str, str]:
    """(encoder, model) of a model id (chidao.config.Settings.model_id): a bare name is sentence-transformers."""
    head, sep, rest = model_id.partition(":")
    if sep and head in (_ONNX_ID, *RETIRED_ONNX_IDS, "hashing"):
        return head, rest
    return "sentence-transformers", model_id


def _describe(model_id: str) -> str:
    encoder, model = _split_model_id(model_id)
    if encoder in RETIRED_ONNX_IDS:
        return f"{model!r} (ONNX int8, bản xuất cũ / an earlier export)"
    return {_ONNX_ID: f"{model!r} (ONNX int8)", "hashing": f"{model!r} (hashing, test)"}.get(
        encoder, f"{model!r} (sentence-transformers)"
    )


def _how_to_match(model_id: str) -> str:
    encoder, model = _split_model_id(model_id)
    if encoder in RETIRED_ONNX_IDS:
        return "no setting of this chidao embeds as that earlier int8 export did"
    name = {_ONNX_ID: "onnx"}.get(encoder, encoder)
    return f"set encoder = {name!r} and model = {model!r} in chidao.toml (CHIDAO_ENCODER={name} CHIDAO_MODEL={model})"


def _hint(built: str, wanted: str) -> str:
    """A Vietnamese sentence for the two cases a clerk meets after an upgrade, else nothing."""
    built_encoder, built_model = _split_model_id(built)
    wanted_encoder, _ = _split_model_id(wanted)
    if built_encoder in RETIRED_ONNX_IDS:
        return " Bản xuất ONNX int8 đã tạo chỉ mục này không còn được dùng: hãy nạp lại chỉ mục."
    if built_encoder == "sentence-transformers" and built_model == DEFAULT_MODEL and wanted_encoder == _ONNX_ID:
        return (
            " Bộ mã hoá mặc định nay là ONNX int8; để dùng tiếp chỉ mục này mà không nạp lại, đặt"
            ' encoder = "sentence-transformers" trong chidao.toml.'
        )
    return ""


def check_model(meta: IndexMeta | None, model: str) -> None:
    """Refuse to use an index with a model other than the one that built it."""
    if meta is not None and meta.model != model:
        raise ModelMismatch(
            f"Chỉ mục được tạo bằng mô hình nhúng {_describe(meta.model)} nhưng cấu hình hiện dùng "
            f"{_describe(model)}; hãy nạp lại chỉ mục (`chidao ingest --rebuild …`) hoặc đặt lại cấu hình."
            f"{_hint(meta.model, model)} "
            f"(The index was built with {meta.model!r}, dimension {meta.dim}, but the configured encoder and "
            f"model are {model!r}; {_how_to_match(meta.model)}, or rebuild the index with `chidao ingest --rebuild …`.)"
        )
    if meta is not None and meta.schema_version != SCHEMA_VERSION:
        raise IndexStateError(
            f"the index has schema version {meta.schema_version}, this chidao reads {SCHEMA_VERSION}; "
            "rebuild it with `chidao ingest --rebuild …`"
        )


def iter_generations(root: Path) -> Iterator[Path]:
    yield from sorted(p for p in Path(root).glob("gen-*") if p.is_dir())
