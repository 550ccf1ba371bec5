"""Canonical speakers across an index: counts, documents and aliases, and matching a user's name to them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .errors import AssistantError, printable


@dataclass
class SpeakerEntry:
    name: str
    sentences: int = 0
    direct: int = 0
    indirect: int = 0
    documents: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "sentences": self.sentences,
            "direct": self.direct,
            "indirect": self.indirect,
            "documents": self.documents,
            "aliases": self.aliases,
        }


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("’", "'")).strip().lower()


def match_speakers(query: str, table: list[SpeakerEntry]) -> set[str]:
    """Canonical names that ``query`` names: the name, an alias, or a whole-word part of them ("Putin")."""
    if not isinstance(query, str):
        raise AssistantError("the speaker filter must be text (a name or alias).")
    wanted = _fold(query)
    if not wanted:
        raise AssistantError("the speaker filter is empty.")
    pattern = re.compile(r"(?<!\w)" + re.escape(wanted) + r"(?!\w)")
    matches = {
        e.name
        for e in table
        if any(_fold(n) == wanted or pattern.search(_fold(n)) for n in [e.name, *e.aliases])
    }
    if not matches:
        known = ", ".join(e.name for e in table[:8]) or "none"
        raise AssistantError(f"no speaker in the index matches {printable(query, 60)!r} (known speakers: {known}).")
    return matches
