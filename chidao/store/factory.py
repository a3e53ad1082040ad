"""The one factory choosing the store from the ``index`` setting: a folder (the file store: FAISS,
bm25s and SQLite files) or a ``postgresql://`` URL (PostgreSQL with pgvector, ``chidao/store/pg``).

Both stores give the same reader side: ``pointer()`` (what readers are at; it moves when something new
is published), ``meta()``, ``open_snapshot()`` returning an object with the typed reads of
``ManifestReads`` plus ``.meta``, ``.dense`` (``search``, ``vectors``) and ``.lexical`` (``ids``,
``scores``, ``rows``, ``idf``). Writers differ in how they publish (one generation switched atomically,
or one transaction per document) and say so with ``kind``. ``marks()`` gives the index's follow-up marks
(``MarkStore``): ``<index>/followup.sqlite`` for a folder, the ``followup_history`` table for a database.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import numpy as np

from chidao.config import ConfigError
from chidao.store.cache import EmbeddingCache, read_cached, read_missing
from chidao.store.followup import FollowupStore, MarkStore
from chidao.store.layout import CURRENT, EMBEDDINGS, IndexMeta, read_meta
from chidao.store.snapshot import Snapshot, open_snapshot
from chidao.store.writer import IndexWriter

SCHEMES = ("postgresql", "postgres")
VALID = "a folder path, or postgresql://USER:PASSWORD@HOST:PORT/DATABASE"


class DenseReader(Protocol):
    def search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]: ...

    def vectors(self, ids: np.ndarray) -> np.ndarray: ...


class LexicalReader(Protocol):
    ids: np.ndarray

    def scores(self, tokens: list[str]) -> np.ndarray: ...

    def rows(self, ids: np.ndarray) -> np.ndarray: ...

    def idf(self, tokens: list[str]) -> dict[str, float]: ...

    def df(self, tokens: list[str]) -> dict[str, int]: ...


class FileStore:
    """The embedded default: an index folder (chidao/store/layout.py)."""

    kind = "file"

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def pointer(self) -> str | None:
        try:
            return (self.root / CURRENT).read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None

    def meta(self) -> IndexMeta | None:
        return read_meta(self.root)

    def open_snapshot(self) -> Snapshot | None:
        return open_snapshot(self.root)

    def cached_vectors(self, model: str, hashes: list[str]) -> dict[str, np.ndarray]:
        """Passage vectors the ingest already computed (the embedding cache), by text hash."""
        return read_cached(self.root / EMBEDDINGS, model, hashes)

    def missing_vectors(self, model: str, hashes: list[str]) -> set[str]:
        """Those of ``hashes`` the embedding cache has no vector for."""
        return read_missing(self.root / EMBEDDINGS, model, hashes)

    def remember_vectors(self, model: str, hashes: list[str], vectors: np.ndarray) -> None:
        """Add passage vectors to the embedding cache (those a searcher computes ahead of questions)."""
        cache = EmbeddingCache(self.root / EMBEDDINGS)
        try:
            cache.put(model, hashes, vectors)
        finally:
            cache.close()

    def writer(self, model: str, *, rebuild: bool = False, lock_timeout: float = 0.0) -> IndexWriter:
        return IndexWriter(self.root, model, rebuild=rebuild, lock_timeout=lock_timeout)

    def marks(self) -> FollowupStore:
        return FollowupStore(self.root)


def uploads_folder(index: Path | str, cache_dir: Path) -> Path:
    """Where the web UI keeps uploaded files: ``<index>/uploads`` for an index folder, ``<cache_dir>/uploads``
    for a database (every web server that ingests uploads must then share that folder, or each keeps its own
    originals: the index itself is shared either way)."""
    return (Path(cache_dir) if is_url(index) else Path(index)) / "uploads"


def is_url(index: Path | str) -> bool:
    return isinstance(index, str) and "://" in index


def open_store(index: Path | str):
    """The store named by the ``index`` setting: FileStore for a folder, PgStore for postgresql://…"""
    if not is_url(index):
        return FileStore(Path(index))
    scheme = str(index).split("://", 1)[0].lower()
    if scheme not in SCHEMES:
        raise ConfigError(f"unknown index scheme {scheme!r}; valid: {VALID}")
    from chidao.store.pg import PgStore

    return PgStore(str(index))


def open_marks(index: Path | str) -> MarkStore:
    """The follow-up marks of the index named by the ``index`` setting (see ``open_store``)."""
    return open_store(index).marks()
