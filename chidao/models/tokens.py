"""The model's tokenizer, quick to load: a Latin-script part of the vocabulary, the whole one only when needed.

Loading ``tokenizer.json`` of multilingual-e5-small (an XLM-R Unigram model of 250,002 pieces) costs
1 to 3 s of CPU, most of a cold ``chidao search``. Vietnamese text only ever needs the pieces written
in Latin script: ``LatinTokenizer`` keeps the pieces whose every character is in ``LATIN`` (112k of
them), loads in a tenth of the time, and maps its ids back to the model's. The result is the same
token for token: a Unigram model segments a text by the best path through the lattice of the pieces
occurring in it, and every piece occurring in a text written only in ``LATIN`` characters is kept
(scores unchanged, and the lowest-scoring piece kept so that the unknown-piece penalty is the same).
A text with any other character after normalisation (Chinese, Cyrillic, emoji …) goes to the whole
tokenizer, loaded on first need.

The part is built from ``tokenizer.json`` on first use and saved beside it (``tokenizer-latin.json``
and ``tokenizer-latin-ids.npy``), checked against the whole tokenizer before it is used.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

PART_FILE = "tokenizer-latin.json"
IDS_FILE = "tokenizer-latin-ids.npy"
#: Code point ranges of the part: ASCII and Latin-1, Latin Extended-A/B, IPA, combining marks, Latin
#: Extended Additional (Vietnamese), general punctuation, super/subscripts, currency, letterlike
#: symbols, number forms, arrows, mathematical operators, and "▁" (the word-start mark).
LATIN = (
    (0x0000, 0x02B0),
    (0x0300, 0x0370),
    (0x1E00, 0x1F00),
    (0x2000, 0x2200),
    (0x2581, 0x2582),
)
_LATIN_SET = frozenset(cp for lo, hi in LATIN for cp in range(lo, hi))
#: Texts whose part and whole tokenisations are compared when the part is built.
CHECK_TEXTS = (
    "passage: Công điện số 570/CĐ-TTg ngày 02/5/2021 của Thủ tướng Chính phủ về phòng, chống dịch COVID-19",
    "query: nhiem vu cua so giao thong van tai la gi",
    "Ủy ban nhân dân tỉnh giao Sở Tài chính bố trí 1.250 triệu đồng (20%) — trước ngày 15/6/2021 ½ ™ №",
    "ﬁrst ﬀ Ｆｕｌｌｗｉｄｔｈ １２３ ｶﾀｶﾅ…“quoted” ‘x’ • § ° ± × ÷ → ≤ ≥ € £ ¥ ©",
)


def is_latin(normalized: str) -> bool:
    return all(ord(c) in _LATIN_SET for c in normalized)


def _build_part(whole_file: Path, folder: Path) -> None:
    """Write the Latin part of ``whole_file`` (and its id map) into ``folder``, atomically."""
    spec = json.loads(whole_file.read_text(encoding="utf-8"))
    model = spec["model"]
    if model.get("type") != "Unigram":
        raise ValueError(f"not a Unigram tokenizer: {model.get('type')}")
    vocab = model["vocab"]
    specials = {t["id"] for t in spec.get("added_tokens", [])}
    lowest = min(range(len(vocab)), key=lambda i: vocab[i][1])
    keep = [i for i, (piece, _) in enumerate(vocab) if i in specials or i == lowest or is_latin(piece)]
    new_id = {old: new for new, old in enumerate(keep)}
    model = {**model, "vocab": [vocab[i] for i in keep], "unk_id": new_id[model["unk_id"]]}
    spec = {**spec, "model": model}
    spec["added_tokens"] = [{**t, "id": new_id[t["id"]]} for t in spec.get("added_tokens", [])]
    post = spec.get("post_processor")
    if post and post.get("type") == "TemplateProcessing":
        tokens = {k: {**v, "ids": [new_id[i] for i in v["ids"]]} for k, v in post["special_tokens"].items()}
        spec["post_processor"] = {**post, "special_tokens": tokens}
    elif post is not None:
        raise ValueError(f"unexpected post-processor {post.get('type')}")
    suffix = f".tmp-{os.getpid()}-{threading.get_ident()}"
    part_tmp, ids_tmp = folder / (PART_FILE + suffix), folder / (IDS_FILE + suffix + ".npy")
    part_tmp.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    np.save(ids_tmp, np.asarray(keep, dtype=np.int32), allow_pickle=False)
    os.replace(ids_tmp, folder / IDS_FILE)  # ids first: the part file's presence means both are there
    os.replace(part_tmp, folder / PART_FILE)
    log.info("Latin tokenizer part: %d of %d pieces, in %s", len(keep), len(vocab), folder)


class LatinTokenizer:
    """``encode(texts)`` → token ids of the model (list of int64 arrays), truncated to ``max_length``."""

    def __init__(self, whole_file: Path, max_length: int) -> None:
        from tokenizers import Tokenizer

        self.whole_file = Path(whole_file)
        self.max_length = max_length
        folder = self.whole_file.parent
        self._whole: Any = None
        self._lock = threading.Lock()
        self.part: Any = None
        built = False
        if not (folder / PART_FILE).is_file():
            try:
                _build_part(self.whole_file, folder)
                built = True
            except OSError as exc:  # a read-only cache: the whole tokenizer then
                log.warning("cannot save the Latin tokenizer part in %s: %s", folder, exc)
        if (folder / PART_FILE).is_file():
            self.part = self._prepare(Tokenizer.from_file(str(folder / PART_FILE)))
            self.ids = np.load(folder / IDS_FILE, allow_pickle=False).astype(np.int64)
            if built and not self._agrees(CHECK_TEXTS):
                log.warning("the Latin tokenizer part in %s disagrees with the whole tokenizer: removed", folder)
                self.part = None
                (folder / PART_FILE).unlink(missing_ok=True)

    def _prepare(self, tokenizer: Any) -> Any:
        tokenizer.no_padding()
        tokenizer.enable_truncation(self.max_length)
        return tokenizer

    @property
    def whole(self) -> Any:
        with self._lock:
            if self._whole is None:
                from tokenizers import Tokenizer

                self._whole = self._prepare(Tokenizer.from_file(str(self.whole_file)))
            return self._whole

    def _agrees(self, texts: Sequence[str]) -> bool:
        ours = self.encode(texts)
        theirs = [np.asarray(e.ids, dtype=np.int64) for e in self.whole.encode_batch(list(texts))]
        return all(np.array_equal(a, b) for a, b in zip(ours, theirs, strict=True))

    def encode(self, texts: Sequence[str]) -> list[np.ndarray]:
        """The model's token ids of each text."""
        return self.encode_counted(texts)[0]

    def encode_counted(self, texts: Sequence[str]) -> tuple[list[np.ndarray], int]:
        """(the model's token ids of each text, how many texts were truncated)."""
        texts = list(texts)
        out: list[np.ndarray | None] = [None] * len(texts)
        truncated = 0
        if self.part is not None:
            normalizer = self.part.normalizer
            latin = [i for i, t in enumerate(texts) if is_latin(normalizer.normalize_str(t))]
            for i, enc in zip(latin, self.part.encode_batch([texts[i] for i in latin]), strict=True):
                out[i] = self.ids[np.asarray(enc.ids, dtype=np.int64)]
                truncated += bool(enc.overflowing)
        rest = [i for i, ids in enumerate(out) if ids is None]
        if rest:
            for i, enc in zip(rest, self.whole.encode_batch([texts[i] for i in rest]), strict=True):
                out[i] = np.asarray(enc.ids, dtype=np.int64)
                truncated += bool(enc.overflowing)
        return out, truncated  # type: ignore[return-value]
