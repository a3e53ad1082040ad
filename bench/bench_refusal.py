"""The refusal's precision/recall curve, and the refusal model learned from labelled questions.

    python bench/bench_answers.py --index DIR --dataset D1 --dataset D2 ... --skip-search --no-refusal --dump cal.jsonl
    python bench/bench_refusal.py cal.jsonl [more.jsonl ...] [--write]
    python bench/bench_refusal.py --report answers.jsonl ...     # dumps of real runs (refusal on): no fitting

``--report`` counts, per dataset, the unanswerable questions refused and the answerable ones refused, and per
unmet constraint (the ``missing`` label of eval/negatives, else read from the question) whether the refusal's
text names it (the year, date, month, period, province, number or type the question gives, or for a topic the
words no passage speaks of). The calibration run prints the same table for the questions refused by rule.

The dumps hold every question's answer with its labels: answerable questions (with gold files) and
unanswerable ones (none). Questions whose answer reached the passage check carry its ``signals``
(search/answer/refusal.py); the others were answered or refused by rule (the question's constraints, a
number's look-up) and count as fixed decisions. A logistic regression (scikit-learn, balanced classes) is fitted
on the signals, answerable = 1; the script prints the 5-fold cross-validated curve (refusal precision and recall
over unanswerable questions, share of answerable ones refused) at each threshold, and with ``--write`` stores the
weights (in raw feature units) and the threshold, chosen as the highest that refuses at most ``--max-false``
of the answerable questions in cross-validation, in search/answer/refusal.json.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from search.answer.refusal import FEATURES, MODEL_FILE, features  # noqa: E402


def load(paths: list[Path]) -> list[dict]:
    rows = []
    for p in paths:
        rows.extend(json.loads(line) for line in p.read_text(encoding="utf-8").splitlines() if line.strip())
    return rows


def _kind_of(question: str) -> str:
    """The constraint a question without a ``missing`` label puts first (for the per-constraint table)."""
    from chidao.lang.references import extract_references
    from search.constraints import parse

    c = parse(question)
    if extract_references(question):
        return "number"
    for name, present in (("date", c.date), ("month", c.month), ("year", c.years), ("period", c.content_years)):
        if present:
            return name
    if c.provinces:
        return "province"
    if c.doc_type:
        return "type"
    return "topic"


def names_constraint(question: str, answer: str, missing: str | None = None) -> bool:
    """Whether a refusal's text names the question's unmet constraint ``missing`` (any of its constraints when
    ``missing`` is None): the value as the question gives it, or for a topic the words nothing speaks of."""
    from chidao.lang.places import display
    from chidao.lang.references import extract_references
    from chidao.lang.text import docnum_key, fold
    from search.constraints import parse

    c = parse(question)
    folded = fold(answer)
    refs = extract_references(question)
    said = {
        "year": [str(y) for y in c.years] + [str(r.year) for r in refs if r.year],
        "period": [str(y) for y in c.content_years],
        "date": [f"{int(d[8:])}/{int(d[5:7])}/{d[:4]}" for d in [c.date, *(r.date for r in refs)] if d],
        "month": [f"{c.month[1]}/{c.month[0]}"] if c.month else [],
        "province": [fold(display(p)) for p in c.provinces],
        "number": [r.key for r in refs],
        "type": [fold(c.doc_type)] if c.doc_type else [],
    }
    keys = {docnum_key(m) for m in answer.split() if "/" in m}

    def named(kind: str) -> bool:
        values = said.get(kind, [])
        if kind == "number":
            return any(v in keys or v in docnum_key(answer) for v in values)
        return any(fold(v) in folded for v in values)

    topic = "noi den:" in folded or "khong co van ban nao" in folded
    if missing in ("topic", "agency"):
        return topic
    if missing:
        return named(missing)
    return any(named(k) for k in said) or topic


def report(rows: list[dict]) -> None:
    """Refusals of a real run (see the module docstring)."""
    per: dict[str, list[dict]] = {}
    for r in rows:
        per.setdefault(r.get("dataset", "?"), []).append(r)
    for name, items in [*per.items(), ("all", rows)]:
        un = [r for r in items if not r.get("gold_files")]
        ans = [r for r in items if r.get("gold_files")]
        refused_un = [r for r in un if not r["answer"]["found"]]
        refused_ans = sum(not r["answer"]["found"] for r in ans)
        named = sum(names_constraint(r["query"], r["answer"]["answer"], r.get("missing")) for r in refused_un)
        print(f"{name}: unanswerable refused {len(refused_un)}/{len(un)}, naming the constraint {named}/"
              f"{len(refused_un)}; answerable refused {refused_ans}/{len(ans)}")  # fmt: skip
    print("\nper unmet constraint (unanswerable questions): refused / named / n")
    by_kind: dict[str, list[int]] = {}
    for r in rows:
        if r.get("gold_files"):
            continue
        kind = r.get("missing") or _kind_of(r["query"])
        n = by_kind.setdefault(kind, [0, 0, 0])
        refused = not r["answer"]["found"]
        n[0] += refused
        n[1] += refused and names_constraint(r["query"], r["answer"]["answer"], r.get("missing"))
        n[2] += 1
    for kind, (refused, named, n) in sorted(by_kind.items()):
        print(f"  {kind:9s} {refused:3d} {named:3d} {n:3d}")
    missed = [r for r in rows if not r.get("gold_files") and r["answer"]["found"]]
    wrong = [r for r in rows if r.get("gold_files") and not r["answer"]["found"]]
    for title, items in (("unanswerable, answered:", missed), ("answerable, refused:", wrong)):
        if items:
            print(f"\n{title}")
            for r in items:
                print(f"  [{r.get('dataset', '?')} {r['id']}] {r['query'][:110]}")


def curve(rows: list[dict], prob: dict[int, float], thresholds: list[float]) -> list[tuple]:
    """(threshold, refusal precision, refusal recall, answerable refused) over all questions."""
    out = []
    for t in thresholds:
        tp = fp = fn = 0
        answerable = refused_answerable = 0
        for i, r in enumerate(rows):
            refused = prob[i] < t if i in prob else not r["answer"]["found"]
            unanswerable = not r.get("gold_files")
            if unanswerable:
                tp += refused
                fn += not refused
            else:
                answerable += 1
                fp += refused
                refused_answerable += refused
        p = tp / (tp + fp) if tp + fp else 1.0
        rec = tp / (tp + fn) if tp + fn else 1.0
        out.append((t, p, rec, refused_answerable / max(1, answerable), tp, tp + fn))
    return out


def replay(rows: list[dict], model: dict) -> None:
    """The harness's ask figures per dataset with the model's decisions applied (exact when the dumps were made
    with ``--no-refusal``: a refused answer is the same answer without citations)."""
    from bench_answers import harness

    from search.answer.refusal import answers

    ev = harness()
    per: dict[str, list[tuple[dict, dict]]] = {}
    for r in rows:
        a = r["answer"]
        if a.get("signals") and not answers(a["signals"], model):
            a = a | {"found": False, "citations": []}
        per.setdefault(r.get("dataset", "?"), []).append((r, a))
    print("\nask figures with this model (harness metrics):")
    for name, items in per.items():
        m = ev.ask_metrics([r for r, _ in items], {r["id"]: a for r, a in items})
        n = sum(1 for r, _ in items if r.get("gold_files"))
        refused = sum(1 for r, a in items if r.get("gold_files") and not a["found"])
        print(f"  {name}: all {m.get('all')}")
        for kind in ("semantic", "unanswerable"):
            if kind in m:
                print(f"    {kind} {m[kind]}")
        print(f"    answerable refused {refused}/{n}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dumps", nargs="+", type=Path)
    ap.add_argument("--report", action="store_true", help="dumps of real runs: count refusals, fit nothing")
    ap.add_argument("--write", action="store_true", help=f"store the model in {MODEL_FILE.relative_to(ROOT)}")
    ap.add_argument("--max-false", type=float, default=0.05, help="largest share of answerable questions refused")
    ap.add_argument("-C", type=float, default=1.0, help="inverse regularisation strength")
    args = ap.parse_args()

    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    rows = load(args.dumps)
    if args.report:
        report(rows)
        return 0
    idx = [i for i, r in enumerate(rows) if r["answer"].get("signals")]
    x = np.array([features(rows[i]["answer"]["signals"]) for i in idx])
    y = np.array([1 if rows[i].get("gold_files") else 0 for i in idx])
    n_un = sum(not r.get("gold_files") for r in rows)
    print(f"{len(rows)} labelled questions ({n_un} unanswerable); {len(idx)} reached the passage check "
          f"({int((y == 0).sum())} unanswerable)")  # fmt: skip
    model = make_pipeline(StandardScaler(), LogisticRegression(C=args.C, class_weight="balanced"))
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    cv = cross_val_predict(model, x, y, cv=folds, method="predict_proba")[:, 1]
    thresholds = [round(t, 2) for t in np.arange(0.01, 0.99, 0.01)]
    rows_cv = curve(rows, dict(zip(idx, cv, strict=True)), thresholds)
    ok = [t for t, _, _, f, _, _ in rows_cv if f <= args.max_false]
    threshold = max(ok) if ok else min(thresholds)
    print("\ncross-validated (5 folds):\n threshold  refusal-precision  refusal-recall  answerable-refused")
    for t, p, r, f, tp, n in rows_cv:
        if round(t * 100) % 5 == 0 or t == threshold:
            mark = "  <- chosen" if t == threshold else ""
            print(f"   {t:5.2f}        {p:5.3f}            {r:5.3f} ({tp}/{n})      {f:5.3f}{mark}")
    cv_prob = dict(zip(idx, cv, strict=True))
    print(f"\nper unmet constraint at threshold {threshold} (cross-validated; rule refusals as made): refused / n")
    by_kind: dict[str, list[int]] = {}
    for i, r in enumerate(rows):
        if r.get("gold_files"):
            continue
        refused = cv_prob[i] < threshold if i in cv_prob else not r["answer"]["found"]
        n = by_kind.setdefault(r.get("missing") or _kind_of(r["query"]), [0, 0])
        n[0] += refused
        n[1] += 1
    for kind, (refused, n) in sorted(by_kind.items()):
        print(f"  {kind:9s} {refused:3d} {n:3d}")

    model.fit(x, y)
    scaler, lr = model.named_steps["standardscaler"], model.named_steps["logisticregression"]
    weights = lr.coef_[0] / scaler.scale_
    bias = float(lr.intercept_[0] - np.sum(lr.coef_[0] * scaler.mean_ / scaler.scale_))
    fitted = {
        "features": list(FEATURES),
        "weights": [round(float(w), 6) for w in weights],
        "bias": round(bias, 6),
        "threshold": threshold,
        "trained_on": sorted({r.get("dataset", "?") for r in rows}),
        "questions": len(rows),
        "unanswerable": n_un,
        "note": "logistic regression, answerable = 1; threshold: highest refusing at most "
        f"{args.max_false:.0%} of answerable questions in 5-fold cross-validation (bench/bench_refusal.py)",
    }
    named = dict(zip(FEATURES, fitted["weights"], strict=True))
    print(f"\nchosen threshold {threshold}; weights {named}, bias {bias:.3f}")
    train = curve(rows, {i: p for i, p in zip(idx, model.predict_proba(x)[:, 1], strict=True)}, [threshold])[0]
    print(f"on the training questions: refusal precision {train[1]:.3f}, recall {train[2]:.3f}, "
          f"answerable refused {train[3]:.3f}")  # fmt: skip
    replay(rows, fitted)
    if args.write:
        MODEL_FILE.write_text(json.dumps(fitted, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {MODEL_FILE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
