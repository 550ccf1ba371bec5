"""The growing index: add, replace, remove, import, verify; damaged, foreign or old indexes are clear errors."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import numpy as np
import pytest

from assistant import Assistant, AssistantError, analyse
from assistant.pipeline import embedding
from assistant.store import changes as indexing
from assistant.text.documents import make_document, read_documents
from assistant.store import manifest as manifest_file
from assistant.store import open_snapshot, verify

COUNCIL = (
    "date 2024-03-05\n"
    "The city council voted to close the old bridge.\n\n"
    "\u201cIt is simply not safe any more,\u201d Mayor Jane Doe said on Tuesday.\n"
)
HARBOUR = (
    "date 2024-04-01\n"
    "The harbour authority opened a new ferry terminal on Monday.\n\n"
    "\u201cWe expect a million passengers a year,\u201d said port director Ali Khan.\n"
)


@pytest.fixture()
def index_copy(tmp_path: Path, built_index: Path) -> Path:
    target = tmp_path / "index"
    shutil.copytree(built_index, target)
    return target


@pytest.fixture()
def texts(tmp_path: Path) -> Path:
    folder = tmp_path / "texts"
    folder.mkdir()
    (folder / "council.txt").write_text(COUNCIL, encoding="utf-8")
    (folder / "harbour.txt").write_text(HARBOUR, encoding="utf-8")
    return folder


def _segment_file(index: Path, name: str) -> Path:
    manifest = json.loads((index / manifest_file.MANIFEST).read_text())
    return index / "segments" / manifest["segments"][0]["name"] / name


def _edit_manifest(index: Path, **changes) -> None:
    manifest = json.loads((index / manifest_file.MANIFEST).read_text())
    manifest.update(changes)
    (index / manifest_file.MANIFEST).write_text(json.dumps(manifest))


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda d: _segment_file(d, "vectors.npy").write_bytes(b"x" * 100), "damaged"),
        (lambda d: (d / manifest_file.MANIFEST).write_text("{not json"), "corrupt manifest.json"),
        (lambda d: (d / manifest_file.MANIFEST).unlink(), "has no manifest.json"),
        (lambda d: _segment_file(d, "documents.sqlite").unlink(), "is missing"),
        (lambda d: _edit_manifest(d, format_version=99), "newer version"),
        (lambda d: _edit_manifest(d, format_version=1), "old index format"),
        (lambda d: _edit_manifest(d, format="something-else"), "not an article-assistant manifest"),
        (lambda d: _edit_manifest(d, segments="many"), "bad segment list"),
        (lambda d: _edit_manifest(d, dimension="384"), "bad dimension"),
        (lambda d: shutil.rmtree(d), "does not exist"),
    ],
)
def test_damaged_index_is_one_clear_error(index_copy: Path, damage, message):
    damage(index_copy)
    with pytest.raises(AssistantError) as error:
        Assistant.load(index_copy)
    text = str(error.value)
    assert message in text
    assert "assistant build" in text and "\n" not in text


def test_verify_finds_a_changed_byte_that_loading_does_not_read(index_copy: Path):
    assert verify(index_copy)["files"] > 5
    path = _segment_file(index_copy, "vectors.npy")
    data = bytearray(path.read_bytes())
    data[-1] ^= 0xFF
    path.write_bytes(bytes(data))
    Assistant.load(index_copy)  # sizes match: loading stays cheap
    with pytest.raises(AssistantError, match="checksum does not match"):
        verify(index_copy)


def test_a_resealed_sentence_outside_its_text_is_found(index_copy: Path):
    """A hand-edited sentence table with fresh checksums: verify says so, and a question gets one clear error."""
    import hashlib

    import numpy as np

    path = _segment_file(index_copy, "sentences.npy")
    table = np.load(path)
    table[:, 3] = table[:, 3] + 10_000_000  # every end far past its text
    np.save(path, table)
    manifest = json.loads((index_copy / manifest_file.MANIFEST).read_text())
    manifest["segments"][0]["files"]["sentences.npy"]["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    (index_copy / manifest_file.MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(AssistantError, match="outside the text"):
        verify(index_copy)
    with pytest.raises(AssistantError, match="outside its document's text"):
        Assistant.load(index_copy).ask("What did Putin say about hackers?")


def test_manifest_records_model_counts_and_segments(built_index: Path):
    manifest = json.loads((built_index / manifest_file.MANIFEST).read_text())
    assert manifest["model"] == "qa-minilm-l6"
    assert manifest["dimension"] == 384
    assert manifest["format_version"] == manifest_file.FORMAT_VERSION
    assert manifest["counts"]["documents"] == 1
    assert manifest["counts"]["sentences"] > 20
    assert all(info["sha256"] and info["size"] > 0 for info in manifest["segments"][0]["files"].values())


def test_add_replace_remove(index_copy: Path, texts: Path):
    assistant = Assistant.load(index_copy)
    before = assistant.ask("What did Putin say about hackers?", k=3).to_dict()
    change = assistant.add([texts])
    assert sorted(change.added) == ["council", "harbour"] and change.documents == 3
    assert assistant.ask("Why was the bridge closed?", k=1).passages[0].doc_id == "council"
    docs = {d.id: d for d in assistant.documents()}
    assert docs["council"].date == "2024-03-05" and "Jane Doe" in docs["council"].speakers
    assert "ferry terminal" in assistant.document("harbour").text

    (texts / "council.txt").write_text(COUNCIL.replace("old bridge", "old railway bridge"), encoding="utf-8")
    change = assistant.add([texts / "council.txt"])
    assert change.replaced == ["council"] and change.documents == 3
    top = assistant.ask("Why was the railway bridge closed?", k=1).passages[0]
    assert "railway" in assistant.document("council").text and top.doc_id == "council"

    change = assistant.remove(["council", "harbour"])
    assert change.removed == ["council", "harbour"] and change.documents == 1
    assert [d.id for d in assistant.documents()] == ["putin-nbc-2017-06-05"]
    assert assistant.ask("What did Putin say about hackers?", k=3).to_dict()["passages"] == before["passages"]


def test_add_embeds_only_the_new_texts_and_build_reuses_analysis(index_copy: Path, texts: Path, monkeypatch):
    encoded: list[int] = []
    real = embedding.encode

    def counting(model, batch, *args, **kwargs):
        encoded.append(len(batch))
        return real(model, batch, *args, **kwargs)

    monkeypatch.setattr(embedding, "encode", counting)
    Assistant.load(index_copy).add([texts / "council.txt"])
    assert sum(encoded) == 2  # the council's two sentences, not the indexed article
    encoded.clear()
    from assistant.text.documents import bundled_article

    Assistant.build([bundled_article(), texts / "council.txt"], index_copy)
    assert encoded == []  # same texts, same model, same analysis code: nothing embedded again


def test_unknown_id_bad_sources_and_other_model_change_nothing(index_copy: Path, tmp_path: Path):
    assistant = Assistant.load(index_copy)
    generation = assistant.index.generation
    with pytest.raises(AssistantError, match="no document 'nope'|no document nope"):
        assistant.remove(["nope"])
    empty = tmp_path / "empty.txt"
    empty.write_text("   \n", encoding="utf-8")
    with pytest.raises(AssistantError):
        assistant.add([empty])
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\x00\x01\x02")
    with pytest.raises(AssistantError):
        assistant.add([binary])
    with pytest.raises(AssistantError, match="built with model"):
        indexing.add([make_document("A text. Another.", "x")], index_copy, "some/other-model")
    assert open_snapshot(index_copy).generation == generation


def test_a_folder_that_is_not_an_index_is_never_touched(tmp_path: Path, texts: Path):
    thesis = tmp_path / "thesis"
    (thesis / "chapters").mkdir(parents=True)
    (thesis / "notes.txt").write_text("my notes", encoding="utf-8")
    (thesis / "key.pem").write_text("secret", encoding="utf-8")
    with pytest.raises(AssistantError, match="not an index"):
        Assistant.build([texts], thesis)
    with pytest.raises(AssistantError):
        Assistant.load(thesis)
    assert sorted(p.name for p in thesis.iterdir()) == ["chapters", "key.pem", "notes.txt"]


def test_a_symlinked_index_is_followed_not_replaced(index_copy: Path, tmp_path: Path, texts: Path):
    link = tmp_path / "link"
    link.symlink_to(index_copy)
    Assistant.load(link).add([texts / "harbour.txt"])
    assert link.is_symlink()
    assert "harbour" in {d.id for d in Assistant.load(index_copy).documents()}


def test_another_process_change_is_seen_within_a_second(index_copy: Path, texts: Path):
    reader = Assistant.load(index_copy)
    segment_objects = list(reader.index.segments)
    import subprocess
    import sys

    subprocess.run([sys.executable, "-m", "assistant", "add", str(texts / "harbour.txt"), "--index", str(index_copy)],
                   check=True, capture_output=True)
    time.sleep(0.3)
    assert "harbour" in {d.id for d in reader.documents()}
    assert reader.index.segments[0] is segment_objects[0]  # the unchanged segment was not opened again


def test_two_writers_one_waits(index_copy: Path, texts: Path):
    """While one writer holds the lock, a second gets a clear message after its wait, never a lost update."""
    with manifest_file.writer_lock(index_copy):
        with pytest.raises(AssistantError, match="being changed by another process"):
            with manifest_file.writer_lock(index_copy, wait=0.2):
                pass
    import threading

    errors: list[Exception] = []

    def add(name: str) -> None:
        try:
            Assistant.load(index_copy).add([texts / name])
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=add, args=(n,)) for n in ("council.txt", "harbour.txt")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert {"council", "harbour", "putin-nbc-2017-06-05"} == {d.id for d in Assistant.load(index_copy).documents()}


def test_many_adds_are_merged_and_stay_correct(tmp_path: Path, monkeypatch):
    """After more adds than MAX_SEGMENTS, the small segments are merged; every document still answers."""
    from assistant.store import writer

    monkeypatch.setattr(writer, "MAX_SEGMENTS", 3)
    index = tmp_path / "index"
    for n in range(6):
        text = tmp_path / f"note-{n}.txt"
        text.write_text(f"Memo {n}. The warehouse number {n} stores {n * 7} crates of zebra-{n} parts.\n", encoding="utf-8")
        indexing.add(read_documents([text]), index, None)
    snapshot = open_snapshot(index)
    assert len(snapshot.segments) <= 3
    assistant = Assistant.load(index)
    for n in range(6):
        assert assistant.ask(f"How many crates of zebra-{n} parts?", k=1).passages[0].doc_id == f"note-{n}"
    assert len(list((index / "segments").iterdir())) == len(snapshot.segments)  # merged-away segments deleted


def test_analyse_then_import_equals_add(tmp_path: Path, texts: Path, index_copy: Path):
    out = tmp_path / "analysed"
    documents, sentences, _ = analyse([texts], out)
    assert (documents, sentences) == (2, 4)
    assert json.loads((out / "analysis.json").read_text())["dimension"] == 384
    fresh = tmp_path / "fresh"
    Assistant.build([texts], tmp_path / "built")
    imported = indexing.import_dirs([out], fresh)
    assert (imported.documents, imported.sentences) == (2, 4)
    a = Assistant.load(fresh).ask("Who expects a million passengers?", k=2).to_dict()
    b = Assistant.load(tmp_path / "built").ask("Who expects a million passengers?", k=2).to_dict()
    assert [p["text"] for p in a["passages"]] == [p["text"] for p in b["passages"]]
    assert [p["speaker"] for p in a["passages"]] == [p["speaker"] for p in b["passages"]]
    Assistant.load(index_copy).import_analysed([out])
    assert {"council", "harbour"} <= {d.id for d in Assistant.load(index_copy).documents()}


def _rewrite_sentences(out: Path, edit) -> None:
    import pyarrow.parquet as pq

    path = next((out / "sentences").glob("*.parquet"))
    table = pq.read_table(path).to_pydict()
    edit(table)
    import pyarrow as pa

    schema = pq.read_schema(path)
    pq.write_table(pa.table(table, schema=schema), path)


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda t: t["attribution"].__setitem__(0, "rumour"), "unknown attribution"),
        (lambda t: t["end"].__setitem__(0, 10_000_000), "outside its text"),
        (lambda t: t["number"].__setitem__(1, 7), "numbered 1..n"),
        (lambda t: t["doc_id"].__setitem__(0, "ghost"), "not in documents"),
        (lambda t: t["vector"].__setitem__(0, [float("nan")] * 384), "not finite"),
        (lambda t: t["vector"].__setitem__(0, [1.0] * 384), "L2-normalised"),
    ],
)
def test_import_refuses_a_broken_analysed_dir(tmp_path: Path, texts: Path, index_copy: Path, edit, message):
    out = tmp_path / "analysed"
    analyse([texts], out)
    _rewrite_sentences(out, edit)
    generation = open_snapshot(index_copy).generation
    with pytest.raises(AssistantError, match=message):
        Assistant.load(index_copy).import_analysed([out])
    assert open_snapshot(index_copy).generation == generation


def test_import_refuses_another_model(tmp_path: Path, texts: Path, index_copy: Path):
    out = tmp_path / "analysed"
    analyse([texts], out)
    header = json.loads((out / "analysis.json").read_text())
    (out / "analysis.json").write_text(json.dumps({**header, "model": "other-model"}))
    with pytest.raises(AssistantError, match="other-model"):
        Assistant.load(index_copy).import_analysed([out])


def test_deleted_rows_never_come_back(tmp_path: Path, texts: Path):
    Assistant.build([texts], tmp_path / "index")
    assistant = Assistant.load(tmp_path / "index")
    assistant.remove(["harbour"])
    for question in ("ferry terminal passengers", "Who expects a million passengers?"):
        assert all(p.doc_id == "council" for p in assistant.ask(question, k=5).passages)
    assert np.all([s.name != "Ali Khan" for s in assistant.speakers()])


# ----- what shapes the stored vectors is recorded in the manifest (not only in the code) -----

def test_manifest_records_what_shapes_the_vectors(built_index: Path):
    manifest = json.loads((built_index / manifest_file.MANIFEST).read_text())
    assert manifest["model"] == "qa-minilm-l6"
    assert manifest["context_weight"] == 0.5
    assert manifest["embedding_text"] == "title: sentence"


def test_an_index_answers_with_its_own_context_weight_and_keeps_it(index_copy: Path, texts: Path):
    question = "What did Putin say about hackers?"
    before = Assistant.load(index_copy).ask(question, k=3)
    _edit_manifest(index_copy, context_weight=1.5)
    assert open_snapshot(index_copy).context_weight == 1.5
    after = Assistant.load(index_copy).ask(question, k=3)
    assert [p.score for p in after.passages] != [p.score for p in before.passages]  # read from the manifest
    indexing.add(read_documents([texts / "council.txt"]), index_copy, None)
    assert json.loads((index_copy / manifest_file.MANIFEST).read_text())["context_weight"] == 1.5  # kept by a change


def test_an_index_from_before_the_shape_was_recorded_reads_as_built_and_records_it(index_copy: Path, texts: Path):
    manifest = json.loads((index_copy / manifest_file.MANIFEST).read_text())
    for key in ("context_weight", "embedding_text"):
        manifest.pop(key)
    (index_copy / manifest_file.MANIFEST).write_text(json.dumps(manifest))
    assert open_snapshot(index_copy).context_weight == 0.5
    indexing.add(read_documents([texts / "council.txt"]), index_copy, None)
    written = json.loads((index_copy / manifest_file.MANIFEST).read_text())
    assert (written["context_weight"], written["embedding_text"]) == (0.5, "title: sentence")


@pytest.mark.parametrize("changes, message", [
    ({"embedding_text": "sentence only"}, "a text form this version does not make"),
    ({"context_weight": "heavy"}, "bad context weight"),
    ({"context_weight": -1}, "bad context weight"),
])
def test_an_index_with_another_shape_says_how_to_rebuild(index_copy: Path, changes, message):
    _edit_manifest(index_copy, **changes)
    with pytest.raises(AssistantError, match=message) as raised:
        Assistant.load(index_copy)
    assert "rebuild it with: assistant build SOURCES --index" in str(raised.value)
