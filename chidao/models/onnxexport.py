"""A sentence-transformers e5 folder → a cached int8 ONNX Runtime model (exported once).

``ensure_onnx_model(cache_dir, source_dir)`` builds, next to the converted folder of
``chidao.models.e5convert``, the folder ``<source name>-onnx-int8`` holding:

- ``model.onnx``: the BERT encoder with mean pooling inside (inputs ``input_ids`` and
  ``attention_mask``, int64, batch × tokens; output ``embedding``, float32, batch × hidden,
  not yet normalised), exported from PyTorch (eager attention) with the TorchScript exporter
  (opset 17); fused by ``onnxruntime.transformers.optimizer`` (one ``Attention`` node per layer,
  ``SkipLayerNormalization``, ``BiasGelu``: about a quarter less CPU than the plain graph; the
  embedding fusion is left off so that the word-embedding table stays a quantisable ``Gather``);
  then dynamically quantised by ``onnxruntime.quantization.quantize_dynamic``: weights of every
  ``MatMul`` and ``Attention`` as int8 per output channel, activations quantised per run at run
  time (one scale per tensor: ``OnnxEncoder`` runs one text per run so that a text's vector does not
  depend on its neighbours), and the ``Gather`` tables (the 250,002 × 384 word embeddings are 384 MB in fp32) as int8
  too: 118 MB on disk;
- ``tokenizer.json``: copied from the source folder (read with the ``tokenizers`` library; its
  Latin-script part, ``chidao.models.tokens``, is added beside it on first use);
- ``chidao_onnx.json``: what was built from what (source folder and its conversion record,
  torch / onnx / onnxruntime versions, quantisation settings) and the fidelity measured at
  export: cosine between the int8 model and the fp32 PyTorch model on Vietnamese sentences.

Exporting needs torch and transformers (installed for sentence-transformers anyway); running the
result needs only onnxruntime, tokenizers and numpy. The folder is written under a file lock into
a temporary name and renamed into place, as the conversion is.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

PRECISION = "int8"
ONNX_FILE = "model.onnx"
TOKENIZER_FILE = "tokenizer.json"
#: Written last inside the folder; its presence means the folder is complete.
RECORD_FILE = "chidao_onnx.json"
OPSET = 17
QUANTIZED_OPS = ("MatMul", "Attention", "Gather")
#: Lowest cosine to the fp32 model accepted at export (measured on 1,000 real 1,000-character
#: passages by bench/compare.py: see README). A broken export gives < 0.9.
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


def onnx_dir_for(source_dir: Path) -> Path:
    """Where the int8 ONNX model of ``source_dir`` lives: beside it, same name plus ``-onnx-int8``."""
    source_dir = Path(source_dir)
    return source_dir.parent / f"{source_dir.name}-onnx-{PRECISION}"


def is_complete(folder: Path) -> bool:
    return (Path(folder) / RECORD_FILE).is_file()


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


def export(source_dir: Path, out_dir: Path) -> dict[str, Any]:
    """Export ``source_dir`` (a BERT-type sentence-transformers folder with mean pooling) into
    ``out_dir`` as int8 ONNX; returns the fidelity figures measured against the fp32 model."""
    import onnx
    import onnxruntime as ort
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from tokenizers import Tokenizer

    source_dir, out_dir = Path(source_dir), Path(out_dir)
    fused_path = out_dir / "model-fused.onnx"
    export_fused(source_dir, fused_path)
    quantize_dynamic(
        str(fused_path),
        str(out_dir / ONNX_FILE),
        weight_type=QuantType.QInt8,
        per_channel=True,
        op_types_to_quantize=list(QUANTIZED_OPS),
        # the fused nodes are from the com.microsoft domain: shape inference cannot type their outputs
        extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
    )
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
    }


def ensure_onnx_model(source_dir: Path) -> Path:
    """The int8 ONNX folder for the sentence-transformers folder ``source_dir`` (built once; safe
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
            log.info("exporting %s to int8 ONNX in %s (once)", source_dir, target)
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
                "quantization": {
                    "method": "onnxruntime.quantization.quantize_dynamic",
                    "weight_type": "QInt8",
                    "per_channel": True,
                    "op_types": list(QUANTIZED_OPS),
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
