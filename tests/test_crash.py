"""A build killed (SIGKILL) at several points leaves the previous index loadable and answering exactly as before;
the next build cleans up what the killed one left behind."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from assistant import Assistant

KILL_POINTS = [
    "reading and attributing",
    "embedded",
    "writing the FAISS index",
    "building the BM25 index",
    "sealing the manifest",
]
QUESTIONS = ["What did Putin say about hackers?", "Who was photographed sitting next to Putin?"]


def answers(index: Path) -> list[dict]:
    assistant = Assistant.load(index)
    return [assistant.ask(q, k=3).to_dict() for q in QUESTIONS]


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    """Enough text that embedding takes a moment, so that every stage can be caught."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    for n in range(8):
        sentences = [
            f"Report {n}.{i}: the committee number {n} met on day {i} and discussed budget line {i * n}."
            for i in range(40)
        ]
        (folder / f"report-{n}.txt").write_text("\n\n".join(sentences), encoding="utf-8")
    return folder


def build_and_kill(corpus: Path, index: Path, marker: str) -> bool:
    """Start ``assistant build``; SIGKILL it as soon as its progress shows ``marker``. True if it was killed."""
    process = subprocess.Popen(
        [sys.executable, "-m", "assistant", "build", str(corpus), "--index", str(index)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    assert process.stderr is not None
    for line in process.stderr:
        if marker in line:
            os.kill(process.pid, signal.SIGKILL)
            break
    process.wait(60)
    return process.returncode == -signal.SIGKILL


def test_killed_builds_leave_the_old_index_and_get_cleaned_up(tmp_path: Path, built_index: Path, corpus: Path):
    index = tmp_path / "index"
    shutil.copytree(built_index, index)
    before = answers(index)
    killed = 0
    for marker in KILL_POINTS:
        killed += build_and_kill(corpus, index, marker)
        assert answers(index) == before, f"index changed after a kill at {marker!r}"
    assert killed >= len(KILL_POINTS) - 1  # a kill can only miss if the build finished first
    leftovers = [p for p in tmp_path.iterdir() if p.name.startswith(".index.build-")]
    assert leftovers, "the killed builds should have left their private directories"

    Assistant.build([corpus], index)
    assert [p for p in tmp_path.iterdir() if p.name.startswith(".index.")] == []
    after = Assistant.load(index).ask("What did committee 3 discuss on day 7?", k=1)
    assert after.passages[0].doc_id == "report-3"
