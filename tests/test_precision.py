"""Precision of the stored vectors (issue 20): a vector depends on its own text only, the precision is carried by
the analysed form and the index manifest, a mix is refused, older fp32 forms and indexes still work, and questions are
encoded the way their index was. No model is encoded int8 in bulk today (``encoder.BULK_INT8_MODELS``: the shipped
model failed the seed gate); the tests that need int8 indexes switch it on for the shipped model (``int8_bulk``), as
a version that adopts it would. The texts are written for these tests."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

from assistant import Assistant, AssistantError, analyse
from assistant.api import import_analysed
from assistant.pipeline import analysed as analysed_form
from assistant.pipeline import embedding, encoder, qa_model
from assistant.pipeline.analysis import analysis_key
from assistant.store import manifest as manifest_file

SENTENCES = [
    "Harbour news: The ferry to the islands stops for the winter, the harbour master said.",
    "Prices rose.",
    "Harbour news: " + " ".join(["a long sentence that fills the model's whole input with words"] * 40),
    "Ünïcödé — Zoë Ølberg said the boat was “too small” for the route.",
    "",
    "Who chairs the island council?",
]

HARBOUR = """Harbour news

The harbour master, Ilse Brandt, said on Monday that the ferry to the islands would stop for the winter.
“We cannot keep a crew on the boat when nobody travels,” Brandt said.
The island council wants a smaller boat. Its chair, Tomas Lind, told the meeting that fishermen need the route.
"""
MARKET = """Market day

The town market moves to the square next month, the mayor, Ada Roth, announced.
“Traders asked for more room,” Roth said. Stall fees stay the same, according to the council.
"""
QUESTIONS = ["When does the ferry stop?", "Who chairs the council?", "Where does the market move?",
             "What did the traders ask for?"]


@pytest.fixture()
def int8_bulk(monkeypatch: pytest.MonkeyPatch) -> None:
    """The shipped model's bulk analysis in int8 on ONNX Runtime, as adopting it would set."""
    monkeypatch.setattr(encoder, "BULK_INT8_MODELS", frozenset({qa_model.NAME}))


@pytest.fixture()
def sources(tmp_path: Path) -> list[Path]:
    (tmp_path / "harbour.txt").write_text(HARBOUR, encoding="utf-8")
    (tmp_path / "market.txt").write_text(MARKET, encoding="utf-8")
    return [tmp_path / "harbour.txt", tmp_path / "market.txt"]


def _manifest(index: Path) -> dict:
    return json.loads((index / manifest_file.MANIFEST).read_text(encoding="utf-8"))


def _encode(texts: list[str], threads: int, precision: str) -> np.ndarray:
    embedding.set_threads(threads)
    try:
        return embedding.encode(qa_model.NAME, texts, runtime="onnx", precision=precision)
    finally:
        embedding.set_threads()


# ----- which precision, where -----

def test_which_precision_where(monkeypatch: pytest.MonkeyPatch) -> None:
    assert encoder.bulk_precision(qa_model.NAME, "onnx") == "fp32"  # the seed gate failed: the bulk stays fp32
    assert encoder.question_precision(qa_model.NAME, "onnx") == "int8"  # its questions against fp32: measured
    monkeypatch.setattr(encoder, "BULK_INT8_MODELS", frozenset({qa_model.NAME}))
    assert encoder.bulk_precision(qa_model.NAME, "onnx") == "int8"
    assert encoder.bulk_precision(qa_model.NAME, "torch") == "fp32"  # torch makes fp32 only
    assert encoder.bulk_precision("all-MiniLM-L6-v2", "onnx") == "fp32"  # not measured
    assert encoder.question_precision(qa_model.NAME, "torch", "int8") == "int8"  # an int8 index: ONNX int8 questions
    assert encoder.question_precision("all-MiniLM-L6-v2", "onnx", "int8") == "int8"
    assert encoder.question_precision("all-MiniLM-L6-v2", "onnx", "fp32") == "fp32"
    assert encoder.runtime_of("int8", "torch") == "onnx" and encoder.runtime_of("fp32", "torch") == "torch"
    assert analysis_key(qa_model.NAME, "fp32") == analysis_key(qa_model.NAME)  # the keys of every older index
    assert analysis_key(qa_model.NAME, "int8") != analysis_key(qa_model.NAME, "fp32")


# ----- a vector depends on its own text only -----

@pytest.mark.parametrize("precision", ["int8", "fp32"])
def test_a_vector_does_not_depend_on_its_neighbours_or_the_thread_count(precision: str) -> None:
    alone = np.vstack([_encode([t], 1, precision) for t in SENTENCES])
    together = _encode(SENTENCES, 1, precision)
    reordered = _encode(SENTENCES[::-1], 2, precision)[::-1]
    assert np.array_equal(together, alone)  # bit for bit
    assert np.array_equal(reordered, alone)  # other neighbours, both cores: the same bits
    assert np.allclose(np.linalg.norm(alone, axis=1), 1.0, atol=1e-5)


def test_int8_vectors_are_close_to_fp32_not_equal() -> None:
    int8, fp32 = _encode(SENTENCES, 2, "int8"), _encode(SENTENCES, 2, "fp32")
    assert 0.95 < float((int8 * fp32).sum(axis=1).min()) and not np.allclose(int8, fp32, atol=1e-4)


def test_batched_int8_would_depend_on_its_neighbours() -> None:
    """Why texts are encoded one at a time: in a batch the activation scale is the whole batch's (and padding's)."""
    loaded = encoder.load(qa_model.NAME, embedding.resolve_model_path(qa_model.NAME))
    graph = loaded.int8(qa_model.NAME)
    alone = loaded.encode_alone(SENTENCES[:2], 1, graph)
    batched = loaded.encode(SENTENCES[:3], 8, 1, graph)[:2]  # beside a long text: padding and another scale
    assert np.abs(batched - alone).max() > 1e-4


# ----- the precision carried by the analysed form and the manifest -----

def test_fp32_is_recorded_too(sources: list[Path], tmp_path: Path) -> None:
    analyse(sources, tmp_path / "analysed")
    parts = sorted((tmp_path / "analysed" / "sentences").glob("*.parquet"))
    assert parts and all(pq.read_schema(p).metadata[analysed_form.PRECISION_KEY] == b"fp32" for p in parts)
    assert Assistant.build(sources, tmp_path / "index").index.encoder_precision == "fp32"
    assert _manifest(tmp_path / "index")["encoder_precision"] == "fp32"


def test_the_precision_is_recorded_in_the_analysed_form_and_the_manifest(sources: list[Path], tmp_path: Path,
                                                                         int8_bulk: None) -> None:
    analyse(sources, tmp_path / "analysed")
    parts = sorted((tmp_path / "analysed" / "sentences").glob("*.parquet"))
    assert parts and all(pq.read_schema(p).metadata[analysed_form.PRECISION_KEY] == b"int8" for p in parts)
    header = json.loads((tmp_path / "analysed" / "analysis.json").read_text(encoding="utf-8"))
    assert set(header) == {"format", "format_version", "model", "dimension"}  # the contract's header, unchanged
    assert analysed_form.read_precision(tmp_path / "analysed") == "int8"
    _, form = analysed_form.read(tmp_path / "analysed")

    built = Assistant.build(sources, tmp_path / "built")
    manifest = _manifest(tmp_path / "built")
    assert manifest["encoder_precision"] == "int8" and manifest["encoder_runtime"] == "onnx"
    assert built.index.encoder_precision == "int8"
    import_analysed([tmp_path / "analysed"], tmp_path / "imported")
    assert _manifest(tmp_path / "imported")["encoder_precision"] == "int8"
    # the analysed form and the build encode the same sentences to the same bits
    assert np.array_equal(form.vectors, np.vstack([s.vectors for s in built.index.segments]))


def test_an_old_analysed_form_without_the_field_is_fp32(sources: list[Path], tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    analyse(sources, tmp_path / "old")
    assert analysed_form.read_precision(tmp_path / "old") == "fp32"
    for path in (tmp_path / "old" / "sentences").glob("*.parquet"):  # as a version before the field wrote it
        table = pq.read_table(path)
        pq.write_table(table.replace_schema_metadata(None), path)
        assert analysed_form.PRECISION_KEY not in (pq.read_schema(path).metadata or {})
    assert analysed_form.read_precision(tmp_path / "old") == "fp32"
    monkeypatch.setattr(encoder, "BULK_INT8_MODELS", frozenset({qa_model.NAME}))  # also where int8 is the default
    import_analysed([tmp_path / "old"], tmp_path / "index")
    assert _manifest(tmp_path / "index")["encoder_precision"] == "fp32"


def test_mixing_precisions_is_refused_in_one_line(sources: list[Path], tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(encoder, "BULK_INT8_MODELS", frozenset({qa_model.NAME}))  # made by a version that adopts it
    analyse(sources[:1], tmp_path / "int8")
    Assistant.build(sources, tmp_path / "int8-index")
    monkeypatch.setattr(encoder, "BULK_INT8_MODELS", frozenset())  # this version: fp32
    analyse(sources[1:], tmp_path / "fp32")
    Assistant.build(sources, tmp_path / "fp32-index")

    for form, index, held, fix in (
        ("fp32", "int8-index", "int8", f"rebuild the index with: assistant build SOURCES --index {tmp_path / 'int8-index'}, then import it"),
        ("int8", "fp32-index", "fp32", f"analyse it again with: assistant analyse SOURCES --out {tmp_path / 'int8'}"),
    ):
        before = _manifest(tmp_path / index)
        with pytest.raises(AssistantError) as caught:
            import_analysed([tmp_path / form], tmp_path / index)
        line = str(caught.value)
        assert "\n" not in line and f"{tmp_path / form} holds {form} vectors but index" in line
        assert f"holds {held} ones, which do not mix; nothing was changed. To import it, {fix} (this version encodes fp32)" in line
        assert _manifest(tmp_path / index) == before  # nothing changed
    with pytest.raises(AssistantError, match="holds fp32 vectors but .*int8 holds int8 ones, which do not mix in one "
                                             "index; nothing was written. Analyse it again with: assistant analyse "
                                             "SOURCES --out .*int8 \\(this version encodes fp32\\)"):
        import_analysed([tmp_path / "int8", tmp_path / "fp32"], tmp_path / "new-index")
    assert not (tmp_path / "new-index" / manifest_file.MANIFEST).exists()

    mixed = tmp_path / "mixed"  # parts of two precisions in one folder
    shutil.copytree(tmp_path / "int8", mixed)
    for table in ("documents", "sentences"):
        for path in (tmp_path / "fp32" / table).glob("*.parquet"):
            shutil.copy(path, mixed / table / f"other-{path.name}")
    with pytest.raises(AssistantError, match="mixes vectors of two precisions"):
        analysed_form.read_precision(mixed)
    part = next((tmp_path / "fp32" / "sentences").glob("*.parquet"))
    pq.write_table(pq.read_table(part).replace_schema_metadata({analysed_form.PRECISION_KEY: b"fp16"}), part)
    with pytest.raises(AssistantError, match="names encoder precision 'fp16'; this version reads fp32, int8"):
        import_analysed([tmp_path / "fp32"], tmp_path / "new-index")


def test_the_writer_refuses_vectors_of_another_precision(sources: list[Path], tmp_path: Path, int8_bulk: None) -> None:
    from assistant.pipeline.analysis import analyse_documents
    from assistant.store.writer import IndexWriter
    from assistant.text.documents import read_documents

    Assistant.build(sources[:1], tmp_path / "index")
    analysed, keys, hashes, _ = analyse_documents(read_documents(sources[1:]), qa_model.NAME, precision="fp32")
    with pytest.raises(AssistantError, match="holds int8 vectors, not fp32; nothing was changed"):
        with IndexWriter(tmp_path / "index", qa_model.NAME, analysed.dimension, precision="fp32") as writer:
            writer.apply(analysed, keys, hashes)


def test_manifest_precisions() -> None:
    good = {"format": manifest_file.FORMAT, "format_version": manifest_file.FORMAT_VERSION, "model": "m",
            "dimension": 4, "generation": 1, "segments": []}
    manifest_file.check_fields(Path("x"), good)
    assert manifest_file.stored_shape(good)["encoder_precision"] == "fp32"  # an index before the field
    manifest_file.check_fields(Path("x"), {**good, "encoder_precision": "int8"})
    with pytest.raises(manifest_file.IndexProblem, match="precision 'fp16', which this version does not make"):
        manifest_file.check_fields(Path("x"), {**good, "encoder_precision": "fp16"})


# ----- an older fp32 index stays fp32; questions follow the index -----

def test_an_fp32_index_stays_fp32_when_documents_are_added(sources: list[Path], tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch, int8_bulk: None) -> None:
    monkeypatch.setenv("ASSISTANT_ENCODER", "torch")
    Assistant.build(sources[:1], tmp_path / "index")
    manifest = _manifest(tmp_path / "index")
    del manifest["encoder_precision"]  # as an index written before the field
    (tmp_path / "index" / manifest_file.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    monkeypatch.setenv("ASSISTANT_ENCODER", "onnx")
    index = Assistant.load(tmp_path / "index")
    assert index.index.encoder_precision == "fp32"
    index.add(sources[1:])
    assert _manifest(tmp_path / "index")["encoder_precision"] == "fp32"
    added = index.index.segments[-1].vectors
    from assistant.text.documents import read_documents
    from assistant.pipeline.analysis import analyse_documents

    fp32, _, _, _ = analyse_documents(read_documents(sources[1:]), qa_model.NAME, precision="fp32")
    assert np.allclose(added, fp32.vectors, atol=1e-5)  # fp32 vectors, as the index holds
    assert index.ask("Where does the market move?", k=1).passages[0].doc_id == "market"


def test_ask_of_an_int8_index_equals_ask_many_and_does_not_depend_on_the_runtime(
    sources: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, int8_bulk: None
) -> None:
    index = Assistant.build(sources, tmp_path / "index")
    assert index.index.encoder_precision == "int8"
    alone = [index.ask(q, k=3).to_dict() for q in QUESTIONS]
    together = [a.to_dict() for a in index.ask_many(QUESTIONS, k=3)]
    assert together == alone
    assert [a["passages"][0]["doc_id"] for a in alone] == ["harbour", "harbour", "market", "market"]
    monkeypatch.setenv("ASSISTANT_ENCODER", "torch")  # an int8 index's questions are ONNX int8 whatever the setting
    assert [a.to_dict() for a in Assistant.load(tmp_path / "index").ask_many(QUESTIONS, k=3)] == alone
    assert np.array_equal(
        embedding.encode_questions(qa_model.NAME, QUESTIONS, index_precision="int8"),
        np.vstack([embedding.encode(qa_model.NAME, [q], precision="int8") for q in QUESTIONS]),
    )


def test_a_rebuild_at_another_precision_encodes_again(sources: list[Path], tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    Assistant.build(sources, tmp_path / "index")  # fp32
    monkeypatch.setattr(encoder, "BULK_INT8_MODELS", frozenset({qa_model.NAME}))
    encoded: list[str] = []
    real = embedding.encode

    def counting(model, texts, *args, **kwargs):
        encoded.append(kwargs.get("precision", "fp32"))
        return real(model, texts, *args, **kwargs)

    monkeypatch.setattr(embedding, "encode", counting)
    rebuilt = Assistant.build(sources, tmp_path / "index")  # the fp32 vectors are not reused in an int8 index
    assert encoded and set(encoded) == {"int8"}
    assert rebuilt.index.encoder_precision == "int8"
    encoded.clear()
    Assistant.build(sources, tmp_path / "index")  # same texts, same precision: reused
    assert encoded == []
