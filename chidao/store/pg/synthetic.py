"""Bulk loading of synthetic chunks into a PostgreSQL index, for the store benchmark (bench/bench_stores.py).

Fills an empty database with ``len(vectors)`` chunks in documents of ``per_doc`` chunks, their BM25
postings and vectors, by COPY, then builds the HNSW index once at the end (far faster than growing it
row by row). Not used by chidao itself.
"""

from __future__ import annotations

import logging
from collections import Counter

import numpy as np

from chidao.store.pg.writer import PgWriter

logger = logging.getLogger(__name__)


def load_synthetic(
    url: str, model: str, vectors: np.ndarray, tokens: list[list[str]], *, per_doc: int = 50, hnsw_memory: str = "2GB"
) -> None:
    """Replace the index at ``url`` with synthetic chunks (one row per vector, its tokens for BM25)."""
    dim = int(vectors.shape[1])
    with PgWriter(url, model, rebuild=True) as w:
        db = w._db
        w.ensure_model(dim)
        db.execute("DROP INDEX IF EXISTS chunks_embedding_hnsw")
        n = len(vectors)
        with db.transaction():
            with (
                db.cursor() as cur,
                cur.copy("COPY documents(doc_id, source, format, text, added_at) FROM STDIN") as cp,
            ):
                for d in range(0, n, per_doc):
                    cp.write_row((f"syn{d // per_doc:08d}", f"synthetic/{d // per_doc:08d}.txt", "txt", "x" * 10, "-"))
            with (
                db.cursor() as cur,
                cur.copy(
                    'COPY chunks(id, chunk_id, doc_id, ordinal, section, start, "end", embed_hash, tokens, length,'
                    " embedding) FROM STDIN"
                ) as cp,
            ):
                for i in range(n):
                    doc = f"syn{i // per_doc:08d}"
                    vec = "[" + ",".join(map(str, vectors[i].tolist())) + "]"
                    cp.write_row(
                        (i + 1, f"{doc}_{i % per_doc}", doc, i % per_doc, "", 0, 10, f"h{i}", "", len(tokens[i]), vec)
                    )
            with db.cursor() as cur, cur.copy("COPY postings(term, chunk_id, tf) FROM STDIN") as cp:
                for i, toks in enumerate(tokens):
                    for t, c in Counter(toks).items():
                        cp.write_row((t, i + 1, c))
            db.execute("SELECT setval('chunks_id_seq', %s)", (n,))
            db.execute("UPDATE store_state SET generation = generation + 1")
        db.execute(f"SET maintenance_work_mem = '{hnsw_memory}'")
        db.execute("CREATE INDEX chunks_embedding_hnsw ON chunks USING hnsw (embedding vector_cosine_ops)")
        db.execute("VACUUM ANALYZE")


def database_bytes(url: str) -> int:
    """Size on disk of the database at ``url`` (tables, indexes, TOAST)."""
    from chidao.store.pg.schema import connect

    with connect(url) as conn:
        return int(conn.execute("SELECT pg_database_size(current_database())").fetchone()[0])
