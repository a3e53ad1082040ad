"""Whether the best candidates answer the question at all: one logistic score over a few signals (best
cosine, best key-term coverage, coverage of the best candidate, how far the best cosine stands above the rest,
whether the candidates are an agency's extracted tasks rather than passages, and how much of the question's
key-term weight no candidate holds, or no passage of the whole index: ``term_signals``), learned from labelled
questions by ``bench/bench_refusal.py`` and shipped as ``refusal.json`` (weights, bias, the threshold read
off the refusal curve, and what it was trained on). The question's explicit constraints (year, number,
province, type …) are checked before this, by rule (search/answer/gate.py); this score decides the rest.
Without the file, the hand-set floors of old apply.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Sequence, Set
from functools import lru_cache
from pathlib import Path

logger = logging.getLogger(__name__)

MODEL_FILE = Path(__file__).with_name("refusal.json")
SIGNALS = ("cosine", "coverage", "coverage_at_best", "cosine_gap", "tasks")
# What the question asks about that nothing retrieved, or nothing indexed, speaks of (term_signals).
TERM_SIGNALS = ("uncovered", "unseen")
# The model's inputs: the signals, and the coverage and cosine of an agency's tasks on their own (tasks are
# short and alike, so their cosines run high and their coverage says more).
FEATURES = (*SIGNALS, "tasks_coverage", "tasks_cosine", *TERM_SIGNALS)
# The floors used when no model is shipped: semantically close, or covering the key terms.
FALLBACK_COSINE = 0.873
FALLBACK_COVERAGE = 0.35
# Calibration runs (bench/bench_answers.py --no-refusal) answer everything and record the signals, so the
# refusal can be learned and replayed offline.
DISABLED = False


def signals(units, tasks: bool = False) -> dict[str, float]:
    """The features of a ranked list of candidates (best first; each has .cosine, .cov): passages, or an
    agency's extracted tasks (``tasks``)."""
    if not units:
        return dict.fromkeys(SIGNALS, 0.0) | {"tasks": float(tasks)}
    cosines = sorted((u.cosine for u in units), reverse=True)
    best = max(units, key=lambda u: u.cosine)
    rest = cosines[1:] or cosines
    return {
        "cosine": cosines[0],
        "coverage": max(u.cov for u in units),
        "coverage_at_best": best.cov,
        "cosine_gap": cosines[0] - sum(rest) / len(rest),
        "tasks": float(tasks),
    }


def term_signals(
    terms: list[str], weights: dict[str, float], df: dict[str, int], candidates: Sequence[Set[str]]
) -> dict[str, float]:
    """How much of the question's key-term weight is missing: ``uncovered``, the share (by idf ``weights``)
    of the key ``terms`` that none of the ``candidates`` (token sets of the passages or tasks read) holds;
    ``unseen``, the share that no passage of the index holds at all (``df`` 0). Terms are the lexical index's
    tokens (folded syllables and syllable bigrams), so a compound absent as a whole ("tiệm vàng" where
    "tiệm" and "vàng" each occur) counts as missing through its bigram. No terms: nothing is missing."""
    total = sum(weights.get(t, 0.0) for t in terms)
    if total <= 0:
        return dict.fromkeys(TERM_SIGNALS, 0.0)
    held = set().union(*candidates) if candidates else set()
    return {
        "uncovered": sum(weights.get(t, 0.0) for t in terms if t not in held) / total,
        "unseen": sum(weights.get(t, 0.0) for t in terms if not df.get(t, 0)) / total,
    }


@lru_cache(maxsize=4)
def load(path: Path = MODEL_FILE) -> dict | None:
    try:
        model = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    if list(model.get("features", [])) != list(FEATURES):
        logger.warning("refusal model %s has features %s, expected %s: ignored", path, model.get("features"), FEATURES)
        return None
    return model


def features(sig: dict[str, float]) -> list[float]:
    """The model's inputs (FEATURES) from a question's signals."""
    tasks = sig.get("tasks", 0.0)
    derived = {"tasks_coverage": tasks * sig.get("coverage", 0.0), "tasks_cosine": tasks * sig.get("cosine", 0.0)}
    return [derived[f] if f in derived else sig.get(f, 0.0) for f in FEATURES]


def probability(sig: dict[str, float], model: dict) -> float:
    z = model["bias"] + sum(w * x for w, x in zip(model["weights"], features(sig), strict=True))
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


def answers(sig: dict[str, float], model: dict | None = None) -> bool:
    """True when the passages described by ``sig`` answer the question."""
    if DISABLED:
        return True
    model = model if model is not None else load()
    if model is None:
        return sig["cosine"] >= FALLBACK_COSINE or sig["coverage"] >= FALLBACK_COVERAGE
    return probability(sig, model) >= model["threshold"]
