"""Tab "Văn bản": uploads with a result per file, the indexed documents (filter, pages) and deletion."""

from __future__ import annotations

from webui import with_hints
from webui.backend import Backend
from webui.tabs import CHIP_JS, FAST, PRIVATE, TabView, chip, page_number
from webui.uploads import UPLOAD_SUFFIXES

#: Clears the previous upload's result as soon as the button is clicked, in the browser: a file
#: the browser itself refuses (too large) never reaches the server, and must not leave the last
#: upload's table on screen as if it were this one's.
CLEAR_RESULT_JS = "() => ''"


def build(backend: Backend) -> TabView:
    import gradio as gr

    def do_upload(files, progress=gr.Progress()):  # noqa: B008 - Gradio injects the tracker
        return backend.upload(files, progress=progress)

    @with_hints(evt=gr.EventData)
    def on_docs_click(query: str, evt: gr.EventData):
        data = chip(evt)
        if data.get("cd") == "page":
            return gr.update(), gr.update(), gr.update(), backend.documents_html(query, page_number(data.get("arg")))
        if data.get("cd") != "delete":
            return gr.update(), gr.update(), gr.update(), gr.update()
        doc_id = data.get("arg", "")
        return gr.update(visible=True), backend.confirm_delete_html(doc_id), doc_id, gr.update()

    def do_delete(doc_id: str):
        return backend.delete(doc_id), gr.update(visible=False), ""

    def cancel_delete():
        return gr.update(visible=False), ""

    with gr.Tab("Văn bản", id="van-ban", elem_id="tab-van-ban") as tab:
        pending_delete = gr.State("")
        gr.HTML(
            f"<p>Nạp thêm văn bản (PDF, DOCX, TXT, MD, HTML; mỗi tệp tối đa "
            f"{backend.settings.upload_max_mb} MB). Tệp trùng tên với tệp đã nạp sẽ thay bản cũ.</p>",
            js_on_load=None,
        )
        upload_btn = gr.UploadButton(
            "Chọn tệp để nạp",
            file_count="multiple",
            file_types=list(UPLOAD_SUFFIXES),
            variant="primary",
            elem_id="cd-upload",
        )
        upload_result = gr.HTML(elem_id="cd-upload-result", js_on_load=None, min_height=80)
        with gr.Group(visible=False, elem_id="cd-confirm") as confirm_box:
            confirm_text = gr.HTML(js_on_load=None)
            with gr.Row():
                confirm_yes = gr.Button("Xoá văn bản", variant="stop", elem_id="cd-confirm-yes")
                confirm_no = gr.Button("Huỷ", elem_id="cd-confirm-no")
        docs_filter = gr.Textbox(
            label="Lọc văn bản (số hiệu, cơ quan, trích yếu, tên tệp; có dấu hoặc không dấu)",
            placeholder="Ví dụ: 570/CĐ-TTg hoặc so y te",
            max_lines=1,
            elem_id="cd-docs-filter",
            max_length=200,
        )
        docs_html = gr.HTML(elem_id="cd-docs", js_on_load=CHIP_JS)

    def first_page(query: str):
        return backend.documents_html(query, 1)

    upload_btn.click(None, None, upload_result, js=CLEAR_RESULT_JS, **FAST)
    uploaded = upload_btn.upload(do_upload, upload_btn, upload_result, concurrency_limit=1, **PRIVATE)
    docs_filter.input(first_page, docs_filter, docs_html, trigger_mode="always_last", **FAST)
    docs_filter.submit(first_page, docs_filter, docs_html, **FAST)
    tab.select(first_page, docs_filter, docs_html, **FAST)
    docs_html.click(on_docs_click, docs_filter, [confirm_box, confirm_text, pending_delete, docs_html], **FAST)
    deleted = confirm_yes.click(
        do_delete, pending_delete, [upload_result, confirm_box, pending_delete], concurrency_limit=1, **PRIVATE
    )
    confirm_no.click(cancel_delete, None, [confirm_box, pending_delete], **FAST)
    for event in (uploaded, deleted):
        event.then(first_page, docs_filter, docs_html, **FAST)
    return TabView(
        name="van-ban",
        tab=tab,
        changes_index=[uploaded, deleted],
        loads=[(first_page, docs_filter, docs_html)],
        parts={"docs_html": docs_html, "docs_filter": docs_filter, "first_page": first_page},
    )
