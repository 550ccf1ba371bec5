"""The speaker evaluation: gold labels from spans, last-name matching, the report, bad files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.errors import AssistantError
from assistant.evaluation.polnear import evaluate_file, gold_labels, last_name, read_articles, same_speaker

TEXT = (
    "The council met on Monday.\n\n"
    "“We will open the bridge in May,” said Mayor Jane Doe.\n\n"
    "Tom Baker said the plan was too expensive.\n\n"
    "He added that he would vote against it."
)


def span(fragment: str) -> list[int]:
    start = TEXT.index(fragment)
    return [start, start + len(fragment)]


ARTICLE = {
    "id": "invented-1",
    "text": TEXT,
    "attributions": [
        {"source": "Mayor Jane Doe", "source_spans": [span("Mayor Jane Doe")], "cue_spans": [span("said Mayor")],
         "content_spans": [span("“We will open the bridge in May,”")], "has_source": True,
         "source_is_pronoun": False, "source_looks_named": True, "content_has_quote_marks": True},
        {"source": "Tom Baker", "source_spans": [span("Tom Baker")], "cue_spans": [span("said the plan")],
         "content_spans": [span("the plan was too expensive")], "has_source": True,
         "source_is_pronoun": False, "source_looks_named": True, "content_has_quote_marks": False},
        {"source": "He", "source_spans": [span("He added")], "cue_spans": [span("added")],
         "content_spans": [span("that he would vote against it")], "has_source": True,
         "source_is_pronoun": True, "source_looks_named": False, "content_has_quote_marks": False},
    ],
}


def write(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "gold.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_gold_labels_from_spans() -> None:
    sentences = [(0, 26), (TEXT.index("“We"), TEXT.index("Doe.") + 4)]
    labels = gold_labels(ARTICLE, sentences)
    assert labels[0].kind == "narration"
    assert labels[1].kind == "speech" and labels[1].source == "Mayor Jane Doe"
    assert labels[1].named and labels[1].in_sentence and labels[1].quoted


def test_thin_overlap_is_not_scored() -> None:
    article = dict(ARTICLE, attributions=[dict(ARTICLE["attributions"][0], content_spans=[[0, 3]])])
    assert gold_labels(article, [(0, 26)])[0].kind == "unscored"


def test_last_names() -> None:
    assert last_name("Mr. Lee") == "lee"
    assert last_name("John G. Hale Jr.") == "hale"
    assert last_name("Sen. Ted Marsh of Ohio") == "marsh"
    assert last_name("A spokeswoman for Mayor Tim Lo") == "spokeswoman"
    assert last_name("Secretary of State Jane Q. Doe") == "doe"
    assert last_name("The independent Commission on River Safety") == last_name("Commission on River Safety")
    assert last_name("Ana Brand, a developer") == "brand"
    assert same_speaker("Barack Lee", "Mr. Lee’s")
    assert not same_speaker(None, "Lee")


def test_a_name_in_apposition_to_the_gold_description_is_the_same_speaker() -> None:
    assert same_speaker("Dana Quill", "A lawyer for the two unions, Dana Quill,")
    assert same_speaker("Rob Tesh", "The party’s presumed nominee, Tesh")
    assert not same_speaker("Dana Quill", "A lawyer for the two unions, Dana Quill's client")  # not a name alone
    assert not same_speaker("North Dakota", "Stacy Vane of Fargo, North Dakota")  # a name, then a place
    assert not same_speaker("Lee Ono", "Petra Hale, Lee Ono and others")  # a list, not an apposition
    assert not same_speaker("Ohio", "Most voters in Iowa, Ohio")  # places listed after a description


def test_report(tmp_path: Path) -> None:
    report = evaluate_file(write(tmp_path, [json.dumps(ARTICLE)]))
    assert "articles: 1" in report
    assert "narration vs speech accuracy: 100.0% (4/4)" in report
    assert "all" in report and "100.0% (2/2)   target >= 92%" in report
    assert "looks like a name" in report
    assert "Gender Gap Tracker" in report and "BookNLP" in report
    assert "time per article" in report


@pytest.mark.parametrize(
    "lines, message",
    [([], "holds no articles"), (["{not json"], "not valid JSON"), (['{"id": 1}'], "expected an object")],
)
def test_bad_files(tmp_path: Path, lines: list[str], message: str) -> None:
    with pytest.raises(AssistantError, match=message):
        evaluate_file(write(tmp_path, lines))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(AssistantError, match="does not exist"):
        read_articles(tmp_path / "nope.jsonl")


def test_acronyms_match() -> None:
    assert same_speaker("World Weather Agency", "The WWA")
    assert same_speaker("WWA", "the World Weather Agency")
    assert not same_speaker("Jane Doe", "The WWA")
