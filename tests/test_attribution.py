"""Speaker attribution: the bundled article sentence by sentence, seed_dev, and one test per named rule."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from assistant.attribution import AttributedText, attribute, attribute_text

HERE = Path(__file__).resolve().parent
ARTICLE = HERE.parent / "assistant" / "data" / "putin-nbc-2017-06-05.txt"


def fold(s: str) -> str:
    s = s.replace("“", '"').replace("”", '"').replace("‘", "'").replace("’", "'")
    return " ".join(s.split())


def find(result: AttributedText | list, fragment: str):
    sentences = result.sentences if isinstance(result, AttributedText) else result
    hits = [s for s in sentences if fold(fragment) in fold(s.text)]
    assert hits, f"no sentence holds {fragment!r}"
    return hits[0]


def who(text: str, fragment: str) -> tuple[str | None, str]:
    s = find(attribute(text), fragment)
    return s.speaker, s.attribution


@pytest.fixture(scope="module")
def article() -> AttributedText:
    return attribute_text(ARTICLE.read_text(encoding="utf-8"))


# ---------------------------------------------------------------------------------------------------------------
# The bundled article, every sentence checked by hand.

PUTIN = "Vladimir Putin"
HAND_CHECK = [
    ("An oft-published photo of him sitting next to Putin", None, "narration"),
    ("We have a lot of Americans who visit us", PUTIN, "direct"),
    ("The Federal Bureau of Investigation (FBI) is now conducting", None, "narration"),
    ("USA intelligence has accused Russian Federation", "USA intelligence", "indirect"),
    ("Putin also said he had no knowledge of a report", PUTIN, "indirect"),
    ("The Russian leader was quoted as saying by TV Line", PUTIN, "indirect"),
    ("President Donald Trump is not getting criticism for his climate stance", None, "narration"),
    # The quoted words are credited by the bare cue that follows ("…". Putin said.): a reader takes the stray full
    # stop for a comma, so the quotation, the cue sentence and the floating quote after it are Putin's, "direct".
    ("Lawmakers should get the chance to hear from fired FBI Director James Comey", PUTIN, "direct"),
    ("Putin said.", PUTIN, "direct"),
    ("We didn't have any relationship at all", PUTIN, "direct"),
    # "blamed the American people of …" reports what Putin said.
    ("Putin went on to indirectly side with Trump", PUTIN, "indirect"),
    ("Then, when Kelly pressed with a follow-up question, he said", PUTIN, "direct"),
    ("I don’t know the routine job of an ambassador", PUTIN, "direct"),
    ("Was it so important who leaked it?", PUTIN, "direct"),
    ("Evidence of interference in other elections around the world", None, "narration"),
    ("Right now I think we have representatives", PUTIN, "direct"),
    ("Putin said he was unaware of any such discussion", PUTIN, "indirect"),
    ("I was one of the guests there", PUTIN, "direct"),
    ("They interfered.’", PUTIN, "direct"),
    ("It’s like anti-Semitism: the Jews are to blame", PUTIN, "direct"),
    ("At one point, he even said Russian Federation didn’t care", PUTIN, "indirect"),
    ("Putin stated through the NBC News translator", PUTIN, "direct"),
    ("He also alleged that the United States actively interferes", PUTIN, "indirect"),
]


def test_every_sentence_of_the_bundled_article(article: AttributedText) -> None:
    assert len(article.sentences) == len(HAND_CHECK)
    for fragment, speaker, kind in HAND_CHECK:
        s = find(article, fragment)
        assert (s.speaker, s.attribution) == (speaker, kind), fragment


def test_aliases_fold_into_the_first_full_name(article: AttributedText) -> None:
    forms = article.aliases[PUTIN]
    for form in ("Putin", "Mr Putin", "The Russian leader", "Russian President Vladimir Putin"):
        assert form in forms
    assert "Megyn Kelly" not in article.aliases


def test_seed_dev_speakers(article: AttributedText) -> None:
    seed = json.loads((HERE / "seed_dev.json").read_text(encoding="utf-8"))
    for case in seed["speakers"]:
        s = find(article, case["frag"])
        ok = [x for x in case["speaker_ok"]]
        if s.speaker is None:
            assert None in ok, case["frag"]
        else:
            assert any(x is not None and x.lower() in s.speaker.lower() for x in ok), (case["frag"], s.speaker)


def test_sentences_index_the_text(article: AttributedText) -> None:
    text = ARTICLE.read_text(encoding="utf-8")
    for s in article.sentences:
        assert text[s.start : s.end] == s.text
        assert (s.speaker is None) == (s.attribution == "narration")
