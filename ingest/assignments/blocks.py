"""Body spans: the blocks that can assign, lines broken by the source joined to the block they continue."""

from __future__ import annotations

import itertools
import re

from chidao.lang.agencies import Token, predicate_at, tokenize
from chidao.records import Block
from ingest.assignments.clauses import (
    _is_name_word,
    _strip_span,
    _zones,
)
from ingest.assignments.patterns import (
    _CLOSING_RE,
    _OPEN_ENDINGS,
    _PLURAL_HEAD_END_RE,
)
from ingest.assignments.subjects import SubjectReader

# Words that name a kind of place or body and wait for its name: "… đề xuất của tỉnh" / "Lào Cai, …".
_PLACE_HEAD_RE = re.compile(
    r"(?:^|\s)(?:tỉnh|huyện|quận|xã|phường|thành\s+phố|thị\s+xã|thị\s+trấn|[Ủủ]y\s+ban\s+nhân\s+dân|UBND)$"
)
# Function words no heading ends with: a numbered sentence cut at the page width ("2. Sở Y tế phối hợp với
# Sở Giáo dục và Đào tạo cùng" / "UBND các huyện tổ chức …").
_HEADING_OPEN_ENDINGS = frozenset(
    "với|cùng với|của|và|cùng|cho|tại|về|các|những|để|từ|theo|giữa|hoặc|là|thuộc|trực thuộc|đến|trên|dưới|qua|"
    "phối hợp với|đề nghị|yêu cầu|giao".split("|")
)
# A heading this long that ends in an open word is a sentence, not a heading.
_LONG_HEADING_WORDS = 12

# A leader's title a line may be cut after: "…, Giám đốc" / "Sở Tư pháp …".
_TITLE_END_RE = re.compile(
    r"(?:Giám\s+đốc|Chủ\s+tịch|Thủ\s+trưởng|Chánh\s+Văn\s+phòng|Chánh\s+Thanh\s+tra|Cục\s+trưởng|Trưởng\s+ban|"
    r"Bộ\s+trưởng|Tư\s+lệnh|Thống\s+đốc|Chỉ\s+huy\s+trưởng)(?:\s+(?:các|Ban))?\s*$"
)


class BodySpans:
    """The body blocks of a directive as spans to read, with lines the normaliser left broken joined."""

    def __init__(self, text: str, blocks: list[Block], subjects: SubjectReader) -> None:
        self.text = text
        self.blocks = blocks
        self.subjects = subjects
        self.blank_lines = False

    def spans(self) -> list[tuple[int, Block, int, int]]:
        """(block index, block, body start, body end) of the body blocks, in order.

        A paragraph that only continues the line before it (a line break the normaliser could
        not repair: "… báo cáo" / "Sở Nông nghiệp và Môi trường trình …") is joined to it.
        """
        text = self.text
        zones = _zones(text, self.blocks)
        body = [b for b, z in zip(self.blocks, zones, strict=True) if z == "body"]
        gaps = [text[a.end : b.start] for a, b in itertools.pairwise(body)]
        # Sources that separate paragraphs with blank lines (markdown, most HTML) leave a single
        # line break only where a wrapped line could not be joined: that line continues the block.
        self.blank_lines = bool(gaps) and sum("\n\n" in g for g in gaps) >= 0.6 * len(gaps)
        out: list[tuple[int, Block, int, int]] = []
        for idx, b in enumerate(self.blocks):
            if zones[idx] != "body":
                continue
            body_start = b.start
            if b.label and text.startswith(b.label, b.start):
                body_start = b.start + len(b.label)
            s, e = _strip_span(text, body_start, b.end, " \t\n")
            if s >= e:
                continue
            if out and not b.label and b.kind == "paragraph" and self._continues(out[-1], s):
                pi, pb, ps, _ = out[-1]
                out[-1] = (pi, pb, ps, e)
                continue
            out.append((idx, b, s, e))
        return out

    def _continues(self, prev: tuple[int, Block, int, int], s: int) -> bool:
        text = self.text
        _, pb, ps, pe = prev
        if pb.intro or text[pe - 1] == ":":
            # "Điều 5. Bộ trưởng các Bộ:" / "Xây dựng, Ngoại giao, … chịu trách nhiệm …": the list a
            # plural head waits for, wrapped onto the next line
            if "\n\n" not in text[pe:s] and _PLURAL_HEAD_END_RE.search(text[ps:pe]):
                return True
            if text[pe - 1] == ":":
                return False
            # an intro heading already joined to the list it waited for ("Giám đốc các Sở:" / "Tư pháp, …;"):
            # the rest of its sentence may still go on below
        if "\n\n" in text[pe:s]:
            # a paragraph broken by a blank line goes on in lower case: "… các đơn vị" / "hành chính; …"
            return text[pe - 1] not in ".;!?…" and text[s : s + 1].islower() and pb.kind != "heading"
        if self.blank_lines and (pb.kind != "heading" or text[pe - 1] not in ".;!?…"):
            return True
        if text[pe - 1] in ",;" and self.subjects._only_agencies(ps, pe - 1):
            return True  # "Điều 3. Chánh Văn phòng UBND tỉnh;" / "Giám đốc các Sở: …" wrapped onto the next line
        if text[pe - 1] in ",;" and self._closes_article(ps, s):
            # "Điều 4. Chánh Văn phòng …, Giám đốc …;" / "Thủ trưởng các cơ quan … chịu trách nhiệm thi hành
            # Quyết định này.": the article's addressees go on up to its closing predicate
            return True
        if text[pe - 1] in ".;:!?…":
            return False
        nxt = tokenize(text[s : s + 40], s)
        if not nxt or not nxt[0].word:
            return False
        last = [t for t in tokenize(text[max(ps, pe - 40) : pe], max(ps, pe - 40)) if t.word]
        if (
            last
            and _is_name_word(last[-1].text)
            and _is_name_word(nxt[0].text)
            and predicate_at([Token(nxt[0].text.lower(), "", 0, 0, True), *nxt[1:]], 0) is None
        ):
            return True  # a name broken over two lines: "… thành phố Hà" / "Nội, …"
        if self._name_across(ps, pe, s):
            return True
        if pb.kind == "heading" and self._open_ending(
            ps,
            pe,
            _HEADING_OPEN_ENDINGS
            if len(text[ps:pe].split()) < _LONG_HEADING_WORDS
            else _OPEN_ENDINGS | _HEADING_OPEN_ENDINGS,
        ):
            return True
        if pb.kind == "heading":
            # "Điều 3. Chánh Văn phòng UBND tỉnh, Giám đốc" / "Sở Tư pháp, … chịu trách nhiệm thi hành …":
            # an article's list of addressees cut at the page width after a title or a comma
            tail = text[max(ps, pe - 40) : pe]
            if _TITLE_END_RE.search(tail) or tail.endswith(","):
                lead = self.subjects.canon.parse_leading(text[: min(len(text), s + 300)], s)
                return lead is not None and lead.start == s
            return False
        if nxt[0].text[0].islower() or len(text[ps:pe].split()) <= 5:
            return True
        if self._open_ending(ps, pe, _OPEN_ENDINGS | _HEADING_OPEN_ENDINGS):
            return True
        return nxt[0].text.lower() in ("thành", "tỉnh", "huyện", "xã", "phường")

    def _closes_article(self, ps: int, s: int) -> bool:
        """The line at ``s`` ends a closing article whose addressees the block at ``ps`` began."""
        line_end = self.text.find("\n", s)
        line = self.text[s : line_end if line_end >= 0 else len(self.text)]
        if not _CLOSING_RE.search(line) or not line[:1].isupper():
            return False
        lead = self.subjects.canon.parse_leading(self.text[: min(len(self.text), s + 300)], s, keep_vague=True)
        return lead is not None and lead.start == s and bool(self.subjects.canon.parse_leading(self.text, ps))

    def _open_ending(self, ps: int, pe: int, endings: frozenset[str]) -> bool:
        """The line ends in a word that waits for more ("… báo cáo" / "… phối hợp với")."""
        text = self.text
        last = tokenize(text[max(ps, pe - 40) : pe], max(ps, pe - 40))
        if not last or not last[-1].word:
            return False
        tail = [t for t in last if t.word][-3:]
        return any(" ".join(t.text.lower() for t in tail[k:]) in endings for k in range(len(tail)))

    def _name_across(self, ps: int, pe: int, s: int) -> bool:
        """A place or agency name cut by the line break: "… của tỉnh" / "Lào Cai, …", "Bộ Chỉ huy" / "Quân sự tỉnh …".

        The next line opens with a capitalised word that does not start an agency of its own, after a
        word that waits for a name ("tỉnh", "Ủy ban nhân dân"); or an agency the table knows reads
        across the break while its part before the break is no known agency.
        """
        text = self.text
        if text[pe - 1] in ".;:!?…,)" or not text[s : s + 1].isupper():
            return False
        canon = self.subjects.canon
        window = text[: min(len(text), s + 200)]
        if _PLACE_HEAD_RE.search(text[max(ps, pe - 20) : pe]):
            lead = canon.parse_leading(window, s)
            if lead is None or lead.start != s:
                return True
        known = canon.table.agencies
        words = [t for t in tokenize(text[max(ps, pe - 50) : pe], max(ps, pe - 50)) if t.word][-6:]
        for w in words:
            lead = canon.parse_leading(window, w.start)
            if lead is None or lead.start != w.start or not lead.names:
                continue
            printed, name = lead.names[0]
            if w.start + len(printed) <= s:
                continue
            if name in known and canon.canonical(text[w.start : pe]) not in known:
                return True
        return False
