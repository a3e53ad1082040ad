"""Field-style plans: the agencies of each field get the section's task."""

from __future__ import annotations

import re
from collections.abc import Callable

from chidao.lang.agencies import AgencyCanon
from chidao.lang.text import collapse_spaces
from chidao.records import Role
from ingest.assignments.clauses import (
    _strip_span,
)
from ingest.assignments.emit import Emitter
from ingest.assignments.patterns import (
    _MIN_TASK_CHARS,
)
from ingest.assignments.records import Subject, Unit
from ingest.assignments.subjects import SubjectReader


class FieldReader:
    """Plans written as fields: "Cơ quan chủ trì: …", "Cơ quan phối hợp: …", "Thời gian thực hiện: …"."""

    def __init__(
        self,
        text: str,
        canon: AgencyCanon,
        subjects: SubjectReader,
        emitter: Emitter,
        task_span: Callable[[Subject, int], tuple[int, int]],
    ) -> None:
        self.text = text
        self.canon = canon
        self.subjects = subjects
        self.emitter = emitter
        self.task_span = task_span

    def read(self, unit: Unit, m: re.Match[str]) -> None:
        """Plans written as fields under a task: "Cơ quan chủ trì: A, B", "Thời gian thực hiện: …".

        "Cơ quan thực hiện: Sở X chủ trì …; Sở Y …" holds clauses and is read as running text;
        a field that only lists agencies, and the content and time fields, are kept on the unit
        and resolved with their siblings by ``_resolve_fields``.
        """
        text = self.text
        f = m.group("f").lower()
        s, e = _strip_span(text, unit.start + m.end(), unit.end, " \t\n*")
        if s >= e:
            unit.field = ("intro", s, e, None)  # "b) Cơ quan thực hiện:" above its fields
            return
        if f.startswith(("thời gian", "thời hạn")):
            unit.field = ("time", s, e, None)
            return
        if f.startswith(("nội dung", "sản phẩm", "kết quả")):
            kind = "content" if f.startswith("nội dung") else "other"
            unit.field = (kind, s, e, None)
            return
        subjects = [sub for sub in self.subjects._subjects_in(s, e, False) if not self.subjects._only_adverbial(sub, e)]
        if subjects and not all(sub.bare or sub.colon for sub in subjects):
            for k, sub in enumerate(subjects):
                if sub.bare:
                    continue
                seg_end = subjects[k + 1].seg_start if k + 1 < len(subjects) else e
                ts, te = self.task_span(sub, seg_end)
                if te - ts >= _MIN_TASK_CHARS:
                    self.emitter.emit(unit, sub.lead.names, ts, te, sub.role)
            return
        lead = self.canon.parse_leading(text[:e], s)
        if lead is None:
            return
        role: Role = "chủ trì" if "chủ trì" in f else "phối hợp" if "phối hợp" in f else "giao"
        unit.field = ("agencies", s, e, (lead.names, role))

    def resolve(self, units: list[Unit]) -> None:
        """Emit the tasks of field-style plans: the agencies of each field get the section's task."""
        groups: dict[int, list[Unit]] = {}
        for u in units:
            if u.field is None:
                continue
            anchor = next(
                (k for k in reversed(u.ancestors) if units[k].field is None),
                None,
            )
            if anchor is None:
                continue
            groups.setdefault(anchor, []).append(u)
        for anchor, fields in groups.items():
            agencies = [f for f in fields if f.field and f.field[0] == "agencies"]
            if not agencies:
                continue
            content = next((f for f in fields if f.field and f.field[0] == "content"), None)
            time = next((f for f in fields if f.field and f.field[0] == "time"), None)
            if content is not None:
                ts, te = content.field[1], content.field[2]  # type: ignore[index]
                target = content
            else:
                a = units[anchor]
                ts, te = _strip_span(self.text, a.start, a.end)
                target = a
            if te - ts < _MIN_TASK_CHARS:
                continue
            deadline = None
            if time is not None:
                deadline = collapse_spaces(self.text[time.field[1] : time.field[2]]).rstrip(" .;")  # type: ignore[index]
            for f in agencies:
                names, role = f.field[3]  # type: ignore[index]
                self.emitter.emit(target, names, ts, te, role, deadline=deadline, cooperators=False)
