"""The embedding cache: passage vectors by (model, text hash), shared by all generations of an index."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np

from chidao.store.layout import IndexStateError


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
        return missing(self._db, model, hashes)

    def put(self, model: str, hashes: list[str], vectors: np.ndarray) -> None:
        rows = [
            (model, h, int(v.shape[0]), np.asarray(v, dtype="<f4").tobytes())
            for h, v in zip(hashes, vectors, strict=True)
        ]
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO vectors VALUES (?,?,?,?)", rows)

    def get(self, model: str, hashes: list[str]) -> np.ndarray:
        found = lookup(self._db, model, hashes)
        missing = [h for h in dict.fromkeys(hashes) if h not in found]
        if missing:
            raise IndexStateError(f"{len(missing)} passages have no embedding in the cache")
        return np.vstack([found[h] for h in hashes])

    def models(self) -> list[str]:
        return [r[0] for r in self._db.execute("SELECT DISTINCT model FROM vectors ORDER BY model")]

    def items(self, model: str, batch: int = 1000) -> Iterator[tuple[list[str], np.ndarray]]:
        """Every cached (hashes, vectors) of one model, in batches (to copy a cache into another store)."""
        cur = self._db.execute("SELECT hash, vec FROM vectors WHERE model=? ORDER BY hash", (model,))
        while rows := cur.fetchmany(batch):
            yield [r[0] for r in rows], np.vstack([np.frombuffer(r[1], dtype="<f4") for r in rows])

    def close(self) -> None:
        self._db.close()


def missing(conn: sqlite3.Connection, model: str, hashes: Iterable[str]) -> set[str]:
    """Those of ``hashes`` that have no vector (read by hash only, without the vectors)."""
    wanted = set(hashes)
    have: set[str] = set()
    batch = list(wanted)
    for i in range(0, len(batch), 500):
        part = batch[i : i + 500]
        q = f"SELECT hash FROM vectors WHERE model=? AND hash IN ({','.join('?' * len(part))})"
        have.update(h for (h,) in conn.execute(q, [model, *part]))
    return wanted - have


def lookup(conn: sqlite3.Connection, model: str, hashes: Iterable[str]) -> dict[str, np.ndarray]:
    """The cached vectors of those hashes that have one, by hash."""
    found: dict[str, np.ndarray] = {}
    unique = list(dict.fromkeys(hashes))
    for i in range(0, len(unique), 500):
        part = unique[i : i + 500]
        q = f"SELECT hash, vec FROM vectors WHERE model=? AND hash IN ({','.join('?' * len(part))})"
        for h, vec in conn.execute(q, [model, *part]):
            found[h] = np.frombuffer(vec, dtype="<f4").astype(np.float32)
    return found


def read_missing(path: Path, model: str, hashes: list[str]) -> set[str]:
    """``missing`` for a reader: opens the cache read-only; with no cache yet, every hash is missing."""
    if not hashes or not path.exists():
        return set(hashes)
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
    try:
        return missing(conn, model, hashes)
    except sqlite3.OperationalError:  # a cache being created right now
        return set(hashes)
    finally:
        conn.close()


def read_cached(path: Path, model: str, hashes: list[str]) -> dict[str, np.ndarray]:
    """``lookup`` for a reader: opens the cache read-only, and returns nothing when there is no cache yet."""
    if not hashes or not path.exists():
        return {}
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
    try:
        return lookup(conn, model, hashes)
    except sqlite3.OperationalError:  # a cache being created right now: the encoder computes them
        return {}
    finally:
        conn.close()
