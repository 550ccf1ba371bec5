"""Many users at once, optionally with a rebuild in the middle: drives the running app through gradio_client.

    python scripts/load_test.py --clients 32 --seconds 60                 # starts its own app on a copy of ./index
    python scripts/load_test.py --clients 32 --seconds 60 --rebuild-after 20
    python scripts/load_test.py --clients 4 --seconds 60 --rebuild-after 10 --rebuild-via page --upload worst
    python scripts/load_test.py --url http://127.0.0.1:7860/ ...          # an app that is already running

Loopback only, bounded in time and requests. Every answer is compared with the single-user answer for the same
question from the same index version; with --rebuild-after, every answer must come whole from the old index or
whole from the new one, and every question asked after the rebuild finished must get the new one.

The change in the middle is ``assistant build`` in another process (``--rebuild-via cli``, the default) or the page's
"Add to the index" (``--rebuild-via page``: the same Gradio event the page calls, run by the app's build worker).
``--upload worst`` makes it a worst-case text near the upload limit (``--upload-bytes``, default just under
``limits.MAX_PASTE_BYTES``): runs of nested quotation marks, thousands of distinct names, quotations with cues. The
report gives the latency of the questions asked while the change ran (p50, p95, max) and how long it took; the
load goes on until the change has finished (at most ``--build-timeout`` seconds).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
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
SYLLABLES = "ka lo mi ren ta vos bel dar en ith or ul sa ne pol vik".split()
TOWNS = ["Harwick", "Lindmoor", "Castell", "Brenna", "Otterby", "Sallow"]


def worst_case_text(size: int, seed: int = 12) -> str:
    """A text of about ``size`` UTF-8 bytes that is as hard to analyse as the limits allow: in every paragraph a
    run of nested quotation marks, quotations inside quotations, and new distinct names (each a new person to
    attribute to), while the sentence estimate stays under ``limits.MAX_BUILD_SENTENCES``."""
    from assistant.limits import MAX_BUILD_SENTENCES, MAX_PASTE_BYTES, estimate_sentences

    size = min(size, MAX_PASTE_BYTES)
    rng = random.Random(seed)

    def name() -> str:
        return " ".join("".join(rng.choice(SYLLABLES) for _ in range(3)).capitalize() for _ in range(2))

    parts = ["Worst case\n\n"]
    used = len(parts[0])
    n = 0
    while True:
        n += 1
        a, b, c = name(), name(), name()
        run = "“‘" * rng.randint(8, 24)
        paragraph = (
            f"{run} “We will ‘not’ stop the “bridge {n}” project,” said {a}, the "
            f"mayor of {rng.choice(TOWNS)}; {b.split()[1]} replied: “‘Never,’ ‘never’ "
            f"and “‘never’” again”, according to {c}, who said “the steel of span {n} "
            f"is ‘safe’ “” ‘’ “‘”’”.\n\n"
        )
        cost = len(paragraph.encode("utf-8"))
        if used + cost > size:
            break
        parts.append(paragraph)
        used += cost
    text = "".join(parts)
    assert estimate_sentences(text) <= MAX_BUILD_SENTENCES, estimate_sentences(text)
    return text


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
    rebuild_started: float | None = None
    rebuild_finished: float | None = None
    rebuild_outcome: str = ""

    @property
    def errors(self) -> int:
        return sum(1 for r in self.results if r.error)

    def latency_ms(self, q: float) -> float:
        times = sorted((r.finished - r.started) * 1000 for r in self.results if not r.error)
        if not times:
            return float("nan")
        return times[min(len(times) - 1, int(q * len(times)))]

    def during_rebuild(self) -> list[float]:
        """Latencies (ms) of the questions asked while the change ran."""
        if self.rebuild_started is None or self.rebuild_finished is None:
            return []
        return sorted((r.finished - r.started) * 1000 for r in self.results
                      if not r.error and self.rebuild_started <= r.started <= self.rebuild_finished)

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
        if self.rebuild_started is not None:
            lines.append(f"change during the load: {self.rebuild_outcome}")
        if self.rebuild_finished is not None and self.rebuild_started is not None:
            during = self.during_rebuild()
            if during:
                p50, p95 = (during[min(len(during) - 1, int(q * len(during)))] for q in (0.50, 0.95))
                lines.append(f"questions asked while it ran ({self.rebuild_finished - self.rebuild_started:.1f} s): "
                             f"{len(during)}, latency p50 {p50:.0f} ms, p95 {p95:.0f} ms, max {during[-1]:.0f} ms")
            else:
                lines.append("questions asked while it ran: none")
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
             on_tick: "callable | None" = None, extend: "callable | None" = None,
             hard_stop: float | None = None) -> list[Result]:
    """``clients`` threads, each with its own gradio_client, asking round-robin until ``seconds`` have passed
    (and, while ``extend()`` is true, longer: at most ``hard_stop`` seconds, default max(4 × ``seconds``, 240 s))."""
    from gradio_client import Client

    results: list[Result] = []
    lock = threading.Lock()
    deadline = time.time() + seconds
    limit = hard_stop if hard_stop is not None else max(4 * seconds, 240)
    hard_stop = time.time() + limit
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
        t.join(max(0.0, hard_stop - time.time()) + 120)
    return results


def page_change(url: str, pasted: str, title: str, keep: bool = True, timeout: float = 1800) -> str:
    """The page's "Add to the index" with a pasted text, through the Gradio queue as the page sends it (the event
    is not in the public API); returns its status line or raises RuntimeError with the page's message."""
    with urllib.request.urlopen(f"{url}config", timeout=30) as response:
        config = json.loads(response.read())
    fn_index = next(d["id"] for d in config["dependencies"] if d.get("api_name") == "rebuild")
    session = uuid.uuid4().hex[:12]
    body = json.dumps({"data": [None, pasted, title, keep], "fn_index": fn_index, "session_hash": session,
                       "event_data": None, "trigger_id": None}, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(f"{url}gradio_api/queue/join", data=body,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=120) as response:
        json.loads(response.read())
    with urllib.request.urlopen(f"{url}gradio_api/queue/data?session_hash={session}", timeout=timeout) as stream:
        for raw in stream:
            line = raw.decode("utf-8").strip()
            if not line.startswith("data:"):
                continue
            message = json.loads(line[5:])
            if message.get("msg") == "process_completed":
                output = message.get("output") or {}
                if message.get("success"):
                    return str((output.get("data") or [""])[0])
                raise RuntimeError(str(output.get("error") or output)[:300])
    raise RuntimeError("the page's change ended without a result")


def rebuild_in_background(index_dir: Path, sources: list[Path], after: float, finished: list[float],
                          via: str = "cli", url: str | None = None, started: list[float] | None = None,
                          outcome: list[str] | None = None) -> threading.Thread:
    """After ``after`` seconds: ``assistant build SOURCES`` in another process (``via="cli"``), or the page's add of
    the texts (``via="page"``, on the app at ``url``). Start and end times go to ``started`` and ``finished``."""
    def run() -> None:
        time.sleep(after)
        if started is not None:
            started.append(time.time())
        try:
            if via == "page":
                assert url is not None
                texts = [(s.stem, s.read_text(encoding="utf-8")) for s in sources]
                status = ""
                for name, text in texts:
                    status = page_change(url, text, name)
                said = f"added through the page: {status[:200]}"
            else:
                subprocess.run(
                    [sys.executable, "-m", "assistant", "build", *map(str, sources), "--index", str(index_dir)],
                    check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                )
                said = "rebuilt by `assistant build` in another process"
        except Exception as exc:  # noqa: BLE001 - reported, and the load goes on
            said = f"FAILED: {type(exc).__name__}: {exc}"
        if outcome is not None:
            outcome.append(said)
        finished.append(time.time())

    thread = threading.Thread(target=run, daemon=True)
    return thread


AFTER_REBUILD_SECONDS = 6.0
"""How long the clients go on asking after the change finished: the check wants questions asked more than 1 s after
it, each takes up to 3 s on a loaded 2-core machine, and with 3 s a slow CI run once had none (rebuild 37.7 s)."""


def load_test(index_dir: Path, clients: int, seconds: float, rebuild_after: float | None,
              url: str | None = None, k: int = 5, via: str = "cli", upload: str = "article",
              upload_bytes: int | None = None, build_timeout: float = 1800) -> LoadReport:
    """Run the whole scenario against ``url`` (or an app started here on ``index_dir``) and judge every answer."""
    from assistant.text.documents import bundled_article
    from assistant.limits import MAX_PASTE_BYTES

    process = None
    if url is None:
        process = start_app(index_dir, free_port())
        url = f"http://127.0.0.1:{process.args[-1]}/"
    started: list[float] = []
    finished: list[float] = []
    outcome: list[str] = []
    extra: Path | None = None
    try:
        old = single_user_answers(url, k)
        builder = None
        if rebuild_after is not None:
            extra = index_dir.parent / ("worst-case.txt" if upload == "worst" else "load-extra-article.txt")
            if upload == "worst":
                extra.write_text(worst_case_text(upload_bytes or MAX_PASTE_BYTES - 10_000), encoding="utf-8")
            else:
                extra.write_text(EXTRA_ARTICLE, encoding="utf-8")
            sources = [extra] if via == "page" else [bundled_article(), extra]
            builder = rebuild_in_background(index_dir, sources, rebuild_after, finished, via, url, started, outcome)

        def until_after_rebuild() -> bool:  # keep asking while the change runs, and for a while after it
            return builder is not None and (not finished or time.time() < finished[0] + AFTER_REBUILD_SECONDS)

        results = run_load(url, clients, seconds, k, on_tick=builder.start if builder else None,
                           extend=until_after_rebuild, hard_stop=max(4 * seconds, 240, rebuild_after or 0) +
                           (build_timeout if builder else 0))
        if builder is not None:
            builder.join(build_timeout)
        new = single_user_answers(url, k) if finished else old
    finally:
        if process is not None:
            process.terminate()
            process.wait(30)
    elapsed = (max(r.finished for r in results) - min(r.started for r in results)) if results else seconds
    report = LoadReport(clients=clients, seconds=elapsed, results=results,
                        rebuild_started=started[0] if started else None,
                        rebuild_finished=finished[0] if finished else None,
                        rebuild_outcome=outcome[0] if outcome else ("still running" if started else ""))
    if upload == "worst" and started and extra is not None:
        size = len(extra.read_bytes())
        report.rebuild_outcome += f" (worst-case text of {size:,} bytes)"
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
    parser.add_argument("--rebuild-after", type=float, default=None, help="start a change after this many seconds")
    parser.add_argument("--rebuild-via", choices=("cli", "page"), default="cli",
                        help="cli: `assistant build` in another process; page: the page's add (the build worker)")
    parser.add_argument("--upload", choices=("article", "worst"), default="article",
                        help="the text of the change: a small article, or a worst-case text near the upload limit")
    parser.add_argument("--upload-bytes", type=int, default=None,
                        help="size of the worst-case text (default: just under the upload limit)")
    parser.add_argument("--build-timeout", type=float, default=1800, help="seconds to wait for the change at most")
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
                from assistant.text.documents import bundled_article
                Assistant.build([bundled_article()], index)
        report = load_test(index, args.clients, args.seconds, None if args.url else args.rebuild_after, args.url,
                           via=args.rebuild_via, upload=args.upload, upload_bytes=args.upload_bytes,
                           build_timeout=args.build_timeout)
    print(report.summary())


if __name__ == "__main__":
    main()
