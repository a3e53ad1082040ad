"""Tables of tasks: "| TT | Nội dung | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian |".

A table copied from a web page or a plan reaches the extractor flattened: the normaliser turns each
cell into a line of its own, and empty cells vanish, so columns are not read by position. A header
run (a cell naming the task column and one naming the agencies' column) starts the table; each row
then starts with its number ("1", "2.3", "IV"); inside a row the task is the longest cell that is
not an agency name, the cells made only of agency names are the lead (the first) and the
co-operators (the next, when the header has a "phối hợp" column), a cell with a date or a quarter
is the deadline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from chidao.lang.agencies import AgencyCanon, Leading, is_generic
from chidao.lang.text import collapse_spaces, fold
from chidao.records import Assignment, Block, Role

_TASK_HEAD_RE = re.compile(r"^(?:noi dung|nhiem vu|cong viec|ten nhiem vu|hoat dong|giai phap)\b")
_LEAD_HEAD_RE = re.compile(
    r"^(?:(?:co quan|don vi)\s+(?:chu tri|thuc hien(?: chinh)?|chiu trach nhiem)|chu tri|don vi thuc hien)\b"
)
_COOP_HEAD_RE = re.compile(r"^(?:(?:co quan|don vi)\s+)?phoi hop\b")
_ROW_LABEL_RE = re.compile(r"^(?:\d+(?:\.\d+)*|[IVXLC]+)[.)]?$")
_TIME_RE = re.compile(r"(?:\d{1,2}/\d{4}|\d{1,2}/\d{1,2}/\d{2,4}|quý|tháng|năm \d{4}|hằng|hàng|thường xuyên)", re.I)
_OTHER_HEAD_RE = re.compile(r"^(?:thoi gian|thoi han|tien do|ghi chu|san pham|ket qua|du kien|kinh phi)\b")
_MAX_TASK_CELL = 400
_MAX_TIME_CELL = 40  # "Quý II/2018", "Trước ngày 30/6/2018", "Hằng năm"
_MIN_TASK_CHARS = 12
_MAX_HEADER_CELLS = 8


@dataclass
class _Cell:
    start: int
    end: int
    text: str


def table_assignments(text: str, blocks: list[Block], canon: AgencyCanon) -> list[Assignment]:
    """The assignments of every flattened task table in ``text``."""
    cells = [_cell(text, b) for b in blocks if b.kind != "heading" or not b.label]
    out: list[Assignment] = []
    k = 0
    while k < len(cells):
        header = _header_at(cells, k)
        if header is None:
            k += 1
            continue
        has_coop, k, numbered = header
        rows, k = _rows_from(cells, k) if numbered else _unnumbered_rows(cells, k, canon)
        for row in rows:
            out.extend(_row_assignments(row, has_coop, canon))
    return out


def _cell(text: str, b: Block) -> _Cell:
    return _Cell(b.start, b.end, text[b.start : b.end])


def _header_at(cells: list[_Cell], k: int) -> tuple[bool, int, bool] | None:
    """(has a co-operators' column, index after the header, rows are numbered) when a header run starts at ``k``."""
    window = cells[k : k + _MAX_HEADER_CELLS]
    keys = [fold(collapse_spaces(c.text)).strip(" *:") for c in window]
    if not keys or not (_TASK_HEAD_RE.match(keys[0]) or keys[0] in ("tt", "stt")):
        return None
    task = next((i for i, key in enumerate(keys) if _TASK_HEAD_RE.match(key)), None)
    lead = next((i for i, key in enumerate(keys) if _LEAD_HEAD_RE.match(key)), None)
    if task is None or lead is None:
        return None
    end = next((i for i, c in enumerate(window) if _ROW_LABEL_RE.match(c.text.strip())), None)
    numbered = end is not None
    if end is None:
        # a table without a number column: the header is the run of column names
        end = next((i for i, key in enumerate(keys) if not _is_column_name(key)), len(keys))
    if end <= max(task, lead):
        return None
    has_coop = any(_COOP_HEAD_RE.match(key) for key in keys[:end])
    return has_coop, k + end, numbered


def _is_column_name(key: str) -> bool:
    return (
        bool(
            _TASK_HEAD_RE.match(key)
            or _LEAD_HEAD_RE.match(key)
            or _COOP_HEAD_RE.match(key)
            or _OTHER_HEAD_RE.match(key)
        )
        and len(key) <= 40
    )


def _unnumbered_rows(cells: list[_Cell], k: int, canon: AgencyCanon) -> tuple[list[list[_Cell]], int]:
    """Rows of a table without a number column: each opens with its task (a cell that is neither agencies nor a
    date), its agencies and date after it; the table ends at a row without agencies."""
    rows: list[list[_Cell]] = []
    while k < len(cells):
        first = cells[k]
        text = first.text.strip()
        if len(text) < _MIN_TASK_CHARS or len(text) > _MAX_TASK_CELL or _agencies_of(first, canon) is not None:
            break
        row = [first]
        j = k + 1
        while j < len(cells) and len(row) < _MAX_HEADER_CELLS:
            c = cells[j]
            short_time = _TIME_RE.search(c.text) is not None and len(c.text.strip()) <= _MAX_TIME_CELL
            if _agencies_of(c, canon) is None and not short_time and len(c.text.strip()) >= 4:
                break
            row.append(c)
            j += 1
        if not any(_agencies_of(c, canon) is not None for c in row[1:]):
            break
        rows.append(row)
        k = j
    return rows, k


def _rows_from(cells: list[_Cell], k: int) -> tuple[list[list[_Cell]], int]:
    """Rows of cells, each opened by its number, up to the first cell that is neither."""
    rows: list[list[_Cell]] = []
    while k < len(cells) and _ROW_LABEL_RE.match(cells[k].text.strip()):
        k += 1
        row: list[_Cell] = []
        while k < len(cells) and not _ROW_LABEL_RE.match(cells[k].text.strip()) and len(row) < _MAX_HEADER_CELLS:
            row.append(cells[k])
            k += 1
        rows.append(row)
    return rows, k


def _agencies_of(cell: _Cell, canon: AgencyCanon) -> Leading | None:
    """The cell's agencies when the cell is only agency names."""
    lead = canon.parse_leading(cell.text, 0)
    if lead is None or cell.text[lead.end :].strip(" .;,"):
        return None
    return lead


def _row_assignments(row: list[_Cell], has_coop: bool, canon: AgencyCanon) -> list[Assignment]:
    agency_cells = [(c, lead) for c in row if (lead := _agencies_of(c, canon)) is not None]
    others = [c for c in row if all(c is not a for a, _ in agency_cells)]
    tasks = [c for c in others if not _TIME_RE.match(c.text.strip()) and len(c.text.strip()) >= _MIN_TASK_CHARS]
    if not tasks or not agency_cells:
        return []
    task = max(tasks, key=lambda c: len(c.text))
    time = next((c for c in others if c is not task and _TIME_RE.search(c.text)), None)
    deadline = collapse_spaces(time.text).strip(" .;") if time else None
    out: list[Assignment] = []
    for n, (_, lead) in enumerate(agency_cells[: 2 if has_coop else 1]):
        role: Role = "chủ trì" if n == 0 else "phối hợp"
        for printed, canonical in lead.names:
            if is_generic(canonical):
                continue
            out.append(
                Assignment(
                    agency=canonical,
                    agency_text=collapse_spaces(printed),
                    role=role,
                    task=task.text,
                    deadline=deadline,
                    start=task.start,
                    end=task.end,
                )
            )
    return out
