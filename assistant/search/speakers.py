"""Canonical speakers across an index: counts, documents and aliases, and matching a user's name to them."""

from __future__ import annotations

import re


from ..errors import AssistantError, printable
from ..schema import SpeakerEntry


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("’", "'")).strip().lower()


_WORD = re.compile(r"\w+")


class _NameIndex:
    """Every folded name and alias of a speaker table, and which speakers each word appears in."""

    def __init__(self, table: list[SpeakerEntry]) -> None:
        self.table = table  # held so that the table's id is not reused while this index is cached
        self.names: list[tuple[str, str]] = [(e.name, _fold(n)) for e in table for n in (e.name, *e.aliases)]
        self.by_word: dict[str, set[int]] = {}
        for i, (_, folded) in enumerate(self.names):
            for word in _WORD.findall(folded):
                self.by_word.setdefault(word, set()).add(i)

    def match(self, wanted: str) -> set[str]:
        words = _WORD.findall(wanted)
        if not words:
            return {name for name, folded in self.names if folded == wanted}
        candidates = set.intersection(*(self.by_word.get(w, set()) for w in words))
        pattern = re.compile(r"(?<!\w)" + re.escape(wanted) + r"(?!\w)")
        return {self.names[i][0] for i in candidates if self.names[i][1] == wanted or pattern.search(self.names[i][1])}


_INDEXES: dict[int, _NameIndex] = {}


def _name_index(table: list[SpeakerEntry]) -> _NameIndex:
    """The (cached) name index of a speaker table: a snapshot's table is built once and never changes."""
    index = _INDEXES.get(id(table))
    if index is None or index.table is not table:
        if len(_INDEXES) >= 4:
            _INDEXES.pop(next(iter(_INDEXES)))
        index = _INDEXES[id(table)] = _NameIndex(table)
    return index


def match_speakers(query: str, table: list[SpeakerEntry]) -> set[str]:
    """Canonical names that ``query`` names: the name, an alias, or a whole-word part of them ("Putin")."""
    if not isinstance(query, str):
        raise AssistantError("the speaker filter must be text (a name or alias).")
    wanted = _fold(query)
    if not wanted:
        raise AssistantError("the speaker filter is empty.")
    matches = _name_index(table).match(wanted)
    if not matches:
        known = ", ".join(e.name for e in table[:8]) or "none"
        raise AssistantError(f"no speaker in the index matches {printable(query, 60)!r} (known speakers: {known}).")
    return matches
