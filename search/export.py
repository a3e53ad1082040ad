"""An agency's assignments as a spreadsheet: Excel (.xlsx, openpyxl) and CSV (UTF-8 with BOM).

Package-private helper of the web UI (``app.py``); the rows come from ``Searcher.tasks()``.
Both files carry the same columns, in the order a clerk reads them; dates are real Excel dates
in the workbook and ``dd/mm/yyyy`` in the CSV. Cells that a spreadsheet would read as a formula
(``=``, ``+``, ``-``, ``@`` first) stay text in both files.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

#: (key in a task row, column header, Excel column width in characters)
TASK_COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("stt", "STT", 6),
    ("date", "Ngày văn bản", 14),
    ("number", "Số hiệu", 18),
    ("type", "Loại văn bản", 14),
    ("agency", "Cơ quan", 28),
    ("role", "Vai trò", 11),
    ("task", "Nhiệm vụ", 80),
    ("co_assignees", "Giao chung với", 32),
    ("deadline", "Thời hạn", 22),
    ("section", "Mục", 40),
    ("title", "Trích yếu văn bản", 50),
    ("source", "Tệp nguồn", 40),
)
HEADERS: tuple[str, ...] = tuple(h for _, h, _ in TASK_COLUMNS)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "DD/MM/YYYY"
#: How a role reads in the spreadsheet.
ROLE_LABELS = {"chủ trì": "Chủ trì", "phối hợp": "Phối hợp", "giao": "Được giao"}


def parse_iso_date(value: str | None) -> dt.date | None:
    """``"2021-05-04"`` → ``date(2021, 5, 4)``; anything else → None."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def task_rows(assignments: Iterable[Mapping[str, Any]]) -> list[list[Any]]:
    """One list per assignment in ``TASK_COLUMNS`` order; the date as a ``datetime.date`` (or the
    text as stored when it is not an ISO date), the role as a label ("Được giao"), missing values
    as empty strings."""
    rows: list[list[Any]] = []
    for i, a in enumerate(assignments, start=1):
        row: list[Any] = []
        for key, _, _ in TASK_COLUMNS:
            if key == "stt":
                row.append(i)
            elif key == "date":
                row.append(parse_iso_date(a.get("date")) or (a.get("date") or ""))
            elif key == "role":
                row.append(ROLE_LABELS.get(a.get("role") or "", a.get("role") or ""))
            elif key == "co_assignees":
                row.append("; ".join(a.get("co_assignees") or ()))
            else:
                value = a.get(key)
                row.append("" if value is None else str(value))
        rows.append(row)
    return rows


def _csv_cell(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    text = str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text  # shown as text, never evaluated
    return text


def write_tasks_csv(assignments: Iterable[Mapping[str, Any]], path: Path | str) -> Path:
    """CSV with a header row, UTF-8 with BOM (so Excel shows Vietnamese), CRLF line ends."""
    path = Path(path)
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f, lineterminator="\r\n")
        writer.writerow(HEADERS)
        for row in task_rows(assignments):
            writer.writerow([_csv_cell(v) for v in row])
    return path


def write_tasks_xlsx(
    assignments: Iterable[Mapping[str, Any]],
    path: Path | str,
    *,
    info: Sequence[tuple[str, str]] = (),
) -> Path:
    """A workbook: sheet "Nhiệm vụ" (bold frozen header row, column widths, filter, real dates,
    wrapped long texts) and, when ``info`` is given, a sheet "Thông tin" of (label, value) rows."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    path = Path(path)
    wb = Workbook()
    ws = wb.active
    ws.title = "Nhiệm vụ"
    ws.append(list(HEADERS))
    header_font = Font(bold=True, color="FFFFFF")
    header_fill = PatternFill("solid", fgColor="1F4E79")
    for cell in ws[1]:
        cell.font = header_font
        cell.fill = header_fill
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    wrap = Alignment(vertical="top", wrap_text=True)
    top = Alignment(vertical="top")
    rows = task_rows(assignments)
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row, start=1):
            cell = ws.cell(row=r, column=c, value=value)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # text, not a formula
            if isinstance(value, dt.date):
                cell.number_format = DATE_FORMAT
            cell.alignment = wrap if TASK_COLUMNS[c - 1][2] >= 40 else top
    for c, (_, _, width) in enumerate(TASK_COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.freeze_panes = "A2"
    if rows:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(TASK_COLUMNS))}{len(rows) + 1}"
    if info:
        meta = wb.create_sheet("Thông tin")
        for label, value in info:
            meta.append([label, value])
            if isinstance(value, str) and value.startswith("="):
                meta.cell(row=meta.max_row, column=2).data_type = "s"
        meta.column_dimensions["A"].width = 22
        meta.column_dimensions["B"].width = 60
        for cell in meta["A"]:
            cell.font = Font(bold=True)
    wb.save(path)
    return path
