"""Dense retrieval: a FAISS inner-product index over L2-normalised passage embeddings.

The FAISS ids are the manifest's chunk row ids, so a hit maps straight back to its chunk.
``make_dense_index`` is the one factory; ``flat`` (exact) is the default, ``hnsw`` trades a
little recall for speed on very large collections.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from chidao.config import ConfigError

logger = logging.getLogger(__name__)

KINDS = ("flat", "hnsw")


#: One OpenMP thread for FAISS. A search is one query vector: spread over two threads it waits for the slower
#: one whenever anything else runs. At 100,000 chunks, on the 2 cores while other work ran, a flat search took
#: 52 ms median on two threads and 12.6 ms on one (bench/bench_search.py measures the whole search).
FAISS_THREADS = 1


def _faiss():
    import faiss

    if faiss.omp_get_max_threads() != FAISS_THREADS:
        faiss.omp_set_num_threads(FAISS_THREADS)
    return faiss


def make_dense_index(kind: str, dim: int):
    """An empty FAISS index of the given kind, with explicit int64 ids."""
    faiss = _faiss()
    if kind == "flat":
        base = faiss.IndexFlatIP(dim)
    elif kind == "hnsw":
        base = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
        base.hnsw.efSearch = 128
    else:
        raise ConfigError(f"unknown dense index {kind!r}; valid: {', '.join(KINDS)}")
    return faiss.IndexIDMap2(base)


class DenseIndex:
    def __init__(self, index) -> None:
        self._index = index

    @property
    def size(self) -> int:
        return int(self._index.ntotal)

    @property
    def dim(self) -> int:
        return int(self._index.d)

    @classmethod
    def build(cls, ids: np.ndarray, vectors: np.ndarray, dim: int, kind: str = "flat") -> DenseIndex:
        index = make_dense_index(kind, dim)
        if len(ids):
            index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), np.asarray(ids, dtype=np.int64))
        return cls(index)

    def save(self, path: Path) -> None:
        _faiss().write_index(self._index, str(path))

    @classmethod
    def load(cls, path: Path) -> DenseIndex:
        return cls(_faiss().read_index(str(path)))

    def search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Top ``k`` (ids, scores) for one query vector, optionally restricted to ``allowed`` ids."""
        faiss = _faiss()
        if self.size == 0 or k <= 0:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
        params = None
        if allowed is not None:
            if len(allowed) == 0:
                return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
            params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(np.asarray(allowed, dtype=np.int64)))
        q = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
        scores, ids = self._index.search(q, min(k, self.size), params=params)
        keep = ids[0] >= 0
        return ids[0][keep], scores[0][keep]

    def vectors(self, ids: np.ndarray) -> np.ndarray:
        """The stored vectors of ``ids`` (for scoring candidates found by the lexical side)."""
        if len(ids) == 0:
            return np.empty((0, self.dim), dtype=np.float32)
        return np.asarray(self._index.reconstruct_batch(np.asarray(ids, dtype=np.int64)), dtype=np.float32)
