"""Shared fixtures: one real index built from the bundled article with the real model, per test session."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

SEED = json.loads((Path(__file__).parent / "seed_dev.json").read_text(encoding="utf-8"))


def fold(text: str) -> str:
    """Compare as seed_dev.json says: curly quotes straight, white space folded."""
    for curly, straight in (("“", '"'), ("”", '"'), ("‘", "'"), ("’", "'")):
        text = text.replace(curly, straight)
    return " ".join(text.split())


@pytest.fixture(scope="session")
def built_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from assistant import Assistant
    from assistant.text.documents import bundled_article

    index_dir = tmp_path_factory.mktemp("e2e") / "index"
    Assistant.build([bundled_article()], index_dir)
    return index_dir


@pytest.fixture(scope="session")
def assistant(built_index: Path):
    from assistant import Assistant

    return Assistant.load(built_index)
