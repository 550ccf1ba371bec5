"""Three example questions made from the index itself: its most quoted speakers, their words and its topics.

Pure functions of the API's objects (speaker entries, passages, document listings), so that the first screen never
suggests a question the index cannot answer (nothing here knows the bundled article).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from .found import STOP_WORDS

_WORD = re.compile(r"[^\W\d_][\w’'-]*[^\W_]|[^\W\d_]", re.UNICODE)
_QUOTE = re.compile(r"[“\"]([^”\"]{12,200})[”\"]")
_SPEECH = frozenset(
    """said says told tells added stated asked claimed argued noted interview translator quoted saying according
    think know going people thing things really just well also even still would could""".split()
)


def short_name(name: str, speakers: Sequence[Any]) -> str:
    """"Vladimir Putin" → "Putin" when no other speaker shares that last word; names of bodies stay whole."""
    words = name.split()
    if not 2 <= len(words) <= 3 or not all(w[:1].isupper() for w in words):
        return name
    last = words[-1]
    if sum(1 for e in speakers if last.lower() in e.name.lower().split()) == 1:
        return last
    return name


def topic_words(texts: Sequence[str], exclude: set[str], count: int = 2) -> list[str]:
    """The most frequent content words of ``texts`` (not stop words, not ``exclude``), as written most often."""
    counts: Counter[str] = Counter()
    forms: dict[str, Counter[str]] = {}
    for text in texts:
        for word in _WORD.findall(text.replace("’", "'")):
            low = word.lower().strip("'")
            if len(low) < 4 or low in STOP_WORDS or low in _SPEECH or low in exclude:
                continue
            key = low[:-1] if low.endswith("s") and len(low) > 4 else low
            counts[key] += 1
            forms.setdefault(key, Counter())[word.strip("'")] += 1
    ranked = [key for key, _ in counts.most_common() if counts[key] > 1] or [key for key, _ in counts.most_common()]
    out: list[str] = []
    for key in ranked[:count]:
        form = forms[key].most_common(1)[0][0]
        out.append(form if form[:1].isupper() and not form.isupper() else form.lower() if not form.isupper() else form)
    return out


def quoted_fragment(texts: Sequence[str], most: int = 8) -> str | None:
    """A short quotation in ``texts``, whole ("Hackers can be anywhere"), or the opening words of a longer one;
    never one that is itself a speech cue ("Putin said through a translator")."""
    longer: list[str] = []
    for text in texts:
        for match in _QUOTE.finditer(text):
            parts = match.group(1).strip(" ,.;:").split()
            if len(parts) < 3 or any(p.lower().strip(",.") in _SPEECH for p in parts):
                continue
            if len(parts) <= most:
                return " ".join(parts)
            longer = longer or parts
    return " ".join(longer[: most - 2]) + " …" if longer else None


def example_questions(
    speakers: Sequence[Any],
    quotes: Callable[[str], Sequence[Any]],
    titles: Sequence[str],
    narration: Sequence[str] = (),
) -> list[str]:
    """Up to three questions: what the most quoted speaker said about their most frequent topic, who said one of
    the index's quotations, and what a second speaker said (or what the texts say about a topic)."""
    questions: list[str] = []
    top = speakers[0] if speakers else None
    if top is not None:
        said = [p.text for p in quotes(top.name)]
        name_words = {w.lower() for n in [top.name, *getattr(top, "aliases", [])] for w in re.findall(r"\w+", n)}
        topics = topic_words(said, name_words)
        who = short_name(top.name, speakers)
        questions.append(f"What did {who} say about {topics[0]}?" if topics else f"What did {who} say?")
        direct = [p.text for p in quotes(top.name) if getattr(p, "attribution", "") == "direct"]
        fragment = quoted_fragment(direct)
        if fragment:
            questions.append(f"Who said “{fragment}”?")
    if len(speakers) > 1:
        questions.append(f"What has {short_name(speakers[1].name, speakers)} said?")
    if len(questions) < 3:
        topics = topic_words([*titles, *narration], set(), count=3)
        for topic in topics:
            if len(questions) >= 3:
                break
            questions.append(f"What do the texts say about {topic}?")
    return questions[:3]
