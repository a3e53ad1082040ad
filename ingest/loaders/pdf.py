"""PDF: the text layer page by page (pypdf); pages without one are OCRed when OCR is on and
Tesseract is installed (``ingest.ocr``), else reported as needing OCR."""

from __future__ import annotations

import io
import logging

from ingest.loaders import register
from ingest.loaders.base import MSG, LoadError, Read, Source, error, ocr_available, page_list, quality_warning

logger = logging.getLogger(__name__)

DPI = 200  # resolution scanned pages are rendered at for OCR


@register("pdf")
def load_pdf(src: Source) -> Read:
    texts, failed, truncated = _text_layer(src.data)
    warnings = src.warnings
    with_text = [i for i, t in enumerate(texts, start=1) if t.strip()]
    if (not with_text and (failed or truncated)) or (failed and truncated):
        raise error("corrupt_pdf")
    readable = [i for i in range(1, len(texts) + 1) if i not in failed]
    todo: list[int] = []
    if src.options.ocr != "off" and ocr_available():
        todo = readable if src.options.ocr == "force" else [i for i in readable if not texts[i - 1].strip()]
    if not with_text and not todo:
        raise error("no_text_layer")
    if failed:
        warnings.append(f"Không đọc được chữ ở trang {page_list(failed)} của tệp PDF (trang bị hỏng).")
    elif truncated:
        warnings.append("Tệp PDF có vẻ không đầy đủ (thiếu phần kết thúc); hãy kiểm tra lại bản gốc.")
    results = _ocr(src, todo, len(texts)) if todo else []
    for result_text, result in results:
        texts[result.page - 1] = result_text
    ocred = {r.page for _, r in results}
    empty = [i for i in readable if not texts[i - 1].strip() and i not in ocred]
    if empty and len(texts) > 1:
        warnings.append(f"Trang {page_list(empty)} không có lớp chữ (có thể là ảnh quét — cần OCR).")
    pages = [r for _, r in results]
    note = quality_warning(pages)
    if note:
        warnings.append(note)
    return Read("pdf", texts, ocr=pages)


def _ocr(src: Source, numbers: list[int], total: int) -> list:
    """OCR these pages (1-based) of the PDF, rendered at ``DPI`` by PDFium; [(text, OcrPage)]."""
    import hashlib

    import pypdfium2 as pdfium

    from ingest.ocr import ocr_pages

    try:
        document = pdfium.PdfDocument(src.data)
    except pdfium.PdfiumError as exc:
        logger.warning("PDFium cannot open the PDF for OCR: %s", exc)
        src.warnings.append(f"Không dựng được ảnh các trang {page_list(numbers)} để nhận dạng chữ (OCR).")
        return []

    def renderer(number: int):
        return lambda: document[number - 1].render(scale=DPI / 72).to_pil()

    try:
        found = ocr_pages(
            [(n, renderer(n)) for n in numbers],
            hashlib.sha256(src.data).hexdigest(),
            cache_dir=src.options.ocr_cache,
            progress=src.options.progress,
        )
    finally:
        document.close()
    logger.info("OCR read %d of %d PDF pages", len(found), total)
    return [found[n] for n in numbers]


def _text_layer(data: bytes) -> tuple[list[str], list[int], bool]:
    """(the text of each page, the pages whose content could not be read, is the file cut short)."""
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
    return texts, failed, truncated
