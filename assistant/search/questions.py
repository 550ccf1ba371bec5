"""Reading a question: "What did X say (about Y)?", "What has X said …", "X's view on …" name a person X.

Pure functions of the question text; which names are indexed speakers is decided by the caller
(``speakers.match_speakers``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..speech.lexicon import QUESTION_SPEECH_FORMS, regex_alternatives

_VERBS = regex_alternatives(QUESTION_SPEECH_FORMS)
_TOPIC = r"(?:\s+(?:about|on|regarding|concerning|of|over|to|in|when|that|after|before|during)\b\s*(?P<topic>.*?))?"
_SAID = re.compile(
    r"^\W*(?:and\s+|so\s+)?(?:what|how)\s+(?:else\s+)?(?:did|does|do|has|have|had|was|is|were|would|will|could)\s+"
    r"(?P<name>.+?)\s+(?:(?:ever|really|actually|also|just|publicly|first|later|then|once)\s+)?(?:been\s+)?"
    r"(?:" + _VERBS + r")\b(?P<object>(?:\s+[^\s?]+){0,4}?)"
    + _TOPIC + r"\W*$",
    re.IGNORECASE,
)
_VIEW_WORDS = r"view|views|opinion|opinions|position|positions|stance|take|thoughts|comments|remarks|words|statement|statements|response|reaction|quotes|position"
_VIEW = re.compile(
    r"^\W*(?:(?:what|how)\s+(?:is|are|was|were)\s+|tell\s+me\s+|give\s+me\s+|show\s+me\s+)?"
    r"(?P<name>[^?]+?)(?:'s|’s|'|’)\s+(?:" + _VIEW_WORDS + r")\b"
    r"(?:\s+(?:on|about|of|regarding|concerning|to|over)\b\s*(?P<topic>.*?))?\W*$",
    re.IGNORECASE,
)
_QUOTES_OF = re.compile(
    r"^\W*(?:quotes|statements|remarks|everything\s+said|sentences)\s+(?:of|by|from)\s+(?P<name>.+?)"
    r"(?:\s+(?:on|about|regarding|concerning)\b\s*(?P<topic>.*?))?\W*$",
    re.IGNORECASE,
)
_NOT_A_PERSON = {
    "he", "she", "they", "it", "you", "we", "i", "people", "someone", "anyone", "everyone", "nobody", "this",
    "that", "the article", "the text", "the articles", "the report", "the story", "the author", "the writer",
    "the news", "the document", "the documents", "the texts", "this article", "the paper", "there", "who",
    "one", "anybody", "somebody", "all", "others", "them", "him", "her",
}
_PARTS = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+|\s*&\s*|\s*/\s*)\s*", re.IGNORECASE)


@dataclass(frozen=True)
class SpeakerQuestion:
    """A question about what a person said: ``name`` as written ("Putin", "the Russian leader"), ``names`` its
    parts when it lists several ("Putin and Kelly"), ``topic`` what it is about (None for "What did X say?")."""

    name: str
    names: tuple[str, ...]
    topic: str | None


def _clean_name(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip(" \t\"'“”‘’,.:;!?")


def parse_speaker_question(question: str) -> SpeakerQuestion | None:
    """The person a question asks about, or None when it is not a "what did X say" question."""
    text = re.sub(r"\s+", " ", question.replace("’", "'")).strip()
    for pattern in (_SAID, _VIEW, _QUOTES_OF):
        match = pattern.match(text)
        if match:
            break
    else:
        return None
    name = _clean_name(match.group("name"))
    if not name or name.lower() in _NOT_A_PERSON or len(name) > 80 or len(name.split()) > 10:
        return None
    if re.match(r"^(?:the\s+)?(?:article|text|report|story|author|writer|document|paper|news)s?\b", name, re.I):
        return None
    names = tuple(n for n in (_clean_name(p) for p in _PARTS.split(name)) if n and n.lower() not in _NOT_A_PERSON)
    topic = (match.group("topic") or "").strip(" \t\"'“”‘’,.:;!?") or None
    return SpeakerQuestion(name=name, names=names or (name,), topic=topic)


def looks_like_a_name(text: str) -> bool:
    """A capitalised word that is not the first word of a sentence-like phrase: "Trump", "the FBI", "Megyn Kelly"."""
    return any(w[:1].isupper() for w in re.findall(r"[^\W\d_][\w'.-]*", text))
