"""``ingest_paths``: files in, index out. The orchestration behind ``chidao ingest`` and UI uploads.

For every file: unchanged files (same size and mtime, or same bytes) are skipped without parsing;
new and changed ones go load → normalize → structure → extract → chunk and are stored in a new
index generation; a file whose content is already indexed under another name is linked to that
document instead of indexed twice. Then the passages whose embedding is not cached are embedded
(batch by batch, each batch cached at once, so a killed run resumes where it stopped) and the new
generation is published. A file that fails is reported in ``failed`` and never stops the others.
"""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import re
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from chidao.config import Settings
from chidao.failpoints import failpoint
from chidao.records import Document, Failure, IngestReport
from chidao.store import doc_id_for, text_hash
from chidao.store.factory import open_store

logger = logging.getLogger(__name__)

#: progress(fraction 0..1, message in Vietnamese)
ProgressFn = Callable[[float, str], None]
EMBED_BATCH = 64


def path_key(path: Path | str) -> str:
    """The text under which a file is recorded: its absolute path, lossless for non-UTF-8 names."""
    raw = os.fsencode(os.path.abspath(path))
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return "hex:" + raw.hex()


def key_exists(key: str) -> bool:
    return os.path.exists(bytes.fromhex(key[4:]) if key.startswith("hex:") else key)


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def build_document(loaded, settings: Settings, canon=None) -> Document:
    """Parse one loaded file into a Document (no index, no model)."""
    from chidao.lang.agencies import AgencyCanon
    from chidao.lang.references import extract_references
    from ingest.assignments import extract_assignments
    from ingest.chunk import chunk_document
    from ingest.extract import extract_metadata
    from ingest.load import LoadError
    from ingest.normalize import clean_chars, normalize
    from ingest.ocr.align import locate_words
    from ingest.structure import parse_blocks

    norm = normalize(loaded)
    if not norm.text.strip():
        raise LoadError("no_text", "Tệp không có nội dung chữ nào để đưa vào chỉ mục.")
    doc_id = doc_id_for(norm.text)
    blocks = parse_blocks(norm.text)
    meta = extract_metadata(norm.text)
    references = extract_references(norm.text, own_number=meta.number)
    canon = canon if canon is not None else AgencyCanon.from_settings(settings)
    # A statute's "X có trách nhiệm …" are standing duties, not tasks assigned by a directive.
    assignments = [] if is_statute(meta) else extract_assignments(norm.text, blocks, canon)
    chunks = chunk_document(
        doc_id,
        norm,
        blocks,
        size=settings.chunk_size,
        overlap=settings.chunk_overlap,
        min_size=settings.chunk_min,
    )
    return Document(
        doc_id=doc_id,
        source=loaded.source,
        sources=[loaded.source],
        format=loaded.format,
        text=norm.text,
        page_starts=norm.page_starts,
        meta=meta,
        chunks=chunks,
        references=references,
        assignments=assignments,
        warnings=[*loaded.warnings, *norm.warnings],
        ocr_pages=locate_words(norm.text, norm.page_starts, loaded.ocr_pages, clean_chars) if loaded.ocr_pages else [],
    )


def _unreadable(exc: OSError) -> str:
    """A Vietnamese sentence for a file that vanished or cannot be read (a broken link, no permission)."""
    if isinstance(exc, FileNotFoundError):
        return "Không tìm thấy tệp (có thể đã bị xoá, đổi tên hoặc là liên kết hỏng); hãy kiểm tra lại."
    if isinstance(exc, PermissionError):
        return "Không có quyền đọc tệp này; hãy cấp quyền đọc hoặc sao chép tệp sang thư mục khác."
    if exc.errno == errno.ELOOP:
        return "Liên kết tượng trưng (symlink) này trỏ vòng về chính nó; hãy xoá hoặc sửa liên kết."
    return f"Không đọc được tệp (lỗi hệ thống: {exc.strerror or exc}); hãy kiểm tra tệp còn tồn tại và đọc được."


_STATUTE_TYPES = {"Luật", "Bộ luật", "Văn bản hợp nhất", "Hiến pháp", "Pháp lệnh"}
_STATUTE_NUMBER = re.compile(r"/QH\d+$|/UBTVQH\d+$")


def is_statute(meta) -> bool:
    """Laws, codes and consolidated texts (passed by the National Assembly or its Standing Committee)."""
    return meta.type in _STATUTE_TYPES or bool(meta.number and _STATUTE_NUMBER.search(meta.number))


def _report_progress(progress: ProgressFn | None, fraction: float, message: str) -> None:
    if progress is not None:
        progress(min(1.0, max(0.0, fraction)), message)


def ingest_paths(
    paths: Iterable[Path | str],
    settings: Settings,
    *,
    prune: bool = False,
    rebuild: bool = False,
    encoder=None,
    progress: ProgressFn | None = None,
    show_progress: bool = False,
) -> IngestReport:
    """Add, update (and with ``prune`` remove) documents; returns what happened."""
    from tqdm import tqdm

    from chidao.lang.agencies import AgencyCanon
    from ingest.load import LoadError, LoadOptions, iter_files, load_file

    report = IngestReport()
    clock = time.perf_counter()
    roots = [Path(p) for p in paths]
    for root in roots:
        if not root.exists():
            report.failed.append(
                Failure(source=str(root), error="Không tìm thấy tệp hoặc thư mục này.", code="not_found")
            )
    store = open_store(settings.index)
    exclude = settings.index if store.kind == "file" else None
    files = list(iter_files([r for r in roots if r.exists()], exclude=exclude))
    canon = AgencyCanon.from_settings(settings)
    if store.kind != "file":
        return _ingest_queued(store, files, settings, canon, report, prune, rebuild, encoder, progress, clock)

    with store.writer(settings.model_id, rebuild=rebuild, lock_timeout=settings.lock_timeout) as w:
        bar = tqdm(files, desc="Đọc tệp", unit="tệp", disable=not show_progress, leave=False)
        ocr_bar = None
        for i, (path, source) in enumerate(bar):
            _report_progress(progress, 0.5 * i / max(1, len(files)), f"Đang đọc {Path(source).name}")

            def page_done(done: int, total: int, message: str, i=i, name=Path(source).name) -> None:
                # OCR is slow: per-page progress in the terminal and in the upload bar
                nonlocal ocr_bar
                if ocr_bar is None:
                    ocr_bar = tqdm(desc="Nhận dạng chữ (OCR)", unit="trang", disable=not show_progress, leave=False)
                ocr_bar.update(1)
                _report_progress(progress, 0.5 * (i + done / max(1, total)) / max(1, len(files)), f"{name}: {message}")

            options = LoadOptions(ocr=settings.ocr, ocr_cache=settings.cache_dir / "ocr", progress=page_done)
            key = path_key(path)
            try:
                st = path.stat()
                known = w.source(key)
                if known is not None:
                    doc_id, known_hash, size, mtime = known
                    if size == st.st_size and mtime == st.st_mtime:
                        report.unchanged += 1
                        continue
                    file_hash = file_sha256(path)
                    if file_hash == known_hash:
                        w.link_source(key, source, doc_id, file_hash, st.st_size, st.st_mtime)
                        report.unchanged += 1
                        continue
                loaded = load_file(path, source, options=options)
                doc = build_document(loaded, settings, canon)
            except LoadError as exc:
                report.failed.append(Failure(source=source, error=exc.message, code=exc.code))
                logger.warning("skipped %s: %s", source, exc.code)
                continue
            except OSError as exc:
                report.failed.append(Failure(source=source, error=_unreadable(exc), code="unreadable"))
                continue
            except Exception:  # a bug on one file must not lose the others
                logger.exception("failed to process %s", source)
                report.failed.append(
                    Failure(
                        source=source,
                        error="Lỗi nội bộ khi xử lý tệp này; các tệp khác vẫn được nạp. Hãy báo cho quản trị viên.",
                        code="internal_error",
                    )
                )
                continue
            if known is not None:
                w.unlink_source(key)
            if w.has_document(doc.doc_id):
                report.duplicates.append({"source": source, "same_as": w.document_source(doc.doc_id) or ""})
            else:
                w.add_document(doc)
            w.link_source(key, source, doc.doc_id, loaded.file_hash, st.st_size, st.st_mtime)
            if known is not None:
                report.updated += 1
            else:
                report.added += 1
            failpoint("parse")  # test hook: a kill mid-parse (no-op unless CHIDAO_FAILPOINT is set)

        if ocr_bar is not None:
            ocr_bar.close()
        if prune:
            for key in w.source_paths():
                if not key_exists(key):
                    w.unlink_source(key)
                    report.removed += 1

        report.seconds["parse"] = round(time.perf_counter() - clock, 3)
        clock = time.perf_counter()
        todo = w.passages_to_embed()
        dim = None
        if todo:
            if encoder is None:
                from chidao.models.embed import make_encoder

                encoder = make_encoder(settings)
            _report_progress(progress, 0.5, f"Đang tính véc-tơ cho {len(todo)} đoạn")
            ebar = tqdm(total=len(todo), desc="Tính véc-tơ", unit="đoạn", disable=not show_progress, leave=False)
            for start in range(0, len(todo), EMBED_BATCH):
                batch = todo[start : start + EMBED_BATCH]
                vectors = encoder.encode_passages([t for _, t in batch])
                w.cache.put(settings.model_id, [h for h, _ in batch], vectors)
                report.embedded += len(batch)
                failpoint("embed_batch")  # test hook: a kill after some batches were cached
                ebar.update(len(batch))
                _report_progress(
                    progress,
                    0.5 + 0.45 * (start + len(batch)) / len(todo),
                    f"Đã tính {start + len(batch)}/{len(todo)} đoạn",
                )
            ebar.close()
            dim = encoder.dim
        report.seconds["embed"] = round(time.perf_counter() - clock, 3)
        clock = time.perf_counter()
        _report_progress(progress, 0.97, "Đang ghi chỉ mục")
        report.chunks = w.chunk_count()
        w.commit(dim)
        report.seconds["publish"] = round(time.perf_counter() - clock, 3)
    _report_progress(progress, 1.0, "Xong")
    return report


def remove_documents(doc_ids: Iterable[str], settings: Settings) -> list[str]:
    """Delete documents from the index; returns the file paths they were ingested from."""
    paths: list[str] = []
    with open_store(settings.index).writer(settings.model_id, lock_timeout=settings.lock_timeout) as w:
        for doc_id in doc_ids:
            paths.extend(w.remove_document(doc_id))
        w.commit(None)
    return paths


def _ingest_queued(
    store, files, settings: Settings, canon, report: IngestReport, prune, rebuild, encoder, progress, clock
) -> IngestReport:
    """A database store: queue the new and changed files, then work the queue (with any other workers)
    until it is empty, committing each document (embedded first) in its own transaction."""
    with store.writer(settings.model_id, rebuild=rebuild) as w:
        todo = []
        for path, source in files:
            key = path_key(path)
            try:
                st = path.stat()
            except OSError as exc:
                report.failed.append(Failure(source=source, error=_unreadable(exc), code="unreadable"))
                continue
            known = w.source(key)
            if known is not None and known[2] == st.st_size and known[3] == st.st_mtime:
                report.unchanged += 1
                continue
            todo.append((key, source))
        w.enqueue(todo)
        if prune:
            for key in w.source_paths():
                if not key_exists(key):
                    w.unlink_source(key)
                    report.removed += 1
        done = 0
        while (claim := w.claim()) is not None:
            done += 1
            _report_progress(progress, 0.95 * done / max(1, len(todo)), f"Đang nạp {Path(claim.source).name}")
            try:
                encoder = _store_claimed(claim, w, settings, canon, report, encoder)
            except BaseException:
                claim.abandon()
                raise
        embed, publish = report.seconds.get("embed", 0.0), report.seconds.get("publish", 0.0)
        report.seconds = {
            "parse": round(time.perf_counter() - clock - embed - publish, 3),
            "embed": round(embed, 3),
            "publish": round(publish, 3),
        }
        report.chunks = w.chunk_count()
        w.commit()
    _report_progress(progress, 1.0, "Xong")
    return report


def _store_claimed(claim, w, settings: Settings, canon, report: IngestReport, encoder):
    """Parse, embed and store one claimed file in the claim's transaction; returns the encoder (loaded on
    first need). A file that fails is reported and leaves the queue."""
    from ingest.load import LoadError, load_file

    key, source = claim.path, claim.source
    path = Path(os.fsdecode(bytes.fromhex(key[4:])) if key.startswith("hex:") else key)
    try:
        st = path.stat()
        known = claim.known(key)
        if known is not None:
            doc_id, known_hash = known[0], known[1]
            file_hash = file_sha256(path)
            if file_hash == known_hash:
                claim.link_source(key, source, doc_id, file_hash, st.st_size, st.st_mtime)
                report.unchanged += 1
                claim.done()
                return encoder
        loaded = load_file(path, source)
        doc = build_document(loaded, settings, canon)
    except LoadError as exc:
        report.failed.append(Failure(source=source, error=exc.message, code=exc.code))
        logger.warning("skipped %s: %s", source, exc.code)
        claim.done()
        return encoder
    except OSError as exc:
        report.failed.append(Failure(source=source, error=_unreadable(exc), code="unreadable"))
        claim.done()
        return encoder
    except Exception:  # a bug on one file must not lose the others
        logger.exception("failed to process %s", source)
        report.failed.append(
            Failure(
                source=source,
                error="Lỗi nội bộ khi xử lý tệp này; các tệp khác vẫn được nạp. Hãy báo cho quản trị viên.",
                code="internal_error",
            )
        )
        claim.done()
        return encoder
    if known is not None:
        claim.unlink_source(key)
    same = claim.document_source(doc.doc_id)
    if same is not None:
        report.duplicates.append({"source": source, "same_as": same})
    else:
        hashes = [text_hash(c.embed_text) for c in doc.chunks]
        passages = dict(zip(hashes, (c.embed_text for c in doc.chunks), strict=True))
        passages.update((text_hash(a.embed_text), a.embed_text) for a in doc.assignments)
        missing = w.cache.missing(settings.model_id, list(passages))
        if missing:
            if encoder is None:
                from chidao.models.embed import make_encoder

                encoder = make_encoder(settings)
            texts = {h: t for h, t in passages.items() if h in missing}
            items = list(texts.items())
            t0 = time.perf_counter()
            for start in range(0, len(items), EMBED_BATCH):
                batch = items[start : start + EMBED_BATCH]
                w.cache.put(settings.model_id, [h for h, _ in batch], encoder.encode_passages([t for _, t in batch]))
                report.embedded += len(batch)
            report.seconds["embed"] = report.seconds.get("embed", 0.0) + time.perf_counter() - t0
        vectors = w.cache.get(settings.model_id, hashes) if hashes else None
        if vectors is not None:
            w.ensure_model(int(vectors.shape[1]))
        if not claim.add_document(doc, vectors if vectors is not None else []):
            report.duplicates.append({"source": source, "same_as": claim.document_source(doc.doc_id) or ""})
    claim.link_source(key, source, doc.doc_id, loaded.file_hash, st.st_size, st.st_mtime)
    failpoint("document_stored")  # test hook: a kill with the document written but not committed
    t0 = time.perf_counter()
    claim.done()
    report.seconds["publish"] = report.seconds.get("publish", 0.0) + time.perf_counter() - t0
    if known is not None:
        report.updated += 1
    else:
        report.added += 1
    return encoder
