"""The first screen's example questions are made from the index (its speakers, their words, its topics)."""

from __future__ import annotations

from assistant.search.examples import example_questions, quoted_fragment, short_name
from assistant.schema import Passage
from assistant.search.speakers import SpeakerEntry


def said(text: str, attribution: str = "direct") -> Passage:
    return Passage(rank=1, score=1.0, text=text, speaker="x", attribution=attribution, doc_id="d", doc_title="D",
                   date=None, paragraph=1, sentence=1, start=0, end=len(text))


QUOTES = {
    "Jane Doe": [said("“The harbour will reopen on Monday,” Doe said."),
                 said("Doe said the harbour had been closed since the storm.", "indirect"),
                 said("“We are ready for the harbour traffic,” she said.")],
    "City council": [said("The council said the storm cost the harbour dearly.", "indirect")],
}


def test_examples_come_from_the_speakers_and_their_words():
    speakers = [SpeakerEntry("Jane Doe", 3, 2, 1, ["d"]), SpeakerEntry("City council", 1, 0, 1, ["d"])]
    questions = example_questions(speakers, lambda name: QUOTES[name], ["Harbour news"])
    assert questions == ["What did Doe say about harbour?", "Who said “The harbour will reopen on Monday”?",
                         "What has City council said?"]


def test_without_speakers_the_examples_are_about_the_texts_topics():
    questions = example_questions([], lambda name: [], ["Storm closes the harbour", "Harbour reopens after storm"])
    assert questions and all(q.startswith("What do the texts say about") for q in questions)
    assert "What do the texts say about storm?" in questions or "What do the texts say about harbour?" in questions


def test_short_names_only_for_people():
    table = [SpeakerEntry("Vladimir Putin"), SpeakerEntry("USA intelligence"), SpeakerEntry("Lyudmila Putin")]
    assert short_name("USA intelligence", table) == "USA intelligence"
    assert short_name("Vladimir Putin", table) == "Vladimir Putin"  # two Putins
    assert short_name("Vladimir Putin", table[:2]) == "Putin"


def test_a_quoted_fragment_is_never_a_speech_cue():
    assert quoted_fragment(["It is like that, “Putin said through a translator”."]) is None
    assert quoted_fragment(["He said: “Hackers can be anywhere”."]) == "Hackers can be anywhere"
