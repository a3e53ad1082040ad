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

import functools
import logging
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from chidao.config import Settings
from chidao.lang.agency_lexicon import (
    _GROUP_LEX,
    _LIST_PUNCT,
    _NAME_GLUE,
    _QUALIFIER_LEX,
    _SCOPE_LEX,
    _VAGUE_RE,
    _VAGUE_START_RE,
    GROUP_NOUNS,
    LOCALITY_WORDS,
    PREDICATE_WORDS,
    SCOPE_WORDS,
    WEAK_PREDICATES,
    Token,
    _is_capitalised,
    _is_upper_word,
    _keys,
    _Lexicon,
    _locality_at,
    modern_tones,
    predicate_at,
    tokenize,
)
from chidao.lang.text import collapse_spaces, fold, nfc

log = logging.getLogger(__name__)

__all__ = [
    "GROUP_NOUNS", "LOCALITY_WORDS", "PREDICATE_WORDS", "SCOPE_WORDS", "WEAK_PREDICATES", "AgencyCanon",
    "AgencyTable", "Leading", "Token", "default_table_text", "is_generic", "load_table", "modern_tones",
    "predicate_at", "tokenize",
]  # fmt: skip


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
        self._canonical_memo: dict[str, str] = {}  # canonical() of names already seen (a pure function of the table)

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
        memo = self._canonical_memo.get(name)
        if memo is not None:
            return memo
        result = self._canonical_uncached(name)
        if len(self._canonical_memo) >= _MEMO_LIMIT:
            self._canonical_memo.clear()
        self._canonical_memo[name] = result
        return result

    def _canonical_uncached(self, name: str) -> str:
        text = collapse_spaces(nfc(name))
        text = re.sub(r"^[\s\-–+•*·.,;:]+|[\s.,;:]+$", "", text)
        text = re.sub(r"^(?:[a-zđ]|\d+(?:\.\d+)*|[IVXLC]+)[.)]\s+", "", text)
        if not text:
            return ""
        return self._canonical(text)

    @staticmethod
    def key(name: str) -> str:
        """Comparison key: folded words joined by single spaces."""
        return _name_key(name)

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
            rest_keys = [x.key for x in toks[m[0] :] if x.word]
            repl_keys = [x.key for x in tokenize(repl) if x.word]
            if repl and rest_keys[: len(repl_keys)] == repl_keys:
                repl = ""  # "Cục trưởng Cục Thuế" → "Cục Thuế", not "Cục Cục Thuế"
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
        elements = self._elements(toks) if toks else []
        if not elements:
            return None
        names, kinds = self._names(text, toks, elements)
        if not names:
            return None
        if not keep_vague:
            names, kinds = _drop_vague(names, kinds)
        for _, c in names:
            self._seen.setdefault(self.key(c), c)
        last = elements[-1][1]
        return Leading(start=toks[0].start, end=toks[last - 1].end, names=names, kinds=kinds)

    def _elements(self, toks: list[Token]) -> list[tuple[int, int, str | None, str]]:
        """The members of the enumeration at toks[0]: (first token, end token, shared head, kind)."""
        n = len(toks)
        elements: list[tuple[int, int, str | None, str]] = []
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
                head = self._after_colon(toks, elements, j)
                if head is not None:
                    shared = head
                    i = j + 1
                    continue
            break
        return elements

    def _after_colon(self, toks: list[Token], elements: list[tuple[int, int, str | None, str]], j: int) -> str | None:
        """At a colon after a member: the head it shares with the list after it ("các Bộ: Công an,
        Quốc phòng", "Giám đốc các Sở: Tư pháp, …"), or the member extended over a place list
        ("Chủ tịch Ủy ban nhân dân các tỉnh: Khánh Hòa, Đắk Lắk, Gia Lai") and None."""
        head = self._plural_head(toks, elements[-1][0], j)
        if head is not None:
            elements.pop()
            return head
        k = self._place_list(toks, j + 1)
        if k is not None and self._ends_with_plural_scope(toks, elements[-1][0], j):
            e = elements.pop()
            elements.append((e[0], k, e[2], e[3]))
        return None

    def _names(
        self, text: str, toks: list[Token], elements: list[tuple[int, int, str | None, str]]
    ) -> tuple[list[tuple[str, str]], list[str]]:
        """(printed, canonical) names and kinds of the members; groups in brackets and place lists opened."""
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
            for part in _alternatives(printed) if kind in ("org", "title") else [printed]:
                canon = self.canonical(f"{head} {part}" if head else part)
                if canon:
                    names.append((part, canon))
                    kinds.append(kind)
        return names, kinds

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
            if j + 1 < len(toks) and toks[j].low == "quốc" and toks[j + 1].low == "gia":
                return ("org", i)  # "Ủy ban quốc gia UNESCO", "Hội đồng quốc gia về …"
        return None

    def _extend_name(self, toks: list[Token], i: int, kind: str, shared: str | None) -> tuple[int, str, str | None]:
        """Consume the words of one agency name from toks[i].

        Returns (end index, why it stopped, head shared by the next member). Stops: "list" (a
        separator followed by another agency), "colon", "end" (predicate, sentence punctuation
        or end of text).
        """
        return _NameScan(self, toks, i, kind, shared).run()

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

_MEMO_LIMIT = 200_000  # names remembered per canon; each question compares against every stored agency


@functools.lru_cache(maxsize=_MEMO_LIMIT)
def _name_key(name: str) -> str:
    return " ".join(t.key for t in tokenize(nfc(name)) if t.word)


# ---------------------------------------------------------------- one agency name, word by word

_Stop = tuple[int, str, "str | None"]


# Lower-case words that may go on after a whole agency name: its scope ("Sở Y tế các tỉnh", "Công an tỉnh",
# "Bộ Tư lệnh … trực thuộc …", "Kho bạc Nhà nước khu vực"), not its predicate.
_AFTER_WHOLE_NAME = LOCALITY_WORDS | frozenset(
    {
        "các",
        "trực",
        "thuộc",
        "của",
        "khu",
        "trung",
        "địa",
        "vùng",
        "miền",
        "chi",
        "nhánh",
        "và",
        "cùng",
        "tại",
        "ở",
        "nêu",
        "nói",
    }
)


class _NameScan:
    """Reads the words of one agency name (``AgencyCanon._extend_name``): a step per token, each
    returning the next index or why the name stops there."""

    def __init__(self, canon: AgencyCanon, toks: list[Token], i: int, kind: str, shared: str | None) -> None:
        self.canon = canon
        self.toks = toks
        self.n = len(toks)
        self.i = i
        self.kind = kind
        self.shared = shared
        self.first = True
        self.group = kind == "group" or (
            kind == "title"
            and i < self.n
            and toks[i].low == toks[i].text
            and (toks[i].low in ("các", "mọi", "những") or _GROUP_LEX.longest(toks, i) is not None)
        )
        self.own_head: str | None = None  # "Bộ" / "Sở" when this member is "Bộ <domain>"
        self.complete = False  # the first words were a whole name of the table or a head and its domain
        self.complete_at = -1  # the index just after them

    def run(self) -> tuple[int, str, str | None]:
        j = self.i
        while j < self.n:
            step = self._word(j) if self.toks[j].word else self._punct(j)
            if isinstance(step, tuple):
                return step
            j = step
        return j, "end", None

    def _next_member(self, k: int) -> tuple[bool, str | None]:
        toks = self.toks
        if k >= self.n or not toks[k].word:
            return False, None
        for head in (self.shared, self.own_head):
            if head is not None:
                lex = self.canon._domains.get(fold(head))
                if lex and lex.longest(toks, k, _NAME_GLUE) and predicate_at(toks, k) is None:
                    return True, head
        if self.canon._agency_start(toks, k, None) is not None:
            return True, None
        return False, None

    def _word(self, j: int) -> int | _Stop:
        toks, t = self.toks, self.toks[j]
        if t.low in ("và", "cùng") and not self.first:
            return self._conjunction(j)
        if t.low == "ngày" and not self.first and j + 1 < self.n and toks[j + 1].text[:1].isdigit():
            return j, "end", None  # "Báo Nhân dân ngày 24 tháng 3 …": a date is no part of a name
        q = _QUALIFIER_LEX.longest(toks, j)
        if q and not self.first:
            return q[0]
        pred = predicate_at(toks, j) if not self.first and t.text == t.text.lower() else None
        if pred:
            g = _GROUP_LEX.longest(toks, j) if self.group else None
            # a group goes on with a group noun ("… và tổ chức tín dụng"), unless the noun is the verb a
            # verb follows: "các địa phương tổ chức triển khai …" ends before "tổ chức", the predicate
            verb = (
                g is not None
                and g[1] == pred
                and g[0] < self.n
                and predicate_at(toks, g[0]) is not None
                and _QUALIFIER_LEX.longest(toks, g[0]) is None  # "tổ chức có liên quan" is a group
            )
            if g is None or verb:
                return j, "end", None
        if self.first:
            self.first = False
            return self._first_word(j)
        if self.complete and j == self.complete_at and t.text == t.low and t.low not in _AFTER_WHOLE_NAME:
            # a whole name ("Sở Tài chính", "Bộ Kế hoạch và Đầu tư") then a word in lower case that is no scope
            # ("các tỉnh", "tỉnh", "trực thuộc"): the predicate starts, whether or not the verb is a known one
            # ("Sở Tài chính cân đối nguồn vốn …", "Công an tỉnh cưỡng chế …")
            return j, "end", None
        return j + 1

    def _conjunction(self, j: int) -> int | _Stop:
        """At "và" / "cùng": another member, more of this name, or the end."""
        toks, nxt = self.toks, j + 1
        ok, head = self._next_member(nxt)
        if ok:
            return j, "list", head
        if self.group and nxt < self.n and _GROUP_LEX.longest(toks, nxt):
            return nxt
        if nxt + 1 < self.n and toks[nxt].low == "trực" and toks[nxt + 1].low == "thuộc":
            return nxt  # "các đơn vị thuộc và trực thuộc Tổng cục Thuế"
        if nxt < self.n and toks[nxt].low in LOCALITY_WORDS and any(x.low in LOCALITY_WORDS for x in toks[self.i : j]):
            return nxt  # "Ủy ban nhân dân các xã, phường và đặc khu"
        if nxt < self.n and toks[nxt].word and _is_capitalised(toks[nxt].text) and not self.group:
            return nxt
        if self.canon._noun_phrase_to_colon(toks, nxt):
            return j, "list", None
        k = self.canon._lower_then_name(toks, nxt)
        if k is not None and not self.group:
            return k  # "Ban Quản lý các khu chế xuất và công nghiệp Cần Thơ"
        return j, "end", None

    def _first_word(self, j: int) -> int:
        """The name's first words: a domain after a shared head, a whole agency, or a head (and its domain)."""
        toks, canon = self.toks, self.canon
        if self.kind == "domain" and self.shared is not None:
            lex = canon._domains.get(fold(self.shared))
            d = lex.longest(toks, j, _NAME_GLUE) if lex else None
            if d:
                return d[0]
        m = canon._agencies.longest(toks, j, _NAME_GLUE)
        if m:
            self.complete, self.complete_at = True, m[0]
            return m[0]
        m = canon._heads.longest(toks, j)
        if not m:
            return j + 1
        j = m[0]
        head = m[1][1]
        dom = canon._domains.get(fold(head))
        if dom and j < self.n:
            d = dom.longest(toks, j, _NAME_GLUE)
            if d:
                j = d[0]
                self.own_head = head
                self.complete, self.complete_at = True, j
        return j

    def _punct(self, j: int) -> int | _Stop:
        toks, t = self.toks, self.toks[j]
        if t.text == "(":
            close = _matching_paren(toks, j)
            return (j, "end", None) if close is None else close + 1
        if t.text in "-–&/" and j + 1 < self.n and toks[j + 1].word and not self.first:
            return j + 1
        if t.text in _LIST_PUNCT:
            return self._separator(j)
        if t.text == ":":
            return j, "colon", None
        return j, "end", None

    def _separator(self, j: int) -> int | _Stop:
        """At "," or ";": another member, more of a group or place list, or the end."""
        toks, t, nxt = self.toks, self.toks[j], j + 1
        if nxt < self.n and toks[nxt].word and toks[nxt].low in ("và", "cùng"):
            nxt += 1
        if self.group and nxt < self.n and toks[nxt].word and _is_capitalised(toks[nxt].text):
            # "các Sở, Ban, Ngành, UBND …": a group noun written with a capital, standing alone (no name after it)
            g = _GROUP_LEX.longest(toks, nxt) if toks[nxt].low in _CAPITAL_GROUP_WORDS else None
            after = g[0] if g else None
            if after is not None and (after >= self.n or not toks[after].word or toks[after].text.islower()):
                return nxt
        ok, head = self._next_member(nxt)
        if ok:
            return j, "list", head
        if nxt < self.n and toks[nxt].word and toks[nxt].text == toks[nxt].text.lower():
            # "các sở, ban, ngành", "UBND các huyện, thành phố", "các cơ quan, tổ chức liên quan"
            sc = _locality_at(toks, nxt)
            g = _GROUP_LEX.longest(toks, nxt)
            if sc and predicate_at(toks, nxt) is None:
                return nxt
            if g and self.group and (predicate_at(toks, nxt) is None or self.canon._group_tail(toks, g[0])):
                return nxt
            if g and predicate_at(toks, nxt) is None:
                return j, "list", None  # "Đài …, cơ quan thông tấn báo chí"
        if (
            nxt < self.n
            and toks[nxt].word
            and _is_capitalised(toks[nxt].text)
            and t.text == ","
            and predicate_at(toks, nxt) is None
            and self.canon._glue_capitalised(toks, nxt)
        ):
            return nxt  # "Báo và Phát thanh, Truyền hình thành phố"
        return j, "end", None


# Group nouns older texts capitalise inside a plural: "các Sở, Ban, Ngành", "các Sở, Ngành tỉnh".
_CAPITAL_GROUP_WORDS = frozenset({"ban", "ngành", "đoàn", "địa", "đơn"})

_UPPER_WORD = r"[A-ZĐÀ-Ỹ][\wÀ-ỹ]*"
_LOCALITY = rf"(?:tỉnh|thành phố|Thành phố|huyện|quận|thị xã|xã|phường)\s+{_UPPER_WORD}(?:\s+{_UPPER_WORD})*"
_DISTRIBUTE_RE = re.compile(
    rf"^(?P<head>.+?)\s+(?P<first>{_LOCALITY})(?P<rest>(?:\s*,\s*{_LOCALITY})*\s+và\s+{_LOCALITY})$"
)


# "Ủy ban nhân dân cấp huyện, cấp xã", "UBND cấp tỉnh và cấp huyện": one body per level of government.
_LEVEL = r"cấp\s+(?:tỉnh|huyện|xã|quận|phường|thành\s+phố|thị\s+xã|cơ\s+sở)"
_LEVELS_RE = re.compile(rf"^(?P<head>.+?)\s+(?P<first>{_LEVEL})(?P<rest>(?:\s*(?:,|và)\s*{_LEVEL})+)$")


_ALTERNATIVE_RE = re.compile(r"^(?P<a>[^()]+?)\s*\(\s*(?:hoặc|hay)\s+(?P<b>[^()]+?)\s*\)$", re.IGNORECASE)


def _alternatives(printed: str) -> list[str]:
    """For "Sở Thương mại (hoặc Sở Thương mại và Du lịch)" → both names, each with its places opened."""
    m = _ALTERNATIVE_RE.match(collapse_spaces(printed))
    parts = [m.group("a"), m.group("b")] if m else [printed]
    return [p for part in parts for p in _distribute_localities(part)]


def _distribute_localities(printed: str) -> list[str]:
    """For "Ủy ban nhân dân thành phố Hà Nội, thành phố Hải Phòng và tỉnh Quảng Ninh" → one per place; for
    "Ủy ban nhân dân cấp huyện, cấp xã" → one per level."""
    flat = collapse_spaces(printed)
    lv = _LEVELS_RE.match(flat)
    if lv:
        levels = [lv.group("first"), *re.split(r"\s*,\s*|\bvà\b", lv.group("rest"))]
        return [f"{lv.group('head')} {level.strip()}" for level in levels if level.strip(" ,")]
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
