"""Speaker attribution on texts nobody tuned the rules on: the written generalisation set (issue 10).

``tests/generalisation/texts.txt`` holds short invented news texts, one failure class each (page furniture,
descriptions, pronouns, bodies behind documents, speech verbs in other senses, missed reported speech, thoughts,
transcripts), with the expected speaker of every sentence. The figures are reported in the README
(``assistant eval speakers tests/generalisation/texts.txt``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.evaluation.polnear import format_written, read_written, score_written

SET = Path(__file__).parent / "generalisation" / "texts.txt"


@pytest.fixture(scope="module")
def texts():
    return read_written(SET)


@pytest.fixture(scope="module")
def score(texts):
    return score_written(texts)


def test_the_set_is_large_and_covers_every_class(texts) -> None:
    assert len(texts) >= 40
    kinds = {t.kind for t in texts}
    assert {"furniture", "description", "pronoun", "document", "verb-senses", "reported", "thoughts",
            "transcript"} <= kinds
    assert len({t.id for t in texts}) == len(texts)


def test_gold_offsets_are_sentences(texts) -> None:
    for t in texts:
        for start, end, _, _ in t.gold:
            assert t.text[start:end].strip() == t.text[start:end] and t.text[start:end]


def test_figures(score, texts) -> None:
    report = format_written(score, SET, len(texts)) + "\n" + "\n".join(score.errors)
    assert score.speaker_right / score.sentences >= 0.95, report
    assert score.listed_true / score.listed >= 0.90, report
    assert score.gold_found / score.gold_speakers >= 0.90, report
