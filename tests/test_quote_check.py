"""Quote checks on strings: reading the question, aligning word by word, deciding, and showing the difference."""

from __future__ import annotations

import pytest

from assistant.schema import Answer, Passage, QuoteCheck, QuoteMatch
from assistant.search import quote_check as qc


def passage(text: str, speaker: str | None = "Jane Doe", rank: int = 1, attribution: str = "direct") -> Passage:
    return Passage(rank=rank, score=0.5, text=text, speaker=speaker, attribution=attribution, doc_id="harbour",
                   doc_title="Harbour", date=None, paragraph=2, sentence=3, start=0, end=len(text))


# ----- reading the question -----

@pytest.mark.parametrize("question, quote, name, form", [
    ("Did Jane Doe say 'The ferry will run again in May'?", "The ferry will run again in May", "Jane Doe", "did"),
    ("did jane say \"the ferry will run\"", "the ferry will run", "jane", "did"),
    ("Did Doe really say “We can’t wait any longer”?", "We can’t wait any longer", "Doe", "did"),
    ("Did the mayor call it ‘a fair and generous offer’?", "a fair and generous offer", "the mayor", "did"),
    ("Is it true that Jane Doe said «Nobody reads the minutes»?", "Nobody reads the minutes", "Jane Doe", "did"),
    ("Is it true that Doe said: 'No ferry runs on Sundays'?", "No ferry runs on Sundays", "Doe", "did"),
    ("Has Ben Ola ever said 'I never liked ferries'?", "I never liked ferries", "Ben Ola", "did"),
    ("Was Ben Ola quoted as saying 'the ferry is late'?", "the ferry is late", "Ben Ola", "did"),
    ("Who said 'The ferry will run again in May'?", "The ferry will run again in May", None, "who"),
    ("Who was quoted as saying “the ferry is late”?", "the ferry is late", None, "who"),
    ('"The ferry will run again in May"', "The ferry will run again in May", None, "pasted"),
    ("“The ferry will run again in May.”", "The ferry will run again in May.", None, "pasted"),
    ("check: 'The ferry will run again in May'", "The ferry will run again in May", None, "pasted"),
    ("Fact-check this quote: „Die Fähre fährt wieder“", "Die Fähre fährt wieder", None, "pasted"),
    ("Doe: 'Ferries are everywhere'", "Ferries are everywhere", "Doe", "pasted"),
    ("Mr Ben van Ola said: 'Ferries are everywhere'", "Ferries are everywhere", "Mr Ben van Ola", "pasted"),
    ("“Ferries are everywhere” — Jane Doe", "Ferries are everywhere", "Jane Doe", "pasted"),
    ("Did he say 'the ferry is late'?", "the ferry is late", None, "did"),
])
def test_quote_questions_are_read(question, quote, name, form):
    assert qc.parse_quote_question(question) == qc.QuoteQuestion(quote, name, form)


@pytest.mark.parametrize("question", [
    "What did Jane Doe say about the ferry?",
    "Who said the ferry would run?",
    "What did Doe mean by 'ferry'?",
    "Why is the ferry late?",
    "Doe's ferry isn't Ola's ferry",
    "Tell me about 'the ferry' and the harbour",
    "''",
    "What did Putin mean when he said 'hackers are everywhere'?",
    "Did Doe say anything about 'the ferry'?",
    "what he said: 'the ferry is late'",
])
def test_other_questions_are_not_quote_checks(question):
    assert qc.parse_quote_question(question) is None


def test_apostrophes_inside_a_single_quoted_quote_are_not_its_end():
    asked = qc.parse_quote_question("Did Doe say 'the port's cranes can't stop'?")
    assert asked is not None and asked.quote == "the port's cranes can't stop"


def test_the_longest_quoted_part_is_the_quote():
    asked = qc.parse_quote_question("Did Doe say 'ferry' and 'the ferry will run again'?")
    assert asked is not None and asked.quote == "the ferry will run again"


# ----- aligning -----

SOURCE = "“We did not close the ferry, and it will run again in May,” Ms Doe said."


def test_the_same_words_with_other_marks_case_and_spacing_are_verbatim():
    alignment = qc.align("we did NOT close the  ferry – and it will run again in may", SOURCE)
    assert alignment.words_differ == 0 and alignment.quote_spans == [] and alignment.source_spans == []


def test_a_partial_quote_is_verbatim_when_its_words_are_contiguous():
    alignment = qc.align("it will run again", SOURCE)
    assert alignment.words_differ == 0 and qc.is_close(alignment)
    assert SOURCE[slice(*_covered_chars(alignment))] == "it will run again"


def _covered_chars(alignment: qc.Alignment) -> tuple[int, int]:
    lo, hi = alignment.covered
    return alignment.source_words[lo].start, alignment.source_words[hi - 1].end


def test_a_changed_word_is_one_difference_with_a_span_on_each_side():
    quote = "it will run again in June"
    alignment = qc.align(quote, SOURCE)
    assert alignment.words_differ == 1
    assert [quote[a:b] for a, b in alignment.quote_spans] == ["June"]
    assert [SOURCE[a:b] for a, b in alignment.source_spans] == ["May"]
    assert qc.meaning_changes(alignment, quote, SOURCE) == ("date",)


def test_a_dropped_word_is_marked_in_the_source_only_and_an_added_one_in_the_quote_only():
    dropped = qc.align("it will run in May", SOURCE)
    assert dropped.words_differ == 1 and dropped.quote_spans == []
    assert [SOURCE[a:b] for a, b in dropped.source_spans] == ["again"]
    quote = "it surely will run again in May"
    added = qc.align(quote, SOURCE)
    assert added.words_differ == 1 and added.source_spans == []
    assert [quote[a:b] for a, b in added.quote_spans] == ["surely"]


def test_a_dropped_negation_changes_the_meaning():
    quote = "We did close the ferry, and it will run again in May"
    alignment = qc.align(quote, SOURCE)
    assert alignment.words_differ == 1 and qc.meaning_changes(alignment, quote, SOURCE) == ("negation",)


def test_a_negation_cut_off_at_the_edge_of_a_partial_quote_counts():
    source = "“Not a single ferry will run on Sunday,” she said."
    alignment = qc.align("a single ferry will run on Sunday", source)
    assert alignment.words_differ == 1
    assert [source[a:b] for a, b in alignment.source_spans] == ["Not"]


def test_a_changed_name_changes_the_meaning():
    source = "“Ben Ola will sail the ferry,” she said."
    alignment = qc.align("Jon Ola will sail the ferry", source)
    assert qc.meaning_changes(alignment, "Jon Ola will sail the ferry", source) == ("name",)
    pronoun = qc.align("They will sail the ferry", "“We will sail the ferry,” she said.")
    assert qc.meaning_changes(pronoun, "They will sail the ferry", "“We will sail the ferry,” she said.") == ()


def test_a_changed_number_changes_the_meaning_and_contractions_are_negations():
    source = "The ferry carried 300 people and we don't expect more."
    quote = "The ferry carried 250 people and we do expect more"
    alignment = qc.align(quote, source)
    assert alignment.words_differ == 2
    assert qc.meaning_changes(alignment, quote, source) == ("negation", "number")


def test_an_invented_quote_is_not_close_and_a_reworded_one_is():
    assert not qc.is_close(qc.align("The council sold the ferry to a bank last winter", SOURCE))
    assert qc.is_close(qc.align("We did not shut the ferry, and it will run again in May", SOURCE))
    assert not qc.is_close(qc.align("", SOURCE))


def test_a_long_quote_with_many_changes_is_not_close_even_if_most_words_are_shared():
    source = " ".join(f"w{i}" for i in range(40))
    quote = " ".join(f"w{i}" if i % 5 else "other" for i in range(40))  # 8 of 40 changed: 80% shared
    alignment = qc.align(quote, source)
    assert alignment.shared_share == pytest.approx(0.8) and alignment.words_differ == 8
    assert not qc.is_close(alignment)


def test_the_aligned_diff_puts_the_words_in_columns_and_marks_the_differences():
    lines = qc.aligned_diff("we did close the ferry", SOURCE)
    assert lines[0].split() == ["quote", "we", "did", qc.GAP, "close", "the", "ferry"]
    assert lines[1].split() == ["source", "We", "did", "not", "close", "the", "ferry"]
    assert lines[2].strip() == "^^^"
    assert lines[1].index("not") == lines[2].index("^")


def test_the_aligned_diff_wraps_long_quotes():
    quote = " ".join(f"word{i}" for i in range(40))
    lines = qc.aligned_diff(quote, quote.replace("word7", "other"), width=60)
    assert len(lines) > 3 and all(len(line) <= 60 for line in lines)


# ----- deciding -----

def candidate(text: str, speaker: str | None, quote: str, score: float = 0.5) -> qc._Candidate:
    from assistant.store.snapshot import Location

    return qc._Candidate(Location(0, hash(text) % 1000), score, speaker, qc.align(quote, text))


QUOTE = "the ferry will run again in May"


def test_the_named_speakers_own_words_are_verbatim_and_someone_elses_are_other_speaker():
    own = candidate("“The ferry will run again in May,” Doe said.", "Jane Doe", QUOTE)
    other = candidate("“The ferry will run again in May,” Ola said.", "Ben Ola", QUOTE)
    assert qc.decide([own, other], {"Jane Doe"}, True)[0] == "verbatim"
    verdict, chosen = qc.decide([other], {"Jane Doe"}, True)
    assert verdict == "other_speaker" and chosen[0].speaker == "Ben Ola"


def test_someone_elses_exact_words_beat_the_named_speakers_close_ones():
    own = candidate("“The ferry will run again in June,” Doe said.", "Jane Doe", QUOTE)
    other = candidate("“The ferry will run again in May,” Ola said.", "Ben Ola", QUOTE)
    close = sorted([own, other], key=lambda c: c.order)
    verdict, chosen = qc.decide(close, {"Jane Doe"}, True)
    assert verdict == "other_speaker" and [c.speaker for c in chosen] == ["Ben Ola", "Jane Doe"]


def test_a_name_quoted_nowhere_makes_any_match_someone_elses_and_no_name_never_does():
    other = candidate("“The ferry will run again in May,” Ola said.", "Ben Ola", QUOTE)
    assert qc.decide([other], set(), True)[0] == "other_speaker"
    assert qc.decide([other], set(), False)[0] == "verbatim"
    assert qc.decide([], {"Jane Doe"}, True) == ("not_found", [])


# ----- the objects and the reply -----

def make_check(verdict: str, text: str, quote: str, speaker: str | None = "Jane Doe") -> QuoteCheck:
    alignment = qc.align(quote, text)
    match = QuoteMatch(rank=1, passage=passage(text, speaker), words_differ=alignment.words_differ,
                       quote_spans=alignment.quote_spans, source_spans=alignment.source_spans,
                       meaning=qc.meaning_changes(alignment, quote, text))
    return QuoteCheck(verdict=verdict, quote=quote, speaker="Jane Doe", matches=[match])  # type: ignore[arg-type]


def test_the_quote_check_object_keeps_the_contract_and_other_answers_stay_as_they_were():
    check = make_check("close", SOURCE, "it will run again in June")
    answer = Answer(question="q", answer="a", passages=[check.matches[0].passage], quote_check=check)
    got = answer.to_dict()["quote_check"]
    assert set(got) == {"verdict", "quote", "speaker", "matches"}
    assert set(got["matches"][0]) == {"rank", "passage", "words_differ", "quote_spans", "source_spans"}
    assert got["matches"][0]["quote_spans"] == [[21, 25]] and got["matches"][0]["words_differ"] == 1
    assert got["matches"][0]["passage"]["text"] == SOURCE
    assert "quote_check" not in Answer(question="q", answer="a").to_dict()


@pytest.mark.parametrize("verdict, first_words", [
    ("verbatim", "**Verbatim.**"), ("close", "**Close, not exact.**"), ("other_speaker", "**Said by someone else.**"),
])
def test_the_reply_says_the_verdict_first(verdict, first_words):
    quote = "it will run again in June" if verdict == "close" else "it will run again in May"
    check = make_check(verdict, SOURCE, quote, "Ben Ola" if verdict == "other_speaker" else "Jane Doe")
    asked = qc.QuoteQuestion(quote, "Doe", "did")
    reply = qc.compose_quote_reply(asked, check, [m.passage for m in check.matches], "Doe")
    assert reply.startswith(first_words)
    if verdict == "close":
        assert "differs in 1 word" in reply and "a date differs" in reply and "**June**" in reply
    if verdict == "other_speaker":
        assert "**Ben Ola**" in reply and "not to **Jane Doe**" in reply


def test_who_said_a_verbatim_quote_names_the_speaker_first():
    check = make_check("verbatim", SOURCE, "it will run again in May")
    reply = qc.compose_quote_reply(qc.QuoteQuestion("it will run again in May", None, "who"), check,
                                   [check.matches[0].passage], None)
    assert reply.startswith("**Jane Doe** said it, word for word")


def test_not_found_says_so_and_marks_the_sentences_as_not_the_quote():
    check = QuoteCheck(verdict="not_found", quote="the council sold the ferry", speaker=None, matches=[])
    reply = qc.compose_quote_reply(qc.QuoteQuestion(check.quote, None, "pasted"), check, [passage(SOURCE)], None)
    assert reply.startswith("**Not found.**") and "*(not an answer)*" in reply


def test_markup_in_a_quote_is_shown_literally_in_the_reply():
    quote = "<img src=x onerror=alert(1)> will run again in *May*"
    check = make_check("close", SOURCE, quote)
    reply = qc.compose_quote_reply(qc.QuoteQuestion(quote, "Doe", "did"), check, [check.matches[0].passage], "Doe")
    assert "<img" not in reply and "&lt;" in reply and "\\*May\\*" in reply


def test_only_sentences_with_enough_words_in_common_are_aligned():
    from collections import Counter

    keys = Counter(w.key for w in qc.words("it will run again in May"))
    assert qc.could_be_close(keys, SOURCE)
    assert not qc.could_be_close(keys, "The council sold the ferry to a bank.")
    assert not qc.could_be_close(Counter(), SOURCE)


def test_without_free_ends_the_whole_source_is_aligned():
    alignment = qc.align("Ferries are everywhere", "Ferries can be anywhere", free_ends=False)
    assert alignment.words_differ == 3 and alignment.shared == 1
    assert qc.align("it will run", "so it will run again", free_ends=False).words_differ == 2


def test_a_reworded_quote_is_set_against_the_quoted_words_in_the_diff():
    lines = qc.aligned_diff("Ferries are everywhere", "She said: “Ferries can be anywhere”.")
    assert lines[0].split() == ["quote", "Ferries", "are", "everywhere", qc.GAP]
    assert lines[1].split() == ["source", "Ferries", "can", "be", "anywhere"]
