"""The refusal's precision/recall curve, and the refusal model learned from labelled questions.

    python bench/bench_answers.py --index DIR --dataset D1 --dataset D2 ... --skip-search --dump answers.jsonl
    python bench/bench_refusal.py answers.jsonl [more.jsonl ...] [--write]

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

from search.answer.refusal import FEATURES, MODEL_FILE  # noqa: E402


def load(paths: list[Path]) -> list[dict]:
    rows = []
    for p in paths:
        rows.extend(json.loads(line) for line in p.read_text(encoding="utf-8").splitlines() if line.strip())
    return rows


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
    ap.add_argument("--write", action="store_true", help=f"store the model in {MODEL_FILE.relative_to(ROOT)}")
    ap.add_argument("--max-false", type=float, default=0.05, help="largest share of answerable questions refused")
    ap.add_argument("-C", type=float, default=1.0, help="inverse regularisation strength")
    args = ap.parse_args()

    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    rows = load(args.dumps)
    idx = [i for i, r in enumerate(rows) if r["answer"].get("signals")]
    x = np.array([[rows[i]["answer"]["signals"][f] for f in FEATURES] for i in idx])
    y = np.array([1 if rows[i].get("gold_files") else 0 for i in idx])
    n_un = sum(not r.get("gold_files") for r in rows)
    print(f"{len(rows)} labelled questions ({n_un} unanswerable); {len(idx)} reached the passage check "
          f"({int((y == 0).sum())} unanswerable)")  # fmt: skip
    model = make_pipeline(StandardScaler(), LogisticRegression(C=args.C, class_weight="balanced"))
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    cv = cross_val_predict(model, x, y, cv=folds, method="predict_proba")[:, 1]
    thresholds = [round(t, 2) for t in np.arange(0.05, 0.96, 0.05)]
    print("\ncross-validated (5 folds):\n threshold  refusal-precision  refusal-recall  answerable-refused")
    rows_cv = curve(rows, dict(zip(idx, cv, strict=True)), thresholds)
    for t, p, r, f, tp, n in rows_cv:
        print(f"   {t:5.2f}        {p:5.3f}            {r:5.3f} ({tp}/{n})      {f:5.3f}")
    ok = [t for t, _, _, f, _, _ in rows_cv if f <= args.max_false]
    threshold = max(ok) if ok else min(thresholds)

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
