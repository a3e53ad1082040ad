"""Normalised text → ``Block`` list: the heading tree of a Vietnamese directive.

The input has one paragraph, list item or heading per line (``ingest/normalize.py``); every
non-empty line becomes one block, except a bare label line ("1.", "Chương I") which is joined
with the line that carries its text.

Labels recognised at the start of a line, each a *style*:

- ``Phần I`` / ``Chương II`` / ``Mục 1`` / ``Điều 5.`` (any case, with or without accents);
- Roman ``I.`` ``II.`` (and ``I.1.``), upper-case letters ``A.`` ``B.``;
- Arabic ``1.``, ``2.1.``, ``2.1.1.`` (one style per number of components), ``1)``;
- letters ``a)`` ``đ)`` ``a.``; parenthesised ``(1)`` ``(a)``;
- bullets ``-`` ``–`` ``+`` ``•`` ``*`` and friends.

Unlabelled headings: all-caps lines, and short lines without final punctuation that are
followed by running text.

The tree is built with a stack, without a fixed rank per style (documents nest "1." in "I." or
"I." in "1."): a label whose style is already open closes everything above it and becomes its
sibling; a new style opens a child. Only Phần > Chương > Mục > Điều have a fixed order, and a
numbered section never sits inside a list item. Arabic
numbers find their parent by prefix ("2.1.2." under "2.1."). A numbered paragraph that carries
content ("3.1. Giao Sở …: tiếp tục …") is a ``paragraph`` and still opens a section named by its
first words. A block ending with ":" ("… các nhiệm vụ sau đây:") is an *intro*: the list items
after it sit under it (its short form is in their path).

The document header (issuer, number, motto, place and date, type and title) and the footer
("Nơi nhận", signature) become blocks with an empty path and never open sections;
``block_zones`` tells which blocks they are (the chunker keeps the header as its own chunk and
keeps the signature but drops the recipient list).
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Literal

from chidao.lang.text import collapse_spaces, fold
from chidao.records import Block

log = logging.getLogger(__name__)

Zone = Literal["header", "body", "recipients", "footer"]

#: Length of a heading's short form in a path.
SHORT_FORM_CHARS = 80
#: Deepest nesting kept; deeper labels become siblings of the deepest open one.
MAX_DEPTH = 12
#: How far into a document the header may reach (blocks) before we give up looking for the body.
HEADER_MAX_BLOCKS = 60

# ---------------------------------------------------------------- label grammar

_WORD_LABEL_RE = re.compile(
    r"(?P<word>phan|chuong|muc|dieu)\s+(?P<num>thu\s+[a-z]+|[ivxlc]+|\d{1,3}[a-z]?)"
    r"(?P<close>\s*[.:)\-–]|(?=\s)|$)"
)
_ROMAN_RE = re.compile(r"(?P<num>[IVXLC]{1,7})(?P<sub>(?:\.\d{1,2})+)?(?P<close>\.|\)|/|:|\s+[-–](?=\s))?(?=\s|$)")
_ROMAN_VALID_RE = re.compile(r"(?=[IVXLC])(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$")
_UPPER_RE = re.compile(r"(?P<num>[A-ZĐ])(?P<close>[.)])(?=\s|$)")
_ARABIC_RE = re.compile(r"(?P<num>\d{1,3}(?:\.\d{1,2}){0,4})(?P<close>\.|\))?(?=\s|$)")
_LETTER_RE = re.compile(r"(?P<num>[a-zđ])(?P<close>[).]|/)(?=\s|$)")
_PAREN_RE = re.compile(r"\((?P<num>\d{1,2}|[a-zđ]|[ivx]{1,4})\)(?=\s|$)")
_BULLET_RE = re.compile(r"(?P<num>[-–—+•·●○◦▪■□♦❖➢➤►✓✔√])(?:\s+|(?=[^\W\d_]))|(?P<star>\*)\s+")
_DASHES = "-–—"
_PAREN_STYLES = ("paren_num", "paren_letter")
_WORD_RANK = {"phan": 0, "chuong": 1, "muc": 2, "dieu": 3}

_FINAL_PUNCT = ".;!?…"
_SENTENCE_INSIDE_RE = re.compile(r"[.;!?]\s+[A-ZĐÀ-Ỹ]")
_INTRO_FOLDED_RE = re.compile(r"(?:nhu sau|sau day)$")

# Footer and zone cues (folded, lower case).
_RECIPIENTS_RE = re.compile(r"noi nhan\b")
_SIGNATURE_RE = re.compile(r"(?:t/?m|k/?t|t/?l|tuq|q)\.?\s+\S")
_CLOSING_RE = re.compile(r"\.?/\.\s*$")  # "… thực hiện./."
_FOOTNOTE_RE = re.compile(r"(?:\[\w{1,4}\]|_{3,})")
_PREAMBLE_RE = re.compile(r"(?:can cu|xet de nghi|theo de nghi)\b")
_NOT_BODY_RE = re.compile(r"(?:kinh gui|dong kinh gui|v/v|so:)")
#: Caps lines that start a new document part after a footer (an attached plan, an appendix).
_PART_WORDS_RE = re.compile(
    r"(?:phu luc|ke hoach|quy che|quy dinh|chuong trinh|de an|huong dan|danh muc|danh sach|bieu|"
    r"quyet dinh|thong bao|chi thi|nghi quyet|bao cao|phuong an|dieu le|noi quy)\b"
)
_APPENDIX_RE = re.compile(r"phu luc\b")


@dataclass(slots=True)
class _Label:
    style: tuple[str, ...]
    family: Literal["section", "list", "bullet"]
    text: str  # the label as printed: "3.5.", "a)", "Điều 5.", "-"
    end: int  # offset after the label in the line
    value: int = 0
    comps: tuple[int, ...] = ()


@dataclass(slots=True)
class _Info:
    """One candidate block: a line (or a bare label line joined with the next)."""

    start: int
    end: int
    line: str  # NFC, spaces collapsed
    folded: str
    label: _Label | None
    rest: str  # the line after its label
    caps: bool
    headingish: bool
    intro: bool


@dataclass(slots=True)
class _Entry:
    style: tuple[str, ...]
    family: str
    short: str
    in_path: bool
    value: int = 0
    comps: tuple[int, ...] = ()
    intro: bool = False


@dataclass(slots=True)
class _Stack:
    entries: list[_Entry] = field(default_factory=list)

    def path(self) -> list[str]:
        return [e.short for e in self.entries if e.in_path]

    def pop_to(self, n: int) -> None:
        del self.entries[n:]

    def pop_transient(self, lists: bool = False) -> None:
        """Close unlabelled intros, bullets and "(1)" items on top (they hold list items only).

        With ``lists``, close "a)" / "1)" items too: a numbered section never sits inside them.
        """
        while self.entries:
            e = self.entries[-1]
            if e.family in ("intro", "bullet") or e.style[0] in _PAREN_STYLES or (lists and e.family == "list"):
                self.entries.pop()
            else:
                break

    def find(self, style: tuple[str, ...], value: int = 0) -> int | None:
        """Index of the open entry with this style: the one the value continues, else the top-most."""
        found = None
        for i in range(len(self.entries) - 1, -1, -1):
            e = self.entries[i]
            if e.style == style:
                if value and e.value + 1 == value:
                    return i
                if found is None:
                    found = i
        return found

    def push(self, entry: _Entry) -> None:
        if len(self.entries) >= MAX_DEPTH:
            self.entries.pop()
        self.entries.append(entry)


def _roman_value(s: str) -> int:
    values = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
    total = 0
    for a, b in zip(s, [*s[1:], ""], strict=True):
        v = values[a]
        total += -v if b and values[b] > v else v
    return total


def _parse_label(line: str, folded: str, last_upper: str | None) -> _Label | None:
    """The structural label at the start of ``line`` (NFC, collapsed), if any."""
    if not line:
        return None
    c = line[0]
    if c in "PpCcMmĐđDd":
        m = _WORD_LABEL_RE.match(folded)
        if m and (m.group("word") != "dieu" or m.group("close").strip() or m.end() == len(folded)):
            word = m.group("word")
            num = m.group("num")
            close = m.group("close").strip()
            if word != "dieu" and not close and m.end() < len(line):
                # "Chương I QUY ĐỊNH CHUNG" is a label, "Mục 1 của …" is not.
                nxt = line[m.end() :].lstrip()[:1]
                if not (nxt.isupper() or nxt.isdigit()):
                    return None
            value = int(re.sub(r"\D", "", num) or 0) if num[0].isdigit() else 0
            if not value and re.fullmatch(r"[ivxlc]+", num) and _ROMAN_VALID_RE.match(num.upper()):
                value = _roman_value(num.upper())
            return _Label((word,), "section", line[: m.end()].strip(), m.end(), value)
    if c in "IVXLC":
        m = _ROMAN_RE.match(line)
        if m and _ROMAN_VALID_RE.match(m.group("num")) and (m.group("close") or m.group("sub")):
            num = m.group("num")
            # A lone I / V / X right after H / U / W is an upper-case letter, not a Roman numeral;
            # a lone L or C is a letter unless it is Roman by context (rare enough to ignore).
            prev = {"I": "H", "V": "U", "X": "W"}.get(num)
            is_letter = (len(num) == 1 and num in "LC") or (prev is not None and last_upper == prev)
            if not is_letter:
                if m.group("sub"):
                    comps = tuple(int(x) for x in m.group("sub")[1:].split("."))
                    return _Label(("roman_sub", str(len(comps))), "section", m.group(0).strip(), m.end(), comps[-1])
                return _Label(("roman",), "section", m.group(0).strip(), m.end(), _roman_value(num))
    if c.isupper() and c.isalpha():
        m = _UPPER_RE.match(line)
        if m:
            return _Label(("upper",), "section", m.group(0), m.end(), ord(m.group("num")))
        return None
    if c.isdigit():
        m = _ARABIC_RE.match(line)
        if m:
            comps = tuple(int(x) for x in m.group("num").split("."))
            close = m.group("close") or ""
            if len(comps) == 1 and not close:
                return None
            if close == ")":
                return _Label(("arabic_paren", str(len(comps))), "list", m.group(0), m.end(), comps[-1], comps)
            return _Label(("arabic", str(len(comps))), "section", m.group(0), m.end(), comps[-1], comps)
        return None
    if c.islower():
        m = _LETTER_RE.match(line)
        if m:
            return _Label(("letter",), "list", m.group(0), m.end(), ord(m.group("num")))
        return None
    if c == "(":
        m = _PAREN_RE.match(line)
        if m:
            kind = "paren_num" if m.group("num")[0].isdigit() else "paren_letter"
            return _Label((kind,), "list", m.group(0), m.end())
        return None
    m = _BULLET_RE.match(line)
    if m:
        ch = m.group("num") or "*"
        style = ("bullet", "-" if ch in _DASHES else ch)
        return _Label(style, "bullet", ch, m.end())
    return None


def _is_caps(s: str) -> bool:
    letters = [c for c in s if c.isalpha()]
    return len(letters) >= 4 and all(c.isupper() for c in letters)


def _headingish(rest: str) -> bool:
    """Short, one phrase, no final punctuation (":" allowed: an intro heading)."""
    r = rest.rstrip(" )”\"'*")
    if not r:
        return True
    if len(r) > 200 or r[-1] in _FINAL_PUNCT or r[-1] == ",":
        return False
    return not _SENTENCE_INSIDE_RE.search(r)


def _is_intro(line: str, folded: str) -> bool:
    s = line.rstrip(" )”\"'*")
    return s.endswith(":") or bool(_INTRO_FOLDED_RE.search(folded.rstrip(" .")))


def short_form(text: str, limit: int = SHORT_FORM_CHARS) -> str:
    """A heading's form in a path: its first ``limit`` characters, cut at a word, with "…"."""
    s = collapse_spaces(text).rstrip(" :")
    if len(s) <= limit:
        return s
    cut = s.rfind(" ", 0, limit)
    if cut < limit // 2:
        cut = limit
    return s[:cut].rstrip(" ,;:-–") + "…"


# ---------------------------------------------------------------- lines → infos


def _line_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every non-empty line, stripped of surrounding whitespace."""
    spans: list[tuple[int, int]] = []
    pos = 0
    n = len(text)
    while pos < n:
        nl = text.find("\n", pos)
        if nl < 0:
            nl = n
        s, e = pos, nl
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s < e:
            spans.append((s, e))
        pos = nl + 1
    return spans


def _make_info(text: str, start: int, end: int, last_upper: str | None) -> _Info:
    line = collapse_spaces(unicodedata.normalize("NFC", text[start:end]))
    folded = fold(line)
    if len(folded) != len(line):  # folding changed lengths (rare characters): match on the line itself
        folded = line.lower()
    label = _parse_label(line, folded, last_upper)
    rest = line[label.end :].strip() if label else line
    return _Info(
        start=start,
        end=end,
        line=line,
        folded=folded,
        label=label,
        rest=rest,
        caps=_is_caps(rest) if rest else False,
        headingish=_headingish(rest),
        intro=_is_intro(line, folded),
    )


def _infos_from_spans(text: str, spans: list[tuple[int, int]], join_bare: bool) -> list[_Info]:
    infos: list[_Info] = []
    last_upper: str | None = None
    i = 0
    while i < len(spans):
        s, e = spans[i]
        info = _make_info(text, s, e, last_upper)
        # A bare label ("1.", "II.", "Chương I") takes the next line as its text.
        if join_bare and info.label and info.label.family != "bullet" and not info.rest and i + 1 < len(spans):
            nxt = _make_info(text, spans[i + 1][0], spans[i + 1][1], last_upper)
            chapter = info.label.style[0] in ("chuong", "phan", "muc")
            if nxt.label is None and (not chapter or nxt.caps or nxt.headingish):
                info = _make_info(text, s, spans[i + 1][1], last_upper)
                i += 1
        if info.label and info.label.style == ("upper",):
            last_upper = info.label.text[0]
        infos.append(info)
        i += 1
    return infos


# ---------------------------------------------------------------- zones


def _is_prose(info: _Info) -> bool:
    if info.label is not None or info.caps:
        return False
    letters = [c for c in info.line if c.isalpha()]
    if sum(c.isupper() for c in letters) * 2 > len(letters):  # "CÔNG ĐIỆN … THỦ TƯỚNG CHÍNH PHỦ điện:"
        return False
    n = len(info.line)
    return (n >= 100 and info.line.rstrip(" )”\"'*")[-1:] in _FINAL_PUNCT + ":") or n >= 200


def _is_body_start(info: _Info) -> bool:
    if _NOT_BODY_RE.match(info.folded):
        return False
    if info.label is not None and info.label.family != "bullet":
        return True
    return _is_prose(info) or bool(_PREAMBLE_RE.match(info.folded))


def _starts_wrapped_prose(infos: list[_Info], i: int) -> bool:
    """A letter's first sentence the normaliser left cut into short lines (a short hard-wrapped letter, whose
    width it could not measure), within six lines after "Kính gửi": a line of running text of 60 characters or
    more without final punctuation, whose following unlabelled lines of running text end a sentence within
    100 characters or more in all."""
    info = infos[i]
    if not any(p.folded.startswith(("kinh gui", "dong kinh gui")) for p in infos[max(0, i - 6) : i]):
        return False  # only a letter's first paragraph after "Kính gửi": a title before it may be as long
    if info.label is not None or info.caps or _NOT_BODY_RE.match(info.folded) or len(info.line) < 60:
        return False
    if info.line.rstrip()[-1:] in _FINAL_PUNCT + ":" or not _has_words(info.line):
        return False
    total = len(info.line)
    for nxt in infos[i + 1 : i + 4]:
        if nxt.label is not None or nxt.caps or _NOT_BODY_RE.match(nxt.folded):
            return False
        total += len(nxt.line) + 1
        if nxt.line.rstrip(" )”\"'*")[-1:] in _FINAL_PUNCT + ":":
            return total >= 100
    return False


def _has_words(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) * 4 < len(letters)


def _is_footer_cue(info: _Info) -> bool:
    if _RECIPIENTS_RE.match(info.folded):
        return True
    m = _SIGNATURE_RE.match(info.folded)
    return bool(m) and _is_caps(info.line) and info.label is None


def _is_restart(info: _Info) -> bool:
    """After a footer: the start of more body (an attached plan, an appendix, footnotes)."""
    if info.label is not None and info.label.family != "bullet":
        return True
    if info.caps and _PART_WORDS_RE.match(info.folded):
        return True
    if info.line.startswith("(") and "kem theo" in info.folded:
        return True
    if _FOOTNOTE_RE.match(info.line):
        return True
    return info.label is None and not info.caps and len(info.line) >= 80 and not _is_footer_cue(info)


def _is_recipient_line(info: _Info) -> bool:
    """A line of the "Nơi nhận" list: an item, or a short line ending like one ("Như trên;")."""
    if info.label is not None:
        return info.label.family == "bullet"
    if info.folded.startswith("luu"):
        return True
    return len(info.line) < 100 and info.line[-1:] in ";,."  # "TH, KTTH, NN, PL;" continues a line


def _zones(infos: list[_Info]) -> list[Zone]:
    n = len(infos)
    body_start = next(
        (i for i in range(min(n, HEADER_MAX_BLOCKS)) if _is_body_start(infos[i]) or _starts_wrapped_prose(infos, i)),
        None,
    )
    if body_start is None:
        body_start = 0 if n > HEADER_MAX_BLOCKS else n
    zones: list[Zone] = ["header"] * body_start
    state: Zone = "body"
    for i in range(body_start, n):
        info = infos[i]
        if state == "body":
            closed = i > body_start and _CLOSING_RE.search(infos[i - 1].line) is not None
            if _is_footer_cue(info) or (closed and not _is_restart(info)):
                state = "footer"
        elif state == "recipients" and _is_recipient_line(info):
            pass
        elif _is_restart(info) and not _is_footer_cue(info):
            state = "body"
        else:
            state = "footer"
        if state == "footer" and _RECIPIENTS_RE.match(info.folded):
            state = "recipients"
        zones.append(state)
    return zones


# ---------------------------------------------------------------- the tree


def _kind(info: _Info) -> Literal["heading", "paragraph", "item"]:
    lab = info.label
    if lab is None:
        return "heading" if info.caps and len(info.line) <= 200 else "paragraph"
    if lab.family == "bullet":
        return "item"
    if lab.family == "list":
        return "heading" if info.headingish and not info.intro and len(info.rest) <= 100 else "item"
    return "heading" if info.headingish else "paragraph"


def _is_short_heading(info: _Info, nxt: _Info | None) -> bool:
    """An unlabelled short line without final punctuation, followed by running text."""
    s = info.line
    if info.label is not None or info.intro or not (3 <= len(s) <= 100) or " " not in s:
        return False
    if not (s[0].isupper() and s[0].isalpha()) or not info.headingish or s[-1] in ",:":
        return False
    if nxt is None:
        return False
    return nxt.label is not None or len(nxt.line) > 100 or nxt.line[-1:] in _FINAL_PUNCT


def _place_labelled(stack: _Stack, info: _Info, lab: _Label, short: str, in_path: bool) -> None:
    if lab.family == "section":
        stack.pop_transient(lists=True)
    entry = _Entry(lab.style, lab.family, short, in_path, lab.value, lab.comps, info.intro)
    rank = _WORD_RANK.get(lab.style[0])
    if rank is not None:
        # Phần > Chương > Mục > Điều have a fixed order: close everything down to a higher-ranked
        # word label, but keep what was open before the first word label (a caps title, "QUYẾT ĐỊNH:").
        first_word = next((i for i, e in enumerate(stack.entries) if e.style[0] in _WORD_RANK), None)
        while stack.entries:
            top_i = len(stack.entries) - 1
            top_rank = _WORD_RANK.get(stack.entries[top_i].style[0])
            if (top_rank is not None and top_rank >= rank) or (
                top_rank is None and first_word is not None and top_i > first_word
            ):
                stack.entries.pop()
            else:
                break
        stack.push(entry)
        return
    if lab.style[0] == "arabic" and len(lab.comps) > 1:
        # "2.1.2." belongs under the open "2.1." (or "2."), whatever sits above it.
        best, best_len = None, 0
        for i, e in enumerate(stack.entries):
            is_prefix = e.style[0] == "arabic" and lab.comps[: len(e.comps)] == e.comps
            if is_prefix and len(lab.comps) > len(e.comps) >= best_len:
                best, best_len = i, len(e.comps)
        if best is not None:
            stack.pop_to(best + 1)
            stack.push(entry)
            return
    at = stack.find(lab.style, lab.value)
    if at is not None:
        top = stack.entries[-1]
        # "1." right under an intro of the same style ("2. Mục tiêu cụ thể:") restarts a nested list.
        restart = lab.value == 1 and top.intro and top.style == lab.style and top.value >= 1
        if not restart:
            stack.pop_to(at)
    stack.push(entry)


def _build(text: str, infos: list[_Info], zones: list[Zone]) -> list[Block]:
    blocks: list[Block] = []
    stack = _Stack()
    prev_zone: Zone | None = None
    for i, info in enumerate(infos):
        zone = zones[i]
        kind = _kind(info)
        label = info.label.text if info.label else ""
        if zone != "body":
            if prev_zone == "body" or zone != prev_zone:
                stack.pop_to(0)
            blocks.append(Block(kind=kind, start=info.start, end=info.end, label=label, intro=info.intro))
            prev_zone = zone
            continue
        if prev_zone != "body":
            stack.pop_to(0)
        prev_zone = zone
        short = short_form(info.line)
        lab = info.label
        hide_self = False  # the block opened a scope that its own path leaves out
        if lab is not None:
            if lab.family == "bullet":
                # A bullet opens a scope for its sub-items only if it introduces them or reads as a heading;
                # its own path stays its parent's (items never name themselves).
                in_path = info.intro or (info.headingish and len(info.rest) <= 100)
                hide_self = in_path
            else:
                in_path = True
            _place_labelled(stack, info, lab, short, in_path)
        elif info.caps:
            kind = "heading"
            if _APPENDIX_RE.match(info.folded):
                stack.pop_to(0)
            stack.pop_transient()
            at = stack.find(("caps",))
            prev_caps = i > 0 and zones[i - 1] == "body" and blocks[-1].kind == "heading" and infos[i - 1].caps
            if at is not None and prev_caps and at == len(stack.entries) - 1:
                at = len(stack.entries)  # "PHỤ LỤC I" / "DANH MỤC …": a title under the line above it
            elif at is None:
                # An unlabelled caps heading sits under the deepest open major label, else at the top.
                major = [
                    j for j, e in enumerate(stack.entries) if e.style[0] in ("phan", "chuong", "muc", "roman", "upper")
                ]
                at = major[-1] + 1 if major else 0
            stack.pop_to(at)
            stack.push(_Entry(("caps",), "section", short, True, intro=info.intro))
        elif _is_short_heading(info, infos[i + 1] if i + 1 < len(infos) else None):
            kind = "heading"
            stack.pop_transient()
            at = stack.find(("short",))
            if at is not None:
                stack.pop_to(at)
            stack.push(_Entry(("short",), "section", short, True))
        else:
            stack.pop_transient()
            after_heading = bool(blocks) and (blocks[-1].kind == "heading" or blocks[-1].intro)
            if _CLOSING_RE.search(info.line) and not after_heading:
                stack.pop_to(0)  # the closing formula "… thực hiện./." speaks for the whole document
            elif info.intro:
                # An unlabelled intro: the items after it carry it in their path, it keeps its parent's.
                stack.push(_Entry(("intro",), "intro", short, True, intro=True))
                hide_self = True
        path = stack.path()
        if hide_self:
            path = path[:-1]
        blocks.append(
            Block(
                kind=kind,
                start=info.start,
                end=info.end,
                level=len(path),
                label=label,
                path=path,
                intro=info.intro,
            )
        )
    return blocks


# ---------------------------------------------------------------- public API


def parse_blocks(text: str) -> list[Block]:
    """Split normalised text into blocks (one per non-empty line) with their heading paths."""
    if not text or not text.strip():
        return []
    infos = _infos_from_spans(text, _line_spans(text), join_bare=True)
    zones = _zones(infos)
    blocks = _build(text, infos, zones)
    log.debug("parsed %d blocks (%d header, %d footer)", len(blocks), zones.count("header"), zones.count("footer"))
    return blocks


def block_zones(text: str, blocks: list[Block]) -> list[Zone]:
    """For each block of ``parse_blocks(text)``: its zone.

    "header" (issuer … title, before the body), "body", "recipients" (the "Nơi nhận" list) or
    "footer" (signature and other end matter between the body and an appendix).
    """
    spans = [(b.start, b.end) for b in blocks]
    infos = _infos_from_spans(text, spans, join_bare=False)
    return _zones(infos)
