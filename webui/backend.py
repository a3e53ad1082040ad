"""``Backend``: everything the UI asks of the index (answers, search, number look-ups, an agency's
tasks and their export, uploads, deletion, original files), returned as HTML for the page. One per
app, shared read-only by every user; uploads and deletions are serialised by a lock."""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import shutil
import stat
import tempfile
import threading
import time
import uuid
import weakref
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from chidao.config import Settings
from chidao.lang.text import fold, nfc
from chidao.store.factory import uploads_folder
from search.export import ROLE_LABELS
from webui.auth import LOGOUT_PATH
from webui.lanes import Lane, lane
from webui.render import (
    chunk_count,
    doc_label,
    empty_index_html,
    esc,
    format_date,
    note,
    render_answer,
    render_chips,
    render_documents,
    render_hits,
    render_refs,
    render_tasks,
    render_upload_results,
)
from webui.uploads import accept_uploads, within

logger = logging.getLogger(__name__)

_BUSY = "Đang có người khác nạp văn bản; hãy chờ một lát rồi thử lại."
_GONE = "Văn bản này không còn trong chỉ mục."

_DMY_RE = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})$")
_MY_RE = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{4})$")
_ISO_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def parse_user_date(text: str | None, *, end: bool = False) -> str | None:
    """A date typed by a clerk → ISO ``yyyy-mm-dd`` (None when empty).

    Accepts ``dd/mm/yyyy`` (also with ``-`` or ``.``), ``yyyy-mm-dd``, ``mm/yyyy`` and ``yyyy``;
    a month or a year means its first day, or its last day with ``end=True``. Raises ValueError
    with a Vietnamese message otherwise.
    """
    text = (text or "").strip()
    if not text:
        return None
    try:
        if m := _DMY_RE.match(text):
            return dt.date(int(m[3]), int(m[2]), int(m[1])).isoformat()
        if m := _ISO_RE.match(text):
            return dt.date(int(m[1]), int(m[2]), int(m[3])).isoformat()
        if m := _MY_RE.match(text):
            year, month = int(m[2]), int(m[1])
            first = dt.date(year, month, 1)
            if not end:
                return first.isoformat()
            following = dt.date(year + (month == 12), month % 12 + 1, 1)
            return (following - dt.timedelta(days=1)).isoformat()
        if re.fullmatch(r"\d{4}", text):
            return f"{text}-12-31" if end else f"{text}-01-01"
    except ValueError:
        pass
    raise ValueError(f"Ngày “{text}” không hợp lệ; hãy nhập theo dạng ngày/tháng/năm, ví dụ 02/05/2021.")


def parse_period(since: str | None, until: str | None) -> tuple[str | None, str | None]:
    """The ISO bounds of a "Từ ngày … Đến ngày …" pair (``until`` up to its last day); ValueError
    as ``parse_user_date``."""
    return parse_user_date(since), parse_user_date(until, end=True)


class Backend:
    """Everything the UI asks of the index, as HTML for the page; one per app, shared by users."""

    def __init__(self, settings: Settings, searcher) -> None:
        self.settings = settings
        self.searcher = searcher
        self.ingest_lock = threading.Lock()
        self.uploads = uploads_folder(settings.index, settings.cache_dir)
        self.export_dir = Path(tempfile.mkdtemp(prefix="chidao-xuat-"))
        # removed with the backend or at exit: a server restarted every day leaves no folders behind
        self._remove_exports = weakref.finalize(self, shutil.rmtree, self.export_dir, True)

    # -- state of the index

    def documents(self) -> list[dict[str, Any]]:
        return self.searcher.documents()

    def document_row(self, doc_id: str | None) -> dict[str, Any] | None:
        """The listed document ``doc_id`` (as in ``documents()``), or None."""
        return next((d for d in self.documents() if d["doc_id"] == (doc_id or "")), None)

    def is_empty(self) -> bool:
        snap = self.searcher.snapshot
        return snap is None or snap.meta.documents == 0

    def status_html(self, user: str | None = None, docs: list[dict[str, Any]] | None = None) -> str:
        docs = self.documents() if docs is None else docs
        state = f"Chỉ mục: {len(docs)} văn bản, {chunk_count(docs)} đoạn" if docs else "Chỉ mục đang trống"
        who = f' · Người dùng: <b>{esc(user)}</b> · <a href="{LOGOUT_PATH.lstrip("/")}">Đăng xuất</a>' if user else ""
        out = f'<div class="cd-status">{esc(state)}{who}</div>'
        if not docs:
            out += empty_index_html()
        return out

    def filter_choices(self, docs: list[dict[str, Any]] | None = None) -> dict[str, list[tuple[str, str]]]:
        docs = self.documents() if docs is None else docs
        types = sorted({d["type"] for d in docs if d.get("type")})
        issuers = sorted({d["issuer"] for d in docs if d.get("issuer")})
        agencies = self.searcher.agencies()
        return {
            "type": [("Tất cả", ""), *[(t, t) for t in types]],
            "issuer": [("Tất cả", ""), *[(i, i) for i in issuers]],
            "agency": [("Tất cả", ""), *[(a["agency"], a["agency"]) for a in agencies]],
            "tasks_agency": [(f"{a['agency']} ({a['assignments']})", a["agency"]) for a in agencies],
        }

    def example_questions(self, docs: list[dict[str, Any]] | None = None) -> list[str]:
        """Questions that work on this index: its most assigned agencies, its most cited number,
        its newest numbered document."""
        docs = self.documents() if docs is None else docs
        agencies = [a["agency"] for a in self.searcher.agencies()[:2]]
        questions = [f"{a} được giao nhiệm vụ gì?" for a in agencies]
        cited: dict[str, int] = {}
        for d in docs:
            for number in d.get("cites") or []:
                cited[number] = cited.get(number, 0) + 1
        if cited:
            top = max(cited, key=lambda k: cited[k])
            questions.append(f"Văn bản nào dẫn chiếu {top}?")
        newest = next((d for d in docs if d.get("number") and d.get("type")), None)
        if newest:
            questions.append(f"{newest['type']} {newest['number']} chỉ đạo những nội dung gì?")
        return questions

    # -- the tabs

    def _call(self, name: str, action: str, fn, *args, **kwargs) -> tuple[Any, str | None]:
        """(result, None), or (None, an error note) when ``fn`` fails; the log gets the exception type
        only, never the query text (at INFO and above)."""
        try:
            return fn(*args, **kwargs), None
        except Exception as exc:
            logger.error("%s failed: %s", name, type(exc).__name__)
            logger.debug("%s failed", name, exc_info=True)
            return None, note(f"Đã xảy ra lỗi khi {action}; hãy thử lại hoặc báo quản trị viên.", "error")

    def lane_of(self, question: str) -> Lane:
        """The encoder lane of a question (``webui.lanes``): agency and number questions cite a few
        passages and go first; topic questions re-score dozens and wait their turn."""
        from search.intent import classify

        try:
            with self.searcher.pinned() as snap:
                kind = classify(question, snap, self.searcher.canon).kind
        except Exception:  # the answer itself will report the problem
            logger.warning("could not classify a question for its lane", exc_info=True)
            return "normal"
        return "urgent" if kind in ("assignment", "reference") else "normal"

    def ask(self, question: str) -> str:
        question = nfc(question or "").strip()
        if not question:
            return note("Hãy nhập câu hỏi, ví dụ: “Sở Y tế được giao nhiệm vụ gì?”")
        if self.is_empty():
            return empty_index_html()
        with lane(self.lane_of(question)):
            answer, error = self._call("ask", "trả lời câu hỏi", self.searcher.ask, question)
        if error:
            return error
        logger.info("answered a question (%d citations)", len(answer.citations))
        return render_answer(answer, question)

    def search(self, query: str, type_: str, issuer: str, agency: str, since: str, until: str, page: int = 1) -> str:
        """Search results grouped by document, ``HITS_PER_PAGE`` documents on page ``page``; every
        passage the retrievers return is grouped, so the count is the real number of matches."""
        from chidao.records import Filters

        query = nfc(query or "").strip()
        if not query:
            return note("Hãy nhập từ khoá hoặc câu cần tìm, có dấu hoặc không dấu (ví dụ: “so y te”).")
        if self.is_empty():
            return empty_index_html()
        try:
            since_iso, until_iso = parse_period(since, until)
            filters = Filters(
                type=type_ or None, issuer=issuer or None, agency=agency or None, since=since_iso, until=until_iso
            )
        except ValueError as exc:
            return note(esc(exc), "error")
        k = 2 * self.settings.candidates  # every candidate of both retrievers
        with lane("urgent"):
            hits, error = self._call("search", "tìm kiếm", self.searcher.search, query, k=k, filters=filters)
        if error:
            return error
        return render_hits(hits, query, page)

    def documents_html(self, query: str = "", page: int = 1, docs: list[dict[str, Any]] | None = None) -> str:
        """The Văn bản tab's table: documents matching ``query`` (with or without accents), one page."""
        return render_documents(self.documents() if docs is None else docs, nfc(query or "").strip(), page)

    def agency_suggestions(self, typed: str, limit: int = 12) -> str:
        """Buttons for the agencies whose name contains what was typed, compared without accents
        ("so y te" → Sở Y tế), most assigned first; the most assigned ones when nothing is typed."""
        words = fold(nfc(typed or "")).split()
        agencies = self.searcher.agencies()
        found = [a for a in agencies if all(w in fold(a["agency"]) for w in words)]
        if not agencies:
            return ""
        if not found:
            return note(f"Không có cơ quan nào có tên chứa “{esc(typed)}”.")
        label = "Cơ quan phù hợp:" if words else "Cơ quan được giao nhiều nhiệm vụ nhất:"
        items = [(a["agency"], f"{a['agency']} ({a['assignments']})") for a in found[:limit]]
        more = f" (+{len(found) - limit})" if len(found) > limit else ""
        return render_chips(label + more, items, "agency")

    def refs(self, number: str) -> str:
        number = nfc(number or "").strip()
        if not number:
            return note("Hãy nhập số hiệu văn bản, ví dụ: 570/CĐ-TTg (có hoặc không có dấu, khoảng trắng).")
        if self.is_empty():
            return empty_index_html()
        result, error = self._call("refs", "tra cứu", self.searcher.refs, number)
        if error:
            return error
        return render_refs(result)

    def tasks(self, agency: str, role: str, since: str, until: str) -> tuple[str, Path | None, Path | None]:
        """(table HTML, .xlsx path, .csv path) of an agency's assignments."""
        agency = nfc(agency or "").strip()
        if self.is_empty():
            return empty_index_html(), None, None
        if not agency:
            return note("Hãy chọn hoặc gõ tên cơ quan (có dấu hoặc không dấu), ví dụ: Sở Y tế."), None, None
        try:
            since_iso, until_iso = parse_period(since, until)
        except ValueError as exc:
            return note(esc(exc), "error"), None, None
        result, error = self._call(
            "tasks",
            "liệt kê nhiệm vụ",
            self.searcher.tasks,
            agency,
            since=since_iso,
            until=until_iso,
            role=role or None,
        )
        if error:
            return error, None, None
        page = render_tasks(result, agency)
        if not result.get("assignments"):
            known = [a["agency"] for a in self.searcher.agencies()]
            near = [a for a in known if fold(agency) in fold(a)][:8]
            if near:
                page += render_chips("Có phải bạn muốn tìm:", near, "agency")
            return page, None, None
        xlsx, csv_path = self.export_tasks(result, agency, role, since_iso, until_iso)
        return page, xlsx, csv_path

    def export_tasks(
        self, result: Mapping[str, Any], agency: str, role: str, since: str | None, until: str | None
    ) -> tuple[Path, Path]:
        from search.export import write_tasks_csv, write_tasks_xlsx

        self._clean_exports()
        folder = self.export_dir / uuid.uuid4().hex
        folder.mkdir(parents=True)
        name = re.sub(r"[^a-z0-9]+", "-", fold(result.get("agency") or agency)).strip("-")[:60] or "co-quan"
        stem = f"nhiem-vu-{name}"
        info = [
            ("Cơ quan", result.get("agency") or agency),
            ("Vai trò", ROLE_LABELS.get(role, "Tất cả") if role else "Tất cả"),
            ("Từ ngày", format_date(since) or "—"),
            ("Đến ngày", format_date(until) or "—"),
            ("Số nhiệm vụ", str(len(result["assignments"]))),
            ("Xuất lúc", dt.datetime.now().strftime("%H:%M %d/%m/%Y")),
        ]
        xlsx = write_tasks_xlsx(result["assignments"], folder / f"{stem}.xlsx", info=info)
        csv_path = write_tasks_csv(result["assignments"], folder / f"{stem}.csv")
        return xlsx, csv_path

    def _clean_exports(self, max_age: float = 3600.0) -> None:
        now = time.time()
        for sub in self.export_dir.iterdir():
            try:
                if now - sub.stat().st_mtime > max_age:
                    shutil.rmtree(sub, ignore_errors=True)
            except OSError:
                continue

    # -- uploads and deletion

    def upload(self, files: Sequence[str | Path] | None, progress=None) -> str:
        """Store and index uploaded files; a table of what happened to each one."""
        from ingest.service import StoredFile, ingest_files

        paths = [Path(f) for f in (files or []) if f]
        if not paths:
            return note("Chưa chọn tệp nào.")
        if not self.ingest_lock.acquire(blocking=False):
            return note(_BUSY, "warn")
        try:
            accepted = accept_uploads(paths, self.uploads, self.settings.upload_max_mb * 2**20)
            stored = [a for a in accepted if isinstance(a, StoredFile)]

            def on_progress(fraction: float, message: str) -> None:
                if progress is not None:
                    progress(fraction, desc=message)

            indexed = iter(
                ingest_files(
                    stored,
                    self.settings,
                    encoder=self.searcher.encoder if stored else None,
                    progress=on_progress,
                    snapshot=lambda: self.searcher.snapshot,
                )
            )
            results = [next(indexed) if isinstance(a, StoredFile) else a for a in accepted]
            counts: dict[str, int] = {}
            for r in results:
                counts[r.status] = counts.get(r.status, 0) + 1
            logger.info("upload: %s", counts)
            docs = {d["doc_id"]: d for d in self.documents()} if stored else {}
            return render_upload_results(results, docs)
        finally:
            self.ingest_lock.release()

    def delete(self, doc_id: str) -> str:
        """Remove a document from the index (and its uploaded file, if it came from an upload)."""
        from chidao.store import IndexBusy
        from ingest.pipeline import remove_documents

        doc = self.document_row(doc_id)
        if doc is None:
            return note(_GONE, "warn")
        if not self.ingest_lock.acquire(blocking=False):
            return note(_BUSY, "warn")
        try:
            paths = remove_documents([doc_id], self.settings)
        except IndexBusy:
            return note("Chỉ mục đang được một tiến trình khác cập nhật; hãy thử lại sau ít phút.", "warn")
        finally:
            self.ingest_lock.release()
        for p in paths:
            if p.startswith("hex:") or not within(p, self.uploads):
                continue
            try:
                if stat.S_ISREG(os.lstat(p).st_mode):
                    os.unlink(p)
            except OSError:
                logger.warning("could not remove an uploaded file")
        return note(f"Đã xoá <b>{esc(doc_label(doc))}</b> khỏi chỉ mục.", "ok")

    def confirm_delete_html(self, doc_id: str) -> str:
        doc = self.document_row(doc_id)
        if doc is None:
            return note(_GONE, "warn")
        return note(
            f"Xoá <b>{esc(doc_label(doc))}</b> ({esc(Path(str(doc['source'])).name)}) khỏi chỉ mục? "
            "Các câu trả lời và kết quả tìm kiếm sẽ không còn dẫn tới văn bản này. "
            "Tệp gốc nằm ngoài thư mục tải lên không bị xoá.",
            "warn",
        )

    # -- viewer and download

    def original_file(self, doc_id: str) -> tuple[Path, str] | None:
        """The original file of a document, only one that the index records and whose bytes are
        still those that were indexed; (path, file name to show)."""
        from ingest.pipeline import file_sha256

        for rec in self.searcher.sources(doc_id):
            key = rec["path"]
            if key.startswith("hex:"):
                continue
            path = Path(key)
            try:
                st = os.stat(path)
            except OSError:
                continue
            if not stat.S_ISREG(st.st_mode) or st.st_size != rec["size"]:
                continue
            if within(key, self.uploads) != within(path.resolve(), self.uploads):
                continue  # a link inside uploads/ pointing elsewhere
            if file_sha256(path) != rec["file_hash"]:
                continue
            return path, Path(rec["source"]).name or path.name
        return None
