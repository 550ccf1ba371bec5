"""A JSON Lines (``.jsonl``, ``.ndjson``) dump of articles → one Record per line, read one line at a time.

Each line is a JSON object with ``text`` (required: plain text, or HTML, which becomes text as a page's does) and
optionally ``id`` (text or a whole number), ``title``, ``date`` (``YYYY-MM-DD`` or an ISO date-time), ``url`` and
``author`` (a name or a list of names). Blank lines are skipped. A line that breaks these rules refuses the whole
file, naming the line. The file is never read whole: memory is bounded by its longest line
(``limits.MAX_RECORD_BYTES``), and each record's :class:`Place` (byte offset, length, line number) lets a Ray worker
read only its own lines.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from ..errors import AssistantError
from ..limits import MAX_RECORD_BYTES
from .html import holds_markup, html_to_text
from .records import Record, author_line, day_of, web_address

TEXT_FIELDS = ("title", "date", "url")
"""Optional fields that must be text when present (``id`` may also be a whole number, ``author`` a list)."""


@dataclass(frozen=True)
class Place:
    """Where one record lies in its file: ``offset`` and ``length`` in bytes, and its ``number`` (line or record)."""

    offset: int
    length: int
    number: int


def records(stream: IO[bytes], name: str, stem: str, extract: bool = True) -> Iterator[tuple[Place, Record]]:
    """Every article of the dump, in order. ``extract=False`` checks the lines without turning HTML into text
    (the Ray driver's pass: the workers extract)."""
    offset = stream.tell()
    number = 0
    while True:
        line = stream.readline(MAX_RECORD_BYTES + 1)
        if not line:
            return
        number += 1
        if len(line) > MAX_RECORD_BYTES:
            raise AssistantError(
                f"{name} line {number} is longer than {MAX_RECORD_BYTES:,} bytes; the file was not read."
            )
        place = Place(offset, len(line), number)
        offset += len(line)
        if line.strip():
            yield place, parse_line(line, name, stem, number, extract)


def record_at(stream: IO[bytes], place: Place, name: str, stem: str) -> Record:
    """The record at ``place`` (read by a worker that was given only its own lines)."""
    stream.seek(place.offset)
    return parse_line(stream.read(place.length), name, stem, place.number, True)


def parse_line(line: bytes, name: str, stem: str, number: int, extract: bool = True) -> Record:
    """One line as a Record; anything wrong is one AssistantError naming the line."""
    where = f"{name} line {number}"
    refused = "; the file was not read."
    try:
        item = json.loads(line)
    except UnicodeDecodeError:
        raise AssistantError(f"{where} is not UTF-8 text{refused}") from None
    except json.JSONDecodeError as error:
        raise AssistantError(f"{where} is not valid JSON ({error.msg} at column {error.colno}){refused}") from None
    if not isinstance(item, dict):
        raise AssistantError(f"{where} is not a JSON object (one article a line, with a \"text\" field){refused}")
    text = item.get("text")
    if not isinstance(text, str) or not text.strip():
        raise AssistantError(f"{where} has no text (the field \"text\" is required and must be text){refused}")
    for field in TEXT_FIELDS:
        if item.get(field) is not None and not isinstance(item[field], str):
            raise AssistantError(f"{where}: the field \"{field}\" must be text{refused}")
    doc_id = item.get("id")
    if doc_id is not None and (isinstance(doc_id, bool) or not isinstance(doc_id, (str, int))):
        raise AssistantError(f"{where}: the field \"id\" must be text or a whole number{refused}")
    author = item.get("author")
    if author is not None and not isinstance(author, (str, list)):
        raise AssistantError(f"{where}: the field \"author\" must be a name or a list of names{refused}")
    if extract and holds_markup(text):
        text = html_to_text(text)
        if not text.strip():
            raise AssistantError(f"{where} has no text once its HTML is read{refused}")
    date, bad_date = day_of(item.get("date"))
    given = str(doc_id).strip() if doc_id is not None else ""
    return Record(
        text=text, where=where, stem=given or f"{stem}-{number}", title=item.get("title") or None, date=date,
        url=web_address(item.get("url")), author=author_line(author), bad_date=bad_date,
    )
