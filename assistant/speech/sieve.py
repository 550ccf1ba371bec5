"""The sieve: which sentences are speech, and whose, decided by an ordered list of named rules.

Each :class:`Rule` has a name, the function that decides (it returns ``(speaker, attribution)`` or ``None`` to pass
the sentence on), and the sentence that motivated it; :func:`decide` runs the rules in order on every sentence and
the first rule that decides wins, so this list reads as the sieve's own documentation. Every sentence records the
rule that decided it (``SentInfo.rule``): ``assistant eval speakers`` counts sentences and errors per rule, so that
a regression points at one rule. The cues and their resolved speakers come first (``first_pass_cues``: the cue of a
sentence, speech/cues.py; its subject resolved, speech/resolve.py).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from .cues import Mention, SentInfo, chunk_offset, frame_of, in_quote, is_source_frame
from .names import clean_name
from .lexicon import ROLE_NOUNS, TITLES, animate_noun
from .resolve import Entry, State, learn_gender, note_mentions, resolve, resolve_person

Decision = tuple  # (speaker or None, "direct" | "indirect" | "narration")


@dataclass(frozen=True)
class Rule:
    """One named rule of the sieve: ``decide(sentence, context)`` gives a decision or passes (None)."""

    name: str
    decide: Callable[["SentInfo", "Context"], "Decision | None"]
    example: str
    """The sentence that motivated the rule (written for it; its test is in tests/test_sieve.py)."""


@dataclass
class Context:
    """What the rules read beside the sentence: the text, all sentences, the resolution state, the quotation groups."""

    text: str
    sents: list[SentInfo]
    state: State
    groups: dict[int, int]
    members: dict[int, list[int]]  # group root → its sentences that have a cue of their own, in order
    block: tuple[str, int] | None = None  # ``colon_intro``: (speaker, paragraph) of a block quotation
    quoted: dict[int, bool] = field(default_factory=dict)
    signers: dict[int, str] | None = None  # ``letter_signed``: sentence index → the letter's signer

    def has_quote(self, sent: SentInfo) -> bool:
        """A real quotation in the sentence (not a scare quote), or a cue misplaced inside marks."""
        if sent.index not in self.quoted:
            self.quoted[sent.index] = bool(sent.quotes) and not _is_scare(self.text, sent) or sent.inside_marks
        return self.quoted[sent.index]


# ----- what the rules use -----


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
    return capital >= 0.75 or (body[-1:] not in ".!?”\"’:" and len(sents) > 1 and not sent.quotes)  # "X posted:"
    # opens a block quotation, no headline


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
    """"Putin said." / "he added." with nothing else reported; ``bare_cue_no_object``: a verb with a thing as its
    object is an act, not a cue ("The Moose added a late empty-net goal." after a quote; "he told reporters." stays
    a cue)."""
    words = re.findall(r"[\w’'-]+", frame_of(text, sent))
    return 2 <= len(words) <= 7 and not any(
        t.dep_ == "dobj" and t.pos_ == "NOUN" and not animate_noun(t.lower_) and not in_quote(sent, t.idx + chunk_offset(sent))
        for t in sent.tokens)


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


# ----- the rules, in the order they are tried -----

def narration_filters(sent: SentInfo, ctx: Context) -> Decision | None:
    """Headlines, bylines, author bio lines, "Editor's note", page furniture: narration, and no cue of their own."""
    text = ctx.text
    headline = _is_headline(text, sent, ctx.sents) and not (  # "…, Ann Lee Says." keeps Ann Lee, not "Engineer"
        _named(sent.own) and (len((sent.own or "").split()) >= 2 or sent.own in ctx.state.people.by_key))
    if headline or _BYLINE.search(text[sent.start : sent.end]) and not sent.quotes \
            or sent.furniture:
        sent.own = None
        return None, "narration"
    return None


def transcript_label(sent: SentInfo, ctx: Context) -> Decision | None:
    label = _transcript_label(ctx.text, sent, ctx.sents, ctx.state)
    return (label, "direct") if label else None


def colon_block(sent: SentInfo, ctx: Context) -> Decision | None:
    """The paragraph after "X said:" is X's quotation, unless it has a cue of another speaker."""
    block = ctx.block
    if block and block[1] == sent.paragraph and not (sent.own and sent.own != block[0]):
        return block[0], "direct"
    return None


def colon_intro(sent: SentInfo, ctx: Context) -> Decision | None:
    """A cue ending in a colon opens a block for the next paragraph; a bare "Limbaugh added:" only frames it."""
    if sent.own and ctx.text[sent.start : sent.end].rstrip().endswith(":"):
        ctx.block = (sent.own, sent.paragraph + 1)
        if _is_bare_cue(ctx.text, sent) and not sent.quotes:
            return None, "narration"
    return None


def _framed_by_next(sent: SentInfo, ctx: Context) -> str | None:
    """``source_frame``: the source named by the next sentence when that sentence only names it ("That's the message
    from X."), in this paragraph or the next."""
    if sent.own or sent.index + 1 >= len(ctx.sents) or is_source_frame(sent):
        return None
    nxt = ctx.sents[sent.index + 1]
    if not is_source_frame(nxt) or nxt.paragraph - sent.paragraph > 1:
        return None
    return nxt.own


def source_frame(sent: SentInfo, ctx: Context) -> Decision | None:
    """``source_frame``: "That's the message from Councillor Luke Stack." after a quotation names its speaker and
    says nothing itself: it is the quotation's attribution, as a bare "Putin said." after one is."""
    if not is_source_frame(sent) or sent.index == 0:
        return None
    prev = ctx.sents[sent.index - 1]
    if not sent.own or prev.speaker != sent.own:
        return None, "narration"
    return sent.own, prev.attribution


def before_source_frame(sent: SentInfo, ctx: Context) -> Decision | None:
    """``source_frame``: the sentence before "That's according to the housing agency." or "So says Marie
    Bouchard." is that source's: a quotation directly, a claim indirectly."""
    speaker = _framed_by_next(sent, ctx)
    if speaker is None:
        return None
    return speaker, "direct" if ctx.has_quote(sent) else "indirect"


def direct_cued(sent: SentInfo, ctx: Context) -> Decision | None:
    return (sent.own, "direct") if ctx.has_quote(sent) and sent.own else None


def direct_group(sent: SentInfo, ctx: Context) -> Decision | None:
    if not ctx.has_quote(sent):
        return None
    speaker = _group_speaker(sent, ctx.sents, ctx.groups, ctx.members)
    return (speaker, "direct") if speaker else None


def direct_cue_after(sent: SentInfo, ctx: Context) -> Decision | None:
    if not ctx.has_quote(sent):
        return None
    speaker = _speaker_after(sent, ctx.sents, ctx.text, ctx.groups)
    return (speaker, "direct") if speaker else None


_CREDIT_LINE = re.compile(
    r"^[—–―-]*\s*(?P<name>[A-Z][\w’'.-]+(?:\s+[A-Z][\w’'.-]+){1,3})"
    r"(?:\s*,\s*[^,.!?“”\"]{2,60}){0,2}(?:\s*\(@\w{1,30}\))?(?:\s+[A-Z][a-z]+\.? \d{1,2},? \d{4})?\s*$"
)
"""A line that only names who is quoted: "— Name (@handle) March 3, 2026", "Name, tenant organiser", "Name, site
manager, Brightway Builders" (up to two comma-separated parts: a role, an organisation)."""


def _paragraph_alone(sent: SentInfo, sents: list[SentInfo]) -> bool:
    """Is the sentence a paragraph of its own?"""
    return (sent.index == 0 or sents[sent.index - 1].paragraph != sent.paragraph) and \
        (sent.index + 1 == len(sents) or sents[sent.index + 1].paragraph != sent.paragraph)


def credit_line_name(text: str, sent: SentInfo, sents: list[SentInfo]) -> str | None:
    """The name on a credit line that is a paragraph of its own right after a paragraph that is only quotation."""
    if not _paragraph_alone(sent, sents) or sent.index == 0 or sent.quotes:
        return None
    before = sents[sent.index - 1]
    if not before.quotes or not _pure_quote(text, before):
        return None
    line = text[sent.start : sent.end].strip()
    name = _line_name(line)
    marked = line[:1] in "—–―-" or "(@" in line or "," in line  # a dash, a handle or an affiliation says "credit"
    return name if marked else None


def _line_name(line: str) -> str | None:
    """The name a line holds when it holds only a name and what describes it (``_CREDIT_LINE``); "REGIONAL
    WORRIES." and "Rising Tensions." are section headings."""
    m = _CREDIT_LINE.match(line)
    if m is None or m.group("name").isupper() or line.endswith("."):
        return None
    return m.group("name")


def credit_line(sent: SentInfo, ctx: Context) -> Decision | None:
    """``credit_line``: the line under a pull quote or an embedded post names its speaker and says nothing itself."""
    return (None, "narration") if credit_line_name(ctx.text, sent, ctx.sents) else None


def direct_credited(sent: SentInfo, ctx: Context) -> Decision | None:
    """``credit_line``: a paragraph of pure quotation followed by a credit line is the credited person's."""
    if not ctx.has_quote(sent) or sent.own or not _pure_quote(ctx.text, sent):
        return None
    last = sent
    for nxt in ctx.sents[sent.index + 1 : sent.index + 20]:
        if nxt.paragraph != sent.paragraph:
            name = credit_line_name(ctx.text, nxt, ctx.sents) if last.paragraph == sent.paragraph else None
            if name is None:
                return None
            return resolve_person(Mention(name, "person", nxt.start), ctx.state), "direct"
        last = nxt
    return None


def direct_floating(sent: SentInfo, ctx: Context) -> Decision | None:
    if not ctx.has_quote(sent):
        return None
    speaker = _previous_speaker(sent, ctx.sents)
    return (speaker, "direct") if speaker else None


def _subject_person(sent: SentInfo, ctx: Context) -> str | None:
    """The person the text names who is the main subject of ``sent`` (the nsubj of its root, outside quotation
    marks), or None when the subject is anything else."""
    if not sent.tokens:
        return None
    off = chunk_offset(sent)
    for tok in sent.tokens:
        pos = tok.idx + off
        if tok.dep_ != "nsubj" or tok.head.dep_ != "ROOT" or not sent.start <= pos < sent.end or in_quote(sent, pos):
            continue
        if tok.pos_ != "PROPN":
            return None
        first = next(tok.subtree).idx + off
        if any(first - 1 <= q.start and q.end <= pos for q in sent.quotes):
            return None  # the quotation is a title inside the subject: "“Broad City” star Arturo Castro …"
        words = [t.text for t in tok.lefts if t.dep_ == "compound" and t.pos_ == "PROPN"] + [tok.text]
        name = clean_name(" ".join(words))[0]  # the name itself, not "(Vt.), who lost to Clinton"
        person = ctx.state.people.lookup(name) if name else None
        return person.key if person is not None else None
    return None


def quotation_subject(sent: SentInfo, ctx: Context) -> Decision | None:
    """``quotation_subject``: a quotation with no cue in a sentence whose main subject is a person the text names is
    that person's: "Falk had a slogan for the plan, “a bridge we cannot afford to lose.”" """
    if not ctx.has_quote(sent):
        return None
    person = _subject_person(sent, ctx)
    return (person, "direct") if person else None


def direct_after_subject(sent: SentInfo, ctx: Context) -> Decision | None:
    """``direct_after_subject``: a pure quotation right after a sentence of narration whose main subject is a person
    the text names is that person's, not the last speaker's: news introduces the speaker, then quotes them, in the
    same paragraph or the next ("Mayor Ana Ruiz has backed the plan since March.\n\n
    “It is the only way forward.”")."""
    if sent.own or sent.index == 0 or not ctx.has_quote(sent) or not _pure_quote(ctx.text, sent):
        return None
    prev = ctx.sents[sent.index - 1]
    if sent.paragraph - prev.paragraph > 1 or prev.rule != "narration" or ctx.has_quote(prev) or prev.furniture:
        return None
    person = _subject_person(prev, ctx)
    return (person, "direct") if person else None


def quotation_unattributed(sent: SentInfo, ctx: Context) -> Decision | None:
    """A quotation nobody can be found for is narration (never reported speech)."""
    return (None, "narration") if ctx.has_quote(sent) else None


def indirect_cued(sent: SentInfo, ctx: Context) -> Decision | None:
    return (sent.own, "indirect") if sent.own and sent.own_content else None


def bare_cue_after_quote(sent: SentInfo, ctx: Context) -> Decision | None:
    """A bare "Putin said." after a sentence ending in a quotation is part of it: the stray full stop is a comma."""
    if sent.own and _is_bare_cue(ctx.text, sent) and sent.index > 0:
        prev = ctx.sents[sent.index - 1]
        if prev.paragraph == sent.paragraph and prev.quotes:
            return sent.own, "direct"
    return None


_LETTER_MARK = re.compile(r"^\W*(?:LETTERS?\b|Letters?(?: to the [Ee]ditor)?\s*[:—–-]|Letters to the [Ee]ditor\b|"
                          r"(?:Dear|To the) [Ee]ditor\b)")
"""``letter_signed``: what marks a text as a letter to the editor: its title or its first paragraph ("LETTER: …",
"Letters to the editor", "Dear Editor,")."""


def letter_signers(text: str, sents: list[SentInfo]) -> dict[int, str]:
    """``letter_signed``: in a text marked as a letter (``_LETTER_MARK``), each sentence before a signature line (a
    paragraph that is only a name and a place or affiliation, "Gordon Baptiste, Surrey") → that name: the writer of
    a letter speaks its sentences. A letters page holds several letters, each closed by its own signature."""
    if not sents or not _LETTER_MARK.match(text.lstrip()) and not _LETTER_MARK.match(text[sents[0].start : sents[0].end]):
        return {}
    signers: dict[int, str] = {}
    pending: list[int] = []
    for sent in sents:
        name = _line_name(text[sent.start : sent.end].strip()) if _paragraph_alone(sent, sents) and not sent.quotes \
            else None
        if name is not None and pending:
            for k in pending:
                signers[k] = name
            pending = []
        else:
            pending.append(sent.index)
    return signers


def letter_signed(sent: SentInfo, ctx: Context) -> Decision | None:
    """``letter_signed``: a sentence of a letter that no earlier rule gave a speaker is its signer's."""
    if ctx.signers is None:
        ctx.signers = letter_signers(ctx.text, ctx.sents)
    name = ctx.signers.get(sent.index)
    if name is None or sent.furniture or re.match(r"\W*Re\b", ctx.text[sent.start : sent.end]):
        return None  # "Re: Bus fares (March 3)" names the article a letter answers
    return resolve_person(Mention(name, "person", sent.start), ctx.state), "indirect"


def narration(sent: SentInfo, ctx: Context) -> Decision | None:  # noqa: ARG001 - the rule that always decides
    return None, "narration"


RULES: list[Rule] = [
    Rule("narration_filters", narration_filters, "By Jane Roe, Staff Reporter"),
    Rule("credit_line", credit_line, "“Housing is a right.”\n\n— Sam Okoye (@samokoye) May 2, 2026"),
    Rule("transcript_label", transcript_label,
         "HOST: Welcome back.\n\nLEE: Thank you.\n\nHOST: Let’s start with the budget.\n\nLEE: It is short."),
    Rule("colon_block", colon_block, "Ms Lee added:\n\nThe plan has no money behind it."),
    Rule("colon_intro", colon_intro, "Limbaugh added:"),
    Rule("source_frame", source_frame, "“We need housing now.” That's the message from Councillor Luke Stack."),
    Rule("before_source_frame", before_source_frame,
         "“We need housing now.” That's the message from Councillor Luke Stack."),
    Rule("direct_cued", direct_cued, "“We will build it,” Mayor Ana Ruiz said."),
    Rule("direct_group", direct_group, "“We will build it. It will take two years,” Mayor Ana Ruiz said."),
    Rule("direct_cue_after", direct_cue_after, "“We will build it.” Putin said."),
    Rule("direct_credited", direct_credited, "“Housing is a right.”\n\nMaya Lind, tenant organiser"),
    Rule("quotation_subject", quotation_subject,
         "Mayor Ines Falk spoke first.\n\nFalk had a slogan for the plan, “a bridge we cannot afford to lose.”"),
    Rule("direct_after_subject", direct_after_subject,
         "Mayor Ana Ruiz has backed the plan since March.\n\n“It is the only way forward.”"),
    Rule("direct_floating", direct_floating, "“We will build it,” Mayor Ana Ruiz said.\n\n“And it will be paid for.”"),
    Rule("quotation_unattributed", quotation_unattributed, "“Nobody knows,” reads a sign on the door."),
    Rule("indirect_cued", indirect_cued, "Mayor Jane Doe said the bridge would close."),
    Rule("bare_cue_after_quote", bare_cue_after_quote, "“We will build it.” Putin said."),
    Rule("letter_signed", letter_signed,
         "LETTER: Tolls are unfair\n\nCommuters pay for a bridge the region uses.\n\nGordon Baptiste, Surrey"),
    Rule("narration", narration, "The bridge opened in 1932."),
]
"""The sieve, in order: the first rule that decides a sentence wins."""


def decide(sents: list[SentInfo], state: State) -> None:
    """Give every sentence its speaker, attribution and the name of the rule that decided it."""
    text = state.text
    first_pass_cues(sents, state)
    for sent in reversed(sents):
        state.paragraph_first[sent.paragraph] = sent.index
    state.transcript = _is_transcript(text, sents, state)
    groups = _quote_groups(text, sents)
    members: dict[int, list[int]] = {}
    for sent in sents:
        if sent.own:
            members.setdefault(groups[sent.index], []).append(sent.index)
    ctx = Context(text, sents, state, groups, members)
    for sent in sents:
        for rule in RULES:
            decision = rule.decide(sent, ctx)
            if decision is not None:
                sent.speaker, sent.attribution = decision
                sent.rule = rule.name
                break
