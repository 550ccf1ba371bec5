"""The data objects that flow through the pipeline: Document, Sentence, Passage, Answer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Progress = Callable[[float, str], None]
"""A progress sink: (fraction done, what is being done in plain words)."""

Attribution = Literal["direct", "indirect", "narration"]
ATTRIBUTIONS: tuple[str, ...] = ("direct", "indirect", "narration")


@dataclass(frozen=True)
class Document:
    """One source text. ``text`` is the decoded file; sentences index into it."""

    id: str
    title: str
    date: str | None
    text: str
    source: str = ""  # file name it came from
    url: str | None = None  # the original's address when the source named one (canonical link, item link, field)
    author: str | None = None  # the byline when the source named one

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Sentence:
    """A sentence of a text: ``text == document_text[start:end]``; ``paragraph`` counts from 1."""

    start: int
    end: int
    text: str
    paragraph: int
    speaker: str | None = None
    attribution: Attribution = "narration"

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "paragraph": self.paragraph,
            "speaker": self.speaker,
            "attribution": self.attribution,
        }


@dataclass(frozen=True)
class Passage:
    """One ranked sentence in an answer, with its citation and context."""

    rank: int
    score: float
    text: str
    speaker: str | None
    attribution: Attribution
    doc_id: str
    doc_title: str
    date: str | None
    paragraph: int
    sentence: int
    start: int
    end: int
    context_before: str = ""
    context_after: str = ""
    url: str | None = None  # the document's address (Document.url), for the reader to check the citation

    def to_dict(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "score": round(float(self.score), 4),
            "text": self.text,
            "speaker": self.speaker,
            "attribution": self.attribution,
            "doc_id": self.doc_id,
            "doc_title": self.doc_title,
            "date": self.date,
            "url": self.url,
            "paragraph": self.paragraph,
            "sentence": self.sentence,
            "start": self.start,
            "end": self.end,
            "context": {"before": self.context_before, "after": self.context_after},
        }


@dataclass(frozen=True)
class Answer:
    """The reply to one question: the markdown shown in the chat and its cited passages."""

    question: str
    answer: str
    passages: list[Passage] = field(default_factory=list)
    found: bool = True  # False when nothing in the index answers; ``passages`` are then only the closest

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "answer": self.answer,
            "found": self.found,
            "passages": [p.to_dict() for p in self.passages],
        }


@dataclass(frozen=True)
class DocumentInfo:
    """One indexed document as listed (``assistant documents``): no text, so that listing a big index is cheap."""

    id: str
    title: str
    date: str | None
    source: str
    sentences: int
    speakers: list[str] = field(default_factory=list)
    url: str | None = None
    author: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "date": self.date,
            "url": self.url,
            "author": self.author,
            "source": self.source,
            "sentences": self.sentences,
            "speakers": list(self.speakers),
        }


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
