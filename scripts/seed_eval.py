"""The bundled news article's development questions through the whole product: rank of the first gold passage.

    python scripts/seed_eval.py [--model qa-minilm-l6] [--model all-MiniLM-L6-v2] [--seed tests/seed_dev.json]

For each model an index of the bundled article is built in a temporary folder and every question of the seed file
is asked with ``Assistant.ask(question, k=10)``; a passage is a hit when it holds one of the question's gold
fragments (curly quotes folded, white space folded, as tests/test_e2e.py compares). Prints the ranks, MRR@10, R@1
and R@3 per model.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant import Assistant, settings  # noqa: E402
from assistant.pipeline import qa_model  # noqa: E402
from assistant.text.documents import bundled_article  # noqa: E402


def fold(text: str) -> str:
    for curly, straight in (("“", '"'), ("”", '"'), ("‘", "'"), ("’", "'")):
        text = text.replace(curly, straight)
    return " ".join(text.split())


def first_hit(assistant: Assistant, question: str, golds: list[str], k: int = 10) -> int | None:
    for passage in assistant.ask(question, k=k).passages:
        if any(fold(g) in fold(passage.text) for g in golds):
            return passage.rank
    return None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", action="append", help="repeat to compare (default: the shipped and the stock model)")
    ap.add_argument("--seed", type=Path, default=ROOT / "tests" / "seed_dev.json")
    args = ap.parse_args()
    questions = json.loads(args.seed.read_text(encoding="utf-8"))["questions"]
    for model in args.model or [qa_model.NAME, settings.STOCK_MODEL]:
        with tempfile.TemporaryDirectory() as tmp:
            assistant = Assistant.build([bundled_article()], Path(tmp) / "index", model=model)
            ranks = [first_hit(assistant, q["q"], q["gold"]) for q in questions]
        rr = [1 / r if r else 0.0 for r in ranks]
        print(f"{model:<20} ranks {ranks}  MRR@10 {sum(rr) / len(rr):.3f}  "
              f"R@1 {sum(r == 1 for r in ranks) / len(ranks):.2f}  R@3 {sum(bool(r) and r <= 3 for r in ranks) / len(ranks):.2f}")


if __name__ == "__main__":
    main()
