"""Passage vectors computed ahead of questions.

A topic answer re-scores up to 32 citable passages (lines and sentences of the retrieved chunks,
``passages.rank_units``) with the encoder, and a number's answer 8: on two cores that is most of an
answer's time (one passage costs 20–30 ms of a core). The ingest embeds chunks and assignments only, so
that documents are searchable as soon as possible; ``fill_passage_vectors`` then computes the vector of
every citable passage of the index and keeps it in the index's embedding cache, where
``Searcher.encode_passages`` finds it. The default encoder runs each text on its own, so a vector
computed here is the one the answer would have computed: answers do not change, they only stop waiting
for the encoder.

The web server runs it on a thread of the lowest CPU priority after start-up and after every change of
the index (``webui.lanes.PassageFiller``); ``chidao passages`` runs it at once, with a progress bar.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from chidao.store.layout import text_hash
from search.answer.passages import chunk_passages

logger = logging.getLogger(__name__)

#: Passages looked up, encoded and stored together.
BATCH = 32


@dataclass
class FillReport:
    passages: int = 0  # distinct citable passages of the index
    embedded: int = 0  # vectors computed by this run
    seconds: float = 0.0
    stopped: bool = False  # asked to stop before the end


def index_passages(snapshot) -> list[str]:
    """Every distinct passage of the snapshot that an answer may give the encoder, document by document."""
    out: dict[str, None] = {}
    doc_id, text = None, ""
    for chunk_doc, start, end, section in snapshot.chunk_spans():
        if chunk_doc != doc_id:
            doc_id, text = chunk_doc, snapshot.document_text(chunk_doc)
        out.update(dict.fromkeys(chunk_passages(text, start, end, section or "")))
    return list(out)


def fill_passage_vectors(
    searcher,
    encoder=None,
    stop: threading.Event | None = None,
    progress: Callable[[int, int], None] | None = None,
    batch: int = BATCH,
) -> FillReport:
    """Compute and store the vectors of the index's citable passages the embedding cache lacks.

    ``encoder`` defaults to the searcher's; ``progress(done, total)`` is called after each batch (``total``
    counts the passages that lacked a vector); ``stop`` ends the run between two batches."""
    started = time.perf_counter()
    report = FillReport()
    model = searcher.settings.model_id
    with searcher.pinned() as snap:
        if snap is None:
            return report
        passages = index_passages(snap)
    report.passages = len(passages)
    hashes = [text_hash(p) for p in passages]
    lacking = searcher.store.missing_vectors(model, hashes)
    todo = [j for j, h in enumerate(hashes) if h in lacking]
    encoder = encoder if encoder is not None else searcher.encoder
    if progress is not None:
        progress(0, len(todo))
    for i in range(0, len(todo), batch):
        if stop is not None and stop.is_set():
            report.stopped = True
            break
        part = todo[i : i + batch]
        vectors = encoder.encode_passages([passages[j] for j in part])
        searcher.store.remember_vectors(model, [hashes[j] for j in part], vectors)
        report.embedded += len(part)
        if progress is not None:
            progress(report.embedded, len(todo))
    report.seconds = round(time.perf_counter() - started, 3)
    return report
