"""Subjects: which agencies a clause is about ("Sở Y tế chủ trì …", "Giao Bộ X …", "Chủ tịch UBND tỉnh yêu cầu X …")."""

from __future__ import annotations

import re

from chidao.lang.agencies import WEAK_PREDICATES, AgencyCanon, Leading, Token, predicate_at, tokenize
from chidao.lang.text import fold
from ingest.assignments.clauses import (
    _LOCALITY_SUBJECT_RE,
    _clause_starts,
    _role_of,
    _sentences,
    _strong_verb_in_clause,
    _tok_after,
)
from ingest.assignments.patterns import (
    _ADVERBIAL_RE,
    _CLOSING_RE,
    _COURTESY_RE,
    _DUTY_OF_RE,
    _NOT_AFTER_TRIGGER,
    _NOT_TASK_RE,
    _OPENER_RE,
    _PAST_RE,
    _SPEAKER_END_RE,
    _TRIGGER_RE,
)
from ingest.assignments.records import Subject

# An earlier document that made the request: "… có (công) văn (bản) số 140/BXD-QLN (ngày …) đề nghị …".
_CITED_REQUEST_RE = re.compile(
    r"\b(?:đã\s+)?(?:có|ban\s+hành|gửi)\s+(?:công\s+văn|văn\s+bản|công\s+điện|tờ\s+trình|thông\s+báo)"
    r"(?:\s+số)?\s+\d[^.;:,]{0,120}$",
    re.IGNORECASE,
)
# "do <agency> chủ trì / cấp / bố trí …": the agent of a leading or funding verb.
_DO_AGENT_RE = re.compile(r"(?<![\w])do\s+(?=[A-ZĐÀ-Ỹ])")
_DO_VERB_RE = re.compile(
    r"\s*(?:(?:trực\s+tiếp|tiếp\s+tục)\s+)?(chủ\s+trì|cấp|bố\s+trí|bảo\s+đảm|đảm\s+bảo|chi\s+trả)\b"
)
_PAST_BEFORE_DO_RE = re.compile(r"\b(?:đã|được|vừa)\b[^,;.]*$")
# A subject dated or reporting, never given a task: "Báo X (số ra) ngày 14/4/2011 đăng bài …", "… có bài: …".
_DATED_REPORT_RE = re.compile(
    r"(?:(?:số\s+ra\s+)?ngày\s+\d|số\s+ra\b|(?:có|đăng)\s+bài\b|đăng\s+tải\b|đưa\s+tin\b|phản\s+ánh\b)", re.I
)
# A head written in lower case before its field or abbreviation: "sở Giáo dục và Đào tạo", "sở GDĐT".
_LOWER_HEAD_RE = re.compile(r"(sở|bộ)(?=\s+[A-ZĐÀ-Ỹ])")
# A bare plural in lower case: "bộ, ngành, địa phương", "cơ quan, đơn vị".
_PLURAL_WORD = r"(?:bộ|ngành|địa\s+phương|cơ\s+quan|đơn\s+vị|sở)"
_LOWER_PLURAL_RE = re.compile(rf"{_PLURAL_WORD}(?:\s*,\s*{_PLURAL_WORD})+(?=\s+[a-zđà-ỹ])")
# The courtesy a letter addresses its recipients with: "đề nghị Quý Sở …", "Quý cơ quan", "quý Bộ".
_HONORIFIC_RE = re.compile(
    r"[Qq]u[ýí]\s+(?:Bộ|Sở|Cục|Tổng\s+cục|Ban|Văn\s+phòng|Ủy\s+ban|Uỷ\s+ban|UBND|[Cc]ơ\s+quan|[Đđ]ơn\s+vị|"
    r"[Đđ]ịa\s+phương|Ngân\s+hàng|Viện|Trường|Hội|Công\s+ty|Tập\s+đoàn)(?![\wà-ỹ])"
)
# A province or city named as the addressee: "tỉnh Thừa Thiên Huế", "thành phố Cần Thơ".
_UPPER = r"[A-ZĐÀ-Ỹ][\wà-ỹ]*"
_PLACE_RE = re.compile(rf"(?:tỉnh|thành\s+phố)\s+{_UPPER}(?:[ \t]+{_UPPER}){{0,3}}")


class SubjectReader:
    """Finds the subjects of clauses: the agencies a clause opens with (or hands a task to) and its role."""

    def __init__(self, text: str, canon: AgencyCanon, locality: tuple[str, str] | None) -> None:
        self.text = text
        self.canon = canon
        self.locality = locality

    def _predicate_ok(self, pos: int, end: int, strict: bool) -> bool:
        """Whether a predicate that assigns something starts at text[pos]."""
        rest = self.text[pos:end].lstrip()
        if not rest:
            return False
        if _PAST_RE.match(rest) or _DATED_REPORT_RE.match(rest):
            return False
        toks = _tok_after(self.text, pos, end)
        if not toks or not toks[0].word:
            return False
        t = toks[0]
        if t.text != t.text.lower():
            return False
        if t.text in ("và", "hoặc", "hay", "của", "cho", "về", "tại") or _NOT_TASK_RE.match(rest):
            return False
        if t.text == "được" and not (len(toks) > 1 and toks[1].text in ("giao", "phân")):
            return False
        if t.text == "là" and not (len(toks) > 1 and toks[1].text in ("đầu", "cơ")):
            return False
        if strict:
            # inside a sentence a verb must follow (after "theo chức năng, nhiệm vụ …" and the like)
            bare = _ADVERBIAL_RE.sub("", rest[:300]).lstrip(" ,")
            btoks = tokenize(bare[:200])
            pred = predicate_at(btoks, 0) if btoks else None
            if pred is None:
                return False
            if pred not in WEAK_PREDICATES:
                return True
            if pred not in ("theo", "căn cứ", "trong", "trên cơ sở", "với", "cùng với"):
                return False
            return _strong_verb_in_clause(btoks)
        return True

    def _subject_from(self, lead: Leading, seg_start: int, end: int, strict: bool) -> Subject | None:
        """Validate what follows an enumeration of agencies and build the subject."""
        text = self.text
        p = lead.end
        while p < end and text[p] in " \t\n":
            p += 1
        if p >= end or text[p] in ".!?" or text[p:end].strip(" .;/") == "":
            return Subject(lead, end, seg_start, "giao", bare=True)
        if text[p] == ":":
            q = p + 1
            return Subject(lead, q, seg_start, _role_of(text[q:end]), colon=True)
        if text[p] == ",":
            q = p + 1
            # "X, căn cứ chức năng …, khẩn trương …" / "Chủ đầu tư, trong phạm vi …, nỗ lực …"
            if not self._predicate_ok(q, end, strict=True):
                if text[q:end].rstrip(" *").endswith(":") and len(text[q:end]) < 200:
                    # "X, trong đó trọng tâm là các tỉnh A, B:" introduces the items below
                    return Subject(lead, end, seg_start, "giao", colon=True)
                return None
            return Subject(lead, q, seg_start, _role_of(text[q:end]))
        if text[p] == "(":
            return None
        one_line = "\n" not in text[lead.start : lead.end]
        if one_line and "\n" in text[lead.end : p] and text[p].isupper() and self._verb_after_break(p, end):
            # "1. Công an tỉnh" / "Chỉ đạo lực lượng …": a heading line that names the agency, its task on the next
            return Subject(lead, p, seg_start, _role_of(text[p:end]), colon=True)
        if not self._predicate_ok(p, end, strict):
            return None
        return Subject(lead, p, seg_start, _role_of(text[p:end]))

    def _cut_at_verb_line(self, lead: Leading, p: int, end: int) -> Leading:
        """A name read across a line break into a capitalised verb ("Công an tỉnh" / "Chỉ đạo lực lượng …")
        ends at the break."""
        text = self.text
        for nl in (m.start() for m in re.finditer(r"\n", text[p : lead.end])):
            q = p + nl
            if text[p:q].rstrip()[-1:] in (":", ",", ";"):
                continue  # "Bộ trưởng các Bộ:" / "Xây dựng, Ngoại giao, …": the list goes on
            nxt = q + 1
            while nxt < lead.end and text[nxt] in " \t\n":
                nxt += 1
            if text[nxt : nxt + 1].isupper() and self._verb_after_break(nxt, end):
                cut = self.canon.parse_leading(text[:q], p)
                if cut is not None and cut.start == p:
                    return cut
        return lead

    def _verb_after_break(self, p: int, end: int) -> bool:
        """A line that opens with a capitalised verb of an order ("Chỉ đạo …", "Tổ chức …", "Phối hợp …")."""
        toks = _tok_after(self.text, p, min(end, p + 120))
        if not toks or not toks[0].word:
            return False
        lowered = [Token(toks[0].text.lower(), toks[0].key, 0, 0, True), *toks[1:]]
        pred = predicate_at(lowered, 0)
        return pred is not None and pred not in WEAK_PREDICATES

    def _leading_at(self, pos: int, end: int) -> Leading | None:
        p = pos
        while p < end and self.text[p] in ' \t\n"“(*':
            p += 1
        if p >= end:
            return None
        courtesy = _COURTESY_RE.match(self.text, p, end)
        if courtesy:
            p = courtesy.end()  # "Các ông (bà): Chánh Văn phòng UBND tỉnh, …" addresses the heads
        lead = self.canon.parse_leading(self.text[:end], p)
        if lead is None or lead.start != p:
            return None
        lead = self._cut_at_verb_line(lead, p, end)
        if _CLOSING_RE.match(self.text, lead.end, end):
            # the closing article names every addressee: "…, các tổ chức, cá nhân có liên quan chịu
            # trách nhiệm thi hành Quyết định này"
            full = self.canon.parse_leading(self.text[:end], p, keep_vague=True) or lead
            # … but "các tổ chức, cá nhân có liên quan" are people, not agencies
            kept = [(nc, k) for nc, k in zip(full.names, full.kinds, strict=True) if "cá nhân" not in nc[1].lower()]
            if kept:
                lead = Leading(start=full.start, end=full.end, names=[n for n, _ in kept], kinds=[k for _, k in kept])
        return lead

    def _subject_at(self, pos: int, end: int, strict: bool = False) -> Subject | None:
        """A subject (agencies + predicate) starting at text[pos] (a clause start)."""
        text = self.text
        m = _TRIGGER_RE.match(text, pos) if pos < end else None
        if m is None:
            p = pos
            while p < end and text[p] in ' \t\n"“(*':
                p += 1
            m = _TRIGGER_RE.match(text, p)
        if m is not None and m.end() <= end:
            sub = self._trigger_subject(m, pos, end)
            if sub is not None:
                return sub
        lead = self._leading_at(pos, end) or self._locality_subject(pos, end)
        if lead is None:
            return self._duty_of(pos, end)
        sub = self._subject_from(lead, lead.start, end, strict)
        if sub is None:
            return None
        return self._handed_on(sub, lead.start, end)

    def _duty_of(self, pos: int, end: int) -> Subject | None:
        """A heading that names whose duties follow: "Trách nhiệm của Sở Y tế" (the items below are its
        tasks), "Nhiệm vụ của UBND các huyện: chỉ đạo …" (the text after the colon is)."""
        text = self.text
        p = pos
        while p < end and text[p] in ' \t\n"“(*':
            p += 1
        head = text[p : min(end, p + 80)]
        folded = fold(head)
        m = _DUTY_OF_RE.match(folded) if len(folded) == len(head) else None
        if m is None:
            return None
        lead = self._leading_at(p + m.end(), end)
        if lead is None:
            return None
        sub = self._subject_from(lead, p, end, strict=False)
        return sub if sub is not None and (sub.bare or sub.colon) else None

    def _addressed_at(self, pos: int, end: int) -> Leading | None:
        """After "giao", "đề nghị", "đồng ý": an agency written in lower case or as its place.

        "đề nghị sở Giáo dục và Đào tạo các tỉnh …" is "Sở Giáo dục và Đào tạo …"; "Đồng ý tỉnh
        Quảng Trị lập …" and "đề nghị thành phố Huế …" address the People's Committee of that place.
        """
        text = self.text
        p = pos
        while p < end and text[p] in " \t\n":
            p += 1
        m = _HONORIFIC_RE.match(text, p, end)
        if m:
            # "Quý Sở": the agencies the letter is sent to (the emitter puts them in its place)
            printed = m.group(0)
            return Leading(start=p, end=m.end(), names=[(printed, "Quý " + printed.split(None, 1)[1])], kinds=["group"])
        m = _LOWER_HEAD_RE.match(text, p, end)
        if m:
            patched = text[:p] + m.group(1).capitalize() + text[m.end(1) : end]
            lead = self.canon.parse_leading(patched, p)
            if lead is not None and lead.start == p:
                return lead
            return None
        m = _LOWER_PLURAL_RE.match(text, p, end)
        if m:
            # "đề nghị bộ, ngành, địa phương khẩn trương …": the plural a letter addresses its recipients with
            printed = m.group(0)
            return Leading(start=p, end=m.end(), names=[(printed, f"Các {printed}")], kinds=["group"])
        m = _PLACE_RE.match(text, p, end)
        if m:
            canonical = self.canon.canonical(f"Ủy ban nhân dân {m.group(0)}")
            return Leading(start=p, end=m.end(), names=[(m.group(0), canonical)], kinds=["org"])
        return None

    def _locality_subject(self, pos: int, end: int) -> Leading | None:
        """For "Tỉnh tổ chức thực hiện …" in a notice about one province: its People's Committee."""
        m = _LOCALITY_SUBJECT_RE.match(self.text, pos, end)
        if m is None or self.locality is None:
            return None
        word = m.group(1)
        kind, name = self.locality
        if fold(word) != fold(kind):
            return None
        canonical = self.canon.canonical(f"Ủy ban nhân dân {kind} {name}")
        return Leading(start=m.start(1), end=m.end(1), names=[(word, canonical)], kinds=["org"])

    def _handed_on(self, sub: Subject, seg_start: int, end: int) -> Subject | None:
        """For "Chủ tịch UBND tỉnh yêu cầu X …": the agencies after the connective are the subject."""
        if sub.colon or sub.bare:
            return sub
        text = self.text
        off = sub.task_start
        while off < end and text[off] in " \t\n":
            off += 1
        m = _TRIGGER_RE.match(text, off)
        if m is not None and m.end() <= end:
            sub2 = self._trigger_subject(m, seg_start, end)
            if sub2 is not None:
                return sub2
            if m.group("w").lower().startswith(("yêu cầu", "đề nghị", "giao", "phân công")):
                return None  # "Chủ tịch UBND tỉnh yêu cầu <what cannot be read>": the speaker is not the assignee
        return sub

    def _trigger_subject(self, m: re.Match[str], seg_start: int, end: int) -> Subject | None:
        word = m.group("w").lower()
        before = self.text[max(0, m.start() - 12) : m.start()].split()
        if before and before[-1].lower() in ("đã", "được", "vừa", "từng", "đang"):
            return None  # "Thủ tướng đã giao …" reports an earlier assignment
        if _CITED_REQUEST_RE.search(self.text, max(0, m.start() - 200), m.start()):
            return None  # "Ngày 27/01/2011, Bộ Xây dựng có công văn số 140/BXD-QLN đề nghị …" cites a request
        after = self.text[m.end() : m.end() + 20].split()
        if word in ("đề nghị", "yêu cầu") and after and after[0].lower() in _NOT_AFTER_TRIGGER:
            return None
        lead = self._leading_at(m.end(), end) or self._addressed_at(m.end(), end)
        if lead is None:
            return None
        sub = self._subject_from(lead, seg_start, end, strict=False)
        if sub is None or (sub.bare and seg_start != m.start() and self.text[seg_start : m.start()].strip()):
            return None
        sub.trigger = True
        return sub

    def _subjects_in(self, s: int, e: int, review: bool) -> list[Subject]:
        """Every subject in text[s:e], in order, one per clause at most.

        In a review section only explicit requests count ("Đề nghị tỉnh …", "Giao Sở …").
        """
        text = self.text
        found: list[Subject] = []
        for a, b in _sentences(text, s, e):
            starts = [a, *_clause_starts(text, a, b)]
            for k, p in enumerate(starts):
                clause_end = b
                sub = self._subject_at(p, clause_end, strict=k > 0)
                if sub is None:
                    nxt = starts[k + 1] if k + 1 < len(starts) else b
                    cands = [self._inner_trigger(p, nxt, b), self._do_agent(p, nxt)]
                    if k == 0:
                        cands.append(self._after_adverbial(a, b))
                    found_c = [c for c in cands if c is not None]
                    sub = min(found_c, key=lambda c: c.lead.start) if found_c else None
                if sub is not None:
                    found.append(sub)
        # one subject per clause; a clause inside an enumeration already read is no new subject
        out: list[Subject] = []
        for sub in found:
            if out and (sub.seg_start <= out[-1].seg_start or sub.lead.start < out[-1].lead.end):
                continue
            out.append(sub)
        if review:
            out = [sub for sub in out if sub.trigger]
        return out

    def _after_adverbial(self, a: int, b: int) -> Subject | None:
        """For "Trên cơ sở đó, Bộ Tư pháp tổng hợp …": a subject after a short opening phrase."""
        text = self.text
        if not _OPENER_RE.match(text, a):
            return None
        for m in re.finditer(r",\s+", text[a : min(b, a + 240)]):
            p = a + m.end()
            head = text[a : a + m.start()]
            if len(head.split()) > 60 or ":" in head:
                break
            lead = self._leading_at(p, b)
            if lead is None:
                continue
            if text[lead.end : b].lstrip().startswith(",") and self._inside_enumeration(a, a + m.start()):
                continue  # "… yêu cầu của Bộ Chính trị, Ban Bí thư và Ban X, trên cơ sở …": still the list
            sub = self._subject_from(lead, a, b, strict=True)
            if sub is not None and not sub.bare and not sub.colon:
                return self._handed_on(sub, a, b)
        return None

    def _do_agent(self, p: int, clause_end: int) -> Subject | None:
        """For "Tổ X … do Bộ Thương mại chủ trì, phối hợp với …" and "Kinh phí … do Bộ Tài chính cấp …".

        The agent after "do" of a leading or funding verb is given the whole clause.
        """
        text = self.text
        for m in _DO_AGENT_RE.finditer(text, p, clause_end):
            if _PAST_BEFORE_DO_RE.search(text, max(p, m.start() - 30), m.start()):
                continue  # "… đã được phê duyệt do …" tells what was done
            lead = self.canon.parse_leading(text[:clause_end], m.end())
            if lead is None or lead.start != m.end():
                continue
            v = _DO_VERB_RE.match(text, lead.end, clause_end)
            if v is None:
                # "do Bộ Tài chính cấp hàng năm …": "cấp" read as part of the name ("cấp tỉnh")
                inner = re.search(
                    r"\s(?=(?:cấp|bố\s+trí|chi\s+trả)\s+(?!tỉnh|huyện|xã|trung\s+ương|cơ\s+sở)\w)",
                    text[lead.start : lead.end],
                )
                if inner is None:
                    continue
                lead = self.canon.parse_leading(text[: lead.start + inner.start()], m.end())
                if lead is None or lead.start != m.end():
                    continue
                v = _DO_VERB_RE.match(text, lead.end, clause_end)
                if v is None:
                    continue
            role = "chủ trì" if "chủ" in v.group(1) else "giao"
            return Subject(lead, v.start(1), p, role)
        return None

    def _inside_enumeration(self, a: int, comma: int) -> bool:
        """For "… theo yêu cầu của Bộ Chính trị, Ban Bí thư và …": the comma goes on with a list of agencies."""
        head = self.text[a:comma]
        m = next(reversed(list(re.finditer(r"\b(?:của|với|và)\s+", head))), None)
        if m is None:
            return False
        lead = self.canon.parse_leading(self.text[:comma], a + m.end())
        return lead is not None and lead.start == a + m.end() and lead.end == comma

    def _inner_trigger(self, p: int, clause_end: int, sent_end: int) -> Subject | None:
        """For "Chính phủ trân trọng đề nghị X …" and "(Giao Công an tỉnh chủ trì …)" inside a clause."""
        text = self.text
        for m in _TRIGGER_RE.finditer(text, p, clause_end):
            w = m.group("w")
            if w[0].islower() and w.lower().startswith("giao"):
                before = text[max(p, m.start() - 40) : m.start()]
                if not (
                    re.search(r"(?:^|[(:;,]\s*|\b(?:đó|đồng thời|và))\s*$", before) or _SPEAKER_END_RE.search(before)
                ):
                    continue
            sub = self._trigger_subject(m, p, sent_end)
            if sub is not None:
                return sub
        return None

    def _only_agencies(self, s: int, e: int) -> bool:
        lead = self._leading_at(s, e)
        return lead is not None and not self.text[lead.end : e].strip()

    def _only_adverbial(self, sub: Subject, end: int) -> bool:
        """For "Sở Nội vụ, các sở trong phạm vi chức năng, nhiệm vụ của mình và …": no verb follows."""
        rest = _ADVERBIAL_RE.sub("", self.text[sub.task_start : end].strip(" ,"))
        rest = re.sub(r"^(?:trong phạm vi|theo)[^,;.]*?(?:của mình|được giao)[,\s]*", "", rest)
        toks = tokenize(rest[:80])
        return not toks or predicate_at(toks, 0) is None or toks[0].low in ("và", "theo", "trong")
