"""Turning ranked sentences into an Answer: passages with citations and context, and the chat reply in markdown."""

from __future__ import annotations

import re

from .retrieval import LoadedIndex
from .schema import Answer, Passage

_WHO_SAID = re.compile(
    r"^\W*who\s+(?:(?:has|had|did|was|is)\s+)?"
    r"(said|says|say|stated|states|told|tells|claimed|claims|alleged|alleges|argued|argues|added|wrote|"
    r"warned|denied|accused|announced|asked|insisted|suggested|reported|reports|was quoted|is quoted|called)\b",
    re.IGNORECASE,
)
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]#!|~&$])")


def is_who_said(question: str) -> bool:
    """"Who said …?" and the like: the reply names the speaker first."""
    return bool(_WHO_SAID.search(question))


def escape_markdown(text: str) -> str:
    """Show article text literally: no markdown links or images, no HTML."""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    escaped = escaped.replace("<", "&lt;").replace(">", "&gt;")  # entities: no renderer turns them into tags
    return escaped.replace("\n", " ")


def make_passages(index: LoadedIndex, ranked: list[tuple[int, float]]) -> list[Passage]:
    passages: list[Passage] = []
    for rank, (i, score) in enumerate(ranked, start=1):
        s = index.sentences[i]
        document = index.documents[s.doc]
        passages.append(
            Passage(
                rank=rank, score=score, text=index.text(i), speaker=s.speaker,
                attribution=s.attribution,  # type: ignore[arg-type]
                doc_id=document.id, doc_title=document.title, date=document.date,
                paragraph=s.paragraph, sentence=s.number, start=s.start, end=s.end,
                context_before=index.neighbour(i, -1), context_after=index.neighbour(i, +1),
            )
        )
    return passages


def speaker_label(passage: Passage) -> str:
    if passage.speaker is None:
        return "narration"
    kind = "quoted" if passage.attribution == "direct" else "reported"
    return f"{passage.speaker} ({kind})"


def citation(passage: Passage) -> str:
    return f"{passage.doc_id}, ¶{passage.paragraph}, sentence {passage.sentence}"


def passage_line(passage: Passage) -> str:
    return (
        f"**[{passage.rank}]** {escape_markdown(passage.text)}  \n"
        f"— *{escape_markdown(speaker_label(passage))}* · {escape_markdown(citation(passage))} · "
        f"score {passage.score:.2f}"
    )


def compose_reply(question: str, passages: list[Passage]) -> str:
    """The chat reply: for "who said" questions the speaker first, then every cited sentence."""
    if not passages:
        return "No sentence in the index answers this question."
    lines: list[str] = []
    if is_who_said(question):
        attributed = next((p for p in passages[:3] if p.speaker), None)
        if attributed is not None:
            lines.append(
                f"**{escape_markdown(attributed.speaker or '')}** said it "
                f"({'in quotation marks' if attributed.attribution == 'direct' else 'reported speech'}), "
                f"see [{attributed.rank}]."
            )
        else:
            lines.append("The best matching sentences are the article's own narration; no speaker is quoted.")
    lines.extend(passage_line(p) for p in passages)
    return "\n\n".join(lines)


def make_answer(question: str, index: LoadedIndex, ranked: list[tuple[int, float]]) -> Answer:
    passages = make_passages(index, ranked)
    return Answer(question=question, answer=compose_reply(question, passages), passages=passages)
