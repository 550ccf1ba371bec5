"""The shipped question → answer-sentence model: present, unchanged, assembled on the right base, loaded offline."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from assistant.pipeline import embedding, qa_model
from assistant import settings

ROOT = Path(__file__).resolve().parents[1]


def test_the_default_model_is_the_shipped_one():
    assert settings.DEFAULT_MODEL == qa_model.NAME
    assert qa_model.is_patch_dir(qa_model.shipped_dir())


def test_shipped_layers_match_their_card_and_the_packaged_base():
    folder = qa_model.shipped_dir()
    card = qa_model.card(folder)
    assert hashlib.sha256((folder / qa_model.LAYERS_FILE).read_bytes()).hexdigest() == card["layers_sha256"]
    assert card["base_sha256"] == qa_model.BASE_SHA256
    base = qa_model.stock_dir() / "model.safetensors"
    assert hashlib.sha256(base.read_bytes()).hexdigest() == qa_model.BASE_SHA256
    assert (folder / qa_model.LAYERS_FILE).stat().st_size < 12 * 2**20
    assert card["layers"] and "int8" in card["encoding"]


def test_shipped_model_loads_offline_in_a_fresh_process():
    """No network: the offline switches on, and any attempt to open a socket fails the load."""
    code = (
        "import socket\n"
        "def refuse(*a, **k):\n    raise OSError('network used')\n"
        "socket.socket.connect = refuse\nsocket.create_connection = refuse\n"
        "from assistant.pipeline import embedding\n"
        "v = embedding.encode('qa-minilm-l6', ['Who built the bridge?'])\n"
        "print(v.shape[1], round(float((v * v).sum()), 3))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "TRANSFORMERS_"))}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["384", "1.0"]


def test_shipped_model_differs_from_the_stock_one_only_in_the_trained_layers():
    card = qa_model.card(qa_model.shipped_dir())
    stock = embedding.load_model(settings.STOCK_MODEL)[0].auto_model.state_dict()
    shipped = embedding.load_model(qa_model.NAME)[0].auto_model.state_dict()
    trained = tuple(f"encoder.layer.{i}." for i in card["layers"])
    changed = {name for name in stock if not np.array_equal(stock[name].numpy(), shipped[name].numpy())}
    assert changed and all(name.startswith(trained) for name in changed)


def test_shipped_model_ranks_the_answering_sentence_first():
    sentences = [
        "Rhine: The river rises in the Swiss Alps and flows into the North Sea.",
        "Rhine: Many castles stand on the hills along the middle section of the river.",
        "Rhine: Shipping on the river carries coal, grain and containers.",
    ]
    for question, gold in (("Where does the Rhine begin?", 0), ("What is carried by boats on the Rhine?", 2)):
        vectors = embedding.encode(qa_model.NAME, [question, *sentences])
        assert int(np.argmax(vectors[1:] @ vectors[0])) == gold


def test_save_and_load_round_trip(tmp_path: Path):
    """What save_layers writes, load_patched puts back (to int8 rounding of the change) and nowhere else."""
    import torch

    model = embedding.load_model(settings.STOCK_MODEL)
    layer = model[0].auto_model.encoder.layer[5]
    original = {k: v.clone() for k, v in layer.state_dict().items()}
    with torch.no_grad():
        layer.output.dense.weight.add_(0.01)
    try:
        qa_model.save_layers(model, [5], tmp_path, {"recipe": "test"})
    finally:
        layer.load_state_dict(original)
    loaded = qa_model.load_patched(tmp_path)
    weight = loaded[0].auto_model.encoder.layer[5].output.dense.weight
    assert torch.allclose(weight, original["output.dense.weight"] + 0.01, atol=1e-4)
    assert torch.equal(loaded[0].auto_model.encoder.layer[4].output.dense.weight,
                       model[0].auto_model.encoder.layer[4].output.dense.weight)
    assert json.loads((tmp_path / qa_model.CARD_FILE).read_text())["training"] == {"recipe": "test"}


def test_a_tampered_layers_file_is_refused(tmp_path: Path):
    folder = qa_model.shipped_dir()
    for name in (qa_model.CARD_FILE, qa_model.LAYERS_FILE):
        (tmp_path / name).write_bytes((folder / name).read_bytes())
    data = bytearray((tmp_path / qa_model.LAYERS_FILE).read_bytes())
    data[-1] ^= 1
    (tmp_path / qa_model.LAYERS_FILE).write_bytes(bytes(data))
    with pytest.raises(ValueError, match="does not match"):
        qa_model.load_patched(tmp_path)


def test_a_patch_folder_is_a_model_setting(tmp_path: Path):
    folder = qa_model.shipped_dir()
    for name in (qa_model.CARD_FILE, qa_model.LAYERS_FILE):
        (tmp_path / name).write_bytes((folder / name).read_bytes())
    a = embedding.encode(str(tmp_path), ["Who built the bridge?"])
    b = embedding.encode(qa_model.NAME, ["Who built the bridge?"])
    assert np.allclose(a, b, atol=1e-6)


def test_stock_model_is_still_a_choice(tmp_path: Path):
    from assistant import Assistant
    from assistant.text.documents import bundled_article
    from assistant.errors import AssistantError

    index_dir = tmp_path / "stock"
    Assistant.build([bundled_article()], index_dir, model=settings.STOCK_MODEL)
    answer = Assistant.load(index_dir, model=settings.STOCK_MODEL).ask("What did Putin say about hackers?")
    assert "Hackers can be anywhere" in answer.passages[0].text
    opened = Assistant.load(index_dir)  # an index keeps answering with the model that built it ...
    assert opened.info()["model"] == settings.STOCK_MODEL
    assert "rebuild it with: assistant build SOURCES" in opened.model_notice()  # ... and says how to upgrade
    with pytest.raises(AssistantError, match="rebuild it with"):
        Assistant.load(index_dir, model=qa_model.NAME)
    cli = subprocess.run([sys.executable, "-m", "assistant", "ask", "What did Putin say about hackers?",
                          "--index", str(index_dir)], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert cli.returncode == 0 and "Hackers can be anywhere" in cli.stdout
    assert cli.stderr.count("\n") == 1 and "rebuild it with" in cli.stderr
