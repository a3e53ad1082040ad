"""Sharing the encoder between many clerks on a small machine.

The encoder is the one expensive resource of a question. ``EncoderGate`` wraps it: every call is cut
into slices of a few passages, run by worker threads of two lanes. The *urgent* lane (agency and
number questions, searches: a few passages each) has its own ``workers`` threads; the *normal* lane
(topic answers: dozens of passages) has as many, run ``BACKGROUND_NICE`` steps lower in the operating
system's CPU priority. When both have work, the urgent threads (and the request threads, which run at
the normal priority) get nearly all of the cores, so an agency answer no longer waits behind topic
answers; when only topic answers run, they have the cores to themselves. An urgent call's few
passages are cut into one slice per worker, so they are encoded side by side.

Each slice runs on one core (the encoder's ``use_one_core``): an encoder call that spreads one batch over both cores
(torch's intra-op threads) stalls whenever anything else runs, since each step waits for its slowest
thread. Measured on this kind of machine with other work running: one query took 0.66 s on two
threads, 0.08 s on one. An encoder that runs each text on its own anyway (ONNX Runtime) gets slices of
one text (``slice_for``).

The lane is per thread: ``with lane("urgent"): …`` around the work of one request.
"""

from __future__ import annotations

import contextlib
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

#: Passages encoded per turn by an encoder that batches: enough for a batch to pay, few enough that
#: an urgent call waiting behind a turn is not kept long (``slice_for``).
SLICE = 8
#: How much lower the normal lane's encoder threads run in the system's CPU priority (``nice``): when
#: both lanes have work, the urgent lane's threads and the request threads get nearly all of the cores.
BACKGROUND_NICE = 10
#: Passage vectors kept in memory (about 1.5 KB each for a 384-dimension model).
PASSAGE_CACHE = 20_000


def lower_thread_priority(steps: int) -> bool:
    """Make the calling thread ``steps`` nicer (Linux: a thread's own priority); False where the
    system does not allow it (the thread then runs at the process's priority)."""
    try:
        tid = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, tid, min(19, os.getpriority(os.PRIO_PROCESS, tid) + steps))
    except (AttributeError, OSError):
        logger.debug("could not lower an encoder thread's priority", exc_info=True)
        return False
    return True


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
    """An encoder (``chidao.models.embed.Encoder``) whose calls are cut into slices of ``slice_size``
    texts and run by worker threads: ``workers`` for the urgent lane, ``workers`` more for the normal
    lane, the latter ``background_nice`` steps lower in the operating system's CPU priority."""

    def __init__(
        self,
        encoder: Any,
        slice_size: int = SLICE,
        cache_size: int = PASSAGE_CACHE,
        workers: int = 1,
        background_nice: int = BACKGROUND_NICE,
    ) -> None:
        self.inner = encoder
        self.slice_size = max(1, slice_size)
        self.cache_size = cache_size
        self.workers = max(1, workers)
        self.background_nice = max(0, background_nice)
        self._queues: dict[str, queue.SimpleQueue] = {"urgent": queue.SimpleQueue(), "normal": queue.SimpleQueue()}
        self._threads: list[threading.Thread] = []
        self._start_lock = threading.Lock()
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:  # dim, model_id, … of the wrapped encoder
        return getattr(self.inner, name)

    def _start(self) -> None:
        with self._start_lock:
            if self._threads:
                return
            for kind in ("urgent", "normal"):
                for i in range(self.workers):
                    worker = threading.Thread(target=self._work, args=(kind,), name=f"encoder-{kind}-{i}", daemon=True)
                    worker.start()
                    self._threads.append(worker)

    def _work(self, kind: str) -> None:
        if kind == "normal" and self.background_nice:
            lower_thread_priority(self.background_nice)
        jobs = self._queues[kind]
        while True:
            method, texts, future = jobs.get()
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
        kind = current_lane()
        size = self.slice_size
        if kind == "urgent":  # a few passages: spread over every urgent worker
            size = max(1, min(size, -(-len(texts) // self.workers)))
        futures: list[Future] = []
        for start in range(0, len(texts), size):
            future: Future = Future()
            self._queues[kind].put((method, texts[start : start + size], future))
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


def slice_for(encoder: Any) -> int:
    """Texts per turn for ``encoder``: one for an encoder that runs each text on its own anyway (ONNX
    Runtime: a turn of one costs nothing more, and an urgent call waits for one text, not eight); ``SLICE``
    for one that batches (PyTorch pads a batch and runs it at once)."""
    return 1 if getattr(encoder, "one_text_per_run", False) else SLICE


class PassageFiller:
    """A daemon thread computing the vectors of the index's citable passages ahead of questions
    (``search.answer.prefill``), at the lowest CPU priority (nice 19): the operating system gives it a core
    only when the clerks' questions leave one free. It runs once at start and again whenever the index
    changes (checked every ``interval`` seconds). A failure (a read-only cache, a lost database) is logged;
    the thread tries again at the next change."""

    def __init__(self, searcher: Any, encoder: Any = None, interval: float = 30.0, nice: int = 19) -> None:
        self.searcher = searcher
        self.encoder = encoder
        self.interval = interval
        self.nice = nice
        self.stop_event = threading.Event()
        self.idle = threading.Event()  # set when the index's passages are all filled (or a run failed)
        self.last: Any = None  # the last run's FillReport
        self._thread: threading.Thread | None = None

    def start(self) -> PassageFiller:
        self._thread = threading.Thread(target=self._run, name="passage-filler", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float | None = None) -> None:
        self.stop_event.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        from search.answer.prefill import fill_passage_vectors

        if self.nice:
            lower_thread_priority(self.nice)
        filled_at: str | None = None
        while not self.stop_event.is_set():
            pointer = self.searcher.store.pointer()
            if pointer is not None and pointer != filled_at:
                self.idle.clear()
                try:
                    self.last = fill_passage_vectors(self.searcher, self.encoder, stop=self.stop_event)
                    logger.info(
                        "passage vectors: %d computed ahead of questions (%d passages) in %.0f s",
                        self.last.embedded,
                        self.last.passages,
                        self.last.seconds,
                    )
                except Exception:
                    logger.warning("computing passage vectors ahead of questions failed", exc_info=True)
                filled_at = pointer
            self.idle.set()
            self.stop_event.wait(self.interval)
