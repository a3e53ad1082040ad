"""Search and ask figures of labelled question sets against an index already built, in process.

    python bench/bench_answers.py --index DIR --dataset DIR [--dataset DIR ...] [--dump FILE.jsonl] [--show]

Each dataset folder holds a ``queries.jsonl`` in the harness's format (id, query, kind, gold_files, gold_text);
the index must hold its corpus (build it once with ``chidao ingest``). The metrics are the harness's own
(``../shared/tools/evaluate.py`` is imported, so the figures are computed exactly as it computes them), without
the ingest: this is the loop for tuning the answers. ``--dump`` writes every answer with its labels (what
``bench_refusal.py`` learns from); ``--show`` prints the questions answered wrongly.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# ../shared beside the repository (a git worktree one level deeper finds it one level up)
SHARED = next((p for p in (ROOT.parent / "shared", ROOT.parents[1] / "shared") if p.exists()), ROOT.parent / "shared")


def harness():
    """The evaluation harness's module (metrics and matching rules)."""
    path = SHARED / "tools" / "evaluate.py"
    spec = importlib.util.spec_from_file_location("evaluate", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def run(index: Path, datasets: list[Path], dump: Path | None, show: bool, skip_search: bool = False) -> None:
    from chidao.config import load_settings
    from search.searcher import Searcher

    ev = harness()
    searcher = Searcher.open(load_settings({"index": str(index)}))
    out = dump.open("w", encoding="utf-8") if dump else None
    for ds in datasets:
        queries = read_jsonl(ds / "queries.jsonl")
        search_answers, ask_answers = {}, {}
        for q in queries:
            if not skip_search:
                hits = searcher.search(q["query"], k=10)
                search_answers[q["id"]] = {"results": [h.model_dump() for h in hits]}
            answer = searcher.ask(q["query"])
            a = answer.model_dump() | {"signals": answer.signals}
            ask_answers[q["id"]] = a
            if out:
                out.write(json.dumps({"dataset": ds.name, **q, "answer": a}, ensure_ascii=False) + "\n")
        print(f"== {ds}  ({len(queries)} questions)")
        if not skip_search:
            s = ev.search_metrics(queries, search_answers)
            print("search", json.dumps({k: v for k, v in s.items() if k == "all"}, ensure_ascii=False))
            print("search per kind", json.dumps({k: v for k, v in s.items() if k != "all"}, ensure_ascii=False))
        m = ev.ask_metrics(queries, ask_answers)
        print("ask", json.dumps(m.get("all"), ensure_ascii=False))
        print("ask per kind", json.dumps({k: v for k, v in m.items() if k != "all"}, ensure_ascii=False))
        answerable = [q for q in queries if q.get("gold_files")]
        refused = sum(not ask_answers[q["id"]]["found"] for q in answerable)
        print(f"answerable refused {refused}/{len(answerable)}")
        if show:
            for q in queries:
                a = ask_answers[q["id"]]
                row = ev.ask_metrics([q], {q["id"]: a}).get(q["kind"], {})
                bad = row.get("correct_refusal", 1.0) < 1 or row.get("evidence_recall", 1.0) < 1
                bad = bad or row.get("citation_precision", 1.0) < 0.8
                if bad:
                    print(f"-- [{q['kind']}] {q['query']}\n   {json.dumps(row)} found={a['found']}")
                    print("   " + a["answer"][:300].replace("\n", "\n   "))
    if out:
        out.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", required=True, type=Path)
    ap.add_argument("--dataset", required=True, type=Path, action="append")
    ap.add_argument("--dump", type=Path)
    ap.add_argument("--show", action="store_true")
    ap.add_argument("--skip-search", action="store_true")
    ap.add_argument("--no-refusal", action="store_true", help="answer even below the refusal threshold (calibration)")
    args = ap.parse_args()
    if args.no_refusal:
        import search.answer.refusal

        search.answer.refusal.DISABLED = True
    run(args.index, args.dataset, args.dump, args.show, args.skip_search)
    return 0


if __name__ == "__main__":
    sys.exit(main())
