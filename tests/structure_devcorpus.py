"""Dev-corpus helpers for the structure and chunk tests, and the gold-passage report.

``approx_normalize`` is a stand-in for ``ingest/normalize.py`` (written separately): NFC, markdown
``**``/``*``/``#`` and table pipes removed, separator rules dropped, hard-wrapped lines joined
into one paragraph per line. The tests only rely on its general shape, never on exact output.

Run ``python tests/structure_devcorpus.py [--real]`` for the report: chunk counts and sizes on the dev
corpus, and how many gold passages of ``queries.jsonl`` fall entirely inside one chunk.
"""

from __future__ import annotations

import json
import re
import statistics
import sys
import unicodedata
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared"  # ../shared from the repo root
DEV = SHARED / "eval" / "github"
LAWS = SHARED / "eval" / "distractors" / "laws"
SAMPLE = Path(__file__).resolve().parent.parent / "corpus" / "thong-bao-ket-luan-ubnd-cao-bang-thang-4-2021.md"

_RULE_RE = re.compile(r"^[\s|\-_=–—]*$")
_STARTS_ITEM_RE = re.compile(
    r"^(?:[IVXLC]+\.|\d{1,3}(?:\.\d{1,2})*[.)]?\s|[a-zđ]\)|[-+•–]\s?|\(\d+\)|Điều \d|Chương|CHƯƠNG|Mục \d|Phần|PHẦN)"
)


def approx_normalize(raw: str) -> str:
    text = unicodedata.normalize("NFC", raw).replace("\r\n", "\n")
    paras: list[list[str]] = []
    blank_before: list[bool] = []
    blank = True
    for line in text.split("\n"):
        line = line.replace("*", "").strip()
        line = re.sub(r"^#+\s*", "", line).strip()
        if _RULE_RE.match(line):
            blank = True
            continue
        if line.startswith("|") or line.endswith("|"):
            line = line.strip("| ").strip()
            if not line:
                blank = True
                continue
        cur = paras[-1] if paras and not blank else None
        joins = (
            cur is not None
            and not _STARTS_ITEM_RE.match(line)
            and not (cur[-1][-1:] in ".;:!?" and line[:1].isupper())
            and not re.fullmatch(r"[IVXLC]+\.|\d+(?:\.\d+)*\.", cur[-1])
        )
        if joins:
            cur.append(line)
        else:
            paras.append([line])
            blank_before.append(blank)
        blank = False
    out: list[str] = []
    for i, p in enumerate(paras):
        if i:
            out.append("\n\n" if blank_before[i] else "\n")
        out.append(" ".join(p))
    return "".join(out) + "\n"


def squash(s: str) -> str:
    """Whitespace-collapsed, markup-free form for containment checks."""
    return " ".join(unicodedata.normalize("NFC", s).replace("*", "").split())


def dev_files() -> list[Path]:
    return sorted((DEV / "corpus").glob("*.txt")) if DEV.is_dir() else []


def law_files() -> list[Path]:
    return sorted(LAWS.glob("*.txt")) if LAWS.is_dir() else []


def load_queries() -> list[dict]:
    path = DEV / "queries.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def real_normalizer():  # -> Callable[[str], str] | None
    """``ingest.normalize.normalize_text`` when that module is there (it is written separately)."""
    try:
        from ingest.normalize import normalize_text
    except ImportError:
        return None
    return normalize_text


def report(sizes: tuple[int, ...] = (800, 1200, 1600), real: bool = False) -> None:
    from chidao.records import NormalizedText
    from ingest.chunk import chunk_document
    from ingest.structure import parse_blocks

    files = dev_files()
    norm_fn = real_normalizer() if real else approx_normalize
    if norm_fn is None:
        raise SystemExit("ingest.normalize is not available")
    print(f"normaliser: {'ingest.normalize.normalize_text' if real else 'approx_normalize (tests)'}")
    norms = {f.name: NormalizedText(text=norm_fn(f.read_text(encoding="utf-8"))) for f in files}
    blocks = {name: parse_blocks(n.text) for name, n in norms.items()}
    # Each gold passage with the gold file whose normalised text holds it.
    golds = [(squash(g), q["gold_files"]) for q in load_queries() for g in q.get("gold_text", [])]
    findable = []
    for g, gold_files in golds:
        f = next((f for f in gold_files if f in norms and g in squash(norms[f].text)), None)
        if f is not None:
            findable.append((g, f))
    print(f"dev corpus: {len(files)} documents, {sum(len(n.text) for n in norms.values())} characters")
    print(f"gold passages: {len(golds)}, found in the normalised text of a gold file: {len(findable)}")
    # Queries with several gold passages in one file: are they all in one chunk (one citation)?
    groups: dict[tuple[str, str], list[str]] = {}
    for q in load_queries():
        for g in q.get("gold_text", []):
            sg = squash(g)
            f = next((f for f in q.get("gold_files", []) if f in norms and sg in squash(norms[f].text)), None)
            if f is not None:
                groups.setdefault((q["id"], f), []).append(sg)
    multi = [(f, gs) for (_, f), gs in groups.items() if len(gs) > 1]

    def measure(label: str, chunks: dict[str, list[str]]) -> None:
        lens = [len(c) for cs in chunks.values() for c in cs]
        inside = sum(any(g in squash(c) for c in chunks[f]) for g, f in findable)
        together = sum(any(all(g in squash(c) for g in gs) for c in chunks[f]) for f, gs in multi)
        q = statistics.quantiles(lens, n=10)
        print(
            f"{label}: chunks={len(lens)} mean={statistics.mean(lens):.0f} median={statistics.median(lens):.0f}"
            f" p10={q[0]:.0f} p90={q[-1]:.0f} max={max(lens)} <200={sum(n < 200 for n in lens)}"
            f" | gold inside one chunk {inside}/{len(findable)}"
            f" | multi-passage queries all in one chunk {together}/{len(multi)}"
        )

    from langchain_text_splitters import RecursiveCharacterTextSplitter

    for size in sizes:
        chunks = {
            name: chunk_document(name, norms[name], blocks[name], size=size, overlap=150, min_size=200)
            for name in norms
        }
        with_section = sum(bool(c.section) for cs in chunks.values() for c in cs)
        measure(f"chunk_document size={size}", {n: [c.text for c in cs] for n, cs in chunks.items()})
        print(f"    chunks with a section path: {with_section}/{sum(len(cs) for cs in chunks.values())}")
        flat = RecursiveCharacterTextSplitter(chunk_size=size, chunk_overlap=150)
        measure(f"baseline flat splitter size={size}", {n: flat.split_text(norms[n].text) for n in norms})


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    report(real="--real" in sys.argv)
