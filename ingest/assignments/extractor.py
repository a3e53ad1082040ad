"""The reader of a directive: body blocks in order, frames handed down headings, openings, lonely intros."""

from __future__ import annotations

import re

from chidao.lang.agencies import WEAK_PREDICATES, AgencyCanon, Leading, Token, predicate_at, tokenize
from chidao.lang.text import collapse_spaces, fold
from chidao.records import Assignment, Block
from ingest.assignments.blocks import BodySpans
from ingest.assignments.clauses import (
    _dedupe,
    _is_title_like,
    _main_locality,
    _strip_span,
)
from ingest.assignments.emit import Emitter
from ingest.assignments.fields import FieldReader
from ingest.assignments.patterns import (
    _ADVERBIAL_RE,
    _AIMS_RE,
    _DATA_ITEM_RE,
    _EXHORT_RE,
    _FIELD_RE,
    _MIN_TASK_CHARS,
    _OWN_BEFORE_LIST_RE,
    _PREAMBLE_RE,
    _RECIPIENTS_RE,
    _REPORT_INTRO_RE,
    _REVIEW_RE,
    _SHORT_TASK_WORDS,
    _SKIP_RE,
    _TOPIC_RE,
)
from ingest.assignments.records import Frame, Subject, Unit
from ingest.assignments.subjects import SubjectReader
from ingest.assignments.tables import table_assignments
from ingest.structure import short_form

# An opening's promise of the tasks below: "(thực hiện tốt) các nhiệm vụ, giải pháp sau:", "một số việc sau đây:".
_PROMISE_RE = re.compile(
    r"\b(?:các|những|một\s+số)\s+(?:nhiệm\s+vụ|việc|công\s+việc|giải\s+pháp|biện\s+pháp|nội\s+dung)"
    r"[^.;:]{0,60}?\b(?:sau(?:\s+đây)?|như\s+sau)\s*:\s*\**\s*$",
    re.IGNORECASE,
)
# The titles an issuing authority's line opens with, folded.
_AUTHORITY_RE = re.compile(
    r"(?:chu tich|bo truong|thu tuong|giam doc|thong doc|tong cuc truong|cuc truong|chanh an|vien truong|tong giam doc|"
    r"uy ban nhan dan|ubnd|hoi dong nhan dan|chinh phu)\b"
)


class Extractor:
    """Reads the body blocks of one directive in order and collects its assignments."""

    def __init__(
        self,
        text: str,
        blocks: list[Block],
        canon: AgencyCanon,
        subject_in_task: bool,
        original: tuple[str, list[Block]] | None = None,
    ) -> None:
        self.text = text
        self.blocks = blocks
        self.canon = canon
        self.subject_in_task = subject_in_task
        # the text and blocks as parsed, before glued syllables were spaced: headings' short forms
        # are compared with the heading paths the structure parser wrote from them
        self.original = original or (text, blocks)
        self.subjects = SubjectReader(text, canon, _main_locality(text))
        self.emitter = Emitter(text, canon)
        # "đề nghị các Bộ, cơ quan gửi ý kiến …" in a letter: the plural addresses its recipients
        self.emitter.recipients = self._recipients()
        self.fields = FieldReader(text, canon, self.subjects, self.emitter, self._task_span)

    def run(self) -> list[Assignment]:
        units, opening_at = self._read(use_opening=False)
        if opening_at is not None and not any(u.tasks for u in units[opening_at + 1 :]):
            # nothing after an opening that addresses agencies names its own: the sections are theirs
            units, _ = self._read(use_opening=True)
        elif opening_at is not None and _PROMISE_RE.search(self.text, units[opening_at].start, units[opening_at].end):
            # "… yêu cầu X thực hiện tốt một số việc sau:": the items right after it that name nobody are X's,
            # up to the first item that names its own agencies
            k = opening_at + 1
            while k < len(units) and not units[k].tasks:
                k += 1
            if k > opening_at + 1:
                handed, _ = self._read(use_opening=True)
                units = [*units[: opening_at + 1], *handed[opening_at + 1 : k], *units[k:]]
        elif not any(u.tasks for u in units) and (recipients := self.emitter.recipients):
            # a letter whose numbered orders name nobody: they are for the agencies it is sent to
            units, _ = self._read(use_opening=False, preset=Frame(recipients, "giao", handed=True, verb_first=True))
        self._emit_lonely_intros(units)
        self.fields.resolve(units)
        out: list[Assignment] = []
        for u in units:
            out.extend(u.tasks)
        out.extend(table_assignments(self.text, self.blocks, self.canon))
        return _dedupe(out)

    def _read(self, use_opening: bool, preset: Frame | None = None) -> tuple[list[Unit], int | None]:
        """Read every body block; also say which unit is the opening that addresses agencies, if any.

        The opening ("UBND tỉnh yêu cầu các ngành, các cấp … những nội dung chủ yếu sau:") hands
        the sections after it to its agencies when ``use_opening``: every block there that opens
        with a verb is their task, even under "I. YÊU CẦU".
        """
        units: list[Unit] = []
        by_short: dict[str, int] = {}
        preamble = True  # "Căn cứ …" lines before the first labelled block or heading
        opening: Frame | None = preset
        opening_at: int | None = None
        for idx, b, s, e in BodySpans(self.text, self.blocks, self.subjects).spans():
            folded = fold(self.text[s : min(e, s + 60)]).lstrip("*( ")
            if _SKIP_RE.match(folded):
                if folded.startswith("noi nhan"):
                    break
                continue
            unit, opens = self._unit(idx, b, s, e, by_short, units)
            if (b.label and b.label[0] not in "-–+•*") or b.kind == "heading":
                preamble = False
            path = [fold(p) for p in (b.path[:-1] if opens else b.path)]
            review = any(_REVIEW_RE.match(p) for p in path)
            aims = any(_AIMS_RE.match(p) for p in path)
            inherited = next((units[k].frame for k in reversed(unit.ancestors) if units[k].frame), None)
            if inherited is None and opening is not None and (b.label or b.kind == "heading" or unit.ancestors):
                inherited, aims = opening, False
            # in the preamble ("Xét đề nghị của …, Phó Thủ tướng … yêu cầu Bộ X …") only explicit requests count
            strict_preamble = preamble and _PREAMBLE_RE.match(folded) is not None
            self._do_block(unit, inherited, review or aims or strict_preamble)
            if opening_at is None and self._is_opening(unit, preamble, path):
                opening_at = len(units) - 1
                if use_opening and unit.frame is not None:
                    opening = Frame(unit.frame.agencies, unit.frame.role, handed=True, verb_first=True)
                    if unit.pending is not None:  # the opening's own clause is a task too
                        names, ts, te, role = unit.pending
                        self.emitter.emit(unit, names, *self._own_part(ts, te), role)
                        unit.pending = None
        return units, opening_at

    def _recipients(self) -> list[tuple[str, str]]:
        """The agencies a letter is sent to ("Kính gửi: Bộ Công Thương", one per line or in a row)."""
        m = _RECIPIENTS_RE.search(self.text, 0, min(len(self.text), 3000))
        if m is None:
            return []
        names: list[tuple[str, str]] = []
        for item in self._recipient_lines(self.text[m.end() : m.end() + 600]):
            if not item:
                if names:
                    break
                continue
            lead = self.canon.parse_leading(item, 0)
            if lead is not None and item[lead.end :].strip(" .;,") and len(item) <= 120 and lead.start == 0:
                # a line of the list is one name even where a word of it reads as a verb
                # ("Các Cục quản lý vận tải chuyên ngành")
                whole = self.canon.canonical(item)
                lead = Leading(start=0, end=len(item), names=[(item, whole)], kinds=["org"]) if whole else None
            if lead is None or item[lead.end :].strip(" .;,"):
                break
            names.extend(lead.names)
        return names

    @staticmethod
    def _recipient_lines(block: str) -> list[str]:
        """The items of a recipients list, a line cut at the page width joined to the item it continues."""
        items: list[str] = []
        open_item = False  # the last item did not end with ";" / "." / ",": a wrapped line may go on
        for line in block.split("\n"):
            raw = line.strip(" \t|")
            bullet = raw[:1] in ("-", "–", "+", "•", "*")
            item = raw.lstrip("-–+•*").strip(" \t|")
            wrapped_end = len(item) <= 60 and item[-1:] in (";", ".")
            if items and open_item and item and not bullet and item[:1].isupper() and wrapped_end:
                items[-1] = f"{items[-1]} {item.rstrip(';.,')}"
            else:
                items.append(item.rstrip(";.,"))
            open_item = bool(item) and item[-1] not in ";.,"
        return items

    def _is_opening(self, unit: Unit, preamble: bool, path: list[str]) -> bool:
        return (
            preamble
            and not path
            and unit.frame is not None
            and unit.frame.handed
            and self.text[unit.start : unit.end].rstrip(" *").endswith(":")
        )

    def _unit(
        self, idx: int, b: Block, s: int, e: int, by_short: dict[str, int], units: list[Unit]
    ) -> tuple[Unit, bool]:
        """The unit of a body block, its heading ancestors found by the short forms of their headings."""
        ob = self.original[1][idx]
        own_short = short_form(collapse_spaces(self.original[0][ob.start : ob.end]))
        opens = bool(b.path) and b.path[-1] == own_short
        section = " > ".join(b.path[:-1] if opens else b.path)
        unit = Unit(idx=idx, block=b, start=s, end=e, section=section)
        unit.ancestors = self._ancestors(b, by_short, opens)
        units.append(unit)
        by_short[own_short] = len(units) - 1
        return unit, opens

    def _emit_lonely_intros(self, units: list[Unit]) -> None:
        """An introducing clause whose list assigns nothing ("… báo cáo các nội dung sau:") is a task."""
        for k, u in enumerate(units):
            if u.pending is None:
                continue
            level = u.block.level
            lonely = True
            for v in units[k + 1 :]:
                if v.block.level <= level and v.block.kind != "item":
                    break
                if v.tasks:
                    lonely = False
                    break
            names, ts, te, role = u.pending
            if lonely:
                self.emitter.emit(u, names, ts, te, role)
                continue
            s2, e2 = self._own_part(ts, te)
            if e2 < te:
                self.emitter.emit(u, names, s2, e2, role)

    def _own_part(self, ts: int, te: int) -> tuple[int, int]:
        """An intro's own task: "… yêu cầu X chỉ đạo, kiểm tra …, trong đó tập trung các nhiệm vụ sau:" ends
        before "trong đó" (the items below are its details); other intros are kept whole."""
        own = _OWN_BEFORE_LIST_RE.search(self.text, ts, te)
        if own is None or len(self.text[ts : own.start()].split()) < _SHORT_TASK_WORDS:
            return ts, te
        return _strip_span(self.text, ts, own.start())

    def _ancestors(self, b: Block, by_short: dict[str, int], opens: bool) -> list[int]:
        """Indices (into units) of the blocks on b's heading path, outermost first."""
        path = b.path[:-1] if opens else b.path
        return [by_short[p] for p in path if p in by_short]

    def _do_block(self, unit: Unit, inherited: Frame | None, review: bool) -> None:
        """One body block: a field of a plan, clauses with subjects, an intro, or a task of inherited agencies."""
        text = self.text
        b = unit.block
        s, e = unit.start, unit.end
        body = text[s:e]
        intro = b.intro or body.rstrip(" *").endswith(":")
        field_m = _FIELD_RE.match(body)
        if field_m:
            self.fields.read(unit, field_m)
            return
        subjects = self.subjects._subjects_in(s, e, review)
        if subjects:
            first = subjects[0]
            if first.seg_start > s and not review:
                # a lead-in without agencies belongs to the inherited ones ("Về …: Giao Bộ …" is one clause)
                pre_s, pre_e = _strip_span(text, s, first.seg_start)
                lead_in = inherited and pre_e - pre_s >= _MIN_TASK_CHARS and not intro
                if lead_in and (not _is_title_like(text[pre_s:pre_e]) or b.kind != "heading"):
                    self.emitter.emit(unit, inherited.agencies, pre_s, pre_e, inherited.role, frame_role=True)
            for k, sub in enumerate(subjects):
                seg_end = subjects[k + 1].seg_start if k + 1 < len(subjects) else e
                self._do_subject(unit, sub, seg_end, first=k == 0, last_of_intro=intro and k == len(subjects) - 1)
            return
        if intro:
            # an intro without agencies passes the inherited ones on
            unit.frame = None
            return
        if inherited is None or review:
            return
        if b.kind == "heading" and _is_title_like(body):
            return
        ts, te = _strip_span(text, s, e)
        if te - ts < _MIN_TASK_CHARS or _DATA_ITEM_RE.match(text, ts):
            return
        if inherited.verb_first and not self._opens_with_verb(ts, te):
            return
        self.emitter.emit(unit, inherited.agencies, ts, te, inherited.role, frame_role=True)

    def _do_subject(self, unit: Unit, sub: Subject, seg_end: int, *, first: bool, last_of_intro: bool) -> None:
        """One clause with a subject: its task, the frame it hands down, or the intro it opens."""
        text = self.text
        ts, te = self._task_span(sub, seg_end)
        if first and sub.bare and self._is_authority_line(unit):
            return  # "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH" above "Căn cứ …": who issues the decision, not whose tasks follow
        if first:
            unit.frame = Frame(sub.lead.names, sub.role, handed=sub.trigger)
            if _TOPIC_RE.match(text[unit.start : sub.seg_start]):
                ts = unit.start  # "Về hỗ trợ kinh phí …: Giao Bộ Tài chính …" keeps its topic
        if sub.bare:
            return
        if _EXHORT_RE.fullmatch(text, sub.task_start, seg_end):
            return  # "đề nghị các đơn vị khẩn trương triển khai thực hiện các nội dung nêu trên": a closing formula
        if last_of_intro:
            # "3.5. Sở Y tế, … thực hiện một số nhiệm vụ sau đây:" introduces the items below;
            # "Bộ Tài chính chỉ đạo Bảo hiểm xã hội Việt Nam:" hands them to both
            unit.frame = Frame(sub.lead.names + self._directed(sub, seg_end), sub.role, handed=sub.trigger)
            if _REPORT_INTRO_RE.search(text[sub.task_start : seg_end]):
                # "… báo cáo làm rõ một số nội dung sau:": the items are the report's content
                unit.frame = None
                self.emitter.emit(unit, sub.lead.names, ts, te, sub.role)
                return
            if text[sub.task_start : seg_end].rstrip(" *").endswith(":"):
                if te - ts >= _MIN_TASK_CHARS:
                    unit.pending = (sub.lead.names, ts, te, sub.role)
                return
        if te - ts < _MIN_TASK_CHARS or not re.search(r"\w", text[ts:te]):
            return
        self.emitter.emit(unit, sub.lead.names, ts, te, sub.role)

    def _is_authority_line(self, unit: Unit) -> bool:
        """An unlabelled line in capitals naming the issuing authority ("CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH",
        "BỘ TRƯỞNG BỘ Y TẾ", "THỦ TƯỚNG CHÍNH PHỦ")."""
        body = self.text[unit.start : unit.end].strip(" *:")
        letters = [c for c in body if c.isalpha()]
        if unit.block.label or not letters or any(c.islower() for c in letters):
            return False
        return _AUTHORITY_RE.match(fold(body)) is not None

    def _opens_with_verb(self, s: int, e: int) -> bool:
        """ "Tổ chức đánh giá …", "Chủ động xây dựng …": the block starts with a verb (an order)."""
        toks = tokenize(_ADVERBIAL_RE.sub("", self.text[s : min(e, s + 120)]))
        if not toks or not toks[0].word:
            return False
        lowered = [Token(toks[0].text.lower(), toks[0].key, 0, 0, True), *toks[1:]]
        pred = predicate_at(lowered, 0)
        return pred is not None and pred not in WEAK_PREDICATES

    def _directed(self, sub: Subject, end: int) -> list[tuple[str, str]]:
        """The agencies an intro's subject directs: "X chỉ đạo Y (thực hiện các nội dung sau):"."""
        text = self.text
        m = re.match(r"\s*(?:tiếp tục\s+)?chỉ đạo\s+", text[sub.task_start : end])
        if not m:
            return []
        lead = self.canon.parse_leading(text[:end], sub.task_start + m.end())
        if lead is None:
            return []
        return [nc for nc, kind in zip(lead.names, lead.kinds, strict=True) if kind in ("org", "title")]

    def _task_span(self, sub: Subject, seg_end: int) -> tuple[int, int]:
        """The task of a clause: the clause itself, without a label or an "X:" agency prefix.

        "Sở Y tế chủ trì, phối hợp …" and "Giao Sở Y tế …" are kept whole (the agency is the
        subject of the sentence); "Sở Tư pháp: Phối hợp …" loses its "Sở Tư pháp:" prefix. With
        ``subject_in_task=False`` the subject is cut too, unless the predicate left would be
        shorter than the agencies before it ("… chịu trách nhiệm thi hành Quyết định này").
        """
        text = self.text
        ts, te = _strip_span(text, sub.task_start, seg_end)
        if sub.colon:
            if sub.seg_start < sub.lead.start and ":" in text[sub.seg_start : sub.lead.start]:
                return _strip_span(text, sub.seg_start, seg_end)
            return ts, te
        if self.subject_in_task:
            return _strip_span(text, sub.seg_start, seg_end)
        if sub.seg_start < sub.lead.start and ":" in text[sub.seg_start : sub.lead.start]:
            return _strip_span(text, sub.seg_start, seg_end)
        rest = len(text[ts:te].split())
        prefix = len(text[sub.seg_start : sub.task_start].split())
        if rest < _SHORT_TASK_WORDS or rest < prefix:
            ts, _ = _strip_span(text, sub.seg_start, seg_end)
        return ts, te
