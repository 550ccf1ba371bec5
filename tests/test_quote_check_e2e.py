"""Quote checks end to end with the real model, over an index of tests/quote_check/texts (written for these tests):
each verdict through the Python API, the command line (text and JSON) and the Gradio API endpoint ``ask``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.app.cli import main

TEXTS = Path(__file__).parent / "quote_check" / "texts"

VERBATIM = "Did Brenner call it 'a fair and generous offer'?"
CLOSE = "Did Oliver Grant say “Every one of those beds will be open before the end of July”?"
OTHER = "Did Paolo Ricci say 'The cranes will be running at full speed by Monday morning'?"
NOT_FOUND = 'check: "The port cannot afford a single extra euro this year"'


@pytest.fixture(scope="module")
def quote_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from assistant import Assistant

    index = tmp_path_factory.mktemp("quote-check") / "index"
    Assistant.build([TEXTS], index)
    return index


@pytest.fixture(scope="module")
def checker(quote_index: Path):
    from assistant import Assistant

    return Assistant.load(quote_index)


def spans_text(text: str, spans) -> list[str]:
    return [text[a:b] for a, b in spans]


def test_verbatim_partial_quote_through_the_api(checker):
    answer = checker.ask(VERBATIM)
    check = answer.quote_check
    assert check is not None and check.verdict == "verbatim" and answer.found
    assert check.quote == "a fair and generous offer" and check.speaker == "Tomas Brenner"
    first = check.matches[0]
    assert first.words_differ == 0 and first.quote_spans == [] and first.source_spans == []
    assert "a fair and generous offer" in first.passage.text and first.passage.speaker == "Tomas Brenner"
    assert answer.passages[0] == first.passage
    assert answer.answer.startswith("**Verbatim.** These exact words are in a sentence credited to **Tomas Brenner**")


def test_close_quote_shows_the_differing_words_and_the_changed_meaning(checker):
    answer = checker.ask(CLOSE)
    check = answer.quote_check
    assert check.verdict == "close" and check.speaker == "Oliver Grant" and answer.found
    first = check.matches[0]
    assert first.words_differ == 1
    assert spans_text(check.quote, first.quote_spans) == ["July"]
    assert spans_text(first.passage.text, first.source_spans) == ["June"]
    assert answer.answer.startswith("**Close, not exact.** The nearest sentence, credited to **Oliver Grant**")
    assert "differs in 1 word" in answer.answer and "**July**" in answer.answer and "**June**" in answer.answer


def test_words_of_someone_else_are_named_with_their_citation(checker):
    answer = checker.ask(OTHER)
    check = answer.quote_check
    assert check.verdict == "other_speaker" and check.speaker == "Paolo Ricci" and answer.found
    first = check.matches[0]
    assert first.passage.speaker == "Tomas Brenner" and first.words_differ == 0
    assert answer.answer.startswith("**Said by someone else.** These exact words are credited to **Tomas Brenner**")
    assert "not to **Paolo Ricci**" in answer.answer and "harbour-strike, ¶" in answer.answer


def test_an_invented_quote_is_not_found(checker):
    answer = checker.ask(NOT_FOUND)
    check = answer.quote_check
    assert check.verdict == "not_found" and check.matches == [] and not answer.found
    assert answer.passages  # the closest sentences are still shown, marked as not the quote
    assert answer.answer.startswith("**Not found.**") and "*(not an answer)*" in answer.answer


def test_a_quote_in_other_words_is_close_with_its_quoted_words_aligned(checker):
    answer = checker.ask("Did Gomez say 'We waited far too long for action'?")
    check = answer.quote_check
    assert check.verdict == "close" and check.matches[0].passage.speaker == "Rita Gomez"
    first = check.matches[0]
    text = first.passage.text
    assert first.words_differ == 5 and all(text.index("We have") <= a < b <= text.index(",\"") for a, b in first.source_spans)


def test_who_said_a_quote_names_the_speaker_first(checker):
    answer = checker.ask("Who said 'Nobody wants to see this harbour empty again'?")
    assert answer.quote_check.verdict == "verbatim"
    assert answer.answer.startswith("**Paolo Ricci** said it, word for word")


def test_a_speaker_filter_names_the_speaker_of_a_pasted_quote(checker):
    answer = checker.ask('"The cranes will be running at full speed by Monday morning"', speaker="Ricci")
    assert answer.quote_check.verdict == "other_speaker" and answer.quote_check.speaker == "Paolo Ricci"


def test_other_questions_have_no_quote_check(checker):
    answer = checker.ask("What did Brenner say about the cost?")
    assert answer.quote_check is None and "quote_check" not in answer.to_dict()


def test_the_json_keeps_the_contract(checker):
    got = checker.ask(CLOSE).to_dict()
    check = got["quote_check"]
    assert set(check) == {"verdict", "quote", "speaker", "matches"}
    match = check["matches"][0]
    assert set(match) == {"rank", "passage", "words_differ", "quote_spans", "source_spans"}
    assert match["passage"] == got["passages"][0] and match["rank"] == 1
    text = match["passage"]["text"]
    assert [text[a:b] for a, b in match["source_spans"]] == ["June"]
    json.dumps(got)  # plain JSON


def run(capsys, *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().out


@pytest.mark.parametrize("question, first_line", [
    (VERBATIM, "Verbatim. These exact words are in a sentence credited to Tomas Brenner"),
    (CLOSE, "Close, not exact. The nearest sentence, credited to Oliver Grant"),
    (OTHER, "Said by someone else. These exact words are credited to Tomas Brenner"),
    (NOT_FOUND, "Not found. No sentence in the texts is close to these words."),
])
def test_the_cli_prints_the_verdict_first(capsys, quote_index: Path, question: str, first_line: str):
    code, out = run(capsys, "ask", question, "--index", str(quote_index), "-k", "2")
    assert code == 0
    assert out.startswith(first_line), out[:300]
    assert "[1]" in out


def test_the_cli_prints_an_aligned_diff(capsys, quote_index: Path):
    code, out = run(capsys, "ask", CLOSE, "--index", str(quote_index))
    assert code == 0
    lines = out.splitlines()
    quote = next(line for line in lines if line.strip().startswith("quote "))
    source = lines[lines.index(quote) + 1]
    marks = lines[lines.index(quote) + 2]
    assert quote.rstrip().endswith("July") and source.rstrip().endswith("June")
    assert marks.index("^") == source.index("June") == quote.index("July")


def test_the_cli_json_has_the_quote_check(capsys, quote_index: Path):
    code, out = run(capsys, "ask", OTHER, "--index", str(quote_index), "--json")
    assert code == 0
    check = json.loads(out)["quote_check"]
    assert check["verdict"] == "other_speaker" and check["matches"][0]["passage"]["speaker"] == "Tomas Brenner"


def test_the_gradio_api_returns_the_same_object(quote_index: Path, checker):
    from gradio_client import Client

    from hostile_cases import running_app

    with running_app(quote_index) as url:
        client = Client(url, verbose=False)
        for question, verdict in ((VERBATIM, "verbatim"), (CLOSE, "close"), (OTHER, "other_speaker"),
                                  (NOT_FOUND, "not_found")):
            got = client.predict(question, 3, None, api_name="/ask")
            assert got["quote_check"]["verdict"] == verdict
            assert got == checker.ask(question, k=3).to_dict()
