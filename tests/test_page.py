"""Issue 21: what the page shows, on the pure functions and the API calls under it (the browser tests of the same
defects are in tests/test_page_browser.py).

A paste's id (``api.pasted_document``), a change's progress in plain words (``api.progress_words``), the empty-question
message by the number of texts, the chat kept in the browser (``Answer.from_dict``), the Texts table, "Also cited"
by title, files of no supported format refused by name.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from assistant import Assistant
from assistant.api import PROGRESS_STAGES, WORKING, pasted_document, progress_words, what_it_holds
from assistant.errors import AssistantError
from assistant.schema import Answer, DocumentInfo, Passage, QuoteCheck, QuoteMatch
from assistant.text.documents import PASTED_ID, make_document, paste_stem

HARBOUR = ("Harbour bridge to reopen\n\nMayor Ann Lee said the harbour bridge would reopen in May.\n\n"
           "\u201cThe cables are new,\u201d said engineer Tom Berg.")
UNTITLED = "The ferry captain said the boat would sail at noon. The crew said the sea was calm."


@pytest.fixture
def harbour_index(built_index: Path, tmp_path: Path) -> Assistant:
    import shutil

    index = tmp_path / "index"
    shutil.copytree(built_index, index)
    assistant = Assistant.load(index)
    assistant.add_documents([make_document(HARBOUR, "harbour", source="harbour.txt")])
    return assistant


# ----- 3. a paste gets an id of its own and never replaces a document -----

def test_paste_stem_takes_the_name_the_headline_or_the_first_words():
    assert paste_stem(HARBOUR, "my notes") == "my-notes"
    assert paste_stem(HARBOUR) == "harbour-bridge-to-reopen"
    assert paste_stem("date 2024-03-01\n\n" + HARBOUR) == "harbour-bridge-to-reopen"  # the date line is not it
    assert paste_stem(UNTITLED) == "the-ferry-captain-said-the-boat"  # six words at most
    assert paste_stem("!!! ??? …\n\nSomething.") == PASTED_ID
    assert len(paste_stem("Word" * 500 + " and more")) <= 60


def test_an_unnamed_paste_gets_a_free_id_and_the_same_text_twice_is_refused(harbour_index: Assistant):
    first, note = pasted_document(UNTITLED, "", harbour_index)
    assert first.id == "the-ferry-captain-said-the-boat" and "indexed as the-ferry-captain-said-the-boat." in note
    harbour_index.add_documents([first])
    second, note = pasted_document(UNTITLED.replace("noon", "one"), "", harbour_index)
    assert second.id == "the-ferry-captain-said-the-boat-2", second.id
    assert "is another text's id" in note
    with pytest.raises(AssistantError, match="already in the index, as the-ferry-captain-said-the-boat"):
        pasted_document(UNTITLED, "", harbour_index)
    # a paste without any words to name it: pasted-text, then pasted-text-2
    blank, _ = pasted_document("… …\n\n«¿?»", "", harbour_index)
    assert blank.id == PASTED_ID
    harbour_index.add_documents([blank])
    assert pasted_document("— —\n\n¡!", "", harbour_index)[0].id == f"{PASTED_ID}-2"
    # ids of texts added with it are taken too
    assert pasted_document(HARBOUR.replace("May", "June"), "", None, taken=["harbour-bridge-to-reopen"])[0].id \
        == "harbour-bridge-to-reopen-2"


def test_a_named_paste_never_replaces_a_document(harbour_index: Assistant):
    with pytest.raises(AssistantError) as refused:
        pasted_document("The mayor said something else entirely.", "Harbour", harbour_index)  # case does not matter
    message = str(refused.value)
    assert "a text named harbour is already in the index (\u201cHarbour bridge to reopen\u201d)" in message
    assert "give the pasted text another name, or remove harbour first" in message and "\n" not in message
    with pytest.raises(AssistantError, match="already in the index, as harbour"):
        pasted_document(HARBOUR, "harbour", harbour_index)
    with pytest.raises(AssistantError, match="also the id of an uploaded file"):
        pasted_document(UNTITLED, "notes", None, taken=["notes"])
    document, note = pasted_document(UNTITLED, "ferry", harbour_index)
    assert (document.id, note) == ("ferry", "The pasted text is indexed as ferry.")
    assert pasted_document(UNTITLED, "harbour", None)[0].id == "harbour"  # a new index: nothing to replace


# ----- 4. a change's progress in plain words -----

def test_every_progress_message_of_a_build_an_add_and_a_remove_has_plain_words(built_index: Path, tmp_path: Path):
    """The pipeline's and the store's own messages (which name models and steps) are all known stages: a new message
    there fails this test until PROGRESS_STAGES has words for it."""
    messages: list[str] = []
    sink = lambda fraction, message: messages.append(message)  # noqa: E731
    Assistant.build_documents([make_document(HARBOUR, "harbour")], tmp_path / "index", progress=sink)
    assistant = Assistant.load(tmp_path / "index")
    assistant.add_documents([make_document(UNTITLED, "ferry")], progress=sink)
    assistant.remove(["ferry"])
    assert any("sentences with" in m for m in messages), messages  # the model's id is in the raw messages
    model = assistant.info()["model"]
    for message in messages:
        words = progress_words(message)
        assert words != WORKING, f"no plain words for {message!r}"
        assert words[0].isupper() and "%" not in words and "(s)" not in words, words
        assert str(model) not in words and "minilm" not in words.lower(), words
    assert progress_words("embedding 2,765 sentences with qa-minilm-l6") == "Preparing 2,765 sentences for search"
    assert progress_words("reading and attributing 1 document(s)") == "Finding who said what in 1 text"
    assert progress_words("attributed 3/4 document(s)") == "Finding who said what: 3 of 4 texts"
    assert progress_words("something new") == WORKING
    assert all(words[0].isupper() for _, words in PROGRESS_STAGES)


def test_the_page_progress_line_has_one_percentage():
    from assistant.app.ui import progress_html

    line = progress_html(0.2, "embedding 2,765 sentences with qa-minilm-l6")
    text = re.sub(r"<[^>]+>", "", line)
    assert text == "Preparing 2,765 sentences for search · 20%", text
    assert text.count("%") == 1 and "value='20'" in line


# ----- 9. the empty question names what the index holds -----

def test_the_empty_question_message_fits_the_number_of_documents(assistant: Assistant, harbour_index: Assistant):
    assert (what_it_holds(0), what_it_holds(1), what_it_holds(4), what_it_holds(1200)) == \
        ("the texts", "the article", "the 4 texts", "the 1,200 texts")
    with pytest.raises(AssistantError, match=r"the question is empty; type a question about the article\.$"):
        assistant.ask("   ")
    with pytest.raises(AssistantError, match=r"type a question about the 2 texts\.$"):
        harbour_index.ask("\u200b")


# ----- 6. the chat kept in the browser -----

def _passage(rank: int, doc_id: str = "harbour", title: str = "Harbour bridge to reopen") -> Passage:
    return Passage(rank=rank, score=0.5, text=f"Sentence {rank}.", speaker="Ann Lee", attribution="direct",
                   doc_id=doc_id, doc_title=title, date="2024-03-01", paragraph=1, sentence=rank, start=10 * rank,
                   end=10 * rank + 5, context_before="before", context_after="after", url="https://example.com/a")


def test_an_answer_comes_back_from_its_json(assistant: Assistant):
    answer = assistant.ask("What did Putin say about hackers?")
    again = Answer.from_dict(json.loads(json.dumps(answer.to_dict())))
    assert again.to_dict() == answer.to_dict()
    check = QuoteCheck("close", "the words", "Ann Lee", [QuoteMatch(1, _passage(1), 2, [(0, 3)], [(4, 8)])])
    quoted = Answer("Did Ann Lee say 'the words'?", "…", [_passage(1)], True, check)
    assert Answer.from_dict(json.loads(json.dumps(quoted.to_dict()))).to_dict() == quoted.to_dict()


def test_the_saved_chat_is_rebuilt_from_its_answers_and_garbage_is_an_empty_chat(assistant: Assistant):
    from assistant.app.ui import MAX_SAVED_ANSWERS, chat_messages, restored_chat, saved_chat

    answers = [assistant.ask("What did Putin say about hackers?"), assistant.ask("Who said 'I was one of the guests there'?")]
    saved = json.loads(json.dumps(saved_chat(answers)))  # what the browser keeps is JSON
    history, restored = restored_chat(saved)
    assert [a.to_dict() for a in restored] == [a.to_dict() for a in answers]
    assert history == [m for a in answers for m in chat_messages(a)]
    assert len(saved_chat(answers * MAX_SAVED_ANSWERS)["answers"]) == MAX_SAVED_ANSWERS
    for garbage in (None, [], "x", {"answers": "x"}, {"answers": [{"question": 1}]}, {"answers": [None]}):
        assert restored_chat(garbage) == ([], []), garbage


# ----- 5. the Texts table; 11. "Also cited" by title; 2. a file of no supported format -----

def test_the_texts_table_counts_long_speaker_lists_and_escapes_everything():
    from assistant.app.ui import documents_html, speaker_summary

    names = [f"Speaker {i}" for i in range(12)]
    assert speaker_summary(names) == "Speaker 0, Speaker 1, Speaker 2 and 9 more"
    assert speaker_summary(names[:3]) == "Speaker 0, Speaker 1, Speaker 2"
    table = documents_html([DocumentInfo("<b>x", "<script>t</script>", None, "x.txt", 3, names, "javascript:alert(1)")])
    assert "<script>" not in table and "&lt;script&gt;" in table and "&lt;b&gt;x" in table
    assert "and 9 more</summary>" in table and "Speaker 11" in table  # the whole list opens from the count
    assert "href" not in table  # an address that is not http(s) is text
    assert documents_html([]) == "<p><em>The index holds no documents.</em></p>"


def test_also_cited_names_the_other_documents_by_title(harbour_index: Assistant):
    from assistant.app.ui import article_view, shown_document

    answer = Answer("q", "a", [_passage(1), _passage(2, "putin-nbc-2017-06-05", "Putin <nbc>"),
                               _passage(3, "putin-nbc-2017-06-05", "Putin <nbc>")])
    view = article_view(harbour_index, answer)
    assert "Also cited: \u201cPutin &lt;nbc&gt;\u201d [2, 3] (click a citation to see it)" in view
    assert "putin-nbc-2017-06-05" not in view.split("Also cited")[1].split("</em>")[0]
    assert shown_document(harbour_index, answer) == "harbour"
    assert shown_document(harbour_index, answer, 3) == "putin-nbc-2017-06-05"
    assert shown_document(harbour_index, None) == harbour_index.documents()[0].id


def test_files_of_no_supported_format_are_refused_by_name():
    from assistant.app.ui import read_uploads, refusal, unsupported

    assert unsupported(["/up/a/report.pdf", "/up/b/notes.txt", "C:\\up\\slides.PPTX"]) == ["report.pdf", "slides.PPTX"]
    assert refusal(["report.pdf"]).startswith("report.pdf is not a supported file; upload .txt, .md")
    assert refusal(["a.pdf", "b.doc"]).startswith("a.pdf, b.doc are not supported files")
    with pytest.raises(AssistantError, match="report.pdf is not a supported file"):
        read_uploads(["/nowhere/report.pdf"], "", "")
