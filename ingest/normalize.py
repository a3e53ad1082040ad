"""``LoadedFile`` → ``NormalizedText``: the one text every later offset indexes.

Steps, each linear in the text's length:

1. characters: NFC; no-break and exotic spaces → space; zero-width characters, soft hyphens and
   control characters removed; tabs → space; CR/LF variants → "\\n"; runs of spaces collapsed;
2. markdown (TXT/MD only; the crawled dev corpus is markdown): ``**bold**``/``*it*`` marks,
   ``#`` heading marks, backslash escapes, links, table pipes (each cell its own line), rules;
3. PDF running headers and footers: lines repeated at the top or bottom of most pages, and page
   numbers ("Trang 2", "- 2 -", "2/5"), are dropped;
4. hard-wrapped lines are joined back into paragraphs (see ``_can_join``), hyphenation across line
   ends repaired where it splits a word; a heading, a numbered or lettered item ("2.1.", "a)",
   "Điều 5.") or a bullet ("- ", "+ ") always starts its own line;
5. blank-line runs collapsed to one; pages joined with a blank line, ``page_starts`` recorded.
"""

from __future__ import annotations

import logging
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

from chidao.records import LoadedFile, NormalizedText

logger = logging.getLogger(__name__)

# ---------------------------------------------------------------- characters

_CHAR_MAP: dict[int, str | None] = {}
for _cp in (0x00A0, 0x1680, 0x202F, 0x205F, 0x3000, *range(0x2000, 0x200B)):
    _CHAR_MAP[_cp] = " "
for _cp in (0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD, 0x180E, 0x034F):
    _CHAR_MAP[_cp] = None  # zero-width characters, soft hyphen, BOM
for _cp in (*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)):
    _CHAR_MAP[_cp] = None  # control characters
_CHAR_MAP.update({ord("\n"): "\n", ord("\t"): " ", 0x0B: "\n", 0x0C: "\n", 0x85: "\n", 0x2028: "\n", 0x2029: "\n"})
_SPACES_RE = re.compile(r" {2,}")


def clean_chars(text: str) -> str:
    """NFC, one kind of space, "\\n" line ends, no invisible or control characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_CHAR_MAP)
    return unicodedata.normalize("NFC", text)


# ---------------------------------------------------------------- labels and line kinds

_UPPER = "A-ZÀ-ỸĐ"
# The start of a list item or structural heading: bullets, "1.", "2.1.", "2.1 ", "1)", "(1)",
# "a)", "(a)", "a.", "I.", "(ii)", "Điều 5", "Chương II", "Phụ lục 01".
_LIST_START_RE = re.compile(
    r"^(?:"
    r"[-+•·▪◦●○■□➢➤❖✓✔*–—](?:\s|(?=[" + _UPPER + r"]))"
    r"|\d{1,2}(?:\.\d{1,2})*\.(?:\s|$)"
    r"|\d{1,2}(?:\.\d{1,2})+(?:\s|$)"
    r"|\(?\d{1,2}\)(?:\s|$)"
    r"|\(?[a-zđ]\)(?:\s|$)"
    r"|[a-zđA-ZĐ]\.\s"
    r"|\(?(?:[IVXLC]{1,6}|[ivx]{1,5})[.)](?:\s|$)"
    r"|(?:Điều|ĐIỀU|Chương|CHƯƠNG|Mục|MỤC|Phần|PHẦN|Phụ lục|PHỤ LỤC)\s+(?:\d{1,3}|[IVXLC]{1,6})\b"
    r")"
)
_BARE_LABEL_RE = re.compile(
    r"^(?:[-+•*–]|\d{1,2}(?:\.\d{1,2})*\.|\(?\d{1,2}\)|\(?[a-zđ]\)|[a-zđA-ZĐ]\.|\(?[IVXLC]{1,6}[.)]"
    r"|(?:Điều|ĐIỀU|Chương|CHƯƠNG|Mục|MỤC|Phần|PHẦN)\s+(?:\d{1,3}|[IVXLC]{1,6})\.?:?)$"
)
_TERMINAL = frozenset(".!?:;…")
# "- xã hội …": a dash, a space and a word in lower case (an item would start with a capital)
_DASH_LOWER_RE = re.compile(r"^[-–]\s+[a-zđà-ỹ]")
_ANNOUNCES_LIST_RE = re.compile(r"(?:\bsau|sau\s+đây|như\s+sau|\bgồm|\bbao\s+gồm|\bnhư)$", re.IGNORECASE)
_ARTICLE_START_RE = re.compile(r"^(?:Điều|Chương|Mục|Phần)\s+\d{1,3}\b(?!\s*[.:])")
# the words a citation puts before an article: "khoản 6", "điểm a khoản 2", "tại", "theo", "của", "và"
_CITES_BEFORE_RE = re.compile(
    r"(?:\b(?:khoản|điểm|tiết)\s+[\w.,]{1,6}|\b(?:tại|theo|của|và|hoặc|các|những|với|đến|từ))$", re.IGNORECASE
)
_CITED_ARTICLE_END_RE = re.compile(r"\b(?:khoản|điểm|Điều|Chương|Mục)\s+\d{1,3}[a-zđ]?$")
_DOCUMENT_TYPE_START_RE = re.compile(
    r"^(?:Nghị\s+định|Nghị\s+quyết|Luật|Bộ\s+luật|Thông\s+tư|Quyết\s+định|Chỉ\s+thị|Pháp\s+lệnh|Hiến\s+pháp|"
    r"Quy\s+chế|Quy\s+định|Kế\s+hoạch|Công\s+văn|Thông\s+báo|Văn\s+bản)\b"
)
# a numbered item or article, whose sentence may be cut before a dash like any other
_LABEL_NUMBERED_RE = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*\.|\(?\d{1,2}\)|\(?[a-zđ]\)|[IVXLC]{1,6}\.|Điều\s+\d)")
# Function words that need a complement, so a line ending with one goes on on the next line.
_NEVER_LAST = frozenset(
    ["về", "của", "và", "tại", "cho", "với", "trong", "các", "những", "từ", "để", "là", "hoặc", "nhằm", "giữa", "bởi"]
)
_OPENERS = frozenset(",(/&+–-[{“‘")  # a line ending with one of these goes on


def _is_list_start(text: str) -> bool:
    return bool(_LIST_START_RE.match(text))


def _all_caps(text: str) -> bool:
    letters = [c for c in text[:200] if c.isalpha()]
    return len(letters) >= 2 and not any(c.islower() for c in letters)


# ---------------------------------------------------------------- the line model


class _Line:
    """One physical line after character and markdown cleanup."""

    __slots__ = ("emph_open", "ends_closed", "hard", "heading", "starts_emph", "text")

    def __init__(self, text: str, *, hard: bool = False, heading: bool = False):
        self.text = text
        self.hard = hard  # never joined onto the line before (table cell, after a rule, …)
        self.heading = heading  # a markdown heading: never joined with either neighbour
        self.emph_open = False  # a markdown emphasis span continues on the next line
        self.starts_emph = False  # the line opens an emphasis span at its start
        self.ends_closed = False  # the line ends by closing every open emphasis span


class _Blank:
    """A paragraph break: ``hard`` for table-cell separators (never bridged)."""

    __slots__ = ("hard",)

    def __init__(self, hard: bool):
        self.hard = hard


_SOFT, _HARD = _Blank(hard=False), _Blank(hard=True)
_Entry = _Line | _Blank

# ---------------------------------------------------------------- markdown

# A row of cells without its outer pipes: at least three cells, each pipe between spaces.
_PIPE_ROW_RE = re.compile(r"^[^|]+(?:\s\|\s[^|]+){2,}$")
_TABLE_SEP_RE = re.compile(r"^\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?$")
_ATX_RE = re.compile(r"^#{1,6}(?:\s+|$)")
_QUOTE_RE = re.compile(r"^(?:>\s?)+")
_IMAGE_LINK_RE = re.compile(r"!?\[([^\[\]\n]{0,500})\]\([^()\[\]\s]{0,2000}\)")  # bounded: linear
_ESCAPE_RE = re.compile(r"\\([!-/:-@\[-`{-~])")
_STARS_RE = re.compile(r"\*+")
_FOOTNOTE_STAR_RE = re.compile(r"\(\*+\)")
_BR_RE = re.compile(r"<br\s*/?>", re.IGNORECASE)
_RULE_CHARS = "-_=*~.·•–— "
_INLINE_RULE_RE = re.compile(r"(?:^|\s)[-_=–—]{3,}(?=\s|$)")


def _markdown_lines(lines: Iterable[str], markdown: bool) -> list[_Entry]:
    """Physical lines → entries, with markdown markup removed when ``markdown``."""
    entries: list[_Entry] = []
    singles = doubles = False  # open emphasis spans
    pending_hard = False
    for raw in lines:
        line = (_SPACES_RE.sub(" ", raw) if "  " in raw else raw).strip()
        if not line:
            entries.append(_SOFT)
            singles = doubles = False
            pending_hard = False
            continue
        if markdown:
            if "|" in line and _TABLE_SEP_RE.match(line):
                pending_hard = True  # "|---|---|" between a table's header and body rows
                continue
            if not line.strip("| "):
                entries.append(_HARD)  # trafilatura's cell separators ("|" alone on a line)
                singles = doubles = False
                pending_hard = False
                continue
            heading = False
            m = _ATX_RE.match(line)
            if m:
                line, heading = _strip_closing_hashes(line[m.end() :]), True
                if not line:
                    continue
            if line[0] == ">":
                line = _QUOTE_RE.sub("", line)
            if line.count("|") >= 2 and (line.startswith("|") or line.endswith("|") or _PIPE_ROW_RE.match(line)):
                # a table row, with or without its outer pipes ("Số: 12/UBND | Hà Nội, ngày … |",
                # "1 | Xây dựng kế hoạch … | Sở Y tế | Quý II/2024"): one line per cell
                cells = [c.strip() for c in line.strip("|").split("|")]
                for cell in cells:
                    if cell:
                        entries.extend(_inline_rules(cell, hard=True, heading=False))
                pending_hard = True
                continue
            if "](" in line:
                line = _IMAGE_LINK_RE.sub(r"\1", line)
            if "`" in line:
                line = line.replace("`", "")
            if "\\" in line:
                # "\*" is a literal star: hidden from the emphasis pass as \x01, restored after it.
                line = _ESCAPE_RE.sub(r"\1", line.replace("\\*", "\x01"))
            # Emphasis: stars are removed, their spans tracked across lines.
            bullet = ""
            if line.startswith("* ") and len(line) > 2 and line[2].isupper() and "*" not in line[2:]:
                bullet, line = "* ", line[2:]
            had_stars = "*" in line
            starts_emph = line.startswith("*") and not (singles or doubles)
            if had_stars:
                line = _FOOTNOTE_STAR_RE.sub("\x00", line)  # "(*)" is a footnote mark, not emphasis
                for m2 in _STARS_RE.finditer(line):
                    k = len(m2.group())
                    singles ^= bool(k % 2)
                    doubles ^= bool((k // 2) % 2)
                ends_with_star = line.endswith("*")
                line = _STARS_RE.sub("", line).replace("\x00", "(*)")
                line = _SPACES_RE.sub(" ", line).strip()
            else:
                ends_with_star = False
            if "\x01" in line:
                line = line.replace("\x01", "*")
            line = bullet + line if line else line
            parts = _BR_RE.split(line) if "<" in line else [line]
            new: list[_Line] = []
            for i, part in enumerate(parts):
                part = part.strip()
                if part:
                    new.extend(_inline_rules(part, hard=pending_hard or i > 0, heading=heading))
                    pending_hard = False
            if not new:
                # Markup only ("**", "* *"): it may close a span opened on the line before.
                if had_stars and entries and isinstance(entries[-1], _Line):
                    entries[-1].emph_open = singles or doubles
                    entries[-1].ends_closed = not (singles or doubles)
                continue
            new[0].starts_emph = starts_emph
            new[-1].emph_open = singles or doubles
            new[-1].ends_closed = ends_with_star and not (singles or doubles)
            entries.extend(new)
        else:
            entries.extend(_inline_rules(line, hard=pending_hard, heading=False))
            pending_hard = False
    return entries


def _strip_closing_hashes(text: str) -> str:
    stripped = text.rstrip("#")
    if stripped != text and (not stripped or stripped[-1] == " "):
        return stripped.strip()
    return text.strip()


def _inline_rules(text: str, *, hard: bool, heading: bool) -> list[_Line]:
    """A line, split where a rule of dashes stands inside it ("TỈNH X ------- CỘNG HÒA …");
    a line that is only a rule gives no line, but makes the next one hard."""
    if len(text) >= 3 and not text.strip(_RULE_CHARS) and len(text) - text.count(" ") >= 3:
        return [_Line("", hard=True)]
    if "---" not in text and "___" not in text and "===" not in text and "–––" not in text:
        return [_Line(text, hard=hard, heading=heading)]
    out = []
    for i, piece in enumerate(_INLINE_RULE_RE.split(text)):
        piece = piece.strip()
        if piece:
            out.append(_Line(piece, hard=hard or i > 0, heading=heading))
    return out or [_Line("", hard=True)]


# ---------------------------------------------------------------- running headers / footers

_PAGE_NUMBER_RES = (
    re.compile(r"^(?:trang|page|tr\.)\s*(\d{1,4})(?:\s*(?:/|trên|of|-)\s*\d{1,4})?$", re.IGNORECASE),
    re.compile(r"^(\d{1,4})\s*/\s*\d{1,4}$"),
    re.compile(r"^[-–—]\s*(\d{1,4})\s*[-–—]$"),
    re.compile(r"^\[?(\d{1,4})\]?$"),
)
_DIGITS_RE = re.compile(r"\d+")
_ZONE = 3  # lines at the top and at the bottom of a page where running headers live


def _page_number(text: str) -> tuple[int, bool] | None:
    """(number, explicit) when the line is a page number; explicit = not a bare number."""
    for i, rx in enumerate(_PAGE_NUMBER_RES):
        m = rx.match(text)
        if m:
            return int(m.group(1)), i < 3
    return None


def _zone(entries: list[_Entry]) -> list[int]:
    idx = [i for i, e in enumerate(entries) if isinstance(e, _Line) and e.text]
    if len(idx) <= 2 * _ZONE:
        return idx
    return idx[:_ZONE] + idx[-_ZONE:]


def _drop_running_lines(pages: list[list[_Entry]]) -> int:
    """Remove running headers/footers and page numbers in place; returns how many lines went."""
    n = len(pages)
    zones = [_zone(p) for p in pages]
    drop: list[set[int]] = [set() for _ in pages]

    # Page numbers: explicit forms always; bare numbers when they follow the page sequence.
    bare: list[tuple[int, int, int]] = []  # (page, entry index, number - page)
    for p, (entries, zone) in enumerate(zip(pages, zones, strict=True)):
        near = zone[:2] + zone[-2:] if len(zone) > 4 else zone
        for i in near:
            found = _page_number(entries[i].text)  # type: ignore[union-attr]
            if found is None:
                continue
            number, explicit = found
            if explicit:
                drop[p].add(i)
            else:
                bare.append((p, i, number - (p + 1)))
    if bare and n >= 2:
        offsets = Counter(off for _, _, off in bare)
        offset, count = offsets.most_common(1)[0]
        if count >= 2 and count >= 0.5 * len({p for p, _, _ in bare}):
            for p, i, off in bare:
                if off == offset:
                    drop[p].add(i)

    # Repeated lines: the same text at the top or bottom of most pages, or the same text with a
    # number that follows the page ("Kế hoạch số 12/KH-UBND - trang 3").
    if n >= 2:
        need = max(2, math.ceil(0.6 * n))
        width = _wrap_width(e for page in pages for e in page)
        longest = max(40, int(0.65 * width)) if width else 100
        exact: dict[str, list[tuple[int, int]]] = {}
        varying: dict[str, list[tuple[int, int, list[int]]]] = {}
        for p, (entries, zone) in enumerate(zip(pages, zones, strict=True)):
            for i in zone:
                text = entries[i].text  # type: ignore[union-attr]
                if len(text) > longest:
                    continue  # a full-width line is body text, not a running header
                exact.setdefault(_running_key(text), []).append((p, i))
                if _DIGITS_RE.search(text):
                    numbers = [int(d) for d in _DIGITS_RE.findall(text)[:8]]
                    varying.setdefault(_DIGITS_RE.sub("#", _running_key(text)), []).append((p, i, numbers))
        for hits in exact.values():
            if len({p for p, _ in hits}) >= need:
                for p, i in hits:
                    drop[p].add(i)
        for hits in varying.values():
            if len({p for p, _, _ in hits}) >= need and _follows_pages(hits):
                for p, i, _ in hits:
                    drop[p].add(i)

    removed = 0
    for p, entries in enumerate(pages):
        if drop[p]:
            removed += len(drop[p])
            pages[p] = [e for i, e in enumerate(entries) if i not in drop[p]]
    return removed


def _running_key(text: str) -> str:
    return text.casefold().replace(" ", "")


def _follows_pages(hits: list[tuple[int, int, list[int]]]) -> bool:
    """Does one of the numbers in these lines go up with the page (number - page constant)?"""
    width = min(len(numbers) for _, _, numbers in hits)
    return any(len({numbers[j] - p for p, _, numbers in hits}) == 1 for j in range(width))


# ---------------------------------------------------------------- unwrapping

_SYLLABLE_RE = re.compile(
    r"^(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnpqrstvx])?[aeiouy]{1,3}(?:ch|ng|nh|[cmnpt])?$"
)
_TRAILING_WORD_RE = re.compile(r"(\w+)-$")
_LEADING_WORD_RE = re.compile(r"^(\w+)")


def _fold_letters(word: str) -> str:
    word = word.lower().replace("đ", "d")
    return "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))


@lru_cache(maxsize=65536)
def _is_syllable(word: str) -> bool:
    return bool(_SYLLABLE_RE.match(_fold_letters(word)))


def _is_word_split(left: str, right: str) -> bool:
    """True when "left-" + "right" is one word split by hyphenation (drop the hyphen)."""
    if not (left.isalpha() and right.isalpha() and right[0].islower()):
        return False
    left_ok, right_ok = _is_syllable(left), _is_syllable(right)
    if left_ok and right_ok:
        return False  # two syllables joined by a real hyphen ("kinh tế-xã hội")
    if _is_syllable(left + right):
        return True  # a Vietnamese syllable cut in two ("ngh-iên")
    return left.isascii() and right.isascii()  # a foreign word cut in two ("infor-mation")


class _Unit:
    """A logical line being assembled from physical lines."""

    __slots__ = ("first", "last", "parts")

    def __init__(self, line: _Line):
        self.parts = [line.text]
        self.first = line
        self.last = line

    def text(self) -> str:
        pieces = [self.parts[0]]
        for prev, part in zip(self.parts, self.parts[1:], strict=False):
            if prev.endswith("-") and len(prev) >= 2 and not prev[-2].isspace():
                left, right = _TRAILING_WORD_RE.search(prev[-40:]), _LEADING_WORD_RE.match(part)
                if left and right and _is_word_split(left.group(1), right.group(1)):
                    pieces[-1] = pieces[-1][:-1]  # "ngh-" + "iên" → "nghiên"
                pieces.append(part)  # "270/QĐ-" + "UBND", "2021-" + "2025": hyphen kept, no space
            else:
                pieces.append(" ")
                pieces.append(part)
        return "".join(pieces)

    def add(self, line: _Line) -> None:
        self.parts.append(line.text)
        self.last = line

    @property
    def bold_closed(self) -> bool:
        """The whole unit is one emphasis span (a markdown-bold heading)."""
        return self.first.starts_emph and self.last.ends_closed


def _can_join(unit: _Unit, nxt: _Line, width: int | None) -> bool:
    """Is ``nxt`` the continuation of ``unit`` (a hard-wrapped line of the same paragraph)?"""
    if nxt.hard or nxt.heading or unit.first.heading:
        return False
    prev = unit.last.text
    text = nxt.text
    if _is_list_start(text):
        return _dash_compound(unit, prev, text) or _cited_article(prev, text)
    if len(unit.parts) == 1 and _BARE_LABEL_RE.match(prev):
        return True  # "I." / "1." / "Điều 5." alone on its line: its title follows
    if unit.last.emph_open:  # inside "**…**" spanning lines, unless a sentence ended there
        return not (prev[-1] in _TERMINAL and text[0].isupper())
    if prev.endswith("-") and len(prev) >= 2 and prev[-2].isalnum():
        return True  # "270/QĐ-" ⏎ "UBND", "phát-" ⏎ "triển"
    last, first = prev[-1], text[0]
    if last in _TERMINAL:
        # A new sentence or item never starts in lower case: "… ổn định;" ⏎ "tăng trưởng …".
        return last in ";:" and first.islower()
    if first.islower():
        return True
    if unit.bold_closed:
        return False
    if prev.rsplit(" ", 1)[-1].lower() in _NEVER_LAST:
        return True  # "… VỀ" ⏎ "VIỆC …": a function word cannot end a line of its own
    long_prev = _wrapped(prev, width)
    if _all_caps(prev):
        return _all_caps(text) and long_prev  # a wrapped title in capitals
    if last in _OPENERS:
        return True
    if first.isdigit() or first in "(\"“'‘[":
        return long_prev or last.isalnum()
    if first.isupper():
        if long_prev or _cited_document(prev, text):
            return True
        if _is_list_start(unit.first.text) or not (last.isalpha() and last.islower()) or _all_caps(text):
            return False
        if width is not None and len(unit.parts) > 1:
            return False  # a short line inside a wrapped paragraph ends it
        # The first line of a paragraph cut short in the middle of a phrase ("… thành phố Cần" ⏎
        # "Thơ ban hành …"): continued when the next line goes on in lower case.
        return _continues_lowercase(text)
    return False


def _dash_compound(unit: _Unit, prev: str, text: str) -> bool:
    """A line cut before the dash of a compound ("… phát triển kinh tế" ⏎ "- xã hội của tỉnh", "dạy - học" ⏎
    "- thi trực tuyến"): a dash and a word in lower case after running text that neither ends a phrase nor is
    an item itself. A list after running text is announced by a colon, and its items go on in capitals."""
    if not _DASH_LOWER_RE.match(text) or not prev[-1:].isalpha() or _all_caps(prev):
        return False
    if _ANNOUNCES_LIST_RE.search(prev):
        return False  # "… các nội dung sau" ⏎ "- tổ chức tập huấn;": a list announced without its colon
    return not _is_list_start(unit.first.text) or bool(_LABEL_NUMBERED_RE.match(unit.first.text))


def _cited_article(prev: str, text: str) -> bool:
    """A citation cut before its article: "… quy định tại khoản 6" ⏎ "Điều 38 Nghị định số 15/2018/NĐ-CP …".
    An article of the document itself starts after a finished line, never after "khoản 6", "tại" or "của"."""
    return bool(_ARTICLE_START_RE.match(text)) and bool(_CITES_BEFORE_RE.search(prev))


def _cited_document(prev: str, text: str) -> bool:
    """A citation cut after its article: "… tại khoản 8 Điều 38" ⏎ "Nghị định số 15/2018/NĐ-CP …"."""
    return bool(_CITED_ARTICLE_END_RE.search(prev)) and bool(_DOCUMENT_TYPE_START_RE.match(text))


def _wrapped(prev: str, width: int | None) -> bool:
    """Is ``prev`` long enough to have ended because the line was full? (Widths in characters
    vary with letter widths and with the markup a converter wrapped, so only a ratio is used.)"""
    return width is not None and len(prev) >= 0.7 * width


def _continues_lowercase(text: str) -> bool:
    """'Thơ ban hành …' yes; 'Thực hiện Công văn' yes; 'Kính gửi: Sở Y tế' no (ends a label)."""
    words = text.split(" ", 3)
    if len(words) < 3:
        return False
    second = words[1]
    return second[:1].islower() and ":" not in words[0] + words[1]


def _wrap_width(entries: Iterable[_Entry]) -> int | None:
    """The width a hard-wrapped text was wrapped at, or None when it is not hard-wrapped.

    Measured on lines of 30 characters or more (table cells and headings are shorter): their
    90th percentile, trusted when enough lines come close to it, as wrapped lines do."""
    lengths = sorted(len(e.text) for e in entries if isinstance(e, _Line) and len(e.text) >= 30)
    if len(lengths) < 5:
        return None
    width = lengths[int(0.9 * (len(lengths) - 1))]
    near = sum(1 for n in lengths if 0.75 * width <= n <= width + 5)
    if not 40 <= width <= 160 or near < 0.15 * len(lengths):
        return None
    return width


def _assemble(entries: list[_Entry], width: int | None, unwrap: bool) -> str:
    out: list[str] = []
    unit: _Unit | None = None
    blank: _Blank | None = None  # a pending paragraph break

    def flush() -> None:
        nonlocal unit
        if unit is not None:
            out.append(unit.text())
            unit = None

    for e in entries:
        if isinstance(e, _Blank):
            if blank is None or e.hard:
                blank = e
            continue
        if not e.text:  # a rule: ends the unit
            flush()
            continue
        if unit is None:
            if blank is not None and out:
                out.append("")
            blank = None
            unit = _Unit(e)
            continue
        if unwrap and blank is None and _can_join(unit, e, width):
            unit.add(e)
        elif unwrap and blank is not None and not blank.hard and _bridges_blank(unit, e):
            unit.add(e)
            blank = None
        else:
            flush()
            if blank is not None:
                out.append("")
                blank = None
            unit = _Unit(e)
    flush()
    return "\n".join(out)


def _bridges_blank(unit: _Unit, nxt: _Line) -> bool:
    """A sentence cut by a blank line ("… cơ bản ổn" ⏎⏎ "định, tình hình …"): both sides in
    lower case, no punctuation at the cut, no label after it."""
    prev, text = unit.last.text, nxt.text
    return (
        not unit.last.heading
        and not nxt.heading
        and not nxt.hard
        and prev[-1].isalpha()
        and prev[-1].islower()
        and text[0].isalpha()
        and text[0].islower()
        and not _is_list_start(text)
    )


# ---------------------------------------------------------------- public API


_BLANK_RUN_RE = re.compile(r"\n[ \t]*(?:\n[ \t]*)+\n")


def _entries(text: str, markdown: bool) -> list[_Entry]:
    text = _BLANK_RUN_RE.sub("\n\n", clean_chars(text))
    return _markdown_lines(text.split("\n"), markdown)


def normalize_text(text: str, *, markdown: bool = True, unwrap: bool = True) -> str:
    """Normalise one text (see the module docstring). ``markdown`` removes markdown markup;
    ``unwrap`` joins hard-wrapped lines (off for DOCX/HTML, whose lines are real paragraphs)."""
    entries = _entries(text, markdown)
    return _assemble(entries, _wrap_width(entries) if unwrap else None, unwrap)


_PAGED = {"pdf", "png", "jpeg", "tiff"}  # formats read page by page (PDFs, scanned page images)


def normalize(loaded: LoadedFile) -> NormalizedText:
    """The normalised text of a loaded file; for PDFs and page images pages are joined with a blank line and
    their start offsets kept in ``page_starts``. ``warnings`` holds normalisation notes only
    (the loader's own are in ``loaded.warnings``)."""
    markdown = loaded.format in ("txt", "md")
    paged = loaded.format in _PAGED
    unwrap = markdown or paged
    pages = [_entries(page, markdown) for page in loaded.pages]
    warnings: list[str] = []
    if paged and len(pages) >= 1:
        removed = _drop_running_lines(pages)
        if removed:
            logger.debug("%s: dropped %d running header/footer lines", loaded.source, removed)
    width = _wrap_width(e for page in pages for e in page) if unwrap else None
    texts = [_assemble(page, width, unwrap) for page in pages]
    if not paged:
        return NormalizedText(text="\n\n".join(t for t in texts if t), page_starts=None, warnings=warnings)
    parts: list[str] = []
    starts: list[int] = []
    offset = 0
    for text in texts:
        if text and parts:
            offset += 2  # the blank line between pages
        starts.append(offset)
        if text:
            parts.append(text)
            offset += len(text)
    return NormalizedText(text="\n\n".join(parts), page_starts=starts, warnings=warnings)
