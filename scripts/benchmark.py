"""Speed figures for the README: question cost vs its floor, build vs raw encode throughput, threads, app start.

    python scripts/benchmark.py [--docs ../shared/eval/squad_dev_articles] [--questions 200]

Prints numbers; nothing here is a pass/fail test. Run it on an otherwise idle machine.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load_test import QUESTIONS as LOAD_QUESTIONS  # noqa: E402 - the questions about the bundled article

QUESTIONS = LOAD_QUESTIONS[:8]


def median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def question_costs(assistant, questions: list[str], repeat: int) -> tuple[float, float]:
    """Median ms of the full ask() and of its floor (encode the question + a plain dense search), measured alternately."""
    from assistant.pipeline import embedding
    from assistant.search.retrieval import dense_floor

    index = assistant.index
    k = 5
    full: list[float] = []
    base: list[float] = []
    for _ in range(3):  # warm both paths
        assistant.ask(questions[0], k=k)
    for _ in range(repeat):
        for q in questions:
            t = time.perf_counter()
            assistant.ask(q, k=k)
            full.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            dense_floor(index, embedding.encode_questions(index.model, [q], index_precision=index.encoder_precision)[0], k)
            base.append((time.perf_counter() - t) * 1000)
    return statistics.median(full), statistics.median(base)


def busy_process() -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", "while True: pass"])


def thread_table(assistant, questions: list[str]) -> list[tuple[int, bool, float]]:
    """Median ms per question for 1 and 2 torch threads, on an idle machine and beside one busy process."""
    from assistant.pipeline import embedding

    question_costs(assistant, questions, repeat=2)  # warm-up, not recorded
    rows = []
    for threads in (1, 2):
        embedding.set_threads(threads)
        for busy in (False, True):
            other = busy_process() if busy else None
            try:
                time.sleep(0.3)
                full, _ = question_costs(assistant, questions, repeat=5)
            finally:
                if other:
                    other.kill()
                    other.wait()
            rows.append((threads, busy, full))
    embedding.set_threads()
    return rows


def app_start_seconds(index_dir: Path) -> float:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "ASSISTANT_INDEX": str(index_dir), "GRADIO_SERVER_PORT": str(port)}
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "assistant", "serve", "--index", str(index_dir), "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1) as response:
                    if response.status == 200:
                        return time.perf_counter() - started
            except OSError:
                time.sleep(0.05)
            if time.perf_counter() - started > 180:
                return float("nan")
    finally:
        process.terminate()
        process.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=Path, default=None, help="folder of .txt files for the throughput figures")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    from assistant import Assistant
    from assistant.pipeline import embedding
    from assistant.text.documents import bundled_article, read_documents
    from assistant.speech.attribution import attribute_text
    from assistant.settings import build_thread_count, default_model, thread_count

    t = time.perf_counter()
    embedding.load_model(default_model())
    print(f"threads: {thread_count()} per question (ASSISTANT_THREADS), {build_thread_count()} in builds (ASSISTANT_BUILD_THREADS)")
    print(f"model load: {time.perf_counter() - t:.2f} s (import included)")

    sources = [args.docs] if args.docs else [bundled_article()]
    documents = read_documents(sources)
    sentences = [s for d in documents for s in attribute_text(d.text).sentences]
    texts = [s.text for s in sentences]
    while len(texts) < 1000:
        texts = texts * 2
    from assistant.settings import build_thread_count

    embedding.set_threads(build_thread_count())  # the build encodes with these threads too
    t = time.perf_counter()
    embedding.encode(default_model(), texts)
    raw = len(texts) / (time.perf_counter() - t)
    embedding.set_threads()

    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        Assistant.build(sources, Path(tmp) / "big")
        n = len(sentences)
        build_rate = n / (time.perf_counter() - t)
        print(f"raw model encode: {raw:.0f} sentences/s; full build: {build_rate:.0f} sentences/s "
              f"({n} sentences, {len(documents)} documents: segment + attribute + encode + FAISS + BM25 + write)")
        big = Assistant.load(Path(tmp) / "big")
        full, base = question_costs(big, QUESTIONS, args.repeat)
        print(f"question over {n} sentences: full ask {full:.1f} ms, floor (encode + dense search) {base:.1f} ms, "
              f"ratio {full / base:.2f}")

        small_dir = Path(tmp) / "small"
        small = Assistant.build([bundled_article()], small_dir)
        full, base = question_costs(small, QUESTIONS, args.repeat)
        print(f"question over the bundled article: full ask {full:.1f} ms, floor {base:.1f} ms, ratio {full / base:.2f}")
        print("threads vs a second busy process (median ms per question, bundled article):")
        for threads, busy, ms in thread_table(small, QUESTIONS):
            print(f"  {threads} thread(s), {'one busy process beside' if busy else 'idle machine':<24} {ms:8.1f} ms")
        print(f"python app.py → page served: {app_start_seconds(small_dir):.1f} s")


if __name__ == "__main__":
    main()
