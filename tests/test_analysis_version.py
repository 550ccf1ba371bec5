"""``ANALYSIS_VERSION`` must change whenever the analysis output changes: a stored analysis is reused under it.

The sentences and speakers of a few texts are pinned, with the version they were made under, in
``tests/data/analysis_version.json``. When a change to :mod:`assistant.text` or :mod:`assistant.speech` changes that
output, this test fails until ``ANALYSIS_VERSION`` is bumped and the pin refreshed (run this file with
``UPDATE_ANALYSIS_PIN=1``). Editing a docstring or renaming a function changes nothing and needs nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from assistant.api import bundled_article
from assistant.pipeline.analysis import ANALYSIS_VERSION, analysis_key
from assistant.evaluation.polnear import read_written
from assistant.speech.attribution import attribute_text

PIN = Path(__file__).parent / "data" / "analysis_version.json"

WRITTEN = """date 2026-11-30
Harbour council delays ferry vote

The council delayed its vote on the ferry contract on Monday. "We need another month," Mayor Linda Okafor said.

Councillor Tom Hale disagreed. He told reporters the delay would cost the town its summer service.

According to the port authority, the old ferry can run until September. "After that, nothing," a spokeswoman said.
"""


def analysis_digest() -> str:
    digest = hashlib.sha256()
    written_sets = [Path(__file__).parent / name / "texts.txt" for name in ("generalisation", "attribution_dev")]
    texts = [bundled_article().read_text(encoding="utf-8"), WRITTEN] + [t.text for path in written_sets for t in read_written(path)]
    for text in texts:
        attributed = attribute_text(text)
        rows = [(s.start, s.end, s.paragraph, s.speaker, s.attribution) for s in attributed.sentences]
        digest.update(json.dumps([rows, attributed.aliases], sort_keys=True, ensure_ascii=False).encode())
    return digest.hexdigest()


def test_the_analysis_version_changes_with_the_analysis_output():
    current = analysis_digest()
    if os.environ.get("UPDATE_ANALYSIS_PIN"):
        PIN.write_text(json.dumps({"version": ANALYSIS_VERSION, "digest": current}, indent=1) + "\n", encoding="utf-8")
    pinned = json.loads(PIN.read_text(encoding="utf-8"))
    if current != pinned["digest"]:
        assert ANALYSIS_VERSION != pinned["version"], (
            "the analysis output changed but ANALYSIS_VERSION did not: bump it in assistant/pipeline/analysis.py, "
            "then run this test with UPDATE_ANALYSIS_PIN=1"
        )
        raise AssertionError("ANALYSIS_VERSION was bumped: refresh the pin (run this test with UPDATE_ANALYSIS_PIN=1)")
    assert ANALYSIS_VERSION == pinned["version"], "the pin names another version: run this test with UPDATE_ANALYSIS_PIN=1"


def test_the_reuse_key_is_the_version_and_the_model():
    assert analysis_key("qa-minilm-l6").startswith(ANALYSIS_VERSION + ":")
    assert analysis_key("qa-minilm-l6") != analysis_key("all-MiniLM-L6-v2")
