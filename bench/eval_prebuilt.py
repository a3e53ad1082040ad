#!/usr/bin/env python3
"""Score an index that is already built, with the evaluation harness's own metrics.

``../shared/tools/evaluate.py`` always ingests afresh (minutes on two cores). To compare two versions of
the code on the same data, or to iterate on answers, build the index once and run this:

    chidao ingest ../shared/eval/github/corpus ../shared/eval/distractors/laws --index /tmp/idx
    python bench/eval_prebuilt.py --dataset ../shared/eval/github --index /tmp/idx [--json out.json]

It runs ``chidao search/ask --queries``, ``chidao docs`` and ``chidao tasks`` against ``--index`` through
the CLI (as the harness does) and prints the same report, without the ingest figures. The metric
functions are imported from the harness itself, so the scores are computed exactly as it does.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HARNESS = ROOT.parent / "shared" / "tools" / "evaluate.py"


def load_harness(path: Path):
    spec = importlib.util.spec_from_file_location("chidao_harness", path)
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dataset", required=True, type=Path)
    ap.add_argument("--index", required=True, type=Path)
    ap.add_argument("--cmd", default="chidao")
    ap.add_argument("--harness", type=Path, default=HARNESS)
    ap.add_argument("-k", type=int, default=10)
    ap.add_argument("--skip", default="", help="comma list of steps to skip: search,ask,docs,tasks")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--dump", type=Path, help="write every ask answer with its labels (bench_refusal.py --report)")
    args = ap.parse_args()
    h = load_harness(args.harness)
    skip = set(filter(None, args.skip.split(",")))

    def run(*cli: str) -> tuple[str, float]:
        t = time.perf_counter()
        out = subprocess.run(
            [*shlex.split(args.cmd), *cli, "--index", str(args.index)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        return out, time.perf_counter() - t

    queries = h.read_jsonl(args.dataset / "queries.jsonl")
    report: dict = {"dataset": str(args.dataset), "index": str(args.index), "queries": len(queries)}
    with tempfile.TemporaryDirectory() as tmp:
        qfile = Path(tmp) / "queries.jsonl"
        qfile.write_text(
            "".join(json.dumps({"id": q["id"], "query": q["query"]}, ensure_ascii=False) + "\n" for q in queries),
            encoding="utf-8",
        )
        if "search" not in skip:
            out, t = run("search", "--queries", str(qfile), "-k", str(args.k))
            report["search"] = h.search_metrics(queries, {r["id"]: r for r in h.parse_json_lines(out)})
            report["search_seconds_total"] = round(t, 2)
        if "ask" not in skip:
            out, t = run("ask", "--queries", str(qfile))
            answers = {r["id"]: r for r in h.parse_json_lines(out)}
            report["ask"] = h.ask_metrics(queries, answers)
            if args.dump:
                with args.dump.open("w", encoding="utf-8") as f:
                    for q in queries:
                        row = {"dataset": args.dataset.name, **q, "answer": answers.get(q["id"], {"found": True})}
                        f.write(json.dumps(row, ensure_ascii=False) + "\n")
            report["ask_seconds_total"] = round(t, 2)
    if "docs" not in skip:
        out, _ = run("docs", "--json")
        docs = json.loads(out)
        docs = docs.get("documents", docs) if isinstance(docs, dict) else docs
        report["refs"] = h.refs_metrics(h.read_jsonl(args.dataset / "refs.jsonl"), docs)
    if "tasks" not in skip and (args.dataset / "assignments.jsonl").exists():
        out, _ = run("tasks", "--json")
        tasks = json.loads(out)
        tasks = tasks.get("assignments", tasks) if isinstance(tasks, dict) else tasks
        report["tasks"] = h.tasks_metrics(h.read_jsonl(args.dataset / "assignments.jsonl"), tasks)
    text = json.dumps(report, ensure_ascii=False, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
