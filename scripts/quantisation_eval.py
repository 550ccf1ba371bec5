"""Does dynamic int8 quantisation of the ONNX encoder hold retrieval quality? ReQA SQuAD dev and the seed article.

    python scripts/quantisation_eval.py [--cases /work/shared/eval/reqa_squad_dev.jsonl]
                                        [--docs /work/shared/eval/squad_dev_articles] [--model qa-minilm-l6]

The shipped model's fp32 ONNX graph (:mod:`assistant.pipeline.encoder`) and the product's dynamic int8 quantisation
of it (``quantize_dynamic``, int8 weights, per channel; ``OnnxEncoder.int8``). The index of the SQuAD articles is
built with fp32 and with int8 vectors (the bulk analysis; int8 texts one at a time, as the product encodes them),
and every question is asked with fp32 and with int8 question vectors, through the whole product
(``Assistant.ask_many``, k=20): MRR@20 and R@1 for the four pairings, then the seed article's ranks (as
scripts/seed_eval.py) for the same pairings. int8 is accepted for a use only if MRR stays within 0.003 of fp32 and
the seed ranks are unchanged (issue 20); docs/speed.md has the result. The pairings are chosen by replacing the
product's precision choices (``encoder.BULK_INT8_MODELS``, ``encoder.question_precision``) for this run only.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from assistant import Assistant  # noqa: E402
from assistant.evaluation import reqa  # noqa: E402
from assistant.pipeline import embedding, encoder  # noqa: E402
from assistant.text.documents import bundled_article  # noqa: E402

sys.path.insert(0, str(ROOT / "scripts"))
from seed_eval import first_hit  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", type=Path, default=Path("/work/shared/eval/reqa_squad_dev.jsonl"))
    ap.add_argument("--docs", type=Path, default=Path("/work/shared/eval/squad_dev_articles"))
    ap.add_argument("--model", default="qa-minilm-l6")
    ap.add_argument("--seed", type=Path, default=ROOT / "tests" / "seed_dev.json")
    args = ap.parse_args()

    fp32 = encoder.load(args.model, embedding.resolve_model_path(args.model))
    int8_graph = fp32.int8(args.model)
    with tempfile.TemporaryDirectory() as tmp:
        cases = reqa.read_cases(args.cases)
        questions = [c.question for c in cases]
        sample = questions[:200]
        cos = (fp32.encode(sample, 64, 1) * fp32.encode_alone(sample, 1, int8_graph)).sum(1)
        for name, graph in (("fp32", None), ("int8", int8_graph)):
            fp32.encode_alone(sample[:5], 1, graph)
            t = time.perf_counter()
            fp32.encode_alone(sample, 1, graph)
            print(f"{name}: one question {1000 * (time.perf_counter() - t) / len(sample):.2f} ms (1 thread)")
        print(f"cosine int8 to fp32 over {len(sample)} questions: min {cos.min():.4f} median {np.median(cos):.4f}")
        files = sorted(args.docs.glob("*.txt"))
        seed_questions = json.loads(args.seed.read_text(encoding="utf-8"))["questions"]
        for bulk in ("fp32", "int8"):
            encoder.BULK_INT8_MODELS = frozenset({args.model}) if bulk == "int8" else frozenset()  # what builds encode at
            index_dir = Path(tmp) / f"index-{bulk}"
            assistant = Assistant.build(files, index_dir, model=args.model)
            seed = Assistant.build([bundled_article()], Path(tmp) / f"seed-{bulk}", model=args.model)
            assert assistant.index.encoder_precision == seed.index.encoder_precision == bulk
            for asked in ("fp32", "int8"):
                encoder.question_precision = lambda model, runtime, index_precision="fp32", asked=asked: asked
                answers = []
                for begin in range(0, len(questions), 64):
                    answers.extend(assistant.ask_many(questions[begin : begin + 64], k=reqa.DEPTH))
                ranks = [reqa.first_hit_rank([p.to_dict() for p in a.passages], c) for a, c in zip(answers, cases)]
                mrr, recall = reqa.score_ranks(ranks)
                seed_ranks = [first_hit(seed, q["q"], q["gold"]) for q in seed_questions]
                print(f"bulk {bulk}, questions {asked}: MRR@{reqa.DEPTH} {mrr:.4f}  R@1 {recall[1]:.3f}  "
                      f"R@5 {recall[5]:.3f}  seed ranks {seed_ranks}", flush=True)


if __name__ == "__main__":
    main()
