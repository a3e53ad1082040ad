"""OCR of scanned pages with Tesseract's Vietnamese model: ``ocr_pages`` reads the pages it is given
(through the cache when there is one), reporting progress page by page.

``available()`` says whether Tesseract and its ``vie`` model are installed; without them the
loaders keep reporting scans as needing OCR.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from pathlib import Path

from chidao.records import OcrPage
from ingest.ocr import engine

logger = logging.getLogger(__name__)

#: A page to read: its 1-based number and a function that renders it (called only on a cache miss).
PageSource = tuple[int, Callable[[], object]]
PageProgress = Callable[[int, int, str], None]


def available() -> bool:
    """Is Tesseract installed with its Vietnamese model?"""
    return engine.available()


def ocr_pages(
    pages: Iterable[PageSource],
    file_hash: str,
    *,
    cache_dir: Path | None = None,
    progress: PageProgress | None = None,
    total: int | None = None,
) -> dict[int, tuple[str, OcrPage]]:
    """Read each page (text, ``OcrPage``), from the cache when it holds the page of this content."""
    from ingest.ocr.cache import OcrCache
    from ingest.ocr.page import ocr_image

    cache = OcrCache(cache_dir, engine.signature()) if cache_dir is not None else None
    todo = list(pages)
    total = total or len(todo)
    out: dict[int, tuple[str, OcrPage]] = {}
    for done, (number, render) in enumerate(todo, start=1):
        hit = cache.get(file_hash, number) if cache is not None else None
        if hit is None:
            text, result = ocr_image(render(), number)
            if cache is not None:
                cache.put(file_hash, number, text, result)
        else:
            text, result = hit
            logger.debug("page %d: OCR from cache", number)
        out[number] = (text, result)
        if progress is not None:
            progress(done, total, f"Đã nhận dạng chữ (OCR) trang {number} ({done}/{total})")
    return out
