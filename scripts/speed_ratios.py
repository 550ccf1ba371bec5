"""The speed table of docs/speed.md: the product beside the plain library's floor, measured in ONE run.

    python scripts/speed_ratios.py [--docs /work/shared/eval/squad_dev_articles]
                                   [--cases /work/shared/eval/reqa_squad_dev.jsonl] [--questions 200]
    python scripts/speed_ratios.py --index /tmp/scale/index-0 /tmp/scale/index-100000 /tmp/scale/index-1000000

The second form measures only the question row, on existing indexes (those of scripts/scale_benchmark.py).

Reference (the plain library): the same model as a sentence-transformers ``SentenceTransformer`` on torch.
- one question: ``model.encode([question])`` with 1 torch thread, median over the questions;
- batch encode: ``model.encode(texts, batch_size=64)`` with 2 torch threads over the embedded texts ("title:
  sentence") of every sentence of the documents; measured before and after the product's analysis, the mean used.
The product (the encoder runtime of the setting, ONNX Runtime unless ``ASSISTANT_ENCODER=torch``):
- one question: the whole ``Assistant.ask(question, k=5)`` over an index of the documents (1 thread), measured
  alternately with the reference encode of the same question, so that both see the same load;
- analysis: ``python -m assistant analyse DOCS --out TMP`` as a whole process (imports, model and spaCy load
  included), sentences / wall-clock seconds, and the split it prints.
Prints a Markdown table with the ratios (targets of issue 20: a question ≤ 0.6× one torch encode; analysis ≥ 0.6×
the reference batch-encode rate). On a shared machine the absolute figures move; ratios from one run still hold.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def reference_model(model: str):
    """The model as sentence-transformers loads it (the shipped one: the packaged base with its trained layers)."""
    from sentence_transformers import SentenceTransformer

    from assistant.pipeline import embedding, qa_model

    path = Path(embedding.resolve_model_path(model))
    return qa_model.load_patched(path) if qa_model.is_patch_dir(path) else SentenceTransformer(str(path), device="cpu")


def batch_rate(reference, texts: list[str]) -> float:
    import torch

    torch.set_num_threads(2)
    started = time.perf_counter()
    reference.encode(texts, batch_size=64, normalize_embeddings=True, convert_to_numpy=True)
    rate = len(texts) / (time.perf_counter() - started)
    torch.set_num_threads(1)
    return rate


def question_times(assistant, reference, questions: list[str]) -> tuple[float, float, float]:
    """Median ms of one torch encode of each question, of the product's whole answer and of its own encoding:
    interleaved question by question, so that the three meet the same load."""
    from assistant.pipeline import embedding

    embedding.set_threads(1)
    for q in questions[:5]:  # warm both
        assistant.ask(q, k=5)
        reference.encode([q], normalize_embeddings=True, convert_to_numpy=True)
    ref_ms, ask_ms, encode_ms = [], [], []
    for q in questions:
        t = time.perf_counter()
        reference.encode([q], normalize_embeddings=True, convert_to_numpy=True)
        ref_ms.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        assistant.ask(q, k=5)
        ask_ms.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        embedding.encode_questions(assistant.index.model, [q], index_precision=assistant.index.encoder_precision)
        encode_ms.append((time.perf_counter() - t) * 1000)
    return statistics.median(ref_ms), statistics.median(ask_ms), statistics.median(encode_ms)


def index_ratios(indexes: list[Path], questions: list[str], runtime: str) -> None:
    """The question row for each of some existing indexes (e.g. the scale benchmark's), one fresh load each."""
    import torch

    from assistant import Assistant

    torch.set_num_threads(1)
    print("| index | sentences | reference: one torch encode | the product: whole answer p50 (its encoding) | ratio | target |")
    print("|---|---|---|---|---|---|")
    for path in indexes:
        assistant = Assistant.load(path)
        reference = reference_model(assistant.index.model)
        ref_q, ask_q, enc_q = question_times(assistant, reference, questions)
        print(f"| {path.name} | {assistant.info()['sentences']:,} | {ref_q:.1f} ms | {ask_q:.1f} ms ({enc_q:.1f} ms, "
              f"{runtime}) | {ask_q / ref_q:.2f}× | ≤ 0.6× |", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=Path, default=Path("/work/shared/eval/squad_dev_articles"))
    ap.add_argument("--cases", type=Path, default=Path("/work/shared/eval/reqa_squad_dev.jsonl"))
    ap.add_argument("--questions", type=int, default=200)
    ap.add_argument("--index", type=Path, nargs="+", help="measure only the question ratio, on these existing indexes")
    args = ap.parse_args()

    import torch

    from assistant import Assistant, settings
    from assistant.api import import_analysed
    from assistant.evaluation.reqa import read_cases
    from assistant.pipeline import embedding
    from assistant.pipeline.analysed import read as read_analysed

    model = settings.default_model()
    runtime = settings.encoder_runtime()
    files = sorted(args.docs.glob("*.txt"))
    questions = [c.question for c in read_cases(args.cases)][: args.questions]
    if args.index:
        print(f"product encoder runtime {runtime}; {len(questions)} questions; {os.cpu_count()} cores, load average "
              f"{os.getloadavg()[0]:.1f} at the start")
        index_ratios(args.index, questions, runtime)
        print(f"load average {os.getloadavg()[0]:.1f} at the end")
        return
    print(f"model {model}; product encoder runtime {runtime}; {len(files)} documents; {len(questions)} questions; "
          f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start")
    torch.set_num_threads(1)
    reference = reference_model(model)

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "analysed"
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "assistant", "analyse", *map(str, files), "--out", str(out)],
                              env=env, capture_output=True, text=True, check=True)
        analyse_seconds = time.perf_counter() - started
        split = next((line for line in done.stdout.splitlines() if line.startswith("time: ")), "")
        _, analysed = read_analysed(out)
        texts = [
            embedding.embedding_text(analysed.documents[int(d)].title, analysed.documents[int(d)].text[int(a) : int(b)])
            for d, a, b in zip(analysed.doc, analysed.start, analysed.end)
        ]
        rates = [batch_rate(reference, texts)]
        sentences = len(texts)
        analysis_rate = sentences / analyse_seconds
        rates.append(batch_rate(reference, texts))
        reference_rate = statistics.mean(rates)

        import_analysed([out], Path(tmp) / "index")  # the index of the same analysis, not analysed twice
        ref_q, ask_q, enc_q = question_times(Assistant.load(Path(tmp) / "index"), reference, questions)
    print()
    print("| | reference: sentence-transformers on torch | the product | ratio | target |")
    print("|---|---|---|---|---|")
    print(f"| one question (1 thread) | {ref_q:.1f} ms to encode it | {ask_q:.1f} ms p50 for the whole answer "
          f"({enc_q:.1f} ms of it encoding, {runtime}) | {ask_q / ref_q:.2f}× | ≤ 0.6× |")
    print(f"| analysis of {sentences:,} sentences | {reference_rate:.0f} sentences/s to batch-encode them (2 threads; "
          f"{rates[0]:.0f} before, {rates[1]:.0f} after) | {analysis_rate:.1f} sentences/s (`assistant analyse`, whole "
          f"process, {analyse_seconds:.0f} s) | {analysis_rate / reference_rate:.2f}× | ≥ 0.6× |")
    print()
    print(f"`assistant analyse` said: {re.sub(r'^time: ', '', split)}")
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
