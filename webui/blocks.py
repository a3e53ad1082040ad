"""The Gradio layout of the five tabs (Hỏi đáp, Tìm kiếm, Tra cứu số hiệu, Nhiệm vụ theo cơ quan,
Văn bản), wired to a ``Backend``; its CSS, theme and the script that puts Gradio's own texts in
Vietnamese. Gradio is imported inside the functions, never at import."""

from __future__ import annotations

import json

from search.export import ROLE_LABELS
from webui import APP_TITLE, with_hints
from webui.backend import Backend
from webui.board import build_board_tab
from webui.render import esc, render_chips, render_documents
from webui.uploads import UPLOAD_SUFFIXES

CSS = """
:root, .gradio-container { --cd-ink: #0f172a; --cd-accent: #1e3a8a; }
.gradio-container { max-width: 1280px !important; margin: 0 auto; }
#cd-title h1 { font-size: 1.7rem; margin: .2em 0 0; color: var(--cd-ink); }
#cd-title p { margin: 0; color: #334155; }
.cd-status { color: #1e293b; font-size: .95rem; margin: .2em 0 .4em; }
.cd-status a, .cd-answer a, .cd-hits a, .cd-table a, .cd-refs a { color: var(--cd-accent); font-weight: 600; }
.cd-note { padding: .7em 1em; border-radius: 8px; margin: .6em 0; border-left: 5px solid #2563eb;
           background: #eff6ff; color: #0f172a; }
.cd-note-empty { border-left-color: #d97706; background: #fffbeb; font-size: 1.05rem; }
.cd-note-warn { border-left-color: #d97706; background: #fffbeb; }
.cd-note-error { border-left-color: #b91c1c; background: #fef2f2; }
.cd-note-ok { border-left-color: #15803d; background: #f0fdf4; }
.cd-answer-text { font-size: 1.08rem; line-height: 1.6; color: var(--cd-ink); }
.cd-answer-text ul { margin: .3em 0 .3em 1.2em; }
.cd-answer-text li { margin: .35em 0; }
.cd-mark { text-decoration: none; font-weight: 700; padding: 0 .15em; border-radius: 4px; background: #dbeafe; }
.cd-h { font-size: 1.2rem; margin: 1em 0 .4em; color: var(--cd-ink); }
.cd-h4 { font-size: 1.05rem; margin: .9em 0 .3em; color: var(--cd-ink); }
.cd-cites, .cd-hits { list-style: none; padding: 0; margin: 0; }
.cd-card { border: 1px solid #cbd5e1; border-radius: 10px; padding: .7em 1em; margin: .6em 0; background: #fff; }
.cd-card-head { font-weight: 700; color: var(--cd-ink); font-size: 1.05rem; }
.cd-n { color: var(--cd-accent); margin-right: .3em; }
.cd-meta { color: #334155; font-size: .92rem; margin: .2em 0 .4em; }
.cd-meta-item { margin-right: 1.1em; display: inline-block; }
.cd-k { color: #475569; }
.cd-passage { margin: .3em 0; padding: .4em .8em; border-left: 4px solid #94a3b8; background: #f8fafc;
              color: #0f172a; white-space: pre-wrap; line-height: 1.55; }
.cd-passage mark, .cd-answer mark { background: #fde047; color: #000; padding: 0 .1em; border-radius: 2px; }
.cd-open { display: inline-block; margin-top: .2em; }
.cd-count { font-weight: 600; margin: .4em 0; color: #1e293b; }
.cd-table { border-collapse: collapse; width: 100%; font-size: .95rem; }
.cd-table th { background: #1e3a8a; color: #fff; text-align: left; padding: .45em .6em; position: sticky; top: 0; }
.cd-table td { border-bottom: 1px solid #cbd5e1; padding: .45em .6em; vertical-align: top; color: #0f172a; }
.cd-table tr:nth-child(even) td { background: #f8fafc; }
.cd-nowrap { white-space: nowrap; }
.cd-tasks td:nth-child(2) { min-width: 10em; }
.cd-tasks td:nth-child(3) { min-width: 8em; }
.cd-tasks td:nth-child(6) { min-width: 7em; }
.cd-num { text-align: right; }
.cd-file { overflow-wrap: anywhere; font-size: .88rem; }
.cd-sub { color: #475569; font-size: .85rem; margin-top: .2em; }
.cd-warn { color: #92400e; }
.cd-chips { margin: .4em 0; display: flex; flex-wrap: wrap; gap: .4em; align-items: center; }
.cd-chips-label { font-weight: 600; color: #334155; margin-right: .3em; }
.cd-chip { border: 1px solid #1e3a8a; color: #1e3a8a; background: #eff6ff; border-radius: 999px;
           padding: .25em .8em; font-size: .95rem; cursor: pointer; font-weight: 600; }
.cd-chip:hover, .cd-chip:focus { background: #1e3a8a; color: #fff; }
.cd-list { padding-left: 1.2em; }
.cd-list li { margin: .35em 0; }
.cd-context { color: #334155; }
.cd-badge { padding: .1em .6em; border-radius: 999px; font-weight: 700; font-size: .9rem; }
.cd-badge-added, .cd-badge-updated { background: #dcfce7; color: #14532d; }
.cd-badge-unchanged, .cd-badge-duplicate { background: #e2e8f0; color: #1e293b; }
.cd-badge-failed { background: #fee2e2; color: #7f1d1d; }
.cd-graph { max-width: 960px; margin: .4em 0 .8em; font-size: 15px; }
.cd-graph rect { stroke-width: 1.5; }
.cd-graph .cd-box-in { fill: #eff6ff; stroke: #1e3a8a; }
.cd-graph .cd-box-out { fill: #f0fdf4; stroke: #15803d; }
.cd-graph .cd-box-center { fill: #1e3a8a; stroke: #1e3a8a; }
.cd-graph .cd-node-center text { fill: #fff; font-weight: 700; }
.cd-graph text { fill: #0f172a; }
.cd-graph .cd-cap { fill: #475569; font-size: 13px; }
.cd-graph .cd-node { cursor: pointer; }
.cd-graph .cd-node:hover rect { stroke-width: 3; }
.cd-graph .cd-edge { stroke: #64748b; stroke-width: 1.5; }
.cd-graph .cd-arrowhead { fill: #64748b; }
footer { display: none !important; }
"""

#: Attached to every gr.HTML that holds buttons: a click on [data-cd] becomes a Gradio "click"
#: event carrying {cd: action, arg: value}; other clicks (links) behave normally.
CHIP_JS = """
element.addEventListener('click', (event) => {
  const el = event.target.closest('[data-cd]');
  if (!el || !element.contains(el)) return;
  event.preventDefault();
  trigger('click', {cd: el.dataset.cd, arg: el.dataset.arg || ''});
});
"""

#: Gradio's own texts that can show in this UI, in Vietnamese (its frontend has no vi locale).
GRADIO_TEXTS = {
    "Loading...": "Đang tải...",
    "Loading": "Đang tải",
    "processing": "đang xử lý",
    "Error": "Lỗi",
    "Uploading...": "Đang tải lên...",
    "Drop File Here": "Thả tệp vào đây",
    "Click to Upload": "Bấm để chọn tệp",
    "Connection errored out.": "Mất kết nối tới máy chủ.",
    "Download": "Tải về",
    "Clear": "Xoá",
    "Submit": "Gửi",
    "Close": "Đóng",
}

HEAD = (
    '<meta name="description" content="Tra cứu văn bản chỉ đạo điều hành">'
    "<script>(() => {const T = "
    + json.dumps(GRADIO_TEXTS, ensure_ascii=False)
    + """;
const R = [
  [/^(\\s*)processing(?= \\|)/, '$1đang xử lý'],
  [/^(\\s*)queue: /, '$1hàng đợi: '],
  [/File\\(s\\) exceed the maximum allowed size of (.+?): (.*)$/, 'Tệp vượt quá dung lượng cho phép ($1): $2'],
  [/Invalid file types?: (.*)\\. Only (.*) allowed\\.$/, 'Loại tệp không được nhận: $1. Chỉ nhận: $2.'],
];
const MINE = '.cd-answer, .cd-hits, .cd-refs, .cd-table, .cd-note, .cd-chips, .cd-count, #cd-title';
const fix = (root) => {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    const raw = node.nodeValue, key = raw.trim();
    if (!key || (node.parentElement && node.parentElement.closest(MINE))) continue;
    if (Object.prototype.hasOwnProperty.call(T, key)) { node.nodeValue = raw.replace(key, T[key]); continue; }
    for (const [re, to] of R) if (re.test(raw)) { node.nodeValue = raw.replace(re, to); break; }
  }
};
const start = () => {
  document.documentElement.lang = 'vi';
  fix(document.body);
  new MutationObserver((ms) => { for (const m of ms) {
    if (m.type === 'characterData') fix(m.target.parentNode || document.body);
    for (const n of m.addedNodes) fix(n.nodeType === 3 ? n.parentNode || document.body : n);
  } }).observe(document.body, {subtree: true, childList: true, characterData: true});
};
if (document.body) start(); else document.addEventListener('DOMContentLoaded', start);
})();</script>"""
)


def make_theme():
    import gradio as gr

    size = gr.themes.Size(xxs="12px", xs="13px", sm="15px", md="18px", lg="20px", xl="24px", xxl="30px")
    system_fonts = ("system-ui", "-apple-system", "Segoe UI", "Roboto", "Noto Sans", "DejaVu Sans", "sans-serif")
    mono = ("ui-monospace", "DejaVu Sans Mono", "Consolas", "monospace")
    theme = gr.themes.Default(
        primary_hue=gr.themes.colors.blue,
        secondary_hue=gr.themes.colors.sky,
        neutral_hue=gr.themes.colors.slate,
        text_size=size,
        font=system_fonts,
        font_mono=mono,
    )
    return theme.set(
        body_text_color="*neutral_900",
        body_text_color_subdued="*neutral_700",
        block_label_text_color="*neutral_800",
        block_title_text_color="*neutral_900",
        input_placeholder_color="*neutral_500",
        button_primary_background_fill="#1e3a8a",
        button_primary_background_fill_hover="#1e40af",
        button_primary_text_color="white",
        link_text_color="#1e3a8a",
    )


def build_blocks(backend: Backend):
    """The Gradio Blocks of the five tabs, wired to ``backend``."""
    import gradio as gr

    def chip(evt: gr.EventData) -> dict[str, str]:
        """What a clicked [data-cd] button sent (CHIP_JS): {"cd": action, "arg": value}."""
        return evt._data or {}

    def user_of(request: gr.Request | None) -> str | None:
        return getattr(request, "username", None) if request is not None else None

    @with_hints(request=gr.Request)
    def refresh(request: gr.Request):
        with backend.searcher.pinned():  # one generation for the whole page
            docs = backend.documents()
            choices = backend.filter_choices(docs)
            examples = backend.example_questions(docs)
        return (
            backend.status_html(user_of(request), docs),
            render_chips("Câu hỏi mẫu:", examples),
            gr.Dropdown(choices=choices["type"]),
            gr.Dropdown(choices=choices["issuer"]),
            gr.Dropdown(choices=choices["agency"]),
            gr.Dropdown(choices=choices["tasks_agency"]),
            render_documents(docs),
        )

    def remember(recent: list[str], question: str) -> list[str]:
        question = question.strip()
        if not question:
            return recent
        return ([question] + [q for q in recent if q != question])[:10]

    def do_ask(question: str, recent: list[str]):
        recent = remember(recent or [], question or "")
        return backend.ask(question), recent, render_chips("Đã hỏi gần đây:", recent)

    @with_hints(evt=gr.EventData)
    def ask_from_chip(recent: list[str], evt: gr.EventData):
        question = chip(evt).get("arg", "")
        page, recent, chips = do_ask(question, recent)
        return question, page, recent, chips

    @with_hints(evt=gr.EventData)
    def do_refs_chip(evt: gr.EventData):
        number = chip(evt).get("arg", "")
        return number, backend.refs(number)

    def do_tasks(agency: str, role: str, since: str, until: str):
        page, xlsx, csv_path = backend.tasks(agency, role, since, until)
        has = xlsx is not None
        return (
            page,
            gr.DownloadButton(value=str(xlsx) if has else None, visible=has),
            gr.DownloadButton(value=str(csv_path) if has else None, visible=has),
        )

    @with_hints(evt=gr.EventData)
    def tasks_chip(role: str, since: str, until: str, evt: gr.EventData):
        agency = chip(evt).get("arg", "")
        return (agency, *do_tasks(agency, role, since, until))

    def do_upload(files, progress=gr.Progress()):  # noqa: B008 - Gradio injects the tracker
        return backend.upload(files, progress=progress)

    @with_hints(evt=gr.EventData)
    def docs_chip(evt: gr.EventData):
        data = chip(evt)
        if data.get("cd") != "delete":
            return gr.update(), gr.update(), ""
        doc_id = data.get("arg", "")
        return gr.update(visible=True), backend.confirm_delete_html(doc_id), doc_id

    def do_delete(doc_id: str):
        return backend.delete(doc_id), gr.update(visible=False), ""

    def cancel_delete():
        return gr.update(visible=False), ""

    # delete_cache: Gradio's copies of uploaded and exported files go after an hour
    with gr.Blocks(title=APP_TITLE, analytics_enabled=False, delete_cache=(1800, 3600)) as demo:
        gr.HTML(
            f"<h1>{esc(APP_TITLE)}</h1><p>Hỏi đáp, tìm kiếm và tra cứu các văn bản chỉ đạo đã nạp; "
            "mọi câu trả lời đều dẫn nguồn tới đúng đoạn văn bản.</p>",
            elem_id="cd-title",
            js_on_load=None,
        )
        status = gr.HTML(elem_id="cd-status-bar", js_on_load=None)
        recent_state = gr.State([])
        pending_delete = gr.State("")
        with gr.Tabs(elem_id="cd-tabs"):
            with gr.Tab("Hỏi đáp", id="hoi-dap", elem_id="tab-hoi-dap") as tab_ask:
                with gr.Row(equal_height=True):
                    question = gr.Textbox(
                        label="Câu hỏi",
                        placeholder="Ví dụ: Sở Y tế được giao nhiệm vụ gì?",
                        scale=6,
                        elem_id="cd-question",
                        max_length=1000,
                    )
                    ask_btn = gr.Button("Hỏi", variant="primary", scale=1, elem_id="cd-ask-btn")
                examples = gr.HTML(elem_id="cd-examples", js_on_load=CHIP_JS)
                recent_html = gr.HTML(elem_id="cd-recent", js_on_load=CHIP_JS)
                answer = gr.HTML(elem_id="cd-answer", js_on_load=None)
            with gr.Tab("Tìm kiếm", id="tim-kiem", elem_id="tab-tim-kiem") as tab_search:
                with gr.Row(equal_height=True):
                    query = gr.Textbox(
                        label="Từ khoá hoặc câu cần tìm (có dấu hoặc không dấu)",
                        placeholder="Ví dụ: phòng chống sạt lở đất",
                        scale=6,
                        elem_id="cd-query",
                        max_length=1000,
                    )
                    search_btn = gr.Button("Tìm", variant="primary", scale=1, elem_id="cd-search-btn")
                with gr.Row():
                    f_type = gr.Dropdown(label="Loại văn bản", choices=[("Tất cả", "")], value="", elem_id="cd-f-type")
                    f_issuer = gr.Dropdown(
                        label="Cơ quan ban hành",
                        choices=[("Tất cả", "")],
                        value="",
                        allow_custom_value=True,
                        elem_id="cd-f-issuer",
                    )
                    f_agency = gr.Dropdown(
                        label="Cơ quan được giao",
                        choices=[("Tất cả", "")],
                        value="",
                        allow_custom_value=True,
                        elem_id="cd-f-agency",
                    )
                    f_since = gr.Textbox(label="Từ ngày", placeholder="ngày/tháng/năm", elem_id="cd-f-since")
                    f_until = gr.Textbox(label="Đến ngày", placeholder="ngày/tháng/năm", elem_id="cd-f-until")
                results = gr.HTML(elem_id="cd-results", js_on_load=None)
            with gr.Tab("Tra cứu số hiệu", id="so-hieu", elem_id="tab-so-hieu") as tab_refs:
                with gr.Row(equal_height=True):
                    number = gr.Textbox(
                        label="Số hiệu văn bản",
                        placeholder="Ví dụ: 570/CĐ-TTg hoặc 570/cd-ttg",
                        scale=6,
                        elem_id="cd-number",
                        max_length=300,
                    )
                    refs_btn = gr.Button("Tra cứu", variant="primary", scale=1, elem_id="cd-refs-btn")
                refs_html = gr.HTML(elem_id="cd-refs", js_on_load=CHIP_JS)
            with gr.Tab("Nhiệm vụ theo cơ quan", id="nhiem-vu", elem_id="tab-nhiem-vu") as tab_tasks:
                with gr.Row():
                    t_agency = gr.Dropdown(
                        label="Cơ quan (chọn, hoặc gõ tên có dấu hay không dấu)",
                        choices=[],
                        value=None,
                        allow_custom_value=True,
                        filterable=True,
                        scale=3,
                        elem_id="cd-t-agency",
                    )
                    t_role = gr.Dropdown(
                        label="Vai trò",
                        choices=[("Tất cả", ""), *[(v, k) for k, v in ROLE_LABELS.items()]],
                        value="",
                        scale=1,
                        elem_id="cd-t-role",
                    )
                    t_since = gr.Textbox(label="Từ ngày", placeholder="ngày/tháng/năm", scale=1, elem_id="cd-t-since")
                    t_until = gr.Textbox(label="Đến ngày", placeholder="ngày/tháng/năm", scale=1, elem_id="cd-t-until")
                with gr.Row():
                    tasks_btn = gr.Button("Xem nhiệm vụ", variant="primary", elem_id="cd-tasks-btn")
                    xlsx_btn = gr.DownloadButton("Tải Excel (.xlsx)", visible=False, elem_id="cd-xlsx")
                    csv_btn = gr.DownloadButton("Tải CSV", visible=False, elem_id="cd-csv")
                tasks_html = gr.HTML(elem_id="cd-tasks", js_on_load=CHIP_JS)
            with gr.Tab("Văn bản", id="van-ban", elem_id="tab-van-ban") as tab_docs:
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
                docs_html = gr.HTML(elem_id="cd-docs", js_on_load=CHIP_JS)
            build_board_tab(backend)  # the sixth tab, "Theo dõi nhiệm vụ" (webui/board.py)

        refresh_outputs = [status, examples, f_type, f_issuer, f_agency, t_agency, docs_html]
        on_refresh = {"outputs": refresh_outputs, "show_progress": "hidden", "api_visibility": "private"}
        demo.load(refresh, **on_refresh)
        for tab in (tab_ask, tab_search, tab_refs, tab_tasks, tab_docs):
            tab.select(refresh, **on_refresh)

        ask_outputs = [answer, recent_state, recent_html]
        ask_btn.click(do_ask, [question, recent_state], ask_outputs, api_visibility="private")
        question.submit(do_ask, [question, recent_state], ask_outputs, api_visibility="private")
        examples.click(ask_from_chip, [recent_state], [question, *ask_outputs], api_visibility="private")
        recent_html.click(ask_from_chip, [recent_state], [question, *ask_outputs], api_visibility="private")

        search_inputs = [query, f_type, f_issuer, f_agency, f_since, f_until]
        search_btn.click(backend.search, search_inputs, results, api_visibility="private")
        query.submit(backend.search, search_inputs, results, api_visibility="private")

        refs_btn.click(backend.refs, number, refs_html, api_visibility="private")
        number.submit(backend.refs, number, refs_html, api_visibility="private")
        refs_html.click(do_refs_chip, None, [number, refs_html], api_visibility="private")

        task_inputs = [t_agency, t_role, t_since, t_until]
        task_outputs = [tasks_html, xlsx_btn, csv_btn]
        tasks_btn.click(do_tasks, task_inputs, task_outputs, api_visibility="private")
        t_agency.select(do_tasks, task_inputs, task_outputs, api_visibility="private")
        tasks_html.click(tasks_chip, [t_role, t_since, t_until], [t_agency, *task_outputs], api_visibility="private")

        upload_btn.upload(do_upload, upload_btn, upload_result, concurrency_limit=1, api_visibility="private").then(
            refresh, **on_refresh
        )
        docs_html.click(docs_chip, None, [confirm_box, confirm_text, pending_delete], api_visibility="private")
        confirm_yes.click(
            do_delete,
            pending_delete,
            [upload_result, confirm_box, pending_delete],
            concurrency_limit=1,
            api_visibility="private",
        ).then(refresh, **on_refresh)
        confirm_no.click(cancel_delete, None, [confirm_box, pending_delete], api_visibility="private")
    return demo
