"""The constraints a question puts on its answer, and whether a document satisfies them.

A question narrows what may answer it: a document year ("năm 2021"), a date ("ngày 01/01/2021"), a month
("tháng 5/2021", "tháng 5 năm 2021"), a period or target year the text must speak of ("giai đoạn 2021-2025",
"đến năm 2030", "năm học 2031-2032", "nhiệm kỳ 2011 - 2016"), a province or city ("tỉnh Long An",
"UBND TP.HCM", "của Ninh Bình"), a document type written as a proper noun ("Chỉ thị", "Kế hoạch") and a
document number. Read from the grammar of such phrases (accent-folded, so questions typed without accents
read the same), never from the words of particular questions.

``unmet(constraints, doc, text)`` lists the constraints a document fails; strategies keep only documents that
fail none, and when none is left refuse with ``refusal``, which names what is missing and the nearest
document there is.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from chidao.lang.places import display, find_provinces, province_of
from chidao.lang.references import TYPE_WORDS
from chidao.lang.text import DOCNUM_RE, fold, latinize

_Y = r"((?:19|20)\d{2})"
_DATE_RE = re.compile(rf"(?<![\d/])(\d{{1,2}})\s*[/.-]\s*(\d{{1,2}})\s*[/.-]\s*{_Y}(?!\d)")
_DATE_WORDS_RE = re.compile(rf"\bngay\s+(\d{{1,2}})\s+thang\s+(\d{{1,2}})\s+nam\s+{_Y}(?!\d)")
_MONTH_RE = re.compile(rf"\bthang\s+(\d{{1,2}})\s*(?:/|-|\s+nam\s+)\s*{_Y}(?!\d)")
_RANGE_RE = re.compile(rf"{_Y}\s*(?:-|–|den|toi)\s*{_Y}(?!\d)")
# A year that the text must speak of rather than the document's own year: a target, a school year, a term.
_CONTENT_BEFORE = re.compile(
    r"\b(?:den|toi|truoc|sau|tu|dau|cuoi|giai doan|nam hoc|nhiem ky|nien khoa|mua vu|vu|tam nhin|dinh huong)"
    r"(?:\s+nam)?\s*$"
)
_YEAR_RE = re.compile(rf"(?<![\d/-]){_Y}(?![\d/])")

# Type words count as a constraint only written as a proper noun (capitalised) in the question.
_TYPE_RE = re.compile(
    r"(?<!\w)("
    + "|".join(sorted((re.escape(w) for ws in TYPE_WORDS.values() for w in ws), key=len, reverse=True))
    + r")(?!\w)"
)
_TYPE_OF = {w: t for t, ws in TYPE_WORDS.items() for w in ws}
_AGENCY_BEFORE = re.compile(r"\b(?:bo|so|phong|vu|cuc|ban|vien|truong)\s*$")
_NUMBER_AFTER = re.compile(r"\s+(?:so\s+)?\d")
# "… của UBND tỉnh X", "do Chủ tịch UBND thành phố X": the province is the document's issuer, unless what
# precedes is a request or report of the province ("đề nghị của UBND tỉnh X") or a part of it ("huyện … của tỉnh X").
_ISSUER_FORM = re.compile(
    r"\b(?:cua|do)\s+(?:chu tich\s+)?(?:(?:uy ban nhan dan|ubnd|hoi dong nhan dan|hdnd)\s+)?(?:tinh|thanh pho|tp)\.?\s+"
)
_NOT_ISSUER_BEFORE = re.compile(
    r"\b(?:de nghi|kien nghi|to trinh|bao cao|y kien|phan anh|nhiem vu|trach nhiem|viec|vai tro"
    r"|huyen|xa|phuong|thi xa|vung|dia ban)(?:\s+\w+)?\s*$"
)
# Issuers of local government (their province may be left out of the stored issuer: "Ủy ban nhân dân").
_LOCAL_ISSUER = re.compile(r"\b(?:uy ban nhan dan|ubnd|hoi dong nhan dan|hdnd|so|huyen|xa|phuong|thi xa)\b")
# Broad types a question names for documents of a narrower printed type ("Quyết định ban hành Kế hoạch").
_GENERIC_TYPES = frozenset({"Văn bản", "Luật", "Lệnh", "Quy định", "Hướng dẫn", "Chương trình", "Báo cáo"})


@dataclass
class Constraints:
    years: list[int] = field(default_factory=list)  # the document's year ("năm 2021", "Nghị quyết … 2021")
    content_years: list[int] = field(default_factory=list)  # years the text must mention (targets, periods)
    date: str | None = None  # ISO date of the document ("ngày 01/01/2021")
    month: tuple[int, int] | None = None  # (year, month) of the document or of what it is about
    provinces: list[str] = field(default_factory=list)  # folded province keys
    issued_by_province: bool = False  # the question names the province as the issuer ("của UBND tỉnh X")
    doc_type: str | None = None  # canonical type ("Chỉ thị")

    def __bool__(self) -> bool:
        return bool(self.years or self.content_years or self.date or self.month or self.provinces or self.doc_type)


_NUMBER_DATE = re.compile(
    r"\s*,?\s*(?:(?:ban hanh\s+|ky\s+)?ngay\s+\d{1,2}\s*(?:[/.-]|thang)\s*\d{1,2}\s*(?:[/.-]|nam)\s*\d{4}"
    r"|nam\s+\d{4})"
)


def _strip_numbers(question: str) -> str:
    """The question with its document numbers blanked, with the date or year printed after them: those
    describe the numbered document, which the reference look-up matches by number and year itself."""
    upper = latinize(question).upper()
    folded = fold(question)
    out = list(question)
    for m in DOCNUM_RE.finditer(upper):
        if "/" in m.group() or "-" in m.group():
            end = m.end()
            tail = _NUMBER_DATE.match(folded, end) if len(folded) == len(question) else None
            if tail:
                end = tail.end()
            for i in range(m.start(), end):
                out[i] = " "
    return "".join(out)


def parse(question: str) -> Constraints:
    """The constraints of a question (see the module docstring)."""
    c = Constraints()
    text = _strip_numbers(question)
    folded = fold(text)
    taken: list[tuple[int, int]] = []
    for rx in (_DATE_WORDS_RE, _DATE_RE):
        for m in rx.finditer(folded):
            d, mo, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
            if 1 <= d <= 31 and 1 <= mo <= 12 and c.date is None:
                c.date = f"{y:04d}-{mo:02d}-{d:02d}"
            taken.append(m.span())
    for m in _MONTH_RE.finditer(folded):
        if any(s <= m.start() < e for s, e in taken):
            continue
        mo, y = int(m.group(1)), int(m.group(2))
        if 1 <= mo <= 12:
            c.month = (y, mo)
        taken.append(m.span())
    for m in _RANGE_RE.finditer(folded):
        if any(s <= m.start() < e for s, e in taken):
            continue
        c.content_years.extend(y for y in (int(m.group(1)), int(m.group(2))) if y not in c.content_years)
        taken.append(m.span())
    for m in _YEAR_RE.finditer(folded):
        if any(s <= m.start() < e for s, e in taken):
            continue
        y = int(m.group(1))
        if _CONTENT_BEFORE.search(folded[: m.start()]):
            if y not in c.content_years:
                c.content_years.append(y)
        elif y not in c.years:
            c.years.append(y)
    if c.date:
        y = int(c.date[:4])
        c.years = [x for x in c.years if x != y]
    c.provinces = find_provinces(question)
    folded_q = fold(question)
    for m in _ISSUER_FORM.finditer(folded_q):
        if _NOT_ISSUER_BEFORE.search(folded_q[: m.start()]):
            continue
        named = find_provinces(question[m.end() - len(m.group().split()[-1]) - 1 :][:40])
        if named and named[0] in c.provinces:
            c.issued_by_province = True
    for m in _TYPE_RE.finditer(folded_q):
        original = question[m.start() : m.end()] if len(question) == len(folded_q) else ""
        if _AGENCY_BEFORE.search(folded_q[: m.start()]) or _NUMBER_AFTER.match(folded_q, m.end()):
            continue  # "Bộ Kế hoạch và Đầu tư"; "Quyết định 957/QĐ-TTg" (the cited document's type)
        if original[:1].isupper():
            kind = _TYPE_OF[" ".join(m.group(1).split())]
            if kind not in _GENERIC_TYPES:
                c.doc_type = kind
                break
    return c


# ---------------------------------------------------------------- satisfaction


def _mentions_year(folded_text: str, year: int) -> bool:
    return re.search(rf"(?<!\d){year}(?!\d)", folded_text) is not None


def year_ok(doc_year: int | None, doc_date: str | None, folded_title: str, folded_text: str, year: int) -> bool:
    """A document answers "năm Y" when it is of year Y, or is about year Y: its title says so, or its text
    speaks of "năm Y" and it was issued within a year of it (plans ahead, reports after)."""
    y = doc_year or (int(doc_date[:4]) if doc_date else None)
    if y == year or _mentions_year(folded_title, year):
        return True
    near = y is None or abs(y - year) <= 1  # undated: what its text says decides
    return near and re.search(rf"\bnam\s+{year}(?![\d\-–])", folded_text) is not None


@functools.lru_cache(maxsize=256)
def _fold_document(text: str) -> str:
    """A document's folded text, remembered: every question with a constraint reads the same candidates."""
    return fold(text)


@functools.lru_cache(maxsize=256)
def _provinces_of_document(text: str) -> tuple[str, ...]:
    return tuple(find_provinces(text))


def unmet(c: Constraints, doc, text: str) -> list[str]:
    """Names of the constraints ``doc`` (a DocumentRow or dict with year, date, issuer, type, title) fails;
    ``text`` is its normalised text."""
    get = doc.get if isinstance(doc, dict) else lambda k: getattr(doc, k, None)
    doc_year = get("year")
    if doc_year is None:  # the year inside the number ("11/2009/CT-UBND")
        m = re.search(r"/((?:19|20)\d{2})/", get("number") or "")
        doc_year = int(m.group(1)) if m else None
    title = fold(get("title") or "")
    folded = _fold_document(text)
    head = folded[:800]
    head = head[: head.find("can cu")] if "can cu" in head else head  # the letterhead, not the preamble's citations
    out = []
    for y in c.years:
        if not year_ok(doc_year, get("date"), title, folded, y):
            out.append("year")
            break
    for y in c.content_years:
        if not _mentions_year(folded, y):
            out.append("period")
            break
    if c.date:
        d = c.date
        y, m, dd = int(d[:4]), int(d[5:7]), int(d[8:])
        if get("date") != d and not re.search(rf"\b0?{dd}\s*[/.-]\s*0?{m}\s*[/.-]\s*{y}\b", folded):
            out.append("date")
    if c.month:
        y, m = c.month
        date = get("date") or ""
        said = re.search(rf"\bthang\s+0?{m}\s*(?:/|-|nam)\s*{y}\b", title) or re.search(
            rf"\bthang\s+0?{m}\s*(?:/|-|nam)\s*{y}\b", head
        )
        if not date.startswith(f"{y:04d}-{m:02d}") and not said:
            out.append("month")
    if c.provinces:
        issuer = get("issuer") or ""
        own = province_of(issuer)
        if own is not None:
            if own not in c.provinces:
                out.append("province")
        elif c.issued_by_province and issuer and not _LOCAL_ISSUER.search(fold(issuer)):
            out.append("province")  # a central document is not "của UBND tỉnh X"
        elif not any(p in _provinces_of_document(text) for p in c.provinces):
            out.append("province")
    if c.doc_type:
        kind = get("type") or ""
        if fold(kind) != fold(c.doc_type) and fold(c.doc_type) not in title and fold(c.doc_type) not in head:
            out.append("type")
    return out


# ---------------------------------------------------------------- refusal text

_WHAT = {
    "year": "năm",
    "period": "giai đoạn",
    "date": "ngày",
    "month": "tháng",
    "province": "tỉnh/thành phố",
    "type": "loại văn bản",
}


def describe(c: Constraints, name: str) -> str:
    """The constraint ``name`` as the question put it ("năm 2021", "tỉnh Quảng Nam")."""
    if name == "year":
        return "năm " + ", ".join(map(str, c.years))
    if name == "period":
        return "thời kỳ " + "–".join(map(str, c.content_years))
    if name == "date" and c.date:
        y, m, d = c.date.split("-")
        return f"ngày {int(d)}/{int(m)}/{y}"
    if name == "month" and c.month:
        return f"tháng {c.month[1]}/{c.month[0]}"
    if name == "province":
        return " hoặc ".join(display(p) for p in c.provinces)
    if name == "type" and c.doc_type:
        return f"loại {c.doc_type}"
    return _WHAT.get(name, name)


def refusal(c: Constraints, failed: list[str], subject: str, nearest: str | None) -> str:
    """The answer of a refusal: what nothing satisfies, and the nearest document there is."""
    names = ", ".join(describe(c, n) for n in dict.fromkeys(failed)) or "các điều kiện của câu hỏi"
    text = f"Chỉ mục không có {subject} đúng {names} mà câu hỏi nêu."
    if nearest:
        text += f" Gần nhất có: {nearest}."
    return text
