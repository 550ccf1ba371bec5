"""A change killed (SIGKILL) at every step leaves the index answering as before (or, once committed, as after),
never a mix; the next change removes what the killed one left behind."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from assistant import Assistant, analyse
from assistant.store import open_snapshot
from assistant.store.writer import KILL_POINTS

QUESTIONS = ["What did Putin say about hackers?", "Who was photographed sitting next to Putin?"]
BEFORE_COMMIT = ("segment-written", "segment-renamed", "manifest-written")


def answers(index: Path) -> list[dict]:
    assistant = Assistant.load(index)
    return [assistant.ask(q, k=3).to_dict() for q in QUESTIONS]


def run_killed(code: str, step: str, max_segments: int | None = None) -> int:
    """Run ``code`` (Python, with ``index`` and ``source`` defined) in a process killed at ``step``."""
    prelude = "import sys\nfrom pathlib import Path\nfrom assistant.store import changes as indexing\nfrom assistant.store import writer\n"
    if max_segments is not None:
        prelude += f"writer.MAX_SEGMENTS = {max_segments}\n"
    process = subprocess.run(
        [sys.executable, "-c", prelude + code], env={**os.environ, "ASSISTANT_KILL_AT": step},
        capture_output=True, text=True, timeout=300,
    )
    return process.returncode


def leftovers(index: Path) -> list[str]:
    manifest = json.loads((index / "manifest.json").read_text())
    named = {s["name"] for s in manifest["segments"]}
    return sorted(
        [p.name for p in (index / "segments").iterdir() if p.name not in named]
        + [p.name for p in index.iterdir() if p.name.startswith(".manifest.json.tmp")]
    )


@pytest.fixture()
def analysed_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("texts")
    for n in range(3):
        (folder / f"report-{n}.txt").write_text(
            f"Report {n}: the committee number {n} met and discussed budget line {n * 11}.\n\n"
            f"\u201cWe will cut nothing,\u201d chair Dana Holm said of line {n * 11}.\n", encoding="utf-8"
        )
    out = tmp_path_factory.mktemp("analysed") / "reports"
    analyse([folder], out)
    return out


def test_kill_points_cover_every_step():
    assert set(BEFORE_COMMIT) < set(KILL_POINTS)


def test_killed_import_remove_and_merge_leave_a_whole_index(tmp_path: Path, built_index: Path, analysed_dir: Path):
    index = tmp_path / "index"
    shutil.copytree(built_index, index)
    before = answers(index)
    ids_before = {d.id for d in Assistant.load(index).documents()}
    do_import = f"indexing.import_dirs([Path({str(analysed_dir)!r})], Path({str(index)!r}))"

    for step in BEFORE_COMMIT:  # killed before the commit: the index is exactly as it was
        assert run_killed(do_import, step) == -signal.SIGKILL, step
        assert answers(index) == before, f"index changed after a kill at {step!r}"
        assert {d.id for d in Assistant.load(index).documents()} == ids_before
    assert leftovers(index), "the killed changes should have left files behind"

    assert run_killed(do_import, "committed") == -signal.SIGKILL  # killed after the commit: the change is whole
    ids_after = {d.id for d in Assistant.load(index).documents()}
    assert ids_after == ids_before | {"report-0", "report-1", "report-2"}
    assert "Hackers can be anywhere" in Assistant.load(index).ask(QUESTIONS[0], k=1).passages[0].text

    do_remove = f"indexing.remove(['report-1'], Path({str(index)!r}))"
    for step in ("manifest-written",):
        assert run_killed(do_remove, step) == -signal.SIGKILL
        assert {d.id for d in Assistant.load(index).documents()} == ids_after

    # a merge (forced by allowing one segment only) killed before and after its commit
    for step in ("merge-written", "merged"):
        assert run_killed(do_remove if step == "merge-written" else do_import, step, max_segments=1) == -signal.SIGKILL
        documents = {d.id for d in Assistant.load(index).documents()}
        assert documents in (ids_after, ids_after - {"report-1"}), step
        assert Assistant.load(index).ask("What did the committee discuss?", k=1).passages

    Assistant.load(index).remove(["report-0"])  # the next change cleans up
    assert leftovers(index) == []
    assert open_snapshot(index).manifest["counts"]["documents"] == len({d.id for d in Assistant.load(index).documents()})


def test_killed_add_and_build_leave_the_old_index(tmp_path: Path, built_index: Path):
    index = tmp_path / "index"
    shutil.copytree(built_index, index)
    before = answers(index)
    source = tmp_path / "council.txt"
    source.write_text("The council closed the bridge. \u201cIt is unsafe,\u201d Mayor Jane Doe said.\n", encoding="utf-8")
    add = (
        "from assistant.text.documents import read_documents\n"
        f"indexing.add(read_documents([Path({str(source)!r})]), Path({str(index)!r}), None)"
    )
    assert run_killed(add, "segment-written") == -signal.SIGKILL
    assert answers(index) == before
    build = (
        "from assistant.text.documents import read_documents\n"
        f"indexing.build(read_documents([Path({str(source)!r})]), Path({str(index)!r}), 'all-MiniLM-L6-v2')"
    )
    assert run_killed(build, "manifest-written") == -signal.SIGKILL
    assert answers(index) == before
    Assistant.build([source], index)
    assert leftovers(index) == []
    assert [d.id for d in Assistant.load(index).documents()] == ["council"]
