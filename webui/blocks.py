"""The page: its tabs (one builder each in ``webui/tabs/``, listed in ``TAB_BUILDERS``) put together
with the status bar, the refresh that keeps them in step with the index, and the links between
tabs; its CSS, theme and the script that puts Gradio's own texts in Vietnamese and sends an
expired session back to the login page. Gradio is imported inside the functions, never at import."""

from __future__ import annotations

import json

from webui import APP_TITLE, with_hints
from webui.auth import LOGIN_PATH
from webui.backend import Backend
from webui.board import build_board_tab
from webui.render import esc
from webui.tabs import FAST, PageState, TabView, chip, hoidap, nhiemvu, sohieu, timkiem, vanban

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
.cd-chip { white-space: normal; max-width: 100%; text-align: left; overflow-wrap: anywhere; }
.cd-chip:hover, .cd-chip:focus { background: #1e3a8a; color: #fff; }
.cd-list { padding-left: 1.2em; }
.cd-list li { margin: .35em 0; }
.cd-context { color: #334155; }
.cd-badge { padding: .1em .6em; border-radius: 999px; font-weight: 700; font-size: .9rem; }
.cd-badge-added, .cd-badge-replaced { background: #dcfce7; color: #14532d; }
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
.cd-more { margin: .6em 0; }
.cd-pager { display: flex; flex-wrap: wrap; gap: .35em; align-items: center; margin: .8em 0; }
.cd-page-now { font-weight: 700; padding: .25em .8em; border-radius: 999px; background: #1e3a8a; color: #fff; }
.cd-gap { color: #475569; }
.cd-also { margin-top: .6em; }
.cd-scroll { overflow-x: auto; max-width: 100%; }
footer { display: none !important; }
/* Gradio measures the tab buttons in a hidden row as wide as all of them: let it wrap, so a narrow
   screen is not widened to fit it (Gradio then moves the tabs that do not fit into its "⋯" menu). */
#cd-tabs .tab-container { flex-wrap: wrap !important; height: auto !important; }
/* A phone (390 px): the question box and its button on one line, nothing wider than the screen. */
@media (max-width: 640px) {
  .gradio-container { padding-left: 6px !important; padding-right: 6px !important; }
  .cd-ask-row { flex-wrap: nowrap !important; }
  .cd-ask-row > * { min-width: 0 !important; }
  #cd-ask-btn { flex: 0 0 auto !important; min-width: 64px !important; }
  #cd-title h1 { font-size: 1.3rem; }
  .cd-table { font-size: .85rem; }
  .cd-tasks td:nth-child(n) { min-width: 0; }
  .cd-graph { font-size: 12px; }
}
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
    + ";\nconst LOGIN = "
    + json.dumps(LOGIN_PATH)
    + """;
const R = [
  [/^(\\s*)processing(?= \\|)/, '$1đang xử lý'],
  [/^(\\s*)queue: /, '$1hàng đợi: '],
  [/File\\(s\\) exceed the maximum allowed size of (.+?): (.*)$/, 'Tệp vượt quá dung lượng cho phép ($1): $2'],
  [/Invalid file types?: (.*)\\. Only (.*) allowed\\.$/, 'Loại tệp không được nhận: $1. Chỉ nhận: $2.'],
];
const MINE = '.cd-answer, .cd-hits, .cd-refs, .cd-table, .cd-note, .cd-chips, .cd-count, .cd-pager, #cd-title';
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
// An expired or ended session: the server answers 401 to Gradio's calls; go back to the login page
// instead of leaving "Lỗi" badges over the last answer.
const plainFetch = window.fetch.bind(window);
let leaving = false;
window.fetch = async (...args) => {
  const response = await plainFetch(...args);
  if (response.status === 401 && !leaving) {
    leaving = true;
    window.location.assign(LOGIN + '?next=' + encodeURIComponent(window.location.pathname));
  }
  return response;
};
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


#: The tabs in page order, one builder each (webui/tabs/); a new tab is one more entry.
TAB_BUILDERS = (hoidap.build, timkiem.build, sohieu.build, nhiemvu.build, vanban.build)


def build_blocks(backend: Backend):
    """The Gradio Blocks: title, status bar and the tabs of ``TAB_BUILDERS``, wired to ``backend``."""
    import gradio as gr

    # delete_cache: Gradio's copies of uploaded and exported files go after an hour
    with gr.Blocks(title=APP_TITLE, analytics_enabled=False, delete_cache=(1800, 3600)) as demo:
        gr.HTML(
            f"<h1>{esc(APP_TITLE)}</h1><p>Hỏi đáp, tìm kiếm và tra cứu các văn bản chỉ đạo đã nạp; "
            "mọi câu trả lời đều dẫn nguồn tới đúng đoạn văn bản.</p>",
            elem_id="cd-title",
            js_on_load=None,
        )
        status = gr.HTML(elem_id="cd-status-bar", js_on_load=None)
        with gr.Tabs(elem_id="cd-tabs") as tabs:
            views = [build(backend) for build in TAB_BUILDERS]
            build_board_tab(backend)  # the sixth tab, "Theo dõi nhiệm vụ" (webui/board.py)
        _wire_refresh(demo, backend, status, views)
        _link_answers_to_tasks(tabs, {v.name: v for v in views})
    return demo


def _wire_refresh(demo, backend: Backend, status, views: list[TabView]) -> None:
    """Refresh the status bar and every tab's refreshed components on load, on a tab switch and
    after a change to the index; each tab's own loaders on load."""
    import gradio as gr

    @with_hints(request=gr.Request)
    def refresh(request: gr.Request):
        with backend.searcher.pinned():  # one generation for the whole page
            docs = backend.documents()
            state = PageState(
                user=getattr(request, "username", None) if request is not None else None,
                docs=docs,
                choices=backend.filter_choices(docs),
                examples=backend.example_questions(docs),
                agencies=backend.searcher.agencies(),
            )
        values = [backend.status_html(state.user, docs)]
        for view in views:
            values.extend(view.refresh(state))
        return values

    outputs = [status, *[o for view in views for o in view.refresh_outputs]]
    on_refresh = {"outputs": outputs, "show_progress": "hidden", **FAST}
    demo.load(refresh, **on_refresh)
    for view in views:
        view.tab.select(refresh, **on_refresh)
        for event in view.changes_index:
            event.then(refresh, **on_refresh)
        for fn, inputs, outs in view.loads:
            demo.load(fn, inputs, outs, show_progress="hidden", **FAST)


def _link_answers_to_tasks(tabs, views: dict[str, TabView]) -> None:
    """ "Xem cả N nhiệm vụ của X" under an answer opens the agency tab with X's tasks."""
    import gradio as gr

    ask, tasks = views.get("hoi-dap"), views.get("nhiem-vu")
    if ask is None or tasks is None:
        return
    show, show_inputs, outputs = tasks.parts["show"], tasks.parts["show_inputs"], tasks.parts["outputs"]

    @with_hints(evt=gr.EventData)
    def open_tasks(role: str, since: str, until: str, evt: gr.EventData):
        data = chip(evt)
        if data.get("cd") != "tasks":
            return gr.update(), gr.update(), *[gr.update() for _ in outputs]
        agency = data.get("arg", "")
        return gr.Tabs(selected="nhiem-vu"), agency, *show(agency, role, since, until)

    ask.parts["answer"].click(open_tasks, show_inputs, [tabs, tasks.parts["agency"], *outputs], **FAST)
