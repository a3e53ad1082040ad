"""Tab "Nhiệm vụ theo cơ quan": an agency's tasks (with the issuing body of each document),
exported to Excel/CSV. The agency is typed with or without accents; matching agencies are offered
as buttons, compared accent-folded on the server (Gradio's own dropdown filter is accent-sensitive)."""

from __future__ import annotations

from search.export import ROLE_LABELS
from webui import with_hints
from webui.backend import Backend
from webui.tabs import CHIP_JS, FAST, TabView, chip


def build(backend: Backend) -> TabView:
    import gradio as gr

    def show(agency: str, role: str, since: str, until: str):
        page, xlsx, csv_path = backend.tasks(agency, role, since, until)
        has = xlsx is not None
        return (
            page,
            gr.DownloadButton(value=str(xlsx) if has else None, visible=has),
            gr.DownloadButton(value=str(csv_path) if has else None, visible=has),
        )

    @with_hints(evt=gr.EventData)
    def show_chip(role: str, since: str, until: str, evt: gr.EventData):
        agency = chip(evt).get("arg", "")
        return (agency, *show(agency, role, since, until))

    with gr.Tab("Nhiệm vụ theo cơ quan", id="nhiem-vu", elem_id="tab-nhiem-vu") as tab:
        with gr.Row():
            agency = gr.Textbox(
                label="Cơ quan (gõ tên có dấu hay không dấu, ví dụ: so y te)",
                placeholder="Ví dụ: Sở Y tế",
                scale=3,
                min_width=200,
                max_lines=1,
                elem_id="cd-t-agency",
                max_length=200,
            )
            role = gr.Dropdown(
                label="Vai trò",
                choices=[("Tất cả", ""), *[(v, k) for k, v in ROLE_LABELS.items()]],
                value="",
                scale=1,
                min_width=120,
                elem_id="cd-t-role",
            )
            dates = {"placeholder": "ngày/tháng/năm", "scale": 1, "min_width": 120}
            since = gr.Textbox(label="Từ ngày", elem_id="cd-t-since", **dates)
            until = gr.Textbox(label="Đến ngày", elem_id="cd-t-until", **dates)
        suggestions = gr.HTML(elem_id="cd-t-suggest", js_on_load=CHIP_JS)
        with gr.Row():
            tasks_btn = gr.Button("Xem nhiệm vụ", variant="primary", elem_id="cd-tasks-btn")
            xlsx_btn = gr.DownloadButton("Tải Excel (.xlsx)", visible=False, elem_id="cd-xlsx")
            csv_btn = gr.DownloadButton("Tải CSV", visible=False, elem_id="cd-csv")
        tasks_html = gr.HTML(elem_id="cd-tasks", js_on_load=CHIP_JS)

    inputs = [agency, role, since, until]
    outputs = [tasks_html, xlsx_btn, csv_btn]
    tasks_btn.click(show, inputs, outputs, **FAST)
    agency.submit(show, inputs, outputs, **FAST)
    agency.input(backend.agency_suggestions, agency, suggestions, trigger_mode="always_last", **FAST)
    tab.select(backend.agency_suggestions, agency, suggestions, **FAST)
    chips = [role, since, until]
    suggestions.click(show_chip, chips, [agency, *outputs], **FAST)
    tasks_html.click(show_chip, chips, [agency, *outputs], **FAST)
    return TabView(
        name="nhiem-vu",
        tab=tab,
        loads=[(backend.agency_suggestions, agency, suggestions)],
        parts={"agency": agency, "show": show, "show_inputs": chips, "outputs": outputs, "suggestions": suggestions},
    )
