"""Quote checks, measured: verdict accuracy per kind of quote, and the time per check.

    python scripts/quote_check_eval.py                      # tests/quote_check: an index built from its texts
    python scripts/quote_check_eval.py --distractors 1000000 --base ../shared/eval/squad_dev_articles \
        --work /tmp/qc-scale

The cases (tests/quote_check/cases.json) were made from the sentences of tests/quote_check/texts, written for
this set: exact quotes (whole or partial), one to three words changed, dropped or added, a negation or a number
changed, credited to the wrong speaker, and invented. A case is right when the verdict is the one expected and,
for a verdict with matches, the first match's speaker is the one the quote was made from; for changed words the
meaning-bearing kinds the reply names are scored too ("meaning words named": the negations and numbers named are
exactly those changed, so that a reworded quote is not said to change its meaning).

``--distractors N`` adds N sentences made as scripts/scale_benchmark.py makes them (words shuffled and swapped from
the sentences of ``--base``, the SQuAD dev articles in the benchmark, vectors mixed from theirs, 30% credited to
5,000 speakers), and the ``--base`` articles themselves, to the same texts, imported as one index in the analysed
form, and times every check there (one at a time, after one warm-up check).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import shutil
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "quote_check" / "cases.json"
TEXTS = ROOT / "tests" / "quote_check" / "texts"


def build_index(work: Path, distractors: int, base: Path | None = None) -> Path:
    """The index to check against: the texts alone, or with ``distractors`` sentences beside them, made from the
    texts of ``base`` (as scripts/scale_benchmark.py makes them from the SQuAD articles; default: the test texts)."""
    from assistant import Assistant, analyse
    from assistant.store import changes

    index = work / (f"index-{distractors}" if distractors else "index")
    if index.exists():
        return index
    if not distractors:
        Assistant.build([TEXTS], index)
        return index
    analysed = work / "texts-analysed"
    if not analysed.exists():
        analyse([TEXTS], analysed)
    source = analysed
    if base is not None:
        source = work / "base-analysed"
        if not source.exists():
            analyse([base], source)
    spec = importlib.util.spec_from_file_location("scale_benchmark", ROOT / "scripts" / "scale_benchmark.py")
    scale = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scale)  # type: ignore[union-attr]
    made = work / f"distractors-{distractors}"
    started = time.perf_counter()
    scale.make_distractors(source, made, distractors)
    print(f"distractors ready: {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    started = time.perf_counter()
    changes.import_dirs([made, analysed] + ([source] if source != analysed else []), index)
    print(f"imported: {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    return index


def plain_question(question: str) -> str:
    """The same words as an ordinary question (no quote marks: not a quote check), to time beside the check."""
    from assistant.search.quote_check import parse_quote_question

    return parse_quote_question(question).quote.strip(" .?!") + "?"


def run(index: Path, cases: list[dict]) -> tuple[dict[str, list[bool]], list[float], list[dict], list[float]]:
    from assistant import Assistant

    assistant = Assistant.load(index)
    assistant.warm_up()
    assistant.ask(cases[0]["question"])  # first check: caches, postings
    right: dict[str, list[bool]] = defaultdict(list)
    times: list[float] = []
    wrong: list[dict] = []
    plain_times: list[float] = []
    for case in cases:
        started = time.perf_counter()
        answer = assistant.ask(case["question"])
        times.append(time.perf_counter() - started)
        started = time.perf_counter()
        assistant.ask(plain_question(case["question"]))
        plain_times.append(time.perf_counter() - started)
        check = answer.quote_check
        verdict = check.verdict if check else None
        first = check.matches[0] if check and check.matches else None
        ok = verdict == case["expect"]
        if ok and first is not None and case.get("source_speaker"):
            ok = first.passage.speaker == case["source_speaker"]
        right[case["kind"]].append(ok)
        if "meaning" in case and first is not None and verdict == "close":  # named exactly: none too many
            right["meaning words named"].append(set(case["meaning"]) == set(first.meaning) & {"negation", "number"})
        if not ok:
            wrong.append({"question": case["question"], "expected": case["expect"], "got": verdict,
                          "speaker": first.passage.speaker if first else None,
                          "words_differ": first.words_differ if first else None})
    return right, times, wrong, plain_times


def margins(index: Path, cases: list[dict]) -> dict[str, dict[str, float]]:
    """Per kind, the range of the best candidate's shared-word share and words differ: where the thresholds
    of search/quote_check.py (CLOSE_MIN_SHARED, CLOSE_MAX_DIFFER) sit between the kinds, and the candidate rank of
    that best sentence (CANDIDATES)."""
    from assistant import Assistant
    from assistant.pipeline import embedding
    from assistant.search import quote_check as qc

    snapshot = Assistant.load(index).index
    found: dict[str, list[tuple[float, int, int]]] = defaultdict(list)
    for case in cases:
        asked = qc.parse_quote_question(case["question"])
        vector = embedding.encode(snapshot.model, [asked.quote])[0]
        candidates = qc._candidates(snapshot, asked.quote, vector, qc.CANDIDATES, None)
        aligned = [(qc.align(asked.quote, snapshot.segments[loc.segment].sentence_text(loc.row)), n)
                   for n, (loc, _) in enumerate(candidates, start=1)]
        best, at = min(aligned, key=lambda item: (item[0].words_differ, -item[0].shared_share))
        found[case["kind"]].append((best.shared_share, best.words_differ, at))
    return {kind: {"shared_min": round(min(v[0] for v in values), 2), "shared_max": round(max(v[0] for v in values), 2),
                   "differ_min": min(v[1] for v in values), "differ_max": max(v[1] for v in values),
                   "worst_rank": max(v[2] for v in values)} for kind, values in found.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=Path, default=CASES)
    parser.add_argument("--distractors", type=int, default=0, help="sentences added beside the texts (default 0)")
    parser.add_argument("--base", type=Path, default=None,
                        help="texts the distractors are made from, indexed too (the scale benchmark: "
                             "../shared/eval/squad_dev_articles; default: the test texts)")
    parser.add_argument("--work", type=Path, default=None, help="keep the index here (default: a temporary folder)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--margins", action="store_true", help="also print where the thresholds sit, per kind")
    args = parser.parse_args()
    cases = json.loads(args.cases.read_text(encoding="utf-8"))["cases"]
    work = args.work or Path(tempfile.mkdtemp(prefix="quote-check-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        index = build_index(work, args.distractors, args.base)
        right, times, wrong, plain_times = run(index, cases)
        spread = margins(index, cases) if args.margins else None
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    ms = sorted(t * 1000 for t in times)
    plain_p50 = round(statistics.median(t * 1000 for t in plain_times), 1)
    rows = {kind: (sum(v), len(v)) for kind, v in right.items()}
    total = [ok for kind, v in right.items() if kind != "meaning words named" for ok in v]
    summary = {"cases": len(cases), "right": sum(total), "accuracy": round(sum(total) / len(total), 3),
               "per_kind": {k: {"right": r, "of": n} for k, (r, n) in rows.items()},
               "p50_ms": round(statistics.median(ms), 1), "p90_ms": round(ms[int(0.9 * (len(ms) - 1))], 1),
               "max_ms": round(ms[-1], 1), "plain_question_p50_ms": plain_p50, "distractors": args.distractors,
               "wrong": wrong}
    if args.json:
        print(json.dumps(summary, indent=2, ensure_ascii=False))
        return
    print("| kind | right | of | accuracy |\n|---|---|---|---|")
    for kind, (r, n) in rows.items():
        print(f"| {kind} | {r} | {n} | {r / n:.1%} |")
    print(f"| **all verdicts** | {sum(total)} | {len(total)} | {sum(total) / len(total):.1%} |")
    print(f"\ntime per check (the whole ask, question encoding included), {args.distractors:,} distractor sentences: "
          f"p50 {summary['p50_ms']} ms, p90 {summary['p90_ms']} ms, max {summary['max_ms']} ms; the same words asked as "
          f"a plain question, back to back: p50 {plain_p50} ms")
    for w in wrong:
        print(f"wrong: {json.dumps(w, ensure_ascii=False)}")
    if spread:
        print("\n| kind | shared share of the closest sentence | words differ | its candidate rank (worst) |")
        print("|---|---|---|---|")
        for kind, m in spread.items():
            print(f"| {kind} | {m['shared_min']}–{m['shared_max']} | {m['differ_min']}–{m['differ_max']} | {m['worst_rank']} |")


if __name__ == "__main__":
    main()
