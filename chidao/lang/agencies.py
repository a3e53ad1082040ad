"""Agency names: the alias table, canonical names, enumerations, and what a user's query means.

The table (``chidao/data/agencies.toml``, extendable with ``Settings.agencies_file`` in the same
format) lists abbreviations ("UBND"), the fields of ministries and departments with their
abbreviations ("Sở KH&ĐT" → "Sở Kế hoạch và Đầu tư"), whole names ("TTXVN"), the words an
agency name starts with, and leaders' titles ("Giám đốc Sở Y tế" → "Sở Y tế").

- ``AgencyCanon.canonical("Sở Y Tế")`` → "Sở Y tế"; scope words stay ("Ủy ban nhân dân tỉnh" and
  "Ủy ban nhân dân các huyện, thành phố" are different agencies).
- ``AgencyCanon.split("các Bộ: Công an, Quốc phòng")`` → ["Bộ Công an", "Bộ Quốc phòng"].
- ``AgencyCanon.parse_leading(text)`` reads the enumeration of agencies a clause starts with and
  says where it ends ("Sở Y tế, Sở Nội vụ chủ trì …" ends before "chủ trì").
- ``AgencyCanon.match("so y te")`` → the canonical names a typed agency refers to.

Lookups (``canonical`` of a typed name, ``match``) compare accent- and case-folded words and return
names with accents. Inside running text the lexicons compare accented lower case ("Quỹ" is a
head, "quy định" is not; "Tỉnh" is not "tình"), unless the text carries no accents at all.
"""

from __future__ import annotations

import logging
import re
import tomllib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from chidao.config import Settings
from chidao.lang.text import collapse_spaces, fold, has_accents, nfc

log = logging.getLogger(__name__)

# ---------------------------------------------------------------- tokens


@dataclass(frozen=True, slots=True)
class Token:
    text: str  # as printed
    key: str  # folded (lower case, no accents, đ→d); punctuation as is
    start: int
    end: int
    word: bool
    folded: bool = False  # the text had no accents: match lexicons on folded keys

    @property
    def low(self) -> str:
        return self.text.lower()

    @property
    def m(self) -> str:
        """The form lexicons are matched on: accented lower case (modern tones), or folded."""
        return self.key if self.folded or not self.word else _accented(self.text)


_TOKEN_RE = re.compile(r"\w+|[^\w\s]", re.UNICODE)


def tokenize(text: str, offset: int = 0, folded: bool | None = None) -> list[Token]:
    """Word and punctuation tokens with offsets; ``folded`` defaults to "the text has no accents"."""
    if folded is None:
        folded = not has_accents(text)
    out: list[Token] = []
    for m in _TOKEN_RE.finditer(text):
        s = m.group()
        is_word = s[0].isalnum() or s[0] == "_"
        out.append(Token(s, fold(s) if is_word else s, m.start() + offset, m.end() + offset, is_word, folded))
    return out


def _keys(phrase: str) -> tuple[str, ...]:
    """The folded word keys of a phrase ("KH&ĐT" → ("kh", "dt"))."""
    return tuple(t.key for t in tokenize(nfc(phrase)) if t.word)


def _acc_keys(phrase: str) -> tuple[str, ...]:
    """The accented lower-case word keys of a phrase ("Sở Y tế" → ("sở", "y", "tế"))."""
    return tuple(_accented(t.text) for t in tokenize(nfc(phrase), folded=False) if t.word)


def _is_upper_word(s: str) -> bool:
    return any(c.isalpha() for c in s) and s == s.upper()


def _is_capitalised(s: str) -> bool:
    return s[:1].isupper() or s[:1].isdigit()


# Old-style tone placement ("Uỷ", "Hoà", "Thuỷ") → the style used by current documents ("Ủy", "Hòa").
_TONES = "\u0300\u0301\u0303\u0309\u0323"
_OLD_TONE_RE = re.compile(rf"(?i)(?<![\w])((?:[^\W\d_]*?))([ou])([aey])([{_TONES}])(?![\w])")


def modern_tones(text: str) -> str:
    """Move the tone mark of open "oa/oe/uy" syllables onto the first vowel ("Uỷ ban" → "Ủy ban")."""
    decomposed = unicodedata.normalize("NFD", text)

    def repl(m: re.Match[str]) -> str:
        onset = m.group(1)
        if onset.lower().endswith("q"):  # "quý", "quỷ": the mark stays on y
            return m.group(0)
        return f"{onset}{m.group(2)}{m.group(4)}{m.group(3)}"

    return nfc(_OLD_TONE_RE.sub(repl, decomposed))


@lru_cache(maxsize=65536)
def _accented(word: str) -> str:
    return modern_tones(nfc(word).lower())


# ---------------------------------------------------------------- lexicon (a trie over word keys)


class _Lexicon:
    """Longest-match lookup of phrases over word tokens; light punctuation may sit between words.

    Phrases are matched on accented lower case ("Quỹ" is not "quy", "Tỉnh" is not "tình") unless
    the tokens come from text without accents, which is matched on folded keys.
    """

    def __init__(self) -> None:
        self.roots: dict[bool, dict[str, Any]] = {False: {}, True: {}}

    def add(self, phrase: str, value: Any) -> None:
        for folded, keys in ((False, _acc_keys(phrase)), (True, _keys(phrase))):
            if not keys:
                continue
            node = self.roots[folded]
            for k in keys:
                node = node.setdefault(k, {})
            node.setdefault("\0", value)

    def longest(self, toks: list[Token], i: int, glue: str = "") -> tuple[int, Any] | None:
        """Longest phrase starting at toks[i]; punctuation in ``glue`` may appear between words.

        Returns (index after the match, value) or None.
        """
        if i >= len(toks):
            return None
        node = self.roots[toks[i].folded]
        best: tuple[int, Any] | None = None
        j = i
        n = len(toks)
        while j < n:
            t = toks[j]
            if not t.word:
                if j > i and t.text in glue:
                    j += 1
                    continue
                break
            nxt = node.get(t.m)
            if nxt is None:
                break
            node = nxt
            j += 1
            if "\0" in node:
                best = (j, node["\0"])
        return best


# ---------------------------------------------------------------- grammar shared by the parsers

# Words that start the predicate after an agency ("Sở Y tế chủ trì …"). Compared on the printed,
# lower-case form (the same words capitalised belong to names: "Ban Quản lý", "Sở Xây dựng").
PREDICATE_WORDS = """
chủ trì|phối hợp|có trách nhiệm|chịu trách nhiệm|là|có|cần|phải|được|đã|đang|sẽ|vừa|cũng|không|chưa|đều|
luôn|nên|khẩn trương|tiếp tục|chủ động|tích cực|tập trung|kịp thời|thường xuyên|sớm|ngay|trực tiếp|quyết liệt|
nghiêm túc|nghiêm|nhanh chóng|căn cứ|theo|trong|trên cơ sở|với|cùng với|để|nhằm|khi|nếu|thì|tại|chỉ đạo|
tổ chức|thực hiện|triển khai|tham mưu|hướng dẫn|theo dõi|rà soát|kiểm tra|xây dựng|nghiên cứu|báo cáo|đôn đốc|
tăng cường|bố trí|đảm bảo|bảo đảm|cung cấp|đề xuất|trình|ban hành|phê duyệt|xem xét|giải quyết|xử lý|giám sát|
thẩm định|tổng hợp|cập nhật|huy động|hỗ trợ|vận động|tuyên truyền|phổ biến|quán triệt|nâng cao|đẩy mạnh|
đẩy nhanh|hoàn thành|hoàn thiện|làm việc|làm tốt|làm rõ|nắm|nắm chắc|nắm bắt|duy trì|định kỳ|ưu tiên|bổ sung|
điều chỉnh|sửa đổi|thông tin|thông báo|xuất cấp|cấp phát|tiếp nhận|phân bổ|soạn thảo|tham gia|tạo điều kiện|
kêu gọi|khắc phục|ứng phó|sẵn sàng|chuẩn bị|vận hành|điều tiết|phân luồng|bám sát|quan tâm|phát huy|thống nhất|
thống kê|lựa chọn|công bố|công khai|phân công|giao|yêu cầu|đề nghị|ủy quyền|uỷ quyền|trả lời|gửi|nộp|mua sắm|
kiểm soát|rút kinh nghiệm|đánh giá|dự kiến|lãnh đạo|phát hiện|ngăn chặn|xác định|tìm kiếm|chi trả|
giải ngân|nêu cao|tham dự|đảm nhận|đảm nhiệm|thực thi|thi hành|tuân thủ|chấp hành|áp dụng|sử dụng|quyết định|
chuyển|bàn giao|điều phối|tổ chức thực hiện|vận chuyển|tiến hành|trao đổi|thúc đẩy|quản lý|
hoàn tất|khảo sát|nghiêm cấm|tháo gỡ|thu hồi|sắp xếp|đề ra|kết hợp|phản ánh|
giúp|thay mặt|thừa lệnh|thừa ủy quyền|thừa uỷ quyền|trân trọng|mạnh dạn|cương quyết|kiên quyết|lồng ghép|
thanh tra|ký|ký kết|cử|thi đua|coi|xác nhận|cấp giấy|phê bình|xét|tiếp tục thực hiện|tiếp thu|ra quyết định|
trước|sau khi|từ ngày|đến ngày|
lập kế hoạch|lập quy hoạch|lập đề án|lập dự án|lập hồ sơ|lập danh sách|lập báo cáo|thành lập|mở|lấy|lấy ý kiến|đưa|tìm|tạo|kiện toàn|củng cố|điều tra|khởi công|hoàn chỉnh|tạm dừng|
dừng|ngừng|phát hành|đăng tải|nghiệm thu|quyết toán|thanh toán|bảo vệ|phòng ngừa|ngăn ngừa|mời|cho ý kiến|góp ý|
tổng kết|sơ kết|biên soạn|phát động|hưởng ứng|chăm lo|chăm sóc|cải thiện|đổi mới|chấn chỉnh|siết chặt|xúc tiến|
thu hút|khuyến khích|vận dụng|cắt giảm|đơn giản hóa|chịu|xem|liên hệ|làm việc với|thông qua
""".replace("\n", "").strip("|")

# Qualifiers that belong to a name even though their first word is a predicate word.
_NAME_QUALIFIERS = ("có liên quan", "liên quan", "được giao quản lý", "cấp tỉnh", "cấp huyện", "cấp xã", "cấp cơ sở")

# Nouns that name a group of agencies after "các" ("các sở, ban, ngành").
GROUP_NOUNS = """
sở|bộ|ban|ngành|cơ quan|đơn vị|địa phương|tổ chức|đoàn thể|hội|doanh nghiệp|tỉnh|thành phố|huyện|quận|thị xã|
xã|phường|đặc khu|thị trấn|chủ đầu tư|trường học|trường đại học|trường cao đẳng|cơ sở|lực lượng|ngân hàng|
tập đoàn|tổng công ty|công ty|
trung tâm|chủ rừng|nhà đầu tư|hợp tác xã|cá nhân|hộ gia đình|cơ quan báo chí|cơ quan truyền thông|
cơ quan thông tấn|chi nhánh|cục|chi cục|vụ|viện|bệnh viện|phòng|ủy ban|uỷ ban|đơn vị sự nghiệp|
cơ quan ngang bộ|cơ quan chuyên môn|bộ trưởng|thủ trưởng|giám đốc|chủ tịch|phó thủ tướng|tổ chức chính trị|
đoàn|liên đoàn|ngân hàng thương mại|tổ chức tín dụng|doanh nghiệp viễn thông|thành viên|cơ quan chức năng|
cấp|đại học|học viện|cao đẳng|trung cấp|nhà trường|
""".replace("\n", "").strip("|")

# Scope words: written in lower case inside a canonical name ("Ủy ban nhân dân tỉnh").
SCOPE_WORDS = (
    "tỉnh",
    "thành phố",
    "huyện",
    "quận",
    "thị xã",
    "xã",
    "phường",
    "thị trấn",
    "đặc khu",
    "cấp tỉnh",
    "cấp huyện",
    "cấp xã",
    "các",
    "và",
    "trực thuộc",
    "thuộc",
    "khu vực",
    "cơ quan",
    "đơn vị",
    "ban",
    "ngành",
    "đoàn thể",
    "liên quan",
    "có liên quan",
    "địa phương",
    "ngang bộ",
)

LOCALITY_WORDS = frozenset({"tỉnh", "thành", "huyện", "quận", "thị", "xã", "phường", "đặc", "cấp"})
_LIST_PUNCT = ",;"
_NAME_GLUE = "-–&/'’.,"  # punctuation allowed inside a matched alias ("KH&ĐT", "Văn hóa, Thể thao")


def _phrases(spec: str) -> list[str]:
    return [p.strip() for p in spec.split("|") if p.strip()]


_PREDICATE_SET = frozenset(nfc(p) for p in _phrases(PREDICATE_WORDS))
_PREDICATE_MAX = max(len(p.split()) for p in _PREDICATE_SET)
_GROUP_LEX = _Lexicon()
for _g in _phrases(GROUP_NOUNS):
    _GROUP_LEX.add(_g, _g)
_SCOPE_LEX = _Lexicon()
for _s in SCOPE_WORDS:
    _SCOPE_LEX.add(_s, _s)
# Localities: the scope words that continue a name after a comma ("UBND các huyện, thành phố").
_LOCALITY_LEX = _Lexicon()
for _s in SCOPE_WORDS[:12]:
    _LOCALITY_LEX.add(_s, _s)
_QUALIFIER_LEX = _Lexicon()
for _q in _NAME_QUALIFIERS:
    _QUALIFIER_LEX.add(_q, _q)
# Trailing generic members of a list that name nobody in particular ("và các cơ quan liên quan").
_VAGUE_RE = re.compile(
    r"^(?:(?:thủ trưởng|người đứng đầu|lãnh đạo)\s+)?(?:các|những|mọi)?\s*(?:[\w\s,]*?)"
    r"(?:(?:có\s+)?liên quan)$"
)
_VAGUE_START_RE = re.compile(r"^(?:các|những|mọi)\s+(?:cơ quan|đơn vị|tổ chức|cá nhân|địa phương|ngành|bộ|sở)\b")


# Two-syllable words whose second syllable is also a predicate word ("đăng ký", "sản xuất").
_COMPOUNDS = frozenset(
    "đăng ký|sản xuất|chế xuất|đề xuất|thành lập|độc lập|thiết lập|cung cấp|các cấp|phân cấp|chương trình|"
    "quy trình|công trình|lộ trình|tờ trình|đồng thời|kịp thời|hỗ trợ|bảo đảm|đảm bảo|pháp chế|thương mại|"
    "phát triển|quy hoạch|cơ quan|quản lý|dịch vụ|hành chính|thông tin|truyền thông|bồi dưỡng|ứng dụng|"
    "bầu cử|ứng cử|đề cử|tuyển cử|chữ ký|xét xử|kiểm xét".split("|")
)


def _locality_at(toks: list[Token], i: int) -> int | None:
    """End index of a locality word at toks[i] ("tỉnh", "thành phố" — not "Hà Tĩnh")."""
    m = _LOCALITY_LEX.longest(toks, i)
    if m is None or " ".join(x.low for x in toks[i : m[0]] if x.word) != m[1]:
        return None
    return m[0]


# Predicate words that are prepositions or adverbials: they end a name but do not show that a
# clause inside a sentence assigns anything ("…; các tổ chức bên trong theo đúng chỉ đạo").
WEAK_PREDICATES = frozenset(
    "là|có|theo|trong|trên cơ sở|với|cùng với|để|nhằm|khi|nếu|thì|tại|căn cứ|trước|sau khi|từ ngày|đến ngày|"
    "về|sau|đều|luôn|nên|cũng".split("|")
)


def predicate_at(toks: list[Token], i: int) -> str | None:
    """The predicate word or phrase (lower case as printed) starting at toks[i], longest first."""
    if i >= len(toks) or not toks[i].word:
        return None
    if i > 0 and toks[i - 1].word and f"{toks[i - 1].text.lower()} {toks[i].text}" in _COMPOUNDS:
        return None
    words: list[str] = []
    best = None
    for j in range(i, min(len(toks), i + _PREDICATE_MAX)):
        t = toks[j]
        if not t.word or t.text != t.text.lower():
            break
        words.append(t.text)
        phrase = " ".join(words)
        if phrase in _PREDICATE_SET:
            best = phrase
    return best


# ---------------------------------------------------------------- the table


@dataclass
class AgencyTable:
    abbreviations: dict[str, str] = field(default_factory=dict)  # "UBND" → "Ủy ban nhân dân"
    domains: dict[str, dict[str, Any]] = field(default_factory=dict)  # name → {"heads", "aliases"}
    agencies: dict[str, list[str]] = field(default_factory=dict)  # name → aliases
    standalone_heads: list[str] = field(default_factory=list)
    named_heads: list[str] = field(default_factory=list)
    titles: dict[str, str] = field(default_factory=dict)

    def merge(self, data: dict[str, Any], origin: str = "") -> None:
        unknown = set(data) - {"abbreviations", "domain", "agency", "heads", "titles"}
        if unknown:
            raise ValueError(
                f"{origin}: unknown section(s) {', '.join(sorted(unknown))}; "
                "valid: abbreviations, domain, agency, heads, titles"
            )
        for k, v in (data.get("abbreviations") or {}).items():
            self.abbreviations[nfc(k)] = nfc(v)
        for d in data.get("domain") or []:
            name = nfc(d["name"])
            entry = self.domains.setdefault(name, {"heads": [], "aliases": []})
            for h in d.get("heads", ["Bộ", "Sở"]):
                if nfc(h) not in entry["heads"]:
                    entry["heads"].append(nfc(h))
            entry["aliases"].extend(nfc(a) for a in d.get("aliases", []))
        for a in data.get("agency") or []:
            self.agencies.setdefault(nfc(a["name"]), []).extend(nfc(x) for x in a.get("aliases", []))
        heads = data.get("heads") or {}
        for h in heads.get("standalone", []):
            if nfc(h) not in self.standalone_heads:
                self.standalone_heads.append(nfc(h))
        for h in heads.get("named", []):
            if nfc(h) not in self.named_heads:
                self.named_heads.append(nfc(h))
        for k, v in (data.get("titles") or {}).items():
            self.titles[nfc(k)] = nfc(v)


def default_table_text() -> str:
    return resources.files("chidao").joinpath("data/agencies.toml").read_text(encoding="utf-8")


def load_table(extra: Path | str | None = None) -> AgencyTable:
    """The shipped table, plus the entries of ``extra`` (a TOML file in the same format)."""
    table = AgencyTable()
    table.merge(tomllib.loads(default_table_text()), "chidao/data/agencies.toml")
    if extra:
        path = Path(extra)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ValueError(f"{path}: not valid TOML: {exc}") from exc
        table.merge(data, str(path))
        log.debug("agency aliases extended from %s", path)
    return table


# ---------------------------------------------------------------- the canonicaliser


@dataclass
class Leading:
    """An enumeration of agencies at the start of a clause."""

    start: int  # offset of the first agency in the text
    end: int  # offset just after the last agency (before the predicate)
    names: list[tuple[str, str]]  # (as printed, canonical)
    kinds: list[str]  # per name: "org", "group", "title"


class AgencyCanon:
    """Canonical agency names over an alias table (``load_table``)."""

    def __init__(self, table: AgencyTable | None = None) -> None:
        self.table = table or load_table()
        t = self.table
        self._abbr = _Lexicon()
        for k, v in t.abbreviations.items():
            self._abbr.add(k, v)
        self._domains: dict[str, _Lexicon] = {}
        self._domain_names: set[str] = set()
        for name, entry in t.domains.items():
            self._domain_names.add(name)
            for head in entry["heads"]:
                lex = self._domains.setdefault(fold(head), _Lexicon())
                lex.add(name, name)
                for a in entry["aliases"]:
                    lex.add(a, name)
        self._agencies = _Lexicon()
        self._agency_keys: dict[tuple[str, ...], str] = {}
        for name, aliases in t.agencies.items():
            for a in [name, *aliases]:
                self._agencies.add(a, name)
                self._agency_keys[_keys(a)] = name
        self._heads = _Lexicon()
        for h in t.standalone_heads:
            self._heads.add(h, ("standalone", h))
        for h in t.named_heads:
            self._heads.add(h, ("named", h))
        self._titles = _Lexicon()
        for k, v in t.titles.items():
            self._titles.add(k, (k, v))
        self._seen: dict[str, str] = {}  # folded key → canonical, every name canonicalised

    # -------------------------------------------------------- construction

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> AgencyCanon:
        """The shipped table extended with ``settings.agencies_file`` when it is set."""
        extra = settings.agencies_file if settings is not None else None
        return cls(load_table(extra))

    # -------------------------------------------------------- canonical names

    def known(self) -> list[str]:
        """Every canonical name the table defines, and every agency this instance has read in text."""
        names = set(self.table.agencies)
        for name, entry in self.table.domains.items():
            for head in entry["heads"]:
                names.add(f"{head} {name}")
        names.update(self._seen.values())
        return sorted(names, key=lambda s: (fold(s), s))

    def canonical(self, name: str) -> str:
        """The canonical form of one agency name (accents kept, aliases resolved, scope kept)."""
        text = collapse_spaces(nfc(name))
        text = re.sub(r"^[\s\-–+•*·.,;:]+|[\s.,;:]+$", "", text)
        text = re.sub(r"^(?:[a-zđ]|\d+(?:\.\d+)*|[IVXLC]+)[.)]\s+", "", text)
        if not text:
            return ""
        return self._canonical(text)

    @staticmethod
    def key(name: str) -> str:
        """Comparison key: folded words joined by single spaces."""
        return " ".join(t.key for t in tokenize(nfc(name)) if t.word)

    def _expand(self, toks: list[Token]) -> list[tuple[str, bool]]:
        """Tokens → (piece, space_before) with abbreviations and whole-name aliases expanded."""
        pieces: list[tuple[str, bool]] = []
        i = 0
        prev_end = None
        while i < len(toks):
            t = toks[i]
            space = prev_end is not None and t.start > prev_end
            m = self._agencies.longest(toks, i, _NAME_GLUE) if t.word else None
            if m and (m[0] - i > 1 or not _is_short_abbr_clash(t.text)):
                pieces.append((m[1], space))
                prev_end = toks[m[0] - 1].end
                i = m[0]
                continue
            m = self._abbr.longest(toks, i, "&-") if t.word else None
            if m and (_is_upper_word(toks[i].text) or (t.folded and len(t.text) >= 4)):
                pieces.append((m[1], space))
                prev_end = toks[m[0] - 1].end
                i = m[0]
                continue
            pieces.append((t.text, space))
            prev_end = t.end
            i += 1
        return pieces

    def _canonical(self, text: str) -> str:
        toks = tokenize(text)
        expanded = _join(self._expand(toks))
        if _keys(expanded) in self._agency_keys:
            return self._agency_keys[_keys(expanded)]
        toks = tokenize(expanded)
        all_caps = _is_upper_word("".join(t.text for t in toks if t.word))
        out: list[tuple[str, bool]] = []
        i = 0
        prev_end: int | None = None
        # leading title ("Giám đốc Sở …", "Chủ tịch Ủy ban nhân dân …") → its replacement
        m = self._titles.longest(toks, 0)
        if m and m[0] < len(toks) and self._starts_org(toks, m[0]):
            repl = m[1][1]
            if repl:
                out.append((repl, False))
                prev_end = toks[m[0] - 1].end
            i = m[0]
        head_fold: str | None = None  # the last head emitted ("bo", "so")
        while i < len(toks):
            t = toks[i]
            space = prev_end is not None and t.start > prev_end
            if not out:
                space = False
            if not t.word:
                out.append((t.text, space))
                prev_end = t.end
                i += 1
                continue
            if head_fold in self._domains:
                m = self._domains[head_fold].longest(toks, i, _NAME_GLUE)
                if m:
                    out.append((m[1], space))
                    prev_end = toks[m[0] - 1].end
                    i = m[0]
                    head_fold = None
                    continue
            m = self._heads.longest(toks, i)
            if m and (_is_capitalised(t.text) or all_caps or i == 0):
                head = m[1][1]
                out.append((head, space))
                prev_end = toks[m[0] - 1].end
                head_fold = fold(head) if m[0] - i == 1 else None
                i = m[0]
                continue
            m = _SCOPE_LEX.longest(toks, i)
            if m and not all_caps and " ".join(x.low for x in toks[i : m[0]] if x.word) != m[1]:
                m = None  # "Hà Tĩnh" is a name, not the scope word "tỉnh"
            if m and (i > 0 or all_caps):
                words = [x.text for x in toks[i : m[0]] if x.word]
                out.append((" ".join(w.lower() for w in words), space))
                prev_end = toks[m[0] - 1].end
                i = m[0]
                head_fold = None
                continue
            word = t.text
            if all_caps and len([x for x in toks if x.word]) > 1:
                word = word.lower()
                if not out or out[-1][0] in ("(", "-", "–"):
                    word = word[:1].upper() + word[1:]
            out.append((word, space))
            prev_end = t.end
            head_fold = None
            i += 1
        result = modern_tones(_join(out))
        if result and result[0].islower():
            result = result[0].upper() + result[1:]
        if _keys(result) in self._agency_keys:
            return self._agency_keys[_keys(result)]
        return result

    def _starts_org(self, toks: list[Token], i: int) -> bool:
        if i >= len(toks) or not toks[i].word:
            return False
        if toks[i].low in ("các", "những"):
            return True
        return any(lex.longest(toks, i, _NAME_GLUE) for lex in (self._heads, self._agencies, self._abbr))

    # -------------------------------------------------------- enumerations

    def split(self, text: str) -> list[str]:
        """An enumeration of agencies → canonical names, in order, without duplicates.

        "Sở Nội vụ, Sở Tài chính" → two names; "các Bộ: Công an, Quốc phòng" → "Bộ Công an",
        "Bộ Quốc phòng"; a trailing "và các cơ quan liên quan" is dropped when specific agencies
        precede it.
        """
        text = collapse_spaces(nfc(text))
        text = re.sub(r"^[\s\-–+•*·]+|[\s.,;:]+$", "", text)
        lead = self.parse_leading(text, 0)
        if lead is None:
            c = self.canonical(text)
            return [c] if c else []
        return _unique([c for _, c in lead.names])

    def parse_leading(self, text: str, pos: int = 0, keep_vague: bool = False) -> Leading | None:
        """Read the enumeration of agencies that starts at ``text[pos]`` (after spaces).

        The enumeration ends before its predicate ("chủ trì", "có trách nhiệm", a verb …), a
        colon, or the end of the text. Returns None when no agency starts there. Members such as
        "các cơ quan, đơn vị liên quan" are dropped when specific agencies are listed too, unless
        ``keep_vague`` (a decision's closing article names each addressee).
        """
        window_end = min(len(text), pos + 1200)
        toks = tokenize(text[pos:window_end], pos)
        if not toks:
            return None
        n = len(toks)
        elements: list[tuple[int, int, str | None, str]] = []  # (tok_i, tok_j, shared head, kind)
        i = 0
        shared: str | None = None
        while i < n:
            start = self._agency_start(toks, i, shared)
            lower_group = (
                start is None
                and elements
                and toks[i].word
                and toks[i].low == toks[i].text
                and _GROUP_LEX.longest(toks, i) is not None
                and predicate_at(toks, i) is None
            )
            if lower_group:
                start = ("group", i)  # a lower-case group after a separator: "…, cơ quan thông tấn báo chí"
            if start is None:
                break
            kind, body_i = start
            j, stop, next_shared = self._extend_name(toks, body_i, kind, shared)
            elements.append((i, j, shared if kind == "domain" else None, kind))
            if stop == "list":
                # toks[j] is a separator ("," ";" "và" "cùng") followed by another agency
                if next_shared is not None:
                    shared = next_shared
                i = j + 1
                while i < n and toks[i].word and toks[i].low in ("và", "cùng"):
                    i += 1
                continue
            if stop == "colon" and j + 1 < n:
                # "các Bộ: Công an, Quốc phòng" / "Giám đốc các Sở: Tư pháp, …"
                head = self._plural_head(toks, elements[-1][0], j)
                if head is not None:
                    elements.pop()
                    shared = head
                    i = j + 1
                    continue
                # "Chủ tịch Ủy ban nhân dân các tỉnh: Khánh Hòa, Đắk Lắk, Gia Lai" (scope list)
                k = self._place_list(toks, j + 1)
                if k is not None and self._ends_with_plural_scope(toks, elements[-1][0], j):
                    e = elements.pop()
                    elements.append((e[0], k, e[2], e[3]))
            break
        if not elements:
            return None
        names: list[tuple[str, str]] = []
        kinds: list[str] = []
        for a, b, head, kind in elements:
            printed = text[toks[a].start : toks[b - 1].end]
            expanded = self._expand_group(printed, kind)
            if expanded:
                for p, c in expanded:
                    names.append((p, c))
                    kinds.append("org")
                continue
            for part in _distribute_localities(printed) if kind in ("org", "title") else [printed]:
                canon = self.canonical(f"{head} {part}" if head else part)
                if canon:
                    names.append((part, canon))
                    kinds.append(kind)
        if not names:
            return None
        if not keep_vague:
            names, kinds = _drop_vague(names, kinds)
        for _, c in names:
            self._seen.setdefault(self.key(c), c)
        last = elements[-1][1]
        return Leading(start=toks[0].start, end=toks[last - 1].end, names=names, kinds=kinds)

    def _expand_group(self, printed: str, kind: str) -> list[tuple[str, str]] | None:
        """For "Các cơ quan đăng ký đầu tư (Sở Tài chính, Ban Quản lý …)" → the agencies in brackets."""
        if kind != "group":
            return None
        m = re.search(r"\(([^()]+)\)\s*$", printed)
        if not m:
            return None
        inner = self.parse_leading(m.group(1), 0)
        if inner is None or any(k == "group" for k in inner.kinds):
            return None
        return inner.names

    def _agency_start(self, toks: list[Token], i: int, shared: str | None) -> tuple[str, int] | None:
        """Whether an agency name starts at toks[i]: (kind, index where its body starts)."""
        if i >= len(toks) or not toks[i].word:
            return None
        t = toks[i]
        if shared is not None:
            lex = self._domains.get(fold(shared))
            if lex and lex.longest(toks, i, _NAME_GLUE):
                return ("domain", i)
        # whole names and abbreviations ("TTXVN", "UBND")
        m = self._agencies.longest(toks, i, _NAME_GLUE)
        if m and _is_capitalised(t.text) and (m[0] - i > 1 or not _is_short_abbr_clash(t.text)):
            return ("org", i)
        m = self._abbr.longest(toks, i, "&-")
        if m and _is_upper_word(t.text) and self._heads.longest(tokenize(m[1]), 0):
            return ("org", i)
        # leaders' titles before an agency or a group ("Giám đốc Sở Y tế", "Thủ trưởng các sở",
        # "Bí thư tỉnh ủy", "người đứng đầu các cơ quan …", "Bộ trưởng, Thủ trưởng cơ quan ngang Bộ")
        m = self._titles.longest(toks, i)
        if m and (_is_capitalised(t.text) or t.low != "lãnh"):
            j = m[0]
            if j < len(toks) and toks[j].word:
                if self._agency_start(toks, j, None) is not None:
                    return ("title", j)
                h = self._heads.longest(toks, j) or _GROUP_LEX.longest(toks, j)
                if h and predicate_at(toks, j) is None:
                    return ("title", j)
            if j < len(toks) and toks[j].text == "," and j + 1 < len(toks) and _is_capitalised(t.text):
                m2 = self._titles.longest(toks, j + 1)
                if m2 and _is_capitalised(toks[j + 1].text):
                    return ("title", j)
        if t.low == t.text and self._noun_phrase_to_colon(toks, i) and i > 0 and toks[i - 1].low == "và":
            return ("group", i)
        # groups: "các sở, ban, ngành", "Các Bộ, cơ quan", "mọi tổ chức"
        if t.low in ("các", "mọi", "những") or (t.low == "tất" and i + 2 < len(toks) and toks[i + 2].low == "các"):
            k = i + 1 if t.low != "tất" else i + 3
            if k < len(toks) and toks[k].word and (_GROUP_LEX.longest(toks, k) or self._agency_start(toks, k, None)):
                return ("group", k)
            return None
        # "Sở, ban, ngành …", "Bộ, ngành, địa phương …", "Doanh nghiệp, tổ chức, cá nhân …"
        # (a capitalised group without "các")
        g0 = _GROUP_LEX.longest(toks, i)
        if g0 and _is_capitalised(t.text) and not _is_upper_word(t.text):
            j = g0[0]
            if j + 1 < len(toks) and toks[j].text == "," and toks[j + 1].word:
                g = _GROUP_LEX.longest(toks, j + 1)
                if g and toks[j + 1].text == toks[j + 1].text.lower():
                    return ("group", i)
        m = self._heads.longest(toks, i)
        if m and _is_capitalised(t.text):
            j = m[0]
            kind_h, head = m[1]
            if kind_h == "standalone":
                return ("org", i)
            # named heads need a name: a domain ("Bộ Y tế"), a capitalised word, or a scope word
            if j >= len(toks) or not toks[j].word:
                return None
            dom = self._domains.get(fold(head))
            if dom and dom.longest(toks, j, _NAME_GLUE):
                return ("org", i)
            if head in ("Bộ", "Sở") and not _is_capitalised(toks[j].text):
                return None
            if head in ("Thuế", "Hải quan"):
                # "Thuế tỉnh", "Hải quan khu vực II"; not "Thuế sử dụng đất", "Thuế TTĐB"
                return ("org", i) if _locality_at(toks, j) is not None or toks[j].low == "khu" else None
            nxt = toks[j].text
            if (_is_capitalised(nxt) and not _is_upper_word(t.text)) or _is_upper_word(nxt):
                return ("org", i)
            if _locality_at(toks, j) is not None:
                return ("org", i)
            if head in ("Cơ quan", "Tổ công tác", "Ngành") and predicate_at(toks, j) is None:
                return ("org", i)
        return None

    def _extend_name(self, toks: list[Token], i: int, kind: str, shared: str | None) -> tuple[int, str, str | None]:
        """Consume the words of one agency name from toks[i].

        Returns (end index, why it stopped, head shared by the next member). Stops: "list" (a
        separator followed by another agency), "colon", "end" (predicate, sentence punctuation
        or end of text).
        """
        n = len(toks)
        j = i
        first = True
        group = kind == "group" or (
            kind == "title"
            and i < n
            and toks[i].low == toks[i].text
            and (toks[i].low in ("các", "mọi", "những") or _GROUP_LEX.longest(toks, i) is not None)
        )
        own_head: str | None = None  # "Bộ" / "Sở" when this member is "Bộ <domain>"

        def next_member(k: int) -> tuple[bool, str | None]:
            if k >= n or not toks[k].word:
                return False, None
            for head in (shared, own_head):
                if head is not None:
                    lex = self._domains.get(fold(head))
                    if lex and lex.longest(toks, k, _NAME_GLUE) and predicate_at(toks, k) is None:
                        return True, head
            if self._agency_start(toks, k, None) is not None:
                return True, None
            return False, None

        while j < n:
            t = toks[j]
            if t.word:
                if t.low in ("và", "cùng") and not first:
                    nxt = j + 1
                    ok, head = next_member(nxt)
                    if ok:
                        return j, "list", head
                    if group and nxt < n and _GROUP_LEX.longest(toks, nxt):
                        j = nxt
                        continue
                    if nxt < n and toks[nxt].low in LOCALITY_WORDS and any(x.low in LOCALITY_WORDS for x in toks[i:j]):
                        j = nxt  # "Ủy ban nhân dân các xã, phường và đặc khu"
                        continue
                    if nxt < n and toks[nxt].word and _is_capitalised(toks[nxt].text) and not group:
                        j = nxt
                        continue
                    if self._noun_phrase_to_colon(toks, nxt):
                        return j, "list", None
                    k = self._lower_then_name(toks, nxt)
                    if k is not None and not group:
                        j = k  # "Ban Quản lý các khu chế xuất và công nghiệp Cần Thơ"
                        continue
                    return j, "end", None
                q = _QUALIFIER_LEX.longest(toks, j)
                if q and not first:
                    j = q[0]
                    continue
                if (
                    not first
                    and t.text == t.text.lower()
                    and predicate_at(toks, j)
                    and not (group and _GROUP_LEX.longest(toks, j))
                ):
                    return j, "end", None
                if first:
                    first = False
                    if kind == "domain" and shared is not None:
                        lex = self._domains.get(fold(shared))
                        d = lex.longest(toks, j, _NAME_GLUE) if lex else None
                        if d:
                            j = d[0]
                            continue
                    m = self._agencies.longest(toks, j, _NAME_GLUE)
                    if m:
                        j = m[0]
                        continue
                    m = self._heads.longest(toks, j)
                    if m:
                        j = m[0]
                        head = m[1][1]
                        dom = self._domains.get(fold(head))
                        if dom and j < n:
                            d = dom.longest(toks, j, _NAME_GLUE)
                            if d:
                                j = d[0]
                                own_head = head
                        continue
                j += 1
                continue
            # punctuation
            if t.text == "(":
                close = _matching_paren(toks, j)
                if close is None:
                    return j, "end", None
                j = close + 1
                continue
            if t.text in "-–&/" and j + 1 < n and toks[j + 1].word and not first:
                j += 1
                continue
            if t.text in _LIST_PUNCT:
                nxt = j + 1
                if nxt < n and toks[nxt].word and toks[nxt].low in ("và", "cùng"):
                    nxt += 1
                ok, head = next_member(nxt)
                if ok:
                    return j, "list", head
                if nxt < n and toks[nxt].word and toks[nxt].text == toks[nxt].text.lower():
                    # "các sở, ban, ngành", "UBND các huyện, thành phố", "các cơ quan, tổ chức liên quan"
                    sc = _locality_at(toks, nxt)
                    g = _GROUP_LEX.longest(toks, nxt)
                    if sc and predicate_at(toks, nxt) is None:
                        j = nxt
                        continue
                    if g and group and (predicate_at(toks, nxt) is None or self._group_tail(toks, g[0])):
                        j = nxt
                        continue
                    if g and predicate_at(toks, nxt) is None:
                        return j, "list", None  # "Đài …, cơ quan thông tấn báo chí"
                if (
                    nxt < n
                    and toks[nxt].word
                    and _is_capitalised(toks[nxt].text)
                    and t.text == ","
                    and predicate_at(toks, nxt) is None
                    and self._glue_capitalised(toks, nxt)
                ):
                    j = nxt  # "Báo và Phát thanh, Truyền hình thành phố"
                    continue
                return j, "end", None
            if t.text == ":":
                return j, "colon", None
            return j, "end", None
        return j, "end", None

    def _group_tail(self, toks: list[Token], k: int) -> bool:
        """After a group noun: more of the group follows (",", "và", "liên quan") or nothing does."""
        if k >= len(toks):
            return True
        t = toks[k]
        if not t.word:
            return t.text in ",;:"
        return t.low in ("và", "có", "liên") or _GROUP_LEX.longest(toks, k) is not None

    def _noun_phrase_to_colon(self, toks: list[Token], k: int) -> bool:
        """For "… và hệ thống truyền thanh cơ sở:" — lower-case words without a verb up to a colon."""
        n = len(toks)
        j = k
        while j < n and j < k + 8:
            t = toks[j]
            if not t.word:
                return t.text == ":" and j > k
            if predicate_at(toks, j) is not None:
                return False
            j += 1
        return False

    def _lower_then_name(self, toks: list[Token], k: int) -> int | None:
        """Lower-case words without a verb, then a capitalised name: the index after the name."""
        n = len(toks)
        j = k
        while j < n and j < k + 5 and toks[j].word and toks[j].low == toks[j].text:
            if predicate_at(toks, j) is not None:
                return None
            j += 1
        if j == k or j >= n or not toks[j].word or not _is_name_word_tok(toks[j].text):
            return None
        while j < n and toks[j].word and _is_name_word_tok(toks[j].text):
            j += 1
        return j

    def _glue_capitalised(self, toks: list[Token], i: int) -> bool:
        """After a comma, a capitalised word continues the name when no clause follows it.

        "Báo và Phát thanh, Truyền hình thành phố" is one name: the words after the comma run into
        a scope word, a predicate or the end without meeting a new clause.
        """
        n = len(toks)
        j = i
        while j < n and j < i + 8:
            t = toks[j]
            if not t.word:
                return t.text in ":;.(" and j > i
            if j > i and (predicate_at(toks, j) is not None or _locality_at(toks, j) is not None):
                return True
            j += 1
        return j >= n

    def _plural_head(self, toks: list[Token], a: int, b: int) -> str | None:
        """For "(Title)? các Bộ(, cơ quan)?" before a colon: "Bộ", the head the list shares."""
        words = [t for t in toks[a:b] if t.word]
        keys = [t.key for t in words]
        m = self._titles.longest(toks, a)
        if m:
            keys = [t.key for t in toks[m[0] : b] if t.word]
        if not keys or keys[0] not in ("cac", "nhung"):
            return None
        rest = keys[1:]
        if not rest:
            return None
        head = {"bo": "Bộ", "so": "Sở"}.get(rest[0])
        if head is None:
            return None
        tail = rest[1:]
        allowed = {"co", "quan", "nganh", "ngang", "bo", "thuoc", "chinh", "phu", "ban", "don", "vi"}
        if all(k in allowed for k in tail):
            return head
        return None

    def _ends_with_plural_scope(self, toks: list[Token], a: int, b: int) -> bool:
        keys = [t.key for t in toks[a:b] if t.word]
        return len(keys) >= 2 and "cac" in keys and keys[-1] in ("tinh", "pho", "huyen", "xa", "phuong", "uong")

    def _place_list(self, toks: list[Token], i: int) -> int | None:
        """A list of capitalised place names ("Khánh Hòa, Đắk Lắk, Gia Lai và Lâm Đồng")."""
        n = len(toks)
        j = i
        names = 0
        in_name = False
        while j < n:
            t = toks[j]
            if t.word and _is_capitalised(t.text) and predicate_at(toks, j) is None:
                if not in_name:
                    names += 1
                in_name = True
                j += 1
                continue
            if t.word and t.low == "và" and in_name:
                in_name = False
                j += 1
                continue
            if t.text in ",;" and in_name and j + 1 < n and toks[j + 1].word and _is_capitalised(toks[j + 1].text):
                in_name = False
                j += 1
                continue
            break
        if names < 2:
            return None
        while j > i and not toks[j - 1].word:
            j -= 1
        return j

    # -------------------------------------------------------- queries

    def match(self, query: str, candidates: Iterable[str] | None = None) -> list[str]:
        """Canonical names that a typed agency refers to ("so y te", "SỞ Y TẾ", "Sở YT").

        ``candidates`` are the canonical names to choose from (default: ``known()``). Compared
        accent- and case-folded, a name matches when it is the query, when it is the query
        followed by more words ("Sở Y tế" → "Sở Y tế tỉnh Cao Bằng"), when the query is the name
        followed by more words, or when the query names a field only ("Y tế" → "Sở Y tế",
        "Bộ Y tế"). "Ủy ban nhân dân tỉnh" does not match "Ủy ban nhân dân các huyện" nor
        "Văn phòng Ủy ban nhân dân tỉnh".
        """
        q = collapse_spaces(nfc(query))
        if not q:
            return []
        wanted = {self.key(q), self.key(self.canonical(q))}
        for part in self.split(q):
            wanted.add(self.key(part))
        wanted.discard("")
        fields = self._field_keys(q)
        pool = list(candidates) if candidates is not None else self.known()
        exact: list[str] = []
        partial: list[str] = []
        for name in pool:
            keys = {self.key(self.canonical(name)), self.key(name)}
            if keys & wanted:
                exact.append(name)
            elif any(k.startswith(w + " ") or w.startswith(k + " ") for k in keys for w in wanted) or (
                fields and any(re.match(rf"^(?:bo|so) {re.escape(f)}(?: |$)", k) for k in keys for f in fields)
            ):
                partial.append(name)
        return _unique(exact + partial)

    def _field_keys(self, query: str) -> set[str]:
        """Folded domain names a query consisting only of a field names ("Y tế", "KH&ĐT")."""
        toks = tokenize(query)
        out = set()
        for lex in self._domains.values():
            m = lex.longest(toks, 0, _NAME_GLUE)
            if m and m[0] == len([t for t in toks if t.word or t.text in _NAME_GLUE]):
                out.add(self.key(m[1]))
        return out


# ---------------------------------------------------------------- helpers


_UPPER_WORD = r"[A-ZĐÀ-Ỹ][\wÀ-ỹ]*"
_LOCALITY = rf"(?:tỉnh|thành phố|Thành phố|huyện|quận|thị xã|xã|phường)\s+{_UPPER_WORD}(?:\s+{_UPPER_WORD})*"
_DISTRIBUTE_RE = re.compile(
    rf"^(?P<head>.+?)\s+(?P<first>{_LOCALITY})(?P<rest>(?:\s*,\s*{_LOCALITY})*\s+và\s+{_LOCALITY})$"
)


def _distribute_localities(printed: str) -> list[str]:
    """For "Ủy ban nhân dân thành phố Hà Nội, thành phố Hải Phòng và tỉnh Quảng Ninh" → one per place."""
    flat = collapse_spaces(printed)
    m = _DISTRIBUTE_RE.match(flat)
    if not m:
        return [printed]
    places = [m.group("first"), *re.split(r"\s*,\s*|\s+và\s+", m.group("rest").strip(" ,"))]
    places = [p for p in places if p]
    return [f"{m.group('head')} {p}" for p in places]


def _join(pieces: list[tuple[str, bool]]) -> str:
    out: list[str] = []
    for text, space in pieces:
        if out and space:
            out.append(" ")
        out.append(text)
    return collapse_spaces("".join(out))


def _is_name_word_tok(w: str) -> bool:
    return w[:1].isupper() and not (len(w) > 1 and w.isupper())


def _is_short_abbr_clash(word: str) -> bool:
    """Short all-caps abbreviations that are also ordinary words ("CA", "CT")."""
    return len(word) <= 2


def _matching_paren(toks: list[Token], i: int) -> int | None:
    depth = 0
    limit = min(len(toks), i + 80)
    for j in range(i, limit):
        if toks[j].text == "(":
            depth += 1
        elif toks[j].text == ")":
            depth -= 1
            if depth == 0:
                return j
    return None


def _unique(items: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for x in items:
        k = AgencyCanon.key(x)
        if k and k not in seen:
            seen.add(k)
            out.append(x)
    return out


_GENERIC = frozenset(
    fold(w)
    for w in (
        "Sở", "Bộ", "Ban", "Ngành", "Cục", "Vụ", "Phòng", "Cơ quan", "Đơn vị", "Địa phương", "Tổ chức",
        "Bộ trưởng", "Các Bộ trưởng", "Giám đốc", "Các Giám đốc", "Thủ trưởng", "Các Thủ trưởng",
        "Chủ tịch", "Lãnh đạo", "Người đứng đầu",
    )
)  # fmt: skip


def is_generic(name: str) -> bool:
    """A bare generic word or title ("Sở", "Bộ", "cơ quan", "các Bộ trưởng") names no agency."""
    return fold(collapse_spaces(name)).strip(" .,;:") in _GENERIC


def _drop_vague(names: list[tuple[str, str]], kinds: list[str]) -> tuple[list[tuple[str, str]], list[str]]:
    """Drop "các cơ quan, đơn vị liên quan"-like members when specific agencies are listed too."""
    vague = [
        bool(_VAGUE_RE.match(c.lower()) and _VAGUE_START_RE.match(c.lower())) or c.lower() in ("các địa phương",)
        for _, c in names
    ]
    if all(vague):
        return names, kinds
    keep = [k for k, v in enumerate(vague) if not v]
    return [names[k] for k in keep], [kinds[k] for k in keep]
