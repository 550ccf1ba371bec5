"""The limits of every way in (``assistant.limits``): the same numbers for the CLI, the Python API and the web."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from assistant import limits
from assistant.errors import AssistantError
from assistant.limits import check_build, check_k, check_paste, check_speaker, clean_question, echo


def test_the_numbers():
    assert limits.MAX_FILE_BYTES == limits.MAX_PASTE_BYTES == 5_000_000
    assert limits.MAX_BUILD_FILES == 1_000
    assert limits.MAX_BUILD_BYTES == 20_000_000
    assert limits.MAX_BUILD_SENTENCES == 100_000
    assert limits.MAX_QUESTION_CHARS == 2_000
    assert limits.MAX_SPEAKER_CHARS == 200
    assert limits.MAX_K == 50


def test_readme_names_every_limit():
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    table = readme.split("**Limits**", 1)[1].split("\n\n", 2)[1]
    for number in ("5,000,000", "1,000", "20,000,000", "100,000", "2,000", "200", "1 to 50", "1800-01-01", "2100-12-31"):
        assert re.search(rf"\|[^\n]*\b{re.escape(number)}\b", table), number


def test_numpy_integers_are_whole_numbers():
    numpy = pytest.importorskip("numpy")
    for value in (numpy.int64(5), numpy.int32(5), numpy.uint8(5), numpy.intc(5)):
        assert check_k(value) == 5 and type(check_k(value)) is int
    for value in (numpy.bool_(True), numpy.float64(5.0), numpy.int64(0), numpy.int64(51), numpy.array([5])):
        with pytest.raises(AssistantError, match="k must be a whole number"):
            check_k(value)


@pytest.mark.parametrize("value", [True, False, 2.5, 5.0, "5", None, 0, 51, -1, 10**100, [5], {"k": 5}])
def test_k_refused(value):
    with pytest.raises(AssistantError, match="k must be a whole number from 1 to 50"):
        check_k(value)


def test_k_message_never_echoes_a_huge_value():
    with pytest.raises(AssistantError) as caught:
        check_k("9" * 1_000_000)
    assert len(str(caught.value)) < 200
    with pytest.raises(AssistantError) as caught:
        check_k(list(range(100_000)))
    assert len(str(caught.value)) < 200


def test_100_mb_question_is_refused_on_its_length_alone():
    question = "hackers " * 12_500_000
    started = time.perf_counter()
    with pytest.raises(AssistantError, match=r"100,000,000 characters long; the limit is 2,000"):
        clean_question(question)
    assert time.perf_counter() - started < 0.05  # a length check, no pass over 100 MB


def test_question_limit_is_on_the_cleaned_text():
    assert clean_question("  " + "h" * 2_000 + "  ") == "h" * 2_000
    with pytest.raises(AssistantError, match="2,001 characters"):
        clean_question("h" * 2_001)


def test_question_is_nfc():
    assert clean_question("cafe\u0301?") == "café?"


@pytest.mark.parametrize("question", ["\u3164\u3164", "\u2800", "\u0301\u0302", "\u202e\u202c"])
def test_blank_looking_questions_are_empty(question):
    with pytest.raises(AssistantError, match="empty"):
        clean_question(question)


def test_speaker_cleaned():
    assert check_speaker("  Vladimir\u202e  Putin\x00 ") == "Vladimir Putin"
    assert check_speaker("Pu\u0301tin") == "Pútin"
    assert check_speaker("putin") == "putin"


@pytest.mark.parametrize("value, message", [
    (42, "must be text"), (None, "must be text"), (b"Putin", "must be text"),
    ("", "empty"), ("   ", "empty"), ("\u200b\u200d", "empty"), ("\x00\x07", "empty"),
    ("P" * 201, "201 characters long; the limit is 200"),
])
def test_speaker_refused(value, message):
    with pytest.raises(AssistantError, match=message):
        check_speaker(value)


def test_long_speaker_is_never_echoed():
    for length in (10_000, 1_000_000, 100_000_000):
        speaker = "\x1b[2J" + "x" * length
        started = time.perf_counter()
        with pytest.raises(AssistantError) as caught:
            check_speaker(speaker)
        assert time.perf_counter() - started < 0.5
        message = str(caught.value)
        assert len(message) < 120 and "xxxxx" not in message and "\x1b" not in message


def test_paste_limit():
    check_paste("a" * limits.MAX_PASTE_BYTES)
    with pytest.raises(AssistantError, match="limit is 5,000,000 bytes per text"):
        check_paste("a" * (limits.MAX_PASTE_BYTES + 1))
    with pytest.raises(AssistantError, match="5,000,001 bytes"):
        check_paste("€" * 1_666_667)  # 3 bytes each


def test_build_limits():
    check_build(files=1_000, size=20_000_000, sentences=100_000)
    with pytest.raises(AssistantError, match="1,001 files were given; the limit is 1,000"):
        check_build(files=1_001)
    with pytest.raises(AssistantError, match="20,000,001 bytes; the limit is 20,000,000"):
        check_build(size=20_000_001)
    with pytest.raises(AssistantError, match="100,001 sentences; the limit is 100,000"):
        check_build(sentences=100_001)


def test_echo_is_short_and_safe():
    assert echo("abc") == "'abc'"
    assert len(echo("x" * 10_000)) < 130
    assert "\x1b" not in echo("\x1b[2J")


def test_estimate_is_an_upper_bound_of_real_sentences():
    from assistant.text.sentences import split_sentences
    from assistant.text.documents import bundled_article, read_document

    text = read_document(bundled_article()).text
    assert limits.estimate_sentences(text) >= len(split_sentences(text))
    dense = "Tiny. " * 200_000
    assert limits.estimate_sentences(dense) >= 200_000
