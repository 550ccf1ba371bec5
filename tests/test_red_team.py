"""The second red-team pass (issue 22): never lose a folder, never let a stranger change the index.

Each test is one failure the red team found; each failed on the code before issue 22. The table-driven classes
(hostile analysed forms for ``import``, hostile ``analyse --out`` folders) are ``IMPORT_CASES`` and ``OUT_CASES``
in ``hostile_cases.py``, which ``scripts/hostile_report.py`` counts; the rest are single tests here.
"""

from __future__ import annotations

import errno
import json
import shutil
import sqlite3
import urllib.request
import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest

from hostile_cases import (
    IMPORT_CASES, OUT_CASES, PEOPLE, Import, Out, check_one_line_message, form_tables, running_app, tree_digest,
    write_form, write_import_case,
)

from assistant import Assistant, AssistantError, analyse
from assistant.app import cli
from assistant.app.cli import main
from assistant.pipeline import analysed as analysed_form
from assistant.pipeline.out_folder import MARKER
from assistant.store import changes as indexing
from assistant.store import manifest as manifest_file
from assistant.store.writer import IndexWriter
from assistant.text.documents import make_document, read_documents


def run_cli(capsys, argv: list[str]) -> tuple[int, str, str]:
    try:
        code = main(argv)
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else 2
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture()
def index_copy(tmp_path: Path, built_index: Path) -> Path:
    target = tmp_path / "index"
    shutil.copytree(built_index, target)
    return target


def _segments(index: Path) -> list[str]:
    return sorted(p.name for p in (index / "segments").iterdir() if not p.name.startswith("."))


@pytest.fixture(scope="module")
def people_form(tmp_path_factory: pytest.TempPathFactory, built_index: Path) -> Path:
    """A real analysed form of one written text, with the bundled index's model (analyse runs the model)."""
    root = tmp_path_factory.mktemp("form")
    (root / "people.txt").write_bytes(PEOPLE)
    model = json.loads((built_index / manifest_file.MANIFEST).read_text())["model"]
    analyse([root / "people.txt"], root / "analysed", model=model)
    return root / "analysed"


# ----- 1. analyse --out deletes only what it wrote -----

@pytest.mark.parametrize("case", OUT_CASES, ids=lambda c: c.id)
@pytest.mark.parametrize("runner", ["local", "ray"])
def test_analyse_out_refuses_a_folder_it_did_not_write(tmp_path: Path, case: Out, runner: str):
    sources, out = case.setup(tmp_path)
    before = tree_digest(tmp_path)
    with pytest.raises(AssistantError) as refused:
        if runner == "local":
            analyse(sources, out, model="all-MiniLM-L6-v2")
        else:
            pytest.importorskip("ray")
            from assistant.pipeline.distributed import analyse_on_ray

            analyse_on_ray(sources, out, "all-MiniLM-L6-v2", "local")  # refused before Ray starts
    check_one_line_message(str(refused.value), case.error)
    assert tree_digest(tmp_path) == before


def test_analyse_out_through_the_cli_keeps_a_thesis(tmp_path: Path, capsys):
    out = tmp_path / "w"
    out.mkdir()
    (out / "analysis.json").write_text("{}")
    (out / "thesis.txt").write_text("x")
    (tmp_path / "a.txt").write_bytes(PEOPLE)
    code, _, err = run_cli(capsys, ["analyse", str(tmp_path / "a.txt"), "--out", str(out)])
    assert code == 2 and "not an analysed folder" in err
    assert (out / "thesis.txt").read_text() == "x"


def test_analyse_replaces_its_own_folder(people_form: Path, tmp_path: Path, built_index: Path):
    out = tmp_path / "again"
    shutil.copytree(people_form, out, symlinks=True)
    assert (out / MARKER).is_file()
    (tmp_path / "people.txt").write_bytes(PEOPLE)
    model = json.loads((built_index / manifest_file.MANIFEST).read_text())["model"]
    analyse([tmp_path / "people.txt"], out, model=model)
    assert sorted(p.name for p in out.iterdir()) == sorted([MARKER, "analysis.json", "documents", "sentences"])


# ----- 2. no change of an index without its commit point -----

@pytest.mark.parametrize("change", ["import", "add", "remove"])
def test_a_missing_manifest_refuses_every_change_and_keeps_the_segments(
    index_copy: Path, people_form: Path, tmp_path: Path, change: str, capsys,
):
    segments = _segments(index_copy)
    (index_copy / manifest_file.MANIFEST).unlink()
    before = tree_digest(index_copy)
    (tmp_path / "new.txt").write_bytes(PEOPLE)
    argv = {"import": ["import", str(people_form)], "add": ["add", str(tmp_path / "new.txt")],
            "remove": ["remove", "putin-nbc-2017-06-05"]}[change] + ["--index", str(index_copy)]
    code, out, err = run_cli(capsys, argv)
    assert code == 2, out
    check_one_line_message(err.strip(), "nothing was changed")
    assert "Restore manifest.json" in err and f"holds {len(segments)} segment(s)" in err
    assert tree_digest(index_copy) == before


def test_an_empty_manifest_can_be_replaced_by_the_build_it_suggests(index_copy: Path, capsys):
    (index_copy / manifest_file.MANIFEST).write_bytes(b"")
    code, _, err = run_cli(capsys, ["ask", "What did Putin say?", "--index", str(index_copy)])
    assert code == 2 and "assistant build SOURCES" in err
    document = make_document(PEOPLE.decode(), "people")
    Assistant.build_documents([document], index_copy)
    assert [d.id for d in Assistant.load(index_copy).documents()] == ["people"]


def test_a_nested_manifest_is_one_line(index_copy: Path, capsys):
    (index_copy / manifest_file.MANIFEST).write_text("[" * 100_000 + "]" * 100_000)
    code, _, err = run_cli(capsys, ["documents", "--index", str(index_copy)])
    assert code == 2
    check_one_line_message(err.strip(), "corrupt manifest.json")


# ----- 3. the report matches the disk -----

def test_a_failed_merge_after_the_commit_is_a_warning(index_copy: Path, monkeypatch):
    from assistant.store.writer import WriteFailed, write_failure_reason

    def full(self, progress):  # noqa: ARG001 - the merge's write hits a full disk
        raise WriteFailed(self.index_dir, write_failure_reason(OSError(errno.ENOSPC, None)))

    monkeypatch.setattr(IndexWriter, "_merge_if_due", full)
    change = indexing.remove(["putin-nbc-2017-06-05"], index_copy)
    assert change.removed == ["putin-nbc-2017-06-05"] and change.documents == 0
    assert "the change is saved" in str(change) and "the disk is full" in str(change)
    assert Assistant.load(index_copy).documents() == []


@pytest.mark.parametrize("error", [
    OSError(errno.ENOSPC, None), sqlite3.OperationalError("database or disk is full"),
    OSError("Not enough free space to write 1536 bytes"),
])
def test_a_full_disk_while_writing_a_segment_is_one_plain_line(index_copy: Path, monkeypatch, error):
    from assistant.store import writer

    def write_segment(*args, **kwargs):  # noqa: ARG001
        raise error

    monkeypatch.setattr(writer, "write_segment", write_segment)
    before = tree_digest(index_copy)
    with pytest.raises(AssistantError) as failed:
        indexing.add([make_document(PEOPLE.decode(), "people")], index_copy, None)
    check_one_line_message(str(failed.value), "the disk is full (no space left on device); it was left as it was")
    assert tree_digest(index_copy) == before


# ----- 4. a stranger cannot change the index -----

def _queue_call(url: str, fn_index: int, data: list, headers: dict[str, str]) -> dict:
    """One event over the page's own protocol (queue/join, then the event stream), as a raw client sends it."""
    session = uuid.uuid4().hex[:10]
    body = json.dumps({"data": data, "fn_index": fn_index, "session_hash": session, "event_data": None,
                       "trigger_id": None}).encode()
    request = urllib.request.Request(f"{url}gradio_api/queue/join", data=body,
                                     headers={"Content-Type": "application/json", **headers})
    with urllib.request.urlopen(request, timeout=60) as response:
        json.loads(response.read())
    with urllib.request.urlopen(f"{url}gradio_api/queue/data?session_hash={session}", timeout=120) as response:
        for raw in response:
            line = raw.decode("utf-8").strip()
            if line.startswith("data:"):
                message = json.loads(line[5:])
                if message.get("msg") == "process_completed":
                    return message
    raise AssertionError("no result")


def test_a_raw_call_of_the_remove_handler_is_refused(index_copy: Path):
    with running_app(index_copy) as url:
        with urllib.request.urlopen(f"{url}config", timeout=30) as response:
            config = json.loads(response.read())
        remove = next(d["id"] for d in config["dependencies"] if d.get("api_name") == "remove_documents")
        host = url.split("//", 1)[1].rstrip("/")
        for headers in ({}, {"Origin": "http://evil.example"}, {"Origin": "http://evil.example", "Host": "evil.example"}):
            result = _queue_call(url, remove, [["putin-nbc-2017-06-05"]], headers)
            assert not result.get("success"), result
            assert "made from the page only" in json.dumps(result)
            assert [d.id for d in Assistant.load(index_copy).documents()] == ["putin-nbc-2017-06-05"]
        result = _queue_call(url, remove, [["putin-nbc-2017-06-05"]], {"Origin": f"http://{host}"})
        assert result.get("success"), result  # the page's own request: the same handler does remove
    assert Assistant.load(index_copy).documents() == []


@pytest.mark.parametrize("headers, loopback, refused", [
    ({}, True, "did not come from it"),
    ({"host": "127.0.0.1:7860", "origin": "null"}, True, "did not come from it"),
    ({"host": "127.0.0.1:7860", "origin": "http://evil.example"}, True, "another site"),
    ({"host": "evil.example:7860", "origin": "http://evil.example:7860"}, True, "another host"),
    ({"host": "127.0.0.1:7860", "origin": "http://127.0.0.1:7860"}, True, None),
    ({"host": "news.example:7860", "origin": "http://news.example:7860"}, False, None),
])
def test_page_request_problem(headers, loopback, refused):
    from assistant.app.ui import page_request_problem

    problem = page_request_problem(headers, loopback)
    assert (problem is None) if refused is None else (refused in problem)


def _serve_args(monkeypatch, argv: list[str], capsys) -> tuple[dict, str]:
    from assistant.app import ui

    seen: dict = {}
    monkeypatch.setattr(ui, "serve", lambda **kwargs: seen.update(kwargs))
    monkeypatch.setattr(cli, "_check_port", lambda host, port: None)
    code, _, err = run_cli(capsys, ["serve", *argv])
    assert code == 0, err
    return seen, err


def test_remote_without_a_login_has_changes_off(monkeypatch, capsys):
    monkeypatch.delenv("ASSISTANT_AUTH", raising=False)
    seen, err = _serve_args(monkeypatch, ["--host", "0.0.0.0", "--allow-remote"], capsys)
    assert seen["changes"] is False and seen["auth"] is None
    assert "without a login" in err and "changes from the page are off" in err
    seen, err = _serve_args(monkeypatch, ["--host", "0.0.0.0", "--allow-remote", "--allow-remote-changes"], capsys)
    assert seen["changes"] is True and "without a login" in err


def test_the_login_comes_from_the_environment_or_a_file(monkeypatch, capsys, tmp_path: Path):
    monkeypatch.setenv("ASSISTANT_AUTH", "admin:s3cretPW")
    seen, err = _serve_args(monkeypatch, ["--host", "0.0.0.0", "--allow-remote"], capsys)
    assert seen["auth"] == ("admin", "s3cretPW") and seen["changes"] is True and "a login is on" in err
    monkeypatch.delenv("ASSISTANT_AUTH")
    (tmp_path / "login").write_text("editor:pw2\nignored\n")
    seen, _ = _serve_args(monkeypatch, ["--auth-file", str(tmp_path / "login")], capsys)
    assert seen["auth"] == ("editor", "pw2")
    seen, err = _serve_args(monkeypatch, ["--auth", "old:way"], capsys)
    assert seen["auth"] == ("old", "way") and "visible" in err
    (tmp_path / "bad").write_text("no-colon\n")
    code, _, err = run_cli(capsys, ["serve", "--auth-file", str(tmp_path / "bad")])
    assert code == 2 and "USER:PASSWORD" in err


def test_uploads_are_removed_when_the_server_exits(index_copy: Path):
    boundary = "----red-team"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.txt\"\r\n"
            f"Content-Type: text/plain\r\n\r\nhello\r\n--{boundary}--\r\n").encode()
    with running_app(index_copy) as url:
        request = urllib.request.Request(f"{url}gradio_api/upload", data=body,
                                         headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
        with urllib.request.urlopen(request, timeout=60) as response:
            uploaded = Path(json.loads(response.read())[0])
        assert uploaded.is_file()
        folder = next(p for p in uploaded.parents if p.name.startswith("assistant-uploads-"))
    assert not folder.exists()


def test_handled_uploads_are_removed(tmp_path: Path):
    from assistant.app.ui import remove_uploads

    folder = tmp_path / "gradio" / "abc123"
    folder.mkdir(parents=True)
    (folder / "a.txt").write_text("x")
    (tmp_path / "thesis.txt").write_text("mine")
    remove_uploads([str(folder / "a.txt"), str(tmp_path / "thesis.txt")], tmp_path / "gradio")
    assert not folder.exists()
    assert (tmp_path / "thesis.txt").read_text() == "mine"  # not an upload: never removed


# ----- 5. nothing from the index is rendered as HTML or printed raw -----

def test_the_error_modal_shows_markup_as_text_and_no_server_path(tmp_path: Path):
    from assistant.app.ui import AppState, page_error

    state = SimpleNamespace(index_dir=tmp_path / "srv" / "index", assistant=None)
    state.public = lambda text: AppState.public(state, text)
    link = '<a href="https://evil.example/login">Session expired: sign in again</a>'
    error = page_error(state, AssistantError(f"no document {link} in index {state.index_dir} (assistant documents)"))
    assert "<a" not in error.message and "&lt;a href" in error.message
    assert str(tmp_path) not in error.message
    assert error.print_exception is False  # no traceback in the server's log for a refused request


def test_the_header_shows_no_server_path_and_no_markup(tmp_path: Path):
    from assistant.app.ui import AppState, figures

    index_dir = tmp_path / "srv" / "index"
    state = SimpleNamespace(index_dir=index_dir, assistant=None,
                            problem=f"index {index_dir} has a corrupt manifest.json <img src=x onerror=alert(1)>")
    state.public = lambda text: AppState.public(state, text)
    shown = figures(state)
    assert str(tmp_path) not in shown and "<img" not in shown and "the index has a corrupt" in shown


def test_cli_output_is_printable_whatever_the_source():
    assert cli.shown("x\x1b]0;PWNED\x07\ny\x1b[2J") == "x\\x1b]0;PWNED\\x07 y\\x1b[2J"
    shown_json = cli.json_text({"text": "a\x9b2Jb\u202e\x1b"})
    assert "\x9b" not in shown_json and "\u202e" not in shown_json and "\x1b" not in shown_json
    assert json.loads(shown_json) == {"text": "a\x9b2Jb\u202e\x1b"}


# ----- 6. import limits and rules -----

@pytest.mark.parametrize("case", IMPORT_CASES, ids=lambda c: c.id)
def test_a_hostile_analysed_form_is_refused(tmp_path: Path, case: Import):
    folder = write_import_case(case, tmp_path / "form")
    with pytest.raises(AssistantError) as refused:
        analysed_form.read(folder)
    check_one_line_message(str(refused.value), case.error)


def test_a_hostile_form_leaves_the_index_unchanged(index_copy: Path, tmp_path: Path, capsys):
    header, documents, sentences = form_tables(384)
    header["model"] = json.loads((index_copy / manifest_file.MANIFEST).read_text())["model"]
    documents["id"] = ["x\x1b[2J"]
    sentences["doc_id"] = ["x\x1b[2J"] * 2
    folder = write_form(tmp_path / "form", header, documents, sentences)
    before = tree_digest(index_copy)
    code, _, err = run_cli(capsys, ["import", str(folder), "--index", str(index_copy)])
    assert code == 2 and "not a valid id" in err and "\x1b" not in err
    assert tree_digest(index_copy) == before


def test_a_new_index_needs_a_model_that_loads(tmp_path: Path):
    header, documents, sentences = form_tables()
    header["model"] = "/etc"
    folder = write_form(tmp_path / "form", header, documents, sentences)
    with pytest.raises(AssistantError) as refused:
        indexing.import_dirs([folder], tmp_path / "new-index")
    check_one_line_message(str(refused.value), "nothing was written")
    assert not (tmp_path / "new-index" / manifest_file.MANIFEST).exists()


# ----- 7. plain lines everywhere -----

def test_garbage_in_documents_sqlite_is_one_line(index_copy: Path, capsys):
    path = next((index_copy / "segments").glob("*/documents.sqlite"))
    path.write_bytes(b"\x5a" * path.stat().st_size)
    code, _, err = run_cli(capsys, ["speakers", "--index", str(index_copy)])
    assert code == 2
    check_one_line_message(err.strip(), "damaged documents.sqlite")


def test_garbage_in_bm25_postings_is_one_line(index_copy: Path):
    import numpy as np

    path = next((index_copy / "segments").glob("*/bm25/docs.npy"))
    docs = np.load(path, mmap_mode="r+")
    docs[:] = np.iinfo(docs.dtype).max  # rows far outside the segment, same size: only verify sees it
    docs.flush()
    del docs
    with pytest.raises(AssistantError) as failed:
        Assistant.load(index_copy).ask("What did Putin say about hackers?")
    check_one_line_message(str(failed.value), "damaged bm25 postings")


def test_a_hundred_thousand_threads_are_capped(monkeypatch):
    import os

    from assistant import settings

    monkeypatch.setenv("ASSISTANT_THREADS", "100000")
    assert settings.thread_count() <= settings.MAX_THREADS_PER_CORE * (os.cpu_count() or 1)
    monkeypatch.setenv("ASSISTANT_THREADS", "9" * 5000)
    assert settings.thread_count() == 1


def test_a_file_named_twice_is_read_once(tmp_path: Path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "ferry.txt").write_bytes(PEOPLE)
    assert [d.id for d in read_documents([docs, docs / "ferry.txt"])] == ["ferry"]
