"""Canonical speakers across an index: counts, documents and aliases, and matching a user's name to them."""

from __future__ import annotations

import re


from ..errors import AssistantError, printable
from ..schema import SpeakerEntry
from ..speech.lexicon import ROLE_SYNONYMS


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
        found = {self.names[i][0] for i in candidates if self.names[i][1] == wanted or pattern.search(self.names[i][1])}
        described = description_words(wanted)
        if described is not None:
            found |= self.match_description(*described)
        return found

    def match_description(self, qualifiers: list[str], heads: frozenset[str]) -> set[str]:
        """``speaker_by_role``: the speakers one of whose names or descriptions holds every qualifier and the role
        (or a word for the same role) as whole words: "the Harbourline spokeswoman" is "Harbourline spokeswoman
        Danielle Fournier"; "the union leader" is "the union's leader" but never "the Russian leader"."""
        with_head = set().union(*(self.by_word.get(h, set()) for h in heads))
        candidates = set.intersection(with_head, *(self.by_word.get(w, set()) for w in qualifiers))
        return {self.names[i][0] for i in candidates}


_DETERMINERS = ("the", "a", "an", "this", "that", "their", "its")


def description_words(wanted: str) -> tuple[list[str], frozenset[str]] | None:
    """The qualifiers and the role words of a description ("the harbourline spokeswoman" → ["harbourline"],
    {"spokeswoman", …}); None when ``wanted`` does not open with a determiner (a name is matched as a name)."""
    words = [w for w in _WORD.findall(wanted) if w != "s"]
    if len(words) < 2 or words[0] not in _DETERMINERS:
        return None
    words = words[1:]
    head = words[-1]
    return words[:-1], frozenset({head} | ROLE_SYNONYMS.get(head, frozenset()))


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


def find_speakers(search: str, table: list[SpeakerEntry]) -> list[SpeakerEntry]:
    """The Speakers search: entries any of whose names holds ``search`` (as typed, so a part of a word finds while
    typing: "put" → Vladimir Putin), and those a description names (``speaker_by_role``: "the union leader"), in
    table order; everyone for an empty search."""
    wanted = _fold(search) if isinstance(search, str) else ""
    if not wanted:
        return list(table)
    described = description_words(wanted)
    by_role = _name_index(table).match_description(*described) if described is not None else set()
    return [e for e in table if e.name in by_role or any(wanted in _fold(n) for n in (e.name, *e.aliases))]

