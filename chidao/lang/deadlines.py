"""Deadline phrases → dates: "trước ngày 15/5/2021", "trong quý III/2025", "trước ngày 15 hằng tháng".

``resolve_deadline(text, doc_date)`` reads a phrase (or a whole task, with ``bare=False``) against the
date of the document that assigns it and returns a ``Deadline``: ``due`` (ISO date or None),
``recurrence`` (None, "daily", "weekly", "monthly", "quarterly", "half-yearly", "yearly") and ``flags``.

The grammar works on the accent-folded text (``fold``: "Trước ngày" → "truoc ngay"), so a phrase
typed without accents reads the same, and tolerates missing spaces ("trướcngày15/5"):

- a date: day, month and optional year separated by "/", "-" or "." ("15/5/2021", "15-05-21",
  "15.5"), or written "ngày 20 tháng 12 (năm 2016)"; a time before it ("trước 16 giờ ngày 20/5") is
  skipped. It is the deadline itself.
- a month "tháng 6/2021", "tháng 6 năm 2021": its last day ("trong", "cuối", "hết", bare); the last
  day of the month before with "trước" (flag ``before_period``); the 10th with "đầu", the 15th with
  "giữa" (flag ``approximate``).
- a quarter "quý III/2025", "quý 3 năm 2025" (Roman or Arabic), a half "6 tháng đầu/cuối năm",
  "nửa đầu năm", a year "năm 2025", "giai đoạn 2021 - 2025": the last day of the period (with
  "trước": the last day of the period before).
- "trong tháng / quý / năm (này)", "cuối năm": the end of the document's own period.
- a span "trong (thời hạn | vòng) 10 ngày (làm việc) / 2 tuần / 3 tháng / 1 năm (kể từ ngày …)":
  counted from the document date (flag ``relative``; ``from_receipt`` when counted from receipt,
  which is approximated by the document date; ``working_days`` skips Saturdays and Sundays, not
  holidays), or from the date written after "kể từ ngày".
- recurrence: "hằng / hàng / mỗi / định kỳ (hằng) ngày / tuần / tháng / quý / năm", "định kỳ 6
  tháng", "6 tháng một lần"; with a day ("trước ngày 15 hằng tháng", "thứ Sáu hằng tuần", "trước
  ngày 15/12 hằng năm", "ngày 20 tháng cuối quý") the due date is the next such day on or after the
  document date, without one the end of the document's current period; "năm 2025 và các năm tiếp theo"
  recurs yearly, and a period given with a cycle keeps its day. Several day-and-month dates
  with "hằng năm" ("15/6 và 15/12 hằng năm") recur as often as they are many. Daily tasks have no
  due date (flag ``ongoing``).
- a start ("từ 01/7/2025", "kể từ ngày …") is not a deadline: with nothing else it gives no date and the
  flag ``start_date``; in a range ("từ … đến hết tháng 9/2025") the end counts.
- "ngay", "khẩn trương", "kịp thời" (flag ``immediate``), "thường xuyên", "liên tục" (flag
  ``ongoing``): no date.

Year-less dates and periods take the document's year, and the next year when they had already
passed on the document's date ("trước 30/6" in a document of 10/12/2024 → 2025-06-30; flags
``year_inferred`` and ``next_year``). An impossible day ("31/6", "30/2") is CLAMPED to the month's
last day and flagged ``impossible_date``; a month above 12 or a day above 31 is REJECTED (no date,
flag ``invalid_date``). A written date before the document's own date is kept and flagged
``before_document``. Anything that needs the document date when there is none gives no date and the
flag ``no_document_date``. A deadline word with nothing readable after it gives ``unresolved``.

With ``bare=False`` (reading a task's whole text) a date only counts after a deadline word
("trước", "chậm nhất", "hạn", "đến", "trong" …) so that the dates of cited documents ("Công điện số
570/CĐ-TTg ngày 02/5/2021") are not taken for deadlines, and a recurrence only counts after "định
kỳ", after a day, or near a reporting verb ("báo cáo", "cập nhật", "tổng hợp", "gửi").
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from chidao.lang.text import fold, has_accents, nfc

RECURRENCES = ("daily", "weekly", "monthly", "quarterly", "half-yearly", "yearly")
_PERIOD_MONTHS = {"monthly": 1, "quarterly": 3, "half-yearly": 6, "yearly": 12}
_ORDER = {name: k for k, name in enumerate(RECURRENCES)}


@dataclass(frozen=True)
class Deadline:
    """A resolved deadline. ``anchors`` are the (month, day) pairs a yearly cycle recurs on (day None = the
    month's last day); ``weekday`` (0 = Monday) the day of a weekly one."""

    due: str | None = None
    recurrence: str | None = None
    flags: tuple[str, ...] = ()
    phrase: str = ""
    anchors: tuple[tuple[int, int | None], ...] = field(default=(), repr=False)
    weekday: int | None = field(default=None, repr=False)

    @property
    def due_date(self) -> dt.date | None:
        return dt.date.fromisoformat(self.due) if self.due else None

    def next_due(self, on_or_after: dt.date) -> dt.date | None:
        """The first due date on or after a day: the due date itself for a one-off deadline, the next
        occurrence for a recurring one (never before the first due date)."""
        first = self.due_date
        if first is None:
            return None
        day = max(first, on_or_after)
        if self.recurrence == "weekly":
            return day + dt.timedelta(days=(first.weekday() - day.weekday()) % 7)
        if self.recurrence in _PERIOD_MONTHS and self.anchors:
            return _next_anchor(self.anchors, day)
        return first


# ---------------------------------------------------------------- calendar helpers


def _last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, _last_day(year, month))


def _add_months(day: dt.date, months: int) -> dt.date:
    total = day.year * 12 + day.month - 1 + months
    year, month = divmod(total, 12)
    return dt.date(year, month + 1, min(day.day, _last_day(year, month + 1)))


def _add_working_days(day: dt.date, n: int) -> dt.date:
    while n > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def _anchor_date(year: int, month: int, day: int | None) -> dt.date:
    last = _last_day(year, month)
    return dt.date(year, month, last if day is None else min(day, last))


def _next_anchor(anchors: tuple[tuple[int, int | None], ...], day: dt.date) -> dt.date:
    candidates = [_anchor_date(y, m, d) for y in (day.year, day.year + 1) for m, d in anchors]
    return min(c for c in candidates if c >= day)


def _anchors_for(recurrence: str, day: int | None, month: int | None = None) -> tuple[tuple[int, int | None], ...]:
    """(month, day) pairs of a recurring cycle: every month, the last month of every quarter or half,
    or one month a year."""
    if recurrence == "monthly":
        return tuple((m, day) for m in range(1, 13))
    if recurrence == "quarterly":
        return tuple((m, day) for m in (3, 6, 9, 12))
    if recurrence == "half-yearly":
        return tuple((m, day) for m in (6, 12))
    return ((month or 12, day),)


# ---------------------------------------------------------------- grammar (on folded text)


def _w(words: str) -> str:
    """A phrase of folded syllables that may be written glued or with several spaces: "truoc ngay"."""
    return r"\s*".join(re.escape(s) for s in words.split())


def _alt(*phrases: str) -> str:
    return "(?:" + "|".join(_w(p) for p in sorted(phrases, key=len, reverse=True)) + ")"


_B = r"(?<![a-z0-9])"  # a syllable starts here (folded text: letters are a-z)
_E = r"(?![a-z])"
_ANCHOR = _alt(
    "truoc", "cham nhat", "muon nhat", "khong qua", "khong muon hon", "khong cham hon", "den het", "den", "han chot",
    "thoi han", "thoi gian", "han", "hoan thanh", "xong", "trong", "ngay trong", "vao", "toi da", "het", "tu nay den",
)  # fmt: skip
_FILLER = r"(?:\s*(?:la|vao|:|,|hoan\s*thanh|xong)(?![a-z]))*"
_TIME = r"(?:\d{1,2}\s*(?:gio|h)(?:\s*\d{1,2}(?:\s*phut|['’])?)?(?![a-z])(?:\s*(?:sang|chieu|toi)(?![a-z]))?\s*,?\s*)"
_ANCHOR_END = r"(?:(?![a-z])|(?=ngay|thang|quy|nam))"  # "trướcngày15/5": glued words
_PRE = rf"(?:{_B}(?P<a>{_ANCHOR}){_ANCHOR_END}{_FILLER}\s*)?(?:{_TIME})?"
_YEAR = r"(?P<y>\d{4}|\d{2})"
_NUMDATE = rf"(?P<d>\d{{1,2}})\s*(?P<sep>[/.\-])\s*(?P<m>\d{{1,2}})(?:\s*(?P=sep)\s*{_YEAR})?(?![\d/])"
_WORDDATE = r"(?P<d2>\d{1,2})\s*thang\s*(?P<m2>\d{1,2})(?:\s*(?:nam|/|-)\s*(?P<y2>\d{4}))?(?!\d)"
_G = r"(?<![0-9])"  # after a deadline word the next word may be glued to it ("trướcngày15/5")
_DATE_RE = re.compile(rf"{_PRE}(?:{_G}ngay\s*)?(?<![\d/.\-])(?:{_NUMDATE}|{_WORDDATE})")
# "ngày 15 hằng tháng", "ngày 20 của tháng cuối quý": a day of a recurring cycle.
_DAY_RE = re.compile(rf"{_PRE}{_G}ngay\s*(?P<d>\d{{1,2}})(?!\s*(?:[/.\-]\s*\d|thang\s*\d))(?!\d)")
_WEEKDAYS = {"hai": 0, "2": 0, "ba": 1, "3": 1, "tu": 2, "4": 2, "nam": 3, "5": 3, "sau": 4, "6": 4, "bay": 5, "7": 5}
_WEEKDAY_RE = re.compile(rf"{_PRE}{_B}(?:thu\s*(?P<wd>hai|ba|tu|nam|sau|bay|[2-7])|(?P<cn>chu\s*nhat)){_E}")
_MONTH_RE = re.compile(
    rf"{_PRE}(?:{_B}(?P<pos>dau|giua|cuoi){_E}\s*)?{_G}thang\s*(?P<m>\d{{1,2}})(?!\d)"
    rf"(?:\s*(?:nam|/|-|\.)\s*{_YEAR})?(?![\d/])"
)
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_QUARTER_RE = re.compile(
    rf"{_PRE}(?:{_B}(?P<pos>dau|cuoi){_E}\s*)?{_G}quy\s*(?P<q>iv|iii|ii|i|[1-4])(?![a-z0-9])"
    rf"(?:\s*(?:nam|/|-)\s*(?P<y>\d{{4}}))?"
)
_HALF_RE = re.compile(
    rf"{_PRE}{_B}(?:(?:6|06|sau)\s*thang|nua|ban\s*nien)\s*(?P<h>dau|cuoi)\s*nam(?:\s*(?P<y>\d{{4}}))?(?!\d)"
)
_YEAR_RE = re.compile(rf"{_PRE}(?:{_B}(?P<pos>cuoi){_E}\s*)?{_G}nam\s*(?P<y>\d{{4}})(?!\d)")
_SPAN_YEARS_RE = re.compile(
    rf"{_PRE}(?:{_G}(?:giai\s*doan|nam)\s*)?(?<!\d)(?P<y1>(?:19|20)\d\d)\s*[-–—]\s*(?P<y>(?:19|20)\d\d)(?!\d)"
)
# "từ 01/7/2025", "kể từ ngày …", "bắt đầu từ tháng 6": a start, ending where the date begins
_START_RE = re.compile(r"(?<![a-z])(?:(?:ke|bat\s*dau)\s*)?tu\s*(?:ngay\s*)?$")
# "năm 2025 và các năm tiếp theo": the same every year from then on
_EVERY_YEAR_AFTER_RE = re.compile(r"(?:va|,)\s*(?:cac|nhung)\s*nam\s*(?:tiep\s*theo|sau)(?![a-z])")
_BARE_YEAR_RE = re.compile(r"^\W*(?P<y>(?:19|20)\d\d)\W*$")
_THIS_PERIOD_RE = re.compile(
    rf"{_B}(?P<a>trong|cuoi|ngay\s*trong|het|truoc)\s*(?P<p>tuan|thang|quy|nam)(?:\s*(?:nay|hien\s*tai))?(?![a-z0-9])"
    rf"(?!\s*(?:dau|cuoi|truoc|sau|toi|qua|hoc))"
)
_CUOI_NAM_RE = re.compile(rf"{_B}(?P<p>cuoi|het)\s*nam(?![a-z0-9])(?!\s*\d)")
_NUMBER_WORDS = {"mot": 1, "hai": 2, "ba": 3, "bon": 4, "sau": 6, "bay": 7, "tam": 8, "chin": 9, "muoi": 10}
_SPAN_RE = re.compile(
    rf"{_B}(?P<a>trong\s*(?:thoi\s*han|vong|thoi\s*gian)?|sau|chi|khong\s*qua|toi\s*da)\s*(?:la\s*)?"
    rf"(?P<n>\d{{1,3}}|mot|hai|ba|bon|sau|bay|tam|chin|muoi(?:\s*(?:lam|nam))?)(?:\s*\(\s*[a-z\s]+\))?\s*"
    rf"(?P<u>ngay(?:\s*lam\s*viec)?|tuan|thang|nam)(?![a-z])(?!\s*(?:dau|cuoi)\s*nam)"
    rf"(?P<tail>(?:\s*,)?\s*(?:ke\s*tu|tinh\s*tu|sau\s*khi)[^.;]{{0,60}})?"
)
_RECUR_RE = re.compile(
    rf"{_B}(?P<pre>(?:dinh\s*ky|thuong\s*ky)\s*)?(?:(?P<every>hang|hàng|moi|theo)\s*)?"
    rf"(?P<u>ngay|tuan|thang|quy|nam|6\s*thang|sau\s*thang|06\s*thang)(?![a-z0-9])"
    rf"(?P<once>\s*(?:mot|1)\s*lan|\s*/\s*lan)?"
)
_IMMEDIATE_RE = re.compile(rf"{_B}(?:ngay(?:\s*lap\s*tuc)?|khan\s*truong|khan\s*cap|kip\s*thoi|hoa\s*toc){_E}")
_ONGOING_RE = re.compile(rf"{_B}(?:thuong\s*xuyen|lien\s*tuc|thuong\s*truc){_E}")
# "ngày 20 của tháng cuối quý": a quarterly cycle without "hằng"
_QUARTER_END_MONTH_RE = re.compile(rf"{_B}thang\s*cuoi\s*(?:cua\s*)?(?:moi\s*|hang\s*)?quy(?![a-z])")
_REPORT_RE = re.compile(r"(?:bao\s*cao|cap\s*nhat|tong\s*hop|gui|so\s*ket|tong\s*ket)(?![a-z])")
_AFTER_DATE_LIST_RE = re.compile(r"\s*(?:,|va)\s*(?:ngay\s*)?(\d{1,2})\s*[/.\-]\s*(\d{1,2})(?![\d/])")


#: (kind, pattern, words one of which the form cannot do without; "0" = a digit)
_GRAMMAR: tuple[tuple[str, re.Pattern[str], Any], ...] = (
    ("date", _DATE_RE, "0"),
    ("day", _DAY_RE, "0"),
    ("weekday", _WEEKDAY_RE, ("thu", "chu")),
    ("half", _HALF_RE, ("nam",)),
    ("quarter", _QUARTER_RE, ("quy",)),
    ("month", _MONTH_RE, "0"),
    ("years", _SPAN_YEARS_RE, "0"),
    ("year", _YEAR_RE, "0"),
    ("span", _SPAN_RE, ("ngay", "tuan", "thang", "nam")),
    ("this", _THIS_PERIOD_RE, ("tuan", "thang", "quy", "nam")),
    ("cuoi_nam", _CUOI_NAM_RE, ("nam",)),
)


_OLD_QUY_RE = re.compile(r"(?<![a-z])qui(?![a-z])")


@dataclass
class _Cand:
    start: int
    end: int
    kind: str
    m: re.Match[str]
    anchored: bool


def _year_of(text: str | None) -> int | None:
    if not text:
        return None
    y = int(text)
    return 2000 + y if y < 100 else y


class _Resolver:
    def __init__(self, text: str, doc: dt.date | None, bare: bool) -> None:
        self.orig = nfc(text or "")
        self.f = _OLD_QUY_RE.sub("quy", fold(self.orig))  # "quí" (old spelling) is "quý"; same length
        if len(self.f) != len(self.orig):  # pragma: no cover - fold keeps NFC lengths; keep offsets safe
            self.orig = self.f
        self.doc = doc
        self.bare = bare
        self.flags: list[str] = []
        self.starts = False  # a date was left out as a start ("từ ngày …")

    def flag(self, name: str) -> None:
        if name not in self.flags:
            self.flags.append(name)

    # -------------------------------------------------------- year handling

    def _year(self, written: int | None, resolve) -> dt.date | None:
        """Resolve a date whose year may be missing: ``resolve(year)`` gives the date in a year."""
        if written is not None:
            due = resolve(written)
            if due is not None and self.doc is not None and due < self.doc:
                self.flag("before_document")
            return due
        if self.doc is None:
            self.flag("no_document_date")
            return None
        self.flag("year_inferred")
        due = resolve(self.doc.year)
        if due is not None and due < self.doc:
            self.flag("next_year")
            due = resolve(self.doc.year + 1)
        return due

    def _day_month(self, d: int, m: int, year: int | None) -> dt.date | None:
        if not (1 <= m <= 12) or not (1 <= d <= 31):
            self.flag("invalid_date")
            return None

        def resolve(y: int) -> dt.date:
            last = _last_day(y, m)
            if d > last:
                self.flag("impossible_date")
            return dt.date(y, m, min(d, last))

        return self._year(year, resolve)

    # -------------------------------------------------------- candidates

    def candidates(self) -> list[_Cand]:
        f = self.f
        out: list[_Cand] = []
        has_digit = any(c.isdigit() for c in f)
        for kind, rx, needs in _GRAMMAR:
            if (needs == "0" and not has_digit) or (needs != "0" and not any(w in f for w in needs)):
                continue  # the form's own word is absent: skip the scan
            for m in rx.finditer(f):
                if m.end() == m.start():
                    continue
                if not m.groupdict().get("a") and _START_RE.search(f, 0, m.start()):
                    self.starts = True  # "Từ 01/7/2025": when the work starts, not its deadline
                    continue
                anchored = bool(m.groupdict().get("a")) or kind in ("span", "this", "cuoi_nam", "half")
                out.append(_Cand(m.start(), m.end(), kind, m, anchored))
        if self.bare and (bm := _BARE_YEAR_RE.match(f)):
            out.append(_Cand(bm.start("y"), bm.end("y"), "year", bm, False))
        return out

    def pick(self, cands: list[_Cand], recurring: bool) -> _Cand | None:
        usable = []
        for c in cands:
            if c.kind in ("day", "weekday") and not recurring:
                continue
            if c.anchored or self.bare or (recurring and c.kind in ("day", "weekday", "date")):
                usable.append(c)
        if not usable:
            return None
        # earliest content first (where the numbers start, not the deadline word), longest match at a tie
        return min(usable, key=lambda c: (c.start, -(c.end - c.start)))

    # -------------------------------------------------------- recurrence

    def recurrence(self) -> tuple[str | None, re.Match[str] | None]:
        best: tuple[str, re.Match[str]] | None = None
        f = self.f
        for m in _RECUR_RE.finditer(f):
            unit = re.sub(r"\s+", " ", m.group("u"))
            strong = bool(m.group("pre") or m.group("once"))
            if not strong and not m.group("every"):
                continue
            if m.group("every") == "theo" and not m.group("pre"):
                continue
            if unit in ("6 thang", "sau thang", "06 thang"):
                if not strong and m.group("every") not in ("hang", "moi"):
                    continue
                rec = "half-yearly"
            else:
                rec = {"ngay": "daily", "tuan": "weekly", "thang": "monthly", "quy": "quarterly", "nam": "yearly"}[unit]
            if not self.bare and not strong:
                before = f[max(0, m.start() - 60) : m.start()]
                near_day = re.search(r"(?:\d|gio|h|thu\s*\w+|quy|nhat)\s*(?:cua\s*)?$", before)
                if not near_day and not _REPORT_RE.search(before):
                    continue
            if best is None or _ORDER[rec] < _ORDER[best[0]]:
                best = (rec, m)
        if best is None and (q := _QUARTER_END_MONTH_RE.search(f)):
            best = ("quarterly", q)
        if best is None and (y := _EVERY_YEAR_AFTER_RE.search(f)):
            best = ("yearly", y)
        return (best[0], best[1]) if best else (None, None)

    # -------------------------------------------------------- resolution

    def run(self) -> Deadline:
        if not self.f.strip():
            return Deadline()
        recurrence, rec_match = self.recurrence()
        cand = self.pick(self.candidates(), recurrence is not None)
        due: dt.date | None = None
        anchors: tuple[tuple[int, int | None], ...] = ()
        weekday: int | None = None
        phrase_span: tuple[int, int] | None = None
        if cand is not None:
            phrase_span = (cand.start, cand.end)
            due, anchors, weekday, recurrence = self.resolve(cand, recurrence)
        elif recurrence is not None:
            due, anchors = self.period_recurrence(recurrence)
        if recurrence in _PERIOD_MONTHS and due is not None and not anchors:
            # a period with a cycle ("trong quý III/2025, định kỳ hằng quý"): the cycle keeps its day
            last = due.day == _last_day(due.year, due.month)
            anchors = _anchors_for(recurrence, None if last else due.day, due.month)
        if recurrence == "daily":
            due, anchors = None, ()
            self.flag("ongoing")
        if rec_match is not None:
            span = (rec_match.start(), rec_match.end())
            phrase_span = span if phrase_span is None else (min(phrase_span[0], span[0]), max(phrase_span[1], span[1]))
        if due is None and recurrence is None and cand is None:
            if self.starts:
                self.flag("start_date")
            phrase_span = self.no_date()
        phrase = self.orig[phrase_span[0] : phrase_span[1]].strip(" ,:") if phrase_span else ""
        return Deadline(
            due=due.isoformat() if due else None,
            recurrence=recurrence,
            flags=tuple(self.flags),
            phrase=phrase,
            anchors=anchors,
            weekday=weekday,
        )

    def no_date(self) -> tuple[int, int] | None:
        """Flags for a text without a date; the span of the word that explains it."""
        f = self.f
        for m in _IMMEDIATE_RE.finditer(f):
            if m.group(0).startswith("ngay") and not m.group(0).startswith("ngay lap"):
                # "ngay" (at once) against "ngày" (day): folded alike; in accented text only "ngay" counts
                if re.match(r"\s*(?:\d|thang|trong|sau|mai|hom|lam)", f[m.end() :]):
                    continue
                if self.orig[m.start() : m.end()].lower() != "ngay" and has_accents(self.orig):
                    continue
            self.flag("immediate")
            return m.start(), m.end()
        if m := _ONGOING_RE.search(f):
            self.flag("ongoing")
            return m.start(), m.end()
        if self.bare and re.search(rf"{_B}(?:truoc|cham\s*nhat|han|den)(?![a-z])", f):
            self.flag("unresolved")
            return 0, len(f)
        if not self.bare and (m := re.search(rf"{_B}(?:truoc|cham\s*nhat|muon\s*nhat)\s*(?:ngay|thang|quy)?\s*\d", f)):
            self.flag("unresolved")
            return m.start(), len(f)
        return None

    def period_recurrence(self, recurrence: str) -> tuple[dt.date | None, tuple[tuple[int, int | None], ...]]:
        """A cycle without a day: the end of the document's current period (a week: seven days on)."""
        if recurrence == "daily":
            return None, ()
        if self.doc is None:
            self.flag("no_document_date")
            return None, ()
        self.flag("period_end")
        if recurrence == "weekly":
            self.flag("approximate")
            return self.doc + dt.timedelta(days=7), ()
        anchors = _anchors_for(recurrence, None)
        return _next_anchor(anchors, self.doc), anchors

    def resolve(
        self, c: _Cand, recurrence: str | None
    ) -> tuple[dt.date | None, tuple[tuple[int, int | None], ...], int | None, str | None]:
        m, g = c.m, c.m.groupdict()
        before = (g.get("a") or "").replace(" ", "")
        if c.kind == "date":
            d, mo = (int(g["d"]), int(g["m"])) if g.get("d") else (int(g["d2"]), int(g["m2"]))
            year = _year_of(g.get("y") or g.get("y2"))
            if recurrence in ("yearly", "half-yearly", "quarterly") and year is None:
                pairs = [(mo, d)] + [(int(b), int(a)) for a, b in self._date_list(m.end())]
                if recurrence == "yearly" and len(pairs) > 1:
                    recurrence = {2: "half-yearly", 4: "quarterly"}.get(
                        len(pairs), "monthly" if len(pairs) >= 12 else "yearly"
                    )
                anchors = tuple(sorted(set(pairs)))
                if any(not (1 <= a <= 12) or not (1 <= b <= 31) for a, b in anchors):
                    self.flag("invalid_date")
                    return None, (), None, recurrence
                if self.doc is None:
                    self.flag("no_document_date")
                    return None, anchors, None, recurrence
                for a, b in anchors:
                    if b > _last_day(self.doc.year, a) and not (a == 2 and b == 29):
                        self.flag("impossible_date")
                return _next_anchor(anchors, self.doc), anchors, None, recurrence
            if recurrence == "monthly" and year is None:
                return self._cycle_day(d, "monthly")
            due = self._day_month(d, mo, year)
            return due, (), None, recurrence if recurrence != "daily" else None
        if c.kind == "day":
            d = int(g["d"])
            target = recurrence or "monthly"
            tail = self.f[m.end() : m.end() + 40]
            if re.match(r"\s*(?:cua\s*)?thang\s*cuoi\s*(?:cua\s*)?(?:moi\s*|hang\s*)?quy", tail):
                target = "quarterly"
            return self._cycle_day(d, target)
        if c.kind == "weekday":
            wd = 6 if g.get("cn") else _WEEKDAYS[g["wd"]]
            if self.doc is None:
                self.flag("no_document_date")
                return None, (), wd, "weekly"
            return self.doc + dt.timedelta(days=(wd - self.doc.weekday()) % 7), (), wd, "weekly"
        if c.kind == "month":
            mo = int(g["m"])
            if not 1 <= mo <= 12:
                self.flag("invalid_date")
                return None, (), None, recurrence
            pos = g.get("pos")
            year = _year_of(g.get("y"))
            if before == "truoc" and not pos:
                self.flag("before_period")
                due = self._year(year, lambda y: _month_end(y, mo) - dt.timedelta(days=_last_day(y, mo)))
            elif pos in ("dau", "giua"):
                self.flag("approximate")
                day = 10 if pos == "dau" else 15
                due = self._year(year, lambda y: dt.date(y, mo, day))
            else:
                due = self._year(year, lambda y: _month_end(y, mo))
            return due, (), None, recurrence
        if c.kind == "quarter":
            q = _ROMAN[g["q"]]
            year = _year_of(g.get("y"))
            last = q * 3
            if g.get("pos") == "dau":
                self.flag("approximate")
                last = q * 3 - 2
            if before == "truoc":
                self.flag("before_period")
                return self._year(year, lambda y: dt.date(y, q * 3 - 2, 1) - dt.timedelta(days=1)), (), None, recurrence
            return self._year(year, lambda y: _month_end(y, last)), (), None, recurrence
        if c.kind == "half":
            month = 6 if g["h"] == "dau" else 12
            year = _year_of(g.get("y"))
            if before == "truoc":
                self.flag("before_period")
                month = 12 if month == 6 else 6
                if g["h"] == "dau":
                    return self._year(year, lambda y: dt.date(y - 1, 12, 31)), (), None, recurrence
            return self._year(year, lambda y: _month_end(y, month)), (), None, recurrence
        if c.kind in ("year", "years"):
            year = int(g["y"])
            if before == "truoc" and c.kind == "year":
                self.flag("before_period")
                year -= 1
            due = dt.date(year, 12, 31)
            if self.doc is not None and due < self.doc:
                self.flag("before_document")
            return due, (), None, recurrence
        if c.kind == "span":
            return self._span(m), (), None, recurrence
        if c.kind == "this":
            return self._this_period(g["p"], g["a"].replace(" ", "")), (), None, recurrence
        if c.kind == "cuoi_nam":
            if self.doc is None:
                self.flag("no_document_date")
                return None, (), None, recurrence
            return dt.date(self.doc.year, 12, 31), (), None, recurrence
        return None, (), None, recurrence  # pragma: no cover - every kind is handled above

    def _date_list(self, pos: int) -> list[tuple[str, str]]:
        """More "d/m" dates listed after one: "15/6 và 15/12 hằng năm"."""
        out = []
        while m := _AFTER_DATE_LIST_RE.match(self.f, pos):
            out.append((m.group(1), m.group(2)))
            pos = m.end()
        return out

    def _cycle_day(self, d: int, recurrence: str):
        if not 1 <= d <= 31:
            self.flag("invalid_date")
            return None, (), None, recurrence
        anchors = _anchors_for(recurrence, d)
        if self.doc is None:
            self.flag("no_document_date")
            return None, anchors, None, recurrence
        return _next_anchor(anchors, self.doc), anchors, None, recurrence

    def _span(self, m: re.Match[str]) -> dt.date | None:
        raw = re.sub(r"\s+", " ", m.group("n"))
        n = int(raw) if raw.isdigit() else _number_word(raw)
        unit = re.sub(r"\s+", " ", m.group("u"))
        tail = m.group("tail") or ""
        base = self.doc
        if tail:
            dm = re.search(rf"(?<![\d/]){_NUMDATE}|{_WORDDATE}", tail)
            if dm:
                d, mo = (
                    (int(dm.group("d")), int(dm.group("m")))
                    if dm.group("d")
                    else (int(dm.group("d2")), int(dm.group("m2")))
                )
                base = self._day_month(d, mo, _year_of(dm.group("y") or dm.group("y2")))
                if base is None:
                    return None
            elif re.search(r"nhan|tiep\s*nhan", tail):
                self.flag("from_receipt")
        if base is None:
            self.flag("no_document_date")
            return None
        self.flag("relative")
        if unit == "ngay lam viec":
            self.flag("working_days")
            return _add_working_days(base, n)
        if unit == "ngay":
            return base + dt.timedelta(days=n)
        if unit == "tuan":
            return base + dt.timedelta(days=7 * n)
        if unit == "thang":
            return _add_months(base, n)
        return _add_months(base, 12 * n)

    def _this_period(self, period: str, word: str) -> dt.date | None:
        if self.doc is None:
            self.flag("no_document_date")
            return None
        doc = self.doc
        if word == "truoc":  # "trước tháng" without a number reads as nothing
            self.flag("unresolved")
            return None
        if period == "tuan":
            return doc + dt.timedelta(days=6 - doc.weekday())
        if period == "thang":
            return _month_end(doc.year, doc.month)
        if period == "quy":
            return _month_end(doc.year, ((doc.month - 1) // 3 + 1) * 3)
        return dt.date(doc.year, 12, 31)


def _number_word(raw: str) -> int:
    if raw.startswith("muoi") and raw != "muoi":
        return 15
    return _NUMBER_WORDS.get(raw, 0)


def _as_date(value: dt.date | str | None) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


@lru_cache(maxsize=65536)
def _resolve(text: str, doc: dt.date | None, bare: bool) -> Deadline:
    return _Resolver(text, doc, bare).run()


def resolve_deadline(text: str | None, doc_date: dt.date | str | None, *, bare: bool = True) -> Deadline:
    """Resolve a deadline phrase against the date of the document that assigns it (see the module doc).

    ``bare=True`` reads a phrase that is a deadline ("30/6/2025", "Quý III/2025"); ``bare=False`` reads a
    whole task and takes only dates that follow a deadline word."""
    return _resolve(text or "", _as_date(doc_date), bare)


def task_deadline(deadline: str | None, task: str, doc_date: dt.date | str | None) -> Deadline:
    """The deadline of an extracted assignment: its deadline phrase, else what its task text says."""
    if deadline and deadline.strip():
        found = resolve_deadline(deadline, doc_date)
        if found.due or found.recurrence:
            return found
        fallback = resolve_deadline(task, doc_date, bare=False)
        return fallback if (fallback.due or fallback.recurrence) else found
    return resolve_deadline(task, doc_date, bare=False)
