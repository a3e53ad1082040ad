"""Tab "Tra cứu số hiệu": a document number, who cites it and what it cites."""

from __future__ import annotations

from webui import with_hints
from webui.backend import Backend
from webui.tabs import CHIP_JS, FAST, TabView, chip


def build(backend: Backend) -> TabView:
    import gradio as gr

    @with_hints(evt=gr.EventData)
    def lookup_chip(evt: gr.EventData):
        number = chip(evt).get("arg", "")
        return number, backend.refs(number)

    with gr.Tab("Tra cứu số hiệu", id="so-hieu", elem_id="tab-so-hieu") as tab:
        with gr.Row(equal_height=True):
            number = gr.Textbox(
                label="Số hiệu văn bản",
                placeholder="Ví dụ: 570/CĐ-TTg hoặc 570/cd-ttg",
                scale=6,
                min_width=180,
                elem_id="cd-number",
                max_length=300,
            )
            refs_btn = gr.Button("Tra cứu", variant="primary", scale=1, min_width=72, elem_id="cd-refs-btn")
        refs_html = gr.HTML(elem_id="cd-refs", js_on_load=CHIP_JS)

    refs_btn.click(backend.refs, number, refs_html, **FAST)
    number.submit(backend.refs, number, refs_html, **FAST)
    refs_html.click(lookup_chip, None, [number, refs_html], **FAST)
    return TabView(name="so-hieu", tab=tab)
