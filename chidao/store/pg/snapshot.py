"""Reading a chidao PostgreSQL index: the same typed reads as the file store's snapshot, plus a dense
backend (pgvector HNSW, cosine) and a lexical backend (BM25 computed from the stored term statistics)
with the interfaces of ``chidao/store/dense.py`` and ``chidao/store/lexical.py``.

BM25 here is bm25s's "lucene" variant with the same k1 and b as the file store, computed from the
``postings`` table (token, chunk, tf) and the chunks' token counts: idf = ln(1 + (N - df + 0.5)/(df + 0.5)),
tf part = tf / (tf + k1 (1 - b + b dl / avgdl)), summed over the query's tokens (repeats counted), so
the two stores rank passages the same.

A snapshot is one generation (the counter every committed document moves): N, avgdl and the list of
chunk ids are read once when it opens; chunk ids never change meaning, so rows committed later are
simply not part of it, and rows deleted since are skipped when their passages are read.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import numpy as np

from chidao.store.layout import IndexMeta
from chidao.store.snapshot import ManifestReads

K1, B = 1.2, 0.75  # as chidao/store/lexical.py (bm25s.BM25(k1=1.2, b=0.75))
EF_SEARCH = 800  # HNSW candidate list, 8× the searcher's 100 candidates: recall@100 0.90 at 500k chunks (bench_stores)
_MARK = re.compile(r"\?")


class PgRow(tuple):
    """A result row readable by position and by column name (as sqlite3.Row)."""

    _names: dict[str, int]

    def __getitem__(self, key):  # type: ignore[override]
        if isinstance(key, str):
            return tuple.__getitem__(self, self._names[key])
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._names)


def vector_literal(vec: np.ndarray) -> str:
    """pgvector's text form of a vector (float32 values written exactly)."""
    return "[" + ",".join(repr(float(x)) for x in np.asarray(vec, dtype=np.float32)) + "]"


def query_rows(conn, sql: str, params: Iterable = ()) -> list[PgRow]:
    """Run one query written with ``?`` placeholders; rows readable by position and name."""
    cur = conn.execute(_MARK.sub("%s", sql), tuple(params))
    if cur.description is None:
        return []
    names = {d.name: i for i, d in enumerate(cur.description)}
    row_type = type("Row", (PgRow,), {"_names": names})
    return [row_type(r) for r in cur.fetchall()]


class PgDense:
    """Nearest chunks by cosine through pgvector's HNSW index (exact when restricted to a few ids)."""

    def __init__(self, conn_fn, dim: int, size: int) -> None:
        self._conn = conn_fn
        self.dim = dim
        self.size = size

    def search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        if self.size == 0 or k <= 0 or (allowed is not None and len(allowed) == 0):
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
        q = vector_literal(query)
        if allowed is None:
            rows = (
                self._conn()
                .execute(
                    "SELECT id, 1 - (embedding <=> %s::vector) FROM chunks ORDER BY embedding <=> %s::vector LIMIT %s",
                    (q, q, k),
                )
                .fetchall()
            )
        else:  # exact over the allowed chunks (an HNSW scan filtered afterwards could return fewer than k)
            rows = (
                self._conn()
                .execute(
                    "SELECT id, 1 - (embedding <=> %s::vector) AS s FROM chunks WHERE id = ANY(%s)"
                    " ORDER BY s DESC, id LIMIT %s",
                    (q, [int(i) for i in allowed], k),
                )
                .fetchall()
            )
        ids = np.asarray([r[0] for r in rows], dtype=np.int64)
        return ids, np.asarray([r[1] for r in rows], dtype=np.float32)

    def vectors(self, ids: np.ndarray) -> np.ndarray:
        if len(ids) == 0:
            return np.empty((0, self.dim), dtype=np.float32)
        rows = (
            self._conn()
            .execute("SELECT id, embedding::text FROM chunks WHERE id = ANY(%s)", ([int(i) for i in ids],))
            .fetchall()
        )
        # pgvector's text form, "[x,y,…]", parsed by numpy (its shortest decimals give the float32 back exactly)
        found = {r[0]: np.fromstring(r[1][1:-1], dtype=np.float32, sep=",") for r in rows}
        zero = np.zeros(self.dim, dtype=np.float32)  # a chunk deleted since the snapshot opened scores 0
        return np.asarray([found.get(int(i), zero) for i in ids], dtype=np.float32).reshape(len(ids), self.dim)


class PgLexical:
    """BM25 over the stored tokens of every chunk of the snapshot (row i ↔ ids[i])."""

    def __init__(self, conn_fn, ids: np.ndarray, lengths: np.ndarray) -> None:
        self._conn = conn_fn
        self.ids = ids
        self._lengths = lengths.astype(np.float64)
        self._avgdl = float(self._lengths.mean()) if len(lengths) else 1.0

    def rows(self, ids: np.ndarray) -> np.ndarray:
        ids = np.asarray(ids, dtype=np.int64)
        if not len(self.ids):
            return np.full(len(ids), -1, dtype=np.int64)
        pos = np.searchsorted(self.ids, ids)
        found = (pos < len(self.ids)) & (self.ids[np.minimum(pos, len(self.ids) - 1)] == ids)
        return np.where(found, pos, -1)

    def _df(self, terms: list[str]) -> dict[str, int]:
        rows = (
            self._conn()
            .execute("SELECT term, count(*) FROM postings WHERE term = ANY(%s) GROUP BY term", (terms,))
            .fetchall()
        )
        return {r[0]: int(r[1]) for r in rows}

    def _idf(self, df: int) -> float:
        n = len(self.ids)
        return float(np.log(1.0 + (n - df + 0.5) / (df + 0.5)))

    def df(self, tokens: list[str]) -> dict[str, int]:
        """How many passages hold each token (0 for a token the index never saw)."""
        df = self._df(list(dict.fromkeys(tokens))) if tokens else {}
        return {t: df.get(t, 0) for t in tokens}

    def idf(self, tokens: list[str]) -> dict[str, float]:
        """BM25 idf of each token (tokens never seen get the idf of a one-passage token)."""
        df = self._df(list(dict.fromkeys(tokens))) if tokens else {}
        return {t: self._idf(max(df.get(t, 0), 1)) for t in tokens}

    def scores(self, tokens: list[str]) -> np.ndarray:
        """BM25 score of every passage (row order of ``ids``); zeros for unknown tokens."""
        out = np.zeros(len(self.ids), dtype=np.float64)
        if not tokens or not len(self.ids):
            return out.astype(np.float32)
        counts: dict[str, int] = {}
        for t in tokens:
            counts[t] = counts.get(t, 0) + 1
        # One row per term with its postings as text lists (parsed by numpy, not one Python tuple per posting:
        # a frequent term has a posting in most chunks).
        rows = (
            self._conn()
            .execute(
                "SELECT term, count(*), string_agg(chunk_id::text, ','), string_agg(tf::text, ',')"
                " FROM postings WHERE term = ANY(%s) GROUP BY term",
                (list(counts),),
            )
            .fetchall()
        )
        for term, df, chunk_text, tf_text in rows:
            chunk = np.fromstring(chunk_text, dtype=np.int64, sep=",")
            tf = np.fromstring(tf_text, dtype=np.float64, sep=",")
            pos = self.rows(chunk)
            sel = pos >= 0  # postings of chunks committed after this snapshot opened are skipped
            p, f = pos[sel], tf[sel]
            norm = K1 * ((1 - B) + B * self._lengths[p] / self._avgdl)
            out[p] += counts[term] * self._idf(int(df)) * f / (norm + f)  # a term's chunks are distinct
        return out.astype(np.float32)


class PgSnapshot(ManifestReads):
    """One generation of a PostgreSQL index, read through the same methods as the file store's Snapshot."""

    def __init__(self, conn_fn, meta: IndexMeta) -> None:
        self._conn = conn_fn
        self.meta = meta
        self.path = Path(f"postgresql-generation-{meta.generation}")  # a per-generation key (board caches)
        rows = conn_fn().execute("SELECT id, length FROM chunks ORDER BY id").fetchall()
        ids = np.asarray([r[0] for r in rows], dtype=np.int64)
        lengths = np.asarray([r[1] for r in rows], dtype=np.int64)
        self.meta = meta.model_copy(update={"chunks": len(ids)})
        self.dense = PgDense(conn_fn, meta.dim, len(ids))
        self.lexical = PgLexical(conn_fn, ids, lengths)

    def _rows(self, sql: str, params: Iterable = ()) -> list[PgRow]:
        return query_rows(self._conn(), sql, params)

    @contextlib.contextmanager
    def reading(self) -> Iterator[None]:
        """Every read inside (on this thread) sees the same committed state: one read-only repeatable-read
        transaction, so a document committed meanwhile appears in all of the reads or in none."""
        from psycopg import pq

        conn = self._conn()
        if conn.info.transaction_status != pq.TransactionStatus.IDLE:  # already inside one (nested call)
            yield
            return
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        try:
            yield
        finally:
            if not conn.closed:
                conn.execute("ROLLBACK")

    def chunk_ids(self, doc_ids: Sequence[str]) -> np.ndarray:
        if not doc_ids:
            return np.empty(0, dtype=np.int64)
        rows = self._conn().execute("SELECT id FROM chunks WHERE doc_id = ANY(%s)", (list(doc_ids),)).fetchall()
        return np.asarray([r[0] for r in rows], dtype=np.int64)
