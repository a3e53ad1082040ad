"""Embedding speed: passage throughput, one-at-a-time query latency, peak RSS.

    python bench/bench_embed.py                      # the configured encoder (chidao.toml / env)
    python bench/bench_embed.py --passages 300 --queries 60
    python bench/bench_embed.py --explore            # + variants, each checked against the baseline

Passages are ~1,000-character windows of the dev corpus (``../shared/eval/github/corpus`` from the repo root,
or ``--corpus``); queries come from its ``queries.jsonl`` when present. ``--explore`` times
alternatives that keep embeddings within cosine 0.999 of the baseline (batch size, torch
threads, sorting by characters vs tokens, attention implementation) and reports the cosine of
each, so a speed-up that changes the vectors shows as such. Keep runs short: 2 shared cores.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path

import numpy as np

DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "github" / "corpus"


def load_passages(corpus: Path, count: int, size: int = 1000) -> list[str]:
    """``count`` windows of ``size`` characters, spread round-robin over the corpus files."""
    per_file: list[list[str]] = []
    for path in sorted(corpus.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        per_file.append([text[i : i + size] for i in range(0, len(text) - size // 2, size)])
    out: list[str] = []
    depth = 0
    while len(out) < count and any(depth < len(w) for w in per_file):
        out.extend(w[depth] for w in per_file if depth < len(w))
        depth += 1
    return out[:count]


def load_queries(corpus: Path, count: int) -> list[str]:
    path = corpus.parent / "queries.jsonl"
    queries: list[str] = []
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                queries.append(json.loads(line)["query"])
    if not queries:
        queries = ["Sở Y tế được giao nhiệm vụ gì?", "Công điện số 570/CĐ-TTg ngày 02/5/2021"]
    return [queries[i % len(queries)] for i in range(count)]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def time_passages(encoder, passages: list[str]) -> tuple[float, np.ndarray]:
    start = time.perf_counter()
    vectors = encoder.encode_passages(passages)
    return time.perf_counter() - start, vectors


def time_queries(encoder, queries: list[str]) -> list[float]:
    timings = []
    for q in queries:
        start = time.perf_counter()
        encoder.encode_queries([q])
        timings.append(time.perf_counter() - start)
    return timings


def _report_passages(label: str, seconds: float, n: int, cosine: float | None = None) -> None:
    extra = "" if cosine is None else f"  min cosine to baseline {cosine:.6f}"
    print(f"{label:<42} {n / seconds:7.2f} chunks/s  ({n} in {seconds:.1f} s){extra}", flush=True)


def _min_cos(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.min(np.sum(a * b, axis=1)))


def explore(encoder, settings, passages: list[str], baseline: np.ndarray, rounds: int = 2) -> None:
    """Time variants against the configured encoder on the same passages.

    The machine is shared, so each variant is timed alternately with the baseline, ``rounds``
    times, and the best time of each is kept; the ratio is variant / baseline throughput.
    """
    import torch

    model = encoder.model
    prompt = encoder.passage_prompt
    first = model[0]

    def run_baseline() -> np.ndarray:
        return encoder.encode_passages(passages)

    def ab(label: str, variant, setup=None, teardown=None) -> None:
        # Wall time (best of rounds) and process CPU time: CPU seconds are less disturbed by
        # other processes on the shared cores (but count every torch thread).
        best_base = best_var = cpu_base = cpu_var = float("inf")
        vecs = baseline
        for _ in range(rounds):
            start, cpu = time.perf_counter(), time.process_time()
            run_baseline()
            best_base = min(best_base, time.perf_counter() - start)
            cpu_base = min(cpu_base, time.process_time() - cpu)
            if setup:
                setup()
            try:
                start, cpu = time.perf_counter(), time.process_time()
                vecs = variant()
                best_var = min(best_var, time.perf_counter() - start)
                cpu_var = min(cpu_var, time.process_time() - cpu)
            finally:
                if teardown:
                    teardown()
        n = len(passages)
        print(
            f"{label:<40} {n / best_var:6.2f} chunks/s vs baseline {n / best_base:6.2f}"
            f" (wall x{best_base / best_var:4.2f}, CPU x{cpu_base / cpu_var:4.2f})"
            f"  min cosine {_min_cos(vecs, baseline):.6f}",
            flush=True,
        )

    # Padding is deterministic: tokens the model computes, sorted by characters vs by tokens.
    tokenizer = model.tokenizer
    lengths = np.array([len(ids) for ids in tokenizer([prompt + p for p in passages], verbose=False)["input_ids"]])
    lengths = np.minimum(lengths, model.max_seq_length)
    char_order = np.argsort([-len(prompt + p) for p in passages], kind="stable")
    token_order = np.argsort(-lengths, kind="stable")
    for batch_size in (8, 16, 32):
        padded = {
            name: sum(
                int(lengths[order[i : i + batch_size]].max()) * len(order[i : i + batch_size])
                for i in range(0, len(order), batch_size)
            )
            for name, order in (("chars", char_order), ("tokens", token_order))
        }
        print(
            f"batch {batch_size:>2}: real tokens {int(lengths.sum())}, computed with char sort {padded['chars']}"
            f" (+{padded['chars'] / lengths.sum() - 1:.1%}), with token sort {padded['tokens']}"
            f" (+{padded['tokens'] / lengths.sum() - 1:.1%})"
        )

    ab(
        f"ST encode (char sort), batch {settings.batch_size}",
        lambda: model.encode(
            passages,
            prompt=prompt,
            batch_size=settings.batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
        ),
    )
    default_batch = settings.batch_size
    for batch_size in (8, 32):

        def set_batch(b: int = batch_size) -> None:
            encoder.settings.batch_size = b

        def reset_batch() -> None:
            encoder.settings.batch_size = default_batch

        ab(f"token sort, batch {batch_size}", run_baseline, set_batch, reset_batch)
    threads = torch.get_num_threads()
    ab(
        f"torch threads 1 (default {threads})",
        run_baseline,
        lambda: torch.set_num_threads(1),
        lambda: torch.set_num_threads(threads),
    )
    auto = first.auto_model
    current = getattr(auto.config, "_attn_implementation", None)
    if current != "eager":
        ab(
            f"attention eager (default {current})",
            run_baseline,
            lambda: auto.set_attn_implementation("eager"),
            lambda: auto.set_attn_implementation(current),
        )
    # Dynamic int8 quantisation of the Linear layers (changes the vectors: see the cosine).
    try:
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            qmodel = torch.ao.quantization.quantize_dynamic(auto, {torch.nn.Linear}, dtype=torch.qint8)
    except Exception as exc:
        print(f"dynamic int8: not available ({exc})")
        return

    def use_q() -> None:
        first.model = qmodel

    def use_fp32() -> None:
        first.model = auto

    ab("dynamic int8 Linear", run_baseline, use_q, use_fp32)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--passages", type=int, default=200, help="number of ~1,000-character passages")
    parser.add_argument("--queries", type=int, default=50, help="queries encoded one at a time")
    parser.add_argument("--batch-size", type=int, default=None)
    parser.add_argument("--explore", action="store_true", help="also time variants (a few minutes)")
    args = parser.parse_args(argv)

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from chidao.config import load_settings
    from chidao.models.embed import make_encoder

    settings = load_settings({"batch_size": args.batch_size})
    encoder = make_encoder(settings)
    passages = load_passages(args.corpus, args.passages)
    queries = load_queries(args.corpus, args.queries)
    import torch

    print(
        f"encoder {settings.encoder} model {encoder.name} device {settings.device} "
        f"batch {settings.batch_size} torch threads {torch.get_num_threads()}"
    )
    start = time.perf_counter()
    dim = encoder.dim
    print(f"load {time.perf_counter() - start:.1f} s, dim {dim}, RSS after load {peak_rss_mb():.0f} MB")
    encoder.encode_queries(["khởi động"])  # warm-up
    chars = sum(len(p) for p in passages) / max(len(passages), 1)
    print(f"{len(passages)} passages, mean {chars:.0f} characters")
    seconds, baseline = time_passages(encoder, passages)
    _report_passages("passages (encode_passages)", seconds, len(passages))
    timings = time_queries(encoder, queries)
    timings_ms = sorted(t * 1000 for t in timings)
    p95 = timings_ms[min(len(timings_ms) - 1, round(0.95 * (len(timings_ms) - 1)))]
    print(f"query latency over {len(timings)}: median {statistics.median(timings_ms):.1f} ms, p95 {p95:.1f} ms")
    print(f"peak RSS {peak_rss_mb():.0f} MB")
    if args.explore and hasattr(encoder, "model"):
        explore(encoder, settings, passages, baseline)
        print(f"peak RSS {peak_rss_mb():.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
