#!/usr/bin/env python3
"""Seconds per page of OCR on this machine: scanned A4 pages at 200 dpi (tests/scans.py: real
directive text, turned up to 2°, noise, a red seal and a signature) read through ``load_file``.

    python bench/bench_ocr.py              # 3 pages
    python bench/bench_ocr.py --pages 6

Prints, per page and in total: rendering the PDF page (PDFium), preparing it (colour drop-out and
deskew), Tesseract, and the whole ``load_file``; then a second read of the same file (from the OCR
cache) and the character accuracy. Tesseract runs one thread per page (OMP_THREAD_LIMIT=1).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))


def _child_cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, default=3)
    args = ap.parse_args()

    import pypdfium2 as pdfium
    from rapidfuzz.distance import Levenshtein
    from scans import corpus_text, layout_pages, render_page, save_pdf

    from ingest import ocr
    from ingest.load import LoadOptions, load_file
    from ingest.ocr import engine
    from ingest.ocr.prepare import drop_colour, rotate, skew_angle

    if not ocr.available():
        print("Tesseract with the Vietnamese model is not installed (apt-get install tesseract-ocr tesseract-ocr-vie)")
        return 1
    print(f"{engine.signature()}; {os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.1f}")
    pages = layout_pages(corpus_text())[: args.pages]
    with tempfile.TemporaryDirectory() as tmp:
        pdf = save_pdf([render_page(p, seed=i) for i, p in enumerate(pages)], Path(tmp) / "scan.pdf")
        data = pdf.read_bytes()

        # the stages, page by page
        doc = pdfium.PdfDocument(data)
        stages: dict[str, list[float]] = {"render": [], "prepare": [], "tesseract": []}
        cpu = []
        for i in range(len(pages)):
            t = time.perf_counter()
            image = doc[i].render(scale=200 / 72).to_pil()
            stages["render"].append(time.perf_counter() - t)
            t = time.perf_counter()
            gray = drop_colour(image)
            gray = rotate(gray, -skew_angle(gray))
            stages["prepare"].append(time.perf_counter() - t)
            t, before = time.perf_counter(), _child_cpu()
            engine.read_words(gray)
            stages["tesseract"].append(time.perf_counter() - t)
            cpu.append(_child_cpu() - before)
        doc.close()
        for name, times in stages.items():
            print(f"{name:<10} {statistics.mean(times):6.2f} s/page  (min {min(times):.2f}, max {max(times):.2f})")
        print(f"{'':<10} Tesseract CPU time {statistics.mean(cpu):.2f} s/page (what the page costs on an idle core)")

        # the whole loader, then again from the cache
        cache = Path(tmp) / "cache"
        t = time.perf_counter()
        loaded = load_file(pdf, "scan.pdf", options=LoadOptions(ocr_cache=cache))
        whole = time.perf_counter() - t
        t = time.perf_counter()
        load_file(pdf, "scan.pdf", options=LoadOptions(ocr_cache=cache))
        cached = time.perf_counter() - t
    print(f"load_file  {whole / len(pages):6.2f} s/page  ({len(pages)} pages, {whole:.1f} s)")
    print(f"cached     {cached / len(pages):6.3f} s/page")
    accuracy = []
    for lines, text in zip(pages, loaded.pages, strict=True):
        a, b = " ".join(" ".join(lines).split()), " ".join(text.split())
        accuracy.append(1 - Levenshtein.distance(a, b) / len(a))
    print(f"accuracy   {statistics.mean(accuracy):.4f} (min {min(accuracy):.4f}) characters")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
