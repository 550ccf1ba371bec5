"""Many users at once, optionally with a rebuild in the middle: drives the running app through gradio_client.

    python scripts/load_test.py --clients 32 --seconds 60                 # starts its own app on a copy of ./index
    python scripts/load_test.py --clients 32 --seconds 60 --rebuild-after 20
    python scripts/load_test.py --url http://127.0.0.1:7860/ ...          # an app that is already running

Loopback only, bounded in time and requests. Every answer is compared with the single-user answer for the same
question from the same index version; with --rebuild-after, every answer must come whole from the old index or
whole from the new one, and every question asked after the rebuild finished must get the new one.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

QUESTIONS = [
    "What did Putin say about hackers?",
    "Is the FBI looking into links between Russia and the Trump campaign?",
    "Who was photographed sitting next to Putin?",
    "What was reported about Jared Kushner?",
    "Does Putin accuse America of interfering in elections abroad?",
    "Where else has election interference been traced to Russia?",
    "What did Putin say about the leak?",
    "Who said 'I was one of the guests there'?",
    "Why was the old bridge closed?",
    "What did the mayor say about safety?",
]
EXTRA_ARTICLE = (
    "date 2024-03-02 The city council voted on Tuesday to close the old bridge over the river.\n\n"
    "\u201cIt is simply not safe any more,\u201d Mayor Jane Doe said after the vote.\n\n"
    "Engineers had warned for years that the steel was rusting. The bridge will reopen in 2026, the council said.\n"
)
MAX_REQUESTS = 200_000


@dataclass
class Result:
    question: str
    started: float
    finished: float
    answer: str | None  # canonical JSON of the Answer object
    error: str | None


@dataclass
class LoadReport:
    clients: int
    seconds: float
    results: list[Result] = field(default_factory=list)
    mismatches: int = 0
    stale_after_rebuild: int = 0
    rebuild_finished: float | None = None

    @property
    def errors(self) -> int:
        return sum(1 for r in self.results if r.error)

    def latency_ms(self, q: float) -> float:
        times = sorted((r.finished - r.started) * 1000 for r in self.results if not r.error)
        if not times:
            return float("nan")
        return times[min(len(times) - 1, int(q * len(times)))]

    def summary(self) -> str:
        ok = [r for r in self.results if not r.error]
        first_error = next((r.error for r in self.results if r.error), None)
        lines = [
            f"clients {self.clients}, {self.seconds:.0f} s: {len(self.results)} requests "
            f"({len(self.results) / self.seconds:.1f}/s), errors {self.errors}, "
            f"answers differing from the single-user answer {self.mismatches}",
            f"latency p50 {self.latency_ms(0.50):.0f} ms, p99 {self.latency_ms(0.99):.0f} ms, "
            f"max {max(((r.finished - r.started) * 1000 for r in ok), default=float('nan')):.0f} ms",
        ]
        if self.rebuild_finished is not None:
            lines.append(f"rebuild during the load: old-index answers after it finished {self.stale_after_rebuild}")
        if first_error:
            lines.append(f"first error: {first_error}")
        return "\n".join(lines)


def canonical(answer: dict) -> str:
    return json.dumps(answer, sort_keys=True, ensure_ascii=False)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(index_dir: Path, port: int, extra_env: dict[str, str] | None = None) -> subprocess.Popen:
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1", **(extra_env or {})}
    process = subprocess.Popen(
        [sys.executable, "-m", "assistant", "serve", "--index", str(index_dir), "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + 180
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the app exited during start-up")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return process
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError("the app did not start within 180 s")


def single_user_answers(url: str, k: int) -> dict[str, str]:
    from gradio_client import Client

    client = Client(url, verbose=False)
    return {q: canonical(client.predict(q, k, None, api_name="/ask")) for q in QUESTIONS}


def run_load(url: str, clients: int, seconds: float, k: int = 5,
             on_tick: "callable | None" = None, extend: "callable | None" = None) -> list[Result]:
    """``clients`` threads, each with its own gradio_client, asking round-robin until ``seconds`` have passed
    (and, while ``extend()`` is true, a little longer: at most max(4 × ``seconds``, 240 s) in all)."""
    from gradio_client import Client

    results: list[Result] = []
    lock = threading.Lock()
    deadline = time.time() + seconds
    hard_stop = time.time() + max(4 * seconds, 240)
    ready = threading.Barrier(clients + 1)

    def going() -> bool:
        now = time.time()
        return now < hard_stop and (now < deadline or (extend is not None and extend()))

    def worker(n: int) -> None:
        client = Client(url, verbose=False)
        ready.wait()
        i = n
        while going() and len(results) < MAX_REQUESTS:
            question = QUESTIONS[i % len(QUESTIONS)]
            i += 1
            started = time.time()
            try:
                answer, error = canonical(client.predict(question, k, None, api_name="/ask")), None
            except Exception as exc:  # noqa: BLE001 - every failure is counted and reported
                answer, error = None, f"{type(exc).__name__}: {exc}"
            with lock:
                results.append(Result(question, started, time.time(), answer, error))

    threads = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(clients)]
    for t in threads:
        t.start()
    ready.wait()
    if on_tick is not None:
        on_tick()
    for t in threads:
        t.join(max(4 * seconds, 240) + 120)
    return results


def rebuild_in_background(index_dir: Path, sources: list[Path], after: float, finished: list[float]) -> threading.Thread:
    def run() -> None:
        time.sleep(after)
        subprocess.run(
            [sys.executable, "-m", "assistant", "build", *map(str, sources), "--index", str(index_dir)],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        finished.append(time.time())

    thread = threading.Thread(target=run, daemon=True)
    return thread


def load_test(index_dir: Path, clients: int, seconds: float, rebuild_after: float | None,
              url: str | None = None, k: int = 5) -> LoadReport:
    """Run the whole scenario against ``url`` (or an app started here on ``index_dir``) and judge every answer."""
    from assistant.documents import bundled_article

    process = None
    if url is None:
        process = start_app(index_dir, free_port())
        url = f"http://127.0.0.1:{process.args[-1]}/"
    try:
        old = single_user_answers(url, k)
        finished: list[float] = []
        builder = None
        if rebuild_after is not None:
            extra = index_dir.parent / "load-extra-article.txt"
            extra.write_text(EXTRA_ARTICLE, encoding="utf-8")
            builder = rebuild_in_background(index_dir, [bundled_article(), extra], rebuild_after, finished)
        def until_after_rebuild() -> bool:  # keep asking for 3 s after the rebuild has finished
            return builder is not None and (not finished or time.time() < finished[0] + 3.0)

        results = run_load(url, clients, seconds, k, on_tick=builder.start if builder else None,
                           extend=until_after_rebuild)
        if builder is not None:
            builder.join(300)
        new = single_user_answers(url, k) if finished else old
    finally:
        if process is not None:
            process.terminate()
            process.wait(30)
    elapsed = (max(r.finished for r in results) - min(r.started for r in results)) if results else seconds
    report = LoadReport(clients=clients, seconds=elapsed, results=results,
                        rebuild_finished=finished[0] if finished else None)
    for r in results:
        if r.error:
            continue
        if r.answer not in (old[r.question], new[r.question]):
            report.mismatches += 1
        elif finished and r.started > finished[0] + 1.0 and r.answer != new[r.question] and old != new:
            report.stale_after_rebuild += 1
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--rebuild-after", type=float, default=None, help="start a CLI rebuild after this many seconds")
    parser.add_argument("--index", type=Path, default=Path("index"), help="copied to a temporary folder first")
    parser.add_argument("--url", default=None, help="an app already running on loopback (no rebuild then)")
    args = parser.parse_args()
    if args.url and not args.url.startswith(("http://127.0.0.1", "http://localhost")):
        raise SystemExit("loopback only")
    with tempfile.TemporaryDirectory(prefix="assistant-load-") as tmp:
        index = Path(tmp) / "index"
        if args.url is None:
            if args.index.exists():
                shutil.copytree(args.index, index)
            else:
                from assistant import Assistant
                from assistant.documents import bundled_article
                Assistant.build([bundled_article()], index)
        report = load_test(index, args.clients, args.seconds, None if args.url else args.rebuild_after, args.url)
    print(report.summary())


if __name__ == "__main__":
    main()
