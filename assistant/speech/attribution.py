"""Speaker attribution: who said each sentence, and how ("direct", "indirect" or "narration").

A sieve of small named rules, in the spirit of textacy's quotation rules and the Gender Gap Tracker's quote
extractor. Each rule is tested on an invented sentence that motivates it (tests/test_attribution.py). Modules:
speech/quotes.py pairs quotation marks, speech/cues.py finds the cue of a sentence, speech/resolve.py and
speech/names.py turn the cue's subject into a canonical speaker, and this module decides each sentence.

Quotation marks (speech/quotes.py): ``quote_pairs_double``, ``quote_two_apostrophes`` ('' … ''),
``quote_reversed_opener`` (”What …), ``quote_apostrophes_ignored`` (parents’, it’s, ’90s),
``quote_unclosed_stays_in_paragraph``, ``quote_stray_closer``.

Finding the cue of a sentence (speech/cues.py: ``parsed_cues`` on the spaCy parse, ``pattern_cues`` without it):
- ``cue_verb``: a speech verb (said, told, added, argued, stated, alleged, claimed, warned, denied, …) outside the
  quotation, with its subject as the speaker: "X said: “…”", "“…”, X said", "“…” said X", "“…,” X said, “…”".
- ``cue_needs_content``: a cue counts only with content: a clause ("said he had", "said that"), a quotation, a
  colon, "accused X of …", or content before it ("…, X said"). "added a goal", "the index added 0.4 per cent",
  "reported receiving" and "is said to be" stay narration.
- ``cue_speech_act``: verbs that name a speech act need only an object ("cited his endorsements", "vowed not to
  repeat it", "called the charges unsubstantiated", "spoke of the legacy").
- ``cue_negated``: "did not respond to my messages", "it declined to comment" are narration; a speech verb inside
  a relative clause ("a birther who has claimed …") does not make the sentence speech.
- ``cue_according_to``: "according to X" → X.   ``cue_passive_quoted``: "X was quoted as saying …" → X.
- ``cue_conjoined``: "X said … and criticized …", "X issued a statement saying …": the verb borrows the subject.
- ``cue_dash_credit``: "“…” ― Name" / "“…” -Commissioner X" → the credited name.
- ``cue_inside_marks``: misplaced marks around the cue itself (`… to blame, “Putin said through a translator”.`).
- ``cue_cross_check``: when the parse gives the verb a far or quoted subject, a name right before the verb
  ("…, Chief Justice Roberts said, …"), an appositive ("Flynn, a top surrogate, said") or "said X" wins.
- ``colon_intro``: "Sanders made the following comment:" introduces the next paragraph.
Who the subject is (speech/resolve.py, speech/names.py):
- ``speaker_name``: one canonical name per person per text, the first longest "First Last" form, titles and roles
  stripped ("Russian President Vladimir Putin", "Mr Putin", "Putin" → "Vladimir Putin"); nicknames, suffixes
  (Jr.), hyphenated names, "Hillary Clinton’s campaign manager Robby Mook" → "Robby Mook".
- ``speaker_coordinated``: "Mr. Grassley and Mr. Leahy say" → both names.
- ``speaker_pronoun``: he/she/they/it → the most salient compatible antecedent: gender (Mr/Ms, common first names,
  "Morgan said she …" agreement), number, recency, subject and speaker roles; names inside quotations never count;
  an unnamed role ("I asked the mayor … “Absolutely,” he said") and an organisation that spoke ("The company
  said …; it said …") are antecedents too.
- ``speaker_description``: "the Russian leader", "the senator" → the person whose role words match, else the most
  salient compatible speaker.
- ``speaker_org``: organisations and groups as written, without a leading "The" or adjectives ("The nonpartisan
  Commission on Presidential Debates" → "Commission on Presidential Debates"; later "The Post" folds into "New
  York Post"); generic sources ("officials", "a source") as written.
- ``speaker_parenthesis``: "Marcia Price (D-Newport News) said" → Marcia Price.
- ``speaker_first_person``: the writer's "I"/"we"/"my …" and the reader's "you" are no source; nor are datelines
  ("LOS ANGELES (AP) —") or words such as "each", "this".
Which sentences are speech (``_assign``, here):
- ``direct_cued``: a quotation with a cue in its sentence.
- ``direct_group``: a quotation that spans several sentences, or continues into a paragraph that opens with a
  mark after an unclosed one, takes the cue found anywhere in it.
- ``direct_cue_after``: a quotation followed in its paragraph by the sentence holding the cue ("she said", a dash
  credit). A bare "Putin said." after a sentence that ends in a quotation credits that quotation, and the bare cue
  sentence is "direct" too: a reader takes the stray full stop for the comma of "“…”, Putin said.".
- ``direct_floating``: a quotation with no cue continues the previous speaker of this or the previous paragraph.
- ``transcript_label``: "WALLACE: Let's start …" gives its paragraph to the labelled speaker.
- ``indirect_cued``: reported speech without marks ("X said he…", "according to X", "X told NBC that…").
- ``narration_filters``: headlines, bylines, author bio lines, "Editor's note", "Follow X on Twitter" are
  narration; short scare quotes (“fake news”) in a sentence without a cue are not quotations.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from ..text.documents import parse_header
from ..schema import Sentence
from ..text.sentences import paragraph_spans, split_sentences
from .cues import (
    Mention,
    SentInfo,
    dash_credit,
    cross_check,
    frame_of,
    mark_inside_cues,
    parsed_cues,
    pattern_cues,
    tokens_of,
)
from .lexicon import ROLE_NOUNS, TITLES
from .nlp import parse_chunks
from .quotes import QuoteIndex, quote_spans, quoted_chars, spans_in
from .resolve import Entry, State, learn_gender, note_mentions, register_people, resolve, resolve_person


@dataclass
class AttributedText:
    """Every sentence of a text with its speaker, and the surface forms folded into each canonical speaker."""

    sentences: list[Sentence]
    aliases: dict[str, list[str]] = field(default_factory=dict)


def attribute(text: str) -> list[Sentence]:
    """The sentences of ``text`` in order, each with ``speaker`` and ``attribution``."""
    return attribute_text(text).sentences



def attribute_text(text: str) -> AttributedText:
    """Attribute every sentence of ``text``; never raises on a string."""
    if not isinstance(text, str) or not text.strip():
        return AttributedText([], {})
    spans = split_sentences(text)
    if not spans:
        return AttributedText([], {})
    paragraphs = paragraph_spans(text, parse_header(text).body_start)
    quotes = QuoteIndex(quote_spans(text, paragraphs, [s for s, _, _ in spans]))
    chunks = parse_chunks(text, paragraphs, [(s, e) for s, e, _ in spans])
    sents = [_make_sent(i, s, e, p, text, quotes, chunks) for i, (s, e, p) in enumerate(spans)]
    state = State(text=text, people=register_people(text, sents))
    for sent in sents:
        mark_inside_cues(text, sent)
        sent.cues = cross_check(parsed_cues(text, sent), pattern_cues(text, sent)) if sent.tokens \
            else pattern_cues(text, sent)
        sent.cues += dash_credit(text, sent)
    _assign(sents, state)
    sentences = [
        Sentence(s.start, s.end, text[s.start : s.end], s.paragraph, s.speaker, s.attribution)  # type: ignore[arg-type]
        for s in sents
    ]
    used = {s.speaker for s in sentences if s.speaker}
    aliases = {k: v for k, v in state.forms.items() if k in used}
    return AttributedText(sentences, aliases)


def _make_sent(i: int, s: int, e: int, p: int, text: str, quotes: QuoteIndex, chunks: list) -> SentInfo:
    mine = spans_in(quotes, s, e)
    tokens, offset = tokens_of(chunks, s, e)
    return SentInfo(i, s, e, p, mine, quoted_chars(mine, s, e), tokens, offset=offset)



# --------------------------------------------------------------------------------------------------------------
# The sieve


_BYLINE = re.compile(
    r"^[\"“]?(?:By\s+[A-Z]|BY\s+[A-Z]|(?:Reporting|Writing|Editing|Additional reporting) by\b)|"
    r"\bis an? (?:[a-z]+ )?(?:reporter|correspondent|writer|columnist|editor|contributor)\b|"
    r"\bcontributed (?:to this report|reporting)\b|^Editor[’']s [Nn]ote\b|"
    r"^[\"“]?Follow (?:\w+ ){0,3}on (?:Twitter|Facebook|Instagram)\b|^Read (?:the rest|more)\b"
)


def _is_headline(text: str, sent: SentInfo, sents: list[SentInfo]) -> bool:
    """``narration_filters``: a one-sentence first paragraph in title case, or without final punctuation."""
    if sent.paragraph != 1 or sent.index != 0 or (len(sents) > 1 and sents[1].paragraph == 1):
        return False
    body = text[sent.start : sent.end]
    if body.lstrip().startswith("#"):
        return True
    words = [w for w in re.findall(r"[A-Za-z][\w’'-]*", body) if len(w) > 3]
    if not words:
        return False
    capital = sum(1 for w in words if w[0].isupper()) / len(words)
    return capital >= 0.75 or (body[-1:] not in ".!?”\"’" and len(sents) > 1 and not sent.quotes)


def _named(speaker: str | None) -> bool:
    """A speaker that is a name, not only a title or role ("Mayor", "Officials")."""
    if not speaker:
        return False
    return any(w.lower().strip(".") not in TITLES | ROLE_NOUNS for w in speaker.split())


def _is_scare(text: str, sent: SentInfo) -> bool:
    """Short quotations ("so-called “deal”") with no cue in the sentence are not speech."""
    if sent.cues:
        return False
    return all(len(q.inner(text).split()) <= 4 and q.closed and q.opened and q.start > sent.start
               and not re.search(r"[.!?]", q.inner(text).rstrip(".!?,")) for q in sent.quotes)


_LABEL = re.compile(r"[\"“]?([A-Z][A-Z.'’\- ]{1,30}[A-Z])\s*:\s+\S")
# ``page_furniture``: lines scraped with the article that are no part of it (advertising notices, "read more" and
# video prompts, photo credits, newsletter prompts). Only a paragraph that is this line alone is furniture.
PAGE_FURNITURE = re.compile(
    r"(?:advertisement|story continues below|continue reading|read more\b|related\b|watch\b|video\b|photo\b|"
    r"image\b|credit\b|sign up\b|subscribe\b|click here\b|share this\b|\(?(?:reporting|writing|editing) by\b)",
    re.I,
)
_NOT_LABELS = frozenset("UPDATE BREAKING WATCH NOTE EDITOR'S NOTE EDITOR’S NOTE READ MORE PHOTO VIDEO".split(" "))


def _transcript_label(text: str, sent: SentInfo, sents: list[SentInfo], state: State) -> str | None:
    """``transcript_label``: "WALLACE: Let's start …" gives its paragraph to the labelled speaker."""
    first = sents[state.paragraph_first[sent.paragraph]]
    m = _LABEL.match(text, first.start, first.end)
    if m is None or m.group(1).strip() in _NOT_LABELS or not state.transcript:
        return None
    name = " ".join(w.capitalize() for w in m.group(1).split())
    return resolve_person(Mention(name, "person", m.start(1)), state)


def _is_transcript(text: str, sents: list[SentInfo], state: State) -> bool:
    """``transcript_label``: a label followed by a colon is a speaker only in a real transcript: at least three
    paragraphs open with a label and some label takes several turns ("MARKETS:", "UPDATE:" alone are furniture)."""
    labels = []
    for index in state.paragraph_first.values():
        m = _LABEL.match(text, sents[index].start, sents[index].end)
        if m is not None and m.group(1).strip() not in _NOT_LABELS:
            labels.append(m.group(1).strip())
    return len(labels) >= 3 and len(set(labels)) < len(labels)


def _is_furniture(text: str, sent: SentInfo, sents: list[SentInfo]) -> bool:
    """``page_furniture``: a one-sentence paragraph that is a scraped page line."""
    alone = (sent.index == 0 or sents[sent.index - 1].paragraph != sent.paragraph) and \
        (sent.index + 1 == len(sents) or sents[sent.index + 1].paragraph != sent.paragraph)
    return alone and sent.end - sent.start < 160 and PAGE_FURNITURE.match(text, sent.start, sent.end) is not None


def _assign(sents: list[SentInfo], state: State) -> None:
    text = state.text
    first_pass_cues(sents, state)
    for sent in reversed(sents):
        state.paragraph_first[sent.paragraph] = sent.index
    state.transcript = _is_transcript(text, sents, state)
    groups = _quote_groups(text, sents)
    members: dict[int, list[int]] = {}  # group root → its sentences that have a cue of their own, in order
    for sent in sents:
        if sent.own:
            members.setdefault(groups[sent.index], []).append(sent.index)
    block: tuple[str, int] | None = None  # ``colon_intro``: (speaker, paragraph) of a block quotation
    for sent in sents:
        headline = _is_headline(text, sent, sents) and not (  # "…, Ann Lee Says." keeps Ann Lee, not "Engineer"
            _named(sent.own) and (len((sent.own or "").split()) >= 2 or sent.own in state.people.by_key))
        if headline or _BYLINE.search(text[sent.start : sent.end]) and not sent.quotes \
                or _is_furniture(text, sent, sents):
            sent.own = None
            sent.speaker, sent.attribution = None, "narration"
            continue
        label = _transcript_label(text, sent, sents, state)
        if label:
            sent.speaker, sent.attribution = label, "direct"
            continue
        if block and block[1] == sent.paragraph and not (sent.own and sent.own != block[0]):
            sent.speaker, sent.attribution = block[0], "direct"
            continue
        if sent.own and text[sent.start : sent.end].rstrip().endswith(":"):
            block = (sent.own, sent.paragraph + 1)
            if _is_bare_cue(text, sent) and not sent.quotes:
                sent.speaker, sent.attribution = None, "narration"  # "Limbaugh added:" only frames the block
                continue
        has_quote = bool(sent.quotes) and not _is_scare(text, sent) or sent.inside_marks
        if has_quote:
            speaker = (sent.own if sent.own_content or sent.own else None) or _group_speaker(sent, sents, groups, members) \
                or _speaker_after(sent, sents, text, groups) or _previous_speaker(sent, sents)
            if speaker:
                sent.speaker, sent.attribution = speaker, "direct"
                continue
        elif sent.own and sent.own_content:
            sent.speaker, sent.attribution = sent.own, "indirect"
            continue
        elif sent.own and _is_bare_cue(text, sent) and sent.index > 0:
            prev = sents[sent.index - 1]
            if prev.paragraph == sent.paragraph and prev.quotes:
                sent.speaker, sent.attribution = sent.own, "direct"
                continue
        sent.speaker, sent.attribution = None, "narration"


def first_pass_cues(sents: list[SentInfo], state: State) -> None:
    """Walk the text in order, keep the mention timeline and resolve each sentence's own cue."""
    for sent in sents:
        note_mentions(sent, state)
        for cue in sent.cues:
            speaker = resolve(cue.mention, sent, state)
            if speaker:
                sent.own, sent.own_content = speaker, cue.content or sent.own_content
                learn_gender(state, speaker, cue)
                if cue.mention.kind in ("pronoun", "description") and speaker in state.people.by_key:
                    state.timeline.append(Entry(sent.index, cue.pos, speaker, "person", 2.0))
                elif cue.mention.kind in ("org", "generic", "body", "document"):  # "The company said …; it declined …"
                    state.timeline.append(Entry(sent.index, cue.pos, speaker, "group", 1.5,
                                                plural=cue.mention.plural))
                break
            if cue.mention.kind == "first_person":
                break
        if sent.own and (sent.own_content or sent.quotes):
            state.speakers.append((sent.index, sent.own))
            if sent.own in state.people.by_key:
                state.timeline.append(Entry(sent.index, sent.start, sent.own, "person", 1.5))


def _quote_groups(text: str, sents: list[SentInfo]) -> dict[int, int]:
    """``direct_group``: sentences joined by one quotation, or by a quotation carried over a paragraph break."""
    parent = list(range(len(sents)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    by_quote: dict[int, int] = {}
    for sent in sents:
        for q in sent.quotes:
            if q.start in by_quote:
                parent[find(sent.index)] = find(by_quote[q.start])
            else:
                by_quote[q.start] = sent.index
    for a, b in zip(sents, sents[1:]):
        if a.paragraph != b.paragraph and a.quotes and not a.quotes[-1].closed and b.quotes \
                and b.quotes[0].start == b.start:
            parent[find(b.index)] = find(a.index)
    return {s.index: find(s.index) for s in sents}


def _group_speaker(sent: SentInfo, sents: list[SentInfo], groups: dict[int, int],
                   members: dict[int, list[int]]) -> str | None:
    """The cue of the nearest other sentence of the same quotation (found by bisection: bounded work)."""
    cued = members.get(groups[sent.index], [])
    k = bisect.bisect_left(cued, sent.index)
    near = [i for i in cued[max(0, k - 1) : k + 2] if i != sent.index]
    if not near:
        return None
    return sents[min(near, key=lambda i: (abs(i - sent.index), i)) ].own


def _pure_quote(text: str, sent: SentInfo) -> bool:
    frame = frame_of(text, sent)
    return not re.search(r"[A-Za-z]{2,}", frame)


def _is_bare_cue(text: str, sent: SentInfo) -> bool:
    """"Putin said." / "he added." with nothing else reported."""
    words = re.findall(r"[\w’'-]+", frame_of(text, sent))
    return 2 <= len(words) <= 7


def _speaker_after(sent: SentInfo, sents: list[SentInfo], text: str, groups: dict[int, int]) -> str | None:
    """``direct_cue_after``: a later sentence of the paragraph holds the cue ("Putin said.", "“…,” she said",
    "“…” ― Name"), past any sentences of the same quotation or other pure quotations."""
    root = groups[sent.index]
    pure = _pure_quote(text, sent)
    for nxt in sents[sent.index + 1 : sent.index + 30]:
        if nxt.paragraph != sent.paragraph:
            return None
        if nxt.own and (_is_bare_cue(text, nxt) or nxt.quotes and (pure or groups[nxt.index] == root)):
            return nxt.own
        if not (groups[nxt.index] == root or nxt.quotes and _pure_quote(text, nxt)):
            return None
    return None


def _previous_speaker(sent: SentInfo, sents: list[SentInfo]) -> str | None:
    """``direct_floating``: the last speaker of this or the previous paragraph."""
    for i in range(sent.index - 1, max(-1, sent.index - 200), -1):  # bounded: a speaker 200 sentences back is stale
        prev = sents[i]
        if prev.paragraph < sent.paragraph - 1:
            return None
        if prev.speaker and prev.attribution != "narration":
            return prev.speaker
    return None
