"""Emitting assignments: one record per agency of a task, co-operators after "phối hợp với" added."""

from __future__ import annotations

import re

from chidao.lang.agencies import AgencyCanon, is_generic
from chidao.lang.text import collapse_spaces
from chidao.records import Assignment, Role
from ingest.assignments.clauses import (
    _deadline,
    _role_of,
)
from ingest.assignments.patterns import (
    _COOP_RE,
    _COOP_WITH_RE,
    _DIFFICULTY_RE,
    _IN_FORCE_RE,
    _NOTICE_RE,
)
from ingest.assignments.records import Unit

# A group of related agencies written without "các": "cơ quan liên quan", "đơn vị có liên quan".
_BARE_RELATED_RE = re.compile(
    r"(?:cơ\s+quan|đơn\s+vị|ngành)(?:\s*,\s*(?:cơ\s+quan|đơn\s+vị|ngành|địa\s+phương))*\s+(?:có\s+)?liên\s+quan"
)
# Verbs whose object does the next verb: "tham mưu UBND tỉnh phối hợp với …", "đề nghị Bộ X phối hợp …".
_ADVISE_RE = re.compile(r"\b(?:tham\s+mưu(?:\s+cho)?|đề\s+nghị|kiến\s+nghị|giúp|hướng\s+dẫn|chỉ\s+đạo)\s+", re.I)
# Courtesy that closes a letter.
_COURTESY_CLOSE_RE = re.compile(
    r"\W*(?:rất\s+mong|mong\s+nhận\s+được|(?:xin\s+)?trân\s+trọng\s+cảm\s+ơn|xin\s+cảm\s+ơn)", re.I
)
# A group that points at the list below it: "Các cơ quan, đơn vị sau đây …" (the items name the agencies).
_CATAPHORIC_RE = re.compile(r"\b(?:sau\s+đây|dưới\s+đây|như\s+sau)$", re.IGNORECASE)
# The plural a letter addresses its recipients with: "các Bộ, cơ quan", "các cơ quan, đơn vị", "Quý cơ quan"
# (not "các cơ quan liên quan", "các đơn vị thuộc Bộ": those name others).
_ADDRESSEE = r"(?:bộ|sở|cơ quan|đơn vị|ngành|địa phương|cục|tỉnh|thành phố|ủy ban nhân dân|uỷ ban nhân dân)"
_ADDRESSEES_RE = re.compile(rf"^(?:các|quý)\s+{_ADDRESSEE}(?:\s*(?:,|và)\s*{_ADDRESSEE})*\s*$", re.IGNORECASE)
_HONORIFIC_NAME_RE = re.compile(r"^qu[ýí]\s", re.IGNORECASE)


class Emitter:
    """Turns (agencies, task span, role) into ``Assignment`` records on a unit, with co-operators."""

    def __init__(self, text: str, canon: AgencyCanon) -> None:
        self.text = text
        self.canon = canon
        self.recipients: list[tuple[str, str]] = []  # a letter's "Kính gửi" agencies

    def emit(
        self,
        unit: Unit,
        agencies: list[tuple[str, str]],
        ts: int,
        te: int,
        role: Role,
        frame_role: bool = False,
        deadline: str | None = None,
        cooperators: bool = True,
    ) -> None:
        text = self.text
        task = text[ts:te]
        if _IN_FORCE_RE.match(task):
            return  # "Quyết định này có hiệu lực thi hành sau 10 ngày …": when the text applies, not a task
        if _DIFFICULTY_RE.match(task):
            return  # "Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, … báo cáo": the closing formula
        if _COURTESY_CLOSE_RE.match(task):
            return  # "Rất mong sự hợp tác của các Sở", "Trân trọng cảm ơn": courtesy, not a task
        if _NOTICE_RE.search(task) and len(task.split()) <= 40:
            return  # "… thông báo để Bộ X và các cơ quan liên quan biết, thực hiện": a notice, not a task
        own = _role_of(task)
        if frame_role:
            role = own if own != "giao" else role
        deadline = deadline or _deadline(task)
        if self.recipients and agencies and all(_ADDRESSEES_RE.match(c) for _, c in agencies):
            agencies = self.recipients  # "đề nghị các Bộ, cơ quan …" in a letter: the agencies it is sent to
        # "Quý Sở" with no recipients read: nobody to name
        agencies = [(p, c) for p, c in agencies if not _HONORIFIC_NAME_RE.match(c)]
        # "X phối hợp với Y, Z <làm gì>": X leads, Y and Z co-operate (not "Phối hợp với Y …", the item of X)
        leads = role in ("chủ trì", "giao") or (not frame_role and not _COOP_RE.match(task))
        coops = self._cooperators(ts, te) if cooperators and leads else []
        if coops and role == "phối hợp":
            role = "chủ trì"  # the subject of "X phối hợp với Y …" is the lead
        pairs = [(p, c, role) for p, c in agencies if not is_generic(c) and not _CATAPHORIC_RE.search(c)]
        pairs += [(printed, canonical, "phối hợp") for printed, canonical in coops]
        seen = set()
        for printed, canonical, agency_role in pairs:
            key = AgencyCanon.key(canonical)
            if key in seen:
                continue
            seen.add(key)
            unit.tasks.append(
                Assignment(
                    agency=canonical,
                    agency_text=collapse_spaces(printed),
                    role=agency_role,
                    task=task,
                    deadline=deadline,
                    section=unit.section,
                    start=ts,
                    end=te,
                )
            )

    def _cooperators(self, ts: int, te: int) -> list[tuple[str, str]]:
        """Agencies named after "phối hợp (với)" in the first clause of a "chủ trì" task."""
        text = self.text
        topic = re.match(r"\s*(?:Về|Đối với|Riêng)\b[^.;]{3,300}?:\s+", text[ts:te])
        if topic:
            ts += topic.end()
        first_end = te
        m_end = re.search(r"[.;:]\s", text[ts:te])
        if m_end:
            first_end = ts + m_end.start()
        out: list[tuple[str, str]] = []
        for m in _COOP_WITH_RE.finditer(text, ts, first_end):
            if self._agency_before(ts, m.start()):
                continue  # "… tham mưu UBND Thành phố phối hợp với Bộ X": the co-operators of another subject
            lead = self.canon.parse_leading(text[:first_end], m.end())
            if lead is None or lead.start != m.end():
                bare = _BARE_RELATED_RE.match(text, m.end(), first_end)
                if bare:  # "phối hợp với cơ quan liên quan …": a group written without "các"
                    out.append((bare.group(0), bare.group(0)[:1].upper() + bare.group(0)[1:]))
                continue
            out.extend(lead.names)
        return out

    def _agency_before(self, ts: int, pos: int) -> bool:
        """Whether an agency that is the object of "tham mưu", "đề nghị", "giúp" … ends right before ``pos``."""
        text = self.text
        window_start = max(ts, pos - 120)
        m = next(reversed(list(_ADVISE_RE.finditer(text, window_start, pos))), None)
        if m is None:
            return False
        lead = self.canon.parse_leading(text[:pos], m.end())
        return lead is not None and lead.start == m.end() and not text[lead.end : pos].strip(" ,")
