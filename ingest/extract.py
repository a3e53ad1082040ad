"""Document metadata from the text of a Vietnamese administrative document: ``extract_metadata``.

A directive's first page follows the layout of Nghị định 30/2020/NĐ-CP:

    ỦY BAN NHÂN DÂN              CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM      ← issuer | national motto
    TỈNH CAO BẰNG                   Độc lập - Tự do - Hạnh phúc
    Số: 81/TB-VPCP               Cao Bằng, ngày 04 tháng 5 năm 2021       ← number | place, date
    (V/v …)                                                               ← trích yếu of a Công văn
                          THÔNG BÁO                                       ← type word
               Kết luận của Chủ tịch UBND tỉnh …                          ← trích yếu (title)
    … body …
    Nơi nhận: …                        KT. CHỦ TỊCH / PHÓ CHỦ TỊCH / Name  ← signer

Extracted text arrives with the two columns one after the other, table pipes, hard line wraps
and markdown emphasis, so every rule here reads "segments" (lines split at table pipes, emphasis
stripped) and tolerates wrapped words. A field that is not printed stays None: nothing is guessed.
"""

from __future__ import annotations

import bisect
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass

from chidao.lang.references import (
    _DATE_NUM,
    _DATE_WORDS,
    TYPE_WORDS,
    date_from_match,
    shadow,
    type_from_number,
)
from chidao.lang.text import DOCNUM_RE, docnum_display, latinize, nfc
from chidao.records import DocumentMeta

log = logging.getLogger(__name__)

_HEAD_LIMIT = 4000  # the first page: where header, title and body start are looked for
_ISSUER_MAX_SEGS = 8  # the issuer is in the first lines

# ---------------------------------------------------------------- segments


@dataclass
class _Seg:
    text: str  # emphasis stripped, spaces collapsed
    fold: str  # shadow(text)
    start: int  # offset of the line in the (emphasis-stripped) text
    gap_before: bool  # a blank line or a table-cell boundary precedes it


_EMPH_RE = re.compile(r"[*_#>`]+")
_RULE_RE = re.compile(r"^[\s\-–—_=:|.*]*$")


def _segments(text: str, limit: int | None = None) -> list[_Seg]:
    segs: list[_Seg] = []
    pos = 0
    gap = True
    for line in text.splitlines(keepends=True):
        if limit is not None and pos > limit:
            break
        offset = pos
        pos += len(line)
        cells = line.split("|")
        for i, cell in enumerate(cells):
            if i > 0:
                gap = True
            clean = " ".join(_EMPH_RE.sub(" ", cell).split())
            # A rule under the issuer ("-------") ends that cell's content.
            parts = re.split(r"\s-{3,}\s*|^-{3,}\s*|\s-{3,}$", clean)
            for part in parts:
                part = part.strip()
                if not part or _RULE_RE.match(part):
                    gap = True  # a rule ("-------") or an empty cell separates what is around it
                    continue
                segs.append(_Seg(part, shadow(part), offset, gap))
                gap = False
        if not line.strip() or line.strip() in {"|", "* *"}:
            gap = True
    return segs


def _is_upper(seg_text: str) -> bool:
    """All words start with a capital (or a digit/punctuation): a header or an upper-case title line."""
    words = [w for w in re.split(r"[\s,;()\"“”]+", seg_text) if w]
    letters = [w for w in words if re.match(r"[^\W\d_]", w)]
    if not letters:
        return False
    lower = [w for w in letters if w[0].islower()]
    caps = sum(1 for c in seg_text if c.isupper())
    small = sum(1 for c in seg_text if c.islower())
    return not lower and caps >= small


# ---------------------------------------------------------------- types

_TYPE_LINE_WORDS = {
    "thong bao", "cong dien", "chi thi", "nghi quyet", "ke hoach", "quyet dinh", "to trinh", "bao cao",
    "huong dan", "thong tu", "thong tu lien tich", "nghi dinh", "luat", "bo luat", "phap lenh", "lenh",
    "chuong trinh", "chuong trinh hanh dong", "quy che", "quy dinh", "de an", "phuong an", "cong van",
    "ket luan", "giay moi", "bien ban", "thong tri", "nghi quyet lien tich", "van ban hop nhat",
}  # fmt: skip
_FOLD_TO_TYPE = {w: t for t, words in TYPE_WORDS.items() for w in words}
_TYPE_LINE_RE = re.compile(
    r"^(?P<type>" + "|".join(sorted(map(re.escape, _TYPE_LINE_WORDS), key=len, reverse=True)) + r")(?![a-z])"
)


def _title_type(seg: _Seg) -> tuple[str, str] | None:
    """("Thông báo", rest of the line) when the segment is the upper-case type word of a title."""
    m = _TYPE_LINE_RE.match(seg.fold)
    if not m or seg.text.rstrip().endswith(":"):
        return None
    word = seg.text[: m.end()]
    if not word.isupper():
        return None
    rest = seg.text[m.end() :].strip()
    if rest and (rest.endswith(":") or len(rest) > 400 or rest[:1].islower()):
        return None  # "QUYẾT ĐỊNH:", or a sentence that merely starts with the word
    kind = _FOLD_TO_TYPE.get(m.group("type"))
    return (kind or word.capitalize()), rest


# ---------------------------------------------------------------- issuer

_MOTTO_RE = re.compile(
    r"cong\s*hoa\s+xa\s+hoi\s+chu\s+nghia\s+viet\s+nam|doc\s+lap\s*[-–]\s*tu\s+do\s*[-–]\s*hanh\s+phuc"
    r"|dang\s+cong\s+san\s+viet\s+nam"
)
# First words of a unit under a parent in a two-level header ("BỘ NỘI VỤ / VỤ TỔ CHỨC CÁN BỘ").
_SUBUNIT_RE = re.compile(
    r"^(?:so|vu|cuc|tong cuc|chi cuc|van phong|ban|vien|trung tam|thanh tra|bo chi huy|cong an|kho bac"
    r"|bao hiem xa hoi|dai|benh vien|truong|to cong tac|doan)(?![a-z])"
)
# Lower-case words with accents: "quân" (military) is not "quận" (district), "sự" not "sở".
_PLACE_WORDS = (
    "thành phố", "thị xã", "thị trấn", "đặc khu", "tỉnh", "huyện", "quận", "xã", "phường",
    # Party committees: "Tỉnh ủy Cao Bằng", "Đảng ủy Khối …"
    "tỉnh ủy", "tỉnh uỷ", "thành ủy", "thành uỷ", "huyện ủy", "huyện uỷ", "quận ủy", "quận uỷ",
    "thị ủy", "thị uỷ", "đảng ủy", "đảng uỷ",
)  # fmt: skip
_NOT_PLACE_AFTER = {"xã": {"hội"}}  # "xã hội" (society) is no commune
_ORG_HEADS = (
    "tổng cục", "chi cục", "văn phòng", "trung tâm", "thanh tra", "kho bạc", "bộ chỉ huy", "bộ", "sở",
    "vụ", "cục", "ban", "viện", "học viện",
)  # fmt: skip
_MINISTRY_HEADS = {"bộ", "sở"}  # "Bộ Kế hoạch và Đầu tư": every part of the name capitalised
_PROPER = {
    "chính phủ": "Chính phủ", "quốc hội": "Quốc hội", "trung ương": "Trung ương", "nhà nước": "Nhà nước",
    "việt nam": "Việt Nam", "đảng": "Đảng", "tổ quốc": "Tổ quốc", "chủ tịch nước": "Chủ tịch nước",
}  # fmt: skip
_SYLLABLE_RE = re.compile(
    r"^(?:ngh|ng|nh|ch|gh|gi|kh|ph|th|tr|qu|[bcdghklmnprstvx])?[aeiouy]{1,3}(?:ng|nh|ch|[cmnpt])?$"
)


def _cap(word: str) -> str:
    return word[:1].upper() + word[1:]


def _is_acronym(word: str) -> bool:
    """Upper-case letters that do not spell one Vietnamese syllable: "UBND", "HĐND", "TW", "COVID"."""
    core = word.strip(",.;:()")
    if not core or not core.isupper():
        return False
    return any(ch.isdigit() for ch in core) or not _SYLLABLE_RE.match(shadow(core.split("-")[0]))


def _phrase_at(low: list[str], i: int, phrases: tuple[str, ...] | dict[str, str]) -> str | None:
    for p in sorted(phrases, key=lambda x: -len(x.split())):
        n = len(p.split())
        if " ".join(w.strip(",.;:") for w in low[i : i + n]) == p:
            return p
    return None


def normal_case(name: str) -> str:
    """An upper-case agency name in normal case: "ỦY BAN NHÂN DÂN TỈNH CAO BẰNG" → "Ủy ban nhân dân tỉnh
    Cao Bằng", "BỘ KẾ HOẠCH VÀ ĐẦU TƯ" → "Bộ Kế hoạch và Đầu tư", "UBND TỈNH CAO BẰNG" → "UBND tỉnh Cao
    Bằng". Names already in mixed case are returned unchanged."""
    name = " ".join(name.split())
    if not name.isupper():
        return name
    words = name.split(" ")
    low = [w.lower() for w in words]
    out: list[str] = []
    i = 0
    capitalise_next = True  # the first word of the name, and of a name after an org head
    in_place = False  # after "tỉnh", "huyện" …: a proper name, every word capitalised
    ministry = False
    while i < len(words):
        w = words[i]
        if in_place:  # a place name, even one whose syllables are not Vietnamese ("ĐẮK LẮK", "KON TUM")
            out.append(w if any(ch.isdigit() for ch in w) else _cap(low[i]))
            i += 1
            continue
        if _is_acronym(w):
            out.append(w)
            i += 1
            capitalise_next = False
            continue
        proper = _phrase_at(low, i, _PROPER)
        if proper:
            n = len(proper.split())
            out.extend([_cap(low[i]), *low[i + 1 : i + n]])
            i += n
            capitalise_next = False
            continue
        place = _phrase_at(low, i, _PLACE_WORDS)
        n = len(place.split()) if place else 0
        if place and i + n < len(words) and low[i + n] not in _NOT_PLACE_AFTER.get(place, set()):
            chunk = low[i : i + n]
            out.extend([_cap(chunk[0]), *chunk[1:]] if not out else chunk)
            i += n
            in_place = True
            continue
        head = _phrase_at(low, i, _ORG_HEADS)
        if head and (not out or capitalise_next):
            n = len(head.split())
            out.extend([_cap(low[i]), *low[i + 1 : i + n]])
            i += n
            capitalise_next = True
            ministry = head in _MINISTRY_HEADS
            continue
        out.append(_cap(low[i]) if capitalise_next or not out else low[i])
        capitalise_next = low[i] in {"-", "–"} or (ministry and (low[i] == "và" or w.endswith(",")))
        i += 1
    return " ".join(out)


def _issuer(segs: list[_Seg]) -> str | None:
    """Issuer from the header segments before the number/date (mottos removed)."""
    joined = "\n".join(s.text for s in segs)
    fold = shadow(joined)
    for m in reversed(list(_MOTTO_RE.finditer(fold))):
        joined = joined[: m.start()] + "\n" + joined[m.end() :]
    units: list[str] = []
    for line in joined.split("\n"):
        line = line.strip(" ,.:;-–")
        if not line or not _is_upper(line) or len(line) > 120:
            continue
        lf = shadow(line)
        if units and _SUBUNIT_RE.match(lf) and len(units[-1].split()) >= 2 and not _incomplete(units[-1]):
            units.append(line)
        elif units:
            units[-1] = units[-1] + " " + line
        else:
            units.append(line)
    if not units:
        return None
    units = units[:2]
    if len(units) == 1:
        return normal_case(units[0])
    upper, lower = normal_case(units[0]), normal_case(units[1])
    if shadow(lower) == "van phong":
        return f"{lower} {upper}"
    pm = re.search(r"(?:^|\s)(tinh|thanh pho|huyen|quan|thi xa|xa|phuong)\s", shadow(upper) + " ")
    if pm and re.match(r"(?:uy ban nhan dan|ubnd|hoi dong nhan dan)", shadow(upper)):
        return f"{lower} {upper[pm.start(1) :]}"
    return f"{lower}, {upper}"


def _incomplete(unit: str) -> bool:
    f = shadow(unit)
    return f in {"uy ban nhan dan", "uy ban", "van phong", "thu tuong", "bo", "hoi dong nhan dan"} or f.endswith(
        (" va", ",", "-")
    )


# ---------------------------------------------------------------- number, place, date

_NUMBER_LINE_RE = re.compile(r"^(?:(?:luat|bo luat|phap lenh|nghi quyet)\s+)?so\s*[:.]?\s*")
_HEADER_DATE_RE = re.compile(rf"ngay[\s*_]*(?:{_DATE_NUM}|{_DATE_WORDS})")
_BODY_DATE_RE = re.compile(rf"^ngay[\s*_]*(?:{_DATE_NUM}|{_DATE_WORDS})")
_PLACE_TOKEN_RE = re.compile(r"^(?:[A-ZĐÀ-ỸĂÂÊÔƠƯ][\w.]*|phố|xã|trấn|khu)$")


def _number(seg: _Seg) -> str | None:
    m = _NUMBER_LINE_RE.match(seg.fold)
    if not m or not seg.text[:1].isupper():
        return None
    if not re.match(r"\d", seg.fold[m.end() :]):
        return None  # "Sở Y tế …" folds to "so y te"
    rest = latinize(seg.text[m.end() :])
    dm = DOCNUM_RE.match(rest)
    if not dm:
        return None
    return docnum_display(dm.group())


def _join(segs: list[_Seg]) -> tuple[str, Callable[[int], int]]:
    """Segments joined into one string (" | " at gaps) and a map from an offset to its segment index."""
    out: list[str] = []
    starts: list[int] = []
    pos = 0
    for k, s in enumerate(segs):
        sep = "" if k == 0 else (" | " if s.gap_before else "\n")
        out.append(sep)
        pos += len(sep)
        starts.append(pos)
        out.append(s.text)
        pos += len(s.text)
    joined = "".join(out)

    def seg_at(offset: int) -> int:
        return max(0, bisect.bisect_right(starts, offset) - 1)

    return joined, seg_at


def _place_token(tok: str) -> str | None:
    tok_clean = tok.strip("*_,")
    if not tok_clean or "|" in tok or not _PLACE_TOKEN_RE.match(tok_clean):
        return None
    if DOCNUM_RE.search(tok_clean) or tok_clean.endswith(":"):
        return None
    if len(tok_clean) > 1 and tok_clean.isupper() and tok_clean not in {"TP.", "TP"}:
        return None  # the end of another header line ("… SỞ Y TẾ", "1632 / KH - SYT")
    return tok_clean


def _place_before(text: str, end: int) -> str | None:
    """Capitalised words right before ``text[end]`` (", ngày …"): "Cao Bằng", "Thành phố Hồ Chí Minh".

    A place wrapped over two lines ("Thành phố Hồ Chí" / "Minh, ngày …") is read across the line
    break only when the whole previous line is part of it.
    """
    lines = text[:end].rstrip(" ,*_").split("\n")
    place: list[str] = []
    for n, line in enumerate(reversed(lines)):
        cell_start = line.rfind(" | ")
        tokens = line[cell_start + 3 :].split() if cell_start != -1 else line.split()
        kept = []
        for tok in reversed(tokens):
            clean = _place_token(tok)
            if clean is None:
                break
            kept.append(clean)
        if n > 0 and (len(kept) < len(tokens) or not tokens):
            break  # the previous line is not all place: it belongs to something else
        place.extend(kept)
        if len(kept) < len(tokens) or len(place) >= 7 or cell_start != -1:
            break
    place.reverse()
    place = place[-7:]
    while place and place[0] in {"phố", "xã", "trấn", "khu"}:
        place.pop(0)
    if not place or not place[0][0].isupper():
        return None
    return " ".join(place)


# ---------------------------------------------------------------- title

# Words opening a body paragraph, matched with accents (folded "de" would also be "đề", "tai" "tài").
_BODY_START_RE = re.compile(
    r"^(?:kính gửi|căn cứ|thực hiện|xét |theo |triển khai|ngày \d|vào |hôm nay|chiều |sáng |từ ngày|nơi nhận"
    r"|trong |tại |sau khi|để |nhằm |qua |tiếp )"
)


def _body_start(seg: _Seg) -> bool:
    """A mixed-case line opening the body ("Căn cứ …", "Kính gửi", "Ngày 04/5/2021, …")."""
    return seg.text[:1].isupper() and not _is_upper(seg.text) and bool(_BODY_START_RE.match(seg.text.lower()))


_AUTHORITY_RE = re.compile(
    r"^(?:chinh phu|thu tuong chinh phu|chu tich uy ban nhan dan|uy ban nhan dan|bo truong|hoi dong nhan dan"
    r"|quyet dinh|quyet nghi|chu tich|giam doc|ban thuong vu|bo chinh tri|ban bi thu)\b"
)
_VV_RE = re.compile(r"^(?:v\s*/\s*v|ve viec)\s*[:.]?\s*")


_NEEDS_MORE = frozenset(
    ["về", "của", "và", "tại", "cho", "với", "trong", "các", "những", "từ", "để", "là", "hoặc", "nhằm", "đối"]
)


def _title_after(segs: list[_Seg], i: int, first: str, issuer_fold: str | None) -> tuple[str | None, int]:
    """The title after the type word at ``segs[i]`` and the index of the first segment after it."""
    parts = [first] if first else []
    upper_mode = _is_upper(first) if first else None
    j = i + 1
    while j < len(segs) and len(" ".join(parts)) < 500:
        s = segs[j]
        if parts and s.gap_before:
            break
        f = s.fold.rstrip(" :")
        if DOCNUM_RE.fullmatch(s.text) or (not upper_mode and _body_start(s)):
            break
        if _AUTHORITY_RE.match(s.fold) and len(f.split()) <= 8 and (parts or "dien" in f):
            break
        if issuer_fold and (f == issuer_fold or f == issuer_fold + " dien"):
            break
        up = _is_upper(s.text) or not re.search(r"[^\W\d_]", s.text)  # "2026 - 2030" goes on
        if upper_mode is None:
            upper_mode = up
        elif upper_mode and not up:
            # "… TRUNG BỘ" / "THỦ" / "TƯỚNG CHÍNH PHỦ điện:": the authority line was wrapped into the title.
            if len(parts) > 1:
                glued = shadow(parts[-1] + " " + s.text)
                if _AUTHORITY_RE.match(glued) or (issuer_fold and glued.startswith(issuer_fold)):
                    parts.pop()
            break
        if not upper_mode and parts:
            # A wrapped mixed-case title goes on in lower case ("… Hoàng Xuân Ánh" / "tại phiên họp …")
            # or after a word that needs a complement; a capitalised line is the body.
            last = parts[-1].rstrip(" *").split(" ")[-1].lower()
            if len(s.text) > 200 or up or not (s.text[:1].islower() or last in _NEEDS_MORE or last.endswith(",")):
                break
        parts.append(s.text)
        j += 1
    title = " ".join(" ".join(parts).split()).strip(" *")
    title = _VV_RE.sub("", title, count=1) if _VV_RE.match(shadow(title)) else title
    if upper_mode and issuer_fold:
        title = _strip_authority(title, issuer_fold)
    return title or None, j


_AUTHORITY_HEADS = ("chu tich ", "bo truong ", "giam doc ", "thu truong ", "truong ban ", "")


def _strip_authority(title: str, issuer_fold: str) -> str:
    """Drop the enacting authority a wrapped title ran into: "… THÀNH PHỐ ĐÀ NẴNG CHÍNH PHỦ",
    "… THỦ TỤC HÀNH CHÍNH CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH THANH HÓA" (but "… CỦA CHÍNH PHỦ" stays)."""
    words = title.split()
    folded = [shadow(w).strip(":,") for w in words]
    for head in _AUTHORITY_HEADS:
        tail = (head + issuer_fold).split()
        for extra in ([], ["dien"]):
            n = len(tail) + len(extra)
            if len(folded) > n and folded[-n:] == tail + extra and folded[-n - 1] not in _NEEDS_MORE:
                return " ".join(words[:-n])
    return title


def _vv_title(segs: list[_Seg], i: int) -> str | None:
    s = segs[i]
    m = _VV_RE.match(s.fold)
    if not m or not s.fold.startswith("v"):
        return None
    parts = [s.text[m.end() :]]
    j = i + 1
    while j < len(segs) and len(" ".join(parts)) < 400:
        t = segs[j]
        if t.gap_before or _HEADER_DATE_RE.search(t.fold[:60]) or t.fold.startswith("kinh gui"):
            break
        parts.append(t.text)
        j += 1
    title = " ".join(" ".join(parts).split()).strip(" *")
    return title or None


# ---------------------------------------------------------------- signer

_SIGN_MARK_RE = re.compile(r"^(?:kt|tm|tl|tuq|q|t/m|k/t|t/l)\s*[./]\s*")
_POSITION_RE = re.compile(
    r"^(?:pho\s+)?(?:chu tich|thu tuong|bo truong|thu truong|chu nhiem|chanh van phong|giam doc|truong ban"
    r"|bi thu|cuc truong|vu truong|tong cuc truong|chanh thanh tra|truong phong|tong giam doc|hieu truong"
    r"|vien truong|chanh an|vien truong|tong thu ky|truong doan)(?![a-z])"
)
_NAME_WORD_RE = re.compile(r"^[A-ZĐÀ-Ỹ][a-zđà-ỹ]+$")
_SKIP_RE = re.compile(r"^[\[(]?\s*(?:da ky|daky|ky|chu ky so|dau)\b.*$")


def _name_from(words: list[str], whole: bool = False) -> str | None:
    """A person's name (2-6 Title-Case words) at the start of ``words``; ``whole``: all of them."""
    words = [w.strip("*_,.;:") for w in words if w.strip("*_,.;:")]
    half = len(words) // 2
    if len(words) % 2 == 0 and half >= 2 and words[:half] == words[half:]:
        words = words[:half]  # the name under the signature and typed again: "Trịnh Sỹ Tài Trịnh Sỹ Tài"
    name: list[str] = []
    for w in words:
        w = w.strip("*_,.;:")
        if not w:
            continue
        if _NAME_WORD_RE.match(w) and not (len(name) == 0 and w in {"Nơi", "Kính", "Căn"}):
            name.append(w)
            if len(name) == 6:
                break
        else:
            break
    if whole and len(name) != len(words):
        return None
    return " ".join(name) if 2 <= len(name) <= 6 else None


def _signers(segs: list[_Seg]) -> list[tuple[int, str]]:
    """(segment index, name) of every signature block: authority lines, then a person's name."""
    found: list[tuple[int, str]] = []
    for i, s in enumerate(segs):
        f = s.fold
        if not (_SIGN_MARK_RE.match(f) or (_POSITION_RE.match(f) and s.text[:1].isupper())):
            continue
        # Skip the upper-case authority words, then read a Title-Case name (same cell or next segments).
        words = s.text.split()
        k = 0
        while k < len(words) and (words[k].isupper() or words[k].strip(".,") in {"KT", "TM", "TL", "TUQ"}):
            k += 1
        if k == 0:
            continue
        name = _name_from(words[k:]) if k < len(words) else None
        if name is None and k < len(words):
            continue  # "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH" followed by body text
        j = i + 1
        while name is None and j < len(segs) and j <= i + 6:
            t = segs[j]
            if _SKIP_RE.match(t.fold):
                j += 1
                continue
            if _is_upper(t.text) and t.text.isupper():
                j += 1  # more authority lines ("PHÓ CHỦ TỊCH", "CHÁNH VĂN PHÒNG")
                continue
            # A name, possibly wrapped over lines ("Phạm" / "Mạnh Cường").
            words = t.text.split()
            if not all(_NAME_WORD_RE.match(w.strip("*_,.")) for w in words):
                break
            k = j + 1
            while k < len(segs) and not segs[k].gap_before and len(words) < 6:
                more = segs[k].text.split()
                if not all(_NAME_WORD_RE.match(w.strip("*_,.")) for w in more):
                    break
                words += more
                k += 1
            name = _name_from(words, whole=True)
            break
        if name:
            found.append((i, name))
    return found


# ---------------------------------------------------------------- main


def extract_metadata(text: str) -> DocumentMeta:
    """Number, type, issuer, place, date, title (trích yếu) and signer of a document.

    Fields not printed stay None. ``text`` is expected normalised (NFC, markdown emphasis removed,
    wrapped lines joined); raw extracted text with "**", table pipes and hard wraps works too.
    """
    text = nfc(text).replace("**", "")
    head_segs = _segments(text, limit=_HEAD_LIMIT)

    # The title's type word ("THÔNG BÁO") splits header from body.
    title_idx = None
    title_kind = None
    title_first = ""
    body_idx = None
    for i, s in enumerate(head_segs):
        if s.start > _HEAD_LIMIT:
            break
        tt = _title_type(s)
        if tt:
            title_idx, (title_kind, title_first) = i, tt
            break
        if i > 3 and (s.fold.startswith("kinh gui") or (_body_start(s) and len(s.text) > 60)):
            body_idx = i
            break
    header_end = title_idx if title_idx is not None else body_idx if body_idx is not None else len(head_segs)

    number = None
    number_idx = None
    for i, s in enumerate(head_segs[:header_end]):
        n = _number(s)
        if n is None and i == 0 and DOCNUM_RE.fullmatch(latinize(s.text)):
            n = docnum_display(s.text)  # a law's text opening with its bare number: "45/2019/QH14"
        if n:
            number, number_idx = n, i
            break

    # Place and date: the first "…, ngày …" before the title (segments joined: dates are often wrapped,
    # "ngày 16" / "tháng 11 năm 2025"; " | " marks a cell boundary, which a place name never crosses).
    place = date = None
    date_idx = None
    joined, seg_at = _join(head_segs[:header_end])
    for m in _HEADER_DATE_RE.finditer(shadow(joined)):
        iso = date_from_match(m)
        if iso:
            date, date_idx = iso, seg_at(m.start())
            place = _place_before(joined, m.start())
            break

    # Issuer: header segments before the number / date line.
    # Issuer: the header lines before the number / date line; only when there is a header (a national
    # or Party motto, a number or a date), so a body's upper-case heading is never taken for an issuer.
    stops = [x for x in (number_idx, date_idx) if x is not None]
    issuer_end = min([*stops, header_end, _ISSUER_MAX_SEGS])
    has_header = bool(stops) or any(_MOTTO_RE.search(s.fold) for s in head_segs[:header_end][:_ISSUER_MAX_SEGS])
    issuer = _issuer(head_segs[:issuer_end]) if has_header and issuer_end > 0 else None
    if issuer and len(issuer) < 3:
        issuer = None

    # Title: after the type word, else a "V/v" line in the header.
    title = None
    issuer_fold = shadow(issuer) if issuer else None
    body_from = None
    if title_idx is not None:
        title, body_from = _title_after(head_segs, title_idx, title_first, issuer_fold)
    if date is None and body_from is not None:
        # No header date: the body opening with "Ngày 04/5/2021, …" (after an authority line at most).
        for s in head_segs[body_from : body_from + 2]:
            m = _BODY_DATE_RE.match(s.fold)
            if m and s.text[:1] == "N":
                date = date_from_match(m)
                break
            if not s.text.isupper():
                break
    vv = False
    for i, s in enumerate(head_segs[:header_end]):
        if _VV_RE.match(s.fold) and s.fold.startswith("v"):
            vv = True
            if title is None:
                title = _vv_title(head_segs, i)
            break

    kind = title_kind
    if kind is None and number:
        kind = type_from_number(number)
    if kind is None and vv:
        kind = "Công văn"

    all_segs = _segments(text)
    signer = None
    signers = _signers(all_segs)
    if signers:
        recv = [i for i, s in enumerate(all_segs) if s.fold.startswith("noi nhan")]
        if recv:
            after = [x for x in signers if x[0] >= recv[0]]
            signer = after[0][1] if after else signers[-1][1]
        else:
            signer = signers[-1][1]

    return DocumentMeta(
        number=number,
        type=kind,
        issuer=issuer,
        place=place,
        date=date,
        title=title,
        signer=signer,
    )
