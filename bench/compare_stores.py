"""The dev-set evaluation through the CLI on both stores, side by side: the file store (FAISS + bm25s +
SQLite) and a postgresql:// index (pgvector HNSW + BM25 from stored term statistics).

    python bench/compare_stores.py [--dataset ../shared/eval/github] [--extra ../shared/eval/distractors/laws]
                                   [--pg-url postgresql://…] [--file-report REPORT.json] [--json OUT.json]

Each store runs ``../shared/tools/evaluate.py`` (ingest, search --queries, ask --queries, docs, tasks) in a
fresh index: a temporary folder, and a new database on ``--pg-url``'s server (default: a PostgreSQL 16
with pgvector started by the ``pgserver`` package in a temporary folder). The two runs are sequential
(each embeds the whole corpus with the configured model). Prints hit@5, MRR@10, evidence recall,
citation F1, assignment F1 and more for both stores and their difference.

``--cli URL ARGS…`` is the adapter evaluate.py calls for the database run: the chidao CLI with the
``--index FOLDER`` that evaluate.py passes replaced by URL; ``--cli-file SEED ARGS…`` the one for the
folder run (SEED: an embedding cache to copy in before ingesting, or ``-``).
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# ../shared beside the checkout (../../shared from a worktree under a sibling folder)
SHARED = next(
    (p / "shared" for p in (ROOT.parent, ROOT.parent.parent) if (p / "shared").is_dir()), ROOT.parent / "shared"
)

METRICS = [
    ("hit@1", ("search", "all", "hit@1")),
    ("hit@5", ("search", "all", "hit@5")),
    ("MRR@10", ("search", "all", "mrr@10")),
    ("passage hit@5", ("search", "all", "passage_hit@5")),
    ("evidence recall", ("ask", "all", "evidence_recall")),
    ("citation precision (ask)", ("ask", "all", "citation_precision")),
    ("citation F1 (refs)", ("refs", "f1")),
    ("assignment F1", ("tasks", "f1")),
    ("ingest s", ("ingest", "seconds")),
    ("search ms/query", ("search_latency_ms_per_query",)),
    ("ask s total", ("ask_seconds_total",)),
    ("peak RSS MB (CLI)", ("peak_rss_mb_children",)),
]
GATED = {"hit@5", "MRR@10", "evidence recall", "citation F1 (refs)", "assignment F1"}


def cli_adapter(url: str, args: list[str]) -> None:
    """Run the chidao CLI with evaluate.py's ``--index FOLDER`` replaced by the database URL."""
    out, skip = [], False
    for a in args:
        if skip:
            skip = False
        elif a == "--index":
            skip = True
        else:
            out.append(a)
    from chidao.cli import main

    main([*out, "--index", url], standalone_mode=True)


def _get(report: dict, path: tuple[str, ...]):
    for key in path:
        report = report.get(key, {}) if isinstance(report, dict) else {}
    return report if isinstance(report, int | float) else None


def evaluate(cmd: str, dataset: Path, extra: list[Path], out: Path, workdir: Path) -> dict:
    argv = [sys.executable, str(SHARED / "tools" / "evaluate.py"), "--dataset", str(dataset), "--cmd", cmd]
    argv += ["--workdir", str(workdir)]
    workdir.mkdir(parents=True, exist_ok=True)
    for e in extra:
        argv += ["--extra", str(e)]
    argv += ["--json", str(out)]
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    print(f"$ {shlex.join(argv)}", file=sys.stderr, flush=True)
    subprocess.run(argv, check=True, env=env, stdout=subprocess.DEVNULL)
    return json.loads(out.read_text(encoding="utf-8"))


def seed_embeddings(cache_file: Path, url: str) -> int:
    """Copy an embedding cache (every model in it) into the database's."""
    from chidao.store.cache import EmbeddingCache
    from chidao.store.pg import PgWriter

    n = 0
    cache = EmbeddingCache(cache_file)
    for model in cache.models():
        with PgWriter(url, model) as w:
            for hashes, vectors in cache.items(model):
                w.cache.put(model, hashes, vectors)
                n += len(hashes)
    cache.close()
    return n


def file_adapter(seed: str, args: list[str]) -> None:
    """The chidao CLI on an index folder; before an ingest, the folder's embedding cache gets ``seed``'s rows."""
    from chidao.cli import main

    if seed != "-" and args and args[0] == "ingest":
        from chidao.store.cache import EmbeddingCache
        from chidao.store.layout import EMBEDDINGS

        index = Path(args[args.index("--index") + 1])
        index.mkdir(parents=True, exist_ok=True)
        source, target = EmbeddingCache(Path(seed)), EmbeddingCache(index / EMBEDDINGS)
        for model in source.models():
            for hashes, vectors in source.items(model):
                target.put(model, hashes, vectors)
        source.close()
        target.close()
    main(args, standalone_mode=True)


def run_database(args, extra: list[Path], here: str, work: Path) -> dict:
    """The evaluation on a fresh database (on --pg-url's server, or one started by pgserver)."""
    server = args.pg_url
    srv = None
    if server is None:
        import pgserver

        srv = pgserver.get_server(work / "pgdata", cleanup_mode="stop")
        server = srv.get_uri()
    try:
        url = fresh_database(server, "chidao_compare")
        if args.seed_cache:
            print(f"seeded {seed_embeddings(args.seed_cache, url)} embeddings", file=sys.stderr)
        cmd = f"{here} --cli {shlex.quote(url)}"
        return evaluate(cmd, args.dataset, extra, work / "pg.json", work / "pg")
    finally:
        if srv is not None:
            srv.cleanup()


def _fmt(v) -> str:
    return "—" if v is None else f"{v:.3f}" if isinstance(v, float) and v <= 1.0 else f"{v:g}"


def fresh_database(server_url: str, name: str) -> str:
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    base, sep, query = server_url.partition("?")
    return f"{base.rsplit('/', 1)[0]}/{name}{sep}{query}"


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--cli":
        cli_adapter(sys.argv[2], sys.argv[3:])
        return
    if len(sys.argv) > 2 and sys.argv[1] == "--cli-file":
        file_adapter(sys.argv[2], sys.argv[3:])
        return
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dataset", type=Path, default=SHARED / "eval" / "github")
    ap.add_argument("--extra", type=Path, action="append", default=None)
    ap.add_argument("--pg-url", help="a PostgreSQL server with pgvector (default: start one with pgserver)")
    ap.add_argument("--file-report", type=Path, help="reuse this evaluate.py report for the file store")
    ap.add_argument("--pg-report", type=Path, help="reuse this evaluate.py report for the database")
    ap.add_argument("--json", type=Path, help="write both reports here")
    ap.add_argument("--no-extra", action="store_true", help="no distractor folders")
    ap.add_argument(
        "--seed-cache",
        type=Path,
        help="an embeddings.sqlite (an index folder's embedding cache) copied into the folder's cache before it"
        " ingests (same model, same vectors: the figures do not change, the ingest time does). The database run"
        " always gets the folder run's cache, so its ingest embeds nothing and its ingest time is not comparable",
    )
    args = ap.parse_args()
    extra = args.extra if args.extra is not None else [SHARED / "eval" / "distractors" / "laws"]
    if args.no_extra:
        extra = []
    here = f"{shlex.quote(sys.executable)} {shlex.quote(str(Path(__file__).resolve()))}"
    work = Path(tempfile.mkdtemp(prefix="chidao-compare-"))

    if args.file_report:
        file_report = json.loads(args.file_report.read_text(encoding="utf-8"))
    else:
        cmd = f"{here} --cli-file {shlex.quote(str(args.seed_cache))}" if args.seed_cache else f"{here} --cli-file -"
        file_report = evaluate(cmd, args.dataset, extra, work / "file.json", work / "file")
        # the database run embeds nothing again: it gets the folder run's cache (a superset of the seed)
        args.seed_cache = work / "file" / "index" / "embeddings.sqlite"

    if args.pg_report:
        pg_report = json.loads(args.pg_report.read_text(encoding="utf-8"))
    else:
        pg_report = run_database(args, extra, here, work)

    print(
        f"\ndataset {args.dataset.name} (+ {', '.join(e.name for e in extra) or 'no distractors'}),"
        f" {file_report.get('queries')} queries"
    )
    print(f"{'':26} {'file store':>12} {'postgresql':>12} {'diff':>8}")
    worst = 0.0
    for name, path in METRICS:
        a, b = _get(file_report, path), _get(pg_report, path)
        diff = (b - a) if a is not None and b is not None else None
        if name in GATED and diff is not None:
            worst = max(worst, abs(diff))
        print(f"{name:26} {_fmt(a):>12} {_fmt(b):>12} {'' if diff is None else f'{diff:+.3f}':>8}")
    print(
        f"\nlargest difference on hit@5, MRR@10, evidence recall, citation F1, assignment F1: {worst:.3f}"
        f" ({'within' if worst <= 0.01 else 'NOT within'} 0.01)"
    )
    if args.json:
        args.json.write_text(json.dumps({"file": file_report, "postgresql": pg_report}, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
