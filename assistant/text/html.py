"""A saved news web page → its article: the main text by trafilatura, the metadata from the page's own markup.

Only the article's main text is kept: trafilatura (docs/sources.md compares it with readability-lxml and jusText on
pages written with menus, cookie banners, related links, ads, comments and footers) drops the rest. What the page
says about itself wins over what a library guesses from the text:

| field  | first found in                                                                          |
|--------|-----------------------------------------------------------------------------------------|
| url    | ``<link rel="canonical">``, ``og:url``, JSON-LD ``url``/``mainEntityOfPage`` (else the address it came from) |
| title  | JSON-LD ``headline``, ``og:title``, then trafilatura's (``<h1>``, ``<title>``)             |
| date   | JSON-LD ``datePublished``, ``article:published_time``, other ``<meta>`` dates, then trafilatura's (markup only) |
| author | JSON-LD ``author``, ``article:author``/``<meta name="author">``, then trafilatura's         |

JSON-LD counts when its ``@type`` is a news or article type (:data:`ARTICLE_TYPES`). HTML inside feeds and dumps
becomes text with :func:`html_to_text`, the same extractor with its minimum sizes lowered for short fragments.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

from ..errors import AssistantError
from .records import Record, author_line, day_of, web_address

ARTICLE_TYPES = frozenset({
    "NewsArticle", "Article", "ReportageNewsArticle", "AnalysisNewsArticle", "OpinionNewsArticle",
    "BackgroundNewsArticle", "ReviewNewsArticle", "BlogPosting", "LiveBlogPosting", "Report", "ScholarlyArticle",
})
"""schema.org types whose JSON-LD describes the article itself (https://schema.org/NewsArticle and its kin)."""
DATE_METAS = ("article:published_time", "og:published_time", "datepublished", "pubdate", "publishdate",
              "dc.date.issued", "dc.date", "date", "sailthru.date", "parsely-pub-date")
"""``<meta>`` names/properties that give a page's publication date, most specific first (Open Graph's article
namespace, Dublin Core, the usual CMS names)."""
AUTHOR_METAS = ("article:author", "author", "dc.creator", "parsely-author", "sailthru.author")
"""``<meta>`` names/properties that give a page's author."""
_LOOKS_LIKE_HTML = re.compile(rb"<(?:!doctype\s+html|html|head|body|article|main|p|div|h1)[\s>/]", re.IGNORECASE)
_TAG = re.compile(r"<[a-zA-Z!/][^>]*>")


def looks_like_html(head: bytes) -> bool:
    """True when the first bytes of a file hold an HTML document's tags (``<!doctype html>``, ``<html>``, …)."""
    return _LOOKS_LIKE_HTML.search(head[:65536]) is not None


def holds_markup(text: str) -> bool:
    """True when a field of a feed or dump holds HTML tags rather than plain text."""
    return _TAG.search(text) is not None


@lru_cache(maxsize=2)
def _config(fragment: bool) -> Any:
    from trafilatura.settings import use_config

    config = use_config()
    if fragment:  # feed summaries and dump fields are short: keep them however small
        for key in ("MIN_EXTRACTED_SIZE", "MIN_OUTPUT_SIZE", "MIN_EXTRACTED_COMM_SIZE", "MIN_OUTPUT_COMM_SIZE"):
            config.set("DEFAULT", key, "1")
    return config


def _paragraphs(text: str | None) -> str:
    """trafilatura's lines as paragraphs (a blank line between them), white space inside a line made single."""
    lines = [" ".join(line.split()) for line in (text or "").splitlines()]
    return "\n\n".join(line for line in lines if line)


def html_to_text(fragment: str) -> str:
    """HTML from a feed or a dump as plain paragraphs (the same extractor as a page's; '' when nothing is left)."""
    import trafilatura

    extracted = trafilatura.extract(
        f"<html><body>{fragment}</body></html>", config=_config(True), include_comments=False, include_tables=False,
        include_images=False, include_links=False, deduplicate=False,
    )
    return _paragraphs(extracted)


def read_page(markup: bytes | str, where: str, stem: str, address: str | None = None, address_wins: bool = False) -> Record:
    """The article of one page. ``address``: where it came from (a WARC record's target), used when the page names
    none, or always when ``address_wins``. A page with no article text is one clear error."""
    import trafilatura

    tree = _tree(markup)
    if tree is None:
        raise AssistantError(f"{where} has no article text (it holds no HTML document).")
    meta = page_metadata(tree)
    drop_promotions(tree)
    document = trafilatura.bare_extraction(
        tree, with_metadata=True, include_comments=False, include_tables=False, include_images=False,
        include_links=False, favor_precision=True, config=_config(False),
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    text = _paragraphs(getattr(document, "text", None)) if document is not None else ""
    title = meta.get("title") or (getattr(document, "title", None) if document is not None else None)
    title = " ".join(title.split()) if isinstance(title, str) else None
    if title and text.startswith(title):  # the headline (the page's <h1>) is the title, not the first sentence
        text = text[len(title):].lstrip()
    if not text.strip():
        raise AssistantError(f"{where} has no article text (is it a home page, an index or a page of links?).")
    raw_date = meta.get("date")
    date, bad_date = day_of(raw_date) if raw_date else day_of(getattr(document, "date", None) if document is not None else None)
    url = address if address_wins and address else meta.get("url") or address
    author = meta.get("author") or author_line(getattr(document, "author", None) if document is not None else None)
    return Record(text=text, where=where, stem=stem, title=title or None, date=date, url=web_address(url),
                  author=author, bad_date=bad_date)


def _tree(markup: bytes | str) -> Any:
    """The page parsed by lxml (the encoding from its ``<meta charset>`` when given bytes), or None."""
    import lxml.etree
    import lxml.html

    try:
        return lxml.html.document_fromstring(markup)
    except (ValueError, TypeError, lxml.etree.ParserError):
        return None


PROMOTION_NAMES = frozenset({"ad", "ads", "advert", "adverts", "advertisement", "advertising", "sponsored",
                             "sponsor", "promo", "promoted", "promotion", "newsletter", "paywall"})
"""Words in a ``class`` or ``id`` that mark a block as an advertisement or a promotion (split at ``-``, ``_`` and
spaces, so ``ad-slot`` counts and ``shadow`` or ``header`` do not). trafilatura keeps some promotions that sit
inside the article's own body (a ``<div class="promo">`` between two paragraphs, measured in docs/sources.md);
these blocks are dropped before it reads the page. Menus, banners, related links, comments and footers it drops
itself."""
_NAME_WORDS = re.compile(r"[\s_-]+")


def drop_promotions(tree: Any) -> None:
    """Remove the blocks that PROMOTION_NAMES marks (with their text; the text after them stays)."""
    marked = [
        element for element in tree.iter()
        if isinstance(element.tag, str) and element.tag not in ("html", "body", "article", "main")
        and PROMOTION_NAMES.intersection(_NAME_WORDS.split(f"{element.get('class') or ''} {element.get('id') or ''}".lower()))
    ]
    for element in marked:
        if element.getparent() is not None:
            element.drop_tree()


def page_metadata(tree: Any) -> dict[str, str]:
    """``url``, ``title``, ``date`` (as written) and ``author`` that the page's markup states (see the table above);
    a field it does not state is absent."""
    metas: dict[str, str] = {}
    for element in tree.iter("meta"):
        key = (element.get("property") or element.get("name") or element.get("itemprop") or "").strip().lower()
        content = (element.get("content") or "").strip()
        if key and content:
            metas.setdefault(key, content)
    found: dict[str, str] = {}
    article = _json_ld_article(tree)
    canonical = next((link.get("href") for link in tree.iter("link")
                      if "canonical" in (link.get("rel") or "").lower().split() and link.get("href")), None)
    url = canonical or metas.get("og:url") or _ld_url(article)
    title = _ld_text(article.get("headline")) or metas.get("og:title")
    date = _ld_text(article.get("datePublished")) or next((metas[k] for k in DATE_METAS if k in metas), None)
    author = author_line(article.get("author")) or next((metas[k] for k in AUTHOR_METAS if k in metas), None)
    for key, value in (("url", url), ("title", title), ("date", date), ("author", author)):
        if isinstance(value, str) and value.strip():
            found[key] = " ".join(value.split())
    return found


def _json_ld_article(tree: Any) -> dict[str, Any]:
    """The first JSON-LD object (also inside ``@graph`` or a list) whose ``@type`` is an article type."""
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            data = json.loads(script.text_content() or "")
        except (json.JSONDecodeError, ValueError):
            continue  # a broken block of JSON-LD is the page's own problem: the other metadata still counts
        pending = [data]
        while pending:
            item = pending.pop(0)
            if isinstance(item, list):
                pending.extend(item)
            elif isinstance(item, dict):
                kinds = item.get("@type")
                kinds = kinds if isinstance(kinds, list) else [kinds]
                if any(isinstance(k, str) and k in ARTICLE_TYPES for k in kinds):
                    return item
                if isinstance(item.get("@graph"), list):
                    pending.extend(item["@graph"])
    return {}


def _ld_text(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _ld_url(article: dict[str, Any]) -> str | None:
    for key in ("url", "mainEntityOfPage"):
        value = article.get(key)
        if isinstance(value, dict):
            value = value.get("@id") or value.get("url")
        if isinstance(value, str) and value.strip():
            return value
    return None
