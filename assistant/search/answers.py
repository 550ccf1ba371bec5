"""Turning ranked sentences into an Answer: passages with citations and context, and the chat reply in markdown."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from . import found as evidence
from .links import markdown_link
from ..errors import AssistantError
from .questions import SpeakerQuestion, looks_like_a_name, parse_speaker_question
from ..schema import Answer, Passage
from ..speech.lexicon import CUE_ONLY_FILLER, CUE_ONLY_VERBS, WHO_SAID_FORMS, regex_alternatives

if TYPE_CHECKING:  # the index snapshot make_passages reads
    from ..store.snapshot import Location, Snapshot

_WHO_SAID = re.compile(
    r"^\W*who\s+(?:(?:has|had|did|was|is)\s+)?"
    r"(" + regex_alternatives(WHO_SAID_FORMS) + r")\b",
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


def make_passages(index: Snapshot, ranked: list[tuple[Location, float]]) -> list[Passage]:
    """The ranked sentences as Passages with their citations and context (``retrieval.passage_at``)."""
    from .retrieval import passage_at

    return [passage_at(index, loc, rank, score) for rank, (loc, score) in enumerate(ranked, start=1)]


def speaker_label(passage: Passage) -> str:
    if passage.speaker is None:
        return "narration"
    kind = "quoted" if passage.attribution == "direct" else "reported"
    return f"{passage.speaker} ({kind})"


def citation(passage: Passage) -> str:
    return f"{passage.doc_id}, ¶{passage.paragraph}, sentence {passage.sentence}"


NOT_AN_ANSWER = "not an answer"
"""How a passage is marked in the reply when nothing answers the question (the closest sentences only)."""


def passage_line(passage: Passage, answers: bool = True) -> str:
    mark = "" if answers else f" *({NOT_AN_ANSWER})*"
    link = markdown_link(passage.url)
    return (
        f"**[{passage.rank}]**{mark} {escape_markdown(passage.text)}  \n"
        f"— *{escape_markdown(speaker_label(passage))}* · {escape_markdown(citation(passage))} · "
        f"score {passage.score:.2f}" + (f" · {link}" if link else "")
    )


# ----- a sentence that is only a speech cue ("Putin said.", "he added.") is never a passage on its own -----

_QUOTED = re.compile(r"[\"“”«»]\s*\w")
_WORDS = re.compile(r"[^\W_]+(?:['’][^\W_]+)?", re.UNICODE)


def is_cue_only(text: str) -> bool:
    """"Putin said.", "he added.", "Mr Putin told NBC News on Friday:": a speech cue with nothing said in it."""
    if _QUOTED.search(text):
        return False
    words = _WORDS.findall(text)
    if not words or len(words) > 10:
        return False
    if not any(w.lower() in CUE_ONLY_VERBS for w in words):
        return False
    return all(w.lower() in CUE_ONLY_VERBS or w.lower() in CUE_ONLY_FILLER or w[:1].isupper() for w in words)


CUE_EXTRA = 4
"""Extra sentences ranked beyond ``k`` so that dropping cue-only sentences still leaves ``k``."""


# ----- reading the question before ranking, and the Answer after it -----

@dataclass(frozen=True)
class Plan:
    """How to answer one question: what to rank, among whose sentences, and what the reply must say."""

    question: str
    k: int
    fetch: int  # sentences to rank (``k`` plus room for the ones left out afterwards)
    allowed: set[str] | None  # canonical speakers whose sentences may answer (None: everyone and the narration)
    speaker_filter: str | None = None  # the user's speaker filter, as typed
    filter_names: tuple[str, ...] = ()  # … and the canonical speakers it names
    asked: SpeakerQuestion | None = None  # "What did X say (about Y)?"
    asked_names: tuple[str, ...] = ()  # the canonical speakers that X names
    unquoted: tuple[str, ...] = ()  # the names in the question that nobody in the index is

    @property
    def evidence_text(self) -> str:
        """What the found-decision compares the passages with: the topic of a speaker question, else the question."""
        if self.asked is not None and self.asked_names:
            return self.asked.topic or ""
        return self.question


def plan_question(question: str, speakers: Sequence, k: int, speaker: str | None = None) -> Plan:
    """Read ``question`` (and the user's ``speaker`` filter) against the index's speaker table.

    A speaker filter that names nobody is an AssistantError (as before). "What did X say …?" with X an indexed speaker
    (any alias) is answered from X's sentences; with X quoted nowhere (and looking like a name), the answer is not
    found and offers the sentences that mention X."""
    from .speakers import match_speakers

    fetch = k + CUE_EXTRA
    if speaker is not None:
        names = match_speakers(speaker, speakers if isinstance(speakers, list) else list(speakers))
        return Plan(question, k, fetch, names, speaker_filter=speaker, filter_names=tuple(sorted(names)))
    asked = parse_speaker_question(question)
    if asked is None:
        return Plan(question, k, fetch, None)
    matched: set[str] = set()
    unquoted: list[str] = []
    for name in asked.names:
        try:
            matched |= match_speakers(name, speakers if isinstance(speakers, list) else list(speakers))
        except AssistantError:
            unquoted.append(name)
    if matched and unquoted:  # "What did Putin and Trump say?": their sentences, and those that mention Trump
        return Plan(question, k, max(4 * k, 40), None, asked=asked, asked_names=tuple(sorted(matched)),
                    unquoted=tuple(unquoted))
    if matched:
        return Plan(question, k, fetch, matched, asked=asked, asked_names=tuple(sorted(matched)))
    if unquoted and looks_like_a_name(asked.name):
        return Plan(question, k, max(4 * k, 40), None, asked=asked, unquoted=tuple(unquoted))
    return Plan(question, k, fetch, None)


def _mentions(passage: Passage, names: Sequence[str]) -> bool:
    text = passage.text.replace("’", "'").lower()
    for name in names:
        parts = [w for w in _WORDS.findall(name.replace("’", "'")) if w[:1].isupper() and len(w) > 1] or [name]
        if any(re.search(r"(?<!\w)" + re.escape(p.lower()) + r"(?!\w)", text) for p in parts):
            return True
    return False


def finish_answer(plan: Plan, passages: Sequence[Passage]) -> Answer:
    """The Answer for ``plan`` from its ranked passages: cue-only sentences out, ``found`` decided, reply written."""
    kept = [p for p in passages if not is_cue_only(p.text)]
    if plan.unquoted and not plan.asked_names:
        mentioning = [p for p in kept if _mentions(p, plan.unquoted)]
        chosen = (mentioning or kept)[: plan.k]
        found = False
        mentioned = bool(mentioning)
    else:
        if plan.asked_names and plan.unquoted:
            kept = [p for p in kept if p.speaker in plan.asked_names or _mentions(p, plan.unquoted)]
        chosen = kept[: plan.k]
        mentioned = True
        if plan.asked_names and not (plan.asked and plan.asked.topic):
            found = bool(chosen)  # "What did Putin say?": every sentence of his answers it
        else:
            found = evidence.is_found(plan.evidence_text, chosen) or bool(
                plan.asked_names and evidence.topic_in_passages(plan.evidence_text, chosen))
    chosen = [p if p.rank == i else replace(p, rank=i) for i, p in enumerate(chosen, start=1)]
    return Answer(question=plan.question, answer=compose_reply(plan.question, chosen, found, plan, mentioned),
                  passages=chosen, found=found)


def lead_lines(answer: Answer) -> list[str]:
    """The reply's lines before its cited sentences (not found, the speaker asked about, the filter), as plain text."""
    import html

    lines = []
    for paragraph in answer.answer.split("\n\n"):
        if paragraph.startswith("**["):
            break
        plain = re.sub(r"\\(.)", r"\1", paragraph.replace("**", ""))
        lines.append(html.unescape(plain))
    return lines


def _names(names: Sequence[str]) -> str:
    shown = [f"**{escape_markdown(n)}**" for n in names]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def compose_reply(question: str, passages: list[Passage], found: bool = True, plan: Plan | None = None,
                  mentioned: bool = True) -> str:
    """The chat reply: what it is based on (a speaker filter, the speaker asked about), whether anything answers,
    for "who said" questions the speaker first, then every cited sentence."""
    lines: list[str] = []
    if plan is not None and plan.filter_names:
        lines.append(f"Speaker filter \u201c{escape_markdown(plan.speaker_filter or '')}\u201d: only sentences of "
                     f"{_names(plan.filter_names)}.")
    elif plan is not None and plan.asked_names:
        if len(plan.asked_names) > 1 and plan.asked is not None and len(plan.asked.names) == 1:
            # ``speaker_by_role``: "the mayor" fits the mayors of several texts; say so before answering from all
            lines.append(f"\u201c{escape_markdown(plan.asked.name)}\u201d fits {len(plan.asked_names)} speakers in the "
                         f"texts: {_names(plan.asked_names)}; each cited sentence names its speaker.")
        if found or not passages:
            lines.append(f"Answered from what {_names(plan.asked_names)} said (quoted or reported), "
                         "as the question asks.")
        else:
            lines.append(f"Nothing that {_names(plan.asked_names)} said in the texts answers this question. "
                         "The closest of their sentences are below; they do not answer it.")
        if plan.unquoted:
            lines.append(f"{_names(plan.unquoted)}: not quoted in the texts; sentences that mention them are "
                         "included.")
    if plan is not None and plan.unquoted and not plan.asked_names:
        who = _names(plan.unquoted)
        if not passages:
            lines.append(f"{who} is not quoted in the texts, and no sentence mentions them.")
        elif mentioned:
            lines.append(f"{who} is not quoted in the texts. Sentences that mention them (they do not answer):")
        else:
            lines.append(f"{who} is not quoted or mentioned in the texts. The closest sentences (they do not answer):")
    elif not passages:
        lines.append("No sentence in the index answers this question.")
    elif not found and not (plan is not None and plan.asked_names and not plan.filter_names):
        lines.append("Nothing in the texts answers this question. The closest sentences are below; "
                     "they do not answer it.")
    elif is_who_said(question):
        attributed = next((p for p in passages[:3] if p.speaker), None)
        if attributed is not None:
            lines.append(
                f"**{escape_markdown(attributed.speaker or '')}** said it "
                f"({'in quotation marks' if attributed.attribution == 'direct' else 'reported speech'}), "
                f"see [{attributed.rank}]."
            )
        else:
            lines.append("The best matching sentences are the article's own narration; no speaker is quoted.")
    lines.extend(passage_line(p, found) for p in passages)
    return "\n\n".join(lines)


def make_answer(question: str, index: Snapshot, ranked: list[tuple[Location, float]], plan: Plan | None = None) -> Answer:
    """The Answer from ranked sentences (``plan``: from :func:`plan_question`; default: a plain question)."""
    return finish_answer(plan or Plan(question, len(ranked), len(ranked), None), make_passages(index, ranked))
