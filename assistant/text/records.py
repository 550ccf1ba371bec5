"""What a source file says about one article before it becomes a Document: a :class:`Record`, and the small pure
functions every format uses to read its fields (dates, addresses, ids from addresses).

A web page, a line of a JSON Lines dump, a feed item and a WARC response record each become one Record
(:mod:`assistant.text.html`, :mod:`~assistant.text.jsonl`, :mod:`~assistant.text.feeds`, :mod:`~assistant.text.warc`);
:func:`assistant.text.documents.record_document` makes the Document (normalised text, limits, unique id).
"""

from __future__ import annotations

import datetime
import re
import time
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from ..limits import valid_date

MAX_URL_CHARS = 2_000
"""Longer addresses are not kept (browsers and servers commonly stop near 2,000 characters; RFC 9110 asks for at
least 8,000, but a news article's address is far shorter, and a longer one is more likely junk than a link)."""
MAX_AUTHOR_CHARS = 300
"""An author line is cut here (the same as a title: ``limits.MAX_TITLE_CHARS``)."""


@dataclass(frozen=True)
class Record:
    """One article in a source file. ``where`` names it in messages (``dump.jsonl line 3``); ``stem`` is the id it
    asks for (made safe and unique later, as file names are); ``bad_date`` is true when the source gave a date
    that is not one (the article is kept without a date, and the summary counts it)."""

    text: str
    where: str
    stem: str
    title: str | None = None
    date: str | None = None
    url: str | None = None
    author: str | None = None
    bad_date: bool = False


_ISO_DAY = re.compile(r"\s*(\d{4})-(\d{2})-(\d{2})(?=$|[T ]\d|\s*$)")


def day_of(value: object) -> tuple[str | None, bool]:
    """``(YYYY-MM-DD, False)`` from a date, an ISO date or date-time string (``2024-03-14``,
    ``2024-03-14T08:30:00+00:00``: the calendar day as written, no time-zone shift), a ``time.struct_time``
    (feedparser's parsed dates) or a ``datetime``; ``(None, False)`` when there is none; ``(None, True)`` when
    something was given that is not a real day between 1800 and 2100."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, False
    if isinstance(value, time.struct_time):
        value = datetime.date(value.tm_year, value.tm_mon, value.tm_mday)
    if isinstance(value, (datetime.date, datetime.datetime)):
        day = f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
        return (day, False) if valid_date(day) else (None, True)
    if isinstance(value, str):
        match = _ISO_DAY.match(value)
        if match is not None and (len(value.strip()) == 10 or _is_iso_datetime(value.strip())):
            day = "-".join(match.groups())
            if valid_date(day):
                return day, False
    return None, True


def _is_iso_datetime(value: str) -> bool:
    try:
        datetime.datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return False
    return True


def web_address(value: object) -> str | None:
    """An address as the source gave it, trimmed, when it is one: text of at most MAX_URL_CHARS characters without
    white space or control characters inside. Whether it is shown as a link (http/https only) is the page's
    decision, not this one's."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    if not value or len(value) > MAX_URL_CHARS or any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in value):
        return None
    return value


def stem_of_address(url: str | None) -> str | None:
    """The last part of an address's path, its extension dropped: ``…/2024/03/harbour-bridge.html`` →
    ``harbour-bridge``; None when it has no letter in it (``https://example.com/``, ``…/story/12345``: the
    record is then named after its file and number)."""
    if not url:
        return None
    try:
        parts = [p for p in unquote(urlsplit(url).path).split("/") if p]
    except ValueError:
        return None
    last = re.sub(r"\.(?:s?html?|php|aspx?|jsp)$", "", parts[-1], flags=re.IGNORECASE) if parts else ""
    return last if any(ch.isalpha() for ch in last) else None


def author_line(value: object) -> str | None:
    """An author (or several) as one line: a name, a list of names, or JSON-LD ``{"name": …}`` objects."""
    names: list[str] = []

    def collect(item: object) -> None:
        if isinstance(item, str):
            names.append(item)
        elif isinstance(item, dict):
            collect(item.get("name"))
        elif isinstance(item, (list, tuple)):
            for inner in item:
                collect(inner)

    collect(value)
    cleaned = [" ".join(n.split()) for n in names]
    line = ", ".join(dict.fromkeys(n for n in cleaned if n))
    return line[:MAX_AUTHOR_CHARS].rstrip() or None
