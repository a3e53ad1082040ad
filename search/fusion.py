"""Fusing dense and lexical scores of the same candidates.

``minmax`` (the default): each side's scores are scaled to 0..1 over the candidate set and
combined convexly with the dense weight. ``rrf``: reciprocal rank fusion (k=60), kept for
comparison. Pure functions over arrays, so they are tested without a model.
"""

from __future__ import annotations

import numpy as np

from chidao.config import ConfigError

METHODS = ("minmax", "rrf")


def _minmax(x: np.ndarray) -> np.ndarray:
    if len(x) == 0:
        return x
    lo, hi = float(x.min()), float(x.max())
    if hi - lo < 1e-9:
        return np.ones_like(x) if hi > 0 else np.zeros_like(x)
    return (x - lo) / (hi - lo)


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Positions of the ``k`` highest scores, best first (ties by position), without sorting every score:
    the lexical side scores every passage of the index, 100,000 of them in a large one."""
    scores = np.asarray(scores)
    n = len(scores)
    if k <= 0 or n == 0:
        return np.empty(0, dtype=np.int64)
    if k >= n:
        picked = np.arange(n)
    else:
        # The k-th best score, then every position above it and the first ones equal to it: the same
        # positions as a stable sort's first k.
        kth = scores[np.argpartition(-scores, k - 1)[k - 1]]
        above = np.flatnonzero(scores > kth)
        picked = np.concatenate([above, np.flatnonzero(scores == kth)[: k - len(above)]])
    return picked[np.lexsort((picked, -scores[picked]))]


def _ranks(x: np.ndarray) -> np.ndarray:
    order = np.argsort(-x, kind="stable")
    ranks = np.empty(len(x), dtype=np.float64)
    ranks[order] = np.arange(1, len(x) + 1)
    return ranks


def fuse(dense: np.ndarray, lexical: np.ndarray, dense_weight: float, method: str = "minmax") -> np.ndarray:
    """Combined score per candidate (same order as the inputs); higher is better."""
    dense = np.asarray(dense, dtype=np.float64)
    lexical = np.asarray(lexical, dtype=np.float64)
    if method == "minmax":
        return dense_weight * _minmax(dense) + (1.0 - dense_weight) * _minmax(lexical)
    if method == "rrf":
        k = 60.0
        lex = np.where(lexical > 0, 1.0 / (k + _ranks(lexical)), 0.0)
        return dense_weight * (1.0 / (k + _ranks(dense))) + (1.0 - dense_weight) * lex
    raise ConfigError(f"unknown fusion method {method!r}; valid: {', '.join(METHODS)}")
