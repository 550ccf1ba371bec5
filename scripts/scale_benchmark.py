"""Scale benchmark of the growing index: the real SQuAD dev articles plus N distractor sentences.

    python scripts/scale_benchmark.py --cases ../shared/eval/reqa_squad_dev.jsonl \\
        --docs ../shared/eval/squad_dev_articles --sizes 100000 1000000 --work /tmp/scale

Distractors are written in the analysed form, streamed in parts: documents of 5 paragraphs × 5 sentences, whose
words are drawn from the real sentences (shuffled, a third replaced by random words of the real vocabulary), and
whose vectors are noisy mixtures of two real sentence vectors (0.6·a + 0.4·b + noise, normalised): the structure
of real vectors, not uniform noise. 30% of sentences are credited to one of 5,000 speakers (Zipf-distributed).

For the real articles alone and for each N it reports: import time, load time, RSS after load, question p50
(plain, and with a speaker filter), MRR@20 on the real questions, peak RSS after 1,000 questions, the time to add
one article in a warm process and in a whole CLI process, when another process sees it, and the time to remove it.
Each measurement of a loaded index runs in a fresh process, so that RSS is that of one reader.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

PART_SENTENCES = 50_000
QUESTIONS = 1_000
SPEAKERS = 5_000


def rss_mb() -> float:
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make_distractors(real_dir: Path, out: Path, n: int, seed: int = 0) -> None:
    """Write ``n`` distractor sentences in the analysed form (parts of PART_SENTENCES, streamed)."""
    from assistant.pipeline import analysed as form

    if (out / "analysis.json").exists():
        return
    model, real = form.read(real_dir)
    precision = form.read_precision(real_dir)  # mixtures of the real vectors: recorded at their precision
    rng = np.random.default_rng(seed)
    sentences = [real.documents[d].text[s:e] for d, s, e in zip(real.doc, real.start, real.end)]
    words = [w for s in sentences for w in s.split()]
    names = [f"{first} {last}" for first in ("Ana", "Ben", "Chen", "Dara", "Eli", "Femi", "Gus", "Hana", "Ivo", "Jun")
             for last in (f"Speaker{i}" for i in range(SPEAKERS // 10))]
    zipf = 1 / np.arange(1, len(names) + 1)
    zipf /= zipf.sum()
    tmp = out.parent / f".{out.name}.partial"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    made = 0
    part = 0
    while made < n:
        count = min(PART_SENTENCES, n - made)
        docs, rows = [], {k: [] for k in ("doc", "number", "start", "end", "paragraph", "speaker", "attribution")}
        speaker_names: list[str] = []
        code: dict[str, int] = {}
        for d in range(0, count, 25):
            size = min(25, count - d)
            paragraphs, at, text = [], 0, ""
            for i in range(size):
                base = sentences[rng.integers(len(sentences))].split()
                rng.shuffle(base)
                swap = rng.random(len(base)) < 0.33
                sentence = " ".join(words[rng.integers(len(words))] if s else w for w, s in zip(base, swap)) or "Filler."
                if i and i % 5 == 0:
                    text += "\n\n"
                elif i:
                    text += " "
                start = len(text)
                text += sentence
                rows["doc"].append(len(docs))
                rows["number"].append(i + 1)
                rows["start"].append(start)
                rows["end"].append(len(text))
                rows["paragraph"].append(i // 5 + 1)
                if rng.random() < 0.3:
                    name = names[rng.choice(len(names), p=zipf)]
                    rows["speaker"].append(code.setdefault(name, len(code)))
                    rows["attribution"].append(1 + int(rng.random() < 0.5))
                else:
                    rows["speaker"].append(-1)
                    rows["attribution"].append(0)
            doc_id = f"distractor-{part:04d}-{d // 25:05d}"
            docs.append(form.DocRecord(id=doc_id, title=f"Distractor {part}.{d // 25}", date="2020-01-01",
                                       source=f"{doc_id}.txt", text=text))
        a = rng.integers(len(real.vectors), size=count)
        b = rng.integers(len(real.vectors), size=count)
        vectors = 0.6 * real.vectors[a] + 0.4 * real.vectors[b] + rng.normal(0, 0.03, (count, real.dimension))
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        speaker_names = list(code)
        analysed = form.Analysed(
            documents=docs, doc=np.array(rows["doc"], np.int32), number=np.array(rows["number"], np.int32),
            start=np.array(rows["start"], np.int32), end=np.array(rows["end"], np.int32),
            paragraph=np.array(rows["paragraph"], np.int32), speaker=np.array(rows["speaker"], np.int32),
            speaker_names=speaker_names, attribution=np.array(rows["attribution"], np.int8),
            vectors=vectors.astype(np.float32),
        )
        form.write_parts(analysed, tmp, f"part-{part:05d}", precision)
        made += count
        part += 1
    form.write_header(tmp, model, real.dimension)
    os.replace(tmp, out)


def run_child(*args: str) -> dict:
    result = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"child {args} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def measure(index: Path, cases_path: Path, article: Path) -> dict:
    """In a fresh process: load, RSS, questions (plain and filtered), MRR, add/remove timings."""
    from assistant import Assistant, attribute
    from assistant.pipeline import embedding
    from assistant.evaluation.reqa import first_hit_rank, read_cases, score_ranks

    cases = read_cases(cases_path)
    embedding.load_model("all-MiniLM-L6-v2")
    embedding.encode("all-MiniLM-L6-v2", ["warm up"])
    base_rss = rss_mb()
    started = time.perf_counter()
    assistant = Assistant.load(index)
    load_s = time.perf_counter() - started
    after_load = rss_mb()
    speakers = assistant.speakers()
    # a speaker of typical size: the median of those with at least 5 sentences
    typical = [s for s in speakers if s.sentences >= 5]
    speaker = typical[len(typical) // 2].name if typical else None
    questions = [c.question for c in cases]
    plain, filtered, ranks = [], [], []
    for i in range(QUESTIONS):
        t = time.perf_counter()
        assistant.ask(questions[i % len(questions)], k=5)
        plain.append((time.perf_counter() - t) * 1000)
    for begin in range(0, len(questions), 64):  # every real question, for MRR@20
        answers = assistant.ask_many(questions[begin : begin + 64], k=20)
        ranks.extend(first_hit_rank([p.to_dict() for p in a.passages], c) for a, c in zip(answers, cases[begin:]))
    for q in questions[:200]:
        if speaker is None:
            break
        t = time.perf_counter()
        assistant.ask(q, k=5, speaker=speaker)
        filtered.append((time.perf_counter() - t) * 1000)
    mrr, recall = score_ranks(ranks)
    peak = peak_rss_mb()  # a reader's peak: before spaCy is loaded for the add below
    attribute("Warm up the parser. \u201cIt works,\u201d she said.")  # a warm process: spaCy loaded too
    # add one article (warm), then see it from a second process
    started = time.perf_counter()
    assistant.add([article])
    add_s = time.perf_counter() - started
    started = time.perf_counter()
    assistant.remove([article.stem])
    remove_s = time.perf_counter() - started
    return {
        "load_s": round(load_s, 3), "rss_after_load_mb": round(after_load, 1), "rss_model_only_mb": round(base_rss, 1),
        "question_p50_ms": round(statistics.median(plain), 2),
        "question_p90_ms": round(float(np.percentile(plain, 90)), 2),
        "filtered_p50_ms": round(statistics.median(filtered), 2) if filtered else None, "speaker": speaker,
        "mrr": round(mrr, 4), "r1": round(recall[1], 4), "r5": round(recall[5], 4), "questions_scored": len(ranks),
        "peak_rss_mb": round(peak, 1), "add_warm_s": round(add_s, 3), "remove_warm_s": round(remove_s, 3),
        "sentences": assistant.info()["sentences"], "segments": assistant.info()["segments"],
    }


def cli_add_and_seen(index: Path, article: Path) -> dict:
    """``assistant add`` as a whole process while a reader polls: when does the reader see it?"""
    from assistant import Assistant

    reader = Assistant.load(index)
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "assistant", "add", str(article), "--index", str(index)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    _, err = process.communicate()
    cli_s = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(err)
    done = time.perf_counter()
    while reader.document(article.stem) is None:
        time.sleep(0.01)
    seen_s = time.perf_counter() - done
    subprocess.run([sys.executable, "-m", "assistant", "remove", article.stem, "--index", str(index)], check=True,
                   capture_output=True)
    return {"add_cli_process_s": round(cli_s, 2), "seen_by_other_process_s": round(seen_s, 3)}


def import_into(index: Path, dirs: list[Path]) -> dict:
    from assistant.store import changes as indexing

    shutil.rmtree(index, ignore_errors=True)
    started = time.perf_counter()
    indexing.import_dirs(dirs, index)
    seconds = time.perf_counter() - started
    size = sum(p.stat().st_size for p in index.rglob("*") if p.is_file())
    return {"import_s": round(seconds, 1), "import_peak_rss_mb": round(peak_rss_mb(), 1), "disk_mb": round(size / 2**20, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=Path, required=False)
    parser.add_argument("--docs", type=Path, required=False)
    parser.add_argument("--sizes", type=int, nargs="*", default=[100_000, 1_000_000])
    parser.add_argument("--work", type=Path, default=Path("/tmp/scale"))
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        if kind == "measure":
            print(json.dumps(measure(Path(rest[0]), Path(rest[1]), Path(rest[2]))))
        elif kind == "import":
            print(json.dumps(import_into(Path(rest[0]), [Path(p) for p in rest[1:]])))
        elif kind == "cli-add":
            print(json.dumps(cli_add_and_seen(Path(rest[0]), Path(rest[1]))))
        return
    from assistant import analyse
    from assistant.text.documents import bundled_article

    work = args.work
    work.mkdir(parents=True, exist_ok=True)
    real = work / "squad-analysed"
    if not real.exists():
        analyse([args.docs], real)
    article = work / "new-article.txt"
    shutil.copy(bundled_article(), article)
    results = {}
    for n in [0, *args.sizes]:
        index = work / f"index-{n}"
        dirs = [real]
        if n:
            distractors = work / f"distractors-{n}"
            started = time.perf_counter()
            make_distractors(real, distractors, n)
            print(f"[{n:,}] distractors ready ({time.perf_counter() - started:.0f} s)", file=sys.stderr, flush=True)
            dirs = [distractors, real]
        row = run_child("import", str(index), *map(str, dirs))
        print(f"[{n:,}] imported: {row}", file=sys.stderr, flush=True)
        row.update(run_child("measure", str(index), str(args.cases), str(article)))
        row.update(run_child("cli-add", str(index), str(article)))
        results[n] = row
        print(f"[{n:,}] {json.dumps(row)}", file=sys.stderr, flush=True)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
