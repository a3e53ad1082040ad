"""The follow-up board over a real corpus: how many tasks get a due date, which deadline flags occur, how much
evidence is found, and how long the board takes to build.

    python bench/bench_board.py CORPUS_DIR [--index DIR] [--as-of YYYY-MM-DD] [--repeat 3]

Without --index the corpus is ingested into a fresh temporary index with the hashing encoder (the board
reads no vectors, so the model does not change these figures). Prints one block of figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import shutil
import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path

from chidao.config import load_settings
from chidao.store.factory import open_marks
from search.board import board, counts
from search.searcher import Searcher


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paths", nargs="*", type=Path)
    ap.add_argument("--index", help="an existing index, folder or postgresql://… (default: a temporary one of PATHS)")
    ap.add_argument("--as-of", default=dt.date.today().isoformat())
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    tmp = None
    if args.index is None:
        if not args.paths:
            ap.error("give CORPUS_DIR or --index")
        from ingest.pipeline import ingest_paths

        tmp = Path(tempfile.mkdtemp(prefix="chidao-board-"))
        settings = load_settings({"index": tmp / "index", "encoder": "hashing", "model": "hashing-test"})
        t0 = time.perf_counter()
        report = ingest_paths(args.paths, settings)
        print(f"ingested {report.added} documents (hashing encoder) in {time.perf_counter() - t0:.1f} s")
    else:
        settings = load_settings({"index": args.index})
    try:
        searcher = Searcher.open(settings)
        as_of = dt.date.fromisoformat(args.as_of)
        marks = open_marks(settings.index)
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            with searcher.pinned() as snap:
                items = board(snap, searcher.canon, marks, as_of=as_of, due_soon_days=settings.due_soon_days)
            times.append(time.perf_counter() - t0)
        n = len(items)
        with_deadline = [i for i in items if i["deadline"]]
        dated = [i for i in items if i["due"]]
        recurring = Counter(i["recurrence"] for i in items if i["recurrence"])
        flags = Counter(f for i in items for f in i["deadline_flags"])
        from_task = sum(1 for i in items if not i["deadline"] and (i["due"] or i["recurrence"]))
        unresolved = sum(1 for i in with_deadline if not i["due"] and not i["recurrence"])
        reports = sum(1 for i in items if any(e["kind"] == "report" for e in i["evidence"]))
        follow = sum(1 for i in items if any(e["kind"] == "follow_up" for e in i["evidence"]))
        print(f"tasks on the board: {n}  (as of {as_of})")
        print(f"  with a deadline phrase from extraction: {len(with_deadline)}; of these without a date: {unresolved}")
        share = 100 * len(dated) / max(n, 1)
        print(f"  with a due date: {len(dated)} ({share:.1f} %); read from the task text: {from_task}")
        print(f"  recurring: {dict(recurring.most_common())}")
        print(f"  deadline flags: {dict(flags.most_common())}")
        print(f"  statuses: {dict(Counter(i['status'] for i in items).most_common())}")
        print(f"  evidence: {reports} tasks with a report citing them, {follow} with a later task on the same subject")
        print(f"  counts: {counts(items, as_of)}")
        print(f"board built in {times[0] * 1000:.0f} ms the first time (deadlines read, evidence computed), then in")
        print(f"  {statistics.median(times[1:] or times) * 1000:.0f} ms (median of {max(len(times) - 1, 1)} more)")
        print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
