"""Pure functions of the answer layer: who-said detection, markdown escaping, speaker matching, the UI's HTML."""

from __future__ import annotations

import html

import pytest

from assistant.answers import compose_reply, escape_markdown, is_who_said
from assistant.errors import AssistantError
from assistant.schema import Passage
from assistant.speakers import SpeakerEntry, match_speakers


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
    from assistant.ui import document_html

    text = "date 2020-01-01 Intro <b>bold</b>.\n\n“Hi,” she said."
    start = text.index("“Hi")
    html = document_html(text, [passage(1, text[start:], "Jane Doe", start=start)], focus=1, body_start=16)
    assert "&lt;b&gt;" in html and "<b>" not in html
    assert '<mark id="focus" class="focus"><sup>[1]</sup> “Hi,” she said.</mark>' in html
    assert "2020-01-01" not in html
