#!/usr/bin/env python3
"""Merge the labelled parts into one collection and split it by document into a tune and a check half.

    python eval/collection/build.py

Reads ``parts/{a,b,c,d}.{docs,refs,assignments,queries}.jsonl`` and writes, beside this file:

- ``docs.jsonl``, ``refs.jsonl``, ``assignments.jsonl``, ``queries.jsonl``: the whole collection;
- ``split.tsv``: ``file<TAB>tune|check``: within each part, files ordered by the SHA-1 of their name
  and given alternately to the two halves, so both halves hold every kind of issuer;
- ``tune/`` and ``check/``: datasets in the evaluation harness's format whose ``corpus`` is the whole
  collection (a link to ``../corpus``) and whose labels (queries, assignments, citations) are those of
  one half. A query belongs to the half of its first gold file; an unanswerable one (no gold file) to
  the half its id hashes to. Tune on ``tune/``; report ``check/``.

Standard library only; the output is deterministic.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

HERE = Path(__file__).resolve().parent
KINDS = ("docs", "refs", "assignments", "queries")


def read_jsonl(path: Path) -> list[dict]:
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def write_jsonl(path: Path, rows: list[dict]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def digest(name: str) -> str:
    return hashlib.sha1(name.encode("utf-8")).hexdigest()


def main() -> int:
    parts = sorted({p.name.split(".")[0] for p in (HERE / "parts").glob("*.jsonl")})
    merged: dict[str, list[dict]] = {kind: [] for kind in KINDS}
    half: dict[str, str] = {}
    for part in parts:
        docs = read_jsonl(HERE / "parts" / f"{part}.docs.jsonl")
        for i, name in enumerate(sorted((d["file"] for d in docs), key=digest)):
            half[name] = ("tune", "check")[i % 2]
        for kind in KINDS:
            merged[kind] += read_jsonl(HERE / "parts" / f"{part}.{kind}.jsonl")
    missing = [d["file"] for d in merged["docs"] if not (HERE / "corpus" / d["file"]).is_file()]
    if missing:
        raise SystemExit(f"files named in docs.jsonl but absent from corpus/: {missing}")
    for kind in KINDS:
        write_jsonl(HERE / f"{kind}.jsonl", merged[kind])
    (HERE / "split.tsv").write_text("".join(f"{f}\t{h}\n" for f, h in sorted(half.items())), encoding="utf-8")

    def half_of_query(q: dict) -> str:
        gold = q.get("gold_files") or []
        if gold:
            return half.get(gold[0], "tune")
        return ("tune", "check")[int(digest(q["id"]), 16) % 2]

    for name in ("tune", "check"):
        out = HERE / name
        out.mkdir(exist_ok=True)
        link = out / "corpus"
        if not link.is_symlink():
            os.symlink("../corpus", link)
        for kind in ("docs", "refs", "assignments"):
            write_jsonl(out / f"{kind}.jsonl", [r for r in merged[kind] if half.get(r["file"]) == name])
        write_jsonl(out / "queries.jsonl", [q for q in merged["queries"] if half_of_query(q) == name])
    for name in ("tune", "check"):
        counts = {kind: len(read_jsonl(HERE / name / f"{kind}.jsonl")) for kind in KINDS}
        print(name, counts)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
