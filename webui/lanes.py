"""Sharing the encoder between many clerks on a small machine.

The encoder is the one expensive resource of a question. ``EncoderGate`` wraps it: every call is cut
into slices of a few passages, and the slices wait in one queue, *urgent* lane first (agency and
number questions, searches: a few passages each), then the *normal* lane (topic answers: dozens of
passages), first come first served within a lane. ``workers`` threads take slices from the queue, one
slice each at a time, and each slice runs on one core (``single_core``): on a 2-core server two
workers keep both cores busy, a lone topic answer's slices run two at a time, and an urgent question
waits for at most the slices already running, never for whole answers queued before it; its own few
passages are cut into as many slices as there are workers, so they are encoded side by side.

One core per slice matters under load: an encoder call that spreads one batch over both cores (torch's
intra-op threads) stalls whenever anything else runs, since each step waits for its slowest thread.
Measured on this kind of machine with other work running: one query took 0.66 s on two threads, 0.08 s
on one.

The lane is per thread: ``with lane("urgent"): …`` around the work of one request.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import queue
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from concurrent.futures import Future
from typing import Any, Literal

import numpy as np

logger = logging.getLogger(__name__)

Lane = Literal["urgent", "normal"]
_current = threading.local()
_PRIORITY: dict[str, int] = {"urgent": 0, "normal": 1}

#: Passages encoded per turn: long enough to keep a core busy, short enough that an urgent call
#: waiting behind a turn is not noticed (a slice of 8 passages of ≤450 characters ≈ 0.2 s).
SLICE = 8
#: Passage vectors kept in memory (about 1.5 KB each for a 384-dimension model).
PASSAGE_CACHE = 20_000


def usable_cores() -> int:
    """The cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


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
    """An encoder (``chidao.models.embed.Encoder``) whose calls wait in one queue, urgent lane first,
    and run on ``workers`` threads, one slice of ``slice_size`` texts each at a time."""

    def __init__(
        self, encoder: Any, slice_size: int = SLICE, cache_size: int = PASSAGE_CACHE, workers: int = 1
    ) -> None:
        self.inner = encoder
        self.slice_size = max(1, slice_size)
        self.cache_size = cache_size
        self.workers = max(1, workers)
        self._jobs: queue.PriorityQueue = queue.PriorityQueue()
        self._order = itertools.count()
        self._threads: list[threading.Thread] = []
        self._start_lock = threading.Lock()
        self._waiting_lock = threading.Lock()
        self._urgent_waiting = 0  # urgent slices queued and not yet taken by a worker
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:  # dim, model_id, … of the wrapped encoder
        return getattr(self.inner, name)

    def _start(self) -> None:
        with self._start_lock:
            while len(self._threads) < self.workers:
                worker = threading.Thread(target=self._work, name=f"encoder-{len(self._threads)}", daemon=True)
                worker.start()
                self._threads.append(worker)

    def _work(self) -> None:
        while True:
            priority, _, (method, texts, future) = self._jobs.get()
            if priority == _PRIORITY["urgent"]:
                with self._waiting_lock:
                    self._urgent_waiting -= 1
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(getattr(self.inner, method)(texts))
            except BaseException as exc:  # handed to the caller, who raises it
                future.set_exception(exc)

    def _sliced(self, method: str, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        if not texts:
            return getattr(self.inner, method)(texts)
        self._start()
        priority = _PRIORITY[current_lane()]
        size = self.slice_size
        if priority == _PRIORITY["urgent"]:  # a few passages: spread over every worker
            size = max(1, min(size, -(-len(texts) // self.workers)))
        futures: list[Future] = []
        for start in range(0, len(texts), size):
            future: Future = Future()
            if priority == _PRIORITY["urgent"]:
                with self._waiting_lock:
                    self._urgent_waiting += 1
            self._jobs.put((priority, next(self._order), (method, texts[start : start + size], future)))
            futures.append(future)
        parts = [f.result() for f in futures]
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


def single_core(encoder: Any) -> None:
    """Make each call of ``encoder`` run on one core (the gate's workers run calls side by side):
    torch's intra-op threads = 1, inter-op 1; ONNX Runtime's texts one after another."""
    if hasattr(encoder, "workers") and hasattr(encoder, "threads"):  # chidao.models.embed.OnnxEncoder
        encoder.workers = 1
        encoder.threads = 1
        return
    if type(encoder).__name__ != "SentenceTransformerEncoder":
        return
    import torch

    torch.set_num_threads(1)
    with contextlib.suppress(RuntimeError):  # only settable before the first parallel work
        torch.set_num_interop_threads(1)
    logger.info("torch runs each encoder call on one thread")
