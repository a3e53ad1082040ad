"""Sharing the encoder between many clerks on a small machine.

The encoder is the one expensive resource of a question: on a 2-core server, torch already uses
both cores for one call, so calls made at once from several request threads only fight (threads
oversubscribed, throughput below that of one clerk). ``EncoderGate`` wraps the encoder so that one
call runs at a time, long batches in slices, and calls made in an *urgent* lane (agency and number
questions, searches: a few passages each) take the next turn before the *normal* lane (topic
answers: dozens of passages). An urgent question therefore waits for at most one slice of a topic
answer, never for whole answers queued before it.

The lane is per thread: ``with lane("urgent"): …`` around the work of one request.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from typing import Any, Literal

import numpy as np

logger = logging.getLogger(__name__)

Lane = Literal["urgent", "normal"]
_current = threading.local()

#: Passages encoded per turn: long enough to keep the cores busy, short enough that an urgent
#: call waiting behind a turn is not noticed (a slice of 8 passages of ≤450 characters ≈ 0.2 s).
SLICE = 8
#: Passage vectors kept in memory (about 1.5 KB each for a 384-dimension model).
PASSAGE_CACHE = 20_000


@contextlib.contextmanager
def lane(kind: Lane) -> Iterator[None]:
    """Run the encoder calls made by this thread inside in lane ``kind``."""
    before = getattr(_current, "lane", "normal")
    _current.lane = kind
    try:
        yield
    finally:
        _current.lane = before


def current_lane() -> Lane:
    return getattr(_current, "lane", "normal")


class EncoderGate:
    """An encoder (``chidao.models.embed.Encoder``) whose calls take turns, urgent lane first."""

    def __init__(self, encoder: Any, slice_size: int = SLICE, cache_size: int = PASSAGE_CACHE) -> None:
        self.inner = encoder
        self.slice_size = slice_size
        self.cache_size = cache_size
        self._cond = threading.Condition()
        self._busy = False
        self._urgent_waiting = 0
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:  # dim, model_id, … of the wrapped encoder
        return getattr(self.inner, name)

    @contextlib.contextmanager
    def _turn(self) -> Iterator[None]:
        urgent = current_lane() == "urgent"
        with self._cond:
            if urgent:
                self._urgent_waiting += 1
                try:
                    self._cond.wait_for(lambda: not self._busy)
                finally:
                    self._urgent_waiting -= 1
            else:
                self._cond.wait_for(lambda: not self._busy and self._urgent_waiting == 0)
            self._busy = True
        try:
            yield
        finally:
            with self._cond:
                self._busy = False
                self._cond.notify_all()

    def _sliced(self, method: str, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        parts = []
        for start in range(0, max(1, len(texts)), self.slice_size):
            with self._turn():
                parts.append(getattr(self.inner, method)(texts[start : start + self.slice_size]))
        return parts[0] if len(parts) == 1 else np.vstack(parts)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._sliced("encode_queries", texts)

    def encode_passages(self, texts: Sequence[str], show_progress: bool = False) -> np.ndarray:
        """Passage vectors; those of passages met recently come from memory (answers about the same
        agency or topic re-score the same passages: a clerk's second question costs no encoding)."""
        texts = list(texts)
        with self._cache_lock:
            found = {t: self._cache[t] for t in texts if t in self._cache}
            for t in found:
                self._cache.move_to_end(t)
        missing = list(dict.fromkeys(t for t in texts if t not in found))
        if missing:
            fresh = self._sliced("encode_passages", missing)
            with self._cache_lock:
                for t, v in zip(missing, fresh, strict=True):
                    found[t] = v
                    self._cache[t] = v
                while len(self._cache) > self.cache_size:
                    self._cache.popitem(last=False)
        if not texts:
            return self._sliced("encode_passages", texts)
        return np.stack([found[t] for t in texts])


def set_torch_threads(cores: int | None = None) -> int:
    """Torch's intra-op threads = the cores this process may use (one encoder call at a time uses
    them all); inter-op threads 1. Returns the number set."""
    import os

    import torch

    if cores is None:
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    n = max(1, int(cores))
    torch.set_num_threads(n)
    with contextlib.suppress(RuntimeError):  # only settable before the first parallel work
        torch.set_num_interop_threads(1)
    logger.info("torch uses %d thread(s)", n)
    return n
