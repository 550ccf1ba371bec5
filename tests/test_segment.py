"""Sentence splitting: offsets, paragraphs and the traps of real news text."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from assistant.text.sentences import paragraph_spans, split_sentences

ARTICLE = Path(__file__).resolve().parents[1] / "assistant" / "data" / "putin-nbc-2017-06-05.txt"


def texts(text: str) -> list[str]:
    return [text[s:e] for s, e, _ in split_sentences(text)]


def test_offsets_strip_and_cover_the_text() -> None:
    text = "  First one.  Second one!\n\nThird?  "
    spans = split_sentences(text)
    assert [text[s:e] for s, e, _ in spans] == ["First one.", "Second one!", "Third?"]
    assert [p for _, _, p in spans] == [1, 1, 2]


def test_header_is_skipped_but_offsets_index_the_full_text() -> None:
    text = " date 2017-06-05 The body starts here. Next."
    spans = split_sentences(text)
    assert text[spans[0][0] : spans[0][1]] == "The body starts here."
    assert spans[0][0] > 10


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Mr Putin said it. Mr. Smith agreed.", ["Mr Putin said it.", "Mr. Smith agreed."]),
        ("He spoke to Dr. Jones and Sen. Ted Cruz on Jan. 5 about Gov. Brown.", None),
        ("He said Russia didn’t care about who heads the U.S.", None),
        ("The U.S. Senate voted. The House did not.", ["The U.S. Senate voted.", "The House did not."]),
        ("It happened in the U.S. The next day it ended.", ["It happened in the U.S.", "The next day it ended."]),
        ("The Federal Bureau of Investigation (FBI) is now conducting an inquiry.", None),
        ("“I have no idea.I don’t know the job”.", ["“I have no idea.", "I don’t know the job”."]),
        ("“Was it important?” he said.Evidence was traced.", ["“Was it important?” he said.", "Evidence was traced."]),
        ("“We have Americans who visit us”, Mr Putin said.", None),
        ("He said “it is over”. Then he left.", ["He said “it is over”.", "Then he left."]),
        ("He said “it is over.” Then he left.", ["He said “it is over.”", "Then he left."]),
        ("She met J. K. Rowling at 9 a.m. on Monday.", None),
        ("It hit 35 C. “Stay inside,” she said.", ["It hit 35 C.", "“Stay inside,” she said."]),  # temperature_unit
        ("Highs near -4 F. Winds calm.", ["Highs near -4 F.", "Winds calm."]),
        ("Growth was 3.5 per cent. Prices rose.", ["Growth was 3.5 per cent.", "Prices rose."]),
        ("He wears No. 5 for the club.", None),
        ("His niece, state Del. Marcia Price, spoke.", None),
        ("Well... Maybe not.", ["Well...", "Maybe not."]),
        ("It was, he said, “fine” – and then… nothing.", None),
        ('"Hackers can be anywhere". He also alleged it.', ['"Hackers can be anywhere".', "He also alleged it."]),
        ("“Hackers can be anywhere” —Commissioner Jane Roe.", None),
    ],
)
def test_traps(text: str, expected: list[str] | None) -> None:
    assert texts(text) == (expected if expected is not None else [text])


def test_single_newline_rules() -> None:
    text = "# A heading\nA line that wraps\nin the middle. A second sentence.\nA new paragraph.\n- item one\n- item two"
    got = [(text[s:e], p) for s, e, p in split_sentences(text)]
    assert got == [  # the leading heading is the title (documents.parse_header), not a sentence
        ("A line that wraps\nin the middle.", 1),
        ("A second sentence.", 1),
        ("A new paragraph.", 2),
        ("- item one", 3),
        ("- item two", 4),
    ]


def test_paragraphs_by_blank_lines() -> None:
    text = "One.\n\n\n  Two.\r\n\r\nThree."
    assert [text[a:b] for a, b in paragraph_spans(text)] == ["One.", "Two.", "Three."]


def test_bundled_article() -> None:
    text = ARTICLE.read_text(encoding="utf-8")
    got = texts(text)
    assert got[0].startswith("An oft-published photo")
    assert "“Was it so important who leaked it?” he said." in got
    assert "Putin said." in got
    assert "I don’t know the routine job of an ambassador”." in got
    assert "At one point, he even said Russian Federation didn’t care about who heads the U.S." in got
    assert len(got) == 23
    assert max(p for _, _, p in split_sentences(text)) == 13


@pytest.mark.parametrize(
    "text",
    ["", " ", "\n\n\n", "“", "”“\"'’", "😀 🎉. 🚀!", "\x00\x01\x02.", "<p>Hello.</p><br/>World.", "...", ". . .",
     "date 2017-01-01", "a" * 5000, "Mr. " * 300, "?!" * 500],
)
def test_never_crashes(text: str) -> None:
    for s, e, p in split_sentences(text):
        assert 0 <= s < e <= len(text) and p >= 1
        assert text[s:e] == text[s:e].strip()


def test_fast_on_long_text() -> None:
    text = ARTICLE.read_text(encoding="utf-8")
    big = (text + "\n\n") * 400  # ~1 MB
    started = time.perf_counter()
    spans = split_sentences(big)
    assert len(spans) > 9000
    assert time.perf_counter() - started < 5
    started = time.perf_counter()
    for _ in range(20):
        split_sentences(text)
    assert (time.perf_counter() - started) / 20 < 0.01


def test_windows_line_endings() -> None:
    text = "First line ends here.\r\nSecond paragraph.\r\n\r\nThird one."
    assert [(text[s:e], p) for s, e, p in split_sentences(text)] == [
        ("First line ends here.", 1), ("Second paragraph.", 2), ("Third one.", 3)]
