"""Files → ``LoadedFile``: the front door of the loaders in ``ingest.loaders``.

``iter_files`` walks what the user named (files and folders, recursively, in a stable order);
``load_file`` reads one file. The format is detected by content first (magic bytes) and by
extension second (``sniff_kind``); the loader registered for that kind reads it (PDF per page,
DOCX, old .doc through LibreOffice, TXT/MD, HTML, page images by OCR). Every refusal is a
``LoadError`` whose ``message`` is one Vietnamese sentence a clerk can act on; ``code`` is
machine-readable.

Legacy encodings (TCVN3, VNI, NFD, broken PDF text layers) belong to ``chidao.lang.legacy``:
``decode_bytes`` turns TXT/MD/HTML bytes into text and ``repair_text`` runs on every page.
"""

from __future__ import annotations

import hashlib
import logging
import os
import stat
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path

from chidao.records import LoadedFile
from ingest.loaders import loader_for
from ingest.loaders.base import (
    MSG,
    LoadError,
    LoadOptions,
    Source,
    _fallback_decode,
    error,
    repairer,
)
from ingest.loaders.base import (
    display as _display,
)
from ingest.loaders.sniff import plausible_text, sniff_kind, suffix_mismatch

__all__ = [
    "MSG",
    "SUPPORTED_SUFFIXES",
    "LoadError",
    "LoadOptions",
    "_fallback_decode",
    "iter_files",
    "load_file",
    "sniff_kind",
]

logger = logging.getLogger(__name__)

MAX_BYTES = 100 * 2**20
#: File name suffixes ``load_file`` can read (by content it may still pick another reader).
SUPPORTED_SUFFIXES = frozenset(
    {".pdf", ".docx", ".doc", ".txt", ".text", ".md", ".markdown", ".htm", ".html"}
    | {".png", ".jpg", ".jpeg", ".tif", ".tiff"}
)


def _mb(n: int) -> str:
    return f"{n / 2**20:.1f}".rstrip("0").rstrip(".")


# ---------------------------------------------------------------- walking folders


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


# ---------------------------------------------------------------- loading


def load_file(path: Path, source: str, max_bytes: int = MAX_BYTES, options: LoadOptions | None = None) -> LoadedFile:
    """Read one file into a ``LoadedFile`` or raise ``LoadError`` (Vietnamese message).

    ``options`` says whether and how to OCR (default: "auto", no cache, no progress)."""
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
        raise error("empty_file")
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
        raise error("empty_file")
    if len(data) > max_bytes:
        raise LoadError("too_large", f"Tệp quá lớn (giới hạn {_mb(max_bytes)} MB); hãy tách tệp rồi nạp lại.")

    suffix = path.suffix.lower()
    kind = sniff_kind(data, suffix)
    src = Source(path=path, data=data, suffix=suffix, options=options or LoadOptions())
    read = loader_for(kind)(src)
    warnings = src.warnings
    mismatch = suffix_mismatch(suffix, kind)
    if mismatch:
        warnings.append(mismatch)
        logger.info("%s: suffix %s but content is %s", source, suffix, kind)

    repair = repairer()
    ocred = {p.page for p in read.ocr}
    repaired: list[str] = []
    for number, page in enumerate(read.pages, start=1):
        if number in ocred:  # OCR output is Unicode already; its words must keep matching the page text
            repaired.append(page)
            continue
        text, notes = repair(page)
        repaired.append(text)
        for note in notes:
            if note not in warnings:
                warnings.append(note)
    if read.format != "pdf" and not read.ocr and not any(p.strip() for p in repaired):
        raise error("no_text")
    if read.encoding is not None and not read.encoding.lower().startswith("utf") and not plausible_text(repaired[0]):
        raise error("not_text")

    return LoadedFile(
        source=source,
        path=str(path.resolve()),
        format=read.format,
        pages=repaired,
        file_hash=hashlib.sha256(data).hexdigest(),
        size=len(data),
        warnings=warnings,
        ocr_pages=read.ocr,
    )


def _io_error(exc: OSError) -> LoadError:
    if isinstance(exc, PermissionError):
        return LoadError(
            "unreadable", "Không có quyền đọc tệp này; hãy cấp quyền đọc hoặc sao chép tệp sang thư mục khác."
        )
    return LoadError(
        "unreadable", f"Không đọc được tệp ({exc.strerror or exc}); hãy kiểm tra tệp còn tồn tại và đọc được."
    )
