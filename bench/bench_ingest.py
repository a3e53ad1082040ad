"""Ingest throughput, peak memory and index size, for a first run and a second run with nothing changed.

    python bench/bench_ingest.py CORPUS_DIR [MORE_DIRS…] [--index DIR]

Uses the configured embedding model (the offline default unless chidao.toml/CHIDAO_MODEL say
otherwise) and a fresh temporary index unless --index is given. Prints one block of figures per run.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import tempfile
import time
from pathlib import Path

from chidao.config import load_settings
from ingest.pipeline import ingest_paths


def dir_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paths", nargs="+", type=Path)
    ap.add_argument("--index", type=Path, help="index folder (default: a fresh temporary one, removed after)")
    args = ap.parse_args()

    tmp = None
    if args.index is None:
        tmp = Path(tempfile.mkdtemp(prefix="chidao-bench-"))
        args.index = tmp / "index"
    settings = load_settings({"index": args.index})
    files = sum(1 for p in args.paths for f in (p.rglob("*") if p.is_dir() else [p]) if f.is_file())
    print(f"model: {settings.model}   files: {files}   index: {args.index}")
    try:
        for run in ("first run", "second run (nothing changed)"):
            t0 = time.perf_counter()
            report = ingest_paths(args.paths, settings)
            seconds = time.perf_counter() - t0
            docs = report.added + report.updated + report.unchanged
            print(f"\n{run}")
            print(
                f"  wall time          {seconds:8.1f} s   (parse {report.seconds.get('parse', 0):.1f} s, "
                f"embed {report.seconds.get('embed', 0):.1f} s, publish {report.seconds.get('publish', 0):.1f} s)"
            )
            print(
                f"  documents          {docs:8d}   added {report.added}, unchanged {report.unchanged}, "
                f"failed {len(report.failed)}"
            )
            print(f"  documents/s        {docs / seconds:8.2f}")
            print(f"  chunks in index    {report.chunks:8d}   embedded this run {report.embedded}")
            print(f"  chunks/s           {report.chunks / seconds:8.1f}   (embedded/s {report.embedded / seconds:.1f})")
            print(f"  peak RSS           {peak_rss_mb():8.0f} MB (process so far)")
            print(f"  index size         {dir_size(args.index) / 2**20:8.1f} MB")
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
