"""Speaker questions by role and description (issue 21): each written question against an index of written articles.

A question is right when its ``found`` is the expected one and, for a found answer, the top passage's speaker is
the expected one (and a refusal names nobody). It prints one line per question and the totals; the sets are
``tests/speaker_questions`` (dev, tuned on) and ``tests/speaker_questions/heldout`` (written before any change, read
only to report). The bundled article is indexed too, so that questions may be about it and so that a role asked
about one text must not be answered from another.

    python scripts/speaker_questions_eval.py [tests/speaker_questions/heldout]
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


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "tests" / "speaker_questions"))
