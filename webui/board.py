"""The sixth tab, "Theo dõi nhiệm vụ": the follow-up board over every extracted task.

``BoardBackend`` does what the tab asks (the board as HTML, the Excel tracker and the .ics file, marking a
task done or open again, with the logged-in user's name); ``build_board_tab`` lays the tab out inside the
app's ``gr.Tabs`` and wires it. ``webui/blocks.py`` calls it with one line. Gradio is imported inside.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import uuid
from pathlib import Path
from typing import Any

from chidao.lang.text import fold, nfc
from chidao.store.factory import open_marks
from search.board import board, counts_by_agency, find_task
from search.board_export import board_ics, short, write_board_xlsx
from webui import with_hints
from webui.backend import Backend, parse_period, parse_user_date
from webui.board_render import render_board, render_counts, status_choices
from webui.render import empty_index_html, esc, note

logger = logging.getLogger(__name__)

# Click a [data-cd] button in the board (same protocol as blocks.CHIP_JS).
BOARD_JS = """
element.addEventListener('click', (event) => {
  const el = event.target.closest('[data-cd]');
  if (!el || !element.contains(el)) return;
  event.preventDefault();
  trigger('click', {cd: el.dataset.cd, arg: el.dataset.arg || ''});
});
"""


class BoardBackend:
    """What the "Theo dõi nhiệm vụ" tab asks of the index and of the follow-up marks."""

    def __init__(self, backend: Backend) -> None:
        self.settings = backend.settings
        self.searcher = backend.searcher
        self.export_dir = Path(backend.export_dir)
        self.marks = open_marks(backend.settings.index)  # the folder's followup.sqlite or the database's table

    def choices(self) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        """(agency choices, issuer choices) for the filters."""
        with self.searcher.pinned():
            agencies = self.searcher.agencies()
            issuers = sorted({d["issuer"] for d in self.searcher.documents() if d.get("issuer")})
        return (
            [("Tất cả", ""), *[(f"{a['agency']} ({a['assignments']})", a["agency"]) for a in agencies]],
            [("Tất cả", ""), *[(i, i) for i in issuers]],
        )

    def view(
        self, agency: str, status: str, issuer: str, since: str, until: str, as_of: str
    ) -> tuple[str, Path | None, Path | None]:
        """(page HTML, .xlsx path, .ics path) of the board with these filters."""
        snap = self.searcher.snapshot
        if snap is None or snap.meta.documents == 0:
            return empty_index_html(), None, None
        agency = nfc(agency or "").strip()
        try:
            since_iso, until_iso = parse_period(since, until)
            day_iso = parse_user_date(as_of)
        except ValueError as exc:
            return note(esc(exc), "error"), None, None
        day = dt.date.fromisoformat(day_iso) if day_iso else dt.date.today()
        try:
            with self.searcher.pinned() as snap:
                items = board(
                    snap,
                    self.searcher.canon,
                    self.marks,
                    agency or None,
                    as_of=day,
                    status=status or None,
                    issuer=nfc(issuer or "").strip() or None,
                    since=since_iso,
                    until=until_iso,
                    due_soon_days=self.settings.due_soon_days,
                )
        except Exception as exc:
            logger.error("board failed: %s", type(exc).__name__)
            logger.debug("board failed", exc_info=True)
            return note("Đã xảy ra lỗi khi lập bảng theo dõi; hãy thử lại hoặc báo quản trị viên.", "error"), None, None
        summary = counts_by_agency(items, day)
        page = render_counts(summary, day.isoformat()) + render_board(items, agency)
        if not items:
            return page, None, None
        folder = self.export_dir / uuid.uuid4().hex
        folder.mkdir(parents=True)
        stem = "theo-doi-nhiem-vu"
        if agency:
            stem += "-" + (re.sub(r"[^a-z0-9]+", "-", fold(agency)).strip("-")[:50] or "co-quan")
        xlsx = write_board_xlsx(items, folder / f"{stem}.xlsx", summary=summary, as_of=day)
        ics = folder / f"{stem}.ics"
        ics.write_bytes(board_ics(items))
        return page, xlsx, ics

    def mark_done(self, task: str, note_text: str, doc_number: str, done_on: str, user: str | None) -> str:
        try:
            day = parse_user_date(done_on)
        except ValueError as exc:
            return note(esc(exc), "error")
        with self.searcher.pinned() as snap:
            row = find_task(snap, task)
        if row is None:
            return note("Nhiệm vụ này không còn trong chỉ mục.", "error")
        self.marks.mark_done(
            task,
            by=user,
            note=nfc(note_text or "").strip() or None,
            doc_number=nfc(doc_number or "").strip() or None,
            done_on=dt.date.fromisoformat(day) if day else None,
            doc_id=row.doc_id,
            agency=row.agency,
            text=row.task,
        )
        logger.info("task marked done")
        return note(f"Đã đánh dấu hoàn thành: <b>{esc(row.agency)}</b> — {esc(short(row.task, 160))}", "ok")

    def reopen(self, task: str, user: str | None) -> str:
        mark = self.marks.current().get(task)
        if mark is None or not mark.done:
            return note("Nhiệm vụ này chưa được đánh dấu hoàn thành.", "warn")
        self.marks.reopen(task, by=user)
        logger.info("task reopened")
        return note(f"Đã mở lại nhiệm vụ của <b>{esc(mark.agency or '')}</b>.", "ok")


def build_board_tab(backend: Backend) -> Any:
    """The "Theo dõi nhiệm vụ" tab; call inside the app's ``gr.Tabs``."""
    import gradio as gr

    bb = BoardBackend(backend)

    def user_of(request: gr.Request | None) -> str | None:
        return getattr(request, "username", None) if request is not None else None

    def load_choices():
        agencies, issuers = bb.choices()
        return gr.Dropdown(choices=agencies), gr.Dropdown(choices=issuers)

    def show(agency, status, issuer, since, until, as_of):
        page, xlsx, ics = bb.view(agency, status, issuer, since, until, as_of)
        return (
            page,
            gr.DownloadButton(value=str(xlsx) if xlsx else None, visible=xlsx is not None),
            gr.DownloadButton(value=str(ics) if ics else None, visible=ics is not None),
        )

    @with_hints(evt=gr.EventData)
    def clicked(evt: gr.EventData):
        data = evt._data or {}
        task = data.get("arg", "")
        if data.get("cd") == "done":
            return gr.update(visible=True), task, "", "", ""
        return gr.update(visible=False), "", gr.update(), gr.update(), gr.update()

    @with_hints(request=gr.Request, evt=gr.EventData)
    def reopen_clicked(agency, status, issuer, since, until, as_of, request: gr.Request, evt: gr.EventData):
        data = evt._data or {}
        if data.get("cd") != "reopen":
            return gr.update(), gr.update(), gr.update(), gr.update()
        message = bb.reopen(data.get("arg", ""), user_of(request))
        return (message, *show(agency, status, issuer, since, until, as_of))

    @with_hints(request=gr.Request)
    def confirm(task, note_text, doc_number, done_on, agency, status, issuer, since, until, as_of, request: gr.Request):
        message = bb.mark_done(task, note_text, doc_number, done_on, user_of(request)) if task else ""
        return (gr.update(visible=False), "", message, *show(agency, status, issuer, since, until, as_of))

    def cancel():
        return gr.update(visible=False), ""

    with gr.Tab("Theo dõi nhiệm vụ", id="theo-doi", elem_id="tab-theo-doi") as tab:
        with gr.Row():
            agency = gr.Dropdown(
                label="Cơ quan (chọn, hoặc gõ tên có dấu hay không dấu)",
                choices=[("Tất cả", "")],
                value="",
                allow_custom_value=True,
                filterable=True,
                scale=3,
                elem_id="cd-b-agency",
            )
            status = gr.Dropdown(label="Tình trạng", choices=status_choices(), value="", scale=2, elem_id="cd-b-status")
            issuer = gr.Dropdown(
                label="Cơ quan ban hành",
                choices=[("Tất cả", "")],
                value="",
                allow_custom_value=True,
                scale=2,
                elem_id="cd-b-issuer",
            )
        with gr.Row():
            since = gr.Textbox(label="Giao từ ngày", placeholder="ngày/tháng/năm", elem_id="cd-b-since")
            until = gr.Textbox(label="Giao đến ngày", placeholder="ngày/tháng/năm", elem_id="cd-b-until")
            as_of = gr.Textbox(
                label="Tính đến ngày (để trống: hôm nay)", placeholder="ngày/tháng/năm", elem_id="cd-b-asof"
            )
        with gr.Row():
            show_btn = gr.Button("Xem bảng theo dõi", variant="primary", elem_id="cd-b-show")
            xlsx_btn = gr.DownloadButton("Tải Excel (.xlsx)", visible=False, elem_id="cd-b-xlsx")
            ics_btn = gr.DownloadButton("Tải lịch hạn (.ics)", visible=False, elem_id="cd-b-ics")
        message = gr.HTML(elem_id="cd-b-message", js_on_load=None)
        pending = gr.State("")
        with gr.Group(visible=False, elem_id="cd-b-confirm") as confirm_box:
            gr.HTML("<b>Đánh dấu nhiệm vụ đã hoàn thành</b>", js_on_load=None)
            with gr.Row():
                note_box = gr.Textbox(label="Ghi chú (không bắt buộc)", elem_id="cd-b-note", max_length=1000)
                doc_box = gr.Textbox(
                    label="Số văn bản báo cáo (không bắt buộc)", placeholder="Ví dụ: 120/BC-SYT", elem_id="cd-b-doc"
                )
                day_box = gr.Textbox(
                    label="Ngày hoàn thành (để trống: hôm nay)", placeholder="ngày/tháng/năm", elem_id="cd-b-day"
                )
            with gr.Row():
                yes = gr.Button("Xác nhận hoàn thành", variant="primary", elem_id="cd-b-yes")
                no = gr.Button("Huỷ", elem_id="cd-b-no")
        page = gr.HTML(elem_id="cd-board", js_on_load=BOARD_JS)

    filters = [agency, status, issuer, since, until, as_of]
    outputs = [page, xlsx_btn, ics_btn]
    private = {"api_visibility": "private"}
    tab.select(load_choices, None, [agency, issuer], show_progress="hidden", **private)
    show_btn.click(show, filters, outputs, **private)
    agency.select(show, filters, outputs, **private)
    status.select(show, filters, outputs, **private)
    page.click(clicked, None, [confirm_box, pending, note_box, doc_box, day_box], **private)
    page.click(reopen_clicked, filters, [message, *outputs], **private)
    yes.click(
        confirm, [pending, note_box, doc_box, day_box, *filters], [confirm_box, pending, message, *outputs], **private
    )
    no.click(cancel, None, [confirm_box, pending], **private)
    return tab
