"""A reader process for tests/test_pg_workers.py: one long-lived Searcher (as `chidao serve` holds)
polling a postgresql:// index until a stop file appears; one JSON line per round on stdout."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from chidao.config import Settings
from search.searcher import Searcher


def main() -> None:
    url, stop, cache = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    settings = Settings(index=url, encoder="hashing", model="hashing-test", cache_dir=cache)
    searcher = Searcher(settings)
    while True:
        last = stop.exists()
        docs = searcher.documents()
        hits = searcher.search("chỉ thị phòng chống", k=10)
        row = {
            "docs": {d["doc_id"]: d["chunks"] for d in docs},
            "hits": [h.doc_id for h in hits],
            "tasks": len(searcher.tasks()["assignments"]),
        }
        print(json.dumps(row), flush=True)
        if last:
            return
        time.sleep(0.05)


if __name__ == "__main__":
    main()
