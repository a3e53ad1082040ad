"""Page images (PNG, JPEG, TIFF): not read yet."""

from __future__ import annotations

from ingest.loaders import register
from ingest.loaders.base import Read, Source, unsupported

_NAMES = {"png": "ảnh PNG", "jpeg": "ảnh JPEG", "tiff": "ảnh TIFF"}


@register("png", "jpeg", "tiff")
def load_image(src: Source) -> Read:
    from ingest.loaders.sniff import sniff_kind

    raise unsupported(f"{_NAMES[sniff_kind(src.data, src.suffix)]} — cần OCR để lấy chữ")
