"""The follow-up board as files: an Excel tracker (openpyxl) and an iCalendar file of deadlines (icalendar).

The workbook has the columns a Văn phòng's tracker uses (STT, cơ quan chủ trì, cơ quan phối hợp, nội dung
nhiệm vụ, văn bản giao, ngày giao, thời hạn, tình trạng, ghi chú) on a sheet "Theo dõi nhiệm vụ", and the
Quy chế's counts per agency on a sheet "Tổng hợp". Dates are real Excel dates; text that a spreadsheet
would read as a formula stays text.

The .ics file (RFC 5545, built with the ``icalendar`` package rather than by hand: escaping, line folding
and recurrence rules are its job) holds one all-day event per task with a due date, with a reminder the
day before; recurring tasks carry an RRULE (FREQ=MONTHLY;BYMONTHDAY=15 …) so a phone calendar repeats
them. Event UIDs are the stable task ids, so importing a newer file updates the events instead of
duplicating them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from search.board import COUNT_KEYS, COUNT_LABELS, STATUS_LABELS
from search.export import DATE_FORMAT, parse_iso_date

BOARD_COLUMNS: tuple[tuple[str, int], ...] = (
    ("STT", 6),
    ("Cơ quan chủ trì", 28),
    ("Cơ quan phối hợp", 28),
    ("Nội dung nhiệm vụ", 80),
    ("Văn bản giao", 22),
    ("Ngày giao", 13),
    ("Thời hạn", 16),
    ("Tình trạng", 22),
    ("Ghi chú", 50),
)
RECURRENCE_LABELS = {
    "daily": "hằng ngày",
    "weekly": "hằng tuần",
    "monthly": "hằng tháng",
    "quarterly": "hằng quý",
    "half-yearly": "6 tháng một lần",
    "yearly": "hằng năm",
}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def status_text(item: Mapping[str, Any]) -> str:
    """ "Hoàn thành đúng hạn", "Quá hạn" … as a clerk reads it."""
    label = STATUS_LABELS.get(item["status"], item["status"])
    done = item.get("done")
    if item["status"] == "hoan_thanh" and done:
        label += " đúng hạn" if done.get("on_time") else " quá hạn"
    return label


def note_text(item: Mapping[str, Any]) -> str:
    """The "Ghi chú" column: recurrence, the completion mark, the evidence of follow-up."""
    parts = []
    if item.get("recurrence"):
        parts.append(f"Định kỳ {RECURRENCE_LABELS.get(item['recurrence'], item['recurrence'])}")
    if item.get("deadline_phrase"):
        parts.append(f"Thời hạn ghi trong văn bản: {item['deadline_phrase']}")
    done = item.get("done")
    if done:
        who = f" bởi {done['by']}" if done.get("by") else ""
        parts.append(f"Đánh dấu hoàn thành ngày {_vn_date(done.get('done_on'))}{who}")
        if done.get("doc_number"):
            parts.append(f"Văn bản báo cáo: {done['doc_number']}")
        if done.get("note"):
            parts.append(str(done["note"]))
    for e in item.get("evidence") or []:
        what = "Báo cáo của cơ quan" if e["kind"] == "report" else "Chỉ đạo tiếp tại"
        parts.append(f"{what}: {e.get('number') or e.get('source')} ({_vn_date(e.get('date'))})")
    return "; ".join(parts)


def _vn_date(iso: str | None) -> str:
    d = parse_iso_date(iso)
    return d.strftime("%d/%m/%Y") if d else (iso or "?")


def tracker_items(items: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """One row per task: a cooperating agency's row is left out when its lead agency's row is there (the
    lead's row names it in "Cơ quan phối hợp")."""
    led = {(it["doc_id"], it["start"], it["end"]) for it in items if it["role"] != "phối hợp"}
    return [it for it in items if it["role"] != "phối hợp" or (it["doc_id"], it["start"], it["end"]) not in led]


def board_rows(items: Sequence[Mapping[str, Any]]) -> list[list[Any]]:
    rows = []
    for n, it in enumerate(tracker_items(items), start=1):
        due = parse_iso_date(it.get("due"))
        rows.append(
            [
                n,
                ", ".join(it.get("lead") or [it["agency"]]),
                ", ".join(it.get("cooperators") or []),
                it["task"],
                it.get("number") or it.get("title") or it.get("source") or "",
                parse_iso_date(it.get("date")) or "",
                due or (it.get("deadline_phrase") or it.get("deadline") or "Không có thời hạn"),
                status_text(it),
                note_text(it),
            ]
        )
    return rows


def write_board_xlsx(
    items: Sequence[Mapping[str, Any]],
    path: Path | str,
    *,
    summary: Sequence[tuple[str, Mapping[str, int]]] = (),
    as_of: dt.date | None = None,
) -> Path:
    """The tracker workbook; ``summary`` is ``counts_by_agency(...)``."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    path = Path(path)
    wb = Workbook()
    ws = wb.active
    ws.title = "Theo dõi nhiệm vụ"
    head_font, head_fill = Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor="1F4E79")
    ws.append([h for h, _ in BOARD_COLUMNS])
    for cell in ws[1]:
        cell.font, cell.fill = head_font, head_fill
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    wrap, top = Alignment(vertical="top", wrap_text=True), Alignment(vertical="top")
    rows = board_rows(items)
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row, start=1):
            cell = ws.cell(row=r, column=c, value=value)
            if isinstance(value, str) and value.startswith(_FORMULA_START):
                cell.data_type = "s"
            if isinstance(value, dt.date):
                cell.number_format = DATE_FORMAT
            cell.alignment = wrap if BOARD_COLUMNS[c - 1][1] >= 28 else top
    for c, (_, width) in enumerate(BOARD_COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.freeze_panes = "A2"
    if rows:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(BOARD_COLUMNS))}{len(rows) + 1}"
    if summary:
        sheet = wb.create_sheet("Tổng hợp")
        if as_of:
            sheet.append([f"Số liệu tính đến ngày {as_of.strftime('%d/%m/%Y')}"])
        sheet.append(["Cơ quan", *(COUNT_LABELS[k] for k in COUNT_KEYS)])
        for cell in sheet[sheet.max_row]:
            cell.font, cell.fill = head_font, head_fill
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        for agency, numbers in summary:
            sheet.append([agency, *(numbers[k] for k in COUNT_KEYS)])
        sheet.column_dimensions["A"].width = 36
        for c in range(2, len(COUNT_KEYS) + 2):
            sheet.column_dimensions[get_column_letter(c)].width = 16
    wb.save(path)
    return path


def _rrule(item: Mapping[str, Any], due: dt.date) -> dict[str, Any] | None:
    rec = item.get("recurrence")
    day = -1 if (due + dt.timedelta(days=1)).day == 1 else due.day  # a month's last day stays the last
    if rec == "weekly":
        return {"FREQ": "WEEKLY"}
    if rec == "monthly":
        return {"FREQ": "MONTHLY", "BYMONTHDAY": day}
    if rec == "quarterly":
        return {"FREQ": "MONTHLY", "INTERVAL": 3, "BYMONTHDAY": day}
    if rec == "half-yearly":
        return {"FREQ": "MONTHLY", "INTERVAL": 6, "BYMONTHDAY": day}
    if rec == "yearly":
        return {"FREQ": "YEARLY"}
    return None


def board_ics(items: Sequence[Mapping[str, Any]], *, name: str = "Theo dõi nhiệm vụ") -> bytes:
    """An iCalendar file: one all-day event per task with a due date (done tasks are left out)."""
    from icalendar import Alarm, Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//chidao//Theo doi nhiem vu//VI")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    stamp = dt.datetime.now(dt.UTC).replace(microsecond=0)
    for it in items:
        due = parse_iso_date(it.get("due"))
        if due is None or it.get("status") == "hoan_thanh":
            continue
        ev = Event()
        ev.add("uid", f"{it['task_id']}@chidao")
        ev.add("dtstamp", stamp)
        ev.add("dtstart", due)
        ev.add("dtend", due + dt.timedelta(days=1))
        ev.add("summary", f"Hạn: {it['agency']} — {short(it['task'])}")
        where = " ".join(x for x in (it.get("type"), it.get("number")) if x) or it.get("source", "")
        ev.add("description", f"{it['task']}\n\nVăn bản giao: {where} ({_vn_date(it.get('date'))})")
        ev.add("categories", [STATUS_LABELS.get(it.get("status", ""), "")])
        rule = _rrule(it, due)
        if rule:
            ev.add("rrule", rule)
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"Sắp đến hạn: {short(it['task'])}")
        alarm.add("trigger", dt.timedelta(days=-1))
        ev.add_component(alarm)
        cal.add_component(ev)
    return cal.to_ical()


def short(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"
