"""Legacy Vietnamese encodings and broken text layers → Unicode NFC.

Two entry points, used by ``ingest.load``:

- ``decode_bytes(data)``: the bytes of a TXT/MD/HTML file → ``(text, encoding_label)``. BOMs,
  UTF-8, UTF-16/32 (with a BOM, or without one when the byte pattern is clearly UTF-16), then the
  8-bit encodings Windows-1258, TCVN3 (ABC, the ".Vn" fonts) and VNI (VNI-Times), chosen by
  which decoding yields the most valid Vietnamese syllables. Never raises: bytes nothing fits are
  decoded as UTF-8 with replacement characters and labelled ``fallback-utf-8-replace``.
- ``repair_text(text)``: run on every extracted page. Undoes UTF-8 read as Windows-1252
  ("Thá»±c hiá»‡n"); converts TCVN3 / VNI / Windows-1258 text that a Windows-1252 reader left in
  a ``str`` ("Thùc hiÖn", "Thöïc hieän"); re-attaches combining marks set off from their letter
  and composes NFD to NFC; joins syllables a PDF text layer split with spaces ("Thô ng" →
  "Thông"). Returns the text and notes in Vietnamese. Correct Unicode text comes back unchanged.

Tables. TCVN 5712:1993 VN3 (the ABC ".VnTime" set: bare ă â ê ô ơ ư đ in 0xA8–0xAE, their capitals
in 0xA1–0xA7, the 60 lower-case toned vowels in 0xB5–0xFE; identical to glibc's ``TCVN5712-1``
for these bytes) and VNI-Windows (base letter + one mark byte, single bytes for đ ơ ư ỉ ĩ ị ỵ),
built from the charts in code. No PyPI converter was good enough to depend on (viparse 0.1.x has
corpus-derived tables without ẳ and with ỵ as "yï" where the chart has "î"). VN3 has no capital
toned vowels: ".VnTimeH" headings used the lower-case bytes, so capitals are restored from the
ASCII letters around them (heading lines) and at sentence starts; elsewhere they stay lower case.

Evidence, never a single character. A word counts for a legacy encoding when it is not a
Vietnamese syllable as it stands and becomes one once converted (``is_syllable``: onset + rhyme
+ tone rules); a text is converted only when such words clearly outnumber the words conversion
would break plus the plainly Unicode ones (ơ, ư, đ, ạ …), then line by line, so a Unicode
header above a ".VnTime" body is left alone. Split syllables are joined when a fragment is not
a syllable; on a page with many such splits also two syllables that join into a word the page
uses unsplit ("bá o" where "báo" occurs), so "thú y" or "và o" in sound text are never joined.
"""

from __future__ import annotations

import codecs
import logging
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from functools import lru_cache

from chidao.lang.splits import _repair_splits
from chidao.lang.syllable import (
    _ACUTE,
    _BREVE,
    _CIRCUMFLEX,
    _DOT,
    _GRAVE,
    _HOOK,
    _SHAPE_MARKS,
    _TILDE,
    _TONES,
    _nfc,
    _tone,
    is_syllable,
)

logger = logging.getLogger(__name__)

__all__ = ["decode_bytes", "is_syllable", "repair_text"]

# ---------------------------------------------------------------- TCVN3 (TCVN 5712:1993 VN3)

# For each vowel: its byte when bare (None = ASCII) and its bytes with the tones in the order
# grave, hook above, tilde, acute, dot below.
_TCVN3_VOWELS: tuple[tuple[str, int | None, tuple[int, int, int, int, int]], ...] = (
    ("a", None, (0xB5, 0xB6, 0xB7, 0xB8, 0xB9)),
    ("ă", 0xA8, (0xBB, 0xBC, 0xBD, 0xBE, 0xC6)),
    ("â", 0xA9, (0xC7, 0xC8, 0xC9, 0xCA, 0xCB)),
    ("e", None, (0xCC, 0xCE, 0xCF, 0xD0, 0xD1)),
    ("ê", 0xAA, (0xD2, 0xD3, 0xD4, 0xD5, 0xD6)),
    ("i", None, (0xD7, 0xD8, 0xDC, 0xDD, 0xDE)),
    ("o", None, (0xDF, 0xE1, 0xE2, 0xE3, 0xE4)),
    ("ô", 0xAB, (0xE5, 0xE6, 0xE7, 0xE8, 0xE9)),
    ("ơ", 0xAC, (0xEA, 0xEB, 0xEC, 0xED, 0xEE)),
    ("u", None, (0xEF, 0xF1, 0xF2, 0xF3, 0xF4)),
    ("ư", 0xAD, (0xF5, 0xF6, 0xF7, 0xF8, 0xF9)),
    ("y", None, (0xFA, 0xFB, 0xFC, 0xFD, 0xFE)),
)
# Upper-case bare letters of VN3 (the only upper-case non-ASCII letters it has) and đ.
_TCVN3_OTHERS = {0xA1: "Ă", 0xA2: "Â", 0xA3: "Ê", 0xA4: "Ô", 0xA5: "Ơ", 0xA6: "Ư", 0xA7: "Đ", 0xAE: "đ"}


def _build_tcvn3() -> dict[int, str]:
    table: dict[int, str] = {}
    for vowel, bare, toned in _TCVN3_VOWELS:
        if bare is not None:
            table[bare] = vowel
        for byte, tone in zip(toned, _TONES, strict=True):
            table[byte] = _tone(vowel, tone)
    table.update(_TCVN3_OTHERS)
    return table


#: TCVN3 byte → Unicode letter (the byte value is also the code point a Windows-1252 or
#: Latin-1 reader produced for it).
TCVN3_TABLE: dict[int, str] = _build_tcvn3()
_TCVN3_TRANS: dict[int, str] = dict(TCVN3_TABLE)
# What PDF text layers put out for two TCVN3 bytes whose slots are named differently in
# WinAnsi fonts: 0xAD (ư, the soft-hyphen slot) surfaces as U+2212 MINUS SIGN and 0xB7 (ã,
# the middle-dot slot) as U+2219 BULLET OPERATOR. Converted only inside words.
_TCVN3_PDF_SUBST = {"\u2212": "ư", "\u2219": "ã"}
_TCVN3_TRANS.update({ord(k): v for k, v in _TCVN3_PDF_SUBST.items()})

# ---------------------------------------------------------------- VNI (VNI-Windows)

# Mark bytes → (shape mark, tone mark). Listed in lower case; after an upper-case base VNI uses
# the upper-case byte, 0x20 lower (0xF9 ù → 0xD9 Ù).
_VNI_MARKS: dict[str, tuple[str, str]] = {
    "ù": ("", _ACUTE),
    "ø": ("", _GRAVE),
    "û": ("", _HOOK),
    "õ": ("", _TILDE),
    "ï": ("", _DOT),
    "â": (_CIRCUMFLEX, ""),
    "á": (_CIRCUMFLEX, _ACUTE),
    "à": (_CIRCUMFLEX, _GRAVE),
    "å": (_CIRCUMFLEX, _HOOK),
    "ã": (_CIRCUMFLEX, _TILDE),
    "ä": (_CIRCUMFLEX, _DOT),
    "ê": (_BREVE, ""),
    "é": (_BREVE, _ACUTE),
    "è": (_BREVE, _GRAVE),
    "ú": (_BREVE, _HOOK),
    "ü": (_BREVE, _TILDE),
    "ë": (_BREVE, _DOT),
}
# Single bytes that are letters by themselves (ì í Ì Í are what they look like).
_VNI_SINGLES: dict[str, str] = {
    "ñ": "đ",
    "ô": "ơ",
    "ö": "ư",
    "æ": "ỉ",
    "ó": "ĩ",
    "ò": "ị",
    "î": "ỵ",
}
# Base letters that take marks: ASCII vowels, and ô/ö which are ơ/ư.
_VNI_BASES: dict[str, str] = {"a": "a", "e": "e", "o": "o", "u": "u", "y": "y", "ô": "ơ", "ö": "ư"}
_SHAPES_ALLOWED = {"a": {_CIRCUMFLEX, _BREVE}, "e": {_CIRCUMFLEX}, "o": {_CIRCUMFLEX}}


def _build_vni() -> dict[str, str]:
    table: dict[str, str] = {}
    for src, letter in _VNI_SINGLES.items():
        table[src] = letter
        table[src.upper()] = letter.upper()
    for base_src, base in _VNI_BASES.items():
        for mark, (shape, tone) in _VNI_MARKS.items():
            if shape and shape not in _SHAPES_ALLOWED.get(base, set()):
                continue
            letter = _nfc(base + shape + tone)
            # The mark's case follows the base in well-formed VNI; accept either.
            for b in (base_src, base_src.upper()):
                for m in (mark, mark.upper()):
                    table[b + m] = letter.upper() if b.isupper() else letter
    return table


#: VNI sequence (one or two characters as a Windows-1252 reader shows them) → Unicode letter.
VNI_TABLE: dict[str, str] = _build_vni()
_VNI_RE = re.compile(
    "|".join(re.escape(k) for k in sorted(VNI_TABLE, key=lambda k: (-len(k), k))),
)

# ---------------------------------------------------------------- tokens

# Letters that can make up a word in Unicode Vietnamese or in TCVN3/VNI/1258 mojibake.
_HIGH = "\u00a1-\u00ae\u00b5-\u00b9\u00bb-\u00be\u00c0-\u00ff"
_TOKEN_RE = re.compile(rf"[A-Za-z{_HIGH}\u0100-\u01b0\u1ea0-\u1ef9\u0300-\u0323\u2212\u2219]+")
# A token that could be legacy mojibake: only ASCII letters and Latin-1 high characters.
_LEGACY_FULL_RE = re.compile(rf"[A-Za-z{_HIGH}\u2212\u2219]*[{_HIGH}\u2212\u2219][A-Za-z{_HIGH}\u2212\u2219]*")
_LEGACY_HINT_RE = re.compile(f"[{_HIGH}\u2212\u2219]")
_VN_NONLATIN1_RE = re.compile("[\u0102\u0103\u0110\u0111\u0128\u0129\u0168\u0169\u01a0\u01a1\u01af\u01b0\u1ea0-\u1ef9]")


def _valid_word(token: str) -> bool:
    """A token made of letters (and combining marks) only that is a syllable: "Thông", not "Th«ng"."""
    if not all(c.isalpha() or unicodedata.category(c) == "Mn" for c in token):
        return False
    return is_syllable(token)


# ---------------------------------------------------------------- converters (one token)


def _tcvn3_token(token: str) -> str:
    if len(token) < 2 and ("\u2212" in token or "\u2219" in token):
        return token
    converted = token.translate(_TCVN3_TRANS)
    if converted == token:
        return token
    upper = sum(1 for c in token if "A" <= c <= "Z")
    lower = sum(1 for c in token if "a" <= c <= "z")
    if upper >= 2 and lower == 0:
        return converted.upper()
    return converted


def _vni_token(token: str) -> str:
    return _VNI_RE.sub(lambda m: VNI_TABLE[m.group()], token)


_CP1252_ENCODE: dict[str, int] = {}
for _b in range(0x80, 0x100):
    try:
        _CP1252_ENCODE[bytes([_b]).decode("cp1252")] = _b
    except UnicodeDecodeError:
        _CP1252_ENCODE[chr(_b)] = _b  # undefined slots read as Latin-1 C1 controls


def _to_cp1252_bytes(text: str) -> bytes | None:
    out = bytearray()
    for c in text:
        o = ord(c)
        if o < 0x80:
            out.append(o)
        else:
            b = _CP1252_ENCODE.get(c)
            if b is None:
                return None
            out.append(b)
    return bytes(out)


def _cp1258_token(token: str) -> str:
    raw = _to_cp1252_bytes(token)
    if raw is None:
        return token
    return _nfc(raw.decode("cp1258", errors="replace"))


_CONVERTERS: dict[str, Callable[[str], str]] = {
    "tcvn3": _tcvn3_token,
    "vni": _vni_token,
    "windows-1258": _cp1258_token,
}
_NOTES = {
    "tcvn3": "đã chuyển mã TCVN3 (ABC, phông .Vn) sang Unicode",
    "vni": "đã chuyển mã VNI sang Unicode",
    "windows-1258": "đã chuyển mã Windows-1258 sang Unicode",
}


@lru_cache(maxsize=200_000)
def _judge(token: str, encoding: str) -> tuple[str, int]:
    """(converted token, evidence): +1 the conversion makes a word, -1 it breaks one, 0 neither.

    Only whole tokens made of ASCII letters and Latin-1 characters can be legacy mojibake; a
    token with a letter outside Latin-1 (ơ, ư, ạ …) is Unicode and is returned as it is.
    """
    if not _LEGACY_FULL_RE.fullmatch(token):
        return token, 0
    converted = _CONVERTERS[encoding](token)
    if converted == token or len(token) < 2:
        return converted, 0
    before = _valid_word(token)
    after = is_syllable(converted)
    if after and not before:
        return converted, 1
    if before and not after:
        return converted, -1
    return converted, 0


# ---------------------------------------------------------------- legacy detection in a str


def _count_evidence(text: str) -> tuple[dict[str, tuple[int, int]], int]:
    """Per encoding (words the conversion repairs, words it would break), and the number of
    words that are plainly Unicode (a Vietnamese letter outside Latin-1: ơ, ư, đ, ạ …)."""
    counts = Counter(_TOKEN_RE.findall(text))
    scores: dict[str, tuple[int, int]] = {}
    for encoding in _CONVERTERS:
        good = bad = 0
        for token, n in counts.items():
            evidence = _judge(token, encoding)[1]
            if evidence > 0:
                good += n
            elif evidence < 0:
                bad += n
        scores[encoding] = (good, bad)
    unicode_words = sum(n for token, n in counts.items() if _VN_NONLATIN1_RE.search(token))
    return scores, unicode_words


def _convert_legacy(text: str, encoding: str, page_majority: bool, force: bool = False) -> tuple[str, int]:
    """Convert the lines of ``text`` that carry ``encoding``; returns (text, words converted).

    A line is converted whole when its repaired words outnumber its broken and Unicode ones (or
    it has no evidence either way and the page as a whole is legacy); otherwise only its words
    that the conversion turns into syllables are converted (a legacy run inside a Unicode line).
    ``force`` converts every line whole (a file known to be in ``encoding``).
    """
    out: list[str] = []
    converted_words = 0
    context = ""  # what precedes the line: "" (start, blank line) or its last visible character
    for line in text.splitlines(keepends=True):
        line_context = context
        stripped = line.strip()
        context = "" if not stripped else ("\n:" if stripped[-1] == ":" else stripped[-1])
        if not _LEGACY_HINT_RE.search(line):
            out.append(line)
            continue
        if force:
            whole_line = True
        else:
            good = bad = 0
            for token in _TOKEN_RE.findall(line):
                evidence = _judge(token, encoding)[1]
                good += evidence > 0
                bad += evidence < 0
            bad += len(_VN_NONLATIN1_RE.findall(line))
            whole_line = good > bad or (good == bad == 0 and page_majority)
        changed = 0

        def convert(m: re.Match[str], whole_line: bool = whole_line) -> str:
            nonlocal changed
            token = m.group()
            conv, evidence = _judge(token, encoding)
            if conv != token and (whole_line or evidence > 0):
                changed += 1
                return conv
            return token

        new = _TOKEN_RE.sub(convert, line)
        if encoding == "tcvn3" and (changed or "ý" in line):
            new = _tcvn3_case(line, new, line_context)
        converted_words += changed
        out.append(new)
    return "".join(out), converted_words


_SENTENCE_END = frozenset(".!?…")
_LEAD_MARKUP = ' \t*_#>"“(-–•|'
# Toned vowels: VN3 has them in lower case only (ă â ê ô ơ ư đ have upper-case bytes of their own).
_TCVN3_TONED = "".join(chr(b) for _, _, toned in _TCVN3_VOWELS for b in toned)
_TONED_START_RE = re.compile(rf"(?<![A-Za-z{_HIGH}])[{_TCVN3_TONED}]")
_ASCII_LOWER_RE = re.compile("[a-z]")
# Upper case in a TCVN3 word: ASCII capitals and the VN3 capitals Ă Â Ê Ô Ơ Ư Đ (0xA1–0xA7).
_UPPER_RE = re.compile("[A-Z\u00a1-\u00a7]")
_TONED_RE = re.compile(f"[{_TCVN3_TONED}]")


def _tcvn3_case(line: str, new: str, context: str) -> str:
    """Restore the capitals VN3 cannot encode (typed as lower-case bytes in a ".VnTimeH" font).

    ``new`` is ``line`` converted (TCVN3 maps character for character, so offsets agree). A
    heading line — no ASCII lower case, and among its words with a toned vowel at least as many
    with a capital after the first letter as with only a capital first letter ("CéNG HßA X·",
    "KÕ HO¹CH", "ñY BAN", but not "Sè: 12/CQ§P") — is upper-cased. A word starting a
    sentence (start of text or after a blank line, after . ! ? …, on a new line after a colon)
    with a toned vowel gets it in upper case ("ñy ban" → "Ủy ban"). Anything else stays as is.
    """
    if len(new) != len(line):
        return new
    if not _ASCII_LOWER_RE.search(line):
        caps = title = 0
        spans = []
        for m in _TOKEN_RE.finditer(line):
            token = m.group()
            if not _LEGACY_FULL_RE.fullmatch(token):
                continue
            spans.append(m.span())
            if _TONED_RE.search(token):
                upper_after_first = _UPPER_RE.search(token, 1) is not None
                caps += upper_after_first
                title += not upper_after_first and _UPPER_RE.match(token) is not None
        if caps and caps >= title:
            chars = list(new)
            for start, end in spans:
                chars[start:end] = new[start:end].upper()
            return "".join(chars)
    starts = [
        m.start()
        for m in _TONED_START_RE.finditer(line)
        if (
            (before[-1] in _SENTENCE_END)
            if (before := line[: m.start()].rstrip(_LEAD_MARKUP))
            else (context in ("", "\n:") or context in _SENTENCE_END)
        )
    ]
    if not starts:
        return new
    chars = list(new)
    for i in starts:
        chars[i] = chars[i].upper()
    return "".join(chars)


def _repair_legacy(text: str, notes: list[str]) -> str:
    """Convert TCVN3 / VNI / Windows-1258 mojibake, best-supported encoding first.

    An encoding is applied when at least two words are repaired by it and they are at least a
    tenth of the words it would break or that are plainly Unicode (or one word and nothing
    against it); then line by line (``_convert_legacy``).
    """
    if not _LEGACY_HINT_RE.search(text):
        return text
    done: set[str] = set()
    for _ in range(len(_CONVERTERS)):
        all_scores, unicode_words = _count_evidence(text)
        scores = {enc: score for enc, score in all_scores.items() if enc not in done}
        if not scores:
            break
        encoding, (good, bad) = max(scores.items(), key=lambda kv: (kv[1][0] - kv[1][1], kv[1][0]))
        against = bad + unicode_words
        if not (good >= 2 and good * 10 >= against) and not (good >= 1 and against == 0):
            break
        text, count = _convert_legacy(text, encoding, page_majority=good > against)
        done.add(encoding)
        if count:
            notes.append(f"{_NOTES[encoding]} ({count} từ)")
            logger.debug("converted %d words from %s", count, encoding)
    return text


# ---------------------------------------------------------------- UTF-8 read as Windows-1252

_CP1252_HIGH = "".join(sorted(c for c in _CP1252_ENCODE if ord(c) >= 0x80))
_DOUBLE_UTF8_RE = re.compile(f"[{re.escape(_CP1252_HIGH)}]{{2,}}")


def _plausible_decoded(decoded: str) -> bool:
    """What UTF-8 mojibake hides is letters (Vietnamese, Latin-1), marks or typographic punctuation,
    never Hangul or CJK (which is what a legitimate "lá…”" would decode to)."""
    for c in decoded:
        o = ord(c)
        if not (0xC0 <= o <= 0x24F or 0x1EA0 <= o <= 0x1EF9 or 0x300 <= o <= 0x323 or 0x2010 <= o <= 0x2026):
            return False
    return True


def _repair_double_utf8(text: str, notes: list[str]) -> str:
    """ "Thá»±c hiá»‡n" → "Thực hiện": runs of Windows-1252 characters that are valid UTF-8."""
    if not _DOUBLE_UTF8_RE.search(text):
        return text
    count = 0

    def fix(m: re.Match[str]) -> str:
        nonlocal count
        raw = _to_cp1252_bytes(m.group())
        if raw is None:
            return m.group()
        try:
            decoded = raw.decode("utf-8")
        except UnicodeDecodeError:
            return m.group()
        if not _plausible_decoded(decoded):
            return m.group()
        count += 1
        return decoded

    fixed = _DOUBLE_UTF8_RE.sub(fix, text)
    if count:
        notes.append(f"đã sửa chữ UTF-8 bị đọc nhầm thành Windows-1252 ({count} chỗ)")
    return fixed


# ---------------------------------------------------------------- combining marks, NFC

_SPACE_BEFORE_MARK_RE = re.compile(r"(?<=[^\W\d_]|[\u0300-\u036f])[ \t\u00a0]+(?=[\u0300-\u036f])")
_MARK_RUN_RE = re.compile(r"[\u0300-\u036f]{2,}")


def _order_marks(m: re.Match[str]) -> str:
    # Shape marks (circumflex, breve, horn) before the tone so NFC composes ế, not é + ̂.
    marks = m.group()
    return "".join(sorted(marks, key=lambda c: 0 if c in _SHAPE_MARKS else 1))


_COMBINING_RE = re.compile("[\u0300-\u036f]")


def _repair_marks(text: str, notes: list[str]) -> str:
    """Combining marks → precomposed letters (NFD, Windows-1258 style "ê" + tone, marks set off by a
    space, tone typed before the circumflex/breve)."""
    if unicodedata.is_normalized("NFC", text) and not _COMBINING_RE.search(text):
        return text
    fixed = _SPACE_BEFORE_MARK_RE.sub("", text)
    if fixed != text:
        notes.append("đã gắn lại dấu thanh bị tách khỏi chữ")
    composed = _nfc(_MARK_RUN_RE.sub(_order_marks, unicodedata.normalize("NFD", fixed)))
    if composed != fixed:
        notes.append("đã chuẩn hoá chữ tổ hợp (NFD, dấu rời) sang Unicode dựng sẵn (NFC)")
    return composed


# ---------------------------------------------------------------- public: repair_text


def repair_text(text: str) -> tuple[str, list[str]]:
    """Repair one extracted page or text; returns (text, notes in Vietnamese).

    In order: UTF-8 read as Windows-1252; TCVN3 / VNI / Windows-1258 mojibake (decided on
    evidence per text and per line, so a Unicode header above a ".VnTime" body is left alone);
    combining marks separated from their letter and NFD → NFC; syllables split by spaces.
    Correct Unicode text (NFC) comes back unchanged with no notes.
    """
    if not text:
        return text, []
    notes: list[str] = []
    text = _repair_double_utf8(text, notes)
    text = _repair_legacy(text, notes)
    text = _repair_marks(text, notes)
    text = _repair_splits(text, notes)
    return text, notes


# ---------------------------------------------------------------- public: decode_bytes

_BOMS: tuple[tuple[bytes, str, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8", "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16-be"),
)
# High bytes of the code units of Vietnamese text in UTF-16: ASCII/Latin-1, Latin Extended-A/B,
# combining marks, Latin Extended Additional (ạ … ỹ), general punctuation.
_UTF16_HIGH = frozenset((0x00, 0x01, 0x03, 0x1E, 0x20))
_FALLBACK = "fallback-utf-8-replace"


def _sniff_utf16(data: bytes) -> str | None:
    sample = data[: min(len(data), 65536) & ~1]
    if len(sample) < 4 or b"\x00" not in sample:
        return None
    even, odd = sample[0::2], sample[1::2]
    half = len(odd)
    for codec, high, low in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        zeros = high.count(0)
        if zeros * 5 >= half and sum(1 for b in high if b in _UTF16_HIGH) * 10 >= half * 9 and low.count(0) * 20 < half:
            return codec
    return None


def _cp1252_text(data: bytes) -> str:
    """Bytes as a Windows-1252 reader shows them (undefined slots as Latin-1 C1 controls)."""
    return data.decode("latin-1").translate(_LATIN1_TO_CP1252)


_LATIN1_TO_CP1252 = {b: c for c, b in _CP1252_ENCODE.items() if ord(c) != b}


def _score(text: str) -> tuple[int, int]:
    """(valid, invalid) among the words with a non-ASCII letter."""
    valid = invalid = 0
    for token in _TOKEN_RE.findall(text):
        if token.isascii():
            continue
        if _valid_word(token):
            valid += 1
        else:
            invalid += 1
    return valid, invalid


def _convert_all(text: str, encoding: str) -> str:
    return _nfc(_convert_legacy(text, encoding, page_majority=True, force=True)[0])


def _decode_1258(data: bytes) -> str:
    return _nfc(data.decode("cp1258", errors="replace"))


_BYTE_DECODERS: dict[str, Callable[[bytes], str]] = {
    "windows-1258": _decode_1258,
    "tcvn3": lambda data: _convert_all(_cp1252_text(data), "tcvn3"),
    "vni": lambda data: _convert_all(_cp1252_text(data), "vni"),
}
_SAMPLE_BYTES = 1 << 16


def _looks_garbage(text: str) -> bool:
    controls = sum(1 for c in text if (ord(c) < 32 and c not in "\t\n\r\f\v") or 0x7F <= ord(c) < 0xA0)
    return controls * 20 > max(len(text), 1)


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode a TXT/MD/HTML file's bytes; returns ``(text, encoding_label)``.

    Labels: ``ascii``, ``utf-8``, ``utf-8-sig``, ``utf-16-le``/``-be``, ``utf-32-le``/``-be``,
    ``windows-1258``, ``tcvn3``, ``vni``, ``windows-1252`` (or another label charset-normalizer
    gives for a non-Vietnamese 8-bit text), ``utf-8-replace`` (UTF-8 with a few broken bytes),
    ``fallback-utf-8-replace`` (nothing fits; bytes that are not UTF-8 became U+FFFD).
    TCVN3/VNI/1258 text comes back as NFC Unicode; UTF text is returned as decoded (``repair_text``
    normalises it). Never raises.
    """
    if not data:
        return "", "ascii"
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(codec, errors="replace"), label
    utf16 = _sniff_utf16(data)
    if utf16:
        return data[: len(data) & ~1].decode(utf16, errors="replace"), utf16
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return text, "ascii" if data.isascii() else "utf-8"

    # UTF-8 with a handful of broken bytes (a truncated file, one pasted character) stays UTF-8.
    lenient = data.decode("utf-8", errors="replace")
    broken = lenient.count("\ufffd")
    multibyte = len(lenient) - len(lenient.encode("ascii", errors="ignore")) - broken
    if multibyte >= 20 and broken * 50 <= multibyte:
        return lenient, "utf-8-replace"

    # The 8-bit encodings: chosen on a sample (whole lines), then applied to everything.
    cut = data.rfind(b"\n", 0, _SAMPLE_BYTES) if len(data) > _SAMPLE_BYTES else len(data)
    sample = data[: cut if cut > 0 else _SAMPLE_BYTES]
    if _looks_garbage(_cp1252_text(sample)):
        return lenient, _FALLBACK
    scored = {label: _score(decode(sample)) for label, decode in _BYTE_DECODERS.items()}
    label, (valid, invalid) = max(scored.items(), key=lambda kv: (kv[1][0] - kv[1][1], kv[1][0]))
    if valid >= 1 and valid > invalid:
        return _BYTE_DECODERS[label](data), label
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
    except Exception:  # pragma: no cover - charset-normalizer failing on odd input
        logger.debug("charset-normalizer failed", exc_info=True)
        best = None
    if best is not None and best.encoding not in ("utf_8", "utf_16", "utf_32"):
        return str(best), best.encoding.replace("_", "-")
    return lenient, _FALLBACK
