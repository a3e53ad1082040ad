"""Format detection: the kind of a file decided by its content first (magic bytes) and its name
second, so a ``.pdf`` that is really a DOCX is read as DOCX and binary garbage named ``.txt`` is refused."""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile

from ingest.loaders.base import LoadError, error, unsupported, utf16_without_bom

_TEXT_SUFFIXES = {".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md"}
_HTML_SUFFIXES = {".htm", ".html", ".xhtml"}
_IMAGE_SUFFIXES = {".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg", ".tif": "tiff", ".tiff": "tiff"}
#: Suffixes of documents whose content decides how they are read (a ".doc" saved as HTML, …).
_DOCUMENT_SUFFIXES = {".pdf", ".doc", ".docx", ""} | set(_TEXT_SUFFIXES) | _HTML_SUFFIXES
#: Page images chidao reads (by OCR), by their magic bytes.
IMAGE_KINDS = {b"\x89PNG\r\n\x1a\n": "png", b"\xff\xd8\xff": "jpeg", b"II*\x00": "tiff", b"MM\x00*": "tiff"}

_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HTML_START_RE = re.compile(
    rb"^(?:\s|<!--.*?-->|<\?xml[^>]*>)*<(?:!doctype\s+html|html|head|body|meta|title|div|p|table)[\s>/]",
    re.IGNORECASE | re.DOTALL,
)
#: Programs and libraries: never a document, whatever the file is called (an .exe renamed .pdf).
_PROGRAM_MAGIC = {
    b"MZ": "tệp chương trình Windows (.exe, .dll)",
    b"\x7fELF": "tệp chương trình Linux",
    b"\xcf\xfa\xed\xfe": "tệp chương trình macOS",
    b"\xca\xfe\xba\xbe": "tệp chương trình macOS hoặc Java",
}
_OTHER_IMAGES = {b"GIF8": "ảnh GIF", b"BM": "ảnh BMP", b"RIFF": "ảnh WEBP hoặc tệp RIFF"}


def _sniff(data: bytes, suffix: str) -> str:
    """One of pdf, docx, doc, html, text, png, jpeg, tiff, or raise LoadError unsupported_format."""
    head = data[:1024]
    if b"%PDF-" in head:
        return "pdf"
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return _sniff_zip(data)
    if data.startswith(_OLE2_MAGIC):
        if "WordDocument".encode("utf-16-le") in data[:65536] or suffix == ".doc":
            return "doc"
        return _raise(unsupported("tệp Office cũ không phải Word, ví dụ .xls hoặc .ppt"))
    if data.lstrip()[:5].lower() == b"{\\rtf":
        return _raise(unsupported("RTF; hãy mở bằng Word và lưu thành .docx"))
    for magic, kind in IMAGE_KINDS.items():
        if data.startswith(magic):
            return kind
    for magic, what in _OTHER_IMAGES.items():
        if data.startswith(magic):
            return _raise(unsupported(f"{what}; hãy lưu ảnh thành PNG, JPEG hoặc TIFF"))
    for magic, what in _PROGRAM_MAGIC.items():
        if data.startswith(magic) and looks_binary(data):
            named = f", không phải tệp {suffix[1:].upper()}" if suffix and suffix in _DOCUMENT_SUFFIXES else ""
            return _raise(unsupported(f"{what}{named}"))
    probe = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    if _HTML_START_RE.match(probe[:4096]) or (
        suffix in _HTML_SUFFIXES and re.search(rb"<(?:html|body|p|div|br)[\s>/]", probe[:65536], re.I)
    ):
        return "html"
    if suffix in {".pdf", ".docx"} and looks_binary(data):
        return _raise(error("corrupt_pdf") if suffix == ".pdf" else error("corrupt_docx"))
    return "text"


def sniff_kind(data: bytes, suffix: str) -> str:
    """How ``load_file`` reads these bytes: "pdf", "docx", "doc", "html", "text" or a page image
    ("png", "jpeg", "tiff"; read by OCR), decided by the
    content first and the file name ``suffix`` (".pdf", …) second. Raises ``LoadError`` for a format
    chidao does not read (``unsupported_format``, ``corrupt_pdf``, ``corrupt_docx``) and for binary
    data that would be read as text (``not_text``)."""
    suffix = suffix.lower()
    kind = _sniff(data, suffix)
    if kind == "text":
        if suffix not in _DOCUMENT_SUFFIXES:
            raise unsupported(f"đuôi {suffix}")
        if looks_binary(data):
            raise error("not_text")
    return kind


def _raise(exc: LoadError) -> str:
    raise exc


def _sniff_zip(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise error("corrupt_docx") from exc
    if "word/document.xml" in names:
        return "docx"
    if "content.xml" in names:
        raise unsupported("OpenDocument .odt; hãy lưu thành .docx")
    if any(n.startswith("xl/") for n in names):
        raise unsupported("bảng tính Excel")
    if any(n.startswith("ppt/") for n in names):
        raise unsupported("trình chiếu PowerPoint")
    raise unsupported("tệp nén ZIP")


_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13)) + b"\x7f"


def looks_binary(data: bytes) -> bool:
    """True for bytes that are not text in any encoding we read (NULs, many control bytes)."""
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")) or utf16_without_bom(data):
        return False
    sample = data[:65536]
    if b"\x00" in sample:
        return True
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return controls > 0.01 * len(sample)


_KIND_NAMES = {
    "pdf": "PDF",
    "docx": "Word (.docx)",
    "doc": "Word cũ (.doc)",
    "html": "HTML",
    "text": "văn bản thường",
    "png": "ảnh PNG",
    "jpeg": "ảnh JPEG",
    "tiff": "ảnh TIFF",
}


def expected_kind(suffix: str) -> str | None:
    """The kind a file name promises (".pdf" → "pdf"), None for a suffix that promises nothing."""
    if suffix in (".pdf", ".docx", ".doc"):
        return suffix[1:]
    if suffix in _HTML_SUFFIXES:
        return "html"
    if suffix in _TEXT_SUFFIXES:
        return "text"
    return _IMAGE_SUFFIXES.get(suffix)


def suffix_mismatch(suffix: str, kind: str) -> str | None:
    """The warning for a file whose name promises another kind than its content, else None."""
    expected = expected_kind(suffix)
    if expected and expected != kind:
        return f"Tệp có đuôi {suffix} nhưng nội dung là {_KIND_NAMES[kind]}; đã đọc theo nội dung."
    return None


def text_format(suffix: str) -> str:
    """The format recorded for a plain-text file: "md" for Markdown names, else "txt"."""
    return _TEXT_SUFFIXES.get(suffix, "txt")


# code page produced text and not noise.
_VN_LETTERS = set("aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵđ")
_VN_LETTERS |= {c.upper() for c in _VN_LETTERS}
_TEXT_CHARS = _VN_LETTERS | set(
    "0123456789bcdfghjklmnpqrstvwxzBCDFGHJKLMNPQRSTVWXZ \n\t\r\f.,;:!?'\"()[]{}<>/\\|-_+=*&%$#@~`^“”‘’–—…•·°§№"
)


def plausible_text(text: str) -> bool:
    """Does text decoded with a one-byte code page read as text: known characters, and words
    separated by spaces (noise decoded as letters has no spaces)?"""
    sample = unicodedata.normalize("NFC", text[:200000])
    if not sample.strip():
        return True
    bad = sum(1 for c in sample if c not in _TEXT_CHARS)
    spaces = sum(1 for c in sample if c.isspace())
    return bad <= 0.08 * len(sample) and (len(sample) < 200 or spaces >= 0.04 * len(sample))
