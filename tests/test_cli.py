"""The command line, run in-process (like CliRunner) and once as a real subprocess."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.app.cli import main


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_ask_json_hackers(capsys, built_index: Path):
    code, out, _ = run(capsys, "ask", "What did Putin say about hackers?", "--index", str(built_index), "--json")
    assert code == 0
    answer = json.loads(out)
    first = answer["passages"][0]
    assert "Hackers can be anywhere" in first["text"]
    assert "Putin" in first["speaker"] and first["attribution"] == "direct"


def test_ask_text_output(capsys, built_index: Path):
    code, out, _ = run(capsys, "ask", "Who said 'I was one of the guests there'?", "--index", str(built_index), "-k", "2")
    assert code == 0
    assert out.startswith("Vladimir Putin said it")
    assert "[1]" in out and "[2]" in out and "[3]" not in out


def test_speakers_json(capsys, built_index: Path):
    code, out, _ = run(capsys, "speakers", "--index", str(built_index), "--json")
    assert code == 0
    names = [e["name"] for e in json.loads(out)]
    assert names[0] == "Vladimir Putin"


def test_attribute_json_lines(capsys):
    from assistant.text.documents import bundled_article

    code, out, _ = run(capsys, "attribute", str(bundled_article()), "--json")
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    text = bundled_article().read_text(encoding="utf-8")
    assert rows and all(set(r) == {"start", "end", "text", "paragraph", "speaker", "attribution"} for r in rows)
    assert all(text[r["start"] : r["end"]] == r["text"] for r in rows)


@pytest.mark.parametrize(
    "argv, message",
    [
        (["ask", "   "], "empty"),
        (["ask", "x" * 100_000], "limit"),
        (["ask", "hi", "-k", "0"], "k must be"),
        (["attribute", "/no/such/file.txt"], "does not exist"),
    ],
)
def test_bad_input_exits_2_with_one_line(capsys, built_index: Path, argv, message):
    if argv[0] == "ask":
        argv = [*argv, "--index", str(built_index)]
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert message in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_bad_sources_leave_the_index_untouched(capsys, tmp_path: Path, built_index: Path):
    index = tmp_path / "index"
    shutil.copytree(built_index, index)
    before = {p.name: p.read_bytes() for p in index.iterdir() if p.is_file()}
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    binary = tmp_path / "blob.txt"
    binary.write_bytes(b"\x89PNG\x00\x00\x01")
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Caf\xe9 society.".encode("latin-1"))
    folder = tmp_path / "nothing"
    folder.mkdir()
    for source, message in [(empty, "empty"), (binary, "binary"), (latin, "UTF-8"), (folder, "no source files"),
                            (tmp_path / "missing.txt", "does not exist")]:
        code, _, err = run(capsys, "build", str(source), "--index", str(index))
        assert code == 2, source
        assert message in err and "Traceback" not in err
    after = {p.name: p.read_bytes() for p in index.iterdir() if p.is_file()}
    assert after == before


def test_other_model_index_is_refused(built_index: Path):
    from assistant import Assistant, AssistantError

    with pytest.raises(AssistantError, match="built with model"):
        Assistant.load(built_index, model="some/other-model")


def test_module_entry_point_exit_code(tmp_path: Path):
    result = subprocess.run(
        [sys.executable, "-m", "assistant", "ask", "hello", "--index", str(tmp_path / "missing")],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 2
    assert "does not exist" in result.stderr and "assistant build" in result.stderr
    assert "Traceback" not in result.stderr


def test_serve_refuses_remote_bind_without_flag(capsys):
    code, _, err = run(capsys, "serve", "--host", "0.0.0.0")
    assert code == 2 and "--allow-remote" in err


def test_missing_default_index_is_built_from_the_bundled_article(capsys, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("ASSISTANT_INDEX", str(tmp_path / "fresh-index"))
    code, out, _ = run(capsys, "ask", "What did Putin say about hackers?", "-k", "1", "--json")
    assert code == 0
    assert "Hackers can be anywhere" in json.loads(out)["passages"][0]["text"]
    assert (tmp_path / "fresh-index" / "manifest.json").is_file()


def test_build_then_ask_a_new_folder(capsys, tmp_path: Path):
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "harbour.md").write_text(
        "# Harbour reopens\n\nThe harbour reopened on Monday after the storm.\n\n"
        "\u201cWe lost three boats,\u201d said fisherman Tom Berg. He added that the insurance would not pay.\n",
        encoding="utf-8",
    )
    (texts / "notes.txt").write_text("date 2023-05-01 The council met. Nothing was decided.", encoding="utf-8")
    index = tmp_path / "index"
    code, out, err = run(capsys, "build", str(texts), "--index", str(index))
    assert code == 0 and "2 document(s)" in out and "[100%] done" in err
    code, out, _ = run(capsys, "ask", "How many boats were lost?", "--index", str(index), "-k", "1", "--json")
    passage = json.loads(out)["passages"][0]
    assert passage["doc_id"] == "harbour" and passage["doc_title"] == "Harbour reopens"
    assert passage["speaker"] == "Tom Berg" and passage["attribution"] == "direct"
    code, out, _ = run(capsys, "ask", "What did the council decide?", "--index", str(index), "-k", "1", "--json")
    assert json.loads(out)["passages"][0]["date"] == "2023-05-01"


# ----- the growing index from the command line
def test_add_documents_remove_verify_and_import(capsys, tmp_path: Path, built_index: Path):
    index = tmp_path / "index"
    shutil.copytree(built_index, index)
    note = tmp_path / "ferry-news.txt"
    note.write_text("date 2024-04-01\nA new ferry terminal opened.\n\n\u201cWe expect a million passengers,\u201d "
                    "said port director Ali Khan.\n", encoding="utf-8")
    code, out, _ = run(capsys, "add", str(note), "--index", str(index))
    assert code == 0 and "added 1" in out and "2 document(s)" in out
    code, out, _ = run(capsys, "documents", "--index", str(index), "--json")
    listed = {d["id"]: d for d in json.loads(out)}
    assert set(listed["ferry-news"]) == {"id", "title", "date", "url", "author", "source", "sentences", "speakers"}
    assert listed["ferry-news"]["url"] is None and listed["ferry-news"]["author"] is None
    assert listed["ferry-news"]["date"] == "2024-04-01" and listed["ferry-news"]["speakers"] == ["Ali Khan"]
    code, out, _ = run(capsys, "verify", "--index", str(index))
    assert code == 0 and "ok" in out
    code, out, _ = run(capsys, "remove", "ferry-news", "--index", str(index))
    assert code == 0 and "removed 1" in out
    code, _, err = run(capsys, "remove", "ferry-news", "--index", str(index))
    assert code == 2 and err.count("\n") == 1 and "no document" in err

    analysed = tmp_path / "analysed"
    code, out, _ = run(capsys, "analyse", str(note), "--out", str(analysed))
    assert code == 0 and "1 document(s)" in out and (analysed / "analysis.json").is_file()
    code, out, _ = run(capsys, "import", str(analysed), "--index", str(tmp_path / "new-index"))
    assert code == 0 and "added 1" in out
    code, out, _ = run(capsys, "ask", "How many passengers are expected?", "--index", str(tmp_path / "new-index"), "--json")
    assert json.loads(out)["passages"][0]["doc_id"] == "ferry-news"


@pytest.mark.parametrize(
    "argv, message",
    [
        (["import", "{tmp}/nothing-here", "--index", "{tmp}/idx"], "not a directory of analysed texts"),
        (["import", "{tmp}", "--index", "{tmp}/idx"], "no analysis.json"),
        (["build", "{src}", "--index", "{tmp}"], "not an index"),
        (["verify", "--index", "{tmp}/missing"], "does not exist"),
        (["analyse", "{src}", "--out", "{tmp}"], "holds or is inside the source"),
        (["add", "{tmp}/empty.txt", "--index", "{tmp}/idx"], "empty"),
    ],
)
def test_growing_index_bad_input_is_one_line_exit_2(capsys, tmp_path: Path, argv, message):
    (tmp_path / "empty.txt").write_text(" \n", encoding="utf-8")
    (tmp_path / "keep.txt").write_text("my own file", encoding="utf-8")
    src = tmp_path / "src.txt"
    src.write_text("One sentence here. Another one.\n", encoding="utf-8")
    code, out, err = run(capsys, *[a.format(tmp=tmp_path, src=src) for a in argv])
    assert code == 2, err
    last = err.strip().splitlines()[-1]  # progress lines may come first; the error is one line, last
    assert last.startswith("error: ") and message in last and err.count("error:") == 1 and "Traceback" not in err
    assert (tmp_path / "keep.txt").read_text(encoding="utf-8") == "my own file"
