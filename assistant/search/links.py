"""A document's address as a link a reader can follow: only ``http``/``https`` addresses are ever made clickable.

The address is the source's own (a page's canonical link, a feed item's link, a dump's ``url`` field) and so is
untrusted: ``javascript:``, ``data:`` and every other scheme stay plain text, and what is shown is escaped by the
caller. A link opens in a new tab with ``rel="noopener noreferrer"`` (the opened page gets no handle on this one and
no referrer), in the chat (markdown) and on the page (HTML) alike.
"""

from __future__ import annotations

import html
from urllib.parse import quote, urlsplit

CLICKABLE_SCHEMES = ("http", "https")
"""The only schemes shown as links (the web's own; a reader checks a citation in a browser)."""
LABEL_CHARS = 60
"""Longer addresses are shortened in the label (the link itself is whole)."""
LINK_ATTRIBUTES = 'target="_blank" rel="noopener noreferrer"'
"""How every link to an original opens: a new tab that cannot reach back to this page."""


def clickable(url: str | None) -> str | None:
    """The address, percent-encoded where markdown or HTML would misread it, when it is an http/https address
    with a host; else None."""
    if not isinstance(url, str) or not url.strip():
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in CLICKABLE_SCHEMES or not parts.hostname:
        return None
    return quote(url, safe="/:?#[]@!$&'*+,;=%~-._")  # spaces, quotes, <>, parentheses and non-ASCII are encoded


def label(url: str) -> str:
    """A short label: host and path without the scheme, ``…`` past LABEL_CHARS characters."""
    shown = url.split("://", 1)[-1].rstrip("/")
    return shown if len(shown) <= LABEL_CHARS else shown[: LABEL_CHARS - 1] + "…"


def markdown_link(url: str | None) -> str:
    """``[label](address)`` for the chat, or '' when the address is not clickable."""
    target = clickable(url)
    if target is None:
        return ""
    text = label(url or "")
    for ch in "\\`*_[]#!|~&$<>":
        text = text.replace(ch, "\\" + ch)
    return f"[{text}]({target.replace('(', '%28').replace(')', '%29')})"


def html_link(url: str | None) -> str:
    """An escaped ``<a>`` opening in a new tab; a non-clickable address is shown as escaped text; None as ''."""
    if not url:
        return ""
    target = clickable(url)
    if target is None:
        return f"<span class='doc-url'>{html.escape(url)}</span>"
    return f"<a class='doc-url' href=\"{html.escape(target, quote=True)}\" {LINK_ATTRIBUTES}>{html.escape(label(url))}</a>"
