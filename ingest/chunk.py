"""Blocks → ``Chunk`` list: passages cut along the heading tree, with exact offsets and pages.

How a document is cut:

- The header (issuer, number, motto, place and date, type and title) is its own first chunk.
- The "Nơi nhận" recipient list is left out of the chunks: it names many agencies and would
  pollute assignment searches (its text stays in the document). The rest of the footer (the
  signature: "KT. THỦ TƯỚNG / PHÓ THỦ TƯỚNG / Trần Hồng Hà") is a small chunk of its own, so
  "who signed" questions find a passage.
- The body is grouped into *units*: consecutive blocks with the same heading path. A unit made
  only of headings or list intros is glued to the unit that follows it when that unit is its
  descendant, so a heading or an intro ("… các nhiệm vụ sau đây:") is never left at the end of
  a chunk without its content.
- Units merge greedily while the chunk stays within ``size`` and the tree allows it: the next
  unit is a descendant of the chunk's section, or a sibling (the chunk's section then becomes the
  common parent; it never climbs to the document root this way). Off the tree only what is
  shorter than ``min_size`` merges: a tiny lead-in forward, a tiny tail within the same
  top-level section backward. Closing formulas ("… thực hiện./.") stay their own small chunk.
- A unit longer than ``size`` is cut between blocks (paragraphs, items) into near-equal pieces;
  a block longer than a piece is cut with langchain's ``RecursiveCharacterTextSplitter`` on
  sentence, clause and word boundaries, each piece reaching back ``overlap`` characters to a
  sentence start. Headings and intros stick to the block after them.
- A chunk's ``section`` is the common heading path of the blocks it covers (headings that lead
  into the chunk's content do not lower it), joined with " > "; list items keep their intro in
  that path, so later pieces of a long list still carry it.

Every chunk is a slice of the normalised text: ``norm.text[c.start:c.end] == c.text``, never
empty, never spanning the header/body or body/footer boundary.
"""

from __future__ import annotations

import bisect
import logging
import math
from dataclasses import dataclass

from chidao.records import Block, Chunk, NormalizedText
from ingest.structure import block_zones

log = logging.getLogger(__name__)

SECTION_SEPARATOR = " > "
#: Separators for a block too long for one chunk, coarsest first: sentence, clause, word. (Sections
#: are first cut between blocks, i.e. at paragraph and line breaks; a heading glued to the block after
#: it must not be cut off again at its line break.)
SEPARATORS = [". ", "? ", "! ", "; ", ": ", ", ", " ", ""]


#: A unit of headings / intros at most this long is glued to the content that follows it.
LEAD_MAX_CHARS = 400


@dataclass(slots=True)
class _Unit:
    first: int  # index of the first block
    last: int  # index of the last block (inclusive)
    start: int
    end: int
    path: list[str]
    lead: bool  # only headings / intros, and short: it belongs with what follows

    @property
    def length(self) -> int:
        return self.end - self.start


@dataclass(slots=True)
class _Span:
    start: int
    end: int
    common: list[str]  # common path of the units it holds
    piece: bool = False  # the last piece of a longer unit
    first: int = 0  # first block index (for lead-ins)

    @property
    def length(self) -> int:
        return self.end - self.start


def _common(a: list[str], b: list[str]) -> list[str]:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return a[:n]


def _is_prefix(p: list[str], q: list[str]) -> bool:
    return q[: len(p)] == p


def _tree_ok(common: list[str], path: list[str]) -> bool:
    """May a unit with ``path`` join a chunk whose section is ``common``?"""
    k = len(_common(common, path))
    if k == len(common):  # a descendant (or the same section)
        return True
    return k >= 1 and k >= len(common) - 1  # a sibling or nephew: climb one level, never to the root


def _is_lead_block(b: Block) -> bool:
    return b.kind == "heading" or b.intro


def _units(blocks: list[Block], first: int, last: int) -> list[_Unit]:
    """Runs of blocks with one path; a heading or an intro starts a new run."""
    units: list[_Unit] = []
    for i in range(first, last + 1):
        b = blocks[i]
        lead = _is_lead_block(b)
        u = units[-1] if units else None
        if u is not None and u.path == b.path and not lead:
            u.last, u.end = i, b.end
            u.lead = False
        elif u is not None and u.path == b.path and lead and u.lead and u.length < LEAD_MAX_CHARS:
            u.last, u.end = i, b.end  # consecutive headings of one section
        else:
            units.append(_Unit(i, i, b.start, b.end, list(b.path), lead))
    for u in units:
        u.lead = u.lead and u.length < LEAD_MAX_CHARS
    # Glue short heading / intro units to the content that follows when it is theirs.
    glued: list[_Unit] = []
    pending: list[_Unit] = []
    for u in units:
        if pending and not _is_prefix(pending[0].path, u.path):
            glued.extend(pending)
            pending = []
        if u.lead:
            pending.append(u)
            continue
        if pending:
            head = pending[0]
            u = _Unit(head.first, u.last, head.start, u.end, _common(head.path, u.path), False)
            pending = []
        glued.append(u)
    glued.extend(pending)
    return glued


def _target(length: int, size: int, overlap: int, min_size: int) -> int:
    """Piece size that cuts ``length`` characters into near-equal pieces of at most ``size``."""
    n = max(1, math.ceil((length - overlap) / max(1, size - overlap)))
    return min(size, max(min_size, math.ceil(length / n) + overlap))


def _sentence_split(
    text: str, start: int, end: int, target: int, overlap: int, min_size: int, size: int
) -> list[tuple[int, int]]:
    """Exact (start, end) pieces of one long block, cut at sentence, clause or word boundaries.

    langchain's splitter cuts without overlap, so its pieces partition the text (up to the
    whitespace it strips) and each one is located exactly, even in repetitive text. Each piece
    then reaches back over the previous one to the first sentence (or clause) boundary within
    ``overlap`` characters.
    """
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(
        separators=SEPARATORS,
        keep_separator="end",
        chunk_size=max(1, target - overlap),
        chunk_overlap=0,
        strip_whitespace=True,
        length_function=len,
    )
    span = text[start:end]
    cuts: list[tuple[int, int]] = []
    cursor = 0
    for p in splitter.split_text(span):
        while cursor < len(span) and span[cursor].isspace():
            cursor += 1
        if not p or not span.startswith(p, cursor):
            log.warning("text splitter pieces do not partition the text; keeping the block whole")
            return [(start, end)]
        cuts.append((start + cursor, start + cursor + len(p)))
        cursor += len(p)
    if not cuts:
        return [(start, end)]
    pieces = [cuts[0]]
    for s, e in cuts[1:]:
        pieces.append((_reach_back(text, max(start, s - overlap), s), e))
    return _merge_small(pieces, min_size, size)


def _reach_back(text: str, lo: int, s: int) -> int:
    """The earliest sentence (else clause, else word) start in text[lo:s], or ``s`` if none."""
    window = text[lo:s]
    for sep in SEPARATORS[:-1]:
        at = window.find(sep)
        if at >= 0 and at + len(sep) < len(window):
            return lo + at + len(sep)
    return s


def _merge_small(pieces: list[tuple[int, int]], min_size: int, size: int) -> list[tuple[int, int]]:
    """Join a piece shorter than ``min_size`` with its next (else previous) neighbour when that fits."""
    out: list[tuple[int, int]] = []
    i = 0
    while i < len(pieces):
        s, e = pieces[i]
        if e - s < min_size and i + 1 < len(pieces) and pieces[i + 1][1] - s <= size:
            pieces[i + 1] = (s, pieces[i + 1][1])
        elif e - s < min_size and out and e - out[-1][0] <= size:
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
        i += 1
    return out


def _pack(
    text: str,
    blocks: list[Block],
    first: int,
    last: int,
    size: int,
    overlap: int,
    min_size: int,
    *,
    lead_start: int | None = None,
    sticky: bool = True,
) -> list[tuple[int, int]]:
    """Cut blocks[first..last] (from ``lead_start`` if given) into pieces of about equal size.

    Blocks are atoms; a block longer than the piece size is cut into sentences. A heading or an
    intro sticks to what follows it, so it never ends a piece.
    """
    start = blocks[first].start if lead_start is None else lead_start
    target = _target(blocks[last].end - start, size, overlap, min_size)
    atoms: list[tuple[int, int]] = []
    stick: int | None = lead_start
    for i in range(first, last + 1):
        b = blocks[i]
        s = b.start if stick is None else stick
        if sticky and i < last and _is_lead_block(b) and b.end - s < LEAD_MAX_CHARS:
            stick = s
            continue
        stick = None
        if b.end - s > target:
            atoms.extend(_sentence_split(text, s, b.end, target, overlap, min_size, size))
        else:
            atoms.append((s, b.end))
    pieces: list[tuple[int, int]] = []
    for a in atoms:
        if pieces and a[1] - pieces[-1][0] <= target:
            pieces[-1] = (pieces[-1][0], a[1])
        else:
            pieces.append(a)
    return _merge_small(pieces, min_size, size)


def _assemble(
    text: str, blocks: list[Block], units: list[_Unit], size: int, overlap: int, min_size: int
) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    cur: _Span | None = None

    def flush() -> None:
        nonlocal cur
        if cur is not None:
            spans.append((cur.start, cur.end))
            cur = None

    def cut(u: _Unit, lead_start: int | None) -> None:
        nonlocal cur
        pieces = _pack(text, blocks, u.first, u.last, size, overlap, min_size, lead_start=lead_start)
        spans.extend(pieces[:-1])
        cur = _Span(*pieces[-1], list(u.path), True, u.last)

    for u in units:
        if cur is not None:
            combined = u.end - cur.start
            tree = _tree_ok(cur.common, u.path)
            if cur.piece:
                # The tail of a long section only takes in what follows if it is tiny.
                ok = cur.length < min_size and tree
            else:
                # Off the tree, only what is too small to stand alone merges: a tiny lead-in at the
                # root or before another tiny unit, or a tiny tail within the same top-level section.
                k = len(_common(cur.common, u.path))
                ok = (
                    tree
                    or (cur.length < min_size and (not cur.common or u.length < min_size))
                    or (u.length < min_size and not u.lead and k >= 1)
                )
            if combined <= size and ok:
                cur = _Span(cur.start, u.end, _common(cur.common, u.path), False, cur.first)
                continue
            if u.length > size and not cur.piece and cur.length < min_size and tree:
                lead_start = cur.start  # a small lead-in goes with the long unit
                cur = None
                cut(u, lead_start)
                continue
            flush()
        if u.length > size:
            cut(u, None)
        else:
            cur = _Span(u.start, u.end, list(u.path), False, u.first)
    flush()
    return spans


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _section(blocks: list[Block], starts: list[int], start: int, end: int) -> str:
    """The common heading path of the blocks overlapping [start, end).

    Headings and intros that lead into later blocks of the chunk (their path is a prefix of the
    next block's) do not lower it: "II. NHIỆM VỤ / 2.1. Sở Y tế / …" is cited as
    "II. NHIỆM VỤ > 2.1. Sở Y tế".
    """
    i = max(0, bisect.bisect_right(starts, start) - 1)
    inside: list[Block] = []
    while i < len(blocks) and blocks[i].start < end:
        if blocks[i].end > start:
            inside.append(blocks[i])
        i += 1
    path: list[str] | None = None
    for k, b in enumerate(inside):
        nxt = inside[k + 1] if k + 1 < len(inside) else None
        if nxt is not None and _is_lead_block(b) and _is_prefix(b.path, nxt.path):
            continue
        path = list(b.path) if path is None else _common(path, b.path)
    return SECTION_SEPARATOR.join(path or [])


def chunk_document(
    doc_id: str,
    norm: NormalizedText,
    blocks: list[Block],
    *,
    size: int = 1200,
    overlap: int = 150,
    min_size: int = 200,
) -> list[Chunk]:
    """Cut a document into chunks along its heading tree (see the module docstring)."""
    if size < 50:
        raise ValueError(f"chunk size {size} is too small (at least 50 characters)")
    overlap = max(0, min(overlap, size // 2))
    min_size = max(0, min(min_size, size // 2))
    text = norm.text
    blocks = sorted(blocks, key=lambda b: b.start)
    if not blocks:
        return []
    zones = block_zones(text, blocks)

    spans: list[tuple[int, int, bool]] = []  # (start, end, outside the heading tree)
    i = 0
    while i < len(blocks):
        j = i
        while j + 1 < len(blocks) and zones[j + 1] == zones[i]:
            j += 1
        zone = zones[i]
        if zone in ("header", "footer"):
            for s, e in _pack(text, blocks, i, j, size, overlap, min_size, sticky=False):
                spans.append((s, e, True))
        elif zone == "body":
            for s, e in _assemble(text, blocks, _units(blocks, i, j), size, overlap, min_size):
                spans.append((s, e, False))
        i = j + 1

    starts = [b.start for b in blocks]
    chunks: list[Chunk] = []
    for s, e, plain in spans:
        s, e = _strip(text, s, e)  # (the splitter already strips; merged spans start and end on blocks)
        if s >= e:
            continue
        chunks.append(
            Chunk(
                chunk_id=f"{doc_id}_{len(chunks)}",
                doc_id=doc_id,
                ordinal=len(chunks),
                text=text[s:e],
                section="" if plain else _section(blocks, starts, s, e),
                start=s,
                end=e,
                page=norm.page_at(s),
                page_end=norm.page_at(e - 1),
            )
        )
    log.debug("%s: %d blocks → %d chunks", doc_id, len(blocks), len(chunks))
    return chunks
