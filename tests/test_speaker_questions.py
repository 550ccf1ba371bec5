"""Speakers asked for by role and description, end to end with the real model (issue 21).

The index holds the written articles of ``tests/speaker_questions`` and the bundled article; the questions name a
speaker by role ("the mayor"), by qualifier and role ("the Harbourline spokeswoman"), or by a description the text
resolves ("the company"). ``scripts/speaker_questions_eval.py`` prints the whole set's figures; these are the cases
each rule must keep.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ARTICLES = Path(__file__).parent / "speaker_questions"


@pytest.fixture(scope="module")
def roles(tmp_path_factory: pytest.TempPathFactory):
    from assistant import Assistant
    from assistant.text.documents import bundled_article

    return Assistant.build(sorted(ARTICLES.glob("*.txt")) + [bundled_article()],
                           tmp_path_factory.mktemp("roles") / "index")


@pytest.mark.parametrize("question, speaker", [
    ("What did the mayor say about the hearing?", "Linda Okafor"),  # description_role_decides
    ("What did the Harbourline spokeswoman say about automation?", "Danielle Fournier"),  # speaker_by_role
    ("What did the union leader say about the cranes?", "Gary Mbeki"),  # person_description
    ("What did the company say about ships?", "Harbourline"),  # organisation_by_kind_noun
    ("What did the coach say about the defence?", "Claire Dunmore"),  # a word for the same role
    ("What did Mbeki say about pay?", "Gary Mbeki"),  # speaker_topic_words
])
def test_a_speaker_asked_for_by_role_answers_from_their_sentences(roles, question, speaker):
    answer = roles.ask(question, k=3)
    assert answer.found, answer.answer
    assert answer.passages[0].speaker == speaker
    assert all(p.speaker == speaker for p in answer.passages)


@pytest.mark.parametrize("question", ["What did the mayor say about the cup final?",
                                      "What did Fournier say about the weather?",
                                      "What did the harbour master say about the cranes?"])
def test_a_topic_the_speaker_never_spoke_of_is_not_found(roles, question):
    assert not roles.ask(question, k=3).found


def test_the_russian_leader_is_not_the_union_leader(roles):
    assert {p.speaker for p in roles.ask("What did the union leader say?", k=5).passages} == {"Gary Mbeki"}


def test_one_speaker_one_entry_descriptions_are_aliases_not_speakers(roles):
    names = [e.name for e in roles.speakers()]
    assert not any(n.lower() in ("the company", "the mayor", "the coach") for n in names)
    okafor = next(e for e in roles.speakers() if e.name == "Linda Okafor")
    assert "The mayor" in okafor.aliases
    assert [e.name for e in roles.find_speakers("the union leader")] == ["Gary Mbeki"]


def test_the_pages_speakers_search_finds_a_speaker_by_role(roles):
    from assistant.app.ui import AppState, speaker_rows

    state = AppState(roles.index_dir)
    assert [row[0] for row in speaker_rows(state, "the Harbourline spokeswoman")] == ["Danielle Fournier"]
    assert [row[0] for row in speaker_rows(state, "okaf")] == ["Linda Okafor"]
