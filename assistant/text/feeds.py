"""An RSS 2.0 or Atom feed saved to disk (``.xml``, ``.rss``, ``.atom``) → one Record per item or entry (feedparser).

The text is the item's full content (RSS ``content:encoded``, Atom ``content``), else its summary (RSS
``description``, Atom ``summary``); HTML becomes text as a page's does (:func:`assistant.text.html.html_to_text`).
The title, link, published (else updated) date and author are the item's own. A feed that is not well-formed XML, is
not RSS or Atom, or has an item without text is refused whole, naming the line or the item. feedparser parses a
feed whole, so a feed file is bounded by ``limits.MAX_FEED_BYTES``.
"""

from __future__ import annotations

import xml.sax
from typing import Any

from ..errors import AssistantError, printable
from .html import holds_markup, html_to_text
from .records import Record, author_line, day_of, stem_of_address, web_address

MARKUP_TYPES = frozenset({"text/html", "application/xhtml+xml", "html", "xhtml"})
"""Content types feedparser reports for HTML content (Atom's ``type="html"``/``"xhtml"``, RSS's encoded HTML)."""


def looks_like_feed(head: bytes) -> bool:
    """True when the first bytes hold an RSS, RDF or Atom root element."""
    start = head[:65536].lower()
    return any(tag in start for tag in (b"<rss", b"<feed", b"<rdf:rdf"))


def records(data: bytes, name: str, stem: str) -> list[Record]:
    """Every item of the feed, in the feed's order."""
    import feedparser

    parsed = feedparser.parse(data, sanitize_html=True, resolve_relative_uris=False)
    problem = parsed.get("bozo_exception")
    if isinstance(problem, xml.sax.SAXParseException):
        raise AssistantError(
            f"{name} is not well-formed XML (line {problem.getLineNumber()}: {printable(problem.getMessage(), 80)}); "
            "the feed was not read."
        )
    if not parsed.get("version") or not parsed.get("version", "").startswith(("rss", "atom")):
        raise AssistantError(f"{name} is not an RSS 2.0 or Atom feed; the feed was not read.")
    entries = parsed.get("entries") or []
    if not entries:
        raise AssistantError(f"{name} holds no items; the feed was not read.")
    return [_record(entry, n, name, stem) for n, entry in enumerate(entries, start=1)]


def _record(entry: Any, number: int, name: str, stem: str) -> Record:
    title = " ".join(str(entry.get("title") or "").split()) or None
    where = f"{name} item {number}" + (f" ({printable(title, 60)})" if title else "")
    text = _text(entry)
    if not text.strip():
        raise AssistantError(f"{where} has no text (neither content nor a summary); the feed was not read.")
    url = web_address(entry.get("link"))
    date, bad_date = None, False
    for key in ("published", "updated"):
        if entry.get(key):
            date, bad_date = day_of(entry.get(f"{key}_parsed"))
            if entry.get(f"{key}_parsed") is None:
                bad_date = True
            break
    author = author_line(entry.get("author")) or author_line(entry.get("authors"))
    return Record(text=text, where=where, stem=stem_of_address(url) or f"{stem}-{number}", title=title, date=date,
                  url=url, author=author, bad_date=bad_date)


def _text(entry: Any) -> str:
    """The full content when the item has it, else the summary, as plain text."""
    for part in entry.get("content") or []:
        value = part.get("value") or ""
        if value.strip():
            return _plain(value, part.get("type", ""))
    detail = entry.get("summary_detail") or {}
    return _plain(entry.get("summary") or "", detail.get("type", "text/html"))


def _plain(value: str, kind: str) -> str:
    if kind in MARKUP_TYPES or holds_markup(value):
        return html_to_text(value)
    return "\n\n".join(" ".join(line.split()) for line in value.split("\n\n") if line.strip())
