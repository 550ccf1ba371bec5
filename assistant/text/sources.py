"""The formats a source may come in, chosen by the file's extension and checked against its content.

| extension                 | format                  | one document per     | read by                       |
|---------------------------|-------------------------|----------------------|-------------------------------|
| ``.txt``, ``.md``         | plain text              | file                 | :mod:`assistant.text.documents` |
| ``.html``, ``.htm``       | a saved news web page   | file                 | :mod:`assistant.text.html`    |
| ``.jsonl``, ``.ndjson``   | a dump of articles      | line                 | :mod:`assistant.text.jsonl`   |
| ``.xml``, ``.rss``, ``.atom`` | an RSS 2.0 or Atom feed | item / entry     | :mod:`assistant.text.feeds`   |
| ``.warc``, ``.warc.gz``   | a web archive           | HTML response record | :mod:`assistant.text.warc`    |

Content is checked against the extension before anything is read as that format: a ``.html`` that holds no HTML
tags, a ``.jsonl`` whose first line is not a JSON object, a feed that is not RSS or Atom, a ``.warc`` that does not
start like one are each one clear line. Plain text is plain text whatever it holds: HTML saved as ``.txt`` is read
as text, as it always was.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

from ..errors import AssistantError
from . import feeds, html, jsonl, warc
from .jsonl import Place
from .records import Record

TEXT_SUFFIXES = (".txt", ".md")
PAGE_SUFFIXES = (".html", ".htm")
DUMP_SUFFIXES = (".jsonl", ".ndjson")
FEED_SUFFIXES = (".xml", ".rss", ".atom")
ARCHIVE_SUFFIXES = (".warc", ".warc.gz")
SOURCE_SUFFIXES = TEXT_SUFFIXES + PAGE_SUFFIXES + DUMP_SUFFIXES + FEED_SUFFIXES + ARCHIVE_SUFFIXES
"""Every extension a source may have, in the order the contract lists them."""
STREAMED_SUFFIXES = DUMP_SUFFIXES + ARCHIVE_SUFFIXES
"""Formats read one record at a time (never whole), whose records a Ray worker can read by their Place."""
SUPPORTED = ", ".join(SOURCE_SUFFIXES)
"""The supported extensions as shown in messages."""


def suffix_of(name: str) -> str:
    """The format's extension of a file name, lower case: ``crawl.WARC.gz`` → ``.warc.gz``, ``a.txt`` → ``.txt``."""
    lower = name.lower()
    for suffix in ARCHIVE_SUFFIXES[::-1]:  # the longest first
        if lower.endswith(suffix):
            return suffix
    dot = lower.rfind(".")
    return lower[dot:] if dot > 0 else ""


def stem_of(name: str) -> str:
    """The file name without its format's extension (``crawl.warc.gz`` → ``crawl``)."""
    suffix = suffix_of(name)
    return name[: len(name) - len(suffix)] if suffix in SOURCE_SUFFIXES else name.rsplit(".", 1)[0]


def is_source(name: str) -> bool:
    return suffix_of(name) in SOURCE_SUFFIXES


def unsupported(name: str) -> AssistantError:
    return AssistantError(f"{name} is not a supported source file; the formats are {SUPPORTED}.")


def check_content(head: bytes, suffix: str, name: str) -> None:
    """Refuse a file whose first bytes do not match its extension (plain text is never refused here)."""
    if suffix in PAGE_SUFFIXES and not html.looks_like_html(head):
        raise AssistantError(f"{name} does not look like an HTML page (no HTML tags in it); save it as .txt if it is text.")
    if suffix in DUMP_SUFFIXES and head.lstrip()[:1] not in (b"{", b""):
        raise AssistantError(f"{name} does not look like JSON Lines (its first line is not a JSON object).")
    if suffix in FEED_SUFFIXES and not feeds.looks_like_feed(head):
        raise AssistantError(f"{name} does not look like an RSS or Atom feed (no <rss> or <feed> element).")
    if suffix in ARCHIVE_SUFFIXES and not warc.looks_like_warc(head):
        raise AssistantError(f"{name} does not look like a WARC web archive (it does not start with WARC/).")


def records(stream: IO[bytes], suffix: str, name: str, stem: str, extract: bool = True) -> Iterator[tuple[Place | None, Record]]:
    """The articles of one non-text source, each with its Place when the format is streamed (else None)."""
    if suffix in DUMP_SUFFIXES:
        yield from jsonl.records(stream, name, stem, extract)
    elif suffix in ARCHIVE_SUFFIXES:
        yield from warc.records(stream, name, stem, extract)
    elif suffix in FEED_SUFFIXES:
        for record in feeds.records(stream.read(), name, stem):
            yield None, record
    elif suffix in PAGE_SUFFIXES:
        yield None, html.read_page(stream.read(), name, stem)
    else:
        raise unsupported(name)


def record_at(stream: IO[bytes], suffix: str, place: Place, name: str, stem: str) -> Record:
    """One record of a streamed source, read at its Place."""
    if suffix in DUMP_SUFFIXES:
        return jsonl.record_at(stream, place, name, stem)
    if suffix in ARCHIVE_SUFFIXES:
        return warc.record_at(stream, place, name, stem)
    raise unsupported(name)
