"""Search latency and memory of the two stores, grown to 100,000 and 500,000 chunks.

    python bench/bench_stores.py --from INDEX_DIR --queries ../shared/eval/github/queries.jsonl
                                 [--sizes 100000,500000] [--tokens 100] [--pg-url postgresql://…]

INDEX_DIR is a file index built by `chidao ingest` (e.g. by the dev-set evaluation). Its chunks are
repeated until the target size: each copy gets its source chunk's vector with small noise (renormalised)
and a random subset of ``--tokens`` of its source chunk's BM25 tokens (whole chunks would need tens of GB
for bm25s at 500,000 chunks; real chunks hold about 700 tokens, so the lexical side is lighter here than
in a real collection of that size). Both stores get exactly the same rows:

- file store: the FAISS flat index and the bm25s index that a published generation loads (in process);
- PostgreSQL: chunks with a pgvector column and its HNSW index, postings (BM25 term statistics), loaded
  into a fresh database (a PostgreSQL 16 + pgvector started by pgserver unless --pg-url) as a bulk load is
  done: binary COPY, keys and secondary indexes made after the rows, the HNSW index built last with
  ``--hnsw-memory`` of maintenance_work_mem and ``--workers`` parallel workers (chidao/store/pg/synthetic.py).

HNSW is approximate: its recall@10 against the exact nearest chunks (numpy over the same vectors) is
printed for several ``hnsw.ef_search`` values, and recall@100 at the setting chidao searches with
(EF_SEARCH in chidao/store/pg/snapshot.py, 100 candidates), so a fast but lossy index is not taken for an
equal one. The file store's flat FAISS index is exact.

Per query (the dev set's queries: their real tokens; their vectors are source vectors with noise), the
store's part of one search is timed: BM25 over every chunk, the 100 nearest chunks, the candidates'
vectors (what search/searcher.py: scored_candidates does). Memory: the bench process's RSS growth for
the file store; for PostgreSQL, the client's growth plus the server processes' PSS, and the database
size on disk.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

CANDIDATES = 100
EF_VALUES = (100, 200, 400, 800)


def rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 2**20


def server_pss_mb(data_dir: Path | None) -> float | None:
    """PSS of the PostgreSQL server started on ``data_dir`` (postmaster and its children)."""
    import psutil

    if data_dir is None:
        return None
    for p in psutil.process_iter(["cmdline"]):
        if str(data_dir) in " ".join(p.info["cmdline"] or []) and "postgres" in " ".join(p.info["cmdline"] or []):
            procs = [p, *p.children(recursive=True)]
            return sum(q.memory_full_info().pss for q in procs if q.is_running()) / 2**20
    return None


def source_chunks(index: Path) -> tuple[np.ndarray, list[list[str]]]:
    from chidao.store.factory import open_store
    from chidao.store.lexical import passage_tokens

    snap = open_store(index).open_snapshot()
    ids = snap.lexical.ids
    rows = snap.passages([int(i) for i in ids])
    tokens = [
        passage_tokens(f"{rows[int(i)].section}\n{rows[int(i)].text}" if rows[int(i)].section else rows[int(i)].text)
        for i in ids
    ]
    return snap.dense.vectors(ids), tokens


def grow(vectors: np.ndarray, tokens: list[list[str]], n: int, keep: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    src = np.arange(n) % len(vectors)
    vecs = vectors[src] + rng.normal(0, 0.01, (n, vectors.shape[1])).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    toks = []
    for s in src:
        base = tokens[s]
        pick = np.sort(rng.choice(len(base), size=min(keep, len(base)), replace=False))
        toks.append([base[j] for j in pick])
    return vecs.astype(np.float32), toks


def measure(name: str, dense, lexical, queries: list[list[str]], qvecs: np.ndarray) -> dict:
    times = {"lexical": [], "dense": [], "total": []}
    for qt, qv in zip(queries, qvecs, strict=True):
        t0 = time.perf_counter()
        lex = lexical.scores(qt)
        top = np.argsort(-lex)[:CANDIDATES]
        top = top[lex[top] > 0]
        t1 = time.perf_counter()
        dense_ids, _ = dense.search(qv, CANDIDATES)
        ids = np.unique(np.concatenate([lexical.ids[top], dense_ids]))
        _ = dense.vectors(ids) @ qv
        t2 = time.perf_counter()
        times["lexical"].append((t1 - t0) * 1000)
        times["dense"].append((t2 - t1) * 1000)
        times["total"].append((t2 - t0) * 1000)
    out = {}
    for k, v in times.items():
        v.sort()
        out[k] = (statistics.median(v), v[min(len(v) - 1, round(0.95 * (len(v) - 1)))])
    print(
        f"  {name:<11} ms/query  total median {out['total'][0]:7.1f} p95 {out['total'][1]:7.1f}"
        f"   (BM25 median {out['lexical'][0]:7.1f}, vectors median {out['dense'][0]:6.1f})"
    )
    return out


def exact_top(vecs: np.ndarray, qvecs: np.ndarray, k: int) -> list[np.ndarray]:
    """Ids (1-based, as loaded) of the exact k nearest chunks of each query, by cosine (unit vectors)."""
    out = []
    for start in range(0, len(qvecs), 32):
        sims = vecs @ qvecs[start : start + 32].T
        for col in sims.T:
            top = np.argpartition(-col, k)[:k]
            out.append(top + 1)
    return out


def hnsw_recall(conn, qvecs: np.ndarray, exact10: list[np.ndarray], exact100: list[np.ndarray]) -> None:
    """Recall of pgvector's HNSW search against the exact nearest chunks, for several ef_search."""
    from chidao.store.pg.snapshot import EF_SEARCH, vector_literal

    sql = "SELECT id FROM chunks ORDER BY embedding <=> %s::vector LIMIT %s"
    at10, at100 = [], []
    for ef in sorted({*EF_VALUES, EF_SEARCH}):
        conn.execute(f"SET hnsw.ef_search = {ef}")
        t = time.perf_counter()
        got = [[r[0] for r in conn.execute(sql, (vector_literal(q), CANDIDATES))] for q in qvecs]
        ms = (time.perf_counter() - t) * 1000 / len(qvecs)
        r10 = np.mean([len(set(g[:10]) & set(e.tolist())) / 10 for g, e in zip(got, exact10, strict=True)])
        r100 = np.mean([len(set(g) & set(e.tolist())) / CANDIDATES for g, e in zip(got, exact100, strict=True)])
        mark = "*" if ef == EF_SEARCH else ""
        at10.append(f"ef {ef}{mark}: {r10:.3f}")
        at100.append(f"ef {ef}{mark}: {r100:.3f} ({ms:.1f} ms)")
    conn.execute(f"SET hnsw.ef_search = {EF_SEARCH}")
    print("  postgresql  HNSW recall@10 vs exact   " + ", ".join(at10))
    print(f"  postgresql  HNSW recall@{CANDIDATES} vs exact  " + ", ".join(at100) + "   (* chidao's ef_search)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--from", dest="source", type=Path, required=True, help="a file index built by chidao ingest")
    ap.add_argument("--queries", type=Path, required=True)
    ap.add_argument("--sizes", default="100000,500000")
    ap.add_argument("--tokens", type=int, default=100, help="BM25 tokens kept per synthetic chunk")
    ap.add_argument("--pg-url", help="a PostgreSQL server with pgvector (default: start one with pgserver)")
    ap.add_argument("--stores", default="file,postgresql")
    ap.add_argument("--hnsw-memory", default="2GB", help="maintenance_work_mem for the index builds")
    ap.add_argument("--workers", type=int, default=1, help="max_parallel_maintenance_workers (cores - 1)")
    args = ap.parse_args()

    from chidao.store.dense import DenseIndex
    from chidao.store.lexical import LexicalIndex, query_tokens

    stores = set(args.stores.split(","))
    queries = [json.loads(line)["query"] for line in args.queries.open(encoding="utf-8") if line.strip()]
    qtokens = [query_tokens(q) for q in queries]
    src_vecs, src_tokens = source_chunks(args.source)
    rng = np.random.default_rng(1)
    qvecs = src_vecs[rng.integers(0, len(src_vecs), len(queries))]
    qvecs = qvecs + rng.normal(0, 0.05, qvecs.shape).astype(np.float32)
    qvecs /= np.linalg.norm(qvecs, axis=1, keepdims=True)
    print(
        f"source: {len(src_vecs)} chunks (dim {src_vecs.shape[1]}), {len(queries)} queries, "
        f"{args.tokens} BM25 tokens per synthetic chunk"
    )

    server = args.pg_url
    srv, data_dir = None, None
    if "postgresql" in stores and server is None:
        import pgserver

        data_dir = Path(tempfile.mkdtemp(prefix="chidao-bench-pg-"))
        srv = pgserver.get_server(data_dir, cleanup_mode="delete")
        server = srv.get_uri()
    try:
        for n in [int(s) for s in args.sizes.split(",")]:
            t = time.perf_counter()
            vecs, toks = grow(src_vecs, src_tokens, n, args.tokens)
            print(f"\n{n} chunks (rows made in {time.perf_counter() - t:.0f} s)", flush=True)
            ids = np.arange(1, n + 1, dtype=np.int64)
            if "file" in stores:
                before = rss_mb()
                t = time.perf_counter()
                dense, lexical = (
                    DenseIndex.build(ids, vecs, vecs.shape[1], "flat"),
                    LexicalIndex.build(ids.tolist(), toks),
                )
                print(f"  file        built in {time.perf_counter() - t:6.1f} s; RSS +{rss_mb() - before:,.0f} MB")
                measure("file", dense, lexical, qtokens, qvecs)
                del dense, lexical
            if "postgresql" in stores:
                from chidao.store.pg import PgStore
                from chidao.store.pg.synthetic import database_bytes, load_synthetic

                url = _fresh_database(server, f"chidao_bench_{n}")
                t = time.perf_counter()
                steps = load_synthetic(
                    url,
                    "synthetic",
                    vecs,
                    toks,
                    memory=args.hnsw_memory,
                    workers=args.workers,
                    log=lambda m: print(f"  postgresql  {m}", flush=True),
                )
                print(
                    f"  postgresql  loaded + HNSW built in {time.perf_counter() - t:6.1f} s"
                    f" ({', '.join(f'{k} {v:.0f} s' for k, v in steps.items())});"
                    f" database {database_bytes(url) / 2**20:,.0f} MB on disk"
                )
                before = rss_mb()
                store = PgStore(url)
                snap = store.open_snapshot()
                measure("postgresql", snap.dense, snap.lexical, qtokens, qvecs)
                hnsw_recall(store.conn(), qvecs, exact_top(vecs, qvecs, 10), exact_top(vecs, qvecs, CANDIDATES))
                pss = server_pss_mb(data_dir)
                print(
                    f"  postgresql  client RSS +{rss_mb() - before:,.0f} MB"
                    + (f"; server PSS {pss:,.0f} MB" if pss else "")
                )
            del vecs, toks
    finally:
        if srv is not None:
            srv.cleanup()


def _fresh_database(server_url: str, name: str) -> str:
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    base, sep, query = server_url.partition("?")
    return f"{base.rsplit('/', 1)[0]}/{name}{sep}{query}"


if __name__ == "__main__":
    main()
