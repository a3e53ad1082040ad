"""OCR results cached by the content hash of the file and the page number, so that a file read
again (re-ingest, the same scan under another name, a run killed half-way) is never OCRed twice.

Layout: ``<cache>/<engine signature hash>/<file sha256[:2]>/<file sha256>-<page>.json`` (the
``OcrPage`` and its text, without the image) and ``….jpg`` (the page image). Each file is written
to a temporary name and renamed, so a killed run leaves no half-written entry.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import uuid
from pathlib import Path

from chidao.records import OcrPage

logger = logging.getLogger(__name__)

CACHE_VERSION = 5  # bump when the preparation of pages changes what OCR returns


class OcrCache:
    def __init__(self, root: Path, signature: str) -> None:
        key = hashlib.sha1(f"{CACHE_VERSION}|{signature}".encode()).hexdigest()[:12]
        self.root = Path(root) / key

    def _base(self, file_hash: str, page: int) -> Path:
        return self.root / file_hash[:2] / f"{file_hash}-{page}"

    def get(self, file_hash: str, page: int) -> tuple[str, OcrPage] | None:
        base = self._base(file_hash, page)
        try:
            data = json.loads(base.with_suffix(".json").read_text(encoding="utf-8"))
            image = base.with_suffix(".jpg").read_bytes()
            result = OcrPage.model_validate(data["page"])
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError) as exc:  # a damaged entry is read again
            logger.warning("ignoring damaged OCR cache entry %s: %s", base.name, exc)
            return None
        return data["text"], result.model_copy(update={"image": image})

    def put(self, file_hash: str, page: int, text: str, result: OcrPage) -> None:
        base = self._base(file_hash, page)
        try:
            base.parent.mkdir(parents=True, exist_ok=True)
            if result.image is not None:
                _atomic_write(base.with_suffix(".jpg"), result.image)
            payload = {"text": text, "page": result.model_dump(exclude={"image"})}
            _atomic_write(base.with_suffix(".json"), json.dumps(payload, ensure_ascii=False).encode("utf-8"))
        except OSError as exc:  # a full or read-only cache only costs time later
            logger.warning("could not cache the OCR of page %d: %s", page, exc)


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{uuid.uuid4().hex}.tmp")
    try:
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
