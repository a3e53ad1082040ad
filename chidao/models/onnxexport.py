"""A sentence-transformers e5 folder → a cached mixed-precision int8 ONNX Runtime model (exported once).

``ensure_onnx_model(source_dir)`` builds, next to the converted folder of
``chidao.models.e5convert``, the folder ``<source name>-onnx-<recipe>`` (``RECIPE``, today
``int8mix``) holding:

- ``model.onnx``: the BERT encoder with mean pooling inside (inputs ``input_ids`` and
  ``attention_mask``, int64, batch × tokens; output ``embedding``, float32, batch × hidden,
  not yet normalised), exported from PyTorch (eager attention) with the TorchScript exporter
  (opset 17); fused by ``onnxruntime.transformers.optimizer`` (one ``Attention`` node per layer,
  ``SkipLayerNormalization``, ``BiasGelu``: about a quarter less CPU than the plain graph; the
  embedding fusion is left off so that the word-embedding table stays a quantisable ``Gather``);
  then dynamically quantised by ``onnxruntime.quantization.quantize_dynamic`` as ``RECIPES[RECIPE]``
  says: weights as uint8 per output channel (u8 activations × u8 weights: on CPUs without VNNI the
  u8 × s8 kernel's 16-bit pair sums saturate), activations quantised per run at run time (one scale
  per tensor: ``OnnxEncoder`` runs one text per run so that a text's vector does not depend on its
  neighbours), the ``Gather`` tables (the 250,002 × 384 word embeddings are 384 MB in fp32) as
  int8 too, and the ``MatMul`` of each layer whose int8 error hurt most kept in fp32: the
  feed-forward output (the one after GELU, whose input has the widest range; the attention output
  projection in fp32 as well gained nothing more). Measured on dev passages (README, "Encoder"): min
  cosine to fp32 0.9915 → 0.998, mean 0.9960 → 0.9991;
- ``tokenizer.json``: copied from the source folder (read with the ``tokenizers`` library; its
  Latin-script part, ``chidao.models.tokens``, is added beside it on first use);
- ``chidao_onnx.json``: what was built from what (source folder and its conversion record,
  torch / onnx / onnxruntime versions, quantisation recipe) and the fidelity measured at
  export: cosine between the int8 model and the fp32 PyTorch model on Vietnamese sentences.

A changed recipe gets a new name in ``RECIPES`` (and so a new folder, and a new encoder identity in
``chidao.config.Settings.model_id``): a folder exported by an older recipe is never reused, and an
index embedded by it is refused. Exporting needs torch and transformers (installed for
sentence-transformers anyway); running the result needs only onnxruntime, tokenizers and numpy. The
folder is written under a file lock into a temporary name and renamed into place, as the conversion is.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from chidao.config import ONNX_RECIPE

log = logging.getLogger(__name__)

#: How each named recipe quantises the fused fp32 graph. ``keep_fp32``: patterns (``re.search``) of the
#: names of the ``MatMul`` nodes left in fp32, each matching one node per encoder layer (else the export
#: fails): the TorchScript exporter names nodes after the module path of the Hugging Face BERT.
#: ``int8`` is the first recipe (every MatMul int8, s8 weights), kept for bench/bench_onnx.py.
RECIPES: dict[str, dict[str, Any]] = {
    "int8": {"weight_type": "QInt8", "per_channel": True, "reduce_range": False, "keep_fp32": ()},
    "int8mix": {
        "weight_type": "QUInt8",
        "per_channel": True,
        "reduce_range": False,
        "keep_fp32": (r"/layer\.\d+/output/dense/MatMul$",),
    },
}
RECIPE = ONNX_RECIPE
PRECISION = RECIPE  # the folder's suffix and the record's "precision"
ONNX_FILE = "model.onnx"
TOKENIZER_FILE = "tokenizer.json"
#: Written last inside the folder; its presence means the folder is complete.
RECORD_FILE = "chidao_onnx.json"
OPSET = 17
QUANTIZED_OPS = ("MatMul", "Attention", "Gather")
#: Lowest cosine to the fp32 model accepted at export (measured on 1,000 real 1,000-character
#: passages by bench/bench_onnx.py: see README). A broken export gives < 0.9.
MIN_COSINE = 0.98
#: Sentences the export checks against the fp32 model (as passages and as queries).
CHECK_TEXTS = (
    "passage: Công điện số 570/CĐ-TTg ngày 02/5/2021 của Thủ tướng Chính phủ về phòng, chống dịch COVID-19",
    "passage: Giao Sở Y tế chủ trì, phối hợp với Sở Tài chính tham mưu UBND tỉnh trước ngày 15/6/2021.",
    "passage: Ủy ban nhân dân tỉnh Cao Bằng thông báo kết luận của Chủ tịch tại cuộc họp giao ban tháng 4.",
    "passage: Kế hoạch số 12-KH/TU triển khai Nghị quyết 24/2014/NĐ-CP; kinh phí 1.250 triệu đồng (20%).",
    "query: nhiem vu cua so giao thong van tai la gi",
    "query: Đẩy nhanh tiến độ giải ngân vốn đầu tư công năm 2025, bảo đảm chất lượng công trình.",
)


class OnnxExportError(RuntimeError):
    """The ONNX model could not be exported, or it disagrees with the model it came from."""


def onnx_dir_for(source_dir: Path, recipe: str = RECIPE) -> Path:
    """Where the ONNX model of ``source_dir`` exported by ``recipe`` lives: beside it, same name plus
    ``-onnx-<recipe>`` (``-onnx-int8mix``)."""
    source_dir = Path(source_dir)
    return source_dir.parent / f"{source_dir.name}-onnx-{recipe}"


def is_complete(folder: Path) -> bool:
    """The folder was renamed into place (its record exists) by an export of today's recipe."""
    path = Path(folder) / RECORD_FILE
    if not path.is_file():
        return False
    try:
        return json.loads(path.read_text(encoding="utf-8")).get("recipe") == RECIPE
    except (OSError, ValueError):
        return False


def record(folder: Path) -> dict[str, Any]:
    """The JSON written at export (sources, versions, settings, fidelity)."""
    return json.loads((Path(folder) / RECORD_FILE).read_text(encoding="utf-8"))


def _pooled_module(model: Any) -> Any:
    """The transformer followed by attention-masked mean pooling, as one torch Module."""
    import torch

    class MeanPooled(torch.nn.Module):
        def __init__(self, inner: Any) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: Any, attention_mask: Any) -> Any:
            hidden = self.inner(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=torch.zeros_like(input_ids)
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            return (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)

    return MeanPooled(model).eval()


def _feeds(tokenizer: Any, texts: list[str]) -> dict[str, np.ndarray]:
    encs = tokenizer.encode_batch(texts)
    width = max(len(e.ids) for e in encs)
    ids = np.ones((len(encs), width), dtype=np.int64)  # XLM-R's <pad> is 1
    mask = np.zeros((len(encs), width), dtype=np.int64)
    for row, e in enumerate(encs):
        ids[row, : len(e.ids)] = e.ids
        mask[row, : len(e.ids)] = 1
    return {"input_ids": ids, "attention_mask": mask}


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)


def _load_torch_model(source_dir: Path) -> Any:
    from transformers import AutoModel
    from transformers.utils import logging as hf_logging

    bar_was_on = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        return AutoModel.from_pretrained(
            str(source_dir), add_pooling_layer=False, local_files_only=True, attn_implementation="eager"
        ).eval()
    finally:
        if bar_was_on:
            hf_logging.enable_progress_bar()


def export_fused(source_dir: Path, fused_path: Path) -> None:
    """``source_dir`` as a fused fp32 ONNX graph at ``fused_path`` (the step before quantisation;
    bench/bench_onnx.py runs it as the fp32 ONNX candidate)."""
    import torch
    from onnxruntime.transformers import optimizer
    from onnxruntime.transformers.fusion_options import FusionOptions
    from tokenizers import Tokenizer

    source_dir, fused_path = Path(source_dir), Path(fused_path)
    model = _load_torch_model(source_dir)
    pooled = _pooled_module(model)
    tokenizer = Tokenizer.from_file(str(source_dir / TOKENIZER_FILE))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    sample = _feeds(tokenizer, list(CHECK_TEXTS[:2]))
    fp32_path = fused_path.with_name(fused_path.stem + "-plain.onnx")
    with torch.no_grad():
        torch.onnx.export(
            pooled,
            (torch.from_numpy(sample["input_ids"]), torch.from_numpy(sample["attention_mask"])),
            str(fp32_path),
            input_names=["input_ids", "attention_mask"],
            output_names=["embedding"],
            dynamic_axes={
                "input_ids": {0: "batch", 1: "tokens"},
                "attention_mask": {0: "batch", 1: "tokens"},
                "embedding": {0: "batch"},
            },
            opset_version=OPSET,
            dynamo=False,
        )
    config = model.config
    options = FusionOptions("bert")
    options.enable_embed_layer_norm = False  # keep the word embeddings a Gather, quantised below
    fused = optimizer.optimize_model(
        str(fp32_path),
        model_type="bert",
        num_heads=int(config.num_attention_heads),
        hidden_size=int(config.hidden_size),
        optimization_options=options,
    )
    log.info("fused operators: %s", {k: v for k, v in fused.get_fused_operator_statistics().items() if v})
    fused.save_model_to_file(str(fused_path))
    fp32_path.unlink()


def fp32_nodes(graph: Any, recipe: str) -> list[str]:
    """The MatMul nodes of the fused ``graph`` (an ``onnx.GraphProto``) that ``recipe`` keeps in fp32."""
    patterns = [re.compile(p) for p in RECIPES[recipe]["keep_fp32"]]
    return [n.name for n in graph.node if n.op_type == "MatMul" and any(p.search(n.name) for p in patterns)]


def quantize(fused_path: Path, out_path: Path, recipe: str = RECIPE) -> list[str]:
    """The fused fp32 graph at ``fused_path`` quantised by ``recipe`` into ``out_path``; returns the
    names of the MatMul nodes left in fp32. Raises ``OnnxExportError`` when the graph does not have
    the nodes the recipe names (one per suffix per ``Attention`` layer)."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    settings = RECIPES[recipe]
    graph = onnx.load(str(fused_path), load_external_data=False).graph
    keep = fp32_nodes(graph, recipe)
    layers = sum(1 for n in graph.node if n.op_type == "Attention")
    if len(keep) != layers * len(settings["keep_fp32"]):
        raise OnnxExportError(
            f"recipe {recipe!r} keeps {settings['keep_fp32']} in fp32 in each of {layers} layers, "
            f"but the graph has {len(keep)} such MatMul nodes"
        )
    quantize_dynamic(
        str(fused_path),
        str(out_path),
        weight_type=getattr(QuantType, settings["weight_type"]),
        per_channel=settings["per_channel"],
        reduce_range=settings["reduce_range"],
        op_types_to_quantize=list(QUANTIZED_OPS),
        nodes_to_exclude=keep,
        # the fused nodes are from the com.microsoft domain: shape inference cannot type their outputs
        extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
    )
    return keep


def export(source_dir: Path, out_dir: Path, recipe: str = RECIPE) -> dict[str, Any]:
    """Export ``source_dir`` (a BERT-type sentence-transformers folder with mean pooling) into
    ``out_dir`` as ONNX quantised by ``recipe``; returns the fidelity figures measured against the
    fp32 model and the number of MatMul nodes kept in fp32."""
    import onnxruntime as ort
    import torch
    from tokenizers import Tokenizer

    source_dir, out_dir = Path(source_dir), Path(out_dir)
    fused_path = out_dir / "model-fused.onnx"
    export_fused(source_dir, fused_path)
    kept = quantize(fused_path, out_dir / ONNX_FILE, recipe)
    fused_path.unlink()
    # Fidelity: the int8 model against the fp32 PyTorch model on the check sentences, one text per run
    # as the encoder runs them.
    tokenizer = Tokenizer.from_file(str(source_dir / TOKENIZER_FILE))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    pooled = _pooled_module(_load_torch_model(source_dir))
    session = ort.InferenceSession(str(out_dir / ONNX_FILE), providers=["CPUExecutionProvider"])
    cosines = []
    for text in CHECK_TEXTS:
        feeds = _feeds(tokenizer, [text])
        with torch.no_grad():
            reference = pooled(torch.from_numpy(feeds["input_ids"]), torch.from_numpy(feeds["attention_mask"])).numpy()
        ours = session.run(["embedding"], feeds)[0]
        cosines.append(float(np.sum(_unit(ours) * _unit(reference))))
    return {
        "texts": len(CHECK_TEXTS),
        "cosine_min": round(min(cosines), 6),
        "cosine_mean": round(float(np.mean(cosines)), 6),
        "fp32_matmuls": len(kept),
    }


def ensure_onnx_model(source_dir: Path) -> Path:
    """The ONNX folder (``RECIPE``) for the sentence-transformers folder ``source_dir`` (built once; safe
    across processes). Raises ``OnnxExportError`` when the export fails or disagrees with the source."""
    from filelock import FileLock

    source_dir = Path(source_dir)
    target = onnx_dir_for(source_dir)
    if is_complete(target):
        return target
    with FileLock(str(target) + ".lock"):
        if is_complete(target):  # another process finished meanwhile
            return target
        if target.exists():  # a partial folder nobody can be writing: we hold the lock
            shutil.rmtree(target)
        for stale in target.parent.glob(f".{target.name}.tmp-*"):
            shutil.rmtree(stale, ignore_errors=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
        tmp.chmod(0o755)  # mkdtemp makes it private; the cache may be shared
        try:
            started = time.monotonic()
            log.info("exporting %s to ONNX (%s) in %s (once)", source_dir, RECIPE, target)
            try:
                figures = export(source_dir, tmp)
            except ImportError as exc:
                raise OnnxExportError(f"exporting to ONNX needs torch, transformers and onnxruntime: {exc}") from exc
            if figures["cosine_min"] < MIN_COSINE:
                raise OnnxExportError(
                    f"the int8 ONNX model disagrees with {source_dir.name}: cosine {figures['cosine_min']:.4f}"
                    f" < {MIN_COSINE} ({figures})"
                )
            shutil.copyfile(source_dir / TOKENIZER_FILE, tmp / TOKENIZER_FILE)
            import onnx
            import onnxruntime
            import torch

            conversion = source_dir / "chidao_conversion.json"
            info = {
                "source": source_dir.name,
                "source_record": json.loads(conversion.read_text(encoding="utf-8")) if conversion.is_file() else None,
                "precision": PRECISION,
                "recipe": RECIPE,
                "quantization": {
                    "method": "onnxruntime.quantization.quantize_dynamic",
                    "op_types": list(QUANTIZED_OPS),
                    **{k: list(v) if isinstance(v, tuple) else v for k, v in RECIPES[RECIPE].items()},
                },
                "fusion": "onnxruntime.transformers.optimizer, model_type bert, embedding fusion off",
                "pooling": "mean (attention mask), L2 normalisation left to the caller",
                "opset": OPSET,
                "versions": {
                    "torch": torch.__version__,
                    "onnx": onnx.__version__,
                    "onnxruntime": onnxruntime.__version__,
                },
                "verification": figures,
                "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                "seconds": round(time.monotonic() - started, 1),
            }
            (tmp / RECORD_FILE).write_text(json.dumps(info, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
            os.replace(tmp, target)
            log.info("int8 ONNX model ready: %s", figures)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    return target
