"""Hostile input (issue 5): every case of ``hostile_cases`` through the Python API, the CLI and the web.

Questions go through ``Assistant.ask``, ``assistant ask --json`` (in process) and the running app's ``ask`` endpoint
(``gradio_client``; one app process for the module). Uploads go through ``Assistant.build``, ``assistant build`` and
the UI's rebuild handler (the Gradio rebuild event is not part of the public API; the browser test uploads through
the page). Each input gets a valid Answer or a clear one-line message; an invalid input leaves the index folder
byte-for-byte unchanged, and nothing is ever written outside the index folder.
"""

from __future__ import annotations

import json
import re
import shutil
import unicodedata
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from hostile_cases import (
    ASK_CASES,
    CANARY,
    UPLOAD_CASES,
    Ask,
    Upload,
    check_answer,
    check_inert_html,
    check_inert_markdown,
    check_one_line_message,
    raw_api_call,
    running_app,
    tree_digest,
    write_uploads,
)

from assistant import Assistant, AssistantError
from assistant.app.cli import main

VIEW_TAGS = {"div", "h3", "p", "small", "em", "mark", "sup", "br"}


def has_surrogates(value: Any) -> bool:
    return isinstance(value, str) and any(unicodedata.category(ch) == "Cs" for ch in value)


def control_characters(text: str, allowed: str = "\n") -> list[str]:
    return sorted({repr(ch) for ch in text if unicodedata.category(ch) == "Cc" and ch not in allowed})


def full_documents(assistant: Assistant) -> dict[str, Any]:
    """id → Document with its text (``documents()`` lists them without text; ``document(id)`` has it)."""
    listed = assistant.documents()
    if hasattr(assistant, "document"):
        return {d.id: assistant.document(d.id) for d in listed}
    return {d.id: d for d in listed}


def run_cli(capsys, argv: list[str]) -> tuple[int, str, str]:
    try:
        code = main(argv)
    except SystemExit as exit_:  # argparse refuses the arguments
        code = exit_.code if isinstance(exit_.code, int) else 2
    out, err = capsys.readouterr()
    return code, out, err


def cli_error(code: int, out: str, err: str) -> str:
    assert code == 2, (code, out[:300], err[:300])
    assert out == "", out[:300]
    assert err.endswith("\n") and err.count("\n") == 1, err
    return err.strip()


# ----------------------------------------------------------------------------------------------------------------
# Questions
# ----------------------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def texts(assistant) -> dict[str, str]:
    return {i: d.text for i, d in full_documents(assistant).items()}


@pytest.fixture(scope="module")
def web(built_index: Path):
    from gradio_client import Client

    with running_app(built_index) as url:
        yield url, Client(url, verbose=False)


@pytest.fixture(autouse=True)
def no_canary():
    CANARY.unlink(missing_ok=True)
    yield
    assert not CANARY.exists(), "a shell-looking input was executed"


def ask_through(layer: str, case: Ask, question: Any, request, capsys, built_index: Path) -> tuple[str, Any]:
    """("answer", Answer dict) or ("error", message) from one layer."""
    if layer == "api":
        assistant = request.getfixturevalue("assistant")
        try:
            return "answer", assistant.ask(question, k=case.k, speaker=case.speaker).to_dict()
        except AssistantError as error:
            return "error", str(error)
    if layer == "cli":
        argv = ["ask", question, "--index", str(built_index), "-k", str(case.k), "--json"]
        if case.speaker is not None:
            argv += ["--speaker", case.speaker]
        code, out, err = run_cli(capsys, argv)
        if code != 0:
            return "error", cli_error(code, out, err)
        assert err == "" or "Traceback" not in err
        answer = json.loads(out)
        # the plain-text output too: no control character reaches the terminal
        code, plain, _ = run_cli(capsys, [a for a in argv if a != "--json"])
        assert code == 0
        assert not control_characters(plain), control_characters(plain)
        return "answer", answer
    url, client = request.getfixturevalue("web")
    if has_surrogates(question) or has_surrogates(case.speaker):
        # gradio_client encodes requests as UTF-8, which cannot hold lone surrogates; JSON escapes can
        result = raw_api_call(url, "ask", [question, case.k, case.speaker])
        if "error" in result:
            return "error", result["error"]
        return "answer", result["data"][0]
    try:
        return "answer", client.predict(question, case.k, case.speaker, api_name="/ask")
    except Exception as error:  # noqa: BLE001 - the web API's errors are exceptions carrying the message
        return "error", str(error)


QUESTION_PARAMS = [pytest.param(c, layer, id=f"{c.id}-{layer}") for c in ASK_CASES for layer in c.layers]


@pytest.mark.parametrize("case, layer", QUESTION_PARAMS)
def test_hostile_question(case: Ask, layer: str, request, capsys, built_index: Path, texts: dict[str, str]):
    before = tree_digest(built_index)
    kind, result = ask_through(layer, case, case.question, request, capsys, built_index)
    expected = case.expected(layer)
    if expected is not None:
        assert kind == "error", f"expected a message containing {expected!r}, got an answer"
        check_one_line_message(result, expected)
    else:
        assert kind == "answer", f"expected an answer, got: {result!r}"
        check_answer(result, texts, case.k)
        # what the chat shows as the user's message is inert too
        from assistant.search.answers import escape_markdown

        check_inert_markdown(escape_markdown(result["question"]))
        assert not control_characters(result["question"], allowed=""), "control characters kept in the question"
        if case.speaker:
            assert all(p["speaker"] and "Putin" in p["speaker"] for p in result["passages"])
        if case.same_as is not None:
            reference = request.getfixturevalue("assistant").ask(case.same_as, k=case.k).to_dict()
            where = [(p["doc_id"], p["start"], p["end"]) for p in result["passages"]]
            assert where == [(p["doc_id"], p["start"], p["end"]) for p in reference["passages"]]
    assert tree_digest(built_index) == before


def test_the_table_is_big_enough():
    assert len(ASK_CASES) + len(UPLOAD_CASES) >= 120  # 77 from issue 5, the rest from issue 12
    assert len({c.id for c in ASK_CASES}) == len(ASK_CASES)
    assert len({c.id for c in UPLOAD_CASES}) == len(UPLOAD_CASES)


# ----------------------------------------------------------------------------------------------------------------
# Uploads
# ----------------------------------------------------------------------------------------------------------------

PAGE_REQUEST = SimpleNamespace(headers={"origin": "http://127.0.0.1:7860", "host": "127.0.0.1:7860"})
"""What the page's own request carries (issue 22: the change handlers refuse a request without it)."""


def rebuild_handler(index: Path):
    """The UI's rebuild event handler, taken from the page that ``assistant serve`` builds."""
    from assistant.app.ui import build_app

    demo = build_app(index)
    for block_fn in demo.fns.values():
        if getattr(block_fn.fn, "__name__", "") == "rebuild":
            return block_fn.fn
    raise AssertionError("the page has no rebuild handler")


def upload_through(layer: str, case: Upload, paths: list[Path], index: Path, capsys) -> tuple[str, Any]:
    if layer == "api":
        try:
            Assistant.build(paths, index)
            return "built", None
        except AssistantError as error:
            return "error", str(error)
    if layer == "cli":
        code, out, err = run_cli(capsys, ["build", *map(str, paths), "--index", str(index)])
        if code != 0:
            return "error", cli_error(code, out, err)
        assert "Traceback" not in err
        return "built", out
    import html as html_module

    handler = rebuild_handler(index)
    # the handler yields the add line (its progress, then its outcome) and the other boxes; the last one counts
    *_, last = handler([str(p) for p in paths], case.pasted, case.title, True, PAGE_REQUEST)
    status = last[0]
    if "status problem" in status:
        return "error", html_module.unescape(re.sub(r"<[^>]+>", "", status)).removeprefix("Not added: ")
    return "built", status


def outside(root: Path, index: Path) -> dict[str, str]:
    inside = str(index.relative_to(root))
    return {k: v for k, v in tree_digest(root).items() if k != inside and not k.startswith(inside + "/")}


UPLOAD_PARAMS = [pytest.param(c, layer, id=f"{c.id}-{layer}") for c in UPLOAD_CASES for layer in c.layers]


@pytest.mark.parametrize("case, layer", UPLOAD_PARAMS)
def test_hostile_upload(case: Upload, layer: str, tmp_path: Path, built_index: Path, capsys):
    index = tmp_path / "work" / "index"
    shutil.copytree(built_index, index)
    paths = write_uploads(case, tmp_path / "uploads")
    index_before = tree_digest(index)
    outside_before = outside(tmp_path, index)
    old_ids = {d.id for d in Assistant.load(index).documents()}

    kind, result = upload_through(layer, case, paths, index, capsys)

    assert outside(tmp_path, index) == outside_before, "something was written outside the index folder"
    if case.error is not None:
        assert kind == "error", f"expected a message containing {case.error!r}, the build succeeded"
        check_one_line_message(result, case.error)
        assert tree_digest(index) == index_before, "an invalid upload changed the index"
        return
    assert kind == "built", f"expected a build, got: {result!r}"
    if layer == "ui":
        from assistant.app.ui import article_view

        check_inert_html(result, {"p", "strong"})  # the add line, under the Add button
        check_inert_html(article_view(Assistant.load(index), None), VIEW_TAGS)
    check_built_index(case, layer, index, old_ids, capsys)


def check_built_index(case: Upload, layer: str, index: Path, old_ids: set[str], capsys) -> None:
    assistant = Assistant.load(index)
    documents = full_documents(assistant)
    new_ids = set(documents) - (old_ids if layer == "ui" else set())
    if case.expect_ids:
        assert set(case.expect_ids) <= set(documents), sorted(documents)[:10]
        if layer != "ui":
            assert set(documents) == set(case.expect_ids)
    if layer == "ui":
        assert old_ids <= set(documents), "the UI's rebuild (keep = on) lost a document"
    # sources: one file per document, named by its id, inside <index>/sources, holding the document's text
    # (the layout inside the index is the store's own: checked only when it keeps a sources folder)
    sources = (index / "sources").resolve()
    stored = {p.name: p for p in sources.iterdir()} if sources.is_dir() else {}
    if stored:
        assert len(stored) == len(documents)
    for doc_id, document in documents.items() if stored else ():
        name = next(n for n in stored if Path(n).stem == doc_id)
        assert stored[name].resolve().parent == sources
        assert stored[name].read_bytes().decode("utf-8") == document.text
    for path in index.rglob("*"):
        assert path.resolve().is_relative_to(index.resolve()), path
    # stored texts are clean: no control characters (but line ends, tabs, form feeds), no lone surrogates, no CR,
    # no BOM, NFC (issue 12)
    for doc_id in new_ids:
        text = documents[doc_id].text
        assert not control_characters(text, allowed="\n\t\f"), (doc_id, control_characters(text, "\n\t\f"))
        assert not has_surrogates(text), doc_id
        assert "\ufeff" not in text and "\u2028" not in text and "\u2029" not in text, doc_id
        assert unicodedata.is_normalized("NFC", text), doc_id
    for doc_id, date in case.expect_dates:
        assert documents[doc_id].date == date, (doc_id, documents[doc_id].date)
    # the new index answers, with exact sentences, inert markdown and an inert article view
    answer = assistant.ask(case.question, k=5)
    check_answer(answer.to_dict(), {i: d.text for i, d in documents.items()}, 5)
    if case.expect_in_passages is not None:
        assert any(case.expect_in_passages in p.text for p in answer.passages), [p.text for p in answer.passages]
    from assistant.app.ui import article_view

    view = article_view(assistant, answer)
    check_inert_html(view, VIEW_TAGS)
    assert "<script" not in view.lower()
    if case.expect_in_passages == "<script>":
        assert "&lt;script&gt;" in view, "the article view does not show the markup as text"
    code, plain, err = run_cli(capsys, ["ask", case.question, "--index", str(index)])
    assert code == 0, err
    assert not control_characters(plain), control_characters(plain)


# ----------------------------------------------------------------------------------------------------------------
# Issue 12: a 100 MB question is refused on its length, without being read whole
# ----------------------------------------------------------------------------------------------------------------

def test_100_mb_question_is_refused_at_once(assistant, built_index: Path, capsys):
    import time

    question = "hackers " * 12_500_000
    started = time.perf_counter()
    with pytest.raises(AssistantError, match="100,000,000 characters long; the limit is 2,000"):
        assistant.ask(question)
    assert time.perf_counter() - started < 1.0
    started = time.perf_counter()
    message = cli_error(*run_cli(capsys, ["ask", question, "--index", str(built_index)]))
    assert "the limit is 2,000" in message and len(message) < 200
    assert time.perf_counter() - started < 2.0
