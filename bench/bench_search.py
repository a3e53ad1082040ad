"""Search latency per query, in process: median and 95th percentile, at the index's size and grown.

    python bench/bench_search.py --index DIR --queries QUERIES.jsonl [--grow 100000] [--ask] [--fill]

QUERIES.jsonl holds one {"query": …} per line (the dev set's queries.jsonl works). The index is
one built by `chidao ingest` with the configured model. With --grow N, a copy of the index is
grown to N chunks by repeating its documents (embeddings perturbed with small noise, so FAISS
and BM25 really hold N distinct rows) and measured again; the original is left untouched.
With --ask, `ask` latency is measured too. Each measure prints how many of the index's citable passages
have their vector computed ahead (``chidao passages``; the web server computes them while idle); with
--fill they are computed first (into --index; a grown copy repeats its documents, hence its passages).
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from chidao.config import load_settings
from chidao.store.layout import text_hash
from search.answer.prefill import fill_passage_vectors, index_passages
from search.searcher import Searcher


def measure(settings, queries: list[str], ask: bool, fill: bool = False) -> None:
    t0 = time.perf_counter()
    searcher = Searcher.open(settings)
    searcher.warm_up()
    print(f"  open + warm-up     {time.perf_counter() - t0:8.2f} s   ({searcher.snapshot.meta.chunks} chunks)")
    if fill:
        report = fill_passage_vectors(searcher)
        print(f"  passages filled    {report.seconds:8.1f} s   ({report.embedded} computed now)")
    passages = index_passages(searcher.snapshot)
    hashes = [text_hash(p) for p in passages]
    have = len(hashes) - len(searcher.store.missing_vectors(settings.model_id, hashes))
    print(f"  passage vectors    {have} of {len(passages)} citable passages computed ahead (chidao passages)")
    kinds = [("search", lambda q: searcher.search(q, k=10))]
    if ask:
        kinds.append(("ask", searcher.ask))
    for name, fn in kinds:
        times = []
        for q in queries:
            t = time.perf_counter()
            fn(q)
            times.append((time.perf_counter() - t) * 1000)
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        print(f"  {name:<6} ms/query   median {statistics.median(times):7.1f}   p95 {p95:7.1f}   (n={len(times)})")
    print(f"  peak RSS           {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:8.0f} MB")


def grow(index: Path, model: str, target: int) -> None:
    """Repeat the documents of the live generation until it holds ``target`` chunks, then publish."""
    from chidao.store import IndexWriter

    rng = np.random.default_rng(0)
    with IndexWriter(index, model) as w:
        db = w.db
        base = db.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]
        docs = [r[0] for r in db.execute("SELECT doc_id FROM documents")]
        copy = 0
        while db.execute("SELECT COUNT(*) FROM chunks").fetchone()[0] < target:
            copy += 1
            suffix = f"-g{copy}"
            with db:
                db.execute(
                    "INSERT INTO documents SELECT doc_id || ?, source || ?, format, number, number_key, year, type,"
                    " issuer, place, date, title, signer, text, page_starts, warnings, added_at FROM documents"
                    " WHERE doc_id IN (" + ",".join("?" * len(docs)) + ")",
                    (suffix, suffix, *docs),
                )
                db.execute(
                    'INSERT INTO chunks(chunk_id, doc_id, ordinal, section, start, "end", page, page_end, embed_hash,'
                    ' tokens) SELECT chunk_id || ?, doc_id || ?, ordinal, section, start, "end", page, page_end,'
                    " embed_hash || ?, tokens FROM chunks WHERE doc_id IN (" + ",".join("?" * len(docs)) + ")",
                    (suffix, suffix, suffix, *docs),
                )
            rows = db.execute(
                "SELECT embed_hash FROM chunks WHERE doc_id IN (" + ",".join("?" * len(docs)) + ")", docs
            ).fetchall()
            hashes = [r[0] for r in rows]
            vecs = w.cache.get(model, hashes)
            vecs = vecs + rng.normal(0, 0.01, vecs.shape).astype(np.float32)
            vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
            w.cache.put(model, [h + suffix for h in hashes], vecs)
        w.changed = True
        with db:
            db.execute(
                "DELETE FROM chunks WHERE id IN (SELECT id FROM chunks ORDER BY id DESC LIMIT"
                " max(0, (SELECT COUNT(*) FROM chunks) - ?))",
                (target,),
            )
        t = time.perf_counter()
        w.commit(None)
        print(f"  grown from {base} to {target} chunks; FAISS + BM25 built in {time.perf_counter() - t:.1f} s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", type=Path, required=True)
    ap.add_argument("--queries", type=Path, required=True)
    ap.add_argument("--grow", type=int, default=0, help="also measure with the index grown to this many chunks")
    ap.add_argument("--ask", action="store_true", help="measure ask latency too")
    ap.add_argument(
        "--fill", action="store_true", help="compute the passage vectors first (`chidao passages`; writes to --index)"
    )
    args = ap.parse_args()
    queries = [json.loads(line)["query"] for line in args.queries.open(encoding="utf-8") if line.strip()]

    settings = load_settings({"index": args.index})
    print(f"model: {settings.model}")
    print(f"\nindex as built ({args.index})")
    measure(settings, queries, args.ask, args.fill)
    if args.grow:
        tmp = Path(tempfile.mkdtemp(prefix="chidao-grow-"))
        try:
            shutil.copytree(args.index, tmp / "index", symlinks=True)
            grown = settings.model_copy(update={"index": tmp / "index"})
            print(f"\nindex grown to {args.grow} chunks")
            grow(grown.index, settings.model_id, args.grow)
            measure(grown, queries, args.ask)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
