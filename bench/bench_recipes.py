"""Quantisation recipes of the default model's ONNX export, by fidelity: which MatMuls to keep in fp32.

    python bench/bench_recipes.py [--passages 150] [--corpus ../shared/eval/github/corpus] [VARIANT …]

Each variant quantises the fused fp32 graph (exported once into the cache by bench/bench_onnx.py's
``fused_fp32``) with ``onnxruntime.quantization.quantize_dynamic`` (per channel, MatMul, Attention and
Gather weights; some MatMuls left in fp32), runs it as ``OnnxEncoder`` does (one text per run, two
one-thread runs side by side) on ingest chunks of the dev corpus sampled with a fixed seed, and prints
its cosine to the fused fp32 graph (min, 1st percentile, mean), passages/s and size. The variant that
won is ``chidao.models.onnxexport.RECIPES["int8mix"]`` (``u8-x-ffnout``). Times are wall clock on the
machine as it is (load average printed beside them).
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import re
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_onnx import DEFAULT_CORPUS, fused_fp32, ingest_passages, load_avg, session_encoder  # noqa: E402

ATTN_OUT = r"/attention/output/dense/MatMul$"
FFN_OUT = r"/layer\.\d+/output/dense/MatMul$"


@dataclasses.dataclass(frozen=True)
class Variant:
    weight_type: str = "QInt8"
    reduce_range: bool = False
    keep_fp32: tuple[str, ...] = ()


VARIANTS = {
    "s8": Variant(),
    "s8-reduce-range": Variant(reduce_range=True),
    "u8": Variant(weight_type="QUInt8"),
    "s8-x-attnout-ffnout": Variant(keep_fp32=(ATTN_OUT, FFN_OUT)),
    "u8-x-attnout-ffnout": Variant(weight_type="QUInt8", keep_fp32=(ATTN_OUT, FFN_OUT)),
    "u8-x-ffnout": Variant(weight_type="QUInt8", keep_fp32=(FFN_OUT,)),
}


def quantize(fused: Path, out: Path, variant: Variant) -> None:
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    graph = onnx.load(str(fused), load_external_data=False).graph
    patterns = [re.compile(p) for p in variant.keep_fp32]
    keep = [n.name for n in graph.node if n.op_type == "MatMul" and any(p.search(n.name) for p in patterns)]
    quantize_dynamic(
        str(fused),
        str(out),
        weight_type=getattr(QuantType, variant.weight_type),
        per_channel=True,
        reduce_range=variant.reduce_range,
        op_types_to_quantize=["MatMul", "Attention", "Gather"],
        nodes_to_exclude=keep,
        extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--passages", type=int, default=150)
    ap.add_argument("variants", nargs="*", default=list(VARIANTS), help=f"of {', '.join(VARIANTS)}")
    args = ap.parse_args()

    from chidao.config import load_settings

    settings = load_settings().model_copy(update={"encoder": "onnx"})
    every = ingest_passages(args.corpus)
    texts = random.Random(1).sample(every, min(args.passages, len(every)))
    fused = fused_fp32(settings)
    reference = session_encoder(settings, fused, workers=2).encode_passages(texts)
    print(f"{len(texts)} of {len(every)} ingest chunks; reference: the fused fp32 graph; {load_avg()}")
    print(f"{'variant':<22} {'cos min':>8} {'cos p1':>8} {'cos mean':>8} {'passages/s':>10} {'MB':>5}")
    with tempfile.TemporaryDirectory(prefix="chidao-recipes-") as tmp:
        for name in args.variants:
            path = Path(tmp) / f"{name}.onnx"
            quantize(fused, path, VARIANTS[name])
            encoder = session_encoder(settings, path, workers=2)
            started = time.perf_counter()
            vectors = encoder.encode_passages(texts)
            seconds = time.perf_counter() - started
            cos = np.sum(vectors * reference, axis=1)
            print(
                f"{name:<22} {cos.min():8.4f} {np.percentile(cos, 1):8.4f} {cos.mean():8.5f}"
                f" {len(texts) / seconds:10.2f} {path.stat().st_size / 1e6:5.0f}   ({load_avg()})",
                flush=True,
            )
            path.unlink()


if __name__ == "__main__":
    main()
