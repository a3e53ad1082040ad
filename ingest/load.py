"""Files → ``LoadedFile``: PDF (per page), DOCX, old .doc (through LibreOffice), TXT/MD, HTML.

``iter_files`` walks what the user named (files and folders, recursively, in a stable order);
``load_file`` reads one file. The format is detected by content first (magic bytes) and by
extension second, so a ``.pdf`` that is really a DOCX is read as DOCX and binary garbage named
``.txt`` is refused. Every refusal is a ``LoadError`` whose ``message`` is one Vietnamese
sentence a clerk can act on; ``code`` is machine-readable.

Legacy encodings (TCVN3, VNI, NFD, broken PDF text layers) belong to ``chidao.lang.legacy``:
``decode_bytes`` turns TXT/MD/HTML bytes into text and ``repair_text`` runs on every page.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import re
import shutil
import stat
import subprocess
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from chidao.records import LoadedFile

logger = logging.getLogger(__name__)

MAX_BYTES = 100 * 2**20
#: File name suffixes ``load_file`` can read (by content it may still pick another reader).
SUPPORTED_SUFFIXES = frozenset({".pdf", ".docx", ".doc", ".txt", ".text", ".md", ".markdown", ".htm", ".html"})
_TEXT_SUFFIXES = {".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md"}
_HTML_SUFFIXES = {".htm", ".html", ".xhtml"}
#: Suffixes of documents whose content decides how they are read (a ".doc" saved as HTML, …).
_DOCUMENT_SUFFIXES = {".pdf", ".doc", ".docx", ""} | set(_TEXT_SUFFIXES) | _HTML_SUFFIXES
_LIBREOFFICE_TIMEOUT = 180.0


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


def _error(code: str, message: str | None = None) -> LoadError:
    return LoadError(code, message or MSG[code])


def _unsupported(what: str) -> LoadError:
    return LoadError(
        "unsupported_format",
        f"Định dạng tệp không được hỗ trợ ({what}); hãy lưu lại thành PDF, DOCX, TXT hoặc HTML rồi nạp lại.",
    )


# ---------------------------------------------------------------- legacy hooks


def _fallback_decode(data: bytes) -> tuple[str, str]:
    """UTF-8 / UTF-16 / Windows-1258 decoding, used until ``chidao.lang.legacy`` exists."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), "utf-16"
    guess = _utf16_without_bom(data)
    if guess:
        return data.decode(guess, errors="replace"), guess
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1258", errors="replace"), "cp1258"


def _decoder() -> Callable[[bytes], tuple[str, str]]:
    try:
        from chidao.lang.legacy import decode_bytes
    except ModuleNotFoundError as exc:
        if exc.name not in {"chidao.lang.legacy", "ingest"}:
            raise
        return _fallback_decode
    return decode_bytes


def _repairer() -> Callable[[str], tuple[str, list[str]]]:
    try:
        from chidao.lang.legacy import repair_text
    except ModuleNotFoundError as exc:
        if exc.name not in {"chidao.lang.legacy", "ingest"}:
            raise
        return lambda text: (text, [])
    return repair_text


# ---------------------------------------------------------------- walking folders


def _display(path: str | bytes | os.PathLike) -> str:
    """A printable (UTF-8 encodable) version of a path: undecodable bytes become U+FFFD."""
    return os.fsencode(path).decode("utf-8", errors="replace")


def _skip_name(name: str) -> bool:
    # Hidden files and folders, and Office lock files ("~$Kế hoạch.docx").
    return name.startswith((".", "~$"))


def iter_files(paths: Iterable[Path], exclude: Path | None = None) -> Iterator[tuple[Path, str]]:
    """Yield ``(path, source)`` for every file under ``paths``, depth first in sorted name order.

    ``source`` is the path as the user gave it joined with the part below it, for display (bytes
    that are not UTF-8 shown as U+FFFD); ``path`` is the real path to open. Hidden entries (dot
    names) met while walking are skipped, as is the folder ``exclude`` (the index). Symbolic links
    are followed, but a folder is never entered twice, so link loops end; the walk is iterative,
    so deep nesting cannot exhaust the stack. A path that does not exist is yielded as given, so
    the caller reports it. A file reached twice by the same path (overlapping arguments) is
    yielded once.
    """
    excluded = _dir_key(exclude) if exclude is not None else None
    seen: set[tuple[int, int]] = set()  # folders entered, shared so overlapping paths walk once
    done: set[str] = set()  # files yielded
    for given in paths:
        given = Path(given)
        if given.is_dir():
            root_key = _dir_key(given)
            if root_key is None or root_key == excluded or root_key in seen:
                continue
            seen.add(root_key)
            found: Iterable[tuple[Path, str]] = _walk(given, _display(given), seen, excluded)
        else:
            found = [(given, _display(given))]
        for path, source in found:
            key = os.path.abspath(path)
            if key not in done:
                done.add(key)
                yield path, source


def _dir_key(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_dev, st.st_ino) if stat.S_ISDIR(st.st_mode) else None


def _walk(
    root: Path, root_display: str, seen: set[tuple[int, int]], excluded: tuple[int, int] | None
) -> Iterator[tuple[Path, str]]:
    # Stack of iterators over sorted entries: depth-first, entries in name order.
    stack: list[Iterator[tuple[Path, str]]] = [iter(_sorted_entries(root, root_display))]
    while stack:
        entry = next(stack[-1], None)
        if entry is None:
            stack.pop()
            continue
        path, display = entry
        try:
            st = path.stat()  # follows symlinks
        except OSError as exc:
            if _is_link(path):
                logger.debug("broken symlink %s", display)
                yield path, display  # reported by the caller as unreadable
            else:
                logger.warning("cannot read %s: %s", display, exc.strerror or exc)
            continue
        if stat.S_ISDIR(st.st_mode):
            key = (st.st_dev, st.st_ino)
            if key in seen or key == excluded:
                continue
            seen.add(key)
            stack.append(iter(_sorted_entries(path, display)))
        elif stat.S_ISREG(st.st_mode):
            yield path, display


def _is_link(path: Path) -> bool:
    try:
        return stat.S_ISLNK(os.lstat(path).st_mode)
    except OSError:
        return False


def _sorted_entries(folder: Path, display: str) -> list[tuple[Path, str]]:
    try:
        with os.scandir(folder) as it:
            names = [e.name for e in it]
    except OSError as exc:
        logger.warning("cannot list folder %s: %s", display, exc.strerror or exc)
        return []
    names = [n for n in names if not _skip_name(n)]
    names.sort(key=lambda n: (unicodedata.normalize("NFC", _display(n)).casefold(), n))
    return [(folder / n, os.path.join(display, _display(n))) for n in names]


# ---------------------------------------------------------------- format detection

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
_IMAGE_MAGIC = {
    b"\x89PNG": "ảnh PNG",
    b"\xff\xd8\xff": "ảnh JPEG",
    b"GIF8": "ảnh GIF",
    b"II*\x00": "ảnh TIFF",
    b"MM\x00*": "ảnh TIFF",
}


def _sniff(data: bytes, suffix: str) -> str:
    """One of pdf, docx, doc, html, text, or raise LoadError unsupported_format."""
    head = data[:1024]
    if b"%PDF-" in head:
        return "pdf"
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return _sniff_zip(data)
    if data.startswith(_OLE2_MAGIC):
        if "WordDocument".encode("utf-16-le") in data[:65536] or suffix == ".doc":
            return "doc"
        return _raise(_unsupported("tệp Office cũ không phải Word, ví dụ .xls hoặc .ppt"))
    if data.lstrip()[:5].lower() == b"{\\rtf":
        return _raise(_unsupported("RTF; hãy mở bằng Word và lưu thành .docx"))
    for magic, what in _IMAGE_MAGIC.items():
        if data.startswith(magic):
            return _raise(_unsupported(f"{what} — cần OCR để lấy chữ"))
    for magic, what in _PROGRAM_MAGIC.items():
        if data.startswith(magic) and _looks_binary(data):
            named = f", không phải tệp {suffix[1:].upper()}" if suffix and suffix in _DOCUMENT_SUFFIXES else ""
            return _raise(_unsupported(f"{what}{named}"))
    probe = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    if _HTML_START_RE.match(probe[:4096]) or (
        suffix in _HTML_SUFFIXES and re.search(rb"<(?:html|body|p|div|br)[\s>/]", probe[:65536], re.I)
    ):
        return "html"
    if suffix in {".pdf", ".docx"} and _looks_binary(data):
        return _raise(_error("corrupt_pdf") if suffix == ".pdf" else _error("corrupt_docx"))
    return "text"


def sniff_kind(data: bytes, suffix: str) -> str:
    """How ``load_file`` reads these bytes: "pdf", "docx", "doc", "html" or "text", decided by the
    content first and the file name ``suffix`` (".pdf", …) second. Raises ``LoadError`` for a format
    chidao does not read (``unsupported_format``, ``corrupt_pdf``, ``corrupt_docx``) and for binary
    data that would be read as text (``not_text``)."""
    suffix = suffix.lower()
    kind = _sniff(data, suffix)
    if kind == "text":
        if suffix not in _DOCUMENT_SUFFIXES:
            raise _unsupported(f"đuôi {suffix}")
        if _looks_binary(data):
            raise _error("not_text")
    return kind


def _raise(exc: LoadError) -> str:
    raise exc


def _sniff_zip(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise _error("corrupt_docx") from exc
    if "word/document.xml" in names:
        return "docx"
    if "content.xml" in names:
        raise _unsupported("OpenDocument .odt; hãy lưu thành .docx")
    if any(n.startswith("xl/") for n in names):
        raise _unsupported("bảng tính Excel")
    if any(n.startswith("ppt/") for n in names):
        raise _unsupported("trình chiếu PowerPoint")
    raise _unsupported("tệp nén ZIP")


def _utf16_without_bom(data: bytes) -> str | None:
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


_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13)) + b"\x7f"


def _looks_binary(data: bytes) -> bool:
    """True for bytes that are not text in any encoding we read (NULs, many control bytes)."""
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")) or _utf16_without_bom(data):
        return False
    sample = data[:65536]
    if b"\x00" in sample:
        return True
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return controls > 0.01 * len(sample)


# Characters of ordinary Vietnamese (and English) text: the check that decoding with a one-byte
# code page produced text and not noise.
_VN_LETTERS = set("aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵđ")
_VN_LETTERS |= {c.upper() for c in _VN_LETTERS}
_TEXT_CHARS = _VN_LETTERS | set(
    "0123456789bcdfghjklmnpqrstvwxzBCDFGHJKLMNPQRSTVWXZ \n\t\r\f.,;:!?'\"()[]{}<>/\\|-_+=*&%$#@~`^“”‘’–—…•·°§№"
)


def _plausible_text(text: str) -> bool:
    """Does text decoded with a one-byte code page read as text: known characters, and words
    separated by spaces (noise decoded as letters has no spaces)?"""
    sample = unicodedata.normalize("NFC", text[:200000])
    if not sample.strip():
        return True
    bad = sum(1 for c in sample if c not in _TEXT_CHARS)
    spaces = sum(1 for c in sample if c.isspace())
    return bad <= 0.08 * len(sample) and (len(sample) < 200 or spaces >= 0.04 * len(sample))


# ---------------------------------------------------------------- loading


def load_file(path: Path, source: str, max_bytes: int = MAX_BYTES) -> LoadedFile:
    """Read one file into a ``LoadedFile`` or raise ``LoadError`` (Vietnamese message)."""
    path = Path(path)
    try:
        st = path.stat()
    except FileNotFoundError as exc:
        raise LoadError(
            "unreadable", "Không tìm thấy tệp (có thể đã bị xoá, đổi tên hoặc là liên kết hỏng); hãy kiểm tra lại."
        ) from exc
    except OSError as exc:
        raise _io_error(exc) from exc
    if not stat.S_ISREG(st.st_mode):
        raise LoadError("unreadable", "Đây không phải là một tệp thông thường; hãy chọn tệp văn bản cần nạp.")
    if st.st_size == 0:
        raise _error("empty_file")
    if st.st_size > max_bytes:
        raise LoadError(
            "too_large",
            f"Tệp quá lớn ({_mb(st.st_size)} MB, giới hạn {_mb(max_bytes)} MB); "
            "hãy tách tệp thành nhiều phần nhỏ hơn rồi nạp lại.",
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _io_error(exc) from exc
    if not data:
        raise _error("empty_file")
    if len(data) > max_bytes:
        raise LoadError("too_large", f"Tệp quá lớn (giới hạn {_mb(max_bytes)} MB); hãy tách tệp rồi nạp lại.")

    suffix = path.suffix.lower()
    kind = sniff_kind(data, suffix)
    warnings: list[str] = []
    if kind == "pdf":
        fmt, pages = "pdf", _read_pdf(data, warnings)
    elif kind == "docx":
        fmt, pages = "docx", [_read_docx(data)]
    elif kind == "doc":
        fmt, pages = "doc", [_read_doc(path, data)]
    elif kind == "html":
        fmt, pages = "html", [_read_html(data)]
    else:
        fmt = _TEXT_SUFFIXES.get(suffix, "txt")
        text, encoding = _decoder()(data)
        logger.debug("decoded as %s", encoding)
        pages = [text]
    expected = _expected_kind(suffix)
    if expected and expected != kind:
        warnings.append(f"Tệp có đuôi {suffix} nhưng nội dung là {_KIND_NAMES[kind]}; đã đọc theo nội dung.")
        logger.info("%s: suffix %s but content is %s", source, suffix, kind)

    repair = _repairer()
    repaired: list[str] = []
    for page in pages:
        text, notes = repair(page)
        repaired.append(text)
        for note in notes:
            if note not in warnings:
                warnings.append(note)
    if fmt != "pdf" and not any(p.strip() for p in repaired):
        raise _error("no_text")
    if kind == "text" and not encoding.lower().startswith("utf") and not _plausible_text(repaired[0]):
        raise _error("not_text")

    return LoadedFile(
        source=source,
        path=str(path.resolve()),
        format=fmt,
        pages=repaired,
        file_hash=hashlib.sha256(data).hexdigest(),
        size=len(data),
        warnings=warnings,
    )


_KIND_NAMES = {"pdf": "PDF", "docx": "Word (.docx)", "doc": "Word cũ (.doc)", "html": "HTML", "text": "văn bản thường"}


def _expected_kind(suffix: str) -> str | None:
    if suffix == ".pdf":
        return "pdf"
    if suffix == ".docx":
        return "docx"
    if suffix == ".doc":
        return "doc"
    if suffix in _HTML_SUFFIXES:
        return "html"
    if suffix in _TEXT_SUFFIXES:
        return "text"
    return None


def _io_error(exc: OSError) -> LoadError:
    if isinstance(exc, PermissionError):
        return LoadError(
            "unreadable", "Không có quyền đọc tệp này; hãy cấp quyền đọc hoặc sao chép tệp sang thư mục khác."
        )
    return LoadError(
        "unreadable", f"Không đọc được tệp ({exc.strerror or exc}); hãy kiểm tra tệp còn tồn tại và đọc được."
    )


# ---------------------------------------------------------------- PDF


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
                raise _error("encrypted_pdf", MSG["encrypted_pdf_aes"]) from exc
            if not ok:
                raise _error("encrypted_pdf")
        pages = list(reader.pages)
    except LoadError:
        raise
    except FileNotDecryptedError as exc:
        raise _error("encrypted_pdf") from exc
    except (PdfReadError, Exception) as exc:  # pypdf raises many kinds on a damaged file
        logger.debug("pypdf failed: %r", exc)
        raise _error("corrupt_pdf") from exc
    if not pages:
        raise _error("corrupt_pdf")

    texts: list[str] = []
    failed: list[int] = []
    for number, page in enumerate(pages, start=1):
        try:
            text = page.extract_text() or ""
        except DependencyError as exc:
            raise _error("encrypted_pdf", MSG["encrypted_pdf_aes"]) from exc
        except Exception as exc:  # a damaged content stream
            logger.debug("page %d: %r", number, exc)
            failed.append(number)
            text = ""
        texts.append(text)
    with_text = [i for i, t in enumerate(texts, start=1) if t.strip()]
    if not with_text:
        if failed or truncated:
            raise _error("corrupt_pdf")
        raise _error("no_text_layer")
    if failed:
        if truncated:
            raise _error("corrupt_pdf")
        warnings.append(f"Không đọc được chữ ở trang {_page_list(failed)} của tệp PDF (trang bị hỏng).")
    elif truncated:
        warnings.append("Tệp PDF có vẻ không đầy đủ (thiếu phần kết thúc); hãy kiểm tra lại bản gốc.")
    empty = [i for i, t in enumerate(texts, start=1) if not t.strip() and i not in failed]
    if empty and len(pages) > 1:
        warnings.append(f"Trang {_page_list(empty)} không có lớp chữ (có thể là ảnh quét — cần OCR).")
    return texts


def _page_list(numbers: list[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:10])
    return shown + (", …" if len(numbers) > 10 else "")


# ---------------------------------------------------------------- DOCX

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_V_TEXTBOX = "{urn:schemas-microsoft-com:vml}textbox"
_SKIP_IN_PARAGRAPH = {_W + "del", _W + "txbxContent", _MC_FALLBACK, _W + "rPr", _W + "pPr", _W + "instrText"}


def _read_docx(data: bytes) -> str:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise _error("corrupt_docx") from exc
    except Exception as exc:  # malformed XML inside the package
        logger.debug("python-docx failed: %r", exc)
        raise _error("corrupt_docx") from exc
    lines: list[str] = []
    _docx_blocks(document.element.body, lines)
    return "\n".join(lines)


def _docx_blocks(container, lines: list[str]) -> None:
    """Paragraphs and tables of a body / cell / text box, in document order."""
    # Iterative over nested content controls; tables recurse through _docx_table (bounded by XML).
    stack = [iter(container)]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
            continue
        tag = child.tag
        if tag == _W + "p":
            boxes: list = []
            lines.append(_docx_paragraph(child, boxes))
            for box in boxes:
                _docx_blocks(box, lines)
        elif tag == _W + "tbl":
            _docx_table(child, lines)
        elif tag in (_W + "sdt", _W + "sdtContent", _W + "customXml", _W + "ins", _W + "smartTag"):
            stack.append(iter(child))


def _docx_paragraph(p, boxes: list) -> str:
    """A paragraph's visible text (runs, hyperlinks, insertions, fields' results); text boxes
    found inside it are appended to ``boxes`` (their VML fallback copies skipped)."""
    out: list[str] = []
    stack = [iter(p)]
    while stack:
        el = next(stack[-1], None)
        if el is None:
            stack.pop()
            continue
        tag = el.tag
        if not isinstance(tag, str):
            continue
        if tag == _W + "t":
            out.append(el.text or "")
        elif tag == _W + "tab" or tag == _W + "ptab":
            out.append("\t")
        elif tag in (_W + "br", _W + "cr"):
            out.append("\n")
        elif tag == _W + "noBreakHyphen":
            out.append("-")
        elif tag == _W + "txbxContent":
            boxes.append(el)
        elif tag in _SKIP_IN_PARAGRAPH:
            continue
        else:
            stack.append(iter(el))
    return "".join(out)


def _docx_table(tbl, lines: list[str]) -> None:
    """Cells one per line, each merged cell once (horizontal spans are one w:tc; vertical
    continuations carry w:vMerge without val="restart" and are skipped)."""
    for tr in tbl.iterchildren(_W + "tr"):
        for tc in _row_cells(tr):
            tcpr = tc.find(_W + "tcPr")
            vmerge = tcpr.find(_W + "vMerge") if tcpr is not None else None
            if vmerge is not None and vmerge.get(_W + "val", "continue") != "restart":
                continue
            _docx_blocks(tc, lines)


def _row_cells(tr) -> Iterator:
    for child in tr:
        if child.tag == _W + "tc":
            yield child
        elif child.tag in (_W + "sdt", _W + "customXml"):
            content = child.find(_W + "sdtContent") if child.tag == _W + "sdt" else child
            if content is not None:
                yield from (c for c in content if c.tag == _W + "tc")


# ---------------------------------------------------------------- old .doc via LibreOffice


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _read_doc(path: Path, data: bytes) -> str:
    exe = _soffice()
    if exe is None:
        raise _error("doc_needs_libreoffice")
    with tempfile.TemporaryDirectory(prefix="chidao-doc-") as tmp:
        tmpdir = Path(tmp)
        src = tmpdir / "input.doc"  # a plain ASCII name: LibreOffice and odd file names do not mix
        src.write_bytes(data)
        profile = (tmpdir / "profile").as_uri()
        cmd = [
            exe,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            "docx",
            "--outdir",
            str(tmpdir / "out"),
            str(src),
        ]
        try:
            proc = subprocess.run(cmd, capture_output=True, timeout=_LIBREOFFICE_TIMEOUT, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            logger.warning("LibreOffice failed on %s: %r", _display(path), exc)
            raise _error("doc_conversion_failed") from exc
        out = tmpdir / "out" / "input.docx"
        if proc.returncode != 0 or not out.is_file():
            logger.warning(
                "LibreOffice could not convert %s: %s", _display(path), proc.stderr.decode(errors="replace")[-500:]
            )
            raise _error("doc_conversion_failed")
        return _read_docx(out.read_bytes())


# ---------------------------------------------------------------- HTML

_DROP_TAGS = {"script", "style", "nav", "noscript", "template", "iframe", "svg", "head", "button", "select"}
_BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details", "dialog",
    "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5",
    "h6", "header", "hgroup", "hr", "html", "legend", "li", "main", "ol", "p", "pre", "section", "summary",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}  # fmt: skip
_LABEL_START_RE = re.compile(r"^\s*(?:[-+•*–]|\d{1,3}[.)]|[a-zđ][.)]|[IVXLC]{1,6}[.)])\s")
_WS_RE = re.compile(r"\s+")


def _read_html(data: bytes) -> str:
    from bs4 import BeautifulSoup, NavigableString, Tag
    from bs4.element import PreformattedString

    text, _ = _decoder()(data)
    soup = BeautifulSoup(text.replace("\x00", ""), "lxml")
    out: list[str] = []
    # Iterative walk with explicit "close" markers so block ends become line breaks.
    stack: list[tuple[object, bool]] = [(soup, False)]
    pre_depth = 0
    while stack:
        node, closing = stack.pop()
        if closing:
            assert isinstance(node, Tag)
            if node.name == "pre":
                pre_depth -= 1
            out.append("\n")
            continue
        if isinstance(node, PreformattedString):
            continue  # comments, CDATA, doctype, declarations, processing instructions
        if isinstance(node, NavigableString):
            s = str(node)
            out.append(s if pre_depth else _WS_RE.sub(" ", s))
            continue
        if not isinstance(node, Tag):
            continue
        name = (node.name or "").lower()
        if name in _DROP_TAGS:
            continue
        if name == "br":
            out.append("\n")
            continue
        block = name in _BLOCK_TAGS
        if block:
            out.append("\n")
            if name == "pre":
                pre_depth += 1
            if name == "li":
                out.append(_li_marker(node))
            stack.append((node, True))
        stack.extend((child, False) for child in reversed(node.contents))
    return "".join(out)


def _li_marker(li) -> str:
    text = li.get_text(" ", strip=True)[:12]
    if _LABEL_START_RE.match(text + " "):
        return ""
    parent = li.find_parent(["ol", "ul"])
    if parent is not None and parent.name == "ol":
        index = 1 + sum(1 for s in li.find_previous_siblings("li"))
        return f"{index}. "
    return "- "
