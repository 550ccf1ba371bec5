"""The index directory: damaged, foreign or missing indexes are clear errors; builds replace atomically."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from assistant import Assistant, AssistantError
from assistant import store


@pytest.fixture()
def index_copy(tmp_path: Path, built_index: Path) -> Path:
    target = tmp_path / "index"
    shutil.copytree(built_index, target)
    return target


def _edit_manifest(index: Path, **changes) -> None:
    manifest = json.loads((index / store.MANIFEST).read_text())
    manifest.update(changes)
    (index / store.MANIFEST).write_text(json.dumps(manifest))


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda d: (d / store.VECTORS).write_bytes((d / store.VECTORS).read_bytes()[:100]), "damaged vectors.faiss"),
        (lambda d: (d / store.MANIFEST).write_text("{not json"), "corrupt manifest.json"),
        (lambda d: (d / store.MANIFEST).unlink(), "has no manifest.json"),
        (lambda d: (d / store.METADATA).unlink(), "missing metadata.json"),
        (lambda d: _edit_manifest(d, format_version=99), "newer version"),
        (lambda d: _edit_manifest(d, format="something-else"), "not an article-assistant manifest"),
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


def test_manifest_records_model_and_counts(built_index: Path):
    manifest = json.loads((built_index / store.MANIFEST).read_text())
    assert manifest["model"] == "all-MiniLM-L6-v2"
    assert manifest["dimension"] == 384
    assert manifest["counts"]["documents"] == 1
    assert manifest["counts"]["sentences"] > 20
    assert manifest["documents"][0]["sha256"]
    assert (built_index / store.SOURCES / "putin-nbc-2017-06-05.txt").is_file()


def test_rebuild_replaces_and_running_assistant_notices(index_copy: Path, tmp_path: Path):
    running = Assistant.load(index_copy)
    old_build = running.info()["build_id"]
    new_text = tmp_path / "council.txt"
    new_text.write_text(
        "The city council voted to close the old bridge.\n\n"
        "\u201cIt is simply not safe any more,\u201d Mayor Jane Doe said on Tuesday.\n", encoding="utf-8"
    )
    Assistant.build([new_text], index_copy)
    assert running.info()["build_id"] != old_build
    answer = running.ask("Why was the bridge closed?", k=1)
    assert answer.passages[0].doc_id == "council"
    leftovers = [p for p in index_copy.parent.iterdir() if p.name.startswith(".index.")]
    assert leftovers == []
