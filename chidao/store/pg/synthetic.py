"""Bulk loading of synthetic chunks into a PostgreSQL index, for the store benchmark (bench/bench_stores.py).

Fills an empty database with ``len(vectors)`` chunks in documents of ``per_doc`` chunks, their BM25
postings and vectors, the way a bulk load into PostgreSQL is done: in one transaction that truncates the
tables and COPYs into them (``FREEZE``: no second pass to set hint bits), the chunks in COPY's binary
format (vectors as pgvector's binary form, never printed as decimal text), the postings in large text
blocks; the secondary indexes and foreign keys are dropped before the COPY and created again after it (one
sort per index and one join per key instead of a check per row), and the HNSW index is built once at the
end with ``maintenance_work_mem`` large enough for its graph and a parallel worker. Not used by chidao itself.
"""

from __future__ import annotations

import logging
import struct
import time
from collections import Counter
from collections.abc import Callable

import numpy as np

from chidao.store.pg.writer import PgWriter

logger = logging.getLogger(__name__)

_COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + struct.pack("!ii", 0, 0)
_COPY_TRAILER = struct.pack("!h", -1)
_BLOCK = 1 << 22  # bytes written to COPY at a time
_ESCAPE = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})  # COPY text format


def _binary_text(value: str) -> bytes:
    data = value.encode("utf-8")
    return struct.pack("!i", len(data)) + data


def _chunk_tuples(vectors: np.ndarray, tokens: list[list[str]], per_doc: int):
    """COPY binary tuples of ``chunks(id, chunk_id, doc_id, ordinal, section, start, "end", embed_hash,
    tokens, length, embedding)``; the vector in pgvector's binary form (int16 dim, int16 0, float4 BE)."""
    dim = vectors.shape[1]
    big = np.ascontiguousarray(vectors, dtype=">f4")
    vec_head = struct.pack("!ihh", 4 + 4 * dim, dim, 0)
    empty = _binary_text("")
    for i in range(len(vectors)):
        doc = f"syn{i // per_doc:08d}"
        yield b"".join(
            (
                struct.pack("!hiq", 11, 8, i + 1),
                _binary_text(f"{doc}_{i % per_doc}"),
                _binary_text(doc),
                struct.pack("!ii", 4, i % per_doc),
                empty,
                struct.pack("!iiii", 4, 0, 4, 10),
                _binary_text(f"h{i}"),
                empty,
                struct.pack("!ii", 4, len(tokens[i])),
                vec_head,
                big[i].tobytes(),
            )
        )


def _posting_lines(tokens: list[list[str]]):
    for i, toks in enumerate(tokens, 1):
        yield "".join(f"{t.translate(_ESCAPE)}\t{i}\t{c}\n" for t, c in Counter(toks).items())


def _copy_blocks(cur, sql: str, parts, head: bytes = b"", tail: bytes = b"") -> None:
    with cur.copy(sql) as cp:
        buf, size = [head], len(head)
        for part in parts:
            data = part if isinstance(part, bytes) else part.encode("utf-8")
            buf.append(data)
            size += len(data)
            if size >= _BLOCK:
                cp.write(b"".join(buf))
                buf, size = [], 0
        buf.append(tail)
        cp.write(b"".join(buf))


def _dropped(db) -> tuple[list[tuple[str, str, str]], list[str]]:
    """What the load drops and makes again, as the database has it (so exactly what the migrations made):
    (table, name, definition) of the foreign keys of chunks and postings and of the primary key of postings
    (its rows arrive in chunk order, not key order), and the CREATE INDEX of postings' other indexes."""
    constraints = db.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE (contype = 'f' AND conrelid::regclass::text IN ('chunks', 'postings'))"
        " OR (contype = 'p' AND conrelid::regclass::text = 'postings')"
        " ORDER BY contype DESC, conname",  # primary key first when made again (the keys need it)
    ).fetchall()
    indexes = db.execute(
        "SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i"
        " WHERE i.indrelid = 'postings'::regclass AND NOT i.indisprimary ORDER BY 1"
    ).fetchall()
    return [tuple(r) for r in constraints], [r[0] for r in indexes]


def load_synthetic(
    url: str,
    model: str,
    vectors: np.ndarray,
    tokens: list[list[str]],
    *,
    per_doc: int = 50,
    memory: str = "2GB",
    workers: int = 1,
    log: Callable[[str], None] | None = None,
) -> dict[str, float]:
    """Replace the index at ``url`` with synthetic chunks (one row per vector, its tokens for BM25).
    Returns the seconds of each step (copy, keys, hnsw, vacuum)."""
    dim = int(vectors.shape[1])
    n = len(vectors)
    seconds: dict[str, float] = {}
    say = log or logger.info
    with PgWriter(url, model, rebuild=True) as w:
        db = w._db
        w.ensure_model(dim)
        db.execute(f"SET maintenance_work_mem = '{memory}'")
        db.execute(f"SET max_parallel_maintenance_workers = {int(workers)}")
        db.execute("SET synchronous_commit = off")
        db.execute("DROP INDEX IF EXISTS chunks_embedding_hnsw")
        constraints, indexes = _dropped(db)
        t = time.perf_counter()
        with db.transaction(), db.cursor() as cur:
            for table, name, _ in reversed(constraints):
                cur.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
            for name in db.execute(
                "SELECT indexrelid::regclass::text FROM pg_index WHERE indrelid = 'postings'::regclass"
            ).fetchall():
                cur.execute(f"DROP INDEX {name[0]}")
            cur.execute("TRUNCATE documents, chunks, postings CASCADE")  # here: COPY … FREEZE allowed
            docs = ((f"syn{d:08d}\tsynthetic/{d:08d}.txt\ttxt\txxxxxxxxxx\t-\n") for d in range((n - 1) // per_doc + 1))
            _copy_blocks(cur, "COPY documents(doc_id, source, format, text, added_at) FROM STDIN (FREEZE)", docs)
            _copy_blocks(
                cur,
                'COPY chunks(id, chunk_id, doc_id, ordinal, section, start, "end", embed_hash, tokens, length,'
                " embedding) FROM STDIN (FORMAT BINARY, FREEZE)",
                _chunk_tuples(vectors, tokens, per_doc),
                _COPY_HEADER,
                _COPY_TRAILER,
            )
            say(f"chunks copied in {time.perf_counter() - t:.0f} s")
            _copy_blocks(cur, "COPY postings(term, chunk_id, tf) FROM STDIN (FREEZE)", _posting_lines(tokens))
            cur.execute("SELECT setval('chunks_id_seq', %s)", (n,))
            cur.execute("UPDATE store_state SET generation = generation + 1")
        seconds["copy"] = time.perf_counter() - t
        say(f"copied in {seconds['copy']:.0f} s")
        t = time.perf_counter()
        with db.transaction():
            for definition in indexes:
                db.execute(definition)
            for table, name, definition in constraints:
                db.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")
        seconds["keys"] = time.perf_counter() - t
        say(f"indexes and foreign keys made again in {seconds['keys']:.0f} s")
        t = time.perf_counter()
        db.execute("CREATE INDEX chunks_embedding_hnsw ON chunks USING hnsw (embedding vector_cosine_ops)")
        seconds["hnsw"] = time.perf_counter() - t
        say(f"HNSW built in {seconds['hnsw']:.0f} s")
        t = time.perf_counter()
        db.execute("VACUUM ANALYZE")
        seconds["vacuum"] = time.perf_counter() - t
    return seconds


def database_bytes(url: str) -> int:
    """Size on disk of the database at ``url`` (tables, indexes, TOAST)."""
    from chidao.store.pg.schema import connect

    with connect(url) as conn:
        return int(conn.execute("SELECT pg_database_size(current_database())").fetchone()[0])
