"""Speaker questions by role and description (issue 21): each written question against an index of written articles.

A question is right when its ``found`` is the expected one and, for a found answer, the top passage's speaker is
the expected one (and a refusal names nobody). It prints one line per question and the totals; the sets are
``tests/speaker_questions`` (dev, tuned on) and ``tests/speaker_questions/heldout`` (written before any change, read
only to report). The bundled article is indexed too, so that questions may be about it and so that a role asked
about one text must not be answered from another.

    python scripts/speaker_questions_eval.py [tests/speaker_questions/heldout]

``--squad CASES --docs DIR`` measures instead what ``speaker_topic_words`` does to the SQuAD-style calibration of
``found``: an index of every other article (in name order, as scripts/calibrate_found.py splits them), and every
ReQA question that reads as a speaker question about an indexed speaker; a question about an indexed article
should be found, one about another article should not. It prints found with and without the rule.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent


def main(folder: Path) -> int:
    from assistant import api

    cases = json.loads((folder / "questions.json").read_text())
    sources = sorted(folder.glob("*.txt")) + [api.bundled_article()]
    with tempfile.TemporaryDirectory() as tmp:
        assistant = api.Assistant.build(sources, Path(tmp) / "index")
        right = found_right = refusals_right = answers = refusals = 0
        for case in cases:
            answer = assistant.ask(case["question"], k=3)
            top = answer.passages[0].speaker if answer.passages else None
            ok_found = answer.found == case["found"]
            ok = ok_found and (not case["found"] or top == case["speaker"])
            right += ok
            if case["found"]:
                answers += 1
                found_right += ok
            else:
                refusals += 1
                refusals_right += ok
            lead = " / ".join(api.lead_lines(answer))[:110]
            print(f"{'ok ' if ok else 'BAD'} found={answer.found!s:5} top={top!s:22} {case['question']}  | {lead}")
    print(f"right {right}/{len(cases)}; answers right {found_right}/{answers}; refusals right {refusals_right}/{refusals}")
    return 0


def squad(cases_path: Path, docs: Path) -> int:
    from assistant import api
    from assistant.evaluation.reqa import read_cases
    from assistant.search import found

    articles = sorted(docs.glob("*.txt"))
    half = articles[::2]
    indexed = {p.stem for p in half}
    with tempfile.TemporaryDirectory() as tmp:
        assistant = api.Assistant.build(half, Path(tmp) / "index")
        plans = [(c, api.plan_question(c.question, assistant.speakers(), 5)) for c in read_cases(cases_path)]
        asked = [(c, p) for c, p in plans if p.asked_names and p.asked is not None and p.asked.topic]
        rule = found.topic_in_passages
        counts = {}
        for label, use in (("with speaker_topic_words", True), ("without it", False)):
            found.topic_in_passages = rule if use else (lambda topic, passages: False)
            answers = assistant.ask_many([c.question for c, _ in asked], k=5)
            own = [a.found for (c, _), a in zip(asked, answers) if c.doc_id in indexed]
            other = [a.found for (c, _), a in zip(asked, answers) if c.doc_id not in indexed]
            counts[label] = (sum(own), len(own), len(other) - sum(other), len(other))
        found.topic_in_passages = rule
    print(f"{len(asked)} of {len(plans)} questions read as speaker questions about an indexed speaker")
    for label, (f, n, r, m) in counts.items():
        print(f"{label}: found {f}/{n} about indexed articles; not found {r}/{m} about other articles")
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--squad":
        sys.exit(squad(Path(sys.argv[2]), Path(sys.argv[sys.argv.index("--docs") + 1])))
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "tests" / "speaker_questions"))
