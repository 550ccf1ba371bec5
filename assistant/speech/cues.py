"""Finding who speaks in one sentence: quotation-aware cue rules over the spaCy parse, with patterns as a fallback.

The rules are named in the docstring of ``assistant/speech/attribution.py`` and tested in tests/test_attribution.py.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import Any

from .lexicon import (
    AS_SAID_VERBS,
    BASED_TRADE_NOUNS,
    BODY_NOUNS,
    CENSUS_COMMON_NAMES,
    CIVIC_NAME_HEADS,
    COMPANY_NOUNS,
    COMPARISON_VERBS,
    DATE_WORDS,
    DOCUMENT_NOUNS,
    FEMALE_NAMES,
    INANIMATE_NOUNS,
    INSIDE_MARKS_CUE_FORMS,
    INSTRUCTION_VERBS,
    INVERTED_CUE_FORMS,
    INVERTED_ROLE_CUE_FORMS,
    KIN_NOUNS,
    MADE_CLEAR_ADJECTIVES,
    MALE_NAMES,
    MEDIUM_NOUNS,
    MESSAGE_NOUNS,
    NAME_PARTICLES,
    NOT_SAID_VERBS,
    OCCASION_FRAME_NOUNS,
    OCCASION_FRAME_PARTICIPLES,
    OFFICE_NOUNS,
    ORGANISATION_NAME_ENDINGS,
    PEOPLE_NOUNS,
    PERSON_EVIDENCE_TITLES,
    PERSON_NOUN_ENDING,
    PERSON_OBJECT_VERBS,
    PLACE_WORDS,
    PRONOUNS_FEMALE,
    PRONOUNS_FIRST,
    PRONOUNS_MALE,
    PRONOUNS_PLURAL,
    REGEX_SPEECH_FORMS,
    REPLY_BACK_VERBS,
    ROLES_AND_TITLES,
    ROLE_NOUNS,
    ROLE_PARTICIPLES,
    SPEECH_ACTS,
    SPEECH_VERBS,
    SOURCE_FRAME_NOUNS,
    SPOKEN_MEDIUM_NOUNS,
    THOUGHT_VERBS,
    TITLES,
    UNION_BRANCH_WORDS,
    animate_noun,
    regex_alternatives,
)
from .names import People, clean_name
from .quotes import QuoteIndex, QuoteSpan, quoted_chars


@dataclass
class Mention:
    """A reference to a possible speaker, as written."""

    text: str
    kind: str  # person | pronoun | description | org | generic | first_person
    pos: int  # character offset
    words: tuple[str, ...] = ()  # lower-cased words of a description ("russian", "leader")
    plural: bool = False
    end: int = -1  # character offset just past the surface form, when known
    tree_end: int = -1  # just past the whole subject phrase ("Commission on Presidential Debates")


@dataclass
class Cue:
    """Where a sentence says who speaks: the verb (or "according to") and its subject."""

    pos: int
    verb: str
    mention: Mention
    content: bool
    rank: int = 0  # lower is better: 0 for the root verb, more for deeper verbs
    echo: str = ""  # "he"/"she" subject of the reported clause: "Morgan said she would run"
    verb_pos: int = -1
    appositive: bool = False  # found by "Name, a description, said"


@dataclass
class SentInfo:
    index: int
    start: int
    end: int
    paragraph: int
    quotes: list[QuoteSpan]
    quoted: int
    tokens: list[Any]
    cues: list[Cue] = field(default_factory=list)
    speaker: str | None = None
    attribution: str = "narration"
    own: str | None = None  # speaker from this sentence's own cue
    own_content: bool = False
    inside_marks: bool = False
    offset: int = 0  # of the spaCy chunk holding ``tokens``
    quote_index: Any = None  # (the quotes list it was built from, its QuoteIndex), built on demand
    rule: str = ""  # the sieve rule that decided the sentence (speech/sieve.py)
    furniture: bool = False  # a scraped page line (speech/furniture.py): no cue, no antecedent


def tokens_of(chunks: list[tuple[int, Any]], start: int, end: int) -> tuple[list[Any], int]:
    """The spaCy tokens covering ``[start, end)`` and the character offset of the chunk they come from."""
    for offset, doc in chunks:
        length = doc[-1].idx + len(doc[-1].text_with_ws) if len(doc) else 0  # doc.text would rebuild the string
        if offset <= start and end <= offset + length:
            span = doc.char_span(start - offset, end - offset, alignment_mode="expand")
            return (list(span) if span is not None else []), offset
    return [], 0


def chunk_offset(sent: SentInfo) -> int:
    """Character offset of the spaCy chunk the sentence's tokens come from (token.idx + offset = text index)."""
    return sent.offset


def in_quote(sent: SentInfo, pos: int) -> bool:
    if len(sent.quotes) <= 8:
        return any(q.start <= pos < q.end for q in sent.quotes)
    if sent.quote_index is None or sent.quote_index[0] is not sent.quotes:  # many quotations: bisection
        sent.quote_index = (sent.quotes, QuoteIndex(sent.quotes))
    return sent.quote_index[1].contains(pos)


# --------------------------------------------------------------------------------------------------------------
# Names in the parse



_PERSON_ROLES = ROLES_AND_TITLES - frozenset(
    "acting former fired late then first deputy assistant general chair head leader speaker owner star host".split())


def _surname_particle(tokens: list[Any], k: int) -> bool:
    """``name_particles``: a lower-case "van", "der", "de" that a capitalised name part follows (past any more
    particles) continues a name run."""
    j = k
    while j < len(tokens) and tokens[j] is not None and tokens[j].lower_ in NAME_PARTICLES:
        j += 1
    return j > k and j < len(tokens) and tokens[j] is not None and tokens[j].text[:1].isupper() \
        and (tokens[j].pos_ == "PROPN" or tokens[j].ent_type_ == "PERSON")


def name_runs(sent: SentInfo) -> list[tuple[list[Any], list[str]]]:
    """Runs of proper-noun tokens with the role words right before them."""
    runs: list[tuple[list[Any], list[str]]] = []
    current: list[Any] = []
    tokens = sent.tokens + [None]
    for k, tok in enumerate(tokens):
        if tok is not None and (tok.pos_ == "PROPN" or tok.ent_type_ == "PERSON") and tok.text[:1].isupper():
            current.append(tok)
            continue
        if tok is not None and current and _surname_particle(tokens, k):
            current.append(tok)  # ``name_particles``: "Anna van der Berg"
            continue
        if tok is not None and current and _plural_possessive_joined(current[-1], tok, tokens[k + 1]):
            current.append(tok)  # ``name_plural_possessive``: "Alberta Teachers' Association" is one name
            continue
        if tok is not None and current and _hyphen_joined(current[-1], tok):
            current.append(tok)  # "Park Geun-hye", "Crouse-Mays"
            continue
        if current:
            before = []
            i = current[0].i - 1
            doc = current[0].doc
            while i >= 0 and len(before) < 3 and (doc[i].pos_ in ("ADJ", "NOUN", "PROPN") or
                                                  doc[i].lower_ in ROLE_PARTICIPLES) \
                    and doc[i].idx >= sent.start - chunk_offset(sent):
                before.insert(0, doc[i].text.lower())
                i -= 1
            runs.append((current, before))
            current = []
    return runs


def _plural_possessive_joined(prev: Any, tok: Any, nxt: Any) -> bool:
    """``name_plural_possessive``: the bare mark of a plural possessive inside a name joins its parts ("Ontario
    Nurses’ Association", "Elementary Teachers' Federation"); "Teachers's" or a mark before a lower-case word do not."""
    return tok.text in ("'", "’") and not prev.whitespace_ and prev.text.endswith("s") and nxt is not None \
        and nxt.pos_ == "PROPN" and nxt.text[:1].isupper()


def _hyphen_joined(prev: Any, tok: Any) -> bool:
    if tok.text == "-" and not prev.whitespace_:
        return not tok.whitespace_
    return prev.text == "-" and not prev.whitespace_ and tok.text[:1].isalpha()


_CENSUS_LABELS = frozenset({"", "ORG", "PERSON"})
"""Tagger labels a run may carry and still be judged a person by its census first name: the small tagger calls
"Nadia Okafor" an organisation, but a place, a nationality, an event or a work is what it says."""


def census_person(run: list[Any], parts: list[str]) -> bool:
    """``first_name_census``: "Nadia Okafor met the mayor." (tagged an organisation) is a person: two or three words,
    the first a common census first name (``lexicon.CENSUS_COMMON_NAMES``), none of the run tagged a place or the
    like, the last no organisation ending ("Grace Foods") and no plural ("Carolina Panthers")."""
    return 2 <= len(parts) <= 3 and parts[0].lower() in CENSUS_COMMON_NAMES and \
        all(t.ent_type_ in _CENSUS_LABELS for t in run) and parts[-1].lower() not in ORGANISATION_NAME_ENDINGS and \
        run[-1].tag_ != "NNPS" and parts[-1].lower().rstrip(".") not in PLACE_WORDS


def is_person_run(run: list[Any], name: str, roles: list[str], people: People | None) -> bool:
    if any(t.ent_type_ == "PERSON" for t in run):
        return True
    parts = name.split()
    if not parts:
        return False
    if len(parts) >= 2 and parts[0].lower() in (MALE_NAMES | FEMALE_NAMES):
        return True
    if census_person(run, parts):
        return True
    if set(roles) & (PERSON_EVIDENCE_TITLES | _PERSON_ROLES):
        return True  # "Mayor Helena Brask" even when the tagger calls her an organisation
    if len(parts) >= 2 and roles and roles[-1] not in COMPANY_NOUNS and parts[-1].lower() not in \
            ORGANISATION_NAME_ENDINGS and (roles[-1] in PEOPLE_NOUNS or PERSON_NOUN_ENDING.search(roles[-1])):
        return True  # ``person_by_role_noun``: "Union organiser Femi Adeyemi" (tagged an organisation) is a person
    return people is not None and len(parts) == 1 and people.lookup(parts[0]) is not None \
        and not any(t.ent_type_ in ("GPE", "NORP") for t in run)


# --------------------------------------------------------------------------------------------------------------
# Cues with spaCy

_SUBJ = ("nsubj", "nsubjpass", "csubj")
_CONTENT_DEPS = ("ccomp", "parataxis")
_PASSIVE_NOT_SPEECH = frozenset("say report believe think expect tell ask rumor rumour".split())
_VERDICT_VERBS = frozenset("find rule declare deem judge".split())
"""Verbs whose object with an adjective is a verdict ("found him guilty", "ruled it unlawful"), not speech."""
_GOES_ON = frozenset("go continue proceed appear seem".split())  # "went on to say", "appeared to suggest"
_ACCUSE = frozenset("accuse blame criticize criticise warn blast slam charge deny praise thank".split())

_INSIDE_CUE = re.compile(
    r"^(?:[A-Z][\w.’'-]+(?: [A-Z][\w.’'-]+)*|he|she|they|He|She|They) (?:\w+ly )?"
    r"(?:" + regex_alternatives(INSIDE_MARKS_CUE_FORMS) + r")\b"
)


def mark_inside_cues(text: str, sent: SentInfo) -> None:
    """``cue_inside_marks``: a short quotation that is itself "Name/he said …" is a cue, not a quotation."""
    kept = []
    for q in sent.quotes:
        inner = q.inner(text) if q.end - q.start < 200 else ""
        words = inner.split()
        if 2 <= len(words) <= 8 and _INSIDE_CUE.match(inner):
            sent.own_content = True
            sent.inside_marks = True
        else:
            kept.append(q)
    if len(kept) != len(sent.quotes):
        sent.quotes = kept
        sent.quoted = quoted_chars(sent.quotes, sent.start, sent.end)


def parsed_cues(text: str, sent: SentInfo, people: People | None = None) -> list[Cue]:
    frame = _source_frame_cue(text, sent)
    if frame:
        return frame
    off = chunk_offset(sent)
    cues: list[Cue] = []
    for tok in sent.tokens:
        pos = tok.idx + off
        if in_quote(sent, pos):
            continue
        if tok.lower_ == "according" and tok.i + 1 < len(tok.doc) and tok.doc[tok.i + 1].lower_ == "to":
            obj = next((c for c in tok.doc[tok.i + 1].children if c.dep_ == "pobj"), None)
            if obj is not None and not in_quote(sent, obj.idx + off):
                cues.append(Cue(pos, "according to", _mention(text, sent, obj), True, rank=1))
            continue
        words_of = _in_the_words_of(tok)
        if words_of is not None and not in_quote(sent, words_of.idx + off):
            cues.append(Cue(pos, "in the words of", _mention(text, sent, words_of), True, rank=1))
            continue
        cue = _verb_cue(text, sent, tok)
        if cue is not None:
            cues.append(cue)
    if not any(c.content for c in cues):
        cues.extend(_occasion_frame_cue(text, sent))
    if not cues and text[sent.start : sent.end].rstrip().endswith(":"):
        cues.extend(_colon_cue(text, sent))
    if not cues and sent.quotes:
        cues.extend(_colon_frame_cue(text, sent))
    if not cues:
        cues.extend(_headline_label_cue(text, sent, people))
    cues.sort(key=lambda c: (not c.content, c.rank, c.pos))
    return cues


def _in_the_words_of(tok: Any) -> Any | None:
    """``cue_in_the_words_of``: "The plan is “a disaster,” in the words of Councillor Amir Patel." names the
    speaker as "according to" does: the object of "of" after "in the words", a phrase set off at the start or after
    a comma ("in other words" names no one; "summed up in the words of Lincoln" is the writer's phrase)."""
    if tok.lower_ != "words" or tok.head.lower_ != "in" or not any(c.lower_ == "the" for c in tok.children):
        return None
    prep = tok.head
    if prep.i > prep.sent.start and not prep.doc[prep.i - 1].is_punct:
        return None
    of = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"), None)
    return next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None


SOURCE_FRAME = "source frame"
"""The verb of a ``source_frame`` cue: the sentence names the source of the sentence before it and says nothing."""
_SOURCE_FRAME = re.compile(
    r"\s*(?:(?:That|This|Those|Such)(?:['’]s|\s+(?:is|was|were|are|remains|remained))\s+"
    r"(?:according\s+to|(?:(?:the|a|an|his|her|their|its)\s+)?(?:[\w-]+\s+){0,2}?"
    rf"(?:{'|'.join(sorted(SOURCE_FRAME_NOUNS))})\s+(?:from|of))|(?:Or\s+)?[Ss]o\s+(?:says|said))\s+(?=\S)"
)
_NOUN_PHRASE_DEPS = frozenset("compound det amod poss nummod nmod case punct".split())


def _source_frame_cue(text: str, sent: SentInfo) -> list[Cue]:
    """``source_frame``: a sentence that only names whose words the sentence before it were: "“We need housing
    now.” That's the message from Councillor Luke Stack.", "So says Marie Bouchard, who runs the snack bar.",
    "Rents rose 14 per cent. That's according to a report from the housing agency." Its cue has no content of its
    own (the sieve gives the sentence before to the source, speech/sieve.py ``before_source_frame``)."""
    m = _SOURCE_FRAME.match(text, sent.start, sent.end)
    if m is None or not sent.tokens:
        return []
    off = chunk_offset(sent)
    head = next((t for t in sent.tokens if t.idx + off >= m.end()), None)
    while head is not None and head.dep_ in _NOUN_PHRASE_DEPS and head.head.i != head.i \
            and head.head.idx + off >= m.end():
        head = head.head
    if head is None or head.pos_ not in ("PROPN", "NOUN", "PRON") or in_quote(sent, head.idx + off) \
            or not (_can_speak(head) or animate_noun(head.lower_)):
        return []  # "This is a message from the past."
    mention = _mention(text, sent, head)
    if mention.kind in ("none", "first_person"):
        return []
    return [Cue(head.idx + off, SOURCE_FRAME, mention, False)]


def is_source_frame(sent: SentInfo) -> bool:
    """The sentence only names the source of the one before it (``source_frame``)."""
    return bool(sent.cues) and sent.cues[0].verb == SOURCE_FRAME


_HEADLINE_LABEL = re.compile(r"([A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){0,2})(?: on [^:\n]{3,40})?: +(?=\S)")


def _headline_label_cue(text: str, sent: SentInfo, people: People | None = None) -> list[Cue]:
    """``headline_name_label``: a headline of a person's name and a colon gives what follows to that person:
    "Ruiz: Budget Will Not Raise Fares", "Mayor Ana Ruiz on the Strike: Talks Must Resume". Only a line of its own,
    a name the tagger or the text takes for a person (one word only if tagged so or the surname of someone the
    text names in full: "Pence: …" in an article about Mike Pence), and a claim with a verb of its
    own or a quotation: "The Latest: …", "Correction: …", "Ottawa: …" and a profile's "Ana Ruiz: The Girl Who Built a Bridge" are
    not."""
    line_end = text.find("\n", sent.end)
    if text[max(0, sent.start - 1) : sent.start] not in ("", "\n") or text[sent.end : line_end if line_end >= 0
                                                                          else len(text)].strip():
        return []
    m = _HEADLINE_LABEL.match(text, sent.start, sent.end)
    if m is None or m.group(1).split()[0] in ("The", "A", "An"):
        return []
    off = chunk_offset(sent)
    label = [t for t in sent.tokens if t.idx + off < m.end(1)]
    claim = [t for t in sent.tokens if t.idx + off >= m.end()]
    if not label or sum(t.is_alpha for t in claim) < 3:
        return []
    if not sent.quotes and not any(t.pos_ in ("VERB", "AUX") and t.dep_ not in ("relcl", "acl", "amod") for t in claim):
        return []  # a title, not a claim (a headline's quotation is one: "… It’s ‘in Their Heads.’")
    name = m.group(1)
    named = people.lookup(name) if people is not None and len(name.split()) == 1 else None
    known = named is not None and " " in named.full  # the tagger may read a headline's surname as a noun ("reye")
    tagged = label[-1].pos_ == "PROPN" and (label[-1].ent_type_ == "PERSON" or len(name.split()) > 1 and looks_person(name))
    if not (known or tagged):
        return []
    mention = _regex_mention(name, m.start(1))
    return [Cue(label[-1].idx + off, "say", mention, True, rank=3)] if mention.kind == "person" else []


def _occasion_frame_cue(text: str, sent: SentInfo) -> list[Cue]:
    """``cue_occasion_frame``: "In a statement issued Tuesday, Senator Ana Ruiz was more cautious than her
    colleagues." and "Speaking to reporters on Monday, Ruiz was upbeat about the talks." report what the subject
    said there (lexicon ``OCCASION_FRAME_NOUNS``, ``OCCASION_FRAME_PARTICIPLES``): the frame opens the sentence, the
    subject of the main verb can speak, and the verb is neither a thought nor how someone looked ("In the interview,
    she appeared relaxed")."""
    if not sent.tokens:
        return []
    opener = sent.tokens[0]
    root = opener.head
    while root.dep_ in ("prep", "pobj") and root.head.i != root.i:
        root = root.head
    if root.dep_ != "ROOT" or root.lemma_.lower() in THOUGHT_VERBS | NOT_SAID_VERBS:
        return []
    if opener.lower_ == "in" and opener.head.i == root.i:
        occasion = next((c for c in opener.children if c.dep_ == "pobj"), None)
        if occasion is None or occasion.lemma_.lower() not in OCCASION_FRAME_NOUNS or not occasion.is_lower:
            return []
    elif not (opener.lower_ in OCCASION_FRAME_PARTICIPLES and opener.dep_ == "advcl" and opener.head.i == root.i
              and not any(c.dep_ in _SUBJ for c in opener.children)):
        return []
    subj = next((c for c in root.children if c.dep_ in _SUBJ), None)
    if subj is None or not _usable(sent, subj) or not _can_speak(subj) or subj.lower_ in ("it", "this", "there"):
        return []  # "In the later rounds, it was a different matter."
    mention = _mention(text, sent, subj)
    if mention.kind not in ("person", "pronoun", "description", "org", "body"):
        return []
    return [Cue(subj.idx + chunk_offset(sent), root.lemma_.lower(), mention, True, rank=3)]


def _colon_cue(text: str, sent: SentInfo) -> list[Cue]:
    """``colon_intro``: "Okafor made the following comment:" introduces the next paragraph's quotation."""
    root = next((t for t in sent.tokens if t.dep_ == "ROOT"), None)
    subj = next((c for c in root.children if c.dep_ in _SUBJ), None) if root is not None else None
    if subj is None or in_quote(sent, subj.idx + chunk_offset(sent)):
        return []
    mention = _mention(text, sent, subj)
    if mention.kind not in ("person", "pronoun", "description"):
        return []
    return [Cue(subj.idx + chunk_offset(sent), root.lemma_, mention, False, rank=3)]


def _colon_frame_cue(text: str, sent: SentInfo) -> list[Cue]:
    """``colon_frame``: a person framed before a colon speaks the quotation after it, with no speech verb at all:
    "Professor Hale is more cautious: “We do not know enough yet.”"."""
    quote = next((q for q in sent.quotes if q.start > sent.start and text[sent.start : q.start].rstrip().endswith(":")), None)
    if quote is None:
        return []
    off = chunk_offset(sent)
    frame = [t for t in sent.tokens if t.idx + off < quote.start]  # the parser may hang the frame on the quotation
    head = next((t for t in frame if any(c.dep_ in _SUBJ and c.idx + off < quote.start for c in t.children)), None)
    subj = next((c for c in head.children if c.dep_ in _SUBJ), None) if head is not None else None
    if subj is None:
        return _colon_label_cue(text, sent, frame)
    if not _usable(sent, subj):
        return []
    holder = _message_holder(subj)
    if holder is not None and holder.lower_ == "its":
        mention = Mention("it", "pronoun", holder.idx + off)  # "Its advice was blunt": the company's
    else:
        mention = _mention(text, sent, holder if holder is not None else subj)
    if not (mention.kind in ("person", "pronoun") or mention.kind == "description" and subj.lower_ in ROLE_NOUNS
            or holder is not None and mention.kind in ("org", "body")):
        return []  # "The rule is clear: “…”" is the writer's framing
    return [Cue(subj.idx + off, head.lemma_, mention, True, rank=3)]


def _message_holder(subj: Any) -> Any | None:
    """``colon_frame_message``: "Her message was simple: “Not one brick.”", "Its advice to drivers was blunt: “…”":
    the owner of a message framed before a quotation speaks it. None when the subject is no one's message."""
    if subj.lemma_.lower() not in MESSAGE_NOUNS:
        return None
    return next((c for c in subj.children if c.dep_ == "poss"), None)


def _colon_label_cue(text: str, sent: SentInfo, frame: list[Any]) -> list[Cue]:
    """``colon_name_label``: a frame of only a name (and what describes it) before the colon speaks the quotation:
    "Local MP Rupert Ainsley: “I will be writing …”", vox pops "Jodie Fairweather, 38, nurse: “…”"."""
    words = [t for t in frame if not t.is_punct and not t.is_space]
    if not words or len(words) > 12 or any(t.pos_ in ("VERB", "AUX") for t in words):
        return []
    off = chunk_offset(sent)
    if text[sent.start : words[0].idx + off].strip(" \"“‘'"):
        return []
    first = next((k for k, t in enumerate(words) if t.pos_ == "PROPN"), None)
    if first is None:
        return []
    last = first
    while last + 1 < len(words) and words[last + 1].pos_ == "PROPN":
        last += 1
    run = words[last]  # the last word of the first name: "Cecile Richards" (the tagger may call Cecile a modifier)
    if any(t.lower_ == "," for t in frame if t.i < run.i):
        return []
    mention = _mention(text, sent, run)
    size = len(clean_name(mention.text)[0].split())
    if mention.kind not in ("person", "org") or size > 3 or size == 1 and run.ent_type_ != "PERSON":
        return []  # a headline: "Senator Hammers Bank CEO: ‘…’", "Premier Addresses Flood Crisis: …"
    lead = text[sent.start : run.left_edge.idx + off].split()
    label = text[sent.start : words[-1].idx + off]
    if len(lead) > 3 or "<" in label or any(w.isupper() and len(w) > 3 for w in label.split()):
        return []  # markup, or a shouted headline before the name: "RED STATES OUTNUMBER … - Jeffrey M. Jones:"
    return [Cue(run.idx + off, "say", mention, True, rank=3)]


_PUT_TO = frozenset("reporter journalist audience crowd colleague interviewer viewer listener reader".split())
"""Whom "put it to …" addresses when it frames speech ("as she put it to reporters"; "put it to a vote" does not)."""


def _put_where_said(prep: Any) -> bool:
    """``cue_put_it``: the phrase after "put it" says where or to whom it was said ("in a statement", "in an
    interview", "to reporters"), not where a thing was put ("on the table", "in the drawer")."""
    obj = next((c for c in prep.children if c.dep_ == "pobj"), None)
    if obj is None:
        return False
    lemma = obj.lemma_.lower()
    if prep.lower_ in ("in", "during", "at"):
        return lemma in DOCUMENT_NOUNS | MEDIUM_NOUNS
    return prep.lower_ == "to" and lemma in _PUT_TO  # "put it to Congress" is a motion, not a quotation


def _put_when(prep: Any) -> bool:
    """``cue_put_it``: a phrase that says when ("in July", "on Monday"): it neither frames speech nor blocks it."""
    return any(c.dep_ == "pobj" and c.ent_type_ in ("DATE", "TIME") for c in prep.children)


def puts_it(tok: Any) -> bool:
    """``cue_put_it``: "As the mayor put it, …", "Shah put it bluntly: …", "As Ortega put it in a statement in July,
    …" frame what someone said: "put" with the object "it", no particle, and no phrase but where it was said
    ("He put it on the table", "put it off" are no speech). A phrase of time counts only beside a phrase of where it
    was said: "They put it in May" alone may be placing a thing."""
    kids = list(tok.children)
    if tok.lemma_.lower() != "put" or not any(c.dep_ == "dobj" and c.lower_ == "it" for c in kids) or any(
            c.dep_ in ("prt", "dative") for c in kids):
        return False
    preps = [c for c in kids if c.dep_ == "prep"]
    said = [c for c in preps if _put_where_said(c)]
    return all(c in said or said and _put_when(c) for c in preps)


_SAYING = ("saying", "adding", "arguing", "claiming")
"""A participle that carries what was said: "hit back at critics, saying …", "defended the plan, adding …"."""


def _clause_on_medium(children: Any) -> bool:
    """A phrase of where something was said whose noun holds the "that" clause: "said in a statement that …",
    "made it clear in an email that …" (the parser hangs the clause on the statement, not on the verb);
    ``cue_clause_after_place``: any noun, when "that" opens a clause with a subject of its own ("told reporters
    outside the courthouse that justice had been served"; in "said outside the house that he built" it is a
    relative pronoun, no "that" of a reported clause)."""
    return any(prep.dep_ == "prep" and any(any(
        x.dep_ in ("acl", "ccomp", "relcl") and _reported_that(x, o.lemma_.lower() in DOCUMENT_NOUNS | MEDIUM_NOUNS)
        for x in o.children) for o in prep.children) for prep in children)


def _reported_that(clause: Any, medium: bool) -> bool:
    """The clause hung on a noun is a reported "that" clause: on a medium any "that"; elsewhere "that" as its
    conjunction and a subject of its own."""
    if medium:
        return any(m.lower_ == "that" for m in clause.children)
    return any(m.lower_ == "that" and m.dep_ == "mark" for m in clause.children) and \
        any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in clause.children)


def makes_clear(tok: Any) -> bool:
    """``cue_make_clear``: "Officials made it clear that the bridge would stay closed", "The mayor made clear she
    would not resign", "Pruitt made it plain he wanted a new goalkeeper": "make" with "clear", "plain" or "known"
    over a clause with its own subject. "made it clear" with no clause after it, and "made the road clear", are no
    speech; who can say it is checked with the subject (``_can_speak``: "The storm made it clear that …" is not).
    The parser may hang the clause on where it was said: "made it clear in a statement that no jobs would go"."""
    if tok.lemma_.lower() != "make":
        return False

    def clause(x: Any) -> bool:
        return _is_clause(x) or x.dep_ == "ccomp" and x.pos_ in ("VERB", "AUX")

    for adj in tok.children:
        if adj.lower_ in MADE_CLEAR_ADJECTIVES and adj.dep_ in ("ccomp", "oprd", "acomp", "xcomp", "dobj"):
            if any(clause(c) for c in adj.children) or _clause_on_medium(adj.children):
                return True
    return False


def replies_back(tok: Any) -> bool:
    """``cue_reply_back``: "“No,” Ruiz shot back.", "The minister fired back that the figures were wrong": a reply
    verb with "back". Content is still needed, so "The striker shot back into the box" is no speech."""
    return tok.lemma_.lower() in REPLY_BACK_VERBS and any(
        c.lower_ == "back" and c.dep_ in ("advmod", "prt") for c in tok.children)


def _verb_cue(text: str, sent: SentInfo, tok: Any) -> Cue | None:
    lemma = tok.lemma_.lower()
    if (lemma not in SPEECH_VERBS and not puts_it(tok) and not makes_clear(tok) and not replies_back(tok)) or tok.pos_ not in ("VERB", "AUX") or tok.dep_ in ("amod", "compound", "acl"):
        return None
    off = chunk_offset(sent)
    children = [c for c in tok.children if sent.start <= c.idx + off < sent.end]  # the parse may cross sentences
    deps = {c.dep_ for c in children}
    passive = "auxpass" in deps or "nsubjpass" in deps or tok.tag_ == "VBN" and "agent" in deps  # "as reported by X"
    agent = _passive_agent(sent, children) if passive and lemma != "quote" else None
    if passive and lemma in _PASSIVE_NOT_SPEECH and agent is None:
        return None  # "is said to be", "was told"
    subj = _subject(tok)
    if subj is not None and not _usable(sent, subj):
        # the parser took a word of the quotation (or of another sentence) for the speaker: try another subject
        subj = next((c for c in tok.children if c.dep_ in _SUBJ and _usable(sent, c)), None)
    if subj is None and tok.dep_ == "ROOT":
        subj = _subject_hung_outside(sent, tok)
    if subj is None:
        return None
    subj = _name_after_joined_roles(subj)
    if passive and lemma != "quote" and lemma not in SPEECH_VERBS:
        return None
    if passive and lemma != "quote":  # ``cue_passive_agent``: "Hart was told by the coach …" → the coach, never Hart
        if agent is None:
            return None  # "Ruiz was called for offside": a patient, no speaker
        subj = agent
    if lemma in _VERDICT_VERBS and any(c.dep_ in ("ccomp", "oprd", "xcomp") and c.pos_ == "ADJ" for c in children):
        return None  # ``cue_verdict``: "The court found the company liable" is a ruling, not something said
    if tok.dep_ == "xcomp" and tok.head.lemma_.lower() not in SPEECH_VERBS | _GOES_ON:
        return None  # ``thoughts_are_narration``: "is expected to announce", "plans to tell" are not speech yet
    content = _has_content(sent, tok, children, lemma)
    if lemma in REPLY_BACK_VERBS and not content:
        return None  # ``cue_reply_back``: "Troops fired back at the “rebels”" is shooting, not a cue without content
    if tok.dep_ == "relcl" and not sent.quotes:
        return None  # "a birther who has repeatedly claimed …": the sentence is about something else
    if tok.dep_ == "xcomp" and tok.head.lemma_ in ("decline", "refuse"):
        return None  # ``cue_negated``: "It declined to comment further."
    if "neg" in deps and lemma in ("respond", "comment", "answer", "return", "reply", "say", "confirm"):
        return None  # ``cue_negated``: "did not answer my calls", "did not say whether"
    rank = 0 if tok.dep_ == "ROOT" else (1 if tok.dep_ in ("conj", "ccomp", "advcl", "xcomp", "parataxis") else 2)
    return Cue(tok.idx + chunk_offset(sent), lemma, _mention(text, sent, subj), content, rank=rank, echo=_echo(tok),
               verb_pos=tok.idx + chunk_offset(sent))


def _name_after_joined_roles(subj: Any) -> Any:
    """``subject_joined_roles``: in "Councillor and parent Jan Kowalski told the paper …" the two roles are one
    person's, the name's: the parser makes the first role the subject and the name its conjunct. Only a bare role
    (no "the": "The mayor and Jan Kowalski" are two people) whose conjunct is a name after a lower-case role."""
    if not (subj.lower_ in ROLES_AND_TITLES or animate_noun(subj.lower_)) or subj.tag_ in ("NNS", "NNPS") or \
            any(c.dep_ in ("det", "poss") for c in subj.children):
        return subj  # ("Longtime resident and former teacher Mary O'Neil said" counts: a resident is someone)
    conj = next((c for c in subj.children if c.dep_ == "conj"), None)
    cc = next((c for c in subj.children if c.dep_ == "cc"), None)
    if conj is None or cc is None:
        return subj
    run = []  # the name in the conjunct, wherever the parser hangs it ("advocate" tagged as a verb, the name its object)
    for t in conj.subtree:
        if t.pos_ == "PROPN" and t.ent_type_ == "PERSON" and (not run or t.i == run[-1].i + 1):
            run.append(t)
        elif run:
            break
    between = subj.doc[cc.i + 1 : run[0].i] if run else []  # the second role, whatever the tagger calls it
    if not between or not all(t.is_lower and t.is_alpha and t.dep_ != "det" for t in between):
        return subj
    return run[-1]


def _passive_agent_of(children: list[Any]) -> Any | None:
    agent = next((c for c in children if c.dep_ == "agent"), None)
    return next((c for c in agent.children if c.dep_ == "pobj"), None) if agent is not None else None


def _passive_agent(sent: SentInfo, children: list[Any]) -> Any | None:
    """The agent of a passive speech verb ("was told by Coach Roy" → Roy), if it lies in the sentence."""
    obj = _passive_agent_of(children)
    return obj if obj is not None and _usable(sent, obj) else None


def _subject_hung_outside(sent: SentInfo, verb: Any) -> Any | None:
    """``subject_across_sentences``: where the parser ran two of our sentences together, "Motoring body QMotor said
    prices would ease." may come out with "QMotor" hung on a word of the sentence before and "said" with no
    subject: the noun right before the verb whose head lies outside this sentence is its subject."""
    off = chunk_offset(sent)
    before = verb.doc[verb.i - 1] if verb.i > 0 else None
    if before is None or before.pos_ not in ("PROPN", "NOUN", "PRON") or not _usable(sent, before):
        return None
    head = before.head
    return before if not sent.start <= head.idx + off < sent.end else None


def _usable(sent: SentInfo, tok: Any) -> bool:
    """A subject must lie in this sentence (the parser's sentences may differ from ours) and outside quotations."""
    pos = tok.idx + chunk_offset(sent)
    return sent.start <= pos < sent.end and not in_quote(sent, pos)


def _echo(tok: Any) -> str:
    """The he/she subject of the reported clause, evidence of the speaker's gender."""
    for c in tok.children:
        if c.dep_ == "ccomp":
            subj = next((x for x in c.children if x.dep_ in ("nsubj", "nsubjpass")), None)
            if subj is not None and subj.lower_ in ("he", "she"):
                return subj.lower_
    return ""


def _role_then_name(subjects: list[Any]) -> Any | None:
    """``subject_role_then_name``: in '“…,” quipped coach Bill Tarr.' the parser may give the verb two subjects,
    the role and the name after it: the name is the subject. Only a lower-case role word right before a name."""
    for role, name in zip(subjects, subjects[1:]):
        if role.lower_ in ROLES_AND_TITLES and role.is_lower and name.pos_ == "PROPN" and name.left_edge.i == role.i + 1:
            return name
    return None


def _subject_after_comma(subjects: list[Any], verb: Any) -> Any | None:
    """``subject_next_to_verb``: in "People like Okafor, he said." the parser may give "said" two subjects, the
    content's noun and the pronoun after the comma: the one right after a comma (or an "as") and right before the
    verb speaks."""
    first, last = subjects[0], subjects[-1]
    if last.i > verb.i or last.left_edge.i == 0 or verb.i - last.right_edge.i > 2:
        return None
    before = last.doc[last.left_edge.i - 1]
    if before.lower_ == "as":
        return last  # "Hawaii, as one of the president's advisers pointed out, rarely gets …"
    if first.pos_ == "PROPN" or first.ent_type_ == "PERSON":
        return None  # "Ban Ki-moon, the secretary general, vowed …" is one speaker, the name
    return last if before.text in ",—–" and last.pos_ in ("PRON", "PROPN") else None


def _as_phrase_before(subj: Any, verb: Any) -> Any | None:
    """``subject_next_to_verb``: in "Kelso, as one of the coach's assistants pointed out, rarely plays on grass." the
    parser may hang "as one of …" on "Kelso" and make it the subject of "pointed out": the phrase after ", as" that
    ends right before the verb speaks."""
    prep = next((c for c in subj.children if c.dep_ == "prep" and c.lower_ == "as" and c.i > subj.i), None)
    obj = next((c for c in prep.children if c.dep_ == "pobj"), None) if prep is not None else None
    if obj is None or obj.right_edge.i + 1 != verb.i or prep.doc[prep.i - 1].text not in ",—–(":
        return None
    return obj


def _subject(tok: Any) -> Any | None:
    """The subject of a speech verb, borrowed from the governing verb for "and criticized", "saying"."""
    for _ in range(3):
        subjects = [c for c in tok.children if c.dep_ in _SUBJ]
        if len(subjects) > 1:
            return _role_then_name(subjects) or _subject_after_comma(subjects, tok) or subjects[0]
        if subjects:
            return _as_phrase_before(subjects[0], tok) or subjects[0]
        if tok.dep_ in ("conj", "xcomp", "advcl", "pcomp") and tok.head.i != tok.i:
            tok = tok.head
            continue
        if tok.dep_ == "pobj" or tok.dep_ == "prep":
            tok = tok.head
            continue
        return None
    return None


_NOT_CONTENT_MARKS = frozenset(
    "when if after before because while as since until although though unless once whenever whether".split()
)


def _is_clause(tok: Any) -> bool:
    """A verb with its own subject that is not a time or condition clause: "said (after X) he would…"."""
    if tok.pos_ not in ("VERB", "AUX") or tok.dep_ not in ("advcl", "dobj", "xcomp", "ccomp", "oprd", "acomp"):
        return False
    kids = list(tok.children)
    if not any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in kids):
        return False
    return not any(c.dep_ == "mark" and c.lower_ in _NOT_CONTENT_MARKS for c in kids)


def _denied_a_player(lemma: str, children: list[Any]) -> bool:
    """``cue_deny_sense``: "Goalie Anton Berg denied Kowalski on a breakaway" is a save, not a denial: "deny" whose
    only object is a name (no clause, no second object: "denied him bail" and "denied the report" are not this)."""
    objects = [c for c in children if c.dep_ in ("dobj", "dative")]
    return lemma == "deny" and len(objects) == 1 and objects[0].pos_ == "PROPN"


def _has_content(sent: SentInfo, tok: Any, children: list[Any], lemma: str) -> bool:
    """``cue_needs_content``: a clause, a quotation, a colon, "accused X of", or "…, X said"."""
    if lemma == "make":
        return _can_speak(_subject(tok))  # ``cue_make_clear``: the clause is its content, if a speaker made it
    if lemma in REPLY_BACK_VERBS:  # ``cue_reply_back``: a quotation before it (it tags it) or a real one, or what
        # was said; not "when the gunman opened fire", nor the scare quotes of 'fired back at the "rebels"'
        off = chunk_offset(sent)
        quoted_words = sum(1 for t in sent.tokens if t.is_alpha and any(q.start <= t.idx + off < q.end for q in sent.quotes))
        return any(q.end <= tok.idx + off for q in sent.quotes) or quoted_words >= 4 or any(
            c.dep_ == "ccomp" or c.dep_ in ("advcl", "xcomp") and c.lower_ in _SAYING for c in children)
    if any(c.dep_ in _CONTENT_DEPS or _is_clause(c) for c in children):
        return True
    if tok.dep_ in ("ccomp", "parataxis"):
        return True  # "Rent caps, Ms. Park said, are …"
    if _as_said(tok, children, lemma):
        return True
    if lemma == "put":
        return True  # ``cue_put_it``: the frame is said of the clause it stands in ("As the mayor put it, …")
    speaker = _can_speak(_subject(tok))
    if speaker and lemma in SPEECH_ACTS and any(c.dep_ in ("dobj", "xcomp") for c in children) and \
            not _denied_a_player(lemma, children):
        return True  # ``cue_speech_act``: "Ruiz cited her own endorsements", "vowed not to repeat it"
    objects = any(c.dep_ == "dobj" for c in children)
    if lemma in PERSON_OBJECT_VERBS:
        return speaker and _someone_for_something(children, PERSON_OBJECT_VERBS[lemma])
    if speaker and lemma in COMPARISON_VERBS and objects and any(c.dep_ == "prep" and c.lower_ == "to" for c in children):
        return True  # ``cue_comparison``: "Premier Joan Ladd likened the deficit to a leaking roof"
    if speaker and lemma in INSTRUCTION_VERBS and objects and any(
            c.dep_ == "xcomp" and any(x.dep_ == "aux" and x.lower_ == "to" for x in c.children) for c in children):
        return True  # ``cue_instruction``: "Ms. Obi told her staff to draft a new bill"
    if speaker and lemma == "call" and any(c.dep_ in ("oprd", "xcomp", "ccomp") for c in children) and \
            any(c.dep_ == "dobj" for c in children):
        return True  # "The campaign called the claims baseless"
    if lemma in ("speak", "talk") and any(c.dep_ == "prep" and c.lower_ in ("of", "about") for c in children):
        return True  # "Lund spoke of the harbour’s history"
    if lemma == "call" and not objects and any(c.dep_ == "prep" and c.lower_ in ("for", "on") for c in children):
        return True  # "called for a recount", "called on Republicans to …" (not "called in to a town hall", nor
        # ``cue_call_object``: "The referee called a penalty on Doughty for tripping", a call with an object)
    if lemma in ("point", "cite") and any(c.dep_ == "prep" and c.lower_ == "to" and speaker or c.dep_ == "prt" and
                                          c.lower_ == "out" for c in children):
        return True  # "pointed out that …", "pointed to the vote as …"
    if sent.quotes and sent.quoted >= 4:
        return True
    if any(c.dep_ == "punct" and c.text == ":" for c in children):
        return True
    if any(c.dep_ == "dobj" and any(x.dep_ in ("acl", "relcl", "ccomp") and any(
            m.dep_ == "mark" and m.lower_ == "that" for m in x.children) for x in c.children) for c in children):
        return True  # ``cue_object_clause``: "told trustees that both schools were …" (the clause hung on the object)
    if _clause_on_medium(children):  # "said in a statement that …", ``cue_clause_after_medium``: "said in an email that …"
        return True
    if lemma in _ACCUSE and any(c.dep_ == "prep" and c.lower_ in ("of", "for", "over") for c in children):
        return True
    if lemma == "quote" and any(c.lower_ in ("as", "saying") or c.dep_ in ("advcl", "prep") for c in children):
        return True
    if any(c.dep_ in ("advcl", "xcomp") and c.lower_ in _SAYING for c in children):
        return True
    if tok.dep_ == "ROOT":
        return _content_before(sent, tok)
    return False


def _as_said(tok: Any, children: list[Any], lemma: str) -> bool:
    """``cue_as_said``: "…, as police have said." and "as Comey noted, people involved could still …" frame the
    clause they stand in: an "as" clause of a verb of saying (lexicon ``AS_SAID_VERBS``) with a subject who can
    speak and nothing said of its own ("just as the page says nothing about …", "as she told the story" are not;
    "as she spoke" is a time, "even as he says …" a concession)."""
    if tok.dep_ != "advcl" or lemma not in AS_SAID_VERBS or not any(c.dep_ == "mark" and c.lower_ == "as" for c in children):
        return False
    if any(c.dep_ == "advmod" and c.lower_ == "even" for c in children):
        return False  # "even as he says his record qualifies him, …": a concession, what he says is elsewhere
    told = [c for c in children if c.dep_ in ("dobj", "dative")]
    if lemma == "tell":  # "as he told reporters on Monday, …" is said to them; "as he told the story" is not
        if len(told) != 1 or not (told[0].pos_ in ("PRON", "PROPN") or _can_speak(told[0]) and told[0].pos_ == "NOUN"
                                  and told[0].tag_ == "NNS" or told[0].lower_ in ROLE_NOUNS):
            return False
    elif told:
        return False
    if any(c.dep_ in ("ccomp", "xcomp", "attr") for c in children) or lemma == "point" and not any(
            c.dep_ == "prt" and c.lower_ == "out" for c in children):
        return False
    subj = next((c for c in children if c.dep_ in _SUBJ), None) or _passive_agent_of(children)
    return subj is not None and _can_speak(subj) and subj.lower_ not in ("it", "this", "that")


def _someone_for_something(children: list[Any], preps: frozenset[str]) -> bool:
    """``cue_person_object``: the object is a person or a body ("grilled Wells Fargo CEO John Stumpf", "pressed the
    minister"), and, where ``preps`` names any, a phrase says for what ("on the delays", "as a reformer")."""
    obj = next((c for c in children if c.dep_ == "dobj"), None)
    if obj is None or obj.ent_type_ not in ("PERSON", "ORG", "NORP", "GPE") and obj.pos_ != "PRON" and not (
            obj.lower_ in ROLE_NOUNS or obj.tag_ == "NNS" and _PEOPLE_SUFFIX.search(obj.lemma_.lower())):
        return False
    if obj.pos_ == "PRON" and obj.lower_ in ("it", "this", "that"):
        return False
    return not preps or any(c.dep_ == "prep" and c.lower_ in preps for c in children)


def _can_speak(subj: Any | None) -> bool:
    """``cue_needs_speaker``: without a clause, only a person, a named body, a pronoun or a role makes an act of
    speech of "pointed to", "cited", "denied …" ("Studies pointed to …", "Bond yields pointed to …" are narration)."""
    if subj is None:
        return True
    if subj.pos_ in ("PROPN", "PRON") or subj.ent_type_ in ("PERSON", "ORG", "NORP", "GPE"):
        return True
    if any(c.dep_ == "appos" and c.pos_ == "PROPN" for c in subj.children):
        return True  # "The party's whip, Daniel Osei, called …"
    if _body_behind(subj) is not None:
        return True  # "A leaflet by the Tenants Union mentions …"
    low, lemma = subj.lower_, subj.lemma_.lower()
    if subj.tag_ == "NNS" and _PEOPLE_SUFFIX.search(lemma):
        return True  # "voters", "critics", "residents", "analysts", "officials"
    return bool({low, lemma} & (ROLE_NOUNS | TITLES | BODY_NOUNS | OFFICE_NOUNS | KIN_NOUNS))


_PEOPLE_SUFFIX = re.compile(r"(?:er|or|ist|ian|ant|ent|ic|al)$")


def _content_before(sent: SentInfo, tok: Any) -> bool:
    """"Content here, the minister said." (not "Jeremy Corbyn, the Labour leader, disagreed.")"""
    subj = _subject(tok)
    if subj is None or any(t.i < tok.i - 12 for t in subj.subtree):
        return False
    first_subj = min(t.i for t in subj.subtree)
    doc, lo = tok.doc, sent.tokens[0].i if sent.tokens else first_subj
    last = next((doc[j] for j in range(first_subj - 1, lo - 1, -1) if not doc[j].is_quote), None)
    if last is None or last.text not in ",—–-:":
        return False
    if _according_before(tok, last):
        return False
    words = 0
    for j in range(first_subj - 1, lo - 1, -1):  # three words are enough: bounded, whatever the sentence length
        words += int(doc[j].is_alpha and not doc[j].is_quote)
        if words >= 3:
            return True
    return False


def _according_before(verb: Any, comma: Any) -> bool:
    """``content_before_not_source``: what stands before the comma is an "according to X" phrase of the verb, not
    something said: in "According to the Coalition for Safer Streets, the city should add more." the coalition is
    the source and "add" is no cue (other adjuncts before a comma are left as they were: "In her book, Clinton
    noted …" is a speech act PolNeAR counts)."""
    if comma.i == 0:
        return False
    tok = comma.doc[comma.i - 1]
    while tok.head.i != verb.i and tok.head.i != tok.i and tok.i < verb.i:
        tok = tok.head
    return tok.head.i == verb.i and tok.i < verb.i and tok.lower_ == "according"


def _mention(text: str, sent: SentInfo, head: Any) -> Mention:
    """The speaker phrase around ``head`` (a subject or the object of "according to")."""
    off = chunk_offset(sent)
    low = head.lower_
    if low in ("who", "which", "that") and head.head.dep_ == "relcl":
        head = head.head.head
        low = head.lower_
    appos = next((c for c in head.children if c.dep_ == "appos" and c.pos_ == "PROPN"), None)
    if appos is not None and (head.pos_ != "PROPN" or head.ent_type_ != "PERSON" and appos.ent_type_ == "PERSON"
                              and (low in ROLE_NOUNS or low in TITLES)):  # "The Prime Minister, Theresa May,"
        head = appos
        low = head.lower_
    behind = _body_behind(head)
    if behind is not None:  # ``speaker_document`` / ``speaker_office``: the issuer or holder speaks
        return _mention(text, sent, behind)
    pos = head.idx + off
    if head.text.islower() and head.lemma_.lower() in SPOKEN_MEDIUM_NOUNS:
        return Mention(head.text, "none", pos)  # ``document_author_clause``: "a speech on Monday" by no one named
    if low in DATE_WORDS and head.ent_type_ in ("DATE", "TIME"):  # (Theresa May is no date)
        return Mention(head.text, "none", pos)  # ``speaker_not_a_date``: "according to a speech on Monday"
    if low == "one" and any(c.dep_ == "prep" and c.lower_ == "of" for c in head.children):
        of = next(c for c in head.children if c.dep_ == "prep" and c.lower_ == "of")
        member = next((c for c in of.children if c.dep_ == "pobj"), None)
        if member is not None:  # "one of the mayor's advisers" is an adviser, not the reader's "one"
            return _mention(text, sent, member)
    if low in PRONOUNS_FIRST or low == "you" or low == "one" and not any(c.dep_ == "compound" for c in head.children):
        return Mention(head.text, "first_person", pos)  # the writer or the reader, not a source ("Hydro One" is)
    if low in PRONOUNS_MALE | PRONOUNS_FEMALE | PRONOUNS_PLURAL | {"it"}:
        return Mention(head.text, "pronoun", pos, (low,), plural=low in PRONOUNS_PLURAL)
    toks = _phrase(head)
    if any(t.dep_ == "poss" and t.lower_ in ("my", "our") and t.i < head.i for t in toks) and low not in KIN_NOUNS:
        return Mention(head.text, "first_person", pos)  # "My reaction:" is the writer's; "my father" is a source
    before = text[max(sent.start, toks[0].idx + off - 80) : toks[0].idx + off].rstrip()
    if before.endswith("("):
        named = re.search(r"([A-Z][\w.’'-]+(?:\s+(?:\"[^\"]+\"\s+)?[A-Z][\w.’'-]+){0,3})\s*\($", before)
        if named:  # ``speaker_parenthesis``: "Marcia Price (D-Newport News) said" → Marcia Price
            start = max(sent.start, toks[0].idx + off - 80) + named.start(1)
            return _regex_mention(named.group(1), start)
    if _is_dateline(text, sent, toks[0].idx + off, toks[-1].idx + len(toks[-1].text) + off):
        return Mention(head.text, "none", pos)
    if head.pos_ != "PROPN" and head.ent_type_ != "PERSON":
        toks = _with_of_phrase(head, toks)
    a, b = _extend_hyphens(text, toks[0].idx + off, toks[-1].idx + len(toks[-1].text) + off)
    surface = text[a:b]
    words = tuple(t.lower_.rstrip(".") for t in toks)
    plural = head.tag_ in ("NNS", "NNPS")
    mention = _classify(text, head, toks, surface, words, plural, pos, off, b)
    skip = {t.i for c in head.children if c.dep_ in ("appos", "relcl", "acl") for t in c.subtree}
    mention.tree_end = max(t.idx + len(t.text) for t in head.subtree if t.i not in skip) + off
    return mention


_ISSUE_VERBS = frozenset("release publish issue post commission conduct prepare produce share obtain circulate".split())


_AUTHOR_VERBS = _ISSUE_VERBS | frozenset("deliver give write send make sign file draft pen".split())
"""Verbs whose subject is the author of what they govern: "a speech the mayor delivered", "a letter the union sent"."""


def _issued_by(head: Any) -> Any | None:
    """``speaker_inanimate``: the agent of a participle that issued a document or image ("released by X");
    ``document_author_clause``: the subject of a relative clause that made it ("according to a speech Mayor Ana
    Ruiz delivered on Monday" → Ana Ruiz)."""
    for rel in head.rights:
        if rel.dep_ == "relcl" and rel.lemma_.lower() in _AUTHOR_VERBS:
            subj = next((c for c in rel.children if c.dep_ == "nsubj"), None)
            if subj is not None and (subj.pos_ == "PROPN" or subj.ent_type_ in ("PERSON", "ORG") or
                                     subj.lemma_.lower() in BODY_NOUNS | COMPANY_NOUNS):
                return subj
    for acl in head.rights:
        if acl.dep_ == "acl" and acl.lemma_.lower() in _ISSUE_VERBS:
            for agent in acl.children:
                if agent.dep_ == "agent" or agent.dep_ == "prep" and agent.lower_ == "by":
                    obj = next((c for c in agent.children if c.dep_ == "pobj"), None)
                    if obj is not None and (obj.pos_ == "PROPN" or obj.ent_type_ or obj.lemma_.lower() in BODY_NOUNS):
                        return obj
    return None


_WRITTEN_MEDIA = MEDIUM_NOUNS - SPOKEN_MEDIUM_NOUNS
"""Messages someone writes ("email", "post", "tweet"): the owner's message speaks for the owner, as a document does."""


def _body_behind(head: Any) -> Any | None:
    """"A statement from the ministry" → ministry; "Her office" → Her; "a spokesperson for Orrin Airways" →
    Airways; "the company's statement" → company."""
    lemma = head.lemma_.lower()
    if not head.text.islower() or lemma not in DOCUMENT_NOUNS | OFFICE_NOUNS | INANIMATE_NOUNS | MEDIUM_NOUNS:
        return None
    issuer = _issued_by(head)
    if issuer is not None:  # ``speaker_inanimate``: "a survey released by the association", "a photo posted by X"
        return issuer
    poss = next((c for c in head.children if c.dep_ == "poss" and c.lower_ not in ("my", "our")), None)
    if poss is not None and (lemma in DOCUMENT_NOUNS | _WRITTEN_MEDIA or lemma == "office" and poss.pos_ in ("PRON", "PROPN")):
        return poss  # "Her office", "the ministry's statement", "Reyes's tweet" (not "the council's education office")
    for prep in head.rights:
        if prep.dep_ == "prep" and prep.lower_ in ("from", "by", "for", "of"):
            obj = next((c for c in prep.children if c.dep_ == "pobj"), None)
            if obj is None or lemma not in DOCUMENT_NOUNS and (obj.ent_type_ == "PERSON" or looks_person(
                    " ".join(t.text for t in obj.subtree))):
                continue  # "a spokeswoman for Mayor Ana Ruiz" is not Ruiz speaking
            if obj.pos_ in ("PROPN", "PRON") or obj.ent_type_ or obj.lemma_.lower() in BODY_NOUNS:
                return obj
    return None


def _names_only_a_base(toks: list[Any]) -> bool:
    """``speaker_body_based``: the only names in the phrase are where a body is based ("The Ottawa-based company",
    "the Seattle-headquartered firm"): it describes the body, as "the company" does, and names none."""
    names = [t for t in toks if t.pos_ == "PROPN"]
    return bool(names) and all(t.i + 2 < len(t.doc) and t.doc[t.i + 1].text == "-" and t.doc[t.i + 2].is_lower
                               for t in names)


def _name_token(tok: Any) -> bool:
    """``speaker_lower_case_noun``: a proper noun, unless a plain lower-case word the tagger took for a surname:
    "the affable baker said" (not "according to ouest-france.fr")."""
    return tok.pos_ == "PROPN" and not (tok.is_lower and tok.is_alpha)


def _classify(text: str, head: Any, toks: list[Any], surface: str, words: tuple[str, ...], plural: bool,
              pos: int, off: int, end: int) -> Mention:
    """``speaker_*``: person, group of people, description of a person, organisation or generic source."""
    low = head.lower_
    if head.ent_type_ == "PERSON" or (head.pos_ == "PROPN" and looks_person(surface)):
        others = [c for c in head.children if c.dep_ == "conj" and c.pos_ == "PROPN"]
        if others:  # ``speaker_coordinated``: "Ms. Park and Mr. Lund say" → both
            joined = [surface] + [text[o.idx + off - _left_len(o) : o.idx + len(o.text) + off] for o in others]
            return Mention(" and ".join(joined), "persons", pos, words, plural=True, end=end)
        return Mention(surface, "person", pos, words, end=end)
    if low in ROLE_NOUNS and head.pos_ != "PROPN" or (low in ROLE_NOUNS and words[0] == "the"):
        if words and words[0] in ("the", "this", "that") and not any(t.dep_ == "poss" for t in toks):
            return Mention(surface, "description", pos, words, end=end)
    if head.text.islower() and head.lemma_.lower() in INANIMATE_NOUNS:
        return Mention(surface, "none", pos, words, end=end)  # ``speaker_inanimate``: "The figures show …"
    the = bool(words) and words[0] == "the" and head.text.islower() and not plural
    if the and head.lemma_.lower() in DOCUMENT_NOUNS:
        return Mention(surface, "document", pos, words, end=end)  # "The white paper said"
    if the and (low in BODY_NOUNS or low in COMPANY_NOUNS or low in BASED_TRADE_NOUNS) and _names_only_a_base(toks):
        return Mention(surface, "body", pos, words, end=end)  # ``speaker_body_based``: "The Ottawa-based company"
    if _name_token(head) or head.ent_type_ in ("ORG", "NORP", "GPE") or any(
            _name_token(t) and not (t.lower_ in DATE_WORDS and t.ent_type_ in ("DATE", "TIME"))
            for t in toks):  # ``speaker_not_a_date``
        return Mention(surface, "org", pos, words, plural=plural, end=end)
    if the and (low in BODY_NOUNS or low in COMPANY_NOUNS):
        return Mention(surface, "body", pos, words, end=end)  # "The company said", "the steelmaker said"
    if the:
        return Mention(surface, "description", pos, words, end=end)  # "the 58-year-old nurse", "the chef"
    if head.lemma_.lower() in DOCUMENT_NOUNS and words and words[0] in ("a", "an"):
        return Mention(surface, "document", pos, words, end=end)  # "according to a city report"
    return Mention(surface, "generic", pos, words, plural=plural, end=end)


def _extend_hyphens(text: str, a: int, b: int) -> tuple[int, int]:
    """"Holtz-Eakin", "Geun-hye": a name part joined by a hyphen belongs to the name."""
    while a >= 2 and text[a - 1] == "-" and text[a - 2].isalpha():
        a -= 1
        while a > 0 and text[a - 1].isalpha():
            a -= 1
    while b + 1 < len(text) and text[b] == "-" and text[b + 1].isalpha():
        b += 1
        while b < len(text) and text[b].isalpha():
            b += 1
    return a, b


def _is_dateline(text: str, sent: SentInfo, a: int, b: int) -> bool:
    """"WASHINGTON (AP) — …": a capitalised place at the start of a sentence is not a speaker."""
    word = text[a:b]
    return a - sent.start <= 2 and word.isupper() and len(word) > 3 and \
        re.match(r"[^\n—–]{0,30}?(?:—|–|--)", text[b : b + 40]) is not None  # "LOS ANGELES, Sept. 28 (UPI) —"


def _left_len(tok: Any) -> int:
    """Characters of the compound/title words right before a name token ("Mr. " in "Mr. Leahy")."""
    left = [t for t in tok.lefts if t.dep_ in ("compound", "flat")]
    return tok.idx - left[0].idx if left else 0


def _with_of_phrase(head: Any, toks: list[Any]) -> list[Any]:
    """"A spokeswoman for Mayor Ana Ruiz", "the Commission on Harbour Safety" (up to 6 more tokens);
    ``of_phrase_before_comma``: a relative clause after a comma is no part of it ("A spokesperson for Nordale Foods,
    which makes two of the brands, said")."""
    for t in head.rights:
        if t.dep_ == "prep" and t.lower_ in ("for", "of", "on", "at") and t.i == toks[-1].i + 1:
            whole = list(t.subtree)
            sub = list(itertools.takewhile(lambda x: x.text not in ",;", whole))
            after = whole[len(sub) + 1] if len(sub) + 1 < len(whole) else None
            if 2 <= len(sub) <= 6 and (len(sub) == len(whole) or after is not None and after.dep_ != "appos" and
                                       after.lower_ in ("which", "who", "whose", "that")):
                return toks + sub
        break
    return toks


def _phrase(head: Any) -> list[Any]:
    """The head with its left modifiers (det, compound, amod, poss) and right flat/compound name parts."""
    keep = ("det", "compound", "amod", "poss", "nmod", "nummod", "flat", "case", "prt", "npadvmod")
    left = [t for t in head.lefts if t.dep_ in keep]
    toks = []
    for t in left:
        toks.extend(x for x in t.subtree)
    toks.append(head)
    for t in head.rights:
        if t.dep_ == "nummod" and t.i == head.i + 1 and head.text in UNION_BRANCH_WORDS:
            toks.append(t)  # ``organisation_local_number``: "Amalgamated Transit Union Local 279", not "… Local"
        elif t.dep_ in ("flat", "compound") or (t.dep_ == "prep" and t.lower_ in ("of", "on", "for")
                                               and _name_goes_on(head, t) and len(list(t.subtree)) <= 6):
            cut = _parenthesis_at(t)
            toks.extend(x for x in t.subtree if x.i < cut)
    entity = entity_of(head) if head.ent_type_ == "ORG" else None
    if entity is not None and entity.end - head.i <= 7:  # ``organisation_entity_span``: "Alliance to Reclaim Our Schools"
        toks.extend(itertools.takewhile(lambda x: x.is_alpha or x.text in ("&", "-"), head.doc[head.i + 1 : entity.end]))
    toks = sorted(set(toks), key=lambda t: t.i)
    # keep a contiguous stretch ending at the head
    start = toks.index(head)
    while start > 0 and toks[start - 1].i == toks[start].i - 1:
        start -= 1
    end = toks.index(head)
    while end + 1 < len(toks) and toks[end + 1].i == toks[end].i + 1:
        end += 1
    return toks[start : end + 1]


def entity_of(tok: Any) -> Any | None:
    """The named-entity span the tagger put ``tok`` in, or None."""
    if not tok.ent_type_:
        return None
    return next((e for e in tok.doc.ents if e.start <= tok.i < e.end), None)


def _name_goes_on(head: Any, prep: Any) -> bool:
    """``organisation_name_with_preposition``: "the Coalition for Safer Streets", "the Bank of Canada": an
    organisation's name goes on through "of", "on" or "for" when the parser tagged it an organisation, or when the
    head is a capitalised name word (not a person's) and every word after the preposition is capitalised too."""
    if head.ent_type_ == "ORG" or head.text in CIVIC_NAME_HEADS and head.i > 0 and head.doc[head.i - 1].lower_ == "the":
        return True  # ``organisation_civic_of``: "The City of Ottawa"
    if head.pos_ != "PROPN" or head.ent_type_ in ("PERSON", "GPE") or not head.text[:1].isupper():
        return False
    name = head.doc[head.left_edge.i : head.i + 1]
    if looks_person(name.text) or any(t.text in NAME_PARTICLES for t in name):
        return False  # ``person_of_place``: "Grain grower Jan de Vries of Lacombe said" is de Vries, not "… of Lacombe"
    cut = _parenthesis_at(prep)
    words = [x for x in prep.subtree if prep.i < x.i < cut and x.is_alpha]
    return bool(words) and all(w.text[:1].isupper() or w.lower_ in ("of", "and", "the", "for", "on") for w in words)


def _parenthesis_at(prep: Any) -> int:
    """The index of the first "(" in a phrase (an acronym after a name is not part of it), or past its end."""
    return next((x.i for x in prep.subtree if x.text == "("), prep.doc[len(prep.doc) - 1].i + 1)


def looks_person(surface: str) -> bool:
    name, roles = clean_name(surface)
    parts = name.split()
    if not parts:
        return False
    if set(roles) & PERSON_EVIDENCE_TITLES:
        return True
    return len(parts) >= 2 and parts[0].lower() in (MALE_NAMES | FEMALE_NAMES)


# --------------------------------------------------------------------------------------------------------------
# Cues without spaCy (and extra patterns)

_VERBS_RE = "(?:" + regex_alternatives(REGEX_SPEECH_FORMS) + ")"
_NAME_RE = r"(?:[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*){0,3})"
_SUBJ_RE = (rf"(?:{_NAME_RE}|[Hh]e|[Ss]he|[Tt]hey|[Tt]he \d{{1,3}}-year-old(?: [a-z]+)?|[Tt]he [a-z]+(?: [a-z]+)?|"
            rf"[Oo]fficials|[Ss]ources|[Aa] source)")
_CUE_BEFORE = re.compile(
    rf"(?<![\w’'])(?P<subj>{_SUBJ_RE})(?:\s*\([^()]{{1,30}}\))?\s+(?:\w+ly\s+)?(?:has\s+|had\s+)?(?P<verb>{_VERBS_RE})\b"
)
_CUE_AFTER = re.compile(rf"(?:^|[,:;]|(?<!\s)\s\s)\s*(?P<verb>(?i:{regex_alternatives(INVERTED_CUE_FORMS)}))\s+(?P<subj>{_NAME_RE})")
_CUE_AFTER_ROLE = re.compile(  # ``cue_inverted_role``: "”, joked organiser Bea Lin"
    rf"[”\"’],?\s*(?P<verb>(?i:{regex_alternatives(INVERTED_ROLE_CUE_FORMS)}))\s+(?:[a-z][\w-]+\s+){{1,2}}"
    rf"(?P<subj>[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*){{1,3}})"
)
_CUE_APPOS = re.compile(
    rf"(?P<subj>{_NAME_RE}),\s+(?:an?|the|one)\s[^,“”\"]{{1,100}},\s+(?:\w+ly\s+)?(?P<verb>{_VERBS_RE})\b"
)
_NOT_SUBJECTS = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday january february march april may june july august
    september october november december on in at last this the a an but and when yesterday today""".split()
)
_ACCORDING = re.compile(rf"\b[Aa]ccording to (?P<subj>(?:the )?{_NAME_RE}|[a-z]+ [a-z]+)")
_DASH_CREDIT = re.compile(rf"[”\"’]\s*[-–—―]+\s*(?P<subj>{_NAME_RE})\s*\.?$")


def _pattern_content(frame: str, m: re.Match[str], sent: SentInfo) -> bool:
    """``cue_needs_content`` without a parse: a quotation, a colon/comma or "that/he/she…" after, "…, X said"."""
    after = frame[m.end() :].lstrip()
    return sent.quoted >= 4 or after[:1] in (":", ",") or \
        after.lower().startswith(("that", "he ", "she ", "they ", "it ")) or (m.start() > 10 and "," in frame[: m.start()])


def pattern_cues(text: str, sent: SentInfo) -> list[Cue]:
    """Cues found by patterns when there is no parse: "X said", "said X", "according to X"."""
    frame = frame_of(text, sent)
    cues: list[Cue] = []
    for pattern, content in ((_ACCORDING, True), (_CUE_BEFORE, None), (_CUE_AFTER, None), (_CUE_APPOS, None)):
        for m in pattern.finditer(frame):
            subj = m.group("subj").strip()
            pos = sent.start + m.start("subj")
            if subj.split()[0].lower() in _NOT_SUBJECTS and (len(subj.split()) == 1 or pattern is _CUE_AFTER):
                continue
            has = content if content is not None else _pattern_content(frame, m, sent)
            verb_pos = sent.start + m.start("verb") if "verb" in m.groupdict() else -1
            cues.append(Cue(pos, m.groupdict().get("verb", "according to") or "said", _regex_mention(subj, pos),
                            bool(has), rank=1, verb_pos=verb_pos, appositive=pattern is _CUE_APPOS))
    cues.extend(_inverted_role_cues(text, sent))
    cues.sort(key=lambda c: (not c.content, c.pos))
    return cues


def _inverted_role_cues(text: str, sent: SentInfo) -> list[Cue]:
    """``cue_inverted_role``: "“Bring your own chair,” joked organiser Bea Lin." (the parse often misses it)."""
    if not sent.quotes:
        return []
    cues = []
    for m in _CUE_AFTER_ROLE.finditer(text, sent.start, sent.end):
        if in_quote(sent, m.start("verb")) or in_quote(sent, m.start("subj")):
            continue
        pos = m.start("subj")
        cues.append(Cue(pos, m.group("verb").lower(), _regex_mention(m.group("subj"), pos), True, rank=1,
                        verb_pos=m.start("verb")))
    return cues


def _mention_end(m: Mention) -> int:
    return m.end if m.end >= 0 else m.pos + len(m.text)


def _overlaps(a: Mention, b: Mention) -> bool:
    a_end, b_end = _mention_end(a), _mention_end(b)
    return a_end - len(a.text) < b_end and b_end - len(b.text) < a_end


def _within_subject(inner: Mention, subject: Mention) -> bool:
    """Is ``inner`` part of the whole subject phrase ("Debates" in "Commission on Presidential Debates")?"""
    start = _mention_end(subject) - len(subject.text)
    return start <= inner.pos < max(subject.tree_end, _mention_end(subject))


def cross_check(parsed: list[Cue], patterns: list[Cue]) -> list[Cue]:
    """``cue_cross_check``: the parse found no cue, or gave the verb a far-off subject where a name stands right
    before it ("To see why, Harbour Master Ida Roe said, one should …"): trust the adjacent-name pattern."""
    named: dict[int, list[Cue]] = {}
    for c in patterns:
        if c.mention.kind == "person" and 0 <= c.mention.pos < c.verb_pos \
                and (c.verb_pos - _mention_end(c.mention) <= 12 or c.appositive):
            named.setdefault(c.verb_pos, []).append(c)
    if not parsed:
        return [c for c in patterns if c.content]
    out = []
    for cue in parsed:
        better = next((c for c in named.get(cue.verb_pos, ()) if c.mention.text != cue.mention.text
                       and not _overlaps(c.mention, cue.mention) and not _within_subject(c.mention, cue.mention)
                       and (cue.mention.kind in ("org", "generic") or cue.mention.pos > cue.verb_pos + 8 or
                            0 <= cue.verb_pos - _mention_end(cue.mention) > 12)), None)
        if better is not None:
            cue = Cue(cue.pos, cue.verb, better.mention, cue.content, cue.rank, cue.echo, cue.verb_pos)
        out.append(cue)
    return out


def dash_credit(text: str, sent: SentInfo) -> list[Cue]:
    """``cue_dash_credit``: "“…” -Commissioner X"."""
    m = _DASH_CREDIT.search(text, sent.start, sent.end)
    if m is None or not sent.quotes:
        return []
    return [Cue(m.start("subj"), "said", _regex_mention(m.group("subj"), m.start("subj")), True, rank=0)]


def _regex_mention(subj: str, pos: int) -> Mention:
    if subj.endswith(".") and not re.search(r"\b[A-Z][a-z]?\.$", subj):
        subj = subj.rstrip(".")  # "― Lina Torres." (but keep "Jr." and initials)
    low = subj.lower()
    if low in PRONOUNS_FIRST:
        return Mention(subj, "first_person", pos)
    if low in PRONOUNS_MALE | PRONOUNS_FEMALE | PRONOUNS_PLURAL:
        return Mention(subj, "pronoun", pos, (low,), plural=low in PRONOUNS_PLURAL)
    words = tuple(w.lower().rstrip(".") for w in subj.split())
    if words and words[0] == "the" and (words[-1] in ROLE_NOUNS or re.search(r"\d-year-old", low)):
        return Mention(subj, "description", pos, words)  # "the senator", "the 26-year-old"
    if subj[:1].isupper() and (looks_person(subj) or len(words) <= 3 and words[0] != "the"):
        return Mention(subj, "person", pos, words)
    return Mention(subj, "generic", pos, words, plural=low.endswith("s"))


def frame_of(text: str, sent: SentInfo) -> str:
    """The sentence with its quotations blanked out (same length, so offsets stay valid)."""
    chars = list(text[sent.start : sent.end])
    for q in sent.quotes:
        for i in range(max(q.start, sent.start), min(q.end, sent.end)):
            chars[i - sent.start] = " "
    return "".join(chars)
