"""HTML of the "Theo dõi nhiệm vụ" tab: the Quy chế's counts per agency and the task list, each task one click
from its passage, its evidence of follow-up and a button to mark it done or open it again."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from search.board import COUNT_KEYS, COUNT_LABELS, STATUS_LABELS
from search.board_export import RECURRENCE_LABELS, status_text
from search.export import ROLE_LABELS
from webui.render import doc_label, esc, format_date, note, viewer_url

#: Colours of the status badges (text, background), readable on white.
STATUS_COLOURS = {
    "trong_han": ("#1e3a8a", "#dbeafe"),
    "sap_den_han": ("#92400e", "#fef3c7"),
    "qua_han": ("#991b1b", "#fee2e2"),
    "khong_thoi_han": ("#334155", "#e2e8f0"),
    "hoan_thanh": ("#166534", "#dcfce7"),
}


def _badge(item: Mapping[str, Any]) -> str:
    fg, bg = STATUS_COLOURS.get(item["status"], ("#0f172a", "#f1f5f9"))
    return (
        f'<span class="cd-badge cd-badge-{esc(item["status"])}" style="color:{fg};background:{bg};'
        f'padding:.15em .55em;border-radius:999px;font-weight:700;white-space:nowrap">{esc(status_text(item))}</span>'
    )


def _button(action: str, task_id: str, text: str, title: str) -> str:
    return (
        f'<button type="button" class="cd-chip" data-cd="{esc(action)}" data-arg="{esc(task_id)}" '
        f'title="{esc(title)}">{esc(text)}</button>'
    )


def render_counts(rows: Sequence[tuple[str, Mapping[str, int]]], as_of: str) -> str:
    """The counts table: one row per lead agency, the last row the totals."""
    if not rows:
        return ""
    head = "".join(f"<th class='cd-num'>{esc(COUNT_LABELS[k])}</th>" for k in COUNT_KEYS)
    out = [
        f'<div class="cd-count">Tổng hợp theo Quy chế theo dõi, đôn đốc (tính đến ngày {esc(format_date(as_of))}; '
        "mỗi nhiệm vụ tính cho cơ quan chủ trì)</div>",
        f'<table class="cd-table cd-board-counts" id="cd-board-counts"><thead><tr><th>Cơ quan</th>{head}</tr></thead>'
        "<tbody>",
    ]
    for agency, numbers in rows:
        total = agency == rows[-1][0] and numbers is rows[-1][1]
        cells = "".join(f"<td class='cd-num'>{numbers[k]}</td>" for k in COUNT_KEYS)
        style = " style='font-weight:700'" if total else ""
        out.append(f"<tr{style}><td>{esc(agency)}</td>{cells}</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _evidence(item: Mapping[str, Any]) -> str:
    parts = []
    for e in item.get("evidence") or []:
        label = "Báo cáo" if e["kind"] == "report" else "Chỉ đạo tiếp"
        doc = {k: e.get(k) for k in ("type", "number", "date", "title", "source")}
        url = viewer_url(e["doc_id"], e.get("start"), e.get("end"))
        parts.append(
            f'<div class="cd-sub cd-evidence">{label}: <a href="{esc(url)}" target="_blank" rel="noopener">'
            f"{esc(doc_label(doc))} ↗</a></div>"
        )
    thread = item.get("thread") or []
    if len(thread) > 1:
        parts.append(f'<div class="cd-sub">Chuỗi theo dõi: {len(thread)} lần giao</div>')
    return "".join(parts)


def _deadline_cell(item: Mapping[str, Any]) -> str:
    due = format_date(item.get("due")) if item.get("due") else "—"
    extra = []
    if item.get("recurrence"):
        extra.append(f"định kỳ {RECURRENCE_LABELS.get(item['recurrence'], item['recurrence'])}")
    phrase = item.get("deadline_phrase")
    if phrase:
        extra.append(f"“{phrase}”")
    if "impossible_date" in (item.get("deadline_flags") or []):
        extra.append("ngày không có thật, đã lấy ngày cuối tháng")
    sub = f"<div class='cd-sub'>{esc('; '.join(extra))}</div>" if extra else ""
    return f"<span class='cd-nowrap'>{esc(due)}</span>{sub}"


def _done_cell(item: Mapping[str, Any]) -> str:
    done = item.get("done")
    if not done:
        return _button("done", item["task_id"], "Hoàn thành", "Đánh dấu nhiệm vụ này đã hoàn thành")
    who = f" — {done['by']}" if done.get("by") else ""
    bits = [f"Ngày {format_date(done.get('done_on'))}{who}"]
    if done.get("doc_number"):
        bits.append(f"Văn bản: {done['doc_number']}")
    if done.get("note"):
        bits.append(str(done["note"]))
    info = "".join(f"<div class='cd-sub'>{esc(b)}</div>" for b in bits)
    return info + _button("reopen", done.get("task_id") or item["task_id"], "Mở lại", "Bỏ đánh dấu hoàn thành")


def render_board(items: Sequence[Mapping[str, Any]], query: str = "") -> str:
    """The task list: agency and role, assigning document (link to the passage), task, deadline, status."""
    if not items:
        who = f" của <b>{esc(query)}</b>" if query else ""
        return note(f"Không có nhiệm vụ nào{who} với điều kiện đã chọn.")
    out = [
        f'<div class="cd-count">{len(items)} nhiệm vụ, văn bản mới nhất trước</div>',
        '<table class="cd-table cd-tasks cd-board" id="cd-board-table"><thead><tr><th>Cơ quan</th><th>Văn bản giao</th>'
        "<th>Nhiệm vụ</th><th>Thời hạn</th><th>Tình trạng</th><th></th></tr></thead><tbody>",
    ]
    for it in items:
        url = viewer_url(it["doc_id"], it.get("start"), it.get("end"))
        doc = {k: it.get(k) for k in ("type", "number", "date", "title", "source")}
        role = ROLE_LABELS.get(it.get("role"), it.get("role"))
        if it.get("role") == "phối hợp":
            others = ", ".join(a for a in it.get("lead") or [] if a != it["agency"])
            with_ = f" · chủ trì: {others}" if others else ""
        else:
            others = ", ".join(a for a in it.get("cooperators") or [] if a != it["agency"])
            with_ = f" · phối hợp: {others}" if others else ""
        sub = f"<div class='cd-sub'>{esc(role + with_)}</div>"
        out.append(
            f'<tr data-task="{esc(it["task_id"])}"><td>{esc(it["agency"])}{sub}</td>'
            f'<td><a href="{esc(url)}" target="_blank" rel="noopener" class="cd-task-link">{esc(doc_label(doc))} ↗</a>'
            f"<div class='cd-sub'>{esc(it.get('issuer') or '')}</div></td>"
            f"<td>{esc(it['task'])}{_evidence(it)}</td>"
            f"<td>{_deadline_cell(it)}</td><td>{_badge(it)}</td><td>{_done_cell(it)}</td></tr>"
        )
    out.append("</tbody></table>")
    return "".join(out)


def status_choices() -> list[tuple[str, str]]:
    return [("Tất cả", ""), *[(label, key) for key, label in STATUS_LABELS.items()]]
