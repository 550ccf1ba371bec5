"""The sieve as data: every rule is named, has the sentence that motivated it, and decides that sentence itself."""

from __future__ import annotations

import pytest

from assistant.speech.attribution import attribute_text
from assistant.speech.sieve import RULES


def test_rule_names_are_unique_and_the_last_rule_always_decides():
    names = [r.name for r in RULES]
    assert len(names) == len(set(names))
    assert names[-1] == "narration"


@pytest.mark.parametrize("rule", RULES, ids=[r.name for r in RULES])
def test_each_rule_decides_the_sentence_that_motivated_it(rule):
    attributed = attribute_text(rule.example)
    assert rule.name in attributed.rules, list(zip(attributed.rules, [s.text for s in attributed.sentences]))


def test_every_sentence_records_the_rule_that_decided_it():
    text = "Mayor Jane Doe said the bridge would close.\n\n“It is simply not safe,” she said.\n\nIt opened in 1932."
    attributed = attribute_text(text)
    assert attributed.rules == ["indirect_cued", "direct_cued", "narration"]
    assert [s.speaker for s in attributed.sentences] == ["Jane Doe", "Jane Doe", None]


def test_quotation_subject_a_cueless_quotation_is_the_named_subjects():
    from assistant.speech.attribution import attribute_text

    text = ("Mayor Ines Falk spoke to the council on Monday.\n\n"
            "Councillor Peter Hollis said the plan was rushed.\n\n"
            "Falk ended the meeting with the line of the night, “a bridge we cannot afford to lose.”")
    attributed = attribute_text(text)
    last = attributed.sentences[-1]
    assert (last.speaker, last.attribution, attributed.rules[-1]) == ("Ines Falk", "direct", "quotation_subject")
