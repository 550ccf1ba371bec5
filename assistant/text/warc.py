"""A web archive (``.warc``, ``.warc.gz``: what crawlers and the Internet Archive write) → one Record per HTML page.

Read with warcio, one record at a time (memory bounded by one page, ``limits.MAX_RECORD_BYTES``). Only
``response`` records whose HTTP status is 2xx and whose content type is HTML become articles, read as a saved
page is (:func:`assistant.text.html.read_page`), with ``url`` from ``WARC-Target-URI`` (the address the crawler
fetched). Requests, metadata, ``warcinfo``, redirects and non-HTML responses (images, scripts, PDFs) are skipped.
Each page's :class:`~assistant.text.jsonl.Place` is the record's offset in the (compressed) file, so that a Ray
worker can seek to it: a ``.warc.gz`` is one gzip member per record, as the WARC standard recommends.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from ..errors import AssistantError
from ..limits import MAX_RECORD_BYTES
from .html import read_page
from .jsonl import Place
from .records import Record, stem_of_address

HTML_TYPES = ("text/html", "application/xhtml+xml")
"""Content types (before any ``; charset=``) of the responses that are pages."""


def looks_like_warc(head: bytes) -> bool:
    """True when the file starts like a WARC (``WARC/1.0``, ``WARC/1.1``) or a gzip member (a ``.warc.gz``)."""
    return head.startswith(b"WARC/") or head.startswith(b"\x1f\x8b")


def is_page(record: Any) -> bool:
    """A 2xx HTTP response holding HTML."""
    if record.rec_type != "response" or record.http_headers is None:
        return False
    status = (record.http_headers.get_statuscode() or "").strip()
    kind = (record.http_headers.get_header("Content-Type") or "").split(";")[0].strip().lower()
    return status.startswith("2") and kind in HTML_TYPES


def records(stream: IO[bytes], name: str, stem: str, extract: bool = True) -> Iterator[tuple[Place, Record]]:
    """Every page of the archive, in order. ``extract=False`` only finds them (the Ray driver's pass)."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    number = 0
    pages = 0
    try:
        iterator = ArchiveIterator(stream, check_digests=False)
        for record in iterator:
            number += 1
            if not is_page(record):
                continue
            pages += 1
            payload = record.content_stream().read(MAX_RECORD_BYTES + 1)
            url = record.rec_headers.get_header("WARC-Target-URI")
            where = f"{name} record {number}" + (f" ({url})" if url else "")
            if len(payload) > MAX_RECORD_BYTES:
                raise AssistantError(f"{where} is larger than {MAX_RECORD_BYTES:,} bytes; the archive was not read.")
            offset = iterator.get_record_offset()
            iterator.read_to_end(record)
            place = Place(offset, iterator.get_record_length(), number)
            yield place, _page(payload, where, stem, url, number, extract)
    except ArchiveLoadFailed as error:
        raise AssistantError(f"{name} is not a readable WARC file ({str(error).splitlines()[0][:80]}).") from None
    if not pages:
        raise AssistantError(f"{name} holds no HTML pages (no 2xx text/html response records).")


def record_at(stream: IO[bytes], place: Place, name: str, stem: str) -> Record:
    """The page at ``place`` (a worker's own record)."""
    from warcio.archiveiterator import ArchiveIterator

    stream.seek(place.offset)
    for record in ArchiveIterator(stream, check_digests=False):
        url = record.rec_headers.get_header("WARC-Target-URI")
        where = f"{name} record {place.number}" + (f" ({url})" if url else "")
        if not is_page(record):
            raise AssistantError(f"{where} is no longer an HTML page; the archive changed since it was planned.")
        return _page(record.content_stream().read(MAX_RECORD_BYTES + 1), where, stem, url, place.number, True)
    raise AssistantError(f"{name} has no record at byte {place.offset}; the archive changed since it was planned.")


def _page(payload: bytes, where: str, stem: str, url: str | None, number: int, extract: bool) -> Record:
    own = stem_of_address(url) or f"{stem}-{number}"
    if not extract:
        return Record(text="", where=where, stem=own, url=url)
    return read_page(payload, where, own, address=url, address_wins=True)
