#!/usr/bin/env python3
"""Build ``chidao/data/syllables.tsv``: Vietnamese syllables and how often they occur in clean text.

``chidao.lang.glued`` uses the counts to choose between two cuts of a glued word that both
have the shape of syllables ("thực hiện", not "thự chiện"; "các huyện", not "cá chuyện").

    python scripts/build_syllables.py ../shared/eval/github/corpus ../shared/eval/distractors/laws
"""

from __future__ import annotations

import argparse
import collections
import re
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from chidao.lang.syllable import is_syllable  # noqa: E402

OUT = ROOT / "chidao" / "data" / "syllables.tsv"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folders", nargs="+", type=Path)
    ap.add_argument("--min-count", type=int, default=2)
    args = ap.parse_args()
    counts: collections.Counter[str] = collections.Counter()
    for folder in args.folders:
        for path in sorted(folder.rglob("*")):
            if path.suffix.lower() not in (".txt", ".md"):
                continue
            text = unicodedata.normalize("NFC", path.read_text(encoding="utf-8", errors="replace"))
            counts.update(w.lower() for w in re.findall(r"[^\W\d_]+", text) if is_syllable(w))
    rows = [(w, n) for w, n in counts.most_common() if n >= args.min_count]
    with OUT.open("w", encoding="utf-8") as f:
        f.write("# syllable\tcount  (scripts/build_syllables.py)\n")
        for w, n in rows:
            f.write(f"{w}\t{n}\n")
    print(f"{len(rows)} syllables → {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
