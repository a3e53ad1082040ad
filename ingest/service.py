"""The ingest service: files already stored on the server in, one ``FileResult`` per file out.

What the web UI's upload (and any other caller handing over a few named files) needs from the
ingest, in one call: which of the files are new, unchanged or replacing an earlier version of
themselves (compared with the files the index records), the ingest itself (``ingest_paths``), and
each file's outcome with a machine-readable code and a Vietnamese sentence. Errors are told apart
by their type and code (``LoadError.code``, ``IndexBusy``, ``IndexWriteError``), never by their text.

A newly stored file that fails to index is removed again (``discard_failed``), so that nothing on
disk is left that the index does not refer to; a file that replaced an older version is kept.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from chidao.config import Settings
from chidao.records import FileResult, IngestReport
from chidao.store import IndexBusy, IndexStateError, IndexWriteError, Snapshot, open_snapshot
from ingest.pipeline import ProgressFn, file_sha256, ingest_paths, path_key

logger = logging.getLogger(__name__)

#: Vietnamese sentences for errors that concern the whole batch, by code.
BATCH_MESSAGES = {
    "index_busy": (
        "Chỉ mục đang được một tiến trình khác cập nhật (ví dụ lệnh chidao ingest); "
        "tệp đã được lưu, hãy thử nạp lại sau ít phút."
    ),
    "index_write": (
        "Không ghi được chỉ mục: ổ đĩa đã đầy hoặc không ghi được. Chỉ mục cũ vẫn còn nguyên và vẫn được "
        "dùng để tra cứu; hãy báo quản trị viên giải phóng dung lượng ổ đĩa rồi nạp lại."
    ),
    "index_state": "Chỉ mục không dùng được với cấu hình hiện tại; hãy báo quản trị viên.",
    "internal_error": "Lỗi máy chủ khi nạp văn bản; chỉ mục cũ vẫn được dùng. Hãy báo quản trị viên.",
}


@dataclass(frozen=True)
class StoredFile:
    """A file on the server to index, and the name the clerk knows it by."""

    name: str
    path: Path


def batch_error_code(exc: BaseException) -> str:
    """The code of an error that stopped the whole ingest, by its type."""
    if isinstance(exc, IndexBusy):
        return "index_busy"
    if isinstance(exc, IndexWriteError):
        return "index_write"
    if isinstance(exc, IndexStateError):
        return "index_state"
    return "internal_error"


SnapshotFn = Callable[[], Snapshot | None]


def ingest_files(
    files: Sequence[StoredFile],
    settings: Settings,
    *,
    encoder=None,
    progress: ProgressFn | None = None,
    discard_failed: bool = True,
    snapshot: SnapshotFn | None = None,
) -> list[FileResult]:
    """Index ``files`` (already stored where they will stay); one result per file, in order.

    ``snapshot`` returns the live index generation (a long-lived reader's, so that the index is not
    opened again); by default the published one is opened."""
    if not files:
        return []
    current = snapshot or (lambda: open_snapshot(Path(settings.index)))
    snap = current()
    known = {r.path: r.file_hash for r in snap.sources()} if snap is not None else {}
    changes: list[str] = []
    for f in files:
        before = known.get(path_key(f.path))
        if before is None:
            changes.append("added")
        else:
            changes.append("unchanged" if before == file_sha256(f.path) else "replaced")
    try:
        report = ingest_paths([str(f.path) for f in files], settings, encoder=encoder, progress=progress)
    except Exception as exc:  # nothing was published: the previous index is still the one in use
        code = batch_error_code(exc)
        if code == "internal_error":
            logger.error("ingest of %d file(s) failed: %s", len(files), type(exc).__name__)
            logger.debug("ingest failed", exc_info=True)
        else:
            logger.warning("ingest of %d file(s) refused: %s", len(files), code)
        return [FileResult(name=f.name, status="failed", code=code, message=BATCH_MESSAGES[code]) for f in files]
    snap = current()
    indexed_as = {r.path: r.doc_id for r in snap.sources()} if snap is not None else {}
    return _results(files, changes, report, indexed_as, discard_failed)


def _results(
    files: Sequence[StoredFile],
    changes: Sequence[str],
    report: IngestReport,
    indexed_as: dict[str, str],
    discard_failed: bool,
) -> list[FileResult]:
    failed = {f.source: f for f in report.failed}
    duplicates = {d["source"]: d.get("same_as", "") for d in report.duplicates}
    out: list[FileResult] = []
    for f, change in zip(files, changes, strict=True):
        src = str(f.path)
        if src in failed:
            out.append(FileResult(name=f.name, status="failed", code=failed[src].code, message=failed[src].error))
            if change == "added" and discard_failed:  # nothing in the index refers to it
                f.path.unlink(missing_ok=True)
            continue
        doc_id = indexed_as.get(path_key(f.path))
        if src in duplicates:
            same_as = Path(duplicates[src]).name
            message = f"Nội dung trùng với văn bản đã có ({same_as})."
            out.append(FileResult(name=f.name, status="duplicate", message=message, doc_id=doc_id))
            continue
        out.append(FileResult(name=f.name, status=change, doc_id=doc_id))  # type: ignore[arg-type]
    return out
