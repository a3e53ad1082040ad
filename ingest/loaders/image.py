"""Page images (PNG, JPEG, TIFF with any number of pages): read by OCR, one page per image frame."""

from __future__ import annotations

import hashlib
import io
import logging

from ingest.loaders import register
from ingest.loaders.base import LoadError, Read, Source, ocr_available, quality_warning

logger = logging.getLogger(__name__)

_NAMES = {"png": "PNG", "jpeg": "JPEG", "tiff": "TIFF"}
MAX_PAGES = 500


@register("png", "jpeg", "tiff")
def load_image(src: Source) -> Read:
    from PIL import Image, UnidentifiedImageError

    from ingest.loaders.sniff import sniff_kind
    from ingest.ocr import ocr_pages

    kind = sniff_kind(src.data, src.suffix)
    name = _NAMES[kind]
    if src.options.ocr == "off":
        raise LoadError(
            "needs_ocr",
            f'Tệp là ảnh {name} (ảnh quét), cần OCR (nhận dạng chữ) nhưng OCR đang tắt (ocr = "off"); '
            'hãy bật OCR (ocr = "auto") hoặc dùng bản Word/PDF có chữ.',
        )
    if not ocr_available():
        raise LoadError(
            "needs_ocr",
            f"Tệp là ảnh {name} (ảnh quét) — cần OCR (nhận dạng chữ) nhưng máy chủ chưa cài Tesseract với gói "
            "tiếng Việt (apt-get install tesseract-ocr tesseract-ocr-vie); hãy báo quản trị viên, hoặc dùng bản "
            "Word/PDF có chữ.",
        )
    try:
        image = Image.open(io.BytesIO(src.data))
        frames = image.n_frames if getattr(image, "is_animated", False) else 1
        image.load()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        logger.debug("Pillow cannot read the image: %r", exc)
        raise LoadError(
            "corrupt_image",
            f"Tệp ảnh {name} bị hỏng hoặc không đầy đủ, không mở được; hãy quét hoặc xuất lại ảnh rồi nạp lại.",
        ) from exc
    if frames > MAX_PAGES:
        raise LoadError("too_large", f"Tệp ảnh có {frames} trang (giới hạn {MAX_PAGES}); hãy tách tệp rồi nạp lại.")

    def frame(number: int):
        def render():
            image.seek(number - 1)
            return image.copy()

        return render

    pages = [(1, lambda: image)] if frames == 1 else [(n, frame(n)) for n in range(1, frames + 1)]
    found = ocr_pages(
        pages, hashlib.sha256(src.data).hexdigest(), cache_dir=src.options.ocr_cache, progress=src.options.progress
    )
    results = [found[n] for n in range(1, frames + 1)]
    note = quality_warning([r for _, r in results])
    if note:
        src.warnings.append(note)
    if not any(text.strip() for text, _ in results):
        raise LoadError(
            "no_text",
            "Không nhận dạng được chữ nào trên ảnh (ảnh trắng, quá mờ hoặc không phải văn bản); "
            "hãy quét lại rõ hơn (200–300 dpi) rồi nạp lại.",
        )
    return Read(kind, [t for t, _ in results], ocr=[r for _, r in results])
