"""BM25 over Vietnamese syllables (bm25s), accent-folded beside exact, document numbers whole.

Tokens of a passage:
- every syllable accent-folded and lower-cased ("Sở Y tế" → so, y, te), so queries typed
  without accents match;
- ``=`` + the exact syllable where it carries accents (=sở, =tế), so accented queries prefer
  the exact spelling;
- folded syllable bigrams (so_y, y_te): Vietnamese words are multi-syllable, bigrams restore
  some word order;
- ``#`` + the folded key of each document number (#570/CD-TTG), whatever its spacing.
Queries are tokenised the same way, except that an accent-free query gets no exact tokens.
"""

from __future__ import annotations

import json
import logging
from itertools import pairwise
from pathlib import Path

import numpy as np

from chidao.lang.text import DOCNUM_RE, docnum_key, fold, has_accents, syllables

logger = logging.getLogger(__name__)

# Question words carry no topical content; they would only match noise.
QUERY_STOPWORDS = frozenset(["gì", "nào", "ai", "đâu", "sao", "bao", "nhiêu", "hãy", "nêu", "liệt", "kê"])
_FOLDED_STOPWORDS = frozenset(fold(w) for w in QUERY_STOPWORDS)


def _syllable_tokens(text: str, exact: bool) -> list[str]:
    words = syllables(text)
    folded = [fold(w) for w in words]
    tokens = list(folded)
    if exact:
        tokens.extend("=" + w for w, f in zip(words, folded, strict=True) if w != f)
    tokens.extend(f"{a}_{b}" for a, b in pairwise(folded))
    return tokens


def docnum_tokens(text: str) -> list[str]:
    return ["#" + docnum_key(m.group(0)) for m in DOCNUM_RE.finditer(text)]


def passage_tokens(text: str) -> list[str]:
    """Tokens stored for one passage (section path + text)."""
    return _syllable_tokens(text, exact=True) + docnum_tokens(text)


def query_tokens(query: str) -> list[str]:
    """Tokens for a query; question words dropped, exact forms only when the query has accents."""
    if has_accents(query):
        words = [w for w in syllables(query) if w not in QUERY_STOPWORDS]
    else:
        words = [w for w in syllables(query) if w not in _FOLDED_STOPWORDS]
    content = " ".join(words) if words else query
    return _syllable_tokens(content, exact=has_accents(query)) + docnum_tokens(query)


#: bm25s scoring methods whose index holds only the per-passage term scores (no "non-occurrence" part):
#: those are read here with numpy alone; any other is read through bm25s itself.
_PLAIN_METHODS = frozenset({"lucene", "robertson", "atire"})


class LexicalIndex:
    """A bm25s index over passages in a fixed order (row i ↔ ids[i]).

    bm25s builds and saves the index. Reading it needs only its arrays: a term's column of precomputed
    BM25 term scores (CSC ``data``/``indices``/``indptr``) and the vocabulary. They are read here with
    numpy, without importing bm25s and, through it, scipy (about 0.6 s of every cold ``chidao search``);
    the scores are bm25s's own (``get_scores``: each query token's column summed into the passage
    scores), which tests/test_lexical.py checks against bm25s on every load."""

    def __init__(
        self,
        ids: np.ndarray,
        vocab: dict[str, int] | None = None,
        data: np.ndarray | None = None,
        indices: np.ndarray | None = None,
        indptr: np.ndarray | None = None,
        retriever=None,
    ) -> None:
        self.ids = ids
        self.vocab: dict[str, int] = vocab or {}
        self.data = data if data is not None else np.zeros(0, dtype=np.float32)
        self.indices = indices if indices is not None else np.zeros(0, dtype=np.int32)
        self.indptr = indptr if indptr is not None else np.zeros(1, dtype=np.int32)
        self._retriever = retriever  # bm25s.BM25 of an index just built (to save it) or of another method

    @classmethod
    def _of(cls, retriever, ids: np.ndarray) -> LexicalIndex:
        scores = retriever.scores
        return cls(ids, retriever.vocab_dict, scores["data"], scores["indices"], scores["indptr"], retriever)

    @classmethod
    def build(cls, ids: list[int], tokens: list[list[str]]) -> LexicalIndex:
        import bm25s

        retriever = bm25s.BM25(k1=1.2, b=0.75)
        if not tokens:
            return cls(np.asarray(ids, dtype=np.int64), retriever=retriever)
        retriever.index(tokens, show_progress=False)
        return cls._of(retriever, np.asarray(ids, dtype=np.int64))

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        if len(self.ids):
            self._retriever.save(str(folder), show_progress=False)
        np.save(folder / "ids.npy", self.ids, allow_pickle=False)
        (folder / "lexical.json").write_text(json.dumps({"passages": len(self.ids)}), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex:
        ids = np.load(folder / "ids.npy", allow_pickle=False)
        if not len(ids):
            return cls(ids)
        params = json.loads((folder / "params.index.json").read_text(encoding="utf-8"))
        if params.get("method", "lucene") not in _PLAIN_METHODS or (folder / "nonoccurrence_array.index.npy").exists():
            import bm25s

            return cls._of(bm25s.BM25.load(str(folder), mmap=False, show_progress=False), ids)
        vocab = json.loads((folder / "vocab.index.json").read_text(encoding="utf-8"))
        arrays = {
            name: np.load(folder / f"{name}.csc.index.npy", allow_pickle=False)
            for name in ("data", "indices", "indptr")
        }
        return cls(
            ids,
            vocab,
            arrays["data"].astype(params.get("dtype", "float32"), copy=False),
            **{k: arrays[k] for k in ("indices", "indptr")},
        )

    def rows(self, ids: np.ndarray) -> np.ndarray:
        """Row of each chunk id in ``scores()`` (ids are stored in ascending order), -1 when absent."""
        ids = np.asarray(ids, dtype=np.int64)
        pos = np.searchsorted(self.ids, ids)
        found = (pos < len(self.ids)) & (self.ids[np.minimum(pos, len(self.ids) - 1)] == ids)
        return np.where(found, pos, -1)

    def df(self, tokens: list[str]) -> dict[str, int]:
        """How many passages hold each token (0 for a token the index never saw)."""
        indptr = self.indptr
        out: dict[str, int] = {}
        for t in tokens:
            col = self.vocab.get(t)
            out[t] = int(indptr[col + 1] - indptr[col]) if col is not None and col + 1 < len(indptr) else 0
        return out

    def idf(self, tokens: list[str]) -> dict[str, float]:
        """BM25 idf of each token (tokens never seen get the idf of a one-passage token)."""
        n = len(self.ids)
        return {t: float(np.log(1.0 + (n - max(d, 1) + 0.5) / (max(d, 1) + 0.5))) for t, d in self.df(tokens).items()}

    def scores(self, tokens: list[str]) -> np.ndarray:
        """BM25 score of every passage (row order of ``ids``); zeros for unknown tokens."""
        known = [self.vocab[t] for t in tokens if t in self.vocab]
        if not known or not len(self.ids):
            return np.zeros(len(self.ids), dtype=np.float32)
        if self._retriever is not None and getattr(self._retriever, "nonoccurrence_array", None) is not None:
            return np.asarray(self._retriever.get_scores(known), dtype=np.float32)  # a method beyond the arrays
        out = np.zeros(len(self.ids), dtype=self.data.dtype)
        for col in known:  # a token asked twice counts twice, as in bm25s
            start, end = self.indptr[col], self.indptr[col + 1]
            np.add.at(out, self.indices[start:end], self.data[start:end])
        return np.asarray(out, dtype=np.float32)
