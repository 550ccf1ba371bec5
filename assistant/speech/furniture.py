"""Page furniture: the lines a scraper takes with an article that are no part of it, found before anything else.

A furniture line ("Story continues below advertisement", "READ MORE: Official slams …", "Open this photo in
gallery", "WATCH BELOW: …", "(Reporting by …)") is narration, and neither a cue nor an antecedent: its names are not
registered as people and its words open no quotation block (``page_furniture``, the first stage of the sieve).
Only a paragraph that is this line alone is furniture, so an article's own sentence that begins "Watch" is not.
"""

from __future__ import annotations

import re

from .cues import SentInfo

# ``page_furniture``: lines scraped with the article that are no part of it (advertising notices, "read more" and
# video prompts, photo credits, newsletter prompts). Only a paragraph that is this line alone is furniture.
PAGE_FURNITURE = re.compile(
    r"(?:advertisement|story continues below|continue reading|read more\b|related\b|watch\b|video\b|photo\b|"
    r"image\b|credit\b|sign up\b|subscribe\b|click here\b|share this\b|\(?(?:reporting|writing|editing) by\b|"
    r"(?:article|story) continue[sd]? below\b|open this (?:photo|image|video) in\b|listen to this\b)",
    re.I,
)

FURNITURE_MAX_CHARS = 160
"""Longer lines are article text whatever they begin with (the longest furniture line seen is about 90)."""


def is_furniture(text: str, sent: SentInfo, sents: list[SentInfo]) -> bool:
    """``page_furniture``: a one-sentence paragraph that is a scraped page line."""
    alone = (sent.index == 0 or sents[sent.index - 1].paragraph != sent.paragraph) and \
        (sent.index + 1 == len(sents) or sents[sent.index + 1].paragraph != sent.paragraph)
    return alone and sent.end - sent.start < FURNITURE_MAX_CHARS and PAGE_FURNITURE.match(text, sent.start, sent.end) is not None


def mark_furniture(text: str, sents: list[SentInfo]) -> None:
    for sent in sents:
        sent.furniture = is_furniture(text, sent, sents)
