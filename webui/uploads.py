"""Uploaded files: the name one is stored under, the checks before indexing (suffix, size,
content), and atomic storage under ``<index>/uploads/``. Every refusal is an ``UploadRejected``
with a Vietnamese message for the clerk."""

from __future__ import annotations

import hashlib
import logging
import os
import re
import stat
import uuid
from collections.abc import Sequence
from pathlib import Path

from chidao.lang.text import nfc
from chidao.records import FileResult
from ingest.service import StoredFile

logger = logging.getLogger(__name__)

#: File name suffixes a clerk may upload (the content decides how a file is read).
UPLOAD_SUFFIXES = (".pdf", ".docx", ".doc", ".txt", ".md", ".markdown", ".html", ".htm")
UPLOAD_SUFFIXES += (".png", ".jpg", ".jpeg", ".tif", ".tiff")  # scanned pages, read by OCR
_BINARY_TEXT = "Nội dung tệp không phải văn bản đọc được (dữ liệu nhị phân); hãy lưu lại thành PDF, DOCX hay TXT."


_UNSAFE_NAME_RE = re.compile(r"[^\w]+", re.UNICODE)
_KIND_SUFFIX = {"pdf": ".pdf", "docx": ".docx", "doc": ".doc", "html": ".html"}
_KIND_SUFFIX |= {"png": ".png", "jpeg": ".jpg", "tiff": ".tif"}  # scanned pages


def safe_upload_name(client_name: str, kind: str) -> str:
    """The name an uploaded file is stored under: the client's base name (no folders, no dots,
    no separators, letters/digits kept, at most 80 characters) and a suffix chosen by the content
    ``kind`` ("pdf", "docx", "doc", "html" or "text"), never by the client."""
    base = nfc(str(client_name or "")).replace("\\", "/").split("/")[-1]
    suffix = ""
    if "." in base:
        base, suffix = base.rsplit(".", 1)
        suffix = "." + suffix.lower()
    stem = _UNSAFE_NAME_RE.sub("-", base).strip("-_")[:80].strip("-_") or "van-ban"
    text_ext = ".md" if suffix in (".md", ".markdown") else ".txt"
    return stem + (text_ext if kind == "text" else _KIND_SUFFIX.get(kind, ".txt"))


class UploadRejected(ValueError):
    """An uploaded file refused before indexing; the message is Vietnamese, ``code`` says why
    (too_large, empty_file, unsupported_format, not_text, corrupt_pdf, bad_name, unreadable …)."""

    def __init__(self, message: str, code: str = "refused") -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def check_size(size: int, max_bytes: int) -> None:
    """Raise ``UploadRejected`` for a file of ``size`` bytes above ``max_bytes``."""
    if size > max_bytes:
        raise UploadRejected(
            f"Tệp quá lớn ({size / 2**20:.1f} MB, giới hạn {max_bytes // 2**20} MB); "
            "hãy tách tệp thành nhiều phần nhỏ hơn.",
            "too_large",
        )


def check_upload(data: bytes, client_name: str, max_bytes: int) -> str:
    """The content kind of an uploaded file ("pdf", "docx", "doc", "html", "text"), or raise
    ``UploadRejected``: too large, empty, an extension or a content chidao does not read."""
    from ingest.load import LoadError, sniff_kind  # the loader's own format sniffing

    suffix = Path(str(client_name)).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        shown = suffix or "không có đuôi"
        raise UploadRejected(
            f"Loại tệp không được nhận ({shown}); "
            "chỉ nhận PDF, DOCX, DOC, TXT, MD, HTML hoặc ảnh quét PNG, JPEG, TIFF.",
            "unsupported_format",
        )
    check_size(len(data), max_bytes)
    if not data:
        raise UploadRejected("Tệp rỗng (0 byte); hãy kiểm tra lại tệp gốc.", "empty_file")
    try:
        return sniff_kind(data, suffix)
    except LoadError as exc:
        raise UploadRejected(_BINARY_TEXT if exc.code == "not_text" else exc.message, exc.code) from exc


def store_upload(data: bytes, name: str, uploads: Path) -> Path:
    """Write ``data`` as ``uploads/name`` (atomically, never following a symbolic link; an
    identical file already there is kept as it is). ``name`` must come from ``safe_upload_name``."""
    if name != Path(name).name or name in ("", ".", "..") or name.startswith("."):
        raise UploadRejected("Tên tệp không hợp lệ.", "bad_name")
    uploads.mkdir(parents=True, exist_ok=True)
    if uploads.is_symlink() or not uploads.is_dir():
        raise UploadRejected("Thư mục lưu tệp tải lên không hợp lệ; hãy báo quản trị viên.", "bad_folder")
    root = uploads.resolve()
    target = root / name
    if target.parent != root:
        raise UploadRejected("Tên tệp không hợp lệ.", "bad_name")
    try:
        st = os.lstat(target)
        if stat.S_ISREG(st.st_mode) and st.st_size == len(data):
            with open(target, "rb") as f:
                if hashlib.sha256(f.read()).digest() == hashlib.sha256(data).digest():
                    return target
    except FileNotFoundError:
        pass
    tmp = root / f".{uuid.uuid4().hex}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o640)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)  # replaces a link named like the target, never writes through it
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target


def accept_uploads(files: Sequence[Path], uploads: Path, max_bytes: int) -> list[StoredFile | FileResult]:
    """Check and store each uploaded file (in order): a ``StoredFile`` for one stored under
    ``uploads`` (ready for ``ingest.service.ingest_files``), a failed ``FileResult`` for one refused."""
    out: list[StoredFile | FileResult] = []
    used: set[str] = set()
    for f in files:
        client = uploaded_name(f)
        try:
            st = os.lstat(f)
            if not stat.S_ISREG(st.st_mode):
                raise UploadRejected("Không đọc được tệp tải lên.", "unreadable")
            check_size(st.st_size, max_bytes)
            data = Path(f).read_bytes()
            kind = check_upload(data, client, max_bytes)
            name = safe_upload_name(client, kind)
            stem, ext = os.path.splitext(name)
            n = 2
            while name in used:
                name, n = f"{stem}-{n}{ext}", n + 1
            used.add(name)
            out.append(StoredFile(name=client, path=store_upload(data, name, uploads)))
        except UploadRejected as exc:
            out.append(FileResult(name=client, status="failed", code=exc.code, message=exc.message))
        except OSError:
            logger.exception("cannot store an upload")
            message = "Không lưu được tệp trên máy chủ (ổ đĩa đầy hoặc không có quyền ghi)."
            out.append(FileResult(name=client, status="failed", code="store_failed", message=message))
    return out


def within(path: Path | str, folder: Path | str) -> bool:
    """Is ``path`` (resolved) inside ``folder`` (resolved)?"""
    try:
        Path(path).resolve().relative_to(Path(folder).resolve())
    except (ValueError, OSError):
        return False
    return True


def uploaded_name(path: Path | str) -> str:
    """The file name the browser sent (Gradio keeps it as the temp file's name)."""
    return nfc(Path(path).name)
