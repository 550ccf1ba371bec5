"""Figures of docs/sources.md: memory of a streamed JSON Lines dump, and adding a web page vs the same text as .txt.

    python scripts/sources_benchmark.py make-dump /tmp/dump.jsonl --megabytes 1024   # synthetic articles
    python scripts/sources_benchmark.py read /tmp/dump.jsonl        # stream every record into a Document
    python scripts/sources_benchmark.py analyse /tmp/small.jsonl --out /tmp/analysed   # the whole analysis
    python scripts/sources_benchmark.py page-vs-text --repeats 5    # assistant add: .html vs the same .txt

Each command runs in its own process and prints its peak resident memory (``ru_maxrss``) and its time. The
articles are made from templates here (never the shared data): ~5 KB each, eight paragraphs with a quote.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "sources"
NAMES = ["Helen Okafor", "Marco Bellini", "Greta Halvorsen", "Kenji Matsuda", "Amara Lindqvist", "Rafael Montoya",
         "Noor Haddad", "Elise Moreau", "Ravi Shankar", "Ingrid Solberg", "Daniel Reyes", "Lena Hoffmann"]
PLACES = ["the harbour", "the old town", "the northern pier", "the valley", "the airport", "the coast road",
          "the river", "the city hall", "the main station", "the university"]
THINGS = ["the budget", "the new bridge", "the night buses", "the school meals", "the wind farm", "the library",
          "the flood defences", "the tram line", "the ferry timetable", "the housing plan"]


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def article(rng: random.Random, number: int) -> dict:
    who, place, thing = rng.choice(NAMES), rng.choice(PLACES), rng.choice(THINGS)
    paragraphs = []
    for p in range(8):
        other = rng.choice(THINGS)
        paragraphs.append(
            f"Officials near {rng.choice(PLACES)} said on {rng.choice(['Monday', 'Tuesday', 'Friday'])} that "
            f"{other} would cost about {rng.randint(2, 90)} million, and that work would start in "
            f"{rng.choice(['spring', 'summer', 'autumn', 'winter'])}. Residents of {place} asked for a public "
            f"meeting before any decision on {thing}. \"We have waited {rng.randint(2, 12)} years for this,\" "
            f"said {who}, who has followed {thing} since it was first proposed. The council will publish its "
            f"report in {rng.randint(2, 11)} weeks, a spokesperson added, and the plan will be put to a vote."
            f" Paragraph {p + 1} of story {number}."
        )
    return {"id": f"story-{number}", "title": f"{thing.capitalize()} near {place}: story {number}",
            "date": f"20{rng.randint(10, 25)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "url": f"https://news.example.com/{number}/{thing.replace(' ', '-')}", "author": rng.choice(NAMES),
            "text": "\n\n".join(paragraphs)}


def make_dump(out: Path, megabytes: float) -> None:
    rng = random.Random(19)
    target = int(megabytes * 1024 * 1024)
    started, written, number = time.perf_counter(), 0, 0
    with open(out, "w", encoding="utf-8") as stream:
        while written < target:
            number += 1
            line = json.dumps(article(rng, number), ensure_ascii=False) + "\n"
            stream.write(line)
            written += len(line.encode("utf-8"))
    print(f"wrote {out}: {number:,} articles, {written:,} bytes in {time.perf_counter() - started:.1f} s")


def read(path: Path) -> None:
    from assistant.text.documents import iter_documents

    started = time.perf_counter()
    count = chars = 0
    last = [0.0]

    def progress(fraction: float, message: str) -> None:
        if fraction - last[0] >= 0.1:
            last[0] = fraction
            print(f"  {fraction:4.0%} {message}; peak RSS {peak_mb():,.0f} MB", flush=True)

    for document in iter_documents([path], limited=False, progress=progress):
        count += 1
        chars += len(document.text)
    seconds = time.perf_counter() - started
    size = path.stat().st_size
    print(f"read {path.name} ({size / 1e6:,.0f} MB): {count:,} documents, {chars:,} characters in {seconds:.1f} s "
          f"({size / 1e6 / seconds:.1f} MB/s); peak RSS {peak_mb():,.0f} MB")


def analyse(path: Path, out: Path) -> None:
    from assistant import api

    started = time.perf_counter()
    documents, sentences, _ = api.analyse([path], out)
    seconds = time.perf_counter() - started
    print(f"analysed {path.name} ({path.stat().st_size / 1e6:.1f} MB): {documents:,} documents, {sentences:,} "
          f"sentences in {seconds:.1f} s ({sentences / seconds:.0f} sentences/s); peak RSS {peak_mb():,.0f} MB")


def page_vs_text(repeats: int) -> None:
    """``api.add`` of a web page and of the same text saved as .txt, alternately, into copies of one index."""
    from assistant import api
    from assistant.text.documents import read_document

    page = FIXTURES / "harbour-bridge.html"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        text = folder / "harbour-bridge.txt"
        text.write_text(read_document(page).text, encoding="utf-8")  # the same text the page gives
        base = folder / "base"
        api.add([FIXTURES / "newsroom.jsonl"], base)  # an index to add to; the model is loaded once, here
        timings: dict[str, list[float]] = {"txt": [], "html": []}
        for n in range(repeats):
            for kind, source in (("txt", text), ("html", page)) if n % 2 == 0 else (("html", page), ("txt", text)):
                index = folder / f"{kind}-{n}"
                shutil.copytree(base, index)
                started = time.perf_counter()
                api.add([source], index)
                timings[kind].append(time.perf_counter() - started)
        reading: dict[str, list[float]] = {"txt": [], "html": []}
        for _ in range(50):  # the part that differs: reading the source into a Document (warm)
            for kind, source in (("txt", text), ("html", page)):
                started = time.perf_counter()
                read_document(source)
                reading[kind].append(time.perf_counter() - started)
        print(f"read into a Document (median of 50, warm): .txt {statistics.median(reading['txt']) * 1000:.1f} ms, "
              f".html {statistics.median(reading['html']) * 1000:.1f} ms")
        imports = []
        for _ in range(5):
            cold = subprocess.run([sys.executable, "-X", "importtime", "-c", "import trafilatura"],
                                  capture_output=True, text=True).stderr.strip().splitlines()
            imports.append(next(int(line.split("|")[1]) for line in cold if line.rstrip().endswith("| trafilatura")))
        print(f"importing trafilatura, once per process (-X importtime, cumulative, median of 5): "
              f"{statistics.median(imports) / 1e6:.3f} s")
        cli: dict[str, list[float]] = {"txt": [], "html": []}
        for n in range(repeats):  # the whole command, as a user runs it: a fresh process each time
            for kind, source in (("txt", text), ("html", page)) if n % 2 == 0 else (("html", page), ("txt", text)):
                index = folder / f"cli-{kind}-{n}"
                shutil.copytree(base, index)
                started = time.perf_counter()
                subprocess.run([sys.executable, "-m", "assistant", "add", str(source), "--index", str(index)],
                               check=True, capture_output=True)
                cli[kind].append(time.perf_counter() - started)
        print(f"assistant add (fresh process): .txt median {statistics.median(cli['txt']):.2f} s, .html median "
              f"{statistics.median(cli['html']):.2f} s, difference {statistics.median(cli['html']) - statistics.median(cli['txt']):+.2f} s "
              f"({repeats} each)")
        txt, html = statistics.median(timings["txt"]), statistics.median(timings["html"])
        print(f"api.add in one process (model loaded): .txt median {txt:.3f} s, .html median {html:.3f} s, difference {html - txt:+.3f} s "
              f"({repeats} each; all: txt {[round(t, 3) for t in timings['txt']]}, html {[round(t, 3) for t in timings['html']]})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("make-dump")
    make.add_argument("out", type=Path)
    make.add_argument("--megabytes", type=float, default=1024)
    reading = commands.add_parser("read")
    reading.add_argument("path", type=Path)
    analysing = commands.add_parser("analyse")
    analysing.add_argument("path", type=Path)
    analysing.add_argument("--out", type=Path, required=True)
    versus = commands.add_parser("page-vs-text")
    versus.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    if args.command == "make-dump":
        make_dump(args.out, args.megabytes)
    elif args.command == "read":
        read(args.path)
    elif args.command == "analyse":
        analyse(args.path, args.out)
    else:
        page_vs_text(args.repeats)


if __name__ == "__main__":
    main()
