"""The PostgreSQL + pgvector store: the same index as the file store, in tables, for many writers and
readers (see ``migrations/001_init.sql``). Needs the ``pg`` extra (psycopg)."""

from __future__ import annotations

import threading

import numpy as np

from chidao.store.layout import IndexMeta
from chidao.store.pg.followup import PgFollowupStore
from chidao.store.pg.schema import check_schema, connect, installed_version, redact
from chidao.store.pg.snapshot import EF_SEARCH, PgSnapshot
from chidao.store.pg.writer import PgEmbeddingCache, PgWriter, read_meta

__all__ = ["PgFollowupStore", "PgSnapshot", "PgStore", "PgWriter"]


class PgStore:
    """A ``postgresql://`` index: one connection per reading thread, snapshots by generation."""

    kind = "postgresql"

    def __init__(self, url: str) -> None:
        self.url = url
        self._local = threading.local()

    def __repr__(self) -> str:
        return f"PgStore({redact(self.url)})"

    def conn(self):
        """This thread's reading connection (autocommit), opened on first use and after a failure."""
        conn = getattr(self._local, "conn", None)
        if conn is None or conn.closed or conn.broken:
            conn = connect(self.url)
            conn.execute(f"SET hnsw.ef_search = {EF_SEARCH}")
            self._local.conn = conn
        return conn

    def _ready(self) -> bool:
        """True once the database holds a chidao schema of this version (raises for another version)."""
        conn = self.conn()
        if installed_version(conn) is None:
            return False
        check_schema(conn)
        return True

    def pointer(self) -> str | None:
        """The generation readers are at (moves with every committed document), None for no index."""
        if not self._ready():
            return None
        if self.conn().execute("SELECT 1 FROM store_meta").fetchone() is None:
            return None
        return str(self.conn().execute("SELECT generation FROM store_state").fetchone()[0])

    def meta(self) -> IndexMeta | None:
        return read_meta(self.conn()) if self._ready() else None

    def open_snapshot(self) -> PgSnapshot | None:
        meta = self.meta()
        return None if meta is None else PgSnapshot(self.conn, meta)

    def cached_vectors(self, model: str, hashes: list[str]) -> dict[str, np.ndarray]:
        """Passage vectors the ingest workers already computed (the ``embeddings`` table), by text hash
        (asked by a searcher that has a snapshot open, so the schema is known to be there)."""
        return PgEmbeddingCache(self.conn()).lookup(model, hashes)

    def missing_vectors(self, model: str, hashes: list[str]) -> set[str]:
        """Those of ``hashes`` the ``embeddings`` table has no vector for."""
        return PgEmbeddingCache(self.conn()).missing(model, hashes)

    def remember_vectors(self, model: str, hashes: list[str], vectors: np.ndarray) -> None:
        """Add passage vectors to the ``embeddings`` table (those a searcher computes ahead of questions)."""
        PgEmbeddingCache(self.conn()).put(model, hashes, vectors)

    def writer(self, model: str, *, rebuild: bool = False, lock_timeout: float = 0.0) -> PgWriter:
        return PgWriter(self.url, model, rebuild=rebuild)

    def marks(self) -> PgFollowupStore:
        """The follow-up marks (table ``followup_history``), on connections of their own."""
        return PgFollowupStore(self.url)
