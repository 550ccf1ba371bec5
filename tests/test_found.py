"""``found`` and speaker questions end to end (issue 11): the Python API and the CLI, on the bundled article.

(The web API: tests/test_app.py; the page: tests/test_browser.py; the pure decision and replies: test_answers.py.)
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.app.cli import main
from assistant.search.found import Evidence, decide
from conftest import SEED

OUTSIDE = ["What is the capital of France?", "Who won the football match?", "xqzv blorf wibble",
           "What is the population of Brazil?"]


def test_every_development_question_is_found(assistant):
    answers = assistant.ask_many([q["q"] for q in SEED["questions"]], k=5)
    assert [a.question for a in answers if not a.found] == []


@pytest.mark.parametrize("question", OUTSIDE)
def test_questions_the_article_does_not_cover_are_not_found(assistant, question):
    answer = assistant.ask(question, k=3)
    assert answer.found is False
    assert answer.answer.startswith("Nothing in the texts answers this question.")
    assert len(answer.passages) == 3 and answer.answer.count("(not an answer)") == 3


def test_what_did_a_speaker_say_is_answered_from_their_sentences(assistant):
    answer = assistant.ask("What has the Russian leader said about hackers?", k=5)
    assert answer.found and {p.speaker for p in answer.passages} == {"Vladimir Putin"}
    assert "Hackers can be anywhere" in answer.passages[0].text
    assert answer.answer.startswith("Answered from what **Vladimir Putin** said")


def test_what_did_an_unquoted_person_say_offers_the_sentences_that_mention_them(assistant):
    answer = assistant.ask("What did Trump say?", k=5)
    assert answer.found is False
    assert answer.passages and all("Trump" in p.text for p in answer.passages)
    assert answer.answer.startswith("**Trump** is not quoted in the texts.")


def test_no_passage_is_only_a_speech_cue(assistant):
    from assistant.search.answers import is_cue_only

    answers = assistant.ask_many([*OUTSIDE, "What did Putin say?", "he said"], k=10)
    assert not [p.text for a in answers for p in a.passages if is_cue_only(p.text)]


def test_the_decision_grows_with_the_evidence():
    weak = Evidence(top=0.2, margin=0.02, words_top=0.0, words_all=0.0, names_all=0.0, content_words=3)
    strong = Evidence(top=0.8, margin=0.3, words_top=1.0, words_all=1.0, names_all=1.0, content_words=3)
    assert not decide(weak) and decide(strong)


def test_cli_ask_says_not_found_and_marks_the_sentences(capsys, built_index: Path):
    assert main(["ask", "What is the capital of France?", "--index", str(built_index), "-k", "2"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Nothing in the texts answers this question.")
    assert out.count("(not an answer)") == 2
    assert main(["ask", "What is the capital of France?", "--index", str(built_index), "-k", "2", "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert list(answer) == ["question", "answer", "found", "passages"] and answer["found"] is False


def test_cli_ask_names_the_speaker_filter(capsys, built_index: Path):
    assert main(["ask", "Anything about the election?", "--index", str(built_index), "--speaker", "putin"]) == 0
    assert capsys.readouterr().out.startswith("Speaker filter “putin”: only sentences of Vladimir Putin.")
