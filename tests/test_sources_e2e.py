"""End to end with the real model: a question asked of each source format cites the article's sentence, its
speaker and the original's URL; the CLI lists urls and authors; bad input adds nothing; ``analyse`` streams a dump
and ``analyse --ray local`` splits it by records, with the same result."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from assistant import Assistant
from test_sources import FIXTURES, write_warc

ROOT = Path(__file__).resolve().parent.parent

CASES = [  # (format, question, the cited sentence holds, speaker, url)
    ("page", "What did the mayor say about the bridge cables?", "We cannot keep the bridge open safely",
     "Helen Okafor", "https://ledger.example.com/news/2024/03/harbour-bridge-repairs"),
    ("dump", "What did the union organiser say about the pay rise?", "We have not had a rise in four years",
     "Marco Bellini", "https://news.example.net/2024/11/ferry-strike"),
    ("rss", "What did the parks manager say about the bulbs?", "The gardeners replanted more than two thousand bulbs",
     "Greta Halvorsen", "https://citydesk.example.com/2024/05/riverside-park-reopens"),
    ("atom", "What did the lead researcher say about the glacier's retreat?", "the retreat was faster than any model",
     "Kenji Matsuda", "https://science.example.org/2025/02/glacier-retreat"),
    ("warc", "What did the energy minister say about homes?", "would power three hundred thousand homes",
     "Rafael Montoya", "https://windnews.example.com/2025/06/offshore-wind-approved"),
]


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "assistant", *args], capture_output=True, text=True, cwd=cwd or ROOT,
                          timeout=600)


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("news")
    for name in ("harbour-bridge.html", "newsroom.jsonl", "city-feed.rss", "science-summaries.atom"):
        shutil.copy(FIXTURES / name, folder / name)
    write_warc(folder / "crawl.warc.gz", [
        ("https://windnews.example.com/2025/06/offshore-wind-approved", (FIXTURES / "wind-farm.html").read_bytes()),
        ("https://valleypost.example.org/archive/meals", (FIXTURES / "school-meals.html").read_bytes()),
    ])
    return folder


@pytest.fixture(scope="module")
def news_index(sources: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    index = tmp_path_factory.mktemp("news-index") / "index"
    Assistant.build([sources], index_dir=index)
    return index


@pytest.mark.parametrize(("kind", "question", "sentence", "speaker", "url"), CASES, ids=[c[0] for c in CASES])
def test_each_format_answers_with_its_sentence_speaker_and_url(
    news_index: Path, kind: str, question: str, sentence: str, speaker: str, url: str,
) -> None:
    answer = Assistant.load(news_index).ask(question, k=3).to_dict()
    best = answer["passages"][0]
    assert sentence in best["text"], (kind, best["text"])
    assert best["speaker"] == speaker and best["url"] == url
    assert f"]({url})" in answer["answer"]  # the reply links the original beside the citation


def test_documents_lists_urls_and_authors(news_index: Path) -> None:
    done = cli("documents", "--index", str(news_index), "--json")
    assert done.returncode == 0, done.stderr
    listed = {d["id"]: d for d in json.loads(done.stdout)}
    assert listed["harbour-bridge"]["author"] == "Priya Natarajan"
    assert listed["library-hours"]["author"] == "Sam Okoro, Jia Wen"
    assert listed["newsroom-4"]["url"] is None and listed["newsroom-4"]["date"] is None
    assert listed["meals"]["url"] == "https://valleypost.example.org/archive/meals"
    assert set(listed["harbour-bridge"]) >= {"id", "title", "date", "url", "author", "sentences", "speakers"}


def test_bad_input_adds_nothing(news_index: Path, tmp_path: Path) -> None:
    broken = tmp_path / "late.jsonl"
    broken.write_text('{"text": "The port reopened on Friday, the harbour master said."}\n{"text": broken}\n',
                      encoding="utf-8")
    before = (news_index / "manifest.json").read_bytes()
    done = cli("add", str(broken), "--index", str(news_index))
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1] == "error: late.jsonl line 2 is not valid JSON (Expecting value at column 10); the file was not read."
    assert (news_index / "manifest.json").read_bytes() == before


def test_analyse_streams_a_dump_and_import_keeps_the_urls(sources: Path, tmp_path: Path) -> None:
    from assistant import api

    out = tmp_path / "analysed"
    notes: list[str] = []
    documents, sentences, _ = api.analyse([sources / "newsroom.jsonl"], out, notes=notes)
    assert documents == 3 and sentences > 0
    assert any("not a date" in n for n in notes)
    index = tmp_path / "index"
    api.import_analysed([out], index)
    passage = Assistant.load(index).ask("What did the chief librarian say about Sunday opening?", k=1).passages[0]
    assert passage.speaker == "Noor Haddad" and passage.url == "https://news.example.net/2024/11/library-sundays"


def test_analyse_on_ray_splits_a_dump_by_records(sources: Path, tmp_path: Path) -> None:
    pytest.importorskip("ray")
    import pyarrow.parquet as pq

    dump = tmp_path / "dump.jsonl"
    lines = [json.loads(line) for line in (sources / "newsroom.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    with open(dump, "w", encoding="utf-8") as out:
        for copy in range(3):  # 9 records over several batches and workers
            for line in lines:
                out.write(json.dumps({**line, "id": f"{line.get('id', 'story')}-{copy}"}) + "\n")
    done = cli("analyse", str(dump), "--out", str(tmp_path / "ray"), "--ray", "local")
    assert done.returncode == 0, done.stderr
    local = cli("analyse", str(dump), "--out", str(tmp_path / "local"))
    assert local.returncode == 0, local.stderr

    def table(folder: Path) -> list[tuple]:
        rows = pq.read_table(folder / "documents").to_pylist()
        return sorted((r["id"], r["title"], r["date"], r["url"], r["author"], r["text"]) for r in rows)

    assert table(tmp_path / "ray") == table(tmp_path / "local")
    assert len(table(tmp_path / "ray")) == 9
    assert pq.read_table(tmp_path / "ray" / "sentences").num_rows == pq.read_table(tmp_path / "local" / "sentences").num_rows
