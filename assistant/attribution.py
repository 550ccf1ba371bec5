"""Speaker attribution: who said each sentence, and how ("direct", "indirect" or "narration").

A sieve of small named rules, in the spirit of textacy's quotation rules and the Gender Gap Tracker's quote
extractor. Each rule is tested on the sentence that motivated it (tests/test_attribution.py).

Finding speech in a sentence (``_cues``, spaCy dependency parse; ``_regex_cues`` when spaCy is missing):
- ``cue_verb``: a speech verb (said, told, added, argued, stated, alleged, claimed, warned, denied, …) outside the
  quotation, with its subject as the speaker: "X said: “…”", "“…”, X said", "“…” said X", "“…,” X said, “…”".
- ``cue_needs_content``: a cue counts only with content: a clause ("said he had", "said that"), a quotation in the
  sentence, a colon, "accused X of …", or content before it ("…, X said"). "added a goal", "the index added 0.4
  per cent", "reported receiving" and "is said to be" stay narration.
- ``cue_according_to``: "according to X" → X.
- ``cue_passive_quoted``: "X was quoted as saying …" → X.
- ``cue_conjoined``: "X said … and criticized …"/"X issued a statement saying …": the verb borrows the subject.
- ``cue_dash_credit``: "“…” -Commissioner X" → X.
- ``cue_inside_marks``: misplaced marks around the cue itself (`… to blame, “Putin said through a translator”.`):
  the cue counts and the rest of the sentence is the quotation.
Who the subject is (``_speaker_of``):
- ``speaker_name``: a person's name folds into one canonical name per text (see speech/names.py).
- ``speaker_pronoun``: he/she/they → the most salient compatible antecedent: gender (Mr/Ms, first names, earlier
  pronoun agreement), number, recency, subject and speaker roles; names inside quotations never count.
- ``speaker_description``: "the Russian leader", "the senator" → the person whose role words match, else the most
  salient compatible speaker.
- ``speaker_org``: organisations and groups as written, without a leading "The" ("The New York Post" → "New York
  Post", later "The Post" folds into it); generic sources ("officials", "a source") as written.
- ``speaker_first_person``: the writer's own "I"/"we" outside quotations is narration.
Which sentences are speech (``_assign``):
- ``direct_cued``: a quotation with a cue in its sentence.
- ``direct_group``: a quotation that spans several sentences, or continues into a paragraph that opens with a
  mark after an unclosed one, takes the cue found anywhere in it.
- ``direct_cue_after``: a quotation followed in its paragraph by the sentence holding "she said" (also a bare
  "Putin said." after a sentence that ends in a quotation: that sentence's quoted words are Putin's, and so is the
  bare cue sentence, both "direct").
- ``direct_floating``: a quotation with no cue continues the previous speaker of this or the previous paragraph.
- ``indirect_cued``: reported speech without marks ("X said he…", "according to X", "X told NBC that…").
- ``narration_filters``: headlines, bylines and author bio lines are narration; short scare quotes (“fake news”)
  in a sentence without a cue are not quotations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .schema import Sentence
from .segment import paragraph_spans, split_sentences
from .documents import parse_header
from .speech.lexicon import (
    FEMALE_ROLES,
    GENERIC_SOURCES,
    MALE_ROLES,
    PRONOUNS_FEMALE,
    PRONOUNS_FIRST,
    PRONOUNS_MALE,
    PRONOUNS_PLURAL,
    ROLE_NOUNS,
    ROLE_SYNONYMS,
    SPEECH_ACTS,
    SPEECH_VERBS,
    TITLES,
    FEMALE_NAMES,
    MALE_NAMES,
)
from .speech.names import People, Person, clean_name
from .speech.nlp import parse_chunks
from .speech.quotes import QuoteSpan, quote_spans, quoted_chars, spans_in


@dataclass
class AttributedText:
    """Every sentence of a text with its speaker, and the surface forms folded into each canonical speaker."""

    sentences: list[Sentence]
    aliases: dict[str, list[str]] = field(default_factory=dict)


def attribute(text: str) -> list[Sentence]:
    """The sentences of ``text`` in order, each with ``speaker`` and ``attribution``."""
    return attribute_text(text).sentences


# --------------------------------------------------------------------------------------------------------------
# Internal structures


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
class _Sent:
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


@dataclass
class _Entry:
    """A mention on the timeline used for pronoun and description resolution."""

    sent: int
    pos: int
    key: str
    kind: str  # person | group
    weight: float
    plural: bool = False


@dataclass
class _State:
    text: str
    people: People
    timeline: list[_Entry] = field(default_factory=list)
    orgs: dict[str, list[str]] = field(default_factory=dict)
    speakers: list[tuple[int, str]] = field(default_factory=list)  # (sentence, canonical) in order
    forms: dict[str, list[str]] = field(default_factory=dict)


# --------------------------------------------------------------------------------------------------------------
# Entry point


def attribute_text(text: str) -> AttributedText:
    """Attribute every sentence of ``text``; never raises on a string."""
    if not isinstance(text, str) or not text.strip():
        return AttributedText([], {})
    spans = split_sentences(text)
    if not spans:
        return AttributedText([], {})
    paragraphs = paragraph_spans(text, parse_header(text).body_start)
    quotes = quote_spans(text, paragraphs, [s for s, _, _ in spans])
    chunks = parse_chunks(text, paragraphs)
    sents = [_make_sent(i, s, e, p, text, quotes, chunks) for i, (s, e, p) in enumerate(spans)]
    state = _State(text=text, people=_register_people(text, sents))
    for sent in sents:
        _mark_inside_cues(text, sent)
        sent.cues = _cross_check(_cues(text, sent), _regex_cues(text, sent)) if sent.tokens \
            else _regex_cues(text, sent)
        sent.cues += _dash_credit(text, sent)
    _assign(sents, state)
    sentences = [
        Sentence(s.start, s.end, text[s.start : s.end], s.paragraph, s.speaker, s.attribution)  # type: ignore[arg-type]
        for s in sents
    ]
    used = {s.speaker for s in sentences if s.speaker}
    aliases = {k: v for k, v in state.forms.items() if k in used}
    return AttributedText(sentences, aliases)


def _make_sent(i: int, s: int, e: int, p: int, text: str, quotes: list[QuoteSpan], chunks: list) -> _Sent:
    mine = spans_in(quotes, s, e)
    return _Sent(i, s, e, p, mine, quoted_chars(mine, s, e), _tokens(chunks, s, e))


def _tokens(chunks: list[tuple[int, Any]], start: int, end: int) -> list[Any]:
    for offset, doc in chunks:
        if offset <= start and end <= offset + len(doc.text):
            span = doc.char_span(start - offset, end - offset, alignment_mode="expand")
            return list(span) if span is not None else []
    return []


def _off(sent: _Sent) -> int:
    """Character offset of the spaCy chunk the sentence's tokens come from."""
    if not sent.tokens:
        return 0
    tok = sent.tokens[0]
    return sent.start - tok.idx if tok.idx <= sent.start else 0


def _in_quote(sent: _Sent, pos: int) -> bool:
    return any(q.start <= pos < q.end for q in sent.quotes)


# --------------------------------------------------------------------------------------------------------------
# People: names, gender, roles (first pass over the whole text so a later full name gives the canonical form)

_ROLE_PARTICIPLES = frozenset("fired ousted embattled retired acting outgoing incoming disgraced jailed".split())
_PERSON_EVIDENCE_TITLES = frozenset("mr mrs ms miss dr sen rep gov president senator governor".split())


def _name_runs(sent: _Sent) -> list[tuple[list[Any], list[str]]]:
    """Runs of proper-noun tokens with the role words right before them."""
    runs: list[tuple[list[Any], list[str]]] = []
    current: list[Any] = []
    for tok in sent.tokens + [None]:
        if tok is not None and (tok.pos_ == "PROPN" or tok.ent_type_ == "PERSON") and tok.text[:1].isupper():
            current.append(tok)
            continue
        if tok is not None and current and _hyphen_joined(current[-1], tok):
            current.append(tok)  # "Park Geun-hye", "Crouse-Mays"
            continue
        if current:
            before = []
            i = current[0].i - 1
            doc = current[0].doc
            while i >= 0 and len(before) < 3 and (doc[i].pos_ in ("ADJ", "NOUN", "PROPN") or
                                                  doc[i].lower_ in _ROLE_PARTICIPLES) \
                    and doc[i].idx >= sent.start - _off(sent):
                before.insert(0, doc[i].text.lower())
                i -= 1
            runs.append((current, before))
            current = []
    return runs


def _hyphen_joined(prev: Any, tok: Any) -> bool:
    if tok.text == "-" and not prev.whitespace_:
        return not tok.whitespace_
    return prev.text == "-" and not prev.whitespace_ and tok.text[:1].isalpha()


def _is_person_run(run: list[Any], name: str, roles: list[str], people: People | None) -> bool:
    if any(t.ent_type_ == "PERSON" for t in run):
        return True
    parts = name.split()
    if not parts:
        return False
    if len(parts) >= 2 and parts[0].lower() in (MALE_NAMES | FEMALE_NAMES):
        return True
    if set(roles) & _PERSON_EVIDENCE_TITLES:
        return True
    return people is not None and len(parts) == 1 and people.lookup(parts[0]) is not None \
        and not any(t.ent_type_ in ("GPE", "NORP") for t in run)


def _register_people(text: str, sents: list[_Sent]) -> People:
    """All people of the text: full names first (so "Putin" before "Vladimir Putin" still folds), then the rest."""
    people = People()
    bare: list[tuple[str, str, list[str], bool]] = []
    for sent in sents:
        for run, before in _name_runs(sent):
            surface = text[run[0].idx + _off(sent) : run[-1].idx + len(run[-1].text) + _off(sent)]
            name, roles = clean_name(surface)
            roles = before + roles
            if not name:
                continue
            is_person = _is_person_run(run, name, roles, None)
            if len(name.split()) >= 2 and is_person:
                people.add_full(surface, name, roles)
            elif len(name.split()) == 1:
                bare.append((surface, name, roles, any(t.ent_type_ == "PERSON" for t in run)))
    for surface, name, roles, person_ent in bare:
        if person_ent or set(roles) & _PERSON_EVIDENCE_TITLES or people.lookup(name) is not None:
            people.add_bare(surface, name, roles)
    return people


# --------------------------------------------------------------------------------------------------------------
# Cues with spaCy

_SUBJ = ("nsubj", "nsubjpass", "csubj")
_CONTENT_DEPS = ("ccomp", "parataxis")
_PASSIVE_NOT_SPEECH = frozenset("say report believe think expect tell ask rumor rumour".split())
_ACCUSE = frozenset("accuse blame criticize criticise warn blast slam charge deny praise thank".split())


def _mark_inside_cues(text: str, sent: _Sent) -> None:
    """``cue_inside_marks``: a short quotation that is itself "Name/he said …" is a cue, not a quotation."""
    for q in list(sent.quotes):
        inner = q.inner(text)
        words = inner.split()
        if 2 <= len(words) <= 8 and re.match(
            r"^(?:[A-Z][\w.’'-]+(?: [A-Z][\w.’'-]+)*|he|she|they|He|She|They) (?:\w+ly )?"
            r"(?:said|says|told|added|stated|explained|wrote)\b",
            inner,
        ):
            sent.quotes = [x for x in sent.quotes if x is not q]
            sent.quoted = quoted_chars(sent.quotes, sent.start, sent.end)
            sent.own_content = True
            sent.inside_marks = True


def _cues(text: str, sent: _Sent) -> list[Cue]:
    off = _off(sent)
    cues: list[Cue] = []
    for tok in sent.tokens:
        pos = tok.idx + off
        if _in_quote(sent, pos):
            continue
        if tok.lower_ == "according" and tok.i + 1 < len(tok.doc) and tok.doc[tok.i + 1].lower_ == "to":
            obj = next((c for c in tok.doc[tok.i + 1].children if c.dep_ == "pobj"), None)
            if obj is not None and not _in_quote(sent, obj.idx + off):
                cues.append(Cue(pos, "according to", _mention(text, sent, obj), True, rank=1))
            continue
        cue = _verb_cue(text, sent, tok)
        if cue is not None:
            cues.append(cue)
    if not cues and text[sent.start : sent.end].rstrip().endswith(":"):
        cues.extend(_colon_cue(text, sent))
    cues.sort(key=lambda c: (not c.content, c.rank, c.pos))
    return cues


def _colon_cue(text: str, sent: _Sent) -> list[Cue]:
    """``colon_intro``: "Sanders made the following comment:" introduces the next paragraph's quotation."""
    root = next((t for t in sent.tokens if t.dep_ == "ROOT"), None)
    subj = next((c for c in root.children if c.dep_ in _SUBJ), None) if root is not None else None
    if subj is None or _in_quote(sent, subj.idx + _off(sent)):
        return []
    mention = _mention(text, sent, subj)
    if mention.kind not in ("person", "pronoun", "description"):
        return []
    return [Cue(subj.idx + _off(sent), root.lemma_, mention, False, rank=3)]


def _verb_cue(text: str, sent: _Sent, tok: Any) -> Cue | None:
    lemma = tok.lemma_.lower()
    if lemma not in SPEECH_VERBS or tok.pos_ not in ("VERB", "AUX") or tok.dep_ in ("amod", "compound", "acl"):
        return None
    children = list(tok.children)
    deps = {c.dep_ for c in children}
    passive = "auxpass" in deps or "nsubjpass" in deps
    if passive and lemma in _PASSIVE_NOT_SPEECH:
        return None  # "is said to be", "was told"
    subj = _subject(tok)
    if subj is not None and _in_quote(sent, subj.idx + _off(sent)):
        subj = None  # the parser took a word of the quotation for the speaker
    if subj is None:
        return None
    if passive and lemma != "quote" and lemma not in SPEECH_VERBS:
        return None
    content = _has_content(sent, tok, children, lemma)
    if tok.dep_ == "relcl" and not sent.quotes:
        return None  # "a birther who has repeatedly claimed …": the sentence is about something else
    if "neg" in deps and lemma in ("respond", "comment", "answer", "return", "reply", "say", "confirm"):
        return None  # ``cue_negated``: "did not respond to my messages", "did not say whether"
    rank = 0 if tok.dep_ == "ROOT" else (1 if tok.dep_ in ("conj", "ccomp", "advcl", "xcomp", "parataxis") else 2)
    return Cue(tok.idx + _off(sent), lemma, _mention(text, sent, subj), content, rank=rank, echo=_echo(tok),
               verb_pos=tok.idx + _off(sent))


def _echo(tok: Any) -> str:
    """The he/she subject of the reported clause, evidence of the speaker's gender."""
    for c in tok.children:
        if c.dep_ == "ccomp":
            subj = next((x for x in c.children if x.dep_ in ("nsubj", "nsubjpass")), None)
            if subj is not None and subj.lower_ in ("he", "she"):
                return subj.lower_
    return ""


def _subject(tok: Any) -> Any | None:
    """The subject of a speech verb, borrowed from the governing verb for "and criticized", "saying"."""
    for _ in range(3):
        subj = next((c for c in tok.children if c.dep_ in _SUBJ), None)
        if subj is not None:
            return subj
        if tok.dep_ in ("conj", "xcomp", "advcl", "pcomp") and tok.head is not tok:
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


def _has_content(sent: _Sent, tok: Any, children: list[Any], lemma: str) -> bool:
    """``cue_needs_content``: a clause, a quotation, a colon, "accused X of", or "…, X said"."""
    if any(c.dep_ in _CONTENT_DEPS or _is_clause(c) for c in children):
        return True
    if tok.dep_ in ("ccomp", "parataxis"):
        return True  # "Acts of protest, Mr. Obama said, are …"
    if lemma in SPEECH_ACTS and any(c.dep_ in ("dobj", "xcomp") for c in children):
        return True  # ``cue_speech_act``: "Trump cited his own endorsements", "vowed not to repeat it"
    if lemma == "call" and any(c.dep_ in ("oprd", "xcomp", "ccomp") for c in children) and \
            any(c.dep_ == "dobj" for c in children):
        return True  # "The campaign called the charges unsubstantiated"
    if lemma in ("speak", "talk") and any(c.dep_ == "prep" and c.lower_ in ("of", "about") for c in children):
        return True  # "Roberts spoke of the legacy of racism"
    if lemma in ("call", "point", "cite") and any(c.dep_ == "prep" and c.lower_ in ("for", "on", "to") or
                                                  c.dep_ == "prt" for c in children):
        return True
    if sent.quotes and sent.quoted >= 4:
        return True
    if any(c.dep_ == "punct" and c.text == ":" for c in children):
        return True
    if lemma in _ACCUSE and any(c.dep_ == "prep" and c.lower_ in ("of", "for", "over") for c in children):
        return True
    if lemma == "quote" and any(c.lower_ in ("as", "saying") or c.dep_ in ("advcl", "prep") for c in children):
        return True
    if any(c.dep_ in ("advcl", "xcomp") and c.lower_ in ("saying", "adding", "arguing", "claiming") for c in children):
        return True
    if tok.dep_ == "ROOT":
        first = sent.tokens[0]
        if tok.i - first.i >= 4 and any(t.text in ",—–-" for t in sent.tokens if t.i < tok.i):
            subj = _subject(tok)
            if subj is not None and all(t.i >= tok.i - 12 for t in subj.subtree):
                return True  # "Content here, the minister said."
    return False


def _mention(text: str, sent: _Sent, head: Any) -> Mention:
    """The speaker phrase around ``head`` (a subject or the object of "according to")."""
    off = _off(sent)
    low = head.lower_
    if low in ("who", "which", "that") and head.head.dep_ == "relcl":
        head = head.head.head
        low = head.lower_
    appos = next((c for c in head.children if c.dep_ == "appos" and c.pos_ == "PROPN"), None)
    if appos is not None and head.pos_ != "PROPN":
        head = appos
        low = head.lower_
    pos = head.idx + off
    if low in PRONOUNS_FIRST or low in ("you", "one"):
        return Mention(head.text, "first_person", pos)  # the writer or the reader, not a source
    if low in PRONOUNS_MALE | PRONOUNS_FEMALE | PRONOUNS_PLURAL | {"it"}:
        return Mention(head.text, "pronoun", pos, (low,), plural=low in PRONOUNS_PLURAL)
    toks = _phrase(head)
    if any(t.dep_ == "poss" and t.lower_ in ("my", "our") for t in toks):
        return Mention(head.text, "first_person", pos)  # "My reaction:" is the writer's
    before = text[max(sent.start, toks[0].idx + off - 80) : toks[0].idx + off].rstrip()
    if before.endswith("("):
        named = re.search(r"([A-Z][\w.’'-]+(?:\s+(?:\"[^\"]+\"\s+)?[A-Z][\w.’'-]+){0,3})\s*\($", before)
        if named:  # ``speaker_parenthesis``: "Marcia Price (D-Newport News) said" → Marcia Price
            start = max(sent.start, toks[0].idx + off - 80) + named.start(1)
            return _regex_mention(named.group(1), start)
    if _is_dateline(text, sent, toks[0].idx + off, toks[-1].idx + len(toks[-1].text) + off):
        return Mention(head.text, "first_person", pos)
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


def _classify(text: str, head: Any, toks: list[Any], surface: str, words: tuple[str, ...], plural: bool,
              pos: int, off: int, end: int) -> Mention:
    """``speaker_*``: person, group of people, description of a person, organisation or generic source."""
    low = head.lower_
    if head.ent_type_ == "PERSON" or (head.pos_ == "PROPN" and _looks_person(surface)):
        others = [c for c in head.children if c.dep_ == "conj" and c.pos_ == "PROPN"]
        if others:  # ``speaker_coordinated``: "Mr. Grassley and Mr. Leahy say" → both
            joined = [surface] + [text[o.idx + off - _left_len(o) : o.idx + len(o.text) + off] for o in others]
            return Mention(" and ".join(joined), "persons", pos, words, plural=True, end=end)
        return Mention(surface, "person", pos, words, end=end)
    if low in ROLE_NOUNS and head.pos_ != "PROPN" or (low in ROLE_NOUNS and words[0] == "the"):
        if words and words[0] in ("the", "this", "that") and not any(t.dep_ == "poss" for t in toks):
            return Mention(surface, "description", pos, words, end=end)
    if head.pos_ == "PROPN" or head.ent_type_ in ("ORG", "NORP", "GPE") or any(t.pos_ == "PROPN" for t in toks):
        return Mention(surface, "org", pos, words, plural=plural, end=end)
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


def _is_dateline(text: str, sent: _Sent, a: int, b: int) -> bool:
    """"WASHINGTON (AP) — …": a capitalised place at the start of a sentence is not a speaker."""
    word = text[a:b]
    return a - sent.start <= 2 and word.isupper() and len(word) > 3 and \
        re.match(r"\s*(?:\([^)]{1,20}\)\s*)?(?:—|–|--|-)", text[b : b + 30]) is not None


def _left_len(tok: Any) -> int:
    """Characters of the compound/title words right before a name token ("Mr. " in "Mr. Leahy")."""
    left = [t for t in tok.lefts if t.dep_ in ("compound", "flat")]
    return tok.idx - left[0].idx if left else 0


def _with_of_phrase(head: Any, toks: list[Any]) -> list[Any]:
    """"A spokeswoman for Hillary Clinton", "the Commission on Presidential Debates" (up to 6 more tokens)."""
    for t in head.rights:
        if t.dep_ == "prep" and t.lower_ in ("for", "of", "on", "at") and t.i == toks[-1].i + 1:
            sub = list(t.subtree)
            if len(sub) <= 6 and all(x.text not in ",;" for x in sub):
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
        if t.dep_ in ("flat", "compound") or (t.dep_ == "prep" and t.lower_ in ("of", "on", "for")
                                               and head.ent_type_ == "ORG" and len(list(t.subtree)) <= 6):
            toks.extend(t.subtree)
    toks = sorted(set(toks), key=lambda t: t.i)
    # keep a contiguous stretch ending at the head
    start = toks.index(head)
    while start > 0 and toks[start - 1].i == toks[start].i - 1:
        start -= 1
    end = toks.index(head)
    while end + 1 < len(toks) and toks[end + 1].i == toks[end].i + 1:
        end += 1
    return toks[start : end + 1]


def _looks_person(surface: str) -> bool:
    name, roles = clean_name(surface)
    parts = name.split()
    if not parts:
        return False
    if set(roles) & _PERSON_EVIDENCE_TITLES:
        return True
    return len(parts) >= 2 and parts[0].lower() in (MALE_NAMES | FEMALE_NAMES)


# --------------------------------------------------------------------------------------------------------------
# Cues without spaCy (and extra patterns)

_VERBS_RE = (
    r"(?:said|says|say|told|tells|added|adds|argued|argues|stated|states|alleged|alleges|claimed|claims|warned|"
    r"warns|denied|denies|insisted|insists|explained|explains|noted|notes|wrote|writes|tweeted|tweets|"
    r"announced|announces|acknowledged|admitted|suggested|suggests|asserted|contended|predicted|conceded|"
    r"maintained|recalled|urged|declared|replied|responded|asked|confirmed|stressed|testified|complained)"
)
_NAME_RE = r"(?:[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*){0,3})"
_SUBJ_RE = rf"(?:{_NAME_RE}|[Hh]e|[Ss]he|[Tt]hey|[Tt]he [a-z]+(?: [a-z]+)?|[Oo]fficials|[Ss]ources|[Aa] source)"
_CUE_BEFORE = re.compile(rf"(?<![\w’'])(?P<subj>{_SUBJ_RE})\s+(?:\w+ly\s+)?(?:has\s+|had\s+)?(?P<verb>{_VERBS_RE})\b")
_CUE_AFTER = re.compile(rf"(?:^|[,:;]|\s\s)\s*(?P<verb>(?i:said|says|added|wrote|asked))\s+(?P<subj>{_NAME_RE})")
_CUE_APPOS = re.compile(
    rf"(?P<subj>{_NAME_RE}),\s+(?:an?|the|one)\s[^,“”\"]{{1,100}},\s+(?:\w+ly\s+)?(?P<verb>{_VERBS_RE})\b"
)
_NOT_SUBJECTS = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday january february march april may june july august
    september october november december on in at last this the a an but and when yesterday today""".split()
)
_ACCORDING = re.compile(rf"\b[Aa]ccording to (?P<subj>(?:the )?{_NAME_RE}|[a-z]+ [a-z]+)")
_DASH_CREDIT = re.compile(rf"[”\"’]\s*[-–—―]+\s*(?P<subj>{_NAME_RE})\s*\.?$")


def _regex_cues(text: str, sent: _Sent) -> list[Cue]:
    """Cues found by patterns when there is no parse: "X said", "said X", "according to X"."""
    frame = _frame(text, sent)
    cues: list[Cue] = []
    for pattern, content in ((_ACCORDING, True), (_CUE_BEFORE, None), (_CUE_AFTER, None), (_CUE_APPOS, None)):
        for m in pattern.finditer(frame):
            subj = m.group("subj").strip()
            pos = sent.start + m.start("subj")
            if subj.split()[0].lower() in _NOT_SUBJECTS and (len(subj.split()) == 1 or pattern is _CUE_AFTER):
                continue
            after = frame[m.end():].lstrip()
            has = content if content is not None else (
                sent.quoted >= 4 or after[:1] in (":", ",") or after.lower().startswith(("that", "he ", "she ", "they ", "it "))
                or m.start() > 10 and "," in frame[: m.start()]
            )
            verb_pos = sent.start + m.start("verb") if "verb" in m.groupdict() else -1
            cues.append(Cue(pos, m.groupdict().get("verb", "according to") or "said", _regex_mention(subj, pos),
                            bool(has), rank=1, verb_pos=verb_pos, appositive=pattern is _CUE_APPOS))
    cues.sort(key=lambda c: (not c.content, c.pos))
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


def _cross_check(parsed: list[Cue], patterns: list[Cue]) -> list[Cue]:
    """``cue_cross_check``: the parse found no cue, or gave the verb a far-off subject where a name stands right
    before it ("To understand X, Chief Justice Roberts said, one should …"): trust the adjacent-name pattern."""
    named = [c for c in patterns if c.mention.kind == "person" and 0 <= c.mention.pos < c.verb_pos
             and (c.verb_pos - _mention_end(c.mention) <= 12 or c.appositive)]
    if not parsed:
        return [c for c in patterns if c.content]
    out = []
    for cue in parsed:
        better = next((c for c in named if c.verb_pos == cue.verb_pos and c.mention.text != cue.mention.text
                       and not _overlaps(c.mention, cue.mention) and not _within_subject(c.mention, cue.mention)
                       and (cue.mention.kind in ("org", "generic") or cue.mention.pos > cue.verb_pos + 8 or
                            0 <= cue.verb_pos - _mention_end(cue.mention) > 12)), None)
        if better is not None:
            cue = Cue(cue.pos, cue.verb, better.mention, cue.content, cue.rank, cue.echo, cue.verb_pos)
        out.append(cue)
    return out


def _dash_credit(text: str, sent: _Sent) -> list[Cue]:
    """``cue_dash_credit``: "“…” -Commissioner X"."""
    m = _DASH_CREDIT.search(text, sent.start, sent.end)
    if m is None or not sent.quotes:
        return []
    return [Cue(m.start("subj"), "said", _regex_mention(m.group("subj"), m.start("subj")), True, rank=0)]


def _regex_mention(subj: str, pos: int) -> Mention:
    low = subj.lower()
    if low in PRONOUNS_FIRST:
        return Mention(subj, "first_person", pos)
    if low in PRONOUNS_MALE | PRONOUNS_FEMALE | PRONOUNS_PLURAL:
        return Mention(subj, "pronoun", pos, (low,), plural=low in PRONOUNS_PLURAL)
    words = tuple(w.lower().rstrip(".") for w in subj.split())
    if words and words[0] == "the" and words[-1] in ROLE_NOUNS:
        return Mention(subj, "description", pos, words)
    if subj[:1].isupper() and _looks_person(subj) or (subj[:1].isupper() and len(words) <= 3 and words[0] not in ("the",)):
        return Mention(subj, "person", pos, words)
    return Mention(subj, "generic", pos, words, plural=low.endswith("s"))


def _frame(text: str, sent: _Sent) -> str:
    """The sentence with its quotations blanked out (same length, so offsets stay valid)."""
    chars = list(text[sent.start : sent.end])
    for q in sent.quotes:
        for i in range(max(q.start, sent.start), min(q.end, sent.end)):
            chars[i - sent.start] = " "
    return "".join(chars)


# --------------------------------------------------------------------------------------------------------------
# Resolving a mention to a canonical speaker


def _resolve(m: Mention, sent: _Sent, state: _State) -> str | None:
    if m.kind == "first_person":
        return None
    if m.kind == "person":
        return _resolve_person(m, state)
    if m.kind == "persons":
        names = [_resolve_person(Mention(part, "person", m.pos), state) for part in m.text.split(" and ")]
        return " and ".join(dict.fromkeys(names))
    if m.kind == "pronoun":
        return _resolve_pronoun(m, sent, state)
    if m.kind == "description":
        return _resolve_description(m, sent, state)
    return _resolve_org(m, state)


def _resolve_person(m: Mention, state: _State) -> str:
    name, roles = clean_name(m.text)
    person = state.people.lookup(name) if name else None
    if person is None:
        person = state.people.add_full(m.text, name, roles) if len(name.split()) >= 2 else \
            state.people.add_bare(m.text, name or m.text, roles)
    assert person is not None
    _add_form(state, person.key, m.text)
    return person.key


def _add_form(state: _State, key: str, form: str) -> None:
    forms = state.forms.setdefault(key, [])
    form = " ".join(form.split())
    if form and form not in forms:
        forms.append(form)


def _compatible(person: Person, want: str | None) -> bool:
    return want is None or person.gender is None or person.gender == want


def _candidates(sent: _Sent, state: _State, pos: int, want: str | None, plural: bool) -> dict[str, float]:
    scores: dict[str, float] = {}
    for e in reversed(state.timeline):
        if sent.index - e.sent > 8:
            break
        if e.pos >= pos:
            continue
        if plural != (e.kind == "group" and e.plural) and not (plural and e.kind == "group"):
            continue
        if e.kind == "person":
            person = state.people.by_key.get(e.key)
            if person is None or not _compatible(person, want):
                continue
        elif not plural and want is not None:
            continue
        scores[e.key] = scores.get(e.key, 0.0) + e.weight * (0.5 ** (sent.index - e.sent))
    return scores


def _fallback_person(state: _State, pos: int, want: str | None) -> dict[str, float]:
    """No antecedent nearby: the latest compatible person mentioned earlier in the text, outside quotations."""
    for e in reversed(state.timeline):
        if e.kind == "person" and e.pos < pos:
            person = state.people.by_key.get(e.key)
            if person is not None and _compatible(person, want):
                return {e.key: 1.0}
    return {}


def _resolve_pronoun(m: Mention, sent: _Sent, state: _State) -> str | None:
    low = m.words[0] if m.words else m.text.lower()
    want = "m" if low in PRONOUNS_MALE else "f" if low in PRONOUNS_FEMALE else None
    plural = low in PRONOUNS_PLURAL
    if low == "it":
        recent = [e for e in state.timeline[-40:] if e.kind == "group" and not e.plural and e.pos < m.pos]
        scores = {e.key: e.weight for e in recent}
        return max(scores, key=scores.get) if scores else None  # type: ignore[arg-type]
    scores = _candidates(sent, state, m.pos, want, plural)
    for i, (s_index, key) in enumerate(reversed(state.speakers[-6:])):
        if key in scores or (not plural and key in state.people.by_key and
                             _compatible(state.people.by_key[key], want)):
            scores[key] = scores.get(key, 0.0) + 1.5 * (0.6 ** i) * (0.7 ** max(0, sent.index - s_index))
    if not scores and not plural:
        scores = _fallback_person(state, m.pos, want)
    if not scores:
        return None if not plural else m.text
    best = max(scores, key=scores.get)  # type: ignore[arg-type]
    person = state.people.by_key.get(best)
    if person is not None and person.gender is None and want is not None:
        person.gender = want  # pronoun agreement: later pronouns see it
    return best


def _role_words(words: tuple[str, ...]) -> set[str]:
    out: set[str] = set()
    for w in words:
        if w in ("the", "this", "that", "a", "an", "former", "then"):
            continue
        out.add(w)
        out |= ROLE_SYNONYMS.get(w, frozenset())
    return out


def _resolve_description(m: Mention, sent: _Sent, state: _State) -> str | None:
    head = m.words[-1] if m.words else ""
    want = "f" if head in FEMALE_ROLES else "m" if head in MALE_ROLES else None
    wanted = _role_words(m.words)
    scores = _candidates(sent, state, m.pos, want, False)
    for key in list(state.people.by_key):
        person = state.people.by_key[key]
        overlap = len(wanted & _role_words(tuple(person.roles)))
        if overlap and _compatible(person, want):
            scores[key] = scores.get(key, 0.0) + 2.0 * overlap
    for i, (_, key) in enumerate(reversed(state.speakers[-4:])):
        if key in state.people.by_key:
            scores[key] = scores.get(key, 0.0) + 0.5 * (0.6 ** i)
    if not scores:
        return None
    best = max(scores, key=scores.get)  # type: ignore[arg-type]
    _add_form(state, best, m.text)
    return best


def _org_words(name: str) -> list[str]:
    return [w for w in re.findall(r"[\w’'&.-]+", name) if w.lower() not in ("the",)]


def _resolve_org(m: Mention, state: _State) -> str:
    """``speaker_org``: orgs without a leading "The"; a shorter later form folds into an earlier longer one."""
    words = _org_words(m.text)
    while len(words) > 1 and m.kind == "org" and words[0].islower() and any(w[:1].isupper() for w in words[1:]):
        words = words[1:]  # "The nonpartisan Commission on Presidential Debates" → "Commission on …"
    if m.kind == "generic" or not words or not words[0][:1].isupper():
        return " ".join(m.text.split())
    if len(words) <= 3 and state.people.lookup(clean_name(m.text)[0]) is not None:
        return _resolve_person(m, state)  # a known person's surname the parser did not tag as a person
    name = " ".join(words)
    for key in state.orgs:
        kw = key.split()
        if kw[-len(words):] == words or (len(words) == 1 and words[0].isupper() and
                                        "".join(w[0] for w in kw if w[0].isupper()) == words[0]):
            _add_form(state, key, m.text)
            return key
    state.orgs[name] = words
    _add_form(state, name, m.text)
    return name


# --------------------------------------------------------------------------------------------------------------
# Timeline of mentions (for pronouns): people and groups outside quotations


def _note_mentions(sent: _Sent, state: _State) -> None:
    off = _off(sent)
    for run, before in _name_runs(sent) if sent.tokens else []:
        pos = run[0].idx + off
        if any(q.start <= pos < q.end and q.closed for q in sent.quotes):
            continue  # names inside a quotation are not antecedents (an unclosed stray mark does not hide them)
        surface = state.text[pos : run[-1].idx + len(run[-1].text) + off]
        name, _ = clean_name(surface)
        doc = run[0].doc
        if run[0].i > 0 and doc[run[0].i - 1].text[:1].isupper() and doc[run[0].i - 1].pos_ == "ADJ":
            surface = f"{doc[run[0].i - 1].text} {surface}"  # "Russian President Vladimir Putin"
        person = state.people.lookup(name) if name else None
        if person is None:
            if any(t.ent_type_ in ("ORG", "NORP") for t in run):
                state.timeline.append(_Entry(sent.index, pos, _org_key(surface), "group", 0.7,
                                             plural=run[-1].tag_ == "NNPS" or run[-1].ent_type_ == "NORP"))
            continue
        dep = run[-1].dep_
        weight = 2.0 if dep in ("nsubj", "nsubjpass") else 0.6 if dep in ("pobj", "dobj") else 1.0
        state.timeline.append(_Entry(sent.index, pos, person.key, "person", weight))
        _add_form(state, person.key, surface)
    for tok in sent.tokens:
        if tok.tag_ == "NNS" and tok.dep_ in ("nsubj", "nsubjpass") and not _in_quote(sent, tok.idx + off):
            state.timeline.append(_Entry(sent.index, tok.idx + off, tok.text, "group", 1.0, plural=True))


def _org_key(surface: str) -> str:
    words = _org_words(surface)
    return " ".join(words) if words else surface


# --------------------------------------------------------------------------------------------------------------
# The sieve


_BYLINE = re.compile(
    r"^[\"“]?(?:By\s+[A-Z]|BY\s+[A-Z]|(?:Reporting|Writing|Editing|Additional reporting) by\b)|"
    r"\bis an? (?:[a-z]+ )?(?:reporter|correspondent|writer|columnist|editor|contributor)\b|"
    r"\bcontributed (?:to this report|reporting)\b|^Editor[’']s [Nn]ote\b|"
    r"^[\"“]?Follow (?:\w+ ){0,3}on (?:Twitter|Facebook|Instagram)\b|^Read (?:the rest|more)\b"
)


def _is_headline(text: str, sent: _Sent, sents: list[_Sent]) -> bool:
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


def _is_scare(text: str, sent: _Sent) -> bool:
    """Short quotations ("so-called “deal”") with no cue in the sentence are not speech."""
    if sent.cues:
        return False
    return all(len(q.inner(text).split()) <= 4 and q.closed and q.opened and q.start > sent.start
               and not re.search(r"[.!?]", q.inner(text).rstrip(".!?,")) for q in sent.quotes)


_LABEL = re.compile(r"[\"“]?([A-Z][A-Z.'’\- ]{1,30}[A-Z])\s*:\s+\S")
_NOT_LABELS = frozenset("UPDATE BREAKING WATCH NOTE EDITOR'S NOTE EDITOR’S NOTE READ MORE PHOTO VIDEO".split(" "))


def _transcript_label(text: str, sent: _Sent, sents: list[_Sent], state: _State) -> str | None:
    """``transcript_label``: "WALLACE: Let's start …" gives its paragraph to the labelled speaker."""
    first = sent
    while first.index > 0 and sents[first.index - 1].paragraph == sent.paragraph:
        first = sents[first.index - 1]
    m = _LABEL.match(text, first.start, first.end)
    if m is None or m.group(1).strip() in _NOT_LABELS:
        return None
    name = " ".join(w.capitalize() for w in m.group(1).split())
    return _resolve_person(Mention(name, "person", m.start(1)), state)


def _assign(sents: list[_Sent], state: _State) -> None:
    text = state.text
    first_pass_cues(sents, state)
    groups = _quote_groups(text, sents)
    block: tuple[str, int] | None = None  # ``colon_intro``: (speaker, paragraph) of a block quotation
    for sent in sents:
        if _is_headline(text, sent, sents) or _BYLINE.search(text[sent.start : sent.end]) and not sent.quotes:
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
            speaker = (sent.own if sent.own_content or sent.own else None) or _group_speaker(sent, sents, groups) \
                or _speaker_after(sent, sents, text) or _previous_speaker(sent, sents)
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


def first_pass_cues(sents: list[_Sent], state: _State) -> None:
    """Walk the text in order, keep the mention timeline and resolve each sentence's own cue."""
    for sent in sents:
        _note_mentions(sent, state)
        for cue in sent.cues:
            speaker = _resolve(cue.mention, sent, state)
            if speaker:
                sent.own, sent.own_content = speaker, cue.content or sent.own_content
                _learn_gender(state, speaker, cue)
                if cue.mention.kind in ("pronoun", "description") and speaker in state.people.by_key:
                    state.timeline.append(_Entry(sent.index, cue.pos, speaker, "person", 2.0))
                break
            if cue.mention.kind == "first_person":
                break
        if sent.own and (sent.own_content or sent.quotes):
            state.speakers.append((sent.index, sent.own))
            if sent.own in state.people.by_key:
                state.timeline.append(_Entry(sent.index, sent.start, sent.own, "person", 1.5))


def _learn_gender(state: _State, speaker: str, cue: Cue) -> None:
    """``speaker_pronoun`` evidence: "Morgan said she would run" makes Morgan female for later pronouns."""
    person = state.people.by_key.get(speaker)
    if person is not None and person.gender is None and cue.echo and cue.mention.kind == "person":
        person.gender = "m" if cue.echo == "he" else "f"


def _quote_groups(text: str, sents: list[_Sent]) -> dict[int, int]:
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


def _group_speaker(sent: _Sent, sents: list[_Sent], groups: dict[int, int]) -> str | None:
    root = groups[sent.index]
    lo, hi = sent.index, sent.index
    while lo > 0 and groups[lo - 1] == root or lo > 0 and sent.index - lo < 3:
        lo -= 1  # group members are contiguous or nearly so
    while hi + 1 < len(sents) and (groups[hi + 1] == root or hi - sent.index < 3):
        hi += 1
    members = [s for s in sents[lo : hi + 1] if groups[s.index] == root and s.own and s is not sent]
    if not members:
        return None
    return min(members, key=lambda s: abs(s.index - sent.index)).own


def _pure_quote(text: str, sent: _Sent) -> bool:
    frame = _frame(text, sent)
    return not re.search(r"[A-Za-z]{2,}", frame)


def _is_bare_cue(text: str, sent: _Sent) -> bool:
    """"Putin said." / "he added." with nothing else reported."""
    words = re.findall(r"[\w’'-]+", _frame(text, sent))
    return 2 <= len(words) <= 7


def _speaker_after(sent: _Sent, sents: list[_Sent], text: str) -> str | None:
    """``direct_cue_after``: the next sentence(s) of the paragraph hold the cue ("Putin said.", "“…,” she said")."""
    for nxt in sents[sent.index + 1 : sent.index + 4]:
        if nxt.paragraph != sent.paragraph:
            return None
        if nxt.own and (_is_bare_cue(text, nxt) or nxt.quotes and _pure_quote(text, sent)):
            return nxt.own
        if not (nxt.quotes and _pure_quote(text, nxt)):
            return None
    return None


def _previous_speaker(sent: _Sent, sents: list[_Sent]) -> str | None:
    """``direct_floating``: the last speaker of this or the previous paragraph."""
    for i in range(sent.index - 1, -1, -1):
        prev = sents[i]
        if prev.paragraph < sent.paragraph - 1:
            return None
        if prev.speaker and prev.attribution != "narration":
            return prev.speaker
    return None
