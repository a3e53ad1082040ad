"""Tab "Tìm kiếm": filtered search, results grouped by document, page by page."""

from __future__ import annotations

from webui import with_hints
from webui.backend import Backend
from webui.tabs import CHIP_JS, PRIVATE, PageState, TabView, chip, page_number


def build(backend: Backend) -> TabView:
    import gradio as gr

    def first_page(query, type_, issuer, agency, since, until):
        return backend.search(query, type_, issuer, agency, since, until, 1)

    @with_hints(evt=gr.EventData)
    def other_page(query, type_, issuer, agency, since, until, evt: gr.EventData):
        data = chip(evt)
        if data.get("cd") != "page":
            return gr.update()
        return backend.search(query, type_, issuer, agency, since, until, page_number(data.get("arg")))

    with gr.Tab("Tìm kiếm", id="tim-kiem", elem_id="tab-tim-kiem") as tab:
        with gr.Row(equal_height=True):
            query = gr.Textbox(
                label="Từ khoá hoặc câu cần tìm (có dấu hoặc không dấu)",
                placeholder="Ví dụ: phòng chống sạt lở đất",
                scale=6,
                min_width=180,
                elem_id="cd-query",
                max_length=1000,
            )
            search_btn = gr.Button("Tìm", variant="primary", scale=1, min_width=72, elem_id="cd-search-btn")
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
        results = gr.HTML(elem_id="cd-results", js_on_load=CHIP_JS)

    inputs = [query, f_type, f_issuer, f_agency, f_since, f_until]
    limit = {"concurrency_limit": 8, "concurrency_id": "search", **PRIVATE}
    search_btn.click(first_page, inputs, results, **limit)
    query.submit(first_page, inputs, results, **limit)
    results.click(other_page, inputs, results, **limit)

    def refresh(state: PageState) -> list:
        return [
            gr.Dropdown(choices=state.choices["type"]),
            gr.Dropdown(choices=state.choices["issuer"]),
            gr.Dropdown(choices=state.choices["agency"]),
        ]

    return TabView(name="tim-kiem", tab=tab, refresh_outputs=[f_type, f_issuer, f_agency], refresh=refresh)
