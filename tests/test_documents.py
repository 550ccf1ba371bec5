from pathlib import Path

import pytest

from assistant.documents import (
    bundled_article, decode, make_document, parse_header, read_document, read_documents, readable_title, unique_ids,
)
from assistant.errors import AssistantError


def test_leading_date_is_metadata_not_text():
    header = parse_header(" date 2017-06-05 An oft-published photo.")
    assert header.date == "2017-06-05"
    assert " date 2017-06-05 An oft-published photo."[header.body_start :] == "An oft-published photo."


def test_no_header_means_body_starts_at_zero():
    assert parse_header("Dated material follows.") == parse_header("Dated material follows.")
    assert parse_header("Dated material follows.").date is None
    assert parse_header("Dated material follows.").body_start == 0


def test_bundled_article_reads_with_date_and_title():
    document = read_document(bundled_article())
    assert document.id == "putin-nbc-2017-06-05"
    assert document.date == "2017-06-05"
    assert document.title


def test_markdown_heading_is_the_title():
    assert make_document("# Big news\n\nSomething happened.", "x").title == "Big news"
    assert readable_title("city_council-vote") == "City council vote"


@pytest.mark.parametrize(
    "data, message",
    [(b"\x00\x01\x02binary", "binary"), (b"caf\xe9 au lait", "not valid UTF-8")],
)
def test_undecodable_bytes_are_a_clear_error(data, message):
    with pytest.raises(AssistantError, match=message):
        decode(data, "x.txt")


def test_bom_is_dropped():
    assert decode("\ufeffHello.".encode("utf-8"), "x") == "Hello."


def test_empty_and_missing_files(tmp_path: Path):
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n\n ", encoding="utf-8")
    with pytest.raises(AssistantError, match="empty"):
        read_document(empty)
    with pytest.raises(AssistantError, match="does not exist"):
        read_document(tmp_path / "nope.txt")
    with pytest.raises(AssistantError, match="not a .txt or .md"):
        (tmp_path / "x.pdf").write_bytes(b"%PDF")
        read_document(tmp_path / "x.pdf")


def test_folder_without_texts_is_an_error(tmp_path: Path):
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    with pytest.raises(AssistantError, match="no .txt or .md"):
        read_documents([tmp_path])


def test_ids_are_unique_and_safe():
    assert unique_ids(["a", "a", "../../x", "a"]) == ["a", "a-2", "x", "a-3"]
