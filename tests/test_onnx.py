"""The ONNX Runtime encoder (assistant/pipeline/encoder.py): export once into a checked cache, vectors equal to
torch's, the runtime setting, and what the index records. The sentences are written for these tests."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from assistant import settings
from assistant.errors import AssistantError
from assistant.pipeline import embedding, encoder, qa_model

SENTENCES = [
    "The harbour master said the ferry would not sail before the storm had passed.",
    "“We have no plans to close the library,” the council leader told reporters on Friday.",
    "Prices rose.",
    "",
    "   white space around a sentence   ",
    "Ünïcödé names — Zoë Ølberg, 日本語, emoji 🙂 and a dash – all in one line.",
    "What did the minister say about the new railway line?",
    " ".join(["a very long sentence that runs past the model's maximum sequence length"] * 40),
]


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("onnx-cache")
    old = os.environ.get(encoder.CACHE_ENV)
    os.environ[encoder.CACHE_ENV] = str(root)
    encoder.load.cache_clear()
    yield root
    encoder.load.cache_clear()
    if old is None:
        os.environ.pop(encoder.CACHE_ENV, None)
    else:
        os.environ[encoder.CACHE_ENV] = old


@pytest.fixture(scope="module")
def shipped(cache: Path) -> encoder.OnnxEncoder:
    return encoder.load(qa_model.NAME, embedding.resolve_model_path(qa_model.NAME))


def test_cache_root_is_the_env_var_or_the_user_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(encoder.CACHE_ENV, str(tmp_path / "x"))
    assert encoder.cache_root() == tmp_path / "x"
    monkeypatch.delenv(encoder.CACHE_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert encoder.cache_root() == tmp_path / "xdg" / "article-assistant" / "onnx"


def test_export_is_recorded_against_its_source_weights(shipped: encoder.OnnxEncoder, cache: Path) -> None:
    folder = shipped.exported.folder
    assert folder.parent == cache
    info = json.loads((folder / encoder.SOURCE_FILE).read_text(encoding="utf-8"))
    source = encoder.source_sha256(Path(embedding.resolve_model_path(qa_model.NAME)))
    assert info["source_sha256"] == source and folder.name.endswith(source[:16])
    assert info["onnx_sha256"] == encoder.sha256_file(folder / encoder.GRAPH_FILE)
    assert info["max_seq_length"] == 256 and info["pooling"] == "mean" and info["normalised"] is True
    assert info["precision"] == "fp32"


def test_a_second_load_does_not_export_again(shipped: encoder.OnnxEncoder, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_export(*args: object) -> None:
        raise AssertionError("exported again")

    monkeypatch.setattr(encoder, "_export", no_export)
    again = encoder.exported(qa_model.NAME, Path(embedding.resolve_model_path(qa_model.NAME)))
    assert again.folder == shipped.exported.folder


def test_tokens_are_sentence_transformers_tokens(shipped: encoder.OnnxEncoder) -> None:
    torch_model = embedding.load_model(qa_model.NAME)
    theirs = torch_model.preprocess(SENTENCES) if hasattr(torch_model, "preprocess") else torch_model.tokenize(SENTENCES)
    mine = shipped.features(SENTENCES)
    for name in ("input_ids", "attention_mask"):
        assert np.array_equal(theirs[name].numpy(), mine[name])
    assert mine["input_ids"].shape[1] == 256  # the long sentence is cut at max_seq_length, as torch cuts it


@pytest.mark.parametrize("threads", [1, 2])
def test_vectors_equal_torch(shipped: encoder.OnnxEncoder, threads: int) -> None:
    torch_vectors = embedding.encode(qa_model.NAME, SENTENCES, runtime="torch")
    onnx_vectors = shipped.encode(SENTENCES, batch_size=3, threads=threads)  # batches sorted by length, rows in order
    cosine = (torch_vectors * onnx_vectors).sum(axis=1)
    assert cosine.min() >= 0.99999, cosine
    assert np.allclose(np.linalg.norm(onnx_vectors, axis=1), 1.0, atol=1e-5)
    alone = shipped.encode_alone(SENTENCES, threads)  # what the product runs: each text on its own
    assert (torch_vectors * alone).sum(axis=1).min() >= 0.99999
    assert np.abs(alone - onnx_vectors).max() < 1e-6  # the same vectors as the sorted batches


def test_the_setting_picks_the_runtime(shipped: encoder.OnnxEncoder, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ASSISTANT_ENCODER", raising=False)
    assert settings.encoder_runtime() == "onnx"
    monkeypatch.setenv("ASSISTANT_ENCODER", "Torch")
    assert settings.encoder_runtime() == "torch"
    monkeypatch.setenv("ASSISTANT_ENCODER", "tensorflow")
    with pytest.raises(AssistantError, match="ASSISTANT_ENCODER is 'tensorflow'; it must be one of onnx, torch"):
        settings.encoder_runtime()
    monkeypatch.setenv("ASSISTANT_ENCODER", "onnx")
    assert embedding.embedding_dimension(qa_model.NAME) == 384


def test_a_damaged_export_is_refused_with_one_line(shipped: encoder.OnnxEncoder, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    copy = tmp_path / "cache"
    shutil.copytree(shipped.exported.folder, copy / shipped.exported.folder.name)
    monkeypatch.setenv(encoder.CACHE_ENV, str(copy))
    graph = copy / shipped.exported.folder.name / encoder.GRAPH_FILE
    data = bytearray(graph.read_bytes())
    data[len(data) // 2] ^= 0xFF
    graph.write_bytes(bytes(data))
    with pytest.raises(AssistantError) as caught:
        encoder.exported(qa_model.NAME, Path(embedding.resolve_model_path(qa_model.NAME)))
    line = str(caught.value)
    assert "\n" not in line and "is damaged (model.onnx is not the file that was exported)" in line
    assert "delete that folder and it is exported again" in line
    (copy / shipped.exported.folder.name / encoder.SOURCE_FILE).write_text("{", encoding="utf-8")
    with pytest.raises(AssistantError, match="unreadable source.json"):
        encoder.exported(qa_model.NAME, Path(embedding.resolve_model_path(qa_model.NAME)))


def test_a_changed_model_is_exported_again(shipped: encoder.OnnxEncoder, tmp_path: Path) -> None:
    """The shipped patch folder with one trained tensor changed: other source weights, a new export, other vectors."""
    from safetensors.torch import load_file, save_file

    changed = tmp_path / "changed-qa"
    shutil.copytree(qa_model.shipped_dir(), changed)
    tensors = load_file(str(changed / qa_model.LAYERS_FILE))
    name = next(k for k in sorted(tensors) if k.endswith(".delta_scale"))
    tensors[name] = tensors[name] * 3.0
    save_file(tensors, str(changed / qa_model.LAYERS_FILE))
    card = json.loads((changed / qa_model.CARD_FILE).read_text(encoding="utf-8"))
    card["layers_sha256"] = encoder.sha256_file(changed / qa_model.LAYERS_FILE)
    (changed / qa_model.CARD_FILE).write_text(json.dumps(card), encoding="utf-8")
    other = encoder.load(str(changed), str(changed))
    assert other.exported.folder != shipped.exported.folder
    assert other.exported.info["source_sha256"] == encoder.source_sha256(changed)
    cosine = (other.encode(SENTENCES[:3], 8, 1) * shipped.encode(SENTENCES[:3], 8, 1)).sum(axis=1)
    assert cosine.min() < 0.9999  # the graph holds the changed weights


def test_a_model_the_exporter_cannot_handle_is_one_line(cache: Path, tmp_path: Path) -> None:
    with pytest.raises(AssistantError, match="cannot export embedding model"):
        encoder.load("not-a-model", str(tmp_path))


TEXT = """Harbour news

The harbour master, Ilse Brandt, said on Monday that the ferry to the islands would stop for the winter.
“We cannot keep a crew on the boat when nobody travels,” Brandt said.
The island council wants a smaller boat. Its chair, Tomas Lind, told the meeting that fishermen need the route.
"""


def test_the_index_records_runtime_and_precision_and_either_runtime_reads_it(
    shipped: encoder.OnnxEncoder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant import Assistant

    source = tmp_path / "harbour.txt"
    source.write_text(TEXT, encoding="utf-8")
    monkeypatch.setenv("ASSISTANT_ENCODER", "torch")
    built = Assistant.build([source], tmp_path / "index")
    manifest = json.loads((tmp_path / "index" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["model"] == qa_model.NAME
    assert manifest["encoder_runtime"] == "torch" and manifest["encoder_precision"] == "fp32"
    question = "When does the ferry stop?"
    with_torch = built.ask(question, k=3)
    monkeypatch.setenv("ASSISTANT_ENCODER", "onnx")
    with_onnx = Assistant.load(tmp_path / "index").ask(question, k=3)
    assert [p.text for p in with_onnx.passages] == [p.text for p in with_torch.passages]
    # the shipped model's questions are int8 on ONNX (measured, docs/speed.md): scores close, not equal
    assert np.allclose([p.score for p in with_onnx.passages], [p.score for p in with_torch.passages], atol=0.02)


def test_an_index_of_another_precision_is_refused(tmp_path: Path) -> None:
    from assistant.store import manifest as manifest_file

    good = {"format": manifest_file.FORMAT, "format_version": manifest_file.FORMAT_VERSION, "model": "m",
            "dimension": 4, "generation": 1, "segments": []}
    manifest_file.check_fields(tmp_path, good)  # older manifests record no precision: fp32
    assert manifest_file.stored_shape(good)["encoder_precision"] == "fp32"
    manifest_file.check_fields(tmp_path, {**good, "encoder_precision": "int8"})  # the shipped model's, on ONNX
    with pytest.raises(manifest_file.IndexProblem, match="was encoded at precision 'bf16', which this version does not make"):
        manifest_file.check_fields(tmp_path, {**good, "encoder_precision": "bf16"})


def test_the_cli_flag_sets_the_runtime(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from assistant.app import cli

    monkeypatch.setenv("ASSISTANT_ENCODER", "onnx")  # recorded, so that the flag's own setting is undone after
    monkeypatch.delenv("ASSISTANT_ENCODER")
    seen = {}
    monkeypatch.setitem(cli.COMMANDS, "speakers", lambda args: seen.setdefault("runtime", settings.encoder_runtime()))
    assert cli.main(["--encoder", "torch", "speakers"]) == 0
    assert seen["runtime"] == "torch"
    with pytest.raises(SystemExit) as caught:
        cli.main(["--encoder", "tflite", "speakers"])
    assert caught.value.code == 2
    capsys.readouterr()
    monkeypatch.setenv("ASSISTANT_ENCODER", "tflite")
    monkeypatch.setitem(cli.COMMANDS, "speakers", lambda args: settings.encoder_runtime())
    assert cli.main(["speakers"]) == 2
    assert capsys.readouterr().err.strip().splitlines() == [
        "error: ASSISTANT_ENCODER is 'tflite'; it must be one of onnx, torch."
    ]


def test_ray_workers_get_the_runtime(monkeypatch: pytest.MonkeyPatch) -> None:
    from assistant.pipeline import distributed

    monkeypatch.setenv("ASSISTANT_ENCODER", "torch")
    assert distributed._worker_env(1)["ASSISTANT_ENCODER"] == "torch"
    monkeypatch.delenv("ASSISTANT_ENCODER")
    assert distributed._worker_env(1)["ASSISTANT_ENCODER"] == "onnx"


def test_questions_of_the_shipped_model_are_int8_on_onnx_only(shipped: encoder.OnnxEncoder) -> None:
    assert encoder.question_precision(qa_model.NAME, "onnx") == "int8"
    assert encoder.question_precision(qa_model.NAME, "torch") == "fp32"
    assert encoder.question_precision(settings.STOCK_MODEL, "onnx") == "fp32"  # not measured: full precision
    questions = SENTENCES[:3] + SENTENCES[6:7]
    int8 = embedding.encode_questions(qa_model.NAME, questions, runtime="onnx")
    fp32 = embedding.encode(qa_model.NAME, questions, runtime="onnx")
    cosine = (int8 * fp32).sum(axis=1)
    assert 0.95 < cosine.min() and cosine.max() < 0.99999  # the quantised graph, close to the fp32 one
    info = json.loads((shipped.exported.folder / encoder.SOURCE_FILE).read_text(encoding="utf-8"))
    assert info["int8_sha256"] == encoder.sha256_file(shipped.exported.folder / encoder.INT8_FILE)
    assert np.allclose(embedding.encode_questions(qa_model.NAME, questions, runtime="torch"), embedding.encode(
        qa_model.NAME, questions, runtime="torch"), atol=1e-6)


def test_a_damaged_int8_graph_is_refused(shipped: encoder.OnnxEncoder, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    encoder.int8_graph(qa_model.NAME, shipped.exported)
    copy = tmp_path / shipped.exported.folder.name
    shutil.copytree(shipped.exported.folder, copy)
    (copy / encoder.INT8_FILE).write_bytes(b"not a graph")
    with pytest.raises(AssistantError, match="is damaged \\(model.int8.onnx is not the file that was quantised\\)"):
        encoder.int8_graph(qa_model.NAME, encoder.Exported(copy, shipped.exported.info))


def test_an_int8_question_does_not_depend_on_the_questions_beside_it(shipped: encoder.OnnxEncoder) -> None:
    questions = [SENTENCES[6], SENTENCES[0], SENTENCES[7]]
    together = embedding.encode_questions(qa_model.NAME, questions, runtime="onnx")
    alone = np.vstack([embedding.encode_questions(qa_model.NAME, [q], runtime="onnx") for q in questions])
    assert np.array_equal(together, alone)
