"""The front door of retrieval, used by the CLI and the web UI.

One ``Searcher`` per process: it loads the encoder once (lazily, on the first query that needs
it), reads the live index generation and re-opens it when an ingest publishes a new one, so
readers see the old index until the new one is complete.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Iterator
from typing import Any

import numpy as np

from chidao.config import Settings
from chidao.lang.text import fold, has_accents
from chidao.records import LOW_OCR_QUALITY, Answer, Filters, Hit
from chidao.store import Snapshot, check_model
from chidao.store.factory import open_store
from chidao.store.layout import text_hash
from chidao.store.lexical import query_tokens
from search.fusion import fuse, top_k

logger = logging.getLogger(__name__)

EXPANSION_WEIGHT = 0.3  # BM25 of a query's lexicon expansions, relative to its own words


def _issuer_key(name: str) -> str:
    """Issuer names compared folded, with the usual abbreviations spelled out ("UBND" = "Ủy ban nhân dân")."""
    key = " ".join(fold(name).replace(",", " ").split())
    for short, full in (("ubnd", "uy ban nhan dan"), ("hdnd", "hoi dong nhan dan"), ("tp.", "thanh pho ")):
        key = key.replace(short, full)
    return " ".join(key.split())


class Searcher:
    def __init__(self, settings: Settings, encoder=None) -> None:
        self.settings = settings
        self.store = open_store(settings.index)
        self._encoder = encoder
        self._snapshot: Snapshot | None = None
        self._pointer: str | None = None
        self._lock = threading.Lock()
        self._canon = None
        self._pins = threading.local()
        self._query_cache: dict[str, np.ndarray] = {}  # the generation one call in this thread is answering from

    @classmethod
    def open(cls, settings: Settings, encoder=None) -> Searcher:
        """Open the index for reading; refuses an index built with another model."""
        searcher = cls(settings, encoder)
        check_model(searcher.store.meta(), settings.model_id)
        searcher.snapshot  # noqa: B018 - load now so errors surface at start-up
        return searcher

    # ------------------------------------------------------------ resources

    @property
    def snapshot(self) -> Snapshot | None:
        """The live generation, re-opened when the store's pointer moved since the last call (CURRENT
        of an index folder, the generation counter of a database; inside ``pinned()``, the generation
        the call started with)."""
        pin = getattr(self._pins, "snap", None)
        if pin is not None:
            return pin[0]
        pointer = self.store.pointer()
        if pointer != self._pointer or (pointer and self._snapshot is None):
            with self._lock:
                if pointer != self._pointer or self._snapshot is None:
                    snap = self.store.open_snapshot() if pointer else None
                    if snap is not None:
                        check_model(snap.meta, self.settings.model_id)
                    self._snapshot, self._pointer = snap, pointer
        return self._snapshot

    @contextlib.contextmanager
    def pinned(self) -> Iterator[Snapshot | None]:
        """Answer everything inside from one generation: an ingest publishing in the middle of a
        search must not pair one generation's row ids with another's rows."""
        if getattr(self._pins, "snap", None) is not None:  # nested: keep the outer pin
            yield self._pins.snap[0]
            return
        snap = self.snapshot
        self._pins.snap = (snap,)
        try:
            with snap.reading() if snap is not None else contextlib.nullcontext():
                yield snap
        finally:
            self._pins.snap = None

    @property
    def encoder(self):
        if self._encoder is None:
            with self._lock:
                if self._encoder is None:
                    from chidao.models.embed import make_encoder

                    self._encoder = make_encoder(self.settings)
        return self._encoder

    @property
    def canon(self):
        if self._canon is None:
            from chidao.lang.agencies import AgencyCanon

            self._canon = AgencyCanon.from_settings(self.settings)
        return self._canon

    def query_vector(self, query: str) -> np.ndarray:
        """The encoder's vector for a query, remembered for the few most recent queries."""
        with self._lock:
            cached = self._query_cache.get(query)
        if cached is not None:
            return cached
        vec = self.encoder.encode_queries([query])[0]
        with self._lock:
            self._query_cache[query] = vec
            while len(self._query_cache) > 64:
                self._query_cache.pop(next(iter(self._query_cache)))
        return vec

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        """Passage vectors: those the ingest already computed (the store's embedding cache: chunks, and
        every assignment's task as the assignment answers score it), the rest from the encoder (loaded
        on first use)."""
        if not texts:
            return self.encoder.encode_passages(texts)
        hashes = [text_hash(t) for t in texts]
        known = self.store.cached_vectors(self.settings.model_id, hashes)
        missing = [i for i, h in enumerate(hashes) if h not in known]
        fresh = self.encoder.encode_passages([texts[i] for i in missing]) if missing else None
        if not known:
            return fresh
        out = np.zeros((len(texts), next(iter(known.values())).shape[0]), dtype=np.float32)
        for i, h in enumerate(hashes):
            if h in known:
                out[i] = known[h]
        if fresh is not None:
            out[missing] = fresh
        return out

    def dense_text(self, query: str, lexical_scores: np.ndarray | None = None) -> str:
        """What the encoder sees for a query: the query itself, or, typed without accents, the query
        with its accents restored from its best lexical passages (search/accents.py)."""
        if has_accents(query) or not query.strip():
            return query
        snap = self.snapshot
        if snap is None or not len(snap.lexical.ids):
            return query
        if lexical_scores is None:
            lexical_scores = snap.lexical.scores(query_tokens(query))
        top = [int(snap.lexical.ids[i]) for i in top_k(lexical_scores, 10) if lexical_scores[i] > 0]
        if not top:
            return query
        from search.accents import restore_accents

        passages = [f"{h.section} {h.text}" for h in self._hits(top, [0.0] * len(top))]
        return restore_accents(query, passages)

    def warm_up(self) -> None:
        """Load the model and index now (the UI calls this at start-up)."""
        self.snapshot  # noqa: B018
        self.encoder.encode_queries(["khởi động"])

    # ------------------------------------------------------------ filters

    def allowed_ids(self, filters: Filters | None) -> np.ndarray | None:
        """Chunk ids passing the filters, or None when nothing is filtered."""
        snap = self.snapshot
        if snap is None or filters is None or not any(filters.model_dump().values()):
            return None
        return snap.chunk_ids(self.filter_documents(filters))

    def filter_documents(self, filters: Filters) -> list[str]:
        snap = self.snapshot
        if snap is None:
            return []
        keep = []
        agency_docs = None
        if filters.agency:
            agency_docs = snap.documents_assigning(self.canon.match(filters.agency) or [filters.agency])
        for r in snap.documents():
            if filters.doc_id and r.doc_id != filters.doc_id:
                continue
            if filters.type and fold(r.type or "") != fold(filters.type):
                continue
            if filters.issuer and _issuer_key(filters.issuer) not in _issuer_key(r.issuer or ""):
                continue
            if filters.since and (not r.date or r.date < filters.since):
                continue
            if filters.until and (not r.date or r.date > filters.until):
                continue
            if agency_docs is not None and r.doc_id not in agency_docs:
                continue
            keep.append(r.doc_id)
        return keep

    # ------------------------------------------------------------ retrieval

    def _hits(self, ids: list[int], scores: list[float]) -> list[Hit]:
        snap = self.snapshot
        if not ids or snap is None:
            return []
        rows = snap.passages(ids)
        low_pages = snap.low_quality_pages()
        hits = []
        for i, s in zip(ids, scores, strict=True):
            r = rows.get(i)
            if r is None:
                continue
            hits.append(
                Hit(
                    source=r.source,
                    chunk_id=r.chunk_id,
                    score=round(float(s), 4),
                    number=r.number,
                    type=r.type,
                    issuer=r.issuer,
                    date=r.date,
                    title=r.title,
                    section=r.section,
                    page=r.page,
                    text=r.text,
                    doc_id=r.doc_id,
                    start=r.start,
                    end=r.end,
                    warning=LOW_OCR_QUALITY if r.page in low_pages.get(r.doc_id, ()) else None,
                )
            )
        return hits

    def lexical_scores(self, query: str) -> np.ndarray:
        """BM25 of every passage for the query's words, plus, at a lower weight, for the other forms of the
        abbreviations and administrative synonyms it uses (chidao/lang/lexicon.py)."""
        from chidao.lang.lexicon import expansions

        snap = self.snapshot
        own = query_tokens(query)
        scores = snap.lexical.scores(own)
        seen = set(own)
        extra: list[str] = []
        for phrase in expansions(query):
            extra.extend(t for t in query_tokens(phrase) if t not in seen and not seen.add(t))
        if extra:
            scores = scores + EXPANSION_WEIGHT * snap.lexical.scores(extra)
        return scores

    def scored_candidates(
        self, query: str, filters: Filters | None = None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(chunk ids, dense cosine, lexical BM25) of the union of both retrievers' candidates."""
        snap = self.snapshot
        if snap is None or snap.meta.chunks == 0:
            empty = np.empty(0)
            return empty.astype(np.int64), empty, empty
        allowed = self.allowed_ids(filters)
        n = self.settings.candidates
        lex_all = self.lexical_scores(query)
        if allowed is not None:
            mask = np.zeros(len(snap.lexical.ids), dtype=bool)
            mask[np.isin(snap.lexical.ids, allowed)] = True
            lex_all = np.where(mask, lex_all, 0.0)
        top_lex = top_k(lex_all, n)
        top_lex = top_lex[lex_all[top_lex] > 0]
        qvec = self.query_vector(self.dense_text(query, lex_all))
        dense_ids, _ = snap.dense.search(qvec, n, allowed)
        ids = np.unique(np.concatenate([snap.lexical.ids[top_lex], dense_ids]))
        if len(ids) == 0:
            return ids, np.empty(0), np.empty(0)
        dense = snap.dense.vectors(ids) @ qvec
        lexical = lex_all[snap.lexical.rows(ids)]
        return ids, dense, lexical

    def search(self, query: str, k: int = 10, filters: Filters | None = None) -> list[Hit]:
        query = query.strip()
        if not query:
            return []
        with self.pinned():
            ids, dense, lexical = self.scored_candidates(query, filters)
            if len(ids) == 0:
                return []
            fused = fuse(dense, lexical, self.settings.dense_weight)
            order = np.argsort(-fused, kind="stable")[:k]
            return self._hits([int(ids[i]) for i in order], [float(fused[i]) for i in order])

    # ------------------------------------------------------------ structured look-ups

    def documents(self) -> list[dict[str, Any]]:
        """Every document's metadata with its files, cited numbers and chunk count, newest first."""
        with self.pinned() as snap:
            return self._documents(snap) if snap is not None else []

    def _documents(self, snap: Snapshot) -> list[dict[str, Any]]:
        cites = snap.cited_numbers()
        sources: dict[str, list[str]] = {}
        for src in sorted(snap.sources(), key=lambda r: r.source):
            sources.setdefault(src.doc_id, []).append(src.source)
        counts = snap.chunk_counts()
        out = []
        for r in snap.documents():
            d = r.as_dict()
            for key in ("number_key", "year", "page_starts", "text"):
                d.pop(key)
            d["sources"] = sources.get(r.doc_id, [r.source])
            d["cites"] = cites.get(r.doc_id, [])
            d["chunks"] = counts.get(r.doc_id, 0)
            out.append(d)
        return out

    def document(self, doc_id: str) -> dict[str, Any] | None:
        """One document with its full normalised text (for the viewer)."""
        snap = self.snapshot
        row = snap.document(doc_id) if snap is not None else None
        return row.as_dict() if row is not None else None

    def sources(self, doc_id: str | None = None) -> list[dict[str, Any]]:
        """The files recorded in the index (all, or one document's): ``path`` (the recorded key,
        ``hex:…`` for undecodable names), ``source``, ``doc_id``, ``file_hash``, ``size``."""
        snap = self.snapshot
        return [r.as_dict() for r in snap.sources(doc_id)] if snap is not None else []

    def agencies(self) -> list[dict[str, Any]]:
        """Every agency with assignments in the index, with counts, most assigned first."""
        snap = self.snapshot
        return [r.as_dict() for r in snap.agency_counts()] if snap is not None else []

    def refs(self, number: str) -> dict[str, Any]:
        from search.refs import lookup

        with self.pinned():
            return lookup(self.snapshot, number)

    def tasks(
        self,
        agency: str | None = None,
        *,
        since: str | None = None,
        until: str | None = None,
        role: str | None = None,
    ) -> dict[str, Any]:
        from search.tasks import list_tasks

        with self.pinned():
            return list_tasks(self.snapshot, self.canon, agency, since=since, until=until, role=role)

    def ask(self, question: str) -> Answer:
        from search.answer import AnswerContext, answer_question

        with self.pinned() as snap:
            if snap is None:
                return answer_question(None, question)
            ctx = AnswerContext(snapshot=snap, retriever=self, encoder=self, canon=self.canon, settings=self.settings)
            return answer_question(ctx, question)
