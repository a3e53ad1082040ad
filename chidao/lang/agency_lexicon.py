"""The words agency names are read with: tokens, lexicons, predicates, group nouns, scope words.

``tokenize`` cuts text into word and punctuation tokens that keep their offsets; ``_Lexicon`` finds
the longest listed phrase at a token; ``predicate_at`` says whether a predicate (a verb or an
adverbial that opens one: "chủ trì", "khẩn trương", "có trách nhiệm") starts at a token, which is
where an enumeration of agencies ends.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from chidao.lang.text import fold, has_accents, nfc

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
# (a breve or circumflex after the mark, "hoặc" in NFD, is part of the vowel: not an open syllable)
_OLD_TONE_RE = re.compile(rf"(?i)(?<![\w])((?:[^\W\d_]*?))([ou])([aey])([{_TONES}])(?![\w\u0300-\u036f])")


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
lập kế hoạch|lập quy hoạch|lập đề án|lập dự án|lập hồ sơ|lập danh sách|lập báo cáo|
thành lập|mở|lấy|lấy ý kiến|đưa|tìm|tạo|kiện toàn|củng cố|điều tra|khởi công|hoàn chỉnh|tạm dừng|
dừng|ngừng|phát hành|đăng tải|nghiệm thu|quyết toán|thanh toán|bảo vệ|phòng ngừa|ngăn ngừa|mời|cho ý kiến|góp ý|
tổng kết|sơ kết|biên soạn|phát động|hưởng ứng|chăm lo|chăm sóc|cải thiện|đổi mới|chấn chỉnh|siết chặt|xúc tiến|
thu hút|khuyến khích|vận dụng|cắt giảm|đơn giản hóa|chịu|xem|liên hệ|làm việc với|thông qua|
nỗ lực|phấn đấu|cân đối|thẩm tra|truy quét|tuần tra|sơ tán|di dời|kiểm kê|xử phạt|cảnh báo|khuyến cáo|nhân rộng|
sửa chữa|nâng cấp|khôi phục|tiêm phòng|tiêu hủy|thu gom|cấp phép|đề cao|tăng cường công tác
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
