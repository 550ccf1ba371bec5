"""Pure functions of the answer layer: who-said detection, markdown escaping, speaker matching, the UI's HTML."""

from __future__ import annotations

import html
from dataclasses import replace

import pytest

from assistant.search.answers import compose_reply, escape_markdown, is_who_said
from assistant.errors import AssistantError
from assistant.schema import Passage
from assistant.search.speakers import SpeakerEntry, match_speakers


def passage(rank: int, text: str, speaker: str | None, attribution: str = "direct", start: int = 0) -> Passage:
    return Passage(rank=rank, score=0.5, text=text, speaker=speaker, attribution=attribution, doc_id="d",
                   doc_title="D", date=None, paragraph=1, sentence=rank, start=start, end=start + len(text))


@pytest.mark.parametrize("question", ["Who said 'we won'?", "who told reporters about the deal", "Who has claimed it?",
                                      "  Who was quoted as saying that?"])
def test_who_said_questions(question):
    assert is_who_said(question)


@pytest.mark.parametrize("question", ["What did Putin say?", "Who won the election?", "Where was it said?"])
def test_other_questions(question):
    assert not is_who_said(question)


def test_who_said_reply_names_the_speaker_first():
    reply = compose_reply("Who said it?", [passage(1, "“We won,” she said.", "Jane Doe")])
    assert reply.startswith("**Jane Doe** said it")


def test_who_said_with_only_narration_says_so():
    reply = compose_reply("Who said it?", [passage(1, "The bridge closed.", None, "narration")])
    assert reply.startswith("The best matching sentences are the article's own narration")


@pytest.mark.parametrize(
    "text, forbidden",
    [
        ("![x](http://example.com/a.png)", "![x]"),
        ("<script>alert(1)</script>", "<script>"),
        ("<img src=x onerror=alert(1)>", "<img"),
        ("[click](javascript:alert(1))", "[click]"),
        ("*bold* and _it_ and `code` and $x$", "*bold*"),
    ],
)
def test_article_text_is_shown_literally(text, forbidden):
    escaped = escape_markdown(text)
    assert forbidden not in escaped
    assert html.unescape(escaped.replace("\\", "")) == text


def test_speaker_matching_by_name_part_and_alias():
    table = [SpeakerEntry("Vladimir Putin", 3, aliases=["Mr Putin", "The Russian leader"]),
             SpeakerEntry("Jane Doe", 1)]
    assert match_speakers("putin", table) == {"Vladimir Putin"}
    assert match_speakers("the russian leader", table) == {"Vladimir Putin"}
    assert match_speakers("Jane Doe", table) == {"Jane Doe"}
    with pytest.raises(AssistantError, match="no speaker"):
        match_speakers("Put", table)
    with pytest.raises(AssistantError, match="empty"):
        match_speakers("  ", table)


def test_document_html_escapes_and_marks():
    from assistant.app.ui import document_html

    text = "date 2020-01-01 Intro <b>bold</b>.\n\n“Hi,” she said."
    start = text.index("“Hi")
    html = document_html(text, [passage(1, text[start:], "Jane Doe", start=start)], focus=1, body_start=16)
    assert "&lt;b&gt;" in html and "<b>" not in html
    assert '<mark id="focus" class="focus" data-rank="1"><sup>[1]</sup> “Hi,” she said.</mark>' in html
    assert "2020-01-01" not in html


# ----- issue 11: found, speaker questions, cue-only sentences -----

from assistant.search.answers import Plan, finish_answer, is_cue_only, lead_lines, plan_question  # noqa: E402
from assistant.search.questions import parse_speaker_question  # noqa: E402

TABLE = [SpeakerEntry("Vladimir Putin", 3, aliases=["Mr Putin", "The Russian leader"]), SpeakerEntry("Jane Doe", 1)]


@pytest.mark.parametrize(
    "question, name, topic",
    [
        ("What did Putin say about hackers?", "Putin", "hackers"),
        ("What did Trump say?", "Trump", None),
        ("What has Vladimir Putin said about the election?", "Vladimir Putin", "the election"),
        ("what has the Russian leader said", "the Russian leader", None),
        ("Putin's view on sanctions", "Putin", "sanctions"),
        ("What is Putin’s position on Syria?", "Putin", "Syria"),
        ("What did Putin tell Megyn Kelly about American visitors?", "Putin", "American visitors"),
    ],
)
def test_speaker_questions_are_read(question, name, topic):
    asked = parse_speaker_question(question)
    assert asked is not None and asked.name == name and asked.topic == topic


@pytest.mark.parametrize("question", ["What did he say?", "What is the capital of France?", "Who said it?",
                                      "What did the article say about hackers?", "How did Putin speak to NBC?"])
def test_other_questions_are_not_speaker_questions(question):
    assert parse_speaker_question(question) is None


def test_several_names_in_one_question():
    assert parse_speaker_question("What did Putin and Kelly say?").names == ("Putin", "Kelly")


@pytest.mark.parametrize("text", ["Putin said.", "he added.", "Mr Putin told NBC News on Friday:", "she said in a statement.",
                                  "“Putin said.”"[1:-1]])
def test_cue_only_sentences(text):
    assert is_cue_only(text)


@pytest.mark.parametrize("text", ["“I was one of the guests there”, he said.", "Putin said he was unaware of it.",
                                  "The index added 0.4 per cent.", "Hackers can be anywhere, Putin said."])
def test_sentences_with_content_are_not_cue_only(text):
    assert not is_cue_only(text)


def test_a_cue_only_sentence_is_never_a_passage():
    plan = Plan("What did Putin say?", 2, 6, None)
    answer = finish_answer(plan, [passage(1, "Putin said.", "Vladimir Putin", "indirect"),
                                  passage(2, "“Hackers can be anywhere,” he said.", "Vladimir Putin"),
                                  passage(3, "The talks ended.", None, "narration")])
    assert [p.text for p in answer.passages] == ["“Hackers can be anywhere,” he said.", "The talks ended."]
    assert [p.rank for p in answer.passages] == [1, 2]
    assert "Putin said." not in answer.answer


def test_a_speaker_question_names_the_speaker_and_filters():
    plan = plan_question("What did the Russian leader say?", TABLE, 5)
    assert plan.allowed == {"Vladimir Putin"} and plan.asked_names == ("Vladimir Putin",)
    answer = finish_answer(plan, [passage(1, "“We won,” he said.", "Vladimir Putin")])
    assert answer.found
    assert answer.answer.startswith("Answered from what **Vladimir Putin** said")


def test_an_unquoted_person_is_not_found_and_mentions_are_offered():
    plan = plan_question("What did Trump say about the election?", TABLE, 2)
    assert plan.allowed is None and plan.unquoted == ("Trump",) and plan.fetch > 2
    answer = finish_answer(plan, [passage(1, "Putin spoke at length.", "Vladimir Putin", "indirect"),
                                  passage(2, "The Trump campaign denied it.", None, "narration"),
                                  passage(3, "Nobody else spoke.", None, "narration")])
    assert not answer.found
    assert [p.text for p in answer.passages] == ["The Trump campaign denied it."]
    assert answer.answer.startswith("**Trump** is not quoted in the texts")
    assert "(not an answer)" in answer.answer
    assert answer.to_dict()["found"] is False


def test_a_lower_case_description_nobody_is_stays_a_plain_question():
    plan = plan_question("What did the officials say about the leak?", TABLE, 5)
    assert plan.allowed is None and not plan.unquoted and plan.asked is None


def test_the_speaker_filter_shows_in_the_reply():
    plan = plan_question("Anything about hackers?", TABLE, 5, speaker="putin")
    answer = finish_answer(plan, [passage(1, "“Hackers can be anywhere,” he said.", "Vladimir Putin")])
    assert answer.answer.startswith("Speaker filter “putin”: only sentences of **Vladimir Putin**.")


def test_not_found_says_so_and_marks_the_closest_sentences():
    reply = compose_reply("What is the capital of France?", [passage(1, "The bridge closed.", None, "narration")],
                          found=False)
    assert reply.startswith("Nothing in the texts answers this question.")
    assert "**[1]** *(not an answer)* The bridge closed." in reply


def test_a_speaker_question_nothing_answers_says_so_once():
    plan = plan_question("What did Putin say about the weather?", TABLE, 5)
    reply = compose_reply(plan.question, [passage(1, "“We won,” he said.", "Vladimir Putin")], False, plan)
    assert reply.startswith("Nothing that **Vladimir Putin** said in the texts answers this question.")
    assert reply.count("do not answer") == 1 and "(not an answer)" in reply


def test_a_question_about_a_quoted_and_an_unquoted_person():
    plan = plan_question("What did Putin and Trump say?", TABLE, 2)
    assert plan.asked_names == ("Vladimir Putin",) and plan.unquoted == ("Trump",) and plan.allowed is None
    answer = finish_answer(plan, [passage(1, "The talks ended.", None, "narration"),
                                  passage(2, "“We won,” he said.", "Vladimir Putin"),
                                  passage(3, "Trump left early.", None, "narration")])
    assert [p.text for p in answer.passages] == ["“We won,” he said.", "Trump left early."]
    assert "**Trump**: not quoted in the texts" in answer.answer


# ----- speakers asked for by role and description (issue 21) -----

ROLES = [
    SpeakerEntry("Vladimir Putin", 3, aliases=["Russian President Vladimir Putin", "the Russian leader"]),
    SpeakerEntry("Dana Ortiz", 2, aliases=["Lakeport spokeswoman Dana Ortiz", "Ortiz"]),
    SpeakerEntry("Milan Hruby", 2, aliases=["Hruby", "the dockers' union's leader"]),
    SpeakerEntry("Ida Lenz", 1, aliases=["Mayor Ida Lenz"]),
]


@pytest.mark.parametrize("asked, speaker", [
    ("the Russian president", "Vladimir Putin"),  # a title written before the name
    ("the Lakeport spokeswoman", "Dana Ortiz"),  # the qualifier as the text puts it
    ("the union leader", "Milan Hruby"),  # a possessive description
    ("the mayor", "Ida Lenz"),
    ("the Russian head", "Vladimir Putin"),  # a word for the same role
])
def test_speaker_by_role_matches_a_description_on_whole_words(asked, speaker):
    assert match_speakers(asked, ROLES) == {speaker}


@pytest.mark.parametrize("asked", ["the Eastport spokeswoman", "the Russian mayor", "the union spokeswoman",
                                   "the harbour master"])
def test_speaker_by_role_needs_every_word_in_one_name(asked):
    with pytest.raises(AssistantError):
        match_speakers(asked, ROLES)


def test_speaker_by_role_the_russian_leader_is_not_the_union_leader():
    assert match_speakers("the union leader", ROLES) == {"Milan Hruby"}
    assert match_speakers("the Russian leader", ROLES) == {"Vladimir Putin"}


def test_speaker_topic_words_a_speaker_question_is_found_when_the_topic_is_in_their_sentences():
    table = [SpeakerEntry("Milan Hruby", 2, aliases=["Hruby"])]
    plan = plan_question("What did Hruby say about pay?", table, 2)
    weak = [passage(1, "“They want machines,” Hruby said.", "Milan Hruby"),
            passage(2, "He said the union wants a pay rise of six per cent.", "Milan Hruby", "indirect")]
    weak = [replace(p, score=0.3) for p in weak]
    assert finish_answer(plan, weak).found
    other = finish_answer(plan_question("What did Hruby say about the weather?", table, 2), weak)
    assert not other.found


def test_the_speakers_search_finds_names_while_typing_and_descriptions():
    from assistant.search.speakers import find_speakers

    assert [e.name for e in find_speakers("ort", ROLES)] == ["Dana Ortiz"]
    assert [e.name for e in find_speakers("the union leader", ROLES)] == ["Milan Hruby"]
    assert [e.name for e in find_speakers("", ROLES)] == [e.name for e in ROLES]
    assert find_speakers("the union spokeswoman", ROLES) == []


def test_speaker_by_role_several_speakers_that_fit_are_named_before_the_answer():
    table = [SpeakerEntry("Ida Lenz", 2, aliases=["Mayor Ida Lenz"]), SpeakerEntry("Tom Roe", 2, aliases=["Mayor Tom Roe"])]
    plan = plan_question("What did the mayor say?", table, 2)
    answer = finish_answer(plan, [passage(1, "“We will build it,” Lenz said.", "Ida Lenz"),
                                  passage(2, "“Not this year,” Roe said.", "Tom Roe")])
    lead = lead_lines(answer)
    assert lead[0].startswith("“the mayor” fits 2 speakers in the texts: Ida Lenz and Tom Roe")
