#!/usr/bin/env python3
"""Measure ``ingest.assignments.extract_assignments`` against hand-labelled assignments.

Runs normalize → structure → extract_assignments on every labelled document of each dataset
(default ../shared/eval/github, found from the repository root) and scores with the scorer's own
rules (``tasks_metrics`` in ../shared/tools/evaluate.py: same file, agency equal or contained
either way after folding, task covering at least half of the gold task's syllable bigrams). The
scorer is looked up beside the dataset (``<dataset>/../../tools/evaluate.py``), then in ../shared.

    python bench/measure_assignments.py                 # precision / recall / F1 + error categories
    python bench/measure_assignments.py --dataset ../shared/eval/pages2-dev --dataset eval/collection/tune
    python bench/measure_assignments.py --show fn -f 217-cd-ttg-2025.txt   # list misses of one file
    python bench/measure_assignments.py --show fp --limit 40
    python bench/measure_assignments.py --rewrap 80         # the same documents hard-wrapped as PDF text layers
    python bench/measure_assignments.py --glue 0.03         # … with 3 % of the spaces between words dropped

Besides the official figure (agency = canonical name) it prints the same score with the agency
as printed (``agency_text``), since the gold labels keep abbreviations ("UBND …") that the
canonical names expand, and the role accuracy over matched pairs.
"""

from __future__ import annotations

import argparse
import collections
import importlib.util
import json
import random
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from chidao.lang.agencies import AgencyCanon  # noqa: E402
from ingest.assignments import extract_assignments  # noqa: E402
from ingest.normalize import normalize_text  # noqa: E402
from ingest.structure import parse_blocks  # noqa: E402


def _shared_dir() -> Path:
    """../shared from the repository root; from a git worktree, ../shared beside the main checkout."""
    here = ROOT.parent / "shared"
    if here.is_dir():
        return here
    try:
        common = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--path-format=absolute", "--git-common-dir"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return here
    return Path(common).parent.parent / "shared"


SHARED = _shared_dir()
DEFAULT_DATASET = SHARED / "eval" / "github"
DEFAULT_SCORER = SHARED / "tools" / "evaluate.py"


def load_scorer(path: Path):
    spec = importlib.util.spec_from_file_location("chidao_bench_evaluate", path)
    mod = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(mod)
    return mod


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def rewrap(raw: str, width: int, seed: str) -> str:
    """The text as a PDF text layer or a portal page leaves it: every line longer than about ``width``
    broken at a space, at widths that vary from line to line (±15 %, fixed per file by ``seed``);
    table rows and markdown headings are kept whole."""
    rng = random.Random(seed)
    out = []
    for line in raw.split("\n"):
        if line.lstrip().startswith(("|", "#")):
            out.append(line)
            continue
        while len(line) > width:
            w = max(20, int(width * rng.uniform(0.85, 1.15)))
            cut = line.rfind(" ", 0, w)
            if cut <= 0:
                break
            out.append(line[:cut])
            line = line[cut + 1 :]
        out.append(line)
    return "\n".join(out)


def glue(raw: str, rate: float, seed: str) -> str:
    """The text as some PDF text layers leave it: a share ``rate`` of the spaces between two words of letters
    dropped ("đềnghị", "Kếhoạch"), at places fixed per file by ``seed``."""
    rng = random.Random(seed + "/glue")
    return re.sub(r"(?<=[^\W\d_]) (?=[^\W\d_])", lambda m: "" if rng.random() < rate else " ", raw)


def extract_file(
    path: Path, canon: AgencyCanon, subject_in_task: bool = True, wrap: int = 0, glue_rate: float = 0.0
) -> list[dict]:
    raw = path.read_text(encoding="utf-8")
    if glue_rate:
        raw = glue(raw, glue_rate, path.name)
    if wrap:
        raw = rewrap(raw, wrap, path.name)
    text = normalize_text(raw, markdown=True)
    blocks = parse_blocks(text)
    rows = []
    for a in extract_assignments(text, blocks, canon, subject_in_task=subject_in_task):
        assert text[a.start : a.end] == a.task
        rows.append(
            {
                "source": path.name,
                "agency": a.agency,
                "agency_text": a.agency_text,
                "role": a.role,
                "task": a.task,
                "deadline": a.deadline,
                "section": a.section,
            }
        )
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dataset", type=Path, action="append", default=[], help="a labelled dataset folder (repeatable)")
    ap.add_argument("--scorer", type=Path, help="evaluate.py (default: beside the dataset, then ../shared/tools)")
    ap.add_argument("-f", "--file", action="append", default=[], help="only these corpus files (repeatable)")
    ap.add_argument("--show", choices=["fn", "fp", "both"], help="list misses (fn) and/or spurious (fp)")
    ap.add_argument("--limit", type=int, default=1000)
    ap.add_argument("--json", type=Path, help="write predictions here (JSONL)")
    ap.add_argument(
        "--strip-subject", action="store_true", help="cut the agencies that open a clause off its task text"
    )
    ap.add_argument(
        "--rewrap",
        type=int,
        default=0,
        metavar="WIDTH",
        help="break every line at about WIDTH characters first (irregular widths), as PDF text layers do",
    )
    ap.add_argument(
        "--glue",
        type=float,
        default=0.0,
        metavar="RATE",
        help="drop this share of the spaces between words first (0.03: 'đềnghị'), as some PDF text layers do",
    )
    args = ap.parse_args()
    summary = []
    for given in args.dataset or [DEFAULT_DATASET]:
        dataset = resolve_dataset(given)
        print(f"=== {given}")
        figures = measure(dataset, args)
        summary.append((dataset, figures))
        print()
    if len(summary) > 1:
        for dataset, r in summary:
            print(f"{dataset}: P={r['precision']:.3f} R={r['recall']:.3f} F1={r['f1']:.3f} gold={r['gold']}")
    return 0


def resolve_dataset(given: Path) -> Path:
    """A dataset path as given; "../shared/…" that is not there (a git worktree) is read from ``SHARED``."""
    if given.exists() or given.parts[:2] != ("..", "shared"):
        return given
    return SHARED.joinpath(*given.parts[2:])


def find_scorer(dataset: Path, given: Path | None) -> Path:
    if given is not None:
        return given
    beside = dataset.resolve().parent.parent / "tools" / "evaluate.py"
    return beside if beside.is_file() else DEFAULT_SCORER


def measure(dataset: Path, args: argparse.Namespace) -> dict:
    ev = load_scorer(find_scorer(dataset, args.scorer))
    gold = read_jsonl(dataset / "assignments.jsonl")
    if args.file:
        gold = [g for g in gold if g["file"] in args.file]
    files = sorted({g["file"] for g in gold})
    canon = AgencyCanon()
    t0 = time.perf_counter()
    items: list[dict] = []
    for f in files:
        items.extend(
            extract_file(
                dataset / "corpus" / f,
                canon,
                subject_in_task=not args.strip_subject,
                wrap=args.rewrap,
                glue_rate=args.glue,
            )
        )
    elapsed = time.perf_counter() - t0

    official = ev.tasks_metrics(gold, items)
    printed = ev.tasks_metrics(gold, [dict(i, agency=i["agency_text"]) for i in items])

    def match(g: dict, i: dict) -> bool:
        return (
            ev.basename(i.get("source")) == g["file"]
            and ev._agency_match(g["agency"], i.get("agency", ""))
            and ev.covers(i.get("task", ""), g["task"])
        )

    by_file: dict[str, list[dict]] = collections.defaultdict(list)
    for i in items:
        by_file[i["source"]].append(i)
    fn_cats: collections.Counter[str] = collections.Counter()
    fp_cats: collections.Counter[str] = collections.Counter()
    fns: list[tuple[str, dict]] = []
    fps: list[tuple[str, dict]] = []
    role_ok = role_n = 0
    for g in gold:
        mine = by_file.get(g["file"], [])
        hits = [i for i in mine if match(g, i)]
        if hits:
            role_n += 1
            role_ok += any(i["role"] == g["role"] for i in hits)
            continue
        if any(ev.covers(i["task"], g["task"]) for i in mine):
            cat = "agency differs (task found)"
            if any(ev.covers(i["task"], g["task"]) and ev._agency_match(g["agency"], i["agency_text"]) for i in mine):
                cat = "agency canonicalised away (printed form matches)"
        elif any(ev._agency_match(g["agency"], i["agency"]) for i in mine):
            cat = "task missed (agency seen elsewhere)"
        else:
            cat = "task and agency missed"
        fn_cats[cat] += 1
        fns.append((cat, g))
    gold_by_file: dict[str, list[dict]] = collections.defaultdict(list)
    for g in gold:
        gold_by_file[g["file"]].append(g)
    for i in items:
        gs = gold_by_file.get(i["source"], [])
        if any(match(g, i) for g in gs):
            continue
        if any(ev.covers(i["task"], g["task"]) and ev._agency_match(g["agency"], i["agency_text"]) for g in gs):
            cat = "agency canonicalised away (printed form matches)"
        elif any(ev.covers(i["task"], g["task"]) for g in gs):
            cat = "agency not labelled for this task"
        elif any(ev.covers(g["task"], i["task"]) or ev.covers(i["task"], g["task"], 0.25) for g in gs):
            cat = "task span differs from gold"
        else:
            cat = "no gold task here"
        fp_cats[cat] += 1
        fps.append((cat, i))

    print(f"files: {len(files)}  gold: {len(gold)}  predicted: {len(items)}  time: {elapsed:.2f}s")
    print(
        f"official (agency = canonical): P={official['precision']:.3f} R={official['recall']:.3f} "
        f"F1={official['f1']:.3f}"
    )
    print(
        f"agency as printed:             P={printed['precision']:.3f} R={printed['recall']:.3f} F1={printed['f1']:.3f}"
    )
    if role_n:
        print(f"role accuracy on matched gold: {role_ok}/{role_n} = {role_ok / role_n:.3f}")
    print("misses (gold not found):")
    for cat, n in fn_cats.most_common():
        print(f"  {n:4d}  {cat}")
    print("spurious (predicted, matching no gold):")
    for cat, n in fp_cats.most_common():
        print(f"  {n:4d}  {cat}")
    per_file = []
    for f in files:
        r = ev.tasks_metrics(gold_by_file[f], by_file.get(f, []))
        per_file.append((r["f1"], f, r))
    print("worst files:")
    for f1, f, r in sorted(per_file)[:8]:
        print(
            f"  F1={f1:.2f} P={r['precision']:.2f} R={r['recall']:.2f} gold={r['gold']:3d} "
            f"pred={r['returned_in_labelled_files']:3d}  {f}"
        )
    if args.show in ("fn", "both"):
        print("\n--- misses")
        for cat, g in fns[: args.limit]:
            print(f"[{cat}] {g['file']} | {g['role']}:{g['agency']} | {' '.join(g['task'].split())[:160]}")
    if args.show in ("fp", "both"):
        print("\n--- spurious")
        for cat, i in fps[: args.limit]:
            print(
                f"[{cat}] {i['source']} | {i['role']}:{i['agency']} ({i['agency_text']}) | "
                f"{' '.join(i['task'].split())[:160]}"
            )
    if args.json:
        with args.json.open("a", encoding="utf-8") as f:
            for i in items:
                f.write(json.dumps(i, ensure_ascii=False) + "\n")
    return official


if __name__ == "__main__":
    sys.exit(main())
