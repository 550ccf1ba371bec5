"""The web app's changes run in a worker process (issue 12): the server answers while the worker builds, a failure
comes back as one line, and a cancelled build leaves the index as it was.

The server side is the page's own :class:`assistant.app.ui.AppState` in this process (its handlers run in threads, as
under Gradio); the worker is a real spawned process with the real model and a real index.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
from pathlib import Path

import pytest

from hostile_cases import check_one_line_message

from assistant import Assistant, AssistantError
from assistant.app.build_worker import BuildWorker, ChangeCancelled, Job, failure_line
from assistant.text.documents import make_document

HACKERS = "What did Putin say about hackers?"


def long_text(sentences: int) -> str:
    """Quotations with speakers: real attribution and encoding work for the worker."""
    return "\n\n".join(
        f"\u201cWe will rebuild bridge number {i} before the winter,\u201d Mayor Jane Doe said on day {i}. "
        f"Engineer Sam Okafor said the steel of span {i} was rusting."
        for i in range(sentences // 2)
    )


@pytest.fixture(scope="module")
def worker():
    worker = BuildWorker()
    yield worker
    worker.close()


@pytest.fixture
def state(built_index: Path, tmp_path: Path, worker: BuildWorker):
    from assistant.app.ui import AppState

    index = tmp_path / "index"
    shutil.copytree(built_index, index)
    return AppState(index, worker=worker)


def listing(index: Path) -> list[tuple]:
    return [(d.id, d.title, d.date, d.sentences, tuple(d.speakers)) for d in Assistant.load(index).documents()]


def leftovers(index: Path) -> list[str]:
    """Files of a change that no manifest names (what a killed writer leaves until the next change)."""
    manifest = json.loads((index / "manifest.json").read_text())
    named = {s["name"] for s in manifest["segments"]}
    return sorted([p.name for p in (index / "segments").iterdir() if p.name not in named]
                  + [p.name for p in index.iterdir() if p.name.startswith(".manifest.json.tmp")])


class Progress:
    """A progress sink that remembers what it was told and can be waited on."""

    def __init__(self) -> None:
        self.seen: list[tuple[float, str]] = []
        self.working = threading.Event()

    def __call__(self, fraction: float, message: str) -> None:
        self.seen.append((fraction, message))
        if "attributing" in message or "embedd" in message:
            self.working.set()


def run_in_thread(action) -> tuple[threading.Thread, dict]:
    outcome: dict = {}

    def run() -> None:
        try:
            outcome["summary"] = action()
        except BaseException as error:  # noqa: BLE001 - handed to the test
            outcome["error"] = error

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, outcome


def test_the_worker_adds_removes_and_builds_and_the_server_sees_each_change(state, worker: BuildWorker):
    server = state.require()
    before = {d.id for d in server.documents()}
    progress = Progress()
    harbour = make_document("Harbour news\n\nThe harbour master said the pier would reopen on Monday.", "harbour")
    summary = state.add([harbour], keep=True, progress=progress)
    assert "added 1" in summary and str(state.index_dir) not in summary, summary
    pid = worker.pid
    assert pid is not None and pid != os.getpid()  # the change ran in another process
    assert any("embedd" in m for _, m in progress.seen) and progress.seen[-1] == (1.0, "done"), progress.seen
    # the server's own Assistant (the same object) answers from the new snapshot
    assert state.assistant is server and {d.id for d in server.documents()} == before | {"harbour"}
    answer = server.ask("When will the pier reopen?", k=3)
    assert answer.passages[0].doc_id == "harbour"

    summary = state.remove(["harbour"])
    assert "removed 1" in summary
    assert {d.id for d in server.documents()} == before
    assert worker.pid == pid  # one persistent worker

    summary = state.add([harbour], keep=False)  # untick "keep": the index is rebuilt from this text alone
    assert "now 1 document(s)" in summary
    assert [d.id for d in server.documents()] == ["harbour"]
    assert server.ask("When will the pier reopen?", k=1).passages[0].doc_id == "harbour"
    assert worker.pid == pid


def test_a_failure_in_the_worker_comes_back_as_one_line(state, worker: BuildWorker):
    manifest = (state.index_dir / "manifest.json").read_bytes()
    with pytest.raises(AssistantError) as error:
        state.remove(["no-such-document"])
    check_one_line_message(str(error.value), "no document no-such-document")
    # an unexpected error inside the worker: one line too, never a traceback, and the worker lives on
    pid = worker.pid
    with pytest.raises(AssistantError) as error:
        worker.run(Job("add", state.index_dir, documents=("not a document",)))  # type: ignore[arg-type]
    check_one_line_message(str(error.value), "unexpected AttributeError")
    assert worker.pid == pid is not None
    assert (state.index_dir / "manifest.json").read_bytes() == manifest
    # the messages the CLI gives for system errors
    check_one_line_message(failure_line(OSError(28, "No space left on device", "/x/\x1b[2Jy")), "the disk is full")
    check_one_line_message(failure_line(ValueError("a\nb")), "unexpected ValueError: a\\nb")


def test_cancel_during_a_build_leaves_the_index_as_it_was_and_the_next_build_works(state, worker: BuildWorker):
    index = state.index_dir
    manifest = (index / "manifest.json").read_bytes()
    documents = listing(index)
    answers = [a.to_dict() for a in Assistant.load(index).ask_many([HACKERS, "Who sat next to Putin?"], k=3)]
    big = make_document(long_text(3_000), "big-report")
    progress = Progress()
    thread, outcome = run_in_thread(lambda: state.add([big], keep=False, progress=progress))  # a full rebuild
    assert progress.working.wait(120), progress.seen
    assert state.changing
    pid = worker.pid
    assert state.cancel()
    thread.join(60)
    assert isinstance(outcome.get("error"), ChangeCancelled), outcome
    check_one_line_message(str(outcome["error"]), "cancelled; the index is unchanged")
    assert not state.changing and worker.pid is None
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # the worker was killed, not left running
    # byte for byte the same manifest, the same documents, the same answers (the server's and a new reader's)
    assert (index / "manifest.json").read_bytes() == manifest
    assert listing(index) == documents
    assert [a.to_dict() for a in state.require().ask_many([HACKERS, "Who sat next to Putin?"], k=3)] == answers
    assert not state.cancel()  # nothing runs now

    # the next change starts a fresh worker and works; what the killed writer left is gone after it
    harbour = make_document("The harbour master said the pier would reopen on Monday.", "harbour")
    summary = state.add([harbour], keep=True)
    assert "added 1" in summary
    assert worker.pid not in (None, pid)
    assert {d[0] for d in listing(index)} == {d[0] for d in documents} | {"harbour"}
    assert leftovers(index) == []


def test_a_question_is_answered_while_the_worker_builds(state, worker: BuildWorker):
    server = state.require()
    big = make_document(long_text(2_000), "big-report")
    progress = Progress()
    thread, outcome = run_in_thread(lambda: state.add([big], keep=True, progress=progress))
    assert progress.working.wait(120), progress.seen
    answers = [server.ask(HACKERS, k=3) for _ in range(3)]  # in this (the server's) process, during the build
    still_building = state.changing
    thread.join(600)
    assert "error" not in outcome, outcome
    assert all(a.found and "Hackers can be anywhere" in a.passages[0].text for a in answers)
    assert still_building, "the build finished before the questions were answered: make it bigger"
    assert "added 1" in outcome["summary"]
    assert "big-report" in {d.id for d in server.documents()}
    assert server.ask("What did Mayor Jane Doe say about bridge number 17?", k=3).found


def test_a_second_change_while_one_runs_is_refused_with_a_clear_message(state):
    big = make_document(long_text(1_000), "big-report")
    progress = Progress()
    thread, outcome = run_in_thread(lambda: state.add([big], keep=True, progress=progress))
    assert progress.working.wait(120), progress.seen
    with pytest.raises(AssistantError) as error:
        state.remove(["putin-nbc-2017-06-05"])
    check_one_line_message(str(error.value), "a change of the index is already running")
    assert state.cancel()  # and the first one is not held up by it: cancel it (faster than waiting)
    thread.join(60)
    assert isinstance(outcome.get("error"), ChangeCancelled), outcome
    assert "putin-nbc-2017-06-05" in {d.id for d in state.require().documents()}
