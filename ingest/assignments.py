"""Text + blocks → ``Assignment`` list: which agency was given which task, in which role.

The grammar, applied to every body block (``ingest/structure.py``) of a directive:

- a clause that starts with agencies and goes on with a predicate is a task for them:
  "Sở Y tế chủ trì, phối hợp với Sở Nội vụ …", "Sở Nội vụ, Sở Tài chính có trách nhiệm …",
  "Các Bộ: Quốc phòng, Công an chủ động …", "Bộ, ngành, địa phương theo chức năng …";
- so is a clause after "Giao", "Đề nghị", "Yêu cầu", "Ủy quyền cho" ("Chính phủ đề nghị X …",
  "Chủ tịch UBND tỉnh yêu cầu X …", "Về …: Giao Bộ Tài chính chủ trì …", "(Giao Công an tỉnh
  chủ trì …)"), and after a short adverbial ("Trên cơ sở đó, Bộ Tư pháp tổng hợp …");
- "X: <task>" is a task for X; a block that only names agencies ("2. Bộ Công an:", "a) Sở Y tế")
  or introduces a list ("3.5. Sở Y tế, … thực hiện một số nhiệm vụ sau đây:", "Bộ Tài chính chỉ
  đạo Bảo hiểm xã hội Việt Nam:") hands its agencies to the blocks under it: every item, sub-item
  or paragraph there without agencies of its own is a task for each of them; an introducing
  clause whose list assigns nothing ("… báo cáo các nội dung sau:") is a task itself;
- plans written as fields ("Cơ quan chủ trì: …", "Cơ quan phối hợp: …", "Thời gian thực hiện:
  …") give the section's task to the agencies of each field;
- "Tỉnh …" as a subject, in a notice about one province, is that province's People's Committee;
- the role is "chủ trì" when the predicate (or the introducing clause) says so, "phối hợp" when the
  task starts with "Phối hợp", else "giao"; agencies after "phối hợp (với)" in a "chủ trì" task
  get the same task as "phối hợp";
- nothing is taken from the header, the preamble ("Căn cứ …", "Theo đề nghị của …"), the
  recipients and signature, sections of aims or scope ("Mục đích, yêu cầu", "Đối tượng"), clauses
  in the past or passive ("Sở Y tế đã tổ chức …", "Thủ tướng đã giao …"); in review sections
  ("Đánh giá …", "Kết quả …") only explicit requests ("Đề nghị …", "Giao …") count.

A line the normaliser could not join to the one before ("… thành phố Hà" / "Nội, …") is read
with it. The task is the assignment's own clause or item, without its label or an "X:" agency
prefix (``subject_in_task=False`` also cuts the agencies that open a clause); ``start`` and
``end`` index the text (``text[start:end] == task``); ``section`` is the heading path;
``deadline`` the deadline phrase as printed ("trước ngày 15/12/2016", "trong quý III/2025").
"""

from __future__ import annotations

import itertools
import logging
import re
from dataclasses import dataclass, field

from chidao.lang.agencies import WEAK_PREDICATES, AgencyCanon, Leading, Token, is_generic, predicate_at, tokenize
from chidao.lang.glued import deglue
from chidao.lang.text import collapse_spaces, fold
from chidao.records import Assignment, Block, Role
from ingest.structure import short_form

log = logging.getLogger(__name__)

# ---------------------------------------------------------------- patterns

# Connectives that hand a task to the agencies after them.
_TRIGGER_RE = re.compile(
    r"(?:(?<=^)|(?<=[\s(:;,\"“]))(?:trân trọng\s+)?"
    r"(?P<w>giao cho|giao|đề nghị|yêu cầu|ủy quyền cho|uỷ quyền cho|ủy quyền|uỷ quyền|phân công cho|phân công|"
    r"đồng ý (?:để|cho)|đồng ý|chấp thuận (?:để|cho)|cho phép|thống nhất (?:để|cho))\s+",
    re.IGNORECASE,
)
# The end of a speaker who hands a task on with a lower-case "giao": "Thủ tướng Chính phủ giao …",
# "Phó Thủ tướng Trịnh Đình Dũng giao …", "Chủ tịch UBND tỉnh giao …" (not "bàn giao", "nhiệm vụ giao").
_SPEAKER_END_RE = re.compile(
    r"(?:\b(?:Chính\s+phủ|Thủ\s+tướng|Bộ\s+trưởng|Chủ\s+tịch|UBND|[Ủủ]y\s+ban\s+nhân\s+dân)(?:\s+(?:tỉnh|thành\s+phố|huyện))?"
    r"|\b[A-ZĐÀ-Ỹ][\wà-ỹ]*)(?:\s+(?:cũng|tiếp\s+tục|thống\s+nhất|đồng\s+ý))?\s+$"
)
# After "đề nghị"/"yêu cầu" these words mean a noun ("theo đề nghị của …"), not a request.
_NOT_AFTER_TRIGGER = frozenset({"của", "tại", "này", "đó", "trên", "về", "như", "đối", "được", "nêu"})
# Predicates that report instead of assign.
_PAST_RE = re.compile(r"^(?:cũng\s+|đều\s+)?(?:đã|đang|vừa|chưa|từng|sẽ|không\s+được|bị|được|trực tiếp là)\b")
# Predicates of the issuer's own formulas ("Văn phòng Chính phủ xin thông báo để … biết").
_NOT_TASK_RE = re.compile(
    r"^(?:xin\s+|trân trọng\s+)?(?:thông báo|cảm ơn|kết luận|có ý kiến(?:\s+chỉ\s+đạo)?(?=\s*(?:như\s+sau|:|\.|$))|ghi nhận|biểu dương|đánh giá cao|"
    r"hoan nghênh|nhất trí|kính gửi|gửi kèm|ban hành kèm theo)\b"
)
# The predicate of a decision's closing article: "… chịu trách nhiệm thi hành Quyết định này".
_CLOSING_RE = re.compile(
    r"[\s,;]*(?:chịu\s+trách\s+nhiệm|có\s+trách\s+nhiệm)\s+(?:tổ\s+chức\s+)?(?:thi\s+hành|thực\s+hiện)\s+"
    r"(?:Quyết\s+định|Chỉ\s+thị|Thông\s+tư|Nghị\s+quyết|Kế\s+hoạch|văn\s+bản)\s+này",
    re.IGNORECASE,
)
# An intro whose list is the content of a report, not tasks: "… báo cáo làm rõ một số nội dung sau:".
_REPORT_INTRO_RE = re.compile(
    r"\b(?:báo\s+cáo|giải\s+trình|làm\s+rõ|cung\s+cấp)\b[^.;:]{0,60}\b(?:nội\s+dung|vấn\s+đề|thông\s+tin|số\s+liệu)"
    r"[^.;:]{0,20}\bsau(?:\s+đây)?\s*:\s*\**$",
    re.IGNORECASE,
)
# The formula that closes a directive: "Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, … báo cáo …".
_DIFFICULTY_RE = re.compile(
    r"\W*(?:trong\s+quá\s+trình[^,.;]{0,60},\s*)?(?:nếu|trường\s+hợp)\s+(?:có|phát\s+sinh|gặp)\s+"
    r"(?:khó\s+khăn|vướng\s+mắc)",
    re.IGNORECASE,
)
# The formula a notice closes with: "… thông báo để X biết, thực hiện./.".
_NOTICE_RE = re.compile(r"\bbiết(?:\s*,\s*|\s+và\s+)(?:thực\s+hiện|chỉ\s+đạo|phối\s+hợp)[\s./]*$", re.IGNORECASE)
# Headings of sections that review, not assign.
_LABEL = r"^(?:[ivxlc]+|\d+(?:\.\d+)*|[a-z])?[.)]?\s*"
_REVIEW_RE = re.compile(
    _LABEL + r"(?:danh gia|ket qua|tinh hinh|thuc trang|ton tai|han che|nguyen nhan|bai hoc|boi canh|"
    r"mot so ket qua|nhung ket qua)\b"
)
# Short headings of sections that state aims or scope: "I. MỤC ĐÍCH, YÊU CẦU", "1. Đối tượng thi đua".
_AIMS_RE = re.compile(
    _LABEL + r"(?:muc dich|yeu cau|muc tieu|quan diem|doi tuong|pham vi|giai thich tu ngu|nguyen tac)\b"
    r"[^.;:]{0,40}$"
)
_PREAMBLE_RE = re.compile(r"^(?:can cu|xet de nghi|theo de nghi|xet to trinh|theo to trinh)\b")
_SKIP_RE = re.compile(r"^(?:noi nhan|thua lenh|luu\s*:|\*?\s*luu y)\b")
# Adverbials a predicate may open with before "chủ trì"/"phối hợp".
_ADVERBIAL_RE = re.compile(
    r"^(?:(?:tiếp tục|khẩn trương|chủ động|theo chức năng(?:,\s*nhiệm vụ)?(?:,\s*quyền hạn)?(?: được giao)?"
    r"|căn cứ chức năng(?:,\s*nhiệm vụ)?(?: được giao)?|theo thẩm quyền|trong phạm vi[^,]{0,60}|là đầu mối"
    r"|là cơ quan|có trách nhiệm|thực hiện vai trò[^,;]{0,80}?)[,\s]*)+",
    re.IGNORECASE,
)
_CHAIR_RE = re.compile(r"^(?:tiếp tục\s+)?chủ\s+trì\b", re.IGNORECASE)
_COOP_RE = re.compile(r"^phối\s+hợp\b", re.IGNORECASE)
_COOP_WITH_RE = re.compile(r"\bphối\s+hợp(?:\s+chặt\s+chẽ)?(?:\s+với)?\s+", re.IGNORECASE)
# Field-style plans: "Cơ quan chủ trì: …", "Đơn vị phối hợp: …", "Thời gian thực hiện: …".
_FIELD_RE = re.compile(
    r"^(?P<f>(?:cơ quan|đơn vị|bộ phận)\s+(?:chủ trì|phối hợp|thực hiện|tham mưu)|"
    r"thời gian(?:\s+(?:thực hiện|hoàn thành))?|thời hạn(?:\s+hoàn thành)?|nội dung(?:\s+thực hiện)?|"
    r"sản phẩm|kết quả)\s*:\s*",
    re.IGNORECASE,
)

_DATE = r"\d{1,2}(?:\s*/\s*\d{1,2}(?:\s*/\s*\d{2,4})?|\s+tháng\s+\d{1,2}(?:\s+năm\s+\d{4})?)"
_MONTH = r"(?:\d{1,2}\s*/\s*\d{4}|\d{1,2}\s+năm\s+\d{4}|\d{1,2})"
_QUARTER = r"(?:I{1,3}|IV|[1-4])(?:\s*/\s*\d{4}|\s+năm\s+\d{4})?"
_DEADLINE_RE = re.compile(
    rf"(?:(?:hoàn thành|xong|chậm nhất|muộn nhất)\s+)?"
    rf"(?:"
    rf"(?:trước|chậm nhất|muộn nhất|không quá|đến hết)\s+"
    rf"(?:\d{{1,2}}\s*(?:giờ|h)(?:\s*\d{{2}}['’]?)?\s+)?ngày\s+{_DATE}"
    rf"|(?:trong|trước|ngay trong|cuối)\s+tháng\s+{_MONTH}"
    rf"|(?:trong|trước|cuối)\s+quý\s+{_QUARTER}"
    rf"|(?:trong|trước)\s+năm\s+\d{{4}}"
    rf"|(?:trước|trong)\s+\d{{1,2}}\s*(?:giờ|h)\b[^.;]{{0,20}}?(?:hằng|hàng)\s+ngày"
    rf")",
    re.IGNORECASE,
)

# Openings of an adverbial phrase before the subject ("Trên cơ sở đó, Bộ Tư pháp …").
_OPENER_RE = re.compile(
    r"[\"“(*]*(?:trên cơ sở|căn cứ|thực hiện|triển khai|quán triệt|xét|trước|trong|để|nhằm|đối với|trường hợp|sau khi|sau|khi|với|theo|"
    r"đồng thời|ngoài ra|bên cạnh|từ|tại|qua|nếu|riêng|về|thừa lệnh|thay mặt|cùng với|mặt khác|do|vì|"
    r"hằng năm|hàng năm|định kỳ|trước mắt|lâu dài|thời gian tới)\b",
    re.IGNORECASE,
)
# Items that list data to report, not work to do ("(1) Số hộ dân có nhà bị sập …").
_DATA_ITEM_RE = re.compile(
    r"(?:số|số lượng|tổng(?!\s+(?:hợp|kết|rà soát))|tổng số|danh sách|danh mục|tình hình|kết quả|nhu cầu|"
    r"thời gian|địa điểm|phạm vi|đối tượng|mục tiêu|mục đích|kinh phí|nguồn|thành phần|hồ sơ|tỷ lệ|giá trị|"
    r"diện tích|khối lượng|thời hạn|sản phẩm|chỉ tiêu)\b(?!\s+(?:hóa|liệu))",
    re.IGNORECASE,
)
# Words a clause cannot end with: the text goes on on the next line.
_OPEN_ENDINGS = frozenset(
    "báo cáo|gửi|trình|tham mưu|giao|đề nghị|yêu cầu|chỉ đạo|phối hợp|phối hợp với|với|của|và|cho|tại|về|"
    "các|những|để|từ|theo|giữa|hoặc|là|thuộc|trực thuộc|đến|trên|dưới|qua|hướng dẫn|đôn đốc|kiểm tra".split("|")
)
# A topic before the clause that assigns it: "Về việc hỗ trợ 20 xe ô tô: Tỉnh căn cứ …".
_TOPIC_RE = re.compile(r"^\s*(?:Về|Đối với|Riêng)\b[^.;]{3,300}:\s*$")
# Words before a verb that make it a noun ("theo đúng chỉ đạo", "sự phối hợp", "các báo cáo").
_NOUN_MARKERS = frozenset({"đúng", "sự", "các", "những", "của", "theo", "việc", "cuộc", "công", "tác", "mọi"})
_PLURAL_HEAD_END_RE = re.compile(r"\b[Cc]ác\s+(?:Bộ|Sở|bộ|sở)(?:,\s*(?:cơ quan|ngành))?\s*:$")
_SENT_END_RE = re.compile(r"(?<=[.!?…])[\"”’)]*\s+(?=[\"“(]?[A-ZĐÀ-Ỹ0-9])")
_ABBREV_END_RE = re.compile(r"(?:\b[A-ZĐ]|\b(?:TP|Tp|TS|ThS|PGS|GS|v\.v|St|Q|P|TT|Ô|Bà|Ông))\.$")
_TASK_TRIM = " \t\n,;:-–—.*/\"'“”"
_MIN_TASK_CHARS = 12
_SHORT_TASK_WORDS = 8  # a predicate shorter than this is shown with its agencies


# ---------------------------------------------------------------- records


@dataclass
class _Subject:
    lead: Leading
    task_start: int  # where the task text begins (after the agencies / connective)
    seg_start: int  # where the clause begins
    role: Role
    colon: bool = False  # "X: …"
    bare: bool = False  # the clause is only agencies
    trigger: bool = False  # handed over by "Giao", "Đề nghị", "Yêu cầu" …


@dataclass
class _Frame:
    agencies: list[tuple[str, str]]
    role: Role
    handed: bool = False  # the agencies were addressed ("yêu cầu X …", "đề nghị X …"), not the speaker
    verb_first: bool = False  # a block is their task only when it opens with a verb ("Tổ chức …", "Tăng cường …")


@dataclass
class _Unit:
    idx: int
    block: Block
    start: int  # after the label
    end: int
    section: str
    frame: _Frame | None = None  # agencies the block hands to the blocks under it
    tasks: list[Assignment] = field(default_factory=list)
    pending: tuple[list[tuple[str, str]], int, int, Role] | None = None  # an intro's own clause
    ancestors: list[int] = field(default_factory=list)
    # a field of a plan: (kind, value start, value end, (agencies, role) for "agencies")
    field: tuple[str, int, int, tuple[list[tuple[str, str]], Role] | None] | None = None


# ---------------------------------------------------------------- helpers


def _strip_span(text: str, s: int, e: int, chars: str = _TASK_TRIM) -> tuple[int, int]:
    while s < e and text[s] in chars:
        s += 1
    while e > s and text[e - 1] in chars:
        e -= 1
    return s, e


def _sentences(text: str, s: int, e: int) -> list[tuple[int, int]]:
    """Sentence spans in text[s:e]."""
    spans: list[tuple[int, int]] = []
    cur = s
    for m in _SENT_END_RE.finditer(text, s, e):
        if _ABBREV_END_RE.search(text[max(s, m.start() - 6) : m.start()]):
            continue
        spans.append((cur, m.start()))
        cur = m.end()
    spans.append((cur, e))
    return [(a, b) for a, b in spans if b > a]


def _clause_starts(text: str, s: int, e: int) -> list[int]:
    """Positions where a clause may start inside a sentence: after ";" and ":"."""
    out = []
    for m in re.finditer(r"[;:]\s+", text[s:e]):
        if text[s + m.start()] == ":" and _PLURAL_HEAD_END_RE.search(text, max(s, s + m.start() - 40), s + m.start() + 1):
            continue  # "đề nghị các Bộ, cơ quan: Kế hoạch và Đầu tư, Tài chính …" goes on
        out.append(s + m.end())
    return out


def _role_of(predicate: str) -> Role:
    p = _ADVERBIAL_RE.sub("", predicate.strip(" ,;:"))
    if _CHAIR_RE.match(p) or re.match(r"^(?:là\s+)?(?:đầu mối|cơ quan)\s+chủ\s+trì\b", p, re.IGNORECASE):
        return "chủ trì"
    head = predicate.strip(" ,;:")[:80]
    if re.search(r"\bchủ\s+trì\b", head, re.IGNORECASE) and not re.match(r"^phối hợp", p, re.IGNORECASE):
        first = re.split(r"[.;:]", head)[0]
        if re.search(r"\bchủ\s+trì\b", first, re.IGNORECASE) and len(first.split()) <= 12:
            return "chủ trì"
    if _COOP_RE.match(p):
        return "phối hợp"
    return "giao"


def _strong_verb_in_clause(toks: list[Token], limit: int = 30) -> bool:
    """A verb (not a noun use: "theo đúng chỉ đạo", "sự phối hợp") before the clause ends."""
    words = 0
    for k, t in enumerate(toks):
        if not t.word:
            if t.text in ".;:":
                return False
            continue
        words += 1
        if words > limit:
            return False
        pred = predicate_at(toks, k)
        if pred and pred not in WEAK_PREDICATES:
            prev = next((x for x in reversed(toks[:k]) if x.word), None)
            if prev is None or prev.low not in _NOUN_MARKERS:
                return True
    return False


def _is_name_word(w: str) -> bool:
    return w[:1].isupper() and not (len(w) > 1 and w.isupper())


def _deadline(task: str) -> str | None:
    m = _DEADLINE_RE.search(task)
    return collapse_spaces(m.group(0)) if m else None


def _is_title_like(text: str) -> bool:
    t = text.strip().rstrip("*")
    if not t:
        return True
    if t[-1] in ".;!?":
        return False
    return len(t) <= 160


def _tok_after(text: str, pos: int, end: int, n: int = 6) -> list[Token]:
    return tokenize(text[pos : min(end, pos + 200)], pos)[:n]


# ---------------------------------------------------------------- the extractor


class _Extractor:
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
        # the text and blocks as parsed, before glued syllables were spaced: headings' short forms
        # are compared with the heading paths the structure parser wrote from them
        self.original = original or (text, blocks)
        self.canon = canon
        self.subject_in_task = subject_in_task
        self.locality = _main_locality(text)

    # -------------------------------------------------------- subjects

    def _predicate_ok(self, pos: int, end: int, strict: bool) -> bool:
        """Whether a predicate that assigns something starts at text[pos]."""
        rest = self.text[pos:end].lstrip()
        if not rest:
            return False
        if _PAST_RE.match(rest):
            return False
        toks = _tok_after(self.text, pos, end)
        if not toks or not toks[0].word:
            return False
        t = toks[0]
        if t.text != t.text.lower():
            return False
        if t.text in ("và", "hoặc", "hay", "của", "cho") or _NOT_TASK_RE.match(rest):
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

    def _subject_from(self, lead: Leading, seg_start: int, end: int, strict: bool) -> _Subject | None:
        """Validate what follows an enumeration of agencies and build the subject."""
        text = self.text
        p = lead.end
        while p < end and text[p] in " \t\n":
            p += 1
        if p >= end or text[p] in ".!?" or text[p:end].strip(" .;/") == "":
            return _Subject(lead, end, seg_start, "giao", bare=True)
        if text[p] == ":":
            q = p + 1
            return _Subject(lead, q, seg_start, _role_of(text[q:end]), colon=True)
        if text[p] == ",":
            q = p + 1
            # "X, căn cứ chức năng …, khẩn trương …" / "Chủ đầu tư, trong phạm vi …, nỗ lực …"
            if not self._predicate_ok(q, end, strict=True):
                if text[q:end].rstrip(" *").endswith(":") and len(text[q:end]) < 200:
                    # "X, trong đó trọng tâm là các tỉnh A, B:" introduces the items below
                    return _Subject(lead, end, seg_start, "giao", colon=True)
                return None
            return _Subject(lead, q, seg_start, _role_of(text[q:end]))
        if text[p] == "(":
            return None
        if not self._predicate_ok(p, end, strict):
            return None
        return _Subject(lead, p, seg_start, _role_of(text[p:end]))

    def _leading_at(self, pos: int, end: int) -> Leading | None:
        p = pos
        while p < end and self.text[p] in ' \t\n"“(*':
            p += 1
        if p >= end:
            return None
        lead = self.canon.parse_leading(self.text[:end], p)
        if lead is None or lead.start != p:
            return None
        if _CLOSING_RE.match(self.text, lead.end, end):
            # the closing article names every addressee: "…, các tổ chức, cá nhân có liên quan chịu
            # trách nhiệm thi hành Quyết định này"
            full = self.canon.parse_leading(self.text[:end], p, keep_vague=True) or lead
            # … but "các tổ chức, cá nhân có liên quan" are people, not agencies
            kept = [(nc, k) for nc, k in zip(full.names, full.kinds, strict=True) if "cá nhân" not in nc[1].lower()]
            if kept:
                lead = Leading(start=full.start, end=full.end, names=[n for n, _ in kept], kinds=[k for _, k in kept])
        return lead

    def _subject_at(self, pos: int, end: int, strict: bool = False) -> _Subject | None:
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
            return None
        sub = self._subject_from(lead, lead.start, end, strict)
        if sub is None:
            return None
        return self._handed_on(sub, lead.start, end)

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

    def _handed_on(self, sub: _Subject, seg_start: int, end: int) -> _Subject | None:
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
            if self._leading_at(m.end(), end) is None and m.group("w").lower() in ("yêu cầu", "đề nghị", "giao"):
                return None  # "Chủ tịch UBND tỉnh yêu cầu <what cannot be read>": the speaker is not the assignee
        return sub

    def _trigger_subject(self, m: re.Match[str], seg_start: int, end: int) -> _Subject | None:
        word = m.group("w").lower()
        before = self.text[max(0, m.start() - 12) : m.start()].split()
        if before and before[-1].lower() in ("đã", "được", "vừa", "từng", "đang"):
            return None  # "Thủ tướng đã giao …" reports an earlier assignment
        after = self.text[m.end() : m.end() + 20].split()
        if word in ("đề nghị", "yêu cầu") and after and after[0].lower() in _NOT_AFTER_TRIGGER:
            return None
        lead = self._leading_at(m.end(), end)
        if lead is None:
            return None
        sub = self._subject_from(lead, seg_start, end, strict=False)
        if sub is None or (sub.bare and seg_start != m.start() and self.text[seg_start : m.start()].strip()):
            return None
        sub.trigger = True
        return sub

    def _subjects_in(self, s: int, e: int, review: bool) -> list[_Subject]:
        """Every subject in text[s:e], in order, one per clause at most.

        In a review section only explicit requests count ("Đề nghị tỉnh …", "Giao Sở …").
        """
        text = self.text
        found: list[_Subject] = []
        for a, b in _sentences(text, s, e):
            starts = [a, *_clause_starts(text, a, b)]
            for k, p in enumerate(starts):
                clause_end = b
                sub = self._subject_at(p, clause_end, strict=k > 0)
                if sub is None:
                    cands = [self._inner_trigger(p, starts[k + 1] if k + 1 < len(starts) else b, b)]
                    if k == 0:
                        cands.append(self._after_adverbial(a, b))
                    found_c = [c for c in cands if c is not None]
                    sub = min(found_c, key=lambda c: c.lead.start) if found_c else None
                if sub is not None:
                    found.append(sub)
        # one subject per clause; a clause inside an enumeration already read is no new subject
        out: list[_Subject] = []
        for sub in found:
            if out and (sub.seg_start <= out[-1].seg_start or sub.lead.start < out[-1].lead.end):
                continue
            out.append(sub)
        if review:
            out = [sub for sub in out if sub.trigger]
        return out

    def _after_adverbial(self, a: int, b: int) -> _Subject | None:
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
            sub = self._subject_from(lead, a, b, strict=True)
            if sub is not None and not sub.bare and not sub.colon:
                return self._handed_on(sub, a, b)
        return None

    def _inner_trigger(self, p: int, clause_end: int, sent_end: int) -> _Subject | None:
        """For "Chính phủ trân trọng đề nghị X …" and "(Giao Công an tỉnh chủ trì …)" inside a clause."""
        text = self.text
        for m in _TRIGGER_RE.finditer(text, p, clause_end):
            w = m.group("w")
            if w[0].islower() and w.lower().startswith("giao"):
                before = text[max(p, m.start() - 40) : m.start()]
                if not (re.search(r"(?:^|[(:;,]\s*|\b(?:đó|đồng thời|và))\s*$", before) or _SPEAKER_END_RE.search(before)):
                    continue
            sub = self._trigger_subject(m, p, sent_end)
            if sub is not None:
                return sub
        return None

    # -------------------------------------------------------- blocks

    def _spans(self) -> list[tuple[int, Block, int, int]]:
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
            return "\n\n" not in text[pe:s] and bool(_PLURAL_HEAD_END_RE.search(text[ps:pe]))
        if "\n\n" in text[pe:s]:
            # a paragraph broken by a blank line goes on in lower case: "… các đơn vị" / "hành chính; …"
            return text[pe - 1] not in ".;!?…" and text[s : s + 1].islower() and pb.kind != "heading"
        if self.blank_lines and (pb.kind != "heading" or text[pe - 1] not in ".;!?…"):
            return True
        if text[pe - 1] in ",;" and self._only_agencies(ps, pe - 1):
            return True  # "Điều 3. Chánh Văn phòng UBND tỉnh;" / "Giám đốc các Sở: …" wrapped onto the next line
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
        if pb.kind == "heading":
            return False
        if nxt[0].text[0].islower() or len(text[ps:pe].split()) <= 5:
            return True
        last = tokenize(text[max(ps, pe - 40) : pe], max(ps, pe - 40))
        if len(last) >= 1 and last[-1].word:
            tail = [t for t in last if t.word][-3:]
            for k in range(len(tail)):
                phrase = " ".join(t.text.lower() for t in tail[k:])
                if phrase in _OPEN_ENDINGS:
                    return True
        return nxt[0].text.lower() in ("thành", "tỉnh", "huyện", "xã", "phường")

    def _only_agencies(self, s: int, e: int) -> bool:
        lead = self._leading_at(s, e)
        return lead is not None and not self.text[lead.end : e].strip()

    def run(self) -> list[Assignment]:
        units, opening_at = self._read(use_opening=False)
        if opening_at is not None and not any(u.tasks for u in units[opening_at + 1 :]):
            # nothing after an opening that addresses agencies names its own: the sections are theirs
            units, _ = self._read(use_opening=True)
        self._emit_lonely_intros(units)
        self._resolve_fields(units)
        out: list[Assignment] = []
        for u in units:
            out.extend(u.tasks)
        return _dedupe(out)

    def _read(self, use_opening: bool) -> tuple[list[_Unit], int | None]:
        """Read every body block; also say which unit is the opening that addresses agencies, if any.

        The opening ("UBND tỉnh yêu cầu các ngành, các cấp … những nội dung chủ yếu sau:") hands
        the sections after it to its agencies when ``use_opening``: every block there that opens
        with a verb is their task, even under "I. YÊU CẦU".
        """
        units: list[_Unit] = []
        by_short: dict[str, int] = {}
        preamble = True  # "Căn cứ …" lines before the first labelled block or heading
        opening: _Frame | None = None
        opening_at: int | None = None
        for idx, b, s, e in self._spans():
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
                    opening = _Frame(unit.frame.agencies, unit.frame.role, handed=True, verb_first=True)
                    if unit.pending is not None:  # the opening's own clause is a task too
                        self._emit(unit, *unit.pending)
                        unit.pending = None
        return units, opening_at

    def _is_opening(self, unit: _Unit, preamble: bool, path: list[str]) -> bool:
        return (
            preamble
            and not path
            and unit.frame is not None
            and unit.frame.handed
            and self.text[unit.start : unit.end].rstrip(" *").endswith(":")
        )

    def _unit(
        self, idx: int, b: Block, s: int, e: int, by_short: dict[str, int], units: list[_Unit]
    ) -> tuple[_Unit, bool]:
        """The unit of a body block, its heading ancestors found by the short forms of their headings."""
        ob = self.original[1][idx]
        own_short = short_form(collapse_spaces(self.original[0][ob.start : ob.end]))
        opens = bool(b.path) and b.path[-1] == own_short
        section = " > ".join(b.path[:-1] if opens else b.path)
        unit = _Unit(idx=idx, block=b, start=s, end=e, section=section)
        unit.ancestors = self._ancestors(b, by_short, opens)
        units.append(unit)
        by_short[own_short] = len(units) - 1
        return unit, opens

    def _emit_lonely_intros(self, units: list[_Unit]) -> None:
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
            if lonely:
                names, ts, te, role = u.pending
                self._emit(u, names, ts, te, role)

    def _ancestors(self, b: Block, by_short: dict[str, int], opens: bool) -> list[int]:
        """Indices (into units) of the blocks on b's heading path, outermost first."""
        path = b.path[:-1] if opens else b.path
        return [by_short[p] for p in path if p in by_short]

    def _do_block(self, unit: _Unit, inherited: _Frame | None, review: bool) -> None:
        text = self.text
        b = unit.block
        s, e = unit.start, unit.end
        body = text[s:e]
        intro = b.intro or body.rstrip(" *").endswith(":")
        field_m = _FIELD_RE.match(body)
        if field_m:
            self._do_field(unit, field_m)
            return
        subjects = self._subjects_in(s, e, review)
        if subjects:
            first = subjects[0]
            if first.seg_start > s and not review:
                # a lead-in without agencies belongs to the inherited ones ("Về …: Giao Bộ …" is one clause)
                pre_s, pre_e = _strip_span(text, s, first.seg_start)
                lead_in = inherited and pre_e - pre_s >= _MIN_TASK_CHARS and not intro
                if lead_in and (not _is_title_like(text[pre_s:pre_e]) or b.kind != "heading"):
                    self._emit(unit, inherited.agencies, pre_s, pre_e, inherited.role, frame_role=True)
            for k, sub in enumerate(subjects):
                seg_end = subjects[k + 1].seg_start if k + 1 < len(subjects) else e
                ts, te = self._task_span(sub, seg_end)
                if k == 0:
                    unit.frame = _Frame(sub.lead.names, sub.role, handed=sub.trigger)
                    if _TOPIC_RE.match(text[s : sub.seg_start]):
                        ts = s  # "Về hỗ trợ kinh phí …: Giao Bộ Tài chính …" keeps its topic
                if sub.bare:
                    continue
                task_text = text[ts:te]
                if intro and k == len(subjects) - 1:
                    # "3.5. Sở Y tế, … thực hiện một số nhiệm vụ sau đây:" introduces the items below;
                    # "Bộ Tài chính chỉ đạo Bảo hiểm xã hội Việt Nam:" hands them to both
                    unit.frame = _Frame(sub.lead.names + self._directed(sub, seg_end), sub.role, handed=sub.trigger)
                    if _REPORT_INTRO_RE.search(text[sub.task_start : seg_end]):
                        # "… báo cáo làm rõ một số nội dung sau:": the items are the report's content
                        unit.frame = None
                        self._emit(unit, sub.lead.names, ts, te, sub.role)
                        continue
                    if text[sub.task_start : seg_end].rstrip(" *").endswith(":"):
                        if te - ts >= _MIN_TASK_CHARS:
                            unit.pending = (sub.lead.names, ts, te, sub.role)
                        continue
                if te - ts < _MIN_TASK_CHARS or not re.search(r"\w", task_text):
                    continue
                self._emit(unit, sub.lead.names, ts, te, sub.role)
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
        self._emit(unit, inherited.agencies, ts, te, inherited.role, frame_role=True)

    def _opens_with_verb(self, s: int, e: int) -> bool:
        """"Tổ chức đánh giá …", "Chủ động xây dựng …": the block starts with a verb (an order)."""
        toks = tokenize(_ADVERBIAL_RE.sub("", self.text[s : min(e, s + 120)]))
        if not toks or not toks[0].word:
            return False
        lowered = [Token(toks[0].text.lower(), toks[0].key, 0, 0, True), *toks[1:]]
        pred = predicate_at(lowered, 0)
        return pred is not None and pred not in WEAK_PREDICATES

    def _directed(self, sub: _Subject, end: int) -> list[tuple[str, str]]:
        """The agencies an intro's subject directs: "X chỉ đạo Y (thực hiện các nội dung sau):"."""
        text = self.text
        m = re.match(r"\s*(?:tiếp tục\s+)?chỉ đạo\s+", text[sub.task_start : end])
        if not m:
            return []
        lead = self.canon.parse_leading(text[:end], sub.task_start + m.end())
        if lead is None:
            return []
        return [nc for nc, kind in zip(lead.names, lead.kinds, strict=True) if kind in ("org", "title")]

    def _task_span(self, sub: _Subject, seg_end: int) -> tuple[int, int]:
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

    def _do_field(self, unit: _Unit, m: re.Match[str]) -> None:
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
        subjects = [sub for sub in self._subjects_in(s, e, False) if not self._only_adverbial(sub, e)]
        if subjects and not all(sub.bare or sub.colon for sub in subjects):
            for k, sub in enumerate(subjects):
                if sub.bare:
                    continue
                seg_end = subjects[k + 1].seg_start if k + 1 < len(subjects) else e
                ts, te = self._task_span(sub, seg_end)
                if te - ts >= _MIN_TASK_CHARS:
                    self._emit(unit, sub.lead.names, ts, te, sub.role)
            return
        lead = self.canon.parse_leading(text[:e], s)
        if lead is None:
            return
        role: Role = "chủ trì" if "chủ trì" in f else "phối hợp" if "phối hợp" in f else "giao"
        unit.field = ("agencies", s, e, (lead.names, role))

    def _only_adverbial(self, sub: _Subject, end: int) -> bool:
        """For "Sở Nội vụ, các sở trong phạm vi chức năng, nhiệm vụ của mình và …": no verb follows."""
        rest = _ADVERBIAL_RE.sub("", self.text[sub.task_start : end].strip(" ,"))
        rest = re.sub(r"^(?:trong phạm vi|theo)[^,;.]*?(?:của mình|được giao)[,\s]*", "", rest)
        toks = tokenize(rest[:80])
        return not toks or predicate_at(toks, 0) is None or toks[0].low in ("và", "theo", "trong")

    def _resolve_fields(self, units: list[_Unit]) -> None:
        """Emit the tasks of field-style plans: the agencies of each field get the section's task."""
        groups: dict[int, list[_Unit]] = {}
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
                self._emit(target, names, ts, te, role, deadline=deadline, cooperators=False)

    def _emit(
        self,
        unit: _Unit,
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
        if _DIFFICULTY_RE.match(task):
            return  # "Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, … báo cáo": the closing formula
        if _NOTICE_RE.search(task) and len(task.split()) <= 40:
            return  # "… thông báo để Bộ X và các cơ quan liên quan biết, thực hiện": a notice, not a task
        own = _role_of(task)
        if frame_role:
            role = own if own != "giao" else role
        deadline = deadline or _deadline(task)
        pairs = [(printed, canonical, role) for printed, canonical in agencies if not is_generic(canonical)]
        if role in ("chủ trì", "giao") and cooperators:
            pairs += [(printed, canonical, "phối hợp") for printed, canonical in self._cooperators(ts, te)]
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
            lead = self.canon.parse_leading(text[:first_end], m.end())
            if lead is None or lead.start != m.end():
                continue
            only_groups = all(kind == "group" for kind in lead.kinds)
            for (p, c), kind in zip(lead.names, lead.kinds, strict=True):
                if kind == "group" and not only_groups:
                    continue
                out.append((p, c))
        return out


# ---------------------------------------------------------------- module helpers


def _zones(text: str, blocks: list[Block]) -> list[str]:
    try:
        from ingest.structure import block_zones
    except ImportError:  # pragma: no cover - the structure module ships with ingest
        return ["body"] * len(blocks)
    try:
        zones = block_zones(text, blocks)
    except Exception:  # a malformed block list: treat every block as body
        log.debug("block_zones failed; treating every block as body", exc_info=True)
        return ["body"] * len(blocks)
    return list(zones) if len(zones) == len(blocks) else ["body"] * len(blocks)


_LOCALITY_SUBJECT_RE = re.compile(r"[\s\"“(*]*(Tỉnh|Thành phố)(?=\s+[a-zđà-ỹ])")
_LOCALITY_NAME_RE = re.compile(r"\b(tỉnh|thành phố) ((?:[A-ZĐÀ-Ỹ][\wà-ỹ]*)(?: [A-ZĐÀ-Ỹ][\wà-ỹ]*){0,2})")


def _main_locality(text: str) -> tuple[str, str] | None:
    """The province or city a document is about: the one its text names most, at least 3 times."""
    counts: dict[tuple[str, str], int] = {}
    for m in _LOCALITY_NAME_RE.finditer(text):
        key = (m.group(1), m.group(2))
        counts[key] = counts.get(key, 0) + 1
    if not counts:
        return None
    best = max(counts.items(), key=lambda kv: kv[1])
    ranked = sorted(counts.values(), reverse=True)
    if best[1] < 3 or (len(ranked) > 1 and ranked[1] * 2 > best[1]):
        return None
    return best[0]


def _dedupe(items: list[Assignment]) -> list[Assignment]:
    seen: set[tuple[str, int, int]] = set()
    out = []
    for a in items:
        k = (AgencyCanon.key(a.agency), a.start, a.end)
        if k in seen:
            continue
        seen.add(k)
        out.append(a)
    return out


def extract_assignments(
    text: str, blocks: list[Block], canon: AgencyCanon, *, subject_in_task: bool = True
) -> list[Assignment]:
    """Every assignment in a directive: one per (agency, task), in document order.

    ``text`` is the normalised text and ``blocks`` its ``parse_blocks`` result; every
    assignment's ``task`` is ``text[start:end]``. ``subject_in_task=False`` cuts the agencies
    that open a clause off its task ("chủ trì, phối hợp …" instead of "Sở Y tế chủ trì, …").
    """
    if not text or not blocks:
        return []
    view = deglue(text)
    if not view.changed:
        return _Extractor(text, blocks, canon, subject_in_task).run()
    # glued syllables ("Uỷ ban nhân dântỉnh", "đềnghị") are read with their spaces put back;
    # every span is then mapped to the text as it is
    spaced = [b.model_copy(update={"start": view.to_spaced(b.start), "end": view.to_spaced(b.end)}) for b in blocks]
    ex = _Extractor(view.text, spaced, canon, subject_in_task, original=(text, blocks))
    out = []
    for a in ex.run():
        s, e = view.to_original(a.start), view.to_original(a.end)
        out.append(a.model_copy(update={"start": s, "end": e, "task": text[s:e]}))
    return out
