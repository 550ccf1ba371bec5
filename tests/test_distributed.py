"""``assistant analyse --ray``: the same analysed form as a local run, a killed worker retried, bad sources refused.

One local Ray instance of 2 CPUs serves the module (starting Ray costs seconds); ``analyse_on_ray(..., "local")``
uses a Ray session the process already holds instead of starting its own.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

ray = pytest.importorskip("ray", reason='Ray is an optional extra: pip install -e ".[cluster]" (dev includes it)')

from assistant.pipeline import analysed as analysed_form  # noqa: E402
from assistant.pipeline import distributed  # noqa: E402
from assistant.text.documents import read_documents  # noqa: E402
from assistant.errors import AssistantError  # noqa: E402
from assistant.pipeline.analysis import analyse_to_dir  # noqa: E402
from assistant.pipeline.out_folder import MARKER  # noqa: E402
from assistant.settings import default_model  # noqa: E402

TEXTS = {
    "a/minister.txt": (
        "Budget talks stall\n\ndate 2024-03-01\n\n"
        'The finance minister, Anna Berg, spoke on Monday. "We will not raise taxes this year," Berg said.\n\n'
        "She added that spending on schools would grow. According to the central bank, inflation is falling.\n\n"
        '"It is a careful plan," said Tom Hale, who leads the opposition. Hale called the budget timid.'
    ),
    "b/minister.txt": (  # same file name in another folder: the ids must come out as a local run gives them
        "The storm reached the coast at night. Nobody was hurt, the fire service said.\n\n"
        '"The water rose very fast," one resident, Maria Lopes, told reporters. Roads were closed until noon.'
    ),
    "c/river.md": (
        "# River survey\n\nThe river holds more fish than a decade ago. Researchers counted 40 species.\n\n"
        "Dr Ito said the cleaner water explained the change. \"We did not expect this,\" she said."
    ),
    "c/notes.txt": "A short note with one sentence.",
}


@pytest.fixture(scope="module")
def ray_session():
    owns = distributed.start("local", threads=1, num_cpus=2)
    yield
    if owns:
        ray.shutdown()


@pytest.fixture()
def sources(tmp_path: Path) -> list[Path]:
    root = tmp_path / "src"
    for name, text in TEXTS.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return [root / "a", root / "b", root / "c"]


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


# ----- refused before Ray starts (fast) -----

def test_unreadable_source_is_named_and_nothing_is_written(sources: list[Path], tmp_path: Path) -> None:
    bad = sources[0] / "latin1.txt"
    bad.write_bytes("caf\xe9 au lait".encode("latin-1"))
    out = tmp_path / "out"
    with pytest.raises(AssistantError, match="latin1.txt"):
        distributed.analyse_on_ray(sources, out, default_model(), "local")
    with pytest.raises(AssistantError, match="missing.txt"):
        distributed.analyse_on_ray([sources[1], tmp_path / "missing.txt"], out, default_model(), "local")
    assert not out.exists() and _leftovers(tmp_path) == []


def test_cluster_address_nobody_answers_is_one_line_in_seconds(sources: list[Path], tmp_path: Path) -> None:
    if ray.is_initialized():
        pytest.skip("a Ray session is open in this process; the address would not be used")
    out = tmp_path / "out"
    with pytest.raises(AssistantError, match="no Ray cluster answers at 127.0.0.1:1"):
        distributed.analyse_on_ray(sources, out, default_model(), "127.0.0.1:1")
    with pytest.raises(AssistantError, match="HOST:PORT"):
        distributed.analyse_on_ray(sources, out, default_model(), "not-an-address")
    assert not out.exists() and _leftovers(tmp_path) == []


def test_ids_match_the_local_reader(sources: list[Path]) -> None:
    from assistant.text.documents import collect_files

    assert distributed.collect(sources) == collect_files(sources)
    assert [doc_id for _, doc_id, _ in distributed.plan(sources)] == [d.id for d in read_documents(sources)]


# ----- on a local Ray of 2 CPUs -----

def test_same_analysed_form_as_local_even_when_a_worker_is_killed(
    ray_session, sources: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = default_model()
    local_dir, ray_dir = tmp_path / "local", tmp_path / "ray"
    analyse_to_dir(read_documents(sources), local_dir, model)

    marker = tmp_path / "killed-once"
    monkeypatch.setenv(distributed.FAIL_ONCE_ENV, str(marker))
    lines: list[str] = []
    documents, sentences, _ = distributed.analyse_on_ray(
        sources, ray_dir, model, "local", lambda fraction, message: lines.append(message), workers=2
    )
    assert marker.exists(), "the fault hook did not fire: no worker was killed"
    assert (documents, sentences) > (0, 0)
    assert any("sentences/s" in line and f"{documents}/{documents} documents" in line for line in lines)

    local_model, local = analysed_form.read(local_dir)
    ray_model, remote = analysed_form.read(ray_dir)
    assert ray_model == local_model == model
    assert (documents, sentences) == (len(local.documents), local.size)
    assert [d.id for d in remote.documents] == ["minister", "minister-2", "notes", "river"]
    assert remote.documents == local.documents  # ids, titles, dates, sources, texts, aliases
    for column in ("doc", "number", "start", "end", "paragraph", "attribution"):
        assert np.array_equal(getattr(remote, column), getattr(local, column)), column
    assert [remote.speaker_of(r) for r in range(remote.size)] == [local.speaker_of(r) for r in range(local.size)]
    assert any(remote.speaker_of(r) for r in range(remote.size))  # the texts do have speakers
    # the driver's precision (fp32 today), texts encoded one at a time on 1-thread sessions: the same bits
    assert analysed_form.read_precision(ray_dir) == analysed_form.read_precision(local_dir) == "fp32"
    assert np.array_equal(remote.vectors, local.vectors)
    assert _leftovers(tmp_path) == []  # no temporary or staging folder left beside --out
    assert sorted(p.name for p in ray_dir.iterdir()) == sorted([MARKER, "analysis.json", "documents", "sentences"])

    from assistant import Assistant  # what Ray wrote imports into an index that answers
    from assistant.store.changes import import_dirs

    import_dirs([ray_dir], tmp_path / "index")
    passages = Assistant.load(tmp_path / "index").ask("Will taxes be raised this year?", k=3).passages
    assert any(p.doc_id == "minister" and "raise taxes" in p.text and "Berg" in (p.speaker or "") for p in passages)


def test_failure_inside_a_worker_fails_the_run_in_one_line_and_keeps_out(
    ray_session, sources: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "analysis.json").write_text("{}", encoding="utf-8")  # a previous analysis: must stay as it was
    (out / MARKER).write_text("ours", encoding="utf-8")  # written by analyse (issue 22: else refused up front)
    gone = sources[1] / "minister.txt"
    real_plan = distributed.plan

    def plan_then_lose_a_file(given):  # the file disappears after the driver checked it
        planned = real_plan(given)
        gone.unlink()
        return planned

    monkeypatch.setattr(distributed, "plan", plan_then_lose_a_file)
    with pytest.raises(AssistantError) as caught:
        distributed.analyse_on_ray(sources, out, default_model(), "local", workers=1)
    message = str(caught.value)
    assert "minister.txt" in message and "does not exist" in message and "\n" not in message
    assert sorted(p.name for p in out.iterdir()) == sorted([MARKER, "analysis.json"])
    assert _leftovers(tmp_path) == []


def test_the_workers_encode_at_the_drivers_precision(
    ray_session, sources: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """int8 switched on in the driver only (a worker left to itself would encode fp32): the workers get the driver's
    precision, record it in every part, and give a local run's int8 vectors bit for bit."""
    from assistant.pipeline import encoder, qa_model

    monkeypatch.setattr(encoder, "BULK_INT8_MODELS", frozenset({qa_model.NAME}))
    local_dir, ray_dir = tmp_path / "local", tmp_path / "ray"
    analyse_to_dir(read_documents(sources), local_dir, qa_model.NAME)
    distributed.analyse_on_ray(sources, ray_dir, qa_model.NAME, "local", workers=2)
    assert analysed_form.read_precision(ray_dir) == analysed_form.read_precision(local_dir) == "int8"
    _, local = analysed_form.read(local_dir)
    _, remote = analysed_form.read(ray_dir)
    assert np.array_equal(remote.vectors, local.vectors)
