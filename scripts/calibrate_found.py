"""Calibrate and measure ``found`` (assistant/found.py) on ReQA SQuAD: questions the index can and cannot answer.

The articles are split into two halves (alternately in name order, as in retrieval_experiments.py). For each half H,
an index of H alone is built; H's questions whose gold sentence is in the top 5 are *answerable*, and the other
half's questions are *unanswerable* (about articles the index does not hold). The logistic weights are fitted on
index A and the threshold chosen there (>= 95% of answerable found, with a margin); the figures that count are
measured on index B (held out), and the other way round.

    python scripts/calibrate_found.py ../shared/eval/reqa_squad_dev.jsonl --docs ../shared/eval/squad_dev_articles

The indexes and the ranked passages are cached in ``--cache`` (default /tmp/found-calibration), so that refitting is
quick. ``--check`` only measures the weights now in found.py (no fitting).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.search import found  # noqa: E402
from assistant.evaluation.reqa import first_hit_rank, read_cases  # noqa: E402
from assistant.schema import Passage  # noqa: E402

TARGET_FOUND = 0.95
MARGIN = 0.015  # the threshold is chosen for TARGET_FOUND + MARGIN on the fitting half


def collect(cases, files, half: str, names: set[str], cache: Path) -> list[dict]:
    """Per question asked of the index of ``half``: answerable or not, the passages, the product's ``found``."""
    target = cache / f"answers-{half}.json"
    if target.exists():
        return json.loads(target.read_text())
    from assistant import Assistant

    index_dir = cache / f"index-{half}"
    if (index_dir / "manifest.json").exists():
        assistant = Assistant.load(index_dir)
    else:
        assistant = Assistant.build([f for f in files if f.stem in names], index_dir)
    rows = []
    questions = [c.question for c in cases]
    answers = []
    for begin in range(0, len(questions), 64):
        answers.extend(assistant.ask_many(questions[begin: begin + 64], k=5))
    for case, answer in zip(cases, answers):
        passages = [p.to_dict() for p in answer.passages]
        inside = case.doc_id in names
        hit = first_hit_rank(passages, case) if inside else None
        rows.append({"question": case.question, "inside": inside, "gold_top5": bool(hit and hit <= 5),
                     "passages": passages})
    target.write_text(json.dumps(rows))
    return rows


def features(rows: list[dict]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Evidence vectors, labels (1 answerable, 0 unanswerable) and which rows count (answerable needs gold in top 5)."""
    x, y, keep = [], [], []
    for r in rows:
        passages = [Passage.from_dict(d) for d in r["passages"]]
        x.append(found.measure(r["question"], passages).vector())
        y.append(1 if r["inside"] else 0)
        keep.append(r["gold_top5"] or not r["inside"])
    return np.array(x), np.array(y), np.array(keep)


def fit_logistic(x: np.ndarray, y: np.ndarray, steps: int = 4000, l2: float = 1e-3) -> tuple[np.ndarray, float]:
    """Plain gradient descent on the log loss (standardised features), returned in the raw feature scale."""
    mean, std = x.mean(0), x.std(0) + 1e-9
    z = (x - mean) / std
    w = np.zeros(z.shape[1])
    b = 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(z @ w + b)))
        grad = p - y
        w -= 0.5 * (z.T @ grad / len(y) + l2 * w)
        b -= 0.5 * grad.mean()
    raw_w = w / std
    return raw_w, float(b - (mean / std) @ w)


def probabilities(x: np.ndarray, w, b) -> np.ndarray:
    return 1 / (1 + np.exp(-(x @ np.asarray(w) + b)))


def rates(p: np.ndarray, y: np.ndarray, threshold: float) -> tuple[float, float]:
    found_answerable = float((p[y == 1] >= threshold).mean())
    not_found_other = float((p[y == 0] < threshold).mean())
    return found_answerable, not_found_other


def choose_threshold(p: np.ndarray, y: np.ndarray, target: float) -> float:
    """The highest threshold that still finds ``target`` of the answerable questions."""
    answerable = np.sort(p[y == 1])
    cut = int(np.floor((1 - target) * len(answerable)))
    return float(answerable[cut])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", type=Path)
    parser.add_argument("--docs", type=Path, required=True)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/found-calibration"))
    parser.add_argument("--check", action="store_true", help="measure the weights in found.py only")
    args = parser.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)

    cases = read_cases(args.cases)
    files = sorted(args.docs.glob("*.txt"))
    names = [f.stem for f in files]
    halves = {"A": {n for i, n in enumerate(names) if i % 2 == 0}, "B": {n for i, n in enumerate(names) if i % 2 == 1}}
    data = {}
    for half, members in halves.items():
        rows = collect(cases, files, half, members, args.cache)
        x, y, keep = features(rows)
        data[half] = (x[keep], y[keep])
        print(f"index {half}: {len(members)} articles; answerable (gold in top 5) {int(y[keep].sum())}, "
              f"other-article questions {int((y[keep] == 0).sum())}; "
              f"answerable with gold below the top 5 (not counted) {int((~keep).sum())}")

    print("\nbaseline, the best passage's score alone (threshold chosen on one index, measured on the other):")
    for fit_half, test_half in (("A", "B"), ("B", "A")):
        x, y = data[fit_half]
        t = choose_threshold(x[:, 0], y, TARGET_FOUND + MARGIN)
        fa, nf = rates(data[test_half][0][:, 0], data[test_half][1], t)
        print(f"  score >= {t:.3f} from {fit_half}, on {test_half}: answerable found {fa:.1%}   other-article not found {nf:.1%}")

    current = (np.array(found.WEIGHTS), found.BIAS, found.THRESHOLD)
    print("\nfeatures:", ", ".join(found.FEATURES))
    for fit_half, test_half in (("A", "B"), ("B", "A")):
        x, y = data[fit_half]
        if args.check:
            w, b, t = current
        else:
            w, b = fit_logistic(x, y)
            t = choose_threshold(probabilities(x, w, b), y, TARGET_FOUND + MARGIN)
        how = "the weights in found.py" if args.check else f"fitted on index {fit_half}"
        print(f"\n{how}: weights {np.round(w, 3).tolist()} bias {b:.3f} threshold {t:.3f}")
        fa, nf = rates(probabilities(x, w, b), y, t)
        print(f"  on {fit_half} (fitting):  answerable found {fa:.1%}   other-article not found {nf:.1%}")
        xt, yt = data[test_half]
        fa, nf = rates(probabilities(xt, w, b), yt, t)
        print(f"  on {test_half} (held out): answerable found {fa:.1%}   other-article not found {nf:.1%}")
        print("  trade-off on the held-out half (threshold: answerable found / other-article not found):")
        pt = probabilities(xt, w, b)
        for q in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9):
            fa_q, nf_q = rates(pt, yt, q)
            print(f"    {q:.2f}: {fa_q:.1%} / {nf_q:.1%}")
        fa_q, nf_q = rates(pt, yt, t)
        print(f"    {t:.2f}: {fa_q:.1%} / {nf_q:.1%}  (chosen)")

    # the decision as shipped (found.py's weights) on both indexes
    print("\nthe decision as shipped (the weights and threshold now in found.py) on each index:")
    for half, members in halves.items():
        rows = json.loads((args.cache / f"answers-{half}.json").read_text())
        counted = [r for r in rows if r["gold_top5"] or not r["inside"]]
        answerable = [r for r in counted if r["inside"]]
        other = [r for r in counted if not r["inside"]]
        fa = sum(found.is_found(r["question"], [Passage.from_dict(d) for d in r["passages"]]) for r in answerable)
        nf = sum(not found.is_found(r["question"], [Passage.from_dict(d) for d in r["passages"]]) for r in other)
        print(f"  index {half}: answerable found {fa / len(answerable):.1%} ({fa}/{len(answerable)}), "
              f"other-article not found {nf / len(other):.1%} ({nf}/{len(other)})")


if __name__ == "__main__":
    main()
