"""Document numbers a text cites: ``extract_references``, plus look-up helpers for the search side.

A citation is a document number ("Công điện số 541/CĐ-TTg ngày 23/4/2021", "Kết luận số 12-KL/TW",
"Nghị định 100/2019/NĐ-CP") found by ``chidao.lang.text.DOCNUM_RE`` (the same grammar the lexical index
uses to keep numbers whole), then read in its surroundings:

- the type word printed before it ("Công điện", "Luật … số"), else the type its symbol implies;
- the date printed after it ("ngày 23/4/2021", "ngày 23 tháng 4 năm 2021", "ngày 23-4-2021");
- the year: from that date, else from a year inside the number ("24/2014/NĐ-CP"), else None;
- compound forms: "Nghị quyết 01,02/NQ-CP", "các Công văn số 614, 615, 616-CV/VPTW",
  "số 01 và 02/NQ-CP" give one reference per number, each with the shared symbol;
- near-misses are not references: dates, ratios ("1/3", "24/24"), "COVID-19", "F0/F1", "V/v",
  year ranges, phone numbers, standards ("QCVN 01-1:2018/BYT"), "3D/VR360"-like technical terms.

Matching is accent- and case-insensitive (it runs on a folded copy of the text with the same
length, so offsets carry over), and Cyrillic look-alike letters count as Latin.

Numbers repeat every year (each agency restarts its numbering on 1 January), so a reference
identifies a document by its key AND its year: see ``reference_year`` and ``resolve_reference``.
"""

from __future__ import annotations

import datetime as _dt
import logging
import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache

from chidao.lang.text import DOCNUM_RE, docnum_display, docnum_key, latinize, nfc
from chidao.records import Reference

log = logging.getLogger(__name__)

# ---------------------------------------------------------------- folding with offsets kept


@lru_cache(maxsize=4096)
def _fold_char(c: str) -> str:
    if c in "đĐ":
        return "d"
    base = unicodedata.normalize("NFD", c)[0].lower()
    return base if len(base) == 1 else c


def shadow(text: str) -> str:
    """Lower-case, accent-free copy of ``text`` of the same length (``shadow[i]`` folds ``text[i]``).

    Look-alike Cyrillic/Greek letters become Latin. Patterns over the shadow are plain ASCII and
    their offsets index the original text.
    """
    return "".join(_fold_char(c) for c in latinize(text))


# ---------------------------------------------------------------- document types

#: Canonical type names and the (folded) words that print them, longest first where they overlap.
TYPE_WORDS: dict[str, tuple[str, ...]] = {
    "Thông tư liên tịch": ("thong tu lien tich",),
    "Nghị quyết liên tịch": ("nghi quyet lien tich",),
    "Văn bản hợp nhất": ("van ban hop nhat",),
    "Quy chế phối hợp": ("quy che phoi hop",),
    "Chương trình hành động": ("chuong trinh hanh dong",),
    "Công điện": ("cong dien",),
    "Công văn": ("cong van",),
    "Chỉ thị": ("chi thi",),
    "Nghị quyết": ("nghi quyet",),
    "Nghị định": ("nghi dinh",),
    "Quyết định": ("quyet dinh",),
    "Thông báo": ("thong bao",),
    "Thông tư": ("thong tu",),
    "Thông tri": ("thong tri",),
    "Kế hoạch": ("ke hoach",),
    "Kết luận": ("ket luan",),
    "Tờ trình": ("to trinh",),
    "Báo cáo": ("bao cao",),
    "Hướng dẫn": ("huong dan",),
    "Bộ luật": ("bo luat",),
    "Luật": ("luat",),
    "Pháp lệnh": ("phap lenh",),
    "Chương trình": ("chuong trinh",),
    "Đề án": ("de an",),
    "Phương án": ("phuong an",),
    "Quy chế": ("quy che",),
    "Quy định": ("quy dinh",),
    "Hiến pháp": ("hien phap",),
    "Sắc lệnh": ("sac lenh",),
    "Lệnh": ("lenh",),
    "Hiệp định": ("hiep dinh",),
    "Biên bản": ("bien ban",),
    "Giấy mời": ("giay moi",),
    "Văn bản": ("van ban",),
}
#: Printed words too general to type a document: the symbol decides instead.
GENERIC_TYPES = frozenset({"Văn bản"})
#: Type words that are also common nouns in lower case ("pháp luật", "mệnh lệnh"): only capitalised.
_CAPITALISED_ONLY = frozenset({"Luật", "Lệnh"})

#: Type codes of the symbol (upper case; "Đ" kept where it distinguishes, ASCII spellings typists use).
SYMBOL_TYPES: dict[str, str] = {
    "CĐ": "Công điện", "CD": "Công điện",
    "CV": "Công văn",
    "CT": "Chỉ thị",
    "NQ": "Nghị quyết", "NQLT": "Nghị quyết liên tịch",
    "NĐ": "Nghị định", "ND": "Nghị định",
    "QĐ": "Quyết định", "QD": "Quyết định",
    "TB": "Thông báo",
    "TT": "Thông tư", "TTLT": "Thông tư liên tịch",
    "KH": "Kế hoạch",
    "KL": "Kết luận",
    "TTR": "Tờ trình",
    "BC": "Báo cáo",
    "HD": "Hướng dẫn",
    "HĐ": "Hợp đồng",
    "CTR": "Chương trình",
    "ĐA": "Đề án", "DA": "Đề án",
    "PA": "Phương án",
    "QC": "Quy chế", "QCPH": "Quy chế phối hợp",
    "PL": "Pháp lệnh",
    "L": "Lệnh", "SL": "Sắc lệnh",
    "VBHN": "Văn bản hợp nhất",
    "GM": "Giấy mời",
    "BB": "Biên bản",
}  # fmt: skip
#: Type code for a type word (used to build a key from "công điện 570").
TYPE_CODES: dict[str, str] = {
    "Công điện": "CĐ", "Công văn": "CV", "Chỉ thị": "CT", "Nghị quyết": "NQ", "Nghị định": "NĐ",
    "Quyết định": "QĐ", "Thông báo": "TB", "Thông tư": "TT", "Thông tư liên tịch": "TTLT",
    "Kế hoạch": "KH", "Kết luận": "KL", "Tờ trình": "TTr", "Báo cáo": "BC", "Hướng dẫn": "HD",
    "Chương trình": "CTr", "Đề án": "ĐA", "Phương án": "PA", "Quy chế": "QC", "Pháp lệnh": "PL",
    "Văn bản hợp nhất": "VBHN", "Nghị quyết liên tịch": "NQLT", "Thông tri": "TT",
}  # fmt: skip

_WORD_TO_TYPE = {w: t for t, words in TYPE_WORDS.items() for w in words}
_TYPE_ALT = "|".join(sorted((re.escape(w).replace(r"\ ", r"\s+") for w in _WORD_TO_TYPE), key=len, reverse=True))
# A type word, optionally "số", right before the number (markdown '*' and brackets tolerated).
_TYPE_BEFORE_RE = re.compile(rf"(?<![a-z])(?P<type>{_TYPE_ALT})(?:\s+so)?[\s*_:(]*$")
_SO_BEFORE_RE = re.compile(r"(?<![a-z])so[\s*_:]*$")
# "Luật Tổ chức chính quyền địa phương số 77/2015/QH13": the type word further back in the clause.
_TYPE_ANY_RE = re.compile(rf"(?<![a-z])(?:{_TYPE_ALT})(?![a-z])")
_SEPS_RE = re.compile(r"\s*[/\-\u2010-\u2013]\s*")


def _split_number(number: str) -> tuple[str, int | None, list[str], bool]:
    """("570/CĐ-TTg") → ("570", None, ["CĐ", "TTg"], party_style=False)."""
    number = docnum_display(number)
    m = re.match(r"\d+(?:\.\d+)?[a-zA-Z]?", number)
    head = m.group() if m else ""
    rest = number[len(head) :]
    party = rest.startswith("-")
    parts = [p for p in _SEPS_RE.split(rest) if p]
    year = None
    symbols = []
    for p in parts:
        if re.fullmatch(r"(?:19|20)\d{2}", p):
            if year is None:
                year = int(p)
        else:
            symbols.append(p)
    return head, year, symbols, party


def type_from_number(number: str) -> str | None:
    """The document type a number's symbol implies: "570/CĐ-TTg" → "Công điện", "57-NQ/TW" →
    "Nghị quyết", "02-TT/TU" → "Thông tri", "1001/UBND-VX" (an agency code, no type code) →
    "Công văn"; None when it cannot tell ("170/2024/QH15" may be a Luật or a Nghị quyết)."""
    _, year, symbols, party = _split_number(number)
    if not symbols:
        return None
    code = symbols[0].upper()
    if code in SYMBOL_TYPES:
        kind = SYMBOL_TYPES[code]
        return "Thông tri" if party and kind == "Thông tư" else kind
    if year is not None or (len(symbols) == 1 and re.search(r"QH\d*$", code)):
        return None  # "45/2019/QH14", "1211/2016/UBTVQH13": a law or a resolution
    return "Công văn"


# ---------------------------------------------------------------- dates

_DATE_NUM = r"(?P<d>\d{1,2})\s?[/\-.]\s?(?P<m>\d{1,2})\s?[/\-.]\s?(?P<y>(?:19|20)\d{2})(?!\d)"
_DATE_WORDS = r"(?P<d2>\d{1,2})[\s*_]+thang[\s*_]+(?P<m2>\d{1,2})[\s*_,]+nam[\s*_]+(?P<y2>(?:19|20)\d{2})(?!\d)"
DATE_RE = re.compile(rf"(?:{_DATE_NUM}|{_DATE_WORDS})")
# What may stand between a number and the date that belongs to it.
_DATE_AFTER_RE = re.compile(rf"^[\s*_,]*\(?[\s*_]*(?:ban\s+hanh\s+|ky\s+)?ngay[\s*_:]*(?:{_DATE_NUM}|{_DATE_WORDS})")
_YEAR_AFTER_RE = re.compile(r"^[\s*_,]*nam[\s*_]+(?P<y>(?:19|20)\d{2})(?![\d\-\u2013])")


def iso_date(day: int, month: int, year: int) -> str | None:
    """``yyyy-mm-dd`` or None if the day does not exist."""
    try:
        return _dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def date_from_match(m: re.Match[str]) -> str | None:
    """ISO date from a match of ``DATE_RE`` (or of a pattern embedding its groups)."""
    gd = m.groupdict()
    if gd.get("d") is not None:
        return iso_date(int(gd["d"]), int(gd["m"]), int(gd["y"]))
    if gd.get("d2") is not None:
        return iso_date(int(gd["d2"]), int(gd["m2"]), int(gd["y2"]))
    return None


def parse_date(text: str) -> str | None:
    """The first date written in ``text`` ("23/4/2021", "23 tháng 4 năm 2021", "23-4-2021") → ISO."""
    for m in DATE_RE.finditer(shadow(nfc(text))):
        iso = date_from_match(m)
        if iso:
            return iso
    return None


# ---------------------------------------------------------------- sentences

_ABBREV_RE = re.compile(r"(?:^|[\s(])(?:tp|tt|kt|tl|tm|tuq|ths|ts|pgs|gs|q|p|v\.v|ct|cp|vd)\.$")
_BULLET_RE = re.compile(r"\n[ \t]*(?:[-+•*–]|\d+(?:\.\d+)*[.)]|[a-zđ]\)|[IVX]+\.)")


def _sentence_bounds(text: str, fold: str, start: int, end: int, limit: int = 300) -> tuple[int, int]:
    """Start/end of the sentence around ``text[start:end]`` (at most ``limit`` chars each side)."""
    lo = max(0, start - limit)
    s = lo
    for i in range(start - 1, lo - 1, -1):
        c = text[i]
        if c == "\n":
            prev = text[:i].rstrip(" \t*")
            if (not prev or prev[-1] in ".;:!?\n") or _BULLET_RE.match(text, i):
                s = i + 1
                break
        elif c in ".;!?" and i + 1 < len(text) and text[i + 1].isspace():
            if c == "." and (_ABBREV_RE.search(fold, max(0, i - 5), i + 1) or text[i - 1 : i].isdigit()):
                continue
            s = i + 1
            break
    hi = min(len(text), end + limit)
    e = hi
    for i in range(end, hi):
        c = text[i]
        if c == "\n":
            before = text[:i].rstrip(" \t*")
            if (before and before[-1] in ".;:!?") or _BULLET_RE.match(text, i) or text[i + 1 : i + 2] == "\n":
                e = i
                break
        elif c in ".;!?" and (i + 1 >= len(text) or text[i + 1].isspace()):
            if c == "." and _ABBREV_RE.search(fold, max(0, i - 5), i + 1):
                continue
            e = i + 1
            break
    return s, e


def _context(text: str, fold: str, start: int, end: int) -> str:
    s, e = _sentence_bounds(text, fold, start, end)
    # A sentence cut at the length limit is cut between words.
    if s > 0 and not text[s - 1].isspace() and text[s - 1] not in ".;!?":
        nxt = text.find(" ", s, start)
        s = nxt + 1 if nxt != -1 else s
    if e < len(text) and text[e - 1] not in ".;!?" and not text[e].isspace():
        prv = text.rfind(" ", end, e)
        e = prv if prv != -1 else e
    return " ".join(text[s:e].replace("*", " ").split())


# ---------------------------------------------------------------- extraction

# A list of bare numbers before a full one: "01,02/NQ-CP", "614, 615, 616-CV/VPTW", "01 và 02/NQ-CP".
_LIST_BEFORE_RE = re.compile(
    r"(?<![^\s(*])(?P<list>(?:\d{1,6}(?:\.\d{1,3})?[\s*]*(?:,|;|\bva\b|&)[\s*]*(?:so[\s*]+)?)+)$"
)
_BARE_NUM_RE = re.compile(r"\d{1,6}(?:\.\d{1,3})?")
_STANDARD_BEFORE_RE = re.compile(r"(?<![a-z])(?:qcvn|tcvn|tcn|qcdp|iso|iec|astm|en)[\s*_]*$")
_LETTERED_RE = re.compile(r"^\d+(?:\.\d+)?[a-zA-Z]\b")


def _type_before(fold: str, text: str, pos: int) -> tuple[str | None, bool]:
    """(type word right before ``pos`` or further back in the same clause after "số", has "số")."""
    window = fold[max(0, pos - 120) : pos]
    m = _TYPE_BEFORE_RE.search(window)
    if m:
        kind = _WORD_TO_TYPE[" ".join(m.group("type").split())]
        has_so = bool(re.search(r"(?<![a-z])so[\s*_:(]*$", window))
        if kind not in _CAPITALISED_ONLY or text[pos - len(window) + m.start()].isupper():
            return kind, has_so
        return None, has_so
    if not _SO_BEFORE_RE.search(window):
        return None, False
    # "Luật Đầu tư số 61/2020/QH14", "Nghị quyết của Quốc hội số …": a capitalised type word in the clause.
    clause_start = max(window.rfind(c) for c in ",;.()\n:") + 1
    clause = window[clause_start:]
    if len(clause.split()) > 14:
        return None, True
    offset = pos - len(window) + clause_start
    for m2 in _TYPE_ANY_RE.finditer(clause):
        if text[offset + m2.start()].isupper():
            return _WORD_TO_TYPE[" ".join(m2.group().split())], True
    return None, True


def _date_after(fold: str, pos: int) -> tuple[str | None, int | None]:
    """(ISO date, year) printed right after ``pos``: "ngày 23/4/2021" or "năm 2021"."""
    window = fold[pos : pos + 60]
    m = _DATE_AFTER_RE.match(window)
    if m:
        iso = date_from_match(m)
        if iso:
            return iso, int(iso[:4])
    m = _YEAR_AFTER_RE.match(window)
    if m:
        return None, int(m.group("y"))
    return None, None


def _plausible(number: str, fold: str, start: int, has_type: bool, has_so: bool) -> bool:
    """Reject matches of the number grammar that are not document numbers."""
    if _STANDARD_BEFORE_RE.search(fold[max(0, start - 12) : start]):
        return False  # "QCVN 08-MT:2015/BTNMT"
    if has_type or has_so:
        return True
    _, year, symbols, _ = _split_number(number)
    if _LETTERED_RE.match(number) and year is None and len(symbols) < 2:
        return False  # "3D/VR360", "5G/IoT"
    # "Lô 12-A", "tổ 5-B": a one-letter symbol alone is no document number
    return not (len(symbols) == 1 and year is None and len(symbols[0]) == 1)


def extract_references(text: str, own_number: str | None = None) -> list[Reference]:
    """Every document number ``text`` cites, in order of first appearance.

    ``own_number`` (the document's own "Số: …") is left out. A number cited several times gives
    one reference (the first occurrence), completed with the type and date of later occurrences;
    the same number with two different years gives two references (two documents). Offsets index
    ``nfc(text)`` (the text itself when it comes normalised).
    """
    text = nfc(text)
    latin = latinize(text)
    fold = shadow(text)
    own_key = docnum_key(own_number) if own_number else None

    found: list[Reference] = []
    by_key: dict[str, list[Reference]] = {}
    last_type: str | None = None
    last_end = -1

    def add(number: str, start: int, end: int, kind: str | None, date: str | None, year: int | None) -> None:
        key = docnum_key(number)
        if own_key and key == own_key:
            return
        _, num_year, _, _ = _split_number(number)
        if year is None:
            year = num_year
        if kind is None or kind in GENERIC_TYPES:
            kind = type_from_number(number) or kind
        same = by_key.setdefault(key, [])
        for ref in same:
            if ref.year is None or year is None or ref.year == year:
                ref.year = ref.year or year
                ref.date = ref.date or date
                if ref.type is None or (ref.type in GENERIC_TYPES and kind):
                    ref.type = kind
                return
        ref = Reference(
            number=number,
            key=key,
            year=year,
            type=kind,
            date=date,
            context=_context(text, fold, start, end),
            start=start,
            end=end,
        )
        same.append(ref)
        found.append(ref)

    for m in DOCNUM_RE.finditer(latin):
        start, end = m.span()
        number = docnum_display(m.group())
        # Bare numbers listed before this one share its symbol: "01,02/NQ-CP".
        head_len = len(re.match(r"\d+(?:\.\d+)?[a-zA-Z]?", number).group())
        suffix = number[head_len:]
        lst = _LIST_BEFORE_RE.search(fold, max(0, start - 80), start)
        bare: list[tuple[int, int]] = []
        list_start = start
        if lst:
            bare = [b.span() for b in _BARE_NUM_RE.finditer(fold, lst.start("list"), lst.end("list"))]
            list_start = bare[0][0] if bare else start
        kind, has_so = _type_before(fold, text, list_start)
        if bare and not (kind or has_so):
            bare = []  # "năm 2020, 15/QĐ-UBND" is not a list; a list needs "số" or a type word
            kind, has_so = _type_before(fold, text, start)
        if not _plausible(number, fold, start, kind is not None, has_so):
            continue
        if kind is None and has_so and last_type and 0 <= start - last_end < 80:
            # "… Văn bản số 6721/VPCP-V.I ngày 19/7/2025 và số 7514/VPCP-V.I …": the type carries over.
            between = fold[last_end:list_start]
            if re.fullmatch(r"[\s\S]*?(?:,|;|\bva\b|\bva cac\b)[\s*_]*(?:cac[\s*_]+)?so[\s*_:]*", between):
                kind = last_type
        date, year = _date_after(fold, end)
        for bs, be in bare:
            add(docnum_display(latin[bs:be]) + suffix, bs, be, kind, date, year)
        add(number, start, end, kind, date, year)
        last_type, last_end = kind, end
        if date:
            dm = _DATE_AFTER_RE.match(fold[end : end + 60])
            if dm:
                last_end = end + dm.end()
    return found


# ---------------------------------------------------------------- look-up helpers

_QUERY_BARE_RE = re.compile(
    rf"(?<![a-z])(?P<type>{_TYPE_ALT})(?P<so>[\s*_:]+so)?[\s*_:]+(?P<num>\d{{1,6}}(?:\.\d{{1,3}})?)"
    r"(?:\s*/\s*(?P<ny>(?:19|20)\d{2}))?(?![\d/\-.]*\w)"
)
_QUERY_YEAR_RE = re.compile(r"(?<![a-z])nam[\s*_]+(?P<y>(?:19|20)\d{2})(?![\d\-\u2013])")


def parse_number_query(text: str) -> tuple[str, int | None] | None:
    """What a user types to look a document number up → (key, year or None), or None.

    "570/CĐ-TTg", "570/CD-TTG", "570 / cd - ttg" → ("570/CD-TTG", None); "57-NQ/TW" → ("57-NQ/TW", None);
    "Công điện số 570/CĐ-TTg ngày 02/5/2021" → ("570/CD-TTG", 2021); "Nghị định 100/2019/NĐ-CP" →
    ("100/2019/ND-CP", 2019). A type word with a bare number, "công điện 570 năm 2021", gives the
    partial key "570/CD" (number and type code, no issuer): match it with ``number_matches``.
    """
    text = nfc(text).strip()
    if not text:
        return None
    fold = shadow(text)
    upper = latinize(text).upper()
    for m in DOCNUM_RE.finditer(upper):
        number = docnum_display(m.group())
        kind, has_so = _type_before(fold, text, m.start())
        if not _plausible(number, fold, m.start(), kind is not None, has_so):
            continue
        _, year = _date_after(fold, m.end())
        if year is None:
            ym = _QUERY_YEAR_RE.search(fold, m.end())
            year = int(ym.group("y")) if ym else _split_number(number)[1]
        return docnum_key(number), year
    for m in _QUERY_BARE_RE.finditer(fold):
        kind = _WORD_TO_TYPE[" ".join(m.group("type").split())]
        code = TYPE_CODES.get(kind)
        if code is None:
            continue
        rest = fold[m.end() :]
        _, year = _date_after(fold, m.end())
        # Without "số", only a short query ending with the number (and maybe its year or date) is a look-up:
        # "kế hoạch 5 năm" is a topic, "công điện 570 năm 2021" a number.
        if not m.group("so") and year is None and re.search(r"[a-z]", rest):
            continue
        if year is None:
            ym = _QUERY_YEAR_RE.search(fold, m.end())
            year = int(ym.group("y")) if ym else None
        num_year = m.group("ny")
        if num_year and year is None:
            year = int(num_year)
        key = m.group("num") + (f"/{num_year}" if num_year else "") + "/" + code
        return docnum_key(key), year
    return None


def number_matches(query_key: str, key: str) -> bool:
    """Does a stored document key answer a query key from ``parse_number_query``?

    Full keys compare equal ("570/CD-TTG"); a partial key ("570/CD", from "công điện 570") matches
    every key with that number and type code, whatever the issuer or the Party/State layout
    ("57/NQ" matches "57-NQ/TW" and "57/NQ-CP").
    """
    if query_key == key:
        return True
    q_num, q_year, q_syms, _ = _split_number(query_key)
    k_num, k_year, k_syms, _ = _split_number(key)
    if len(q_syms) != 1 or not k_syms or q_num.lstrip("0") != k_num.lstrip("0"):
        return False
    if q_year is not None and q_year != k_year:
        return False
    return q_syms[0] == k_syms[0]


def reference_year(ref: Reference, citing_doc_date: str | None) -> int | None:
    """The year a reference is resolved with: the explicit one (date after it, or year in the number).

    Otherwise None, and the search side must not guess a year from the citing document: it resolves
    the reference with ``resolve_reference``, which takes the candidate documents with the same key and
    - with a year: the candidate of that year (and of that exact date, if the date is printed);
    - without a year: the unique candidate dated not later than the citing document
      (a document cannot cite one issued after it); when several candidates of different years remain,
      no match: a number alone never picks one of several years.
    ``citing_doc_date`` is accepted so callers state the citing date explicitly; it does not change
    the explicit year.
    """
    del citing_doc_date
    return ref.year


def resolve_reference(
    ref: Reference,
    candidates: Iterable[tuple[str, str | None]],
    citing_doc_date: str | None = None,
) -> str | None:
    """Pick the indexed document a reference names, or None.

    ``candidates`` are ``(doc_id, ISO date or None)`` of the indexed documents whose key equals
    ``ref.key`` (the caller looks the key up). Policy as in ``reference_year``.
    """
    cands: Sequence[tuple[str, str | None]] = list(candidates)
    if not cands:
        return None
    year = reference_year(ref, citing_doc_date)
    if year is not None:
        same_year = [c for c in cands if c[1] and int(c[1][:4]) == year]
        if ref.date:
            exact = [c for c in same_year if c[1] == ref.date]
            if len(exact) == 1:
                return exact[0][0]
        return same_year[0][0] if len(same_year) == 1 else None
    earlier = [c for c in cands if not citing_doc_date or (c[1] is not None and c[1] <= citing_doc_date)]
    if len(earlier) == 1:
        return earlier[0][0]
    return None
