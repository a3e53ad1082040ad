"""What every loader shares: ``LoadError`` and its Vietnamese messages, the request a loader gets
(``Source``) and what it returns (``Read``), and the hooks into ``chidao.lang.legacy`` that decode
bytes and repair text."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from chidao.records import LOW_OCR_QUALITY, OcrPage

logger = logging.getLogger(__name__)

#: progress(pages done, pages in all, message in Vietnamese): per-page progress of a slow loader (OCR)
PageProgress = Callable[[int, int, str], None]


class LoadError(Exception):
    """A file that cannot be read; ``message`` is one Vietnamese sentence for the clerk."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message

    def __reduce__(self):  # keep it picklable across multiprocessing boundaries
        return (type(self), (self.code, self.message))


# ---------------------------------------------------------------- messages (Vietnamese)


def _mb(n: int) -> str:
    return f"{n / 2**20:.1f}".rstrip("0").rstrip(".")


MSG = {
    "empty_file": "Tệp rỗng (0 byte); hãy kiểm tra lại tệp gốc và nạp lại bản có nội dung.",
    "no_text": "Tệp không có nội dung chữ nào; hãy kiểm tra lại tệp gốc (có thể chỉ chứa ảnh hoặc bảng trống).",
    "corrupt_pdf": (
        "Tệp PDF bị hỏng hoặc không đầy đủ (có thể tải về bị lỗi); "
        "hãy tải lại hoặc xuất lại tệp PDF từ bản gốc rồi nạp lại."
    ),
    "encrypted_pdf": (
        "Tệp PDF được đặt mật khẩu nên không đọc được; "
        "hãy mở tệp bằng mật khẩu, lưu lại bản không đặt mật khẩu rồi nạp lại."
    ),
    "encrypted_pdf_aes": (
        "Tệp PDF được mã hoá AES mà máy chủ chưa có thư viện giải mã (gói Python 'cryptography'); "
        "hãy báo quản trị viên cài gói này, hoặc lưu lại bản PDF không mã hoá rồi nạp lại."
    ),
    "no_text_layer": (
        "Tệp PDF chỉ chứa ảnh quét, không có lớp chữ — cần OCR (nhận dạng chữ) trước khi nạp, "
        "hoặc dùng bản Word/PDF gốc có chữ."
    ),
    "doc_needs_libreoffice": (
        "Tệp Word cũ (.doc) cần LibreOffice để chuyển đổi nhưng máy chủ chưa cài; hãy cài LibreOffice "
        "(apt-get install libreoffice-writer) hoặc mở tệp bằng Word, lưu thành .docx rồi nạp lại."
    ),
    "doc_conversion_failed": (
        "LibreOffice không chuyển được tệp Word cũ (.doc) này sang .docx; "
        "hãy mở tệp bằng Word, lưu thành .docx rồi nạp lại."
    ),
    "corrupt_docx": ("Tệp Word (.docx) bị hỏng, không mở được; hãy mở tệp bằng Word, lưu lại thành .docx rồi nạp lại."),
    "not_text": (
        "Nội dung tệp không phải văn bản đọc được (dữ liệu nhị phân hoặc sai bảng mã); "
        "hãy kiểm tra lại tệp gốc hoặc lưu lại thành PDF, DOCX hay TXT (UTF-8)."
    ),
}


def error(code: str, message: str | None = None) -> LoadError:
    return LoadError(code, message or MSG[code])


def unsupported(what: str) -> LoadError:
    return LoadError(
        "unsupported_format",
        f"Định dạng tệp không được hỗ trợ ({what}); hãy lưu lại thành PDF, DOCX, TXT hoặc HTML rồi nạp lại.",
    )


@dataclass
class LoadOptions:
    """How to read: ``ocr`` is "auto" (OCR the pages without a text layer), "off" or "force" (OCR
    every page of a PDF, ignoring its text layer); ``ocr_cache`` is the folder of cached OCR results
    (None: no cache); ``progress`` is told each page an OCR loader finishes."""

    ocr: str = "auto"
    ocr_cache: Path | None = None
    progress: PageProgress | None = None


@dataclass
class Source:
    """One file to read: its path, its bytes, the lower-case suffix, the options, and the warnings
    (Vietnamese sentences) the loader adds to."""

    path: Path
    data: bytes
    suffix: str
    options: LoadOptions = field(default_factory=LoadOptions)
    warnings: list[str] = field(default_factory=list)


@dataclass
class Read:
    """What a loader read: the format recorded with the document, one text per page (one entry for
    unpaged formats), the OCR result of every OCRed page, and the encoding when bytes were decoded."""

    format: str
    pages: list[str]
    ocr: list[OcrPage] = field(default_factory=list)
    encoding: str | None = None


def display(path: str | bytes | os.PathLike) -> str:
    """A printable (UTF-8 encodable) version of a path: undecodable bytes become U+FFFD."""
    return os.fsencode(path).decode("utf-8", errors="replace")


def page_list(numbers: list[int]) -> str:
    """ "1, 3, 5" (the first ten numbers, then "…")."""
    shown = ", ".join(str(n) for n in numbers[:10])
    return shown + (", …" if len(numbers) > 10 else "")


# ---------------------------------------------------------------- legacy hooks


def _fallback_decode(data: bytes) -> tuple[str, str]:
    """UTF-8 / UTF-16 / Windows-1258 decoding, used until ``chidao.lang.legacy`` exists."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), "utf-16"
    guess = utf16_without_bom(data)
    if guess:
        return data.decode(guess, errors="replace"), guess
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1258", errors="replace"), "cp1258"


def decoder() -> Callable[[bytes], tuple[str, str]]:
    try:
        from chidao.lang.legacy import decode_bytes
    except ModuleNotFoundError as exc:
        if exc.name not in {"chidao.lang.legacy", "ingest"}:
            raise
        return _fallback_decode
    return decode_bytes


def repairer() -> Callable[[str], tuple[str, list[str]]]:
    try:
        from chidao.lang.legacy import repair_text
    except ModuleNotFoundError as exc:
        if exc.name not in {"chidao.lang.legacy", "ingest"}:
            raise
        return lambda text: (text, [])
    return repair_text


def utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le' / 'utf-16-be' when the bytes look like mostly-ASCII UTF-16 without a BOM."""
    sample = data[:4096]
    if len(sample) < 4 or b"\x00" not in sample:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.3 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.3 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


# ---------------------------------------------------------------- OCR

LOW_QUALITY = LOW_OCR_QUALITY


def ocr_available() -> bool:
    """Is Tesseract installed with its Vietnamese model (so scanned pages can be read)?"""
    from ingest.ocr import available

    return available()


def quality_warning(pages: list[OcrPage]) -> str | None:
    """The document warning for the OCRed pages that read badly, or None when all read well."""
    low = [p for p in pages if p.low_quality]
    if not low:
        return None
    conf = sum(p.confidence for p in low) / len(low)
    share = sum(p.valid_share for p in low) / len(low)
    return (
        f"Trang {page_list([p.page for p in low])}: {LOW_QUALITY} (OCR: độ tin cậy {conf:.0f}%, "
        f"{share:.0%} âm tiết hợp lệ); hãy đối chiếu với bản gốc."
    )
