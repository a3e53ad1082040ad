"""PDF: the text layer page by page (pypdf); pages without one are OCRed when OCR is on and
Tesseract is installed (``ingest.ocr``), else reported as needing OCR."""

from __future__ import annotations

import io
import logging

from ingest.loaders import register
from ingest.loaders.base import MSG, LoadError, Read, Source, error, page_list

logger = logging.getLogger(__name__)


@register("pdf")
def load_pdf(src: Source) -> Read:
    return Read("pdf", _read_pdf(src.data, src.warnings))


def _read_pdf(data: bytes, warnings: list[str]) -> list[str]:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

    truncated = b"%%EOF" not in data[-2048:]
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")
            except DependencyError as exc:
                logger.warning("AES-encrypted PDF needs the 'cryptography' package")
                raise error("encrypted_pdf", MSG["encrypted_pdf_aes"]) from exc
            if not ok:
                raise error("encrypted_pdf")
        pages = list(reader.pages)
    except LoadError:
        raise
    except FileNotDecryptedError as exc:
        raise error("encrypted_pdf") from exc
    except (PdfReadError, Exception) as exc:  # pypdf raises many kinds on a damaged file
        logger.debug("pypdf failed: %r", exc)
        raise error("corrupt_pdf") from exc
    if not pages:
        raise error("corrupt_pdf")

    texts: list[str] = []
    failed: list[int] = []
    for number, page in enumerate(pages, start=1):
        try:
            text = page.extract_text() or ""
        except DependencyError as exc:
            raise error("encrypted_pdf", MSG["encrypted_pdf_aes"]) from exc
        except Exception as exc:  # a damaged content stream
            logger.debug("page %d: %r", number, exc)
            failed.append(number)
            text = ""
        texts.append(text)
    with_text = [i for i, t in enumerate(texts, start=1) if t.strip()]
    if not with_text:
        if failed or truncated:
            raise error("corrupt_pdf")
        raise error("no_text_layer")
    if failed:
        if truncated:
            raise error("corrupt_pdf")
        warnings.append(f"Không đọc được chữ ở trang {page_list(failed)} của tệp PDF (trang bị hỏng).")
    elif truncated:
        warnings.append("Tệp PDF có vẻ không đầy đủ (thiếu phần kết thúc); hãy kiểm tra lại bản gốc.")
    empty = [i for i, t in enumerate(texts, start=1) if not t.strip() and i not in failed]
    if empty and len(pages) > 1:
        warnings.append(f"Trang {page_list(empty)} không có lớp chữ (có thể là ảnh quét — cần OCR).")
    return texts
