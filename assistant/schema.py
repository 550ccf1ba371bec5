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

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Passage:
        """The inverse of :meth:`to_dict` (a KeyError or TypeError for anything that is not one)."""
        context = data.get("context") or {}
        return cls(
            rank=int(data["rank"]), score=float(data["score"]), text=str(data["text"]), speaker=data["speaker"],
            attribution=data["attribution"], doc_id=str(data["doc_id"]), doc_title=str(data["doc_title"]),
            date=data["date"], paragraph=int(data["paragraph"]), sentence=int(data["sentence"]),
            start=int(data["start"]), end=int(data["end"]), context_before=str(context.get("before", "")),
            context_after=str(context.get("after", "")), url=data.get("url"),
        )


QuoteVerdict = Literal["verbatim", "close", "other_speaker", "not_found"]


@dataclass(frozen=True)
class QuoteMatch:
    """A sentence a checked quote was aligned with: how many words differ, and where, on each side.

    ``quote_spans`` are [start, end) character spans of the quote's words that the sentence does not have (or has
    otherwise), ``source_spans`` those of ``passage.text`` that the quote does not have; ``meaning`` names the
    meaning-bearing changes among them ("negation", "number", "date", "name"), shown in the reply (not in JSON)."""

    rank: int
    passage: Passage
    words_differ: int
    quote_spans: list[tuple[int, int]] = field(default_factory=list)
    source_spans: list[tuple[int, int]] = field(default_factory=list)
    meaning: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "passage": self.passage.to_dict(),
            "words_differ": self.words_differ,
            "quote_spans": [[a, b] for a, b in self.quote_spans],
            "source_spans": [[a, b] for a, b in self.source_spans],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> QuoteMatch:
        """The inverse of :meth:`to_dict` (``meaning`` is not in it: it comes back empty)."""
        return cls(
            rank=int(data["rank"]), passage=Passage.from_dict(data["passage"]), words_differ=int(data["words_differ"]),
            quote_spans=[(int(a), int(b)) for a, b in data["quote_spans"]],
            source_spans=[(int(a), int(b)) for a, b in data["source_spans"]],
        )


@dataclass(frozen=True)
class QuoteCheck:
    """The check of "Did X say '…'?" or a pasted quote: the verdict, the words as given, whom the question names."""

    verdict: QuoteVerdict
    quote: str
    speaker: str | None = None
    matches: list[QuoteMatch] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "quote": self.quote,
            "speaker": self.speaker,
            "matches": [m.to_dict() for m in self.matches],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> QuoteCheck:
        return cls(verdict=data["verdict"], quote=str(data["quote"]), speaker=data.get("speaker"),
                   matches=[QuoteMatch.from_dict(m) for m in data["matches"]])


@dataclass(frozen=True)
class Answer:
    """The reply to one question: the markdown shown in the chat and its cited passages."""

    question: str
    answer: str
    passages: list[Passage] = field(default_factory=list)
    found: bool = True  # False when nothing in the index answers; ``passages`` are then only the closest
    quote_check: QuoteCheck | None = None  # only for "Did X say '…'?" and pasted quotes

    def to_dict(self) -> dict[str, Any]:
        answer = {
            "question": self.question,
            "answer": self.answer,
            "found": self.found,
            "passages": [p.to_dict() for p in self.passages],
        }
        if self.quote_check is not None:  # absent otherwise: every other Answer stays as it was
            answer["quote_check"] = self.quote_check.to_dict()
        return answer

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Answer:
        """The inverse of :meth:`to_dict`: an Answer kept as JSON (the page keeps its chat in the browser)."""
        check = data.get("quote_check")
        return cls(
            question=str(data["question"]), answer=str(data["answer"]),
            passages=[Passage.from_dict(p) for p in data["passages"]], found=bool(data["found"]),
            quote_check=QuoteCheck.from_dict(check) if check is not None else None,
        )


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
