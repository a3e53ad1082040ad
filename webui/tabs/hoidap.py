"""Tab "Hỏi đáp": a question, its cited answer, example and recent questions."""

from __future__ import annotations

from webui import with_hints
from webui.backend import Backend
from webui.render import render_chips
from webui.tabs import CHIP_JS, PRIVATE, PageState, TabView, chip

#: Questions asked at once: agency and number questions must never wait in Gradio's queue behind
#: topic answers; the encoder gate (webui.lanes) decides who computes first.
ASK_CONCURRENCY = 16


def remember(recent: list[str], question: str) -> list[str]:
    """The ten most recent questions, newest first, each once."""
    question = question.strip()
    if not question:
        return recent
    return ([question] + [q for q in recent if q != question])[:10]


def build(backend: Backend) -> TabView:
    import gradio as gr

    def do_ask(question: str, recent: list[str]):
        recent = remember(recent or [], question or "")
        return backend.ask(question), recent, render_chips("Đã hỏi gần đây:", recent)

    @with_hints(evt=gr.EventData)
    def ask_from_chip(recent: list[str], evt: gr.EventData):
        question = chip(evt).get("arg", "")
        page, recent, chips = do_ask(question, recent)
        return question, page, recent, chips

    with gr.Tab("Hỏi đáp", id="hoi-dap", elem_id="tab-hoi-dap") as tab:
        recent_state = gr.State([])
        with gr.Row(equal_height=True, elem_classes="cd-ask-row"):
            question = gr.Textbox(
                label="Câu hỏi",
                placeholder="Ví dụ: Sở Y tế được giao nhiệm vụ gì?",
                scale=6,
                min_width=180,
                elem_id="cd-question",
                max_length=1000,
            )
            ask_btn = gr.Button("Hỏi", variant="primary", scale=1, min_width=72, elem_id="cd-ask-btn")
        examples = gr.HTML(elem_id="cd-examples", js_on_load=CHIP_JS)
        recent_html = gr.HTML(elem_id="cd-recent", js_on_load=CHIP_JS)
        answer = gr.HTML(elem_id="cd-answer", js_on_load=CHIP_JS)

    ask_outputs = [answer, recent_state, recent_html]
    limit = {"concurrency_limit": ASK_CONCURRENCY, "concurrency_id": "ask", **PRIVATE}
    ask_btn.click(do_ask, [question, recent_state], ask_outputs, **limit)
    question.submit(do_ask, [question, recent_state], ask_outputs, **limit)
    examples.click(ask_from_chip, [recent_state], [question, *ask_outputs], **limit)
    recent_html.click(ask_from_chip, [recent_state], [question, *ask_outputs], **limit)

    def refresh(state: PageState) -> list:
        return [render_chips("Câu hỏi mẫu:", state.examples)]

    return TabView(
        name="hoi-dap",
        tab=tab,
        refresh_outputs=[examples],
        refresh=refresh,
        parts={"question": question, "answer": answer},
    )
