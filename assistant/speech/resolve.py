"""Turning a speaker mention into a canonical speaker: people, pronouns, descriptions and organisations.

The rules are named in the docstring of ``assistant/attribution.py`` and tested in tests/test_attribution.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from .cues import (
    Cue,
    Mention,
    SentInfo,
    chunk_offset,
    entity_of,
    in_quote,
    is_person_run,
    name_runs,
)
from .lexicon import (
    PERSON_EVIDENCE_TITLES,
    TITLES,
    BODY_NOUNS,
    BASED_TRADE_NOUNS,
    COMPANY_NAME_ENDINGS,
    COMPANY_NOUNS,
    PUBLIC_AGENCY_NOUNS,
    PUBLIC_AGENCY_WORDS,
    TEAM_NAME_ENDINGS,
    TEAM_NOUNS,
    PUBLIC_BODY_WORDS,
    GENERIC_GROUPS,
    INANIMATE_NOUNS,
    DOCUMENT_NOUNS,
    MEDIUM_NOUNS,
    FEMALE_ROLES,
    MALE_ROLES,
    PRONOUNS_FEMALE,
    PRONOUNS_MALE,
    PRONOUNS_PLURAL,
    KIN_NOUNS,
    ROLE_NOUNS,
    ROLES_AND_TITLES,
    ROLE_SYNONYMS,
    UNION_BRANCH_WORDS,
    UNION_NAME_WORDS,
    PLACE_WORDS,
    PERSON_NOUN_ENDING,
    ORGANISATION_NAME_ENDINGS,
    ORGANISATION_KIND_PREFIXES,
    animate_noun,
)
from .names import (
    People,
    Person,
    acronym_expansion,
    acronym_name_at,
    clean_name,
    drop_role_prefix,
    gender_of,
    spelled_acronym,
)


@dataclass
class Entry:
    """A mention on the timeline used for pronoun and description resolution."""

    sent: int
    pos: int
    key: str
    kind: str  # person | group
    weight: float
    plural: bool = False


@dataclass
class State:
    text: str
    people: People
    timeline: list[Entry] = field(default_factory=list)
    orgs: dict[str, list[str]] = field(default_factory=dict)
    speakers: list[tuple[int, str]] = field(default_factory=list)  # (sentence, canonical) in order
    forms: dict[str, list[str]] = field(default_factory=dict)
    top_people: tuple[int, list[Person]] | None = None
    paragraph_first: dict[int, int] = field(default_factory=dict)  # paragraph → index of its first sentence
    transcript: bool = False  # several labelled turns ("HOST: …", "SMITH: …")
    documents: dict[str, str] = field(default_factory=dict)  # document noun → who issued it ("paper" → a minister)
    org_suffixes: dict[tuple[str, ...], str] = field(default_factory=dict)  # last words of an org → its key
    org_acronyms: dict[str, str] = field(default_factory=dict)
    named_orgs: set[str] = field(default_factory=set)  # lower-cased names the text calls organisations
    unissued_at: int = -1  # where the latest document no one issued spoke (``pronoun_it_document``)


def _appositive_roles(tok: Any) -> list[str]:
    """``speaker_description`` evidence: "Donald Trump, the Republican nominee," and "the Republican nominee,
    Donald Trump," give the role words republican, nominee."""
    nouns = [c for c in tok.children if c.dep_ == "appos" and c.pos_ == "NOUN"]
    if tok.dep_ == "appos" and (tok.head.pos_ == "NOUN" or tok.head.lower_ in ROLE_NOUNS):
        nouns.append(tok.head)
    words: list[str] = []
    for noun in nouns:
        words.extend(t.lower_ for t in noun.lefts if t.dep_ in ("amod", "compound") and t.is_alpha)
        words.append(noun.lower_)
    return words


def _initial(sent: SentInfo, run: list[Any]) -> bool:
    """Does the name run open its sentence (after any quotation mark), or start with a common noun?"""
    first = run[0]
    if first.pos_ == "NOUN":
        return True
    doc, i = first.doc, first.i - 1
    while i >= 0 and doc[i].is_quote:
        i -= 1
    return i < 0 or doc[i].idx + chunk_offset(sent) < sent.start


def _ends_in(name: str, last_words: frozenset[str]) -> bool:
    """Is ``name`` two or more words, the last one (lower-cased, without a final full stop) in ``last_words``?"""
    words = name.split()
    return len(words) >= 2 and words[-1].lower().rstrip(".") in last_words


def is_place(name: str) -> bool:
    """``name_place``: a run of two or more capitalised words ending in a place word is a place ("Dale Street",
    "Alder Park"), never a person, even when its first word is a first name."""
    return _ends_in(name, PLACE_WORDS)


def is_organisation_name(name: str) -> bool:
    """``organisation_name_ending``: "Vantor Steel will cut 300 jobs …, the company said": two or more capitalised
    words ending in a word of organisation names are an organisation although the tagger labelled nothing."""
    return _ends_in(name, ORGANISATION_NAME_ENDINGS)


def named_by_kind(before: list[str]) -> bool:
    """``organisation_by_kind_noun``: a name right after a noun for a kind of business is that business, not a
    person: "talks with the terminal operator Harbourline broke down" (the tagger may call Harbourline a person)."""
    return bool(before) and before[-1] in COMPANY_NOUNS


def _appositive_descriptions(tok: Any, text: str, off: int) -> list[str]:
    """``person_description``: the description an appositive gives a person, as written: "said the union's leader,
    Gary Mbeki" and "Gary Mbeki, the union's leader," give "the union's leader" (an alias for speaker questions)."""
    nouns = [c for c in tok.children if c.dep_ == "appos" and c.pos_ == "NOUN"]
    if tok.dep_ == "appos" and tok.head.pos_ == "NOUN":
        nouns.append(tok.head)
    out = []
    for noun in nouns:
        if not (noun.lower_ in ROLE_NOUNS or PERSON_NOUN_ENDING.search(noun.lower_)):
            continue
        left = [t for t in noun.lefts if t.dep_ in ("det", "amod", "compound", "poss", "case", "nmod")]
        start = min([t.left_edge.idx for t in left] + [noun.idx])
        phrase = " ".join(text[start + off : noun.idx + len(noun.text) + off].split())
        if 0 < len(phrase) <= 60:
            out.append(phrase)
    return out


def register_entities(text: str, sents: list[SentInfo]) -> tuple[People, set[str]]:
    """All people of the text, and the names it calls organisations (lower-cased). People: full names first (so
    "Putin" before "Vladimir Putin" still folds), then the rest. Names the text calls organisations
    (``organisation_by_kind_noun``) and places (``name_place``) are not people."""
    people = People()
    organisations: set[str] = set()
    full: list[tuple[str, str, list[str], list[str]]] = []
    bare: list[tuple[str, str, list[str], bool, list[str]]] = []
    for sent in sents:  # one pass over the names; people are registered once every organisation is known
        off = chunk_offset(sent)
        for run, before in name_runs(sent):
            surface = text[run[0].idx + off : run[-1].idx + len(run[-1].text) + off]
            name, roles = clean_name(surface)
            if named_by_kind(before):
                organisations.add(name.lower())
                continue
            name, roles = drop_role_prefix(name, roles, _initial(sent, run))
            is_person = is_person_run(run, name, before + roles, None)
            roles = before + roles + _appositive_roles(run[-1])
            if not name or is_place(name):
                continue
            descriptions = _appositive_descriptions(run[-1], text, off)
            if len(name.split()) >= 2 and is_person:
                full.append((surface, name, roles, descriptions))
            elif len(name.split()) == 1:
                bare.append((surface, name, roles, any(t.ent_type_ == "PERSON" for t in run), descriptions))
    for surface, name, roles, descriptions in full:
        if name.lower() not in organisations:
            person = people.add_full(surface, name, roles)
            if person is not None:
                person.add_descriptions(descriptions)
    # ``surname_title_gender``: the bare mentions with a gendered title first, so that "Mr. Obama" has his own
    # person before an ungendered "President Obama" picks between him and "Michelle Obama" by count
    bare.sort(key=lambda b: gender_of(None, b[2]) is None)
    for surface, name, roles, person_ent, descriptions in bare:
        if name.lower() in organisations:
            continue
        if person_ent or set(roles) & PERSON_EVIDENCE_TITLES or people.lookup(name, gender_of(None, roles)) is not None:
            people.add_bare(surface, name, roles).add_descriptions(descriptions)
    return people, organisations


# --------------------------------------------------------------------------------------------------------------
# Resolving a mention to a canonical speaker


_NOT_SPEAKERS = frozenset(
    """this that these those what which who whom whose each all both either neither none another such
    there here 's ’s""".split()
)


def as_written(text: str) -> str:
    """``speaker_as_written``: an unresolved mention as the text writes it, with a capital first letter, so that
    "The company said" and "…, the company said" are one speaker, not two."""
    text = " ".join(text.split())
    return text[:1].upper() + text[1:]


def _inanimate(word: str) -> bool:
    word = word.strip(".,;:’'\"")
    return word in INANIMATE_NOUNS or word.endswith("s") and word[:-1] in INANIMATE_NOUNS


_AGE = re.compile(r"\d{1,3}-year-old")


def _is_age(m: Mention, text: str) -> bool:
    """Does the mention end in an age ("the 26-year-old"; the parse may make "old" its head and keep only
    "year-old" of its text)?"""
    ends = {m.pos + len(m.text)} | ({m.pos + len(m.words[-1])} if m.words else set())
    return any(match.start() < end and match.end() >= end - 1
               for end in ends for match in _AGE.finditer(text, max(0, m.pos - 16), end + 1))


def _holds_age(m: Mention, text: str) -> bool:
    """``speaker_description_age``: an age inside a description ("the 23-year-old winger said") points back as a
    bare age does: the age is said of someone the text has just named."""
    start = max(0, m.pos - len(m.text))  # ``pos`` is the head word's ("winger"): the phrase stands before it
    return _is_age(m, text) or any(a.group(0) in m.text for a in _AGE.finditer(text, start, m.pos + 1))


_AGE_PHRASE = re.compile(r"(?:\b(?:[Tt]he|[Aa]n?) )?\d{1,3}-year-old")


def _age_phrase(m: Mention, text: str) -> str:
    """``speaker_as_written`` for an age: "The 44-year-old told the court …" with no one named is "The 44-year-old",
    not the "year-old" the parse keeps."""
    if re.search(r"\d", m.text):
        return m.text
    hit = None
    for hit in _AGE_PHRASE.finditer(text, max(0, m.pos - 20), m.pos + len(m.text) + 1):
        pass
    return hit.group(0) if hit is not None else m.text


_AGE_NAME = r"[A-Z][\w’'.-]+(?:\s+[A-Z][\w’'.-]+){0,3}"


def _stated_age(m: Mention, state: State) -> str | None:
    """``description_age_stated``: "The 62-year-old said …" is the person whose age the text gave as 62
    ("Gwen Aldous, 62, lost …", "62-year-old Gwen Aldous", "Gwen Aldous (62)"), the latest one before it, even
    when someone else was named or spoke since; None where no one's age is given as that."""
    text = state.text
    end = m.pos + (len(m.words[-1]) if m.words else 0) + 1
    ages = list(_AGE.finditer(text, max(0, m.pos - len(m.text) - 16), end))
    if not ages:
        return None
    years = ages[-1].group(0).split("-")[0]
    before = text[: ages[-1].start()]
    latest: tuple[int, str] | None = None
    for pattern in (rf"({_AGE_NAME}),\s+{years}\b(?![-\d])", rf"({_AGE_NAME})\s+\({years}\)",
                    rf"\b{years}-year-old\s+(?:[a-z]+\s+){{0,3}}({_AGE_NAME})"):
        for hit in re.finditer(pattern, before):
            if latest is None or hit.start(1) > latest[0]:
                latest = (hit.start(1), hit.group(1))
    if latest is None:
        return None
    person = state.people.lookup(clean_name(latest[1])[0])
    return person.key if person is not None and person.key in state.people.by_key else None


_DETERMINERS = frozenset("the a an another one this that these those his her their its our my your".split())
"""Words that open a common noun phrase: a capital on them is the sentence's, not a name's ("His promises")."""


def _head_word(m: Mention, text: str) -> str:
    """The word at the mention's head (``pos``): "authors" of "The authors of the report"."""
    hit = re.match(r"[\w’'-]+", text[m.pos : m.pos + 40])
    return hit.group(0).lower() if hit else (m.words[-1] if m.words else "")


def resolve(m: Mention, sent: SentInfo, state: State) -> str | None:
    if m.kind in ("first_person", "none"):
        return None
    words = m.text.lower().split()
    if not re.search(r"[A-Za-z]{2,}", m.text) or (words and (words[0] in _NOT_SPEAKERS and len(words) == 1)):
        return None  # "each", "most of whom", "'s": not a source
    if m.kind in ("generic", "description") and len(words) == 1 and words[0] in GENERIC_GROUPS:
        return None  # ``speaker_generic_group``: "Some said …", "Analysts said …"
    if [w for w in words if w != "the"] == ["police"]:
        force = _named_police(state, m.pos)
        if force is not None:
            return force
    if m.kind not in ("person", "persons", "pronoun") and words and _inanimate(words[-1]):
        return None  # ``speaker_inanimate``: "Data from the survey show …", "according to federal data"
    if m.kind == "generic" and _is_age(m, state.text):
        return _resolve_description(m, sent, state)  # "said the 46-year-old" (the parse keeps only "year-old")
    if m.kind == "generic" and m.text.islower() and words and not animate_noun(words[-1]):
        return None  # ``speaker_animate``: "leaks explain …", "polls suggest …" (things, not sources)
    if m.kind == "generic" and m.text[1:].islower() and len(words) >= 2 and words[0] in _DETERMINERS and \
            not animate_noun(_head_word(m, state.text)):
        return None  # ``speaker_animate`` at a sentence start: "His promises …", "The bias …" (not "His ex-wife")
    if m.kind in ("person", "org"):
        start = state.text.rfind(m.text, 0, m.pos + len(m.text))
        expanded = acronym_expansion(state.text, start, start + len(m.text)) if start >= 0 else None
        if expanded is not None:  # ``organisation_acronym_expansion``: "Immigration, Refugees and Citizenship Canada (IRCC)"
            return _resolve_org(replace(m, text=expanded, kind="org"), state)
    if m.kind == "person" and clean_name(m.text)[0].lower() in state.named_orgs:
        return _resolve_org(m, state)  # ``organisation_by_kind_noun``: "Harbourline said" after "the operator Harbourline"
    if m.kind == "person":
        return resolve_person(m, state)
    if m.kind == "persons":
        names = [resolve_person(Mention(part, "person", m.pos), state) for part in m.text.split(" and ")]
        return " and ".join(dict.fromkeys(names))
    if m.kind == "pronoun":
        return _resolve_pronoun(m, sent, state)
    if m.kind == "description":
        return _resolve_description(m, sent, state)
    if m.kind == "document":
        return _resolve_document(m, state)
    if m.kind == "body":
        return _resolve_body(m, sent, state)
    key = _resolve_org(m, state)
    if m.words and m.words[-1] in DOCUMENT_NOUNS:  # "a Harbour Authority study": "the study" later is this one
        state.documents[m.words[-1]] = key
    return key


def _named_police(state: State, pos: int) -> str | None:
    """``speaker_police_force``: "police said" after "Toronto police say …" or "Halifax Regional Police said …" is
    that force, one speaker, not a second one named "Police": the latest police force named before it."""
    for e in reversed(state.timeline[-60:]):
        if e.kind == "group" and e.pos < pos and "police" in e.key.lower().split() and e.key.lower() != "police":
            return e.key
    return None


def _named_inside(m: Mention) -> bool:
    """Does a capitalised word stand between the mention's first and last word ("the Ohio governor", "the IMF
    report")? It names whose role or document it is."""
    return any(w[:1].isupper() for w in m.text.split()[1:-1])


UNISSUED_REACH = 400
"""Characters before a sentence within which an unissued document is what "it" points back to (about two
sentences of news: the "it" of a third sentence on is as often the body the text turned to)."""


def _resolve_document(m: Mention, state: State) -> str | None:
    """``speaker_document``: "The white paper said" → who issued the paper earlier in the text ("a report
    published by X" names X where it is said). ``document_without_issuer``: a document no one is named as issuing
    ("The survey of 2,000 adults found that …") is no speaker: the sentence is narration (issue 18: "with no
    issuer named, it is narration")."""
    head = m.words[-1] if m.words else ""
    key = state.documents.get(head) or state.documents.get(head.rstrip("s"))
    if _named_inside(m) or any(w.lower() in BODY_NOUNS | PUBLIC_BODY_WORDS for w in m.text.split()[1:-1]):
        # ``document_named_issuer``: "the IMF report", "a Pentagon study", "a city report" name their issuer
        # inside: as written (before what an earlier document of that noun was: "the Reuters poll" is not "the
        # Gallup poll")
        key = " ".join(w for w in m.text.split() if w.lower() not in ("a", "an", "the"))
        state.documents[head] = key
    if key is None:
        state.unissued_at = m.pos
        return None
    _add_form(state, key, m.text)
    return key


def name_head(name: str) -> str:
    """``body_by_name_head``: the word a description of an organisation repeats, lower-cased: the last word of
    its name ("Federal Competition Office" → office), or the word before its first "of", "for", "to" or "on"
    ("Coalition for Safer Streets" → coalition, "Bank of Canada" → bank), so that "the coalition said" finds it.
    A union's branch is no head: "Amalgamated Transit Union Local 279" → union (``organisation_local_number``)."""
    words = name.split()
    if len(words) >= 3 and words[-2] in UNION_BRANCH_WORDS and words[-1].isdigit():
        words = words[:-2]
    cut = next((i for i, w in enumerate(words) if i and w.lower() in ("of", "for", "to", "on")), len(words))
    return words[cut - 1].lower()


_WORKERS_ASSOCIATION = re.compile(r"(?:[a-z]s['’]?|\bPolice|\bFaculty)\s+(?:Association|Federation|Guild|Brotherhood)\b")


def _names_as(name: str, head: str) -> bool:
    """Does "the <head>" describe the organisation ``name``? By its name's head (``body_by_name_head``), and
    ``union_of_workers``: an association named for its workers is a union ("The Alberta Teachers' Association has
    filed a grievance. The union says …"; "Winnipeg Police Association", "Nurses Guild"), and so is one named for
    workers or with a branch number ("United Warehouse and Logistics Workers Local 117", ``company_not_union``)."""
    return name_head(name) == head or head == "union" and _union_name(name)


def _union_name(name: str) -> bool:
    """``company_not_union``: a workers' organisation is never "the company", the employer it bargains with ("The
    United Warehouse Workers Local 117 said … The company said it has contingency plans" is the grocer)."""
    return bool(set(name.split()) & UNION_NAME_WORDS) or _WORKERS_ASSOCIATION.search(name) is not None


PUBLIC_AGENCY_REACH = 3
"""Sentences back within which "the agency" looks for the government body it describes (the body is named in the
sentence before or in the lead paragraph; further back, "the agency" is as often one the text has not named)."""


def _public_agency(name: str, state: State) -> bool:
    """``description_public_agency``: is ``name`` a government body "the agency" may describe?"""
    words = name.split()
    if name in state.people.by_key or _union_name(name) or words[-1].lower().rstrip(".") in COMPANY_NAME_ENDINGS or \
            not words[-1][:1].isupper():  # "A Government Accountability Office report" is a document
        return False
    return bool(set(w.strip(",") for w in words) & PUBLIC_AGENCY_WORDS) or \
        len(words) == 1 and name.isupper() and 2 <= len(name) <= 5


def _resolve_body(m: Mention, sent: SentInfo, state: State) -> str:
    """``speaker_body``: "the office", "the authority" → the latest organisation named before it whose name ends in
    that word ("Federal Competition Office"); else as written (the latest organisation is too often another one)."""
    head = m.words[-1] if m.words else ""
    recent = [e for e in reversed(state.timeline[-60:]) if e.kind == "group" and not e.plural and e.pos < m.pos
              and e.key[:1].isupper()]
    best = next((e for e in recent if _names_as(e.key, head)), None)
    if best is None and (head in COMPANY_NOUNS or head in BASED_TRADE_NOUNS):
        # ``speaker_body_kind``: "the firm", "the Vancouver-based miner" → the business most talked of
        counts: dict[str, int] = {}
        named = [e for e in reversed(state.timeline[-60:]) if e.kind == "group" and e.pos < m.pos and e.key[:1].isupper()
                 and (not e.plural or len(e.key.split()) >= 2)]  # "Tallow Foods" is one business, "Democrats" many
        for e in named:
            if e.key in state.people.by_key:
                continue  # a company is never a person: "the company said" after three sentences of a union leader
            if not {w.lower() for w in e.key.split()} & (BODY_NOUNS | PUBLIC_BODY_WORDS) and not _union_name(e.key):
                counts[e.key] = counts.get(e.key, 0) + 1
        if counts:
            top = max(counts.values())
            best = next(e for e in named if counts.get(e.key) == top)  # the most recent of the most mentioned
    if best is None and head in PUBLIC_AGENCY_NOUNS:
        best = next((e for e in recent if e.sent >= sent.index - PUBLIC_AGENCY_REACH and _public_agency(e.key, state)),
                    None)
    if best is None and head in TEAM_NOUNS:
        # ``speaker_team``: "The Calgary Stampeders fired their coach. The team said …" is the team named just before
        best = next((e for e in reversed(state.timeline[-30:]) if e.kind == "group" and e.pos < m.pos
                     and e.sent >= sent.index - 5 and e.key[:1].isupper() and len(_org_words(e.key)) >= 2
                     and e.key not in state.people.by_key
                     and (e.plural or e.key.split()[-1] in TEAM_NAME_ENDINGS)), None)
    if best is None:
        return as_written(m.text)
    _add_form(state, best.key, m.text)
    return best.key


def resolve_person(m: Mention, state: State) -> str:
    name, roles = clean_name(m.text)
    person = state.people.lookup(name, gender_of(None, roles)) if name else None
    if person is None:
        person = state.people.add_full(m.text, name, roles) if len(name.split()) >= 2 else \
            state.people.add_bare(m.text, name or m.text, roles)
    assert person is not None
    _add_form(state, person.key, m.text)
    return person.key


def _add_form(state: State, key: str, form: str) -> None:
    forms = state.forms.setdefault(key, [])
    form = " ".join(form.split())
    if form and form not in forms:
        forms.append(form)


def _compatible(person: Person, want: str | None) -> bool:
    return want is None or person.gender is None or person.gender == want


def _candidates(sent: SentInfo, state: State, pos: int, want: str | None, plural: bool) -> dict[str, float]:
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
        elif e.kind == "role":
            head = e.key.split()[-1]
            gender = "f" if head in FEMALE_ROLES else "m" if head in MALE_ROLES else None
            if plural or (want is not None and gender is not None and gender != want):
                continue
        elif not plural and want is not None:
            continue
        scores[e.key] = scores.get(e.key, 0.0) + e.weight * (0.5 ** (sent.index - e.sent))
    return scores


def _fallback_person(state: State, pos: int, want: str | None) -> dict[str, float]:
    """No antecedent nearby: the latest compatible person mentioned earlier in the text, outside quotations."""
    for e in reversed(state.timeline[-400:]):  # bounded: a text of thousands of names is not scanned per pronoun
        if e.kind == "person" and e.pos < pos:
            person = state.people.by_key.get(e.key)
            if person is not None and _compatible(person, want):
                return {e.key: 1.0}
    return {}


def _previous_subject(sent: SentInfo, state: State, want: str | None) -> str | None:
    """The one compatible person who is the subject of the previous sentence, if there is exactly one."""
    keys = set()
    for e in reversed(state.timeline):
        if e.sent < sent.index - 1:
            break
        if e.sent == sent.index - 1 and e.kind == "person" and e.weight >= 2.0:
            person = state.people.by_key.get(e.key)
            if person is not None and _compatible(person, want):
                keys.add(e.key)
    return keys.pop() if len(keys) == 1 else None


_UNSURE_LABELS = frozenset({"", "GPE", "LOC", "FAC"})
"""Entity labels the small tagger gives unfamiliar names of people ("Ines Roth" came out a place)."""


def unlabelled_name(run: list[Any], name: str) -> bool:
    """``pronoun_unlabelled_name``: a run of two or three capitalised words that is the subject of its clause and
    that the tagger labelled as nothing or as a place ("Ines Roth runs the bakery …", "Teodor Banu said …" where the first name is
    in no list), neither a place ("Mill Street") nor an organisation ("Vantor Steel"): a person, if a pronoun needs
    one."""
    words = name.split()
    return 2 <= len(words) <= 3 and all(w[:1].isupper() and w[1:2].islower() for w in words) and \
        all(t.ent_type_ in _UNSURE_LABELS for t in run) and run[-1].dep_ == "nsubj" and not is_place(name) and \
        not is_organisation_name(name)


def _recent_unlabelled_name(state: State, sent: SentInfo, pos: int) -> str | None:
    """The latest unlabelled name of this or the previous sentence before ``pos``, when there is exactly one."""
    names = {e.key for e in state.timeline[-20:] if e.kind == "name" and e.pos < pos and sent.index - e.sent <= 1}
    return names.pop() if len(names) == 1 else None


def _resolve_pronoun(m: Mention, sent: SentInfo, state: State) -> str | None:
    low = m.words[0] if m.words else m.text.lower()
    want = "m" if low in PRONOUNS_MALE else "f" if low in PRONOUNS_FEMALE else None
    plural = low in PRONOUNS_PLURAL
    if low == "it":
        if 0 <= state.unissued_at < m.pos and sent.start - state.unissued_at < UNISSUED_REACH:
            return None  # ``pronoun_it_document``: "The ad mentions … It also says …": still the ad, no speaker
        recent = [e for e in state.timeline[-40:] if e.kind == "group" and not e.plural and e.pos < m.pos]
        scores = {}
        for e in recent:
            scores[e.key] = scores.get(e.key, 0.0) + e.weight * (0.5 ** (sent.index - e.sent))
        return max(scores, key=scores.get) if scores else None  # type: ignore[arg-type]
    centre = None if plural else _previous_subject(sent, state, want)
    if centre is not None:  # ``speaker_pronoun`` centring: "Okonjo was cautious. She told reporters …"
        scores = {centre: 1.0}
    else:
        scores = _candidates(sent, state, m.pos, want, plural)
    for i, (s_index, key) in enumerate(reversed(state.speakers[-6:]) if centre is None else []):
        if key in scores or (not plural and key in state.people.by_key and
                             _compatible(state.people.by_key[key], want)):
            scores[key] = scores.get(key, 0.0) + 1.0 * (0.6 ** i) * (0.7 ** max(0, sent.index - s_index))
    if not scores and not plural:
        scores = _fallback_person(state, m.pos, want)
    if not scores and want is not None:
        named = _recent_unlabelled_name(state, sent, m.pos)
        if named is not None:  # ``pronoun_unlabelled_name``: the tagger missed the person "she" points back to
            person = state.people.add_full(named, named, [])
            if person is not None:
                person.gender, person.gender_guessed = want, False
                return person.key
    if not scores and plural:
        return as_written(m.text)  # "they" with no one to point to: speech, by no one the text names
    if not scores:
        return None
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


def _told_in(sent: SentInfo, state: State, pos: int) -> set[str]:
    """``description_not_the_told``: the people named as a verb's object after a description in its own sentence are
    others, the ones told or asked: "The coach told Hart that he would start." is not Hart speaking, nor is Muir in
    "Muir was told by the judge that …" (a name in the
    reported clause may be the speaker's own: "The Vermont senator said … supporters of Sanders")."""
    off = chunk_offset(sent)
    spans = [(t.left_edge.idx + off, t.idx + len(t.text) + off) for t in sent.tokens
             if t.pos_ == "PROPN" and t.head.pos_ == "VERB" and (t.dep_ in ("dobj", "dative") and t.idx + off > pos
                                                                or t.dep_ == "nsubjpass" and _has_agent(t.head))]
    told = set()
    for e in reversed(state.timeline):
        if e.sent != sent.index:
            break
        if e.kind == "person" and any(a <= e.pos < b for a, b in spans):
            told.add(e.key)
    return told


def _has_agent(verb: Any) -> bool:
    """``description_not_the_told``, passive: in "Muir was told by the judge that …" Muir is the one told."""
    return any(c.dep_ == "agent" for c in verb.children)


def _holds_other_role(person: Person, head: str) -> bool:
    """``description_other_role``: does the person hold a title or role ("coach", "defenceman") while the description's
    head is another occupation noun ("winger", "teacher"; kin words such as "father" fit anyone)?"""
    if not head.isalpha() or head in KIN_NOUNS or head in person.roles or not PERSON_NOUN_ENDING.search(head):
        return False
    return any(r in ROLES_AND_TITLES or len(r) > 5 and r.endswith("man") for r in person.roles)  # "defenceman"


def _resolve_description(m: Mention, sent: SentInfo, state: State) -> str | None:
    head = m.words[-1] if m.words else ""
    want = "f" if head in FEMALE_ROLES else "m" if head in MALE_ROLES else None
    wanted = _role_words(m.words)
    scores = _candidates(sent, state, m.pos, want, False)
    matched = False
    if head not in ROLE_NOUNS:  # "the chef", "the 58-year-old nurse": only the head word points back
        wanted = {head}
    elif state.people.with_role({head}):
        # ``description_role_exact``: "The coach said" after "head coach Travis Dunleavy" and "General manager Rhonda
        # Sykes" is the coach: a word for the same role ("manager" for a coach) counts only when no one holds the word
        wanted = {w for w in m.words if w not in ("the", "this", "that", "a", "an", "former", "then")}
    holders: set[str] = set()
    for person in state.people.with_role(wanted - {"the", "a", "an", "former", "then"}):
        overlap = len(wanted & {r for r in person.roles if r not in ("the", "a", "an", "former", "then")})
        if overlap and _compatible(person, want) and person.key in state.people.by_key:
            scores[person.key] = scores.get(person.key, 0.0) + 2.0 * overlap
            holders.add(person.key)
            matched = True
    told = _told_in(sent, state, m.pos)
    if not matched and head not in ROLE_NOUNS:
        people = {k: v for k, v in scores.items() if k in state.people.by_key and k not in told}  # never a team
        aged = _holds_age(m, state.text)
        stated = _stated_age(m, state) if aged else None
        if stated is not None:
            _add_form(state, stated, m.text)
            return stated
        if aged and people:
            # ``description_other_role``: "The 26-year-old winger said …" is not the "coach Jean-Paul Ouellet"
            # quoted just before: a person the text gave a title is not someone described by another occupation
            people = {k: v for k, v in people.items() if not _holds_other_role(state.people.by_key[k], head)} \
                or people
            # ``speaker_description_person``: "the 26-year-old" points back to the person the text has just been
            # about (the nearest compatible mention), as role words do. Only an age: "the narrator" or "the chef"
            # is as often someone new (measured on PolNeAR train: other nouns took the wrong person)
            best = max(people, key=people.get)  # type: ignore[arg-type]
            _add_form(state, best, m.text)
            return best
        return as_written(_age_phrase(m, state.text) if aged else m.text)  # "the chef" with no one named near
    if not matched and _named_inside(m):
        # ``description_unheld_role``: "The Ohio governor said …" in a text where no one is named Ohio governor is
        # someone the text does not name, not the person it talks of most; the named qualifier makes it specific
        return as_written(m.text)
    if not matched:  # no role words to go on: the most mentioned compatible person is the likelier referent
        for person in _most_mentioned(state):
            if _compatible(person, want):
                scores[person.key] = scores.get(person.key, 0.0) + 0.08 * min(person.count, 25)
    for i, (_, key) in enumerate(reversed(state.speakers[-4:])):
        if key in state.people.by_key:
            scores[key] = scores.get(key, 0.0) + 0.5 * (0.6 ** i)
    scores = {k: v for k, v in scores.items() if k not in told}
    if holders:
        # ``description_role_decides``: "The mayor said a hearing …" after "Mayor Linda Okafor …" and three sentences
        # of a councillor is the mayor: the role chooses the people; nearness only ranks those who hold it
        scores = {k: v for k, v in scores.items() if k in holders}
    if not scores:
        # ``speaker_as_written``: "The plan is fair, the minister said." with no one in the text to point to is
        # an unnamed minister speaking (speech, as written), not narration
        return as_written(m.text)
    best = max(scores, key=scores.get)  # type: ignore[arg-type]
    _add_form(state, best, m.text)
    return best


def _most_mentioned(state: State, n: int = 50) -> list[Person]:
    """The ``n`` people mentioned most, recomputed only when the registry grows (bounded work per description)."""
    size = len(state.people.by_key)
    if state.top_people is None or state.top_people[0] != size:
        people = sorted(state.people.by_key.values(), key=lambda p: -p.count)[:n]
        state.top_people = (size, people)
    return [p for p in state.top_people[1] if p.key in state.people.by_key]


def _org_words(name: str) -> list[str]:
    """The words of an organisation's name, a comma inside it kept ("Immigration, Refugees and Citizenship
    Canada")."""
    words = [w for w in re.findall(r"[\w’'&.,-]+", name) if w.lower() not in ("the",)]
    return [w.rstrip(",") if k == len(words) - 1 else w for k, w in enumerate(words) if w != ","]


def drop_kind_prefix(words: list[str], sentence_initial: bool) -> list[str]:
    """``organisation_kind_prefix``: "Electricity provider NorthGrid" → NorthGrid, "Retailer Kinsale & Drew" (at a
    sentence start, where the noun takes a capital) → Kinsale & Drew. A name that is only an ending ("Carrier Corp")
    and a capitalised noun inside a sentence ("Carrier Global") stay whole."""
    for i in range(len(words) - 2, -1, -1):
        word = words[i]
        if word.lower() not in ORGANISATION_KIND_PREFIXES or not words[i + 1][:1].isupper():
            continue
        rest = words[i + 1 :]
        if (word.islower() or i == 0 and sentence_initial) and not (
                len(rest) == 1 and rest[0].lower().rstrip(".") in ORGANISATION_NAME_ENDINGS):
            return rest
    return words


def _sentence_initial(text: str, pos: int) -> bool:
    return re.search(r"(?:^|[.!?:]\s|\n)[\s\"“‘'(]*$", text[:pos]) is not None


def _titled_person(words: list[str]) -> bool:
    """``title_local_office``: a title and a name of two or three words that the tagger took for an organisation
    is a person: "Trustee Min-jun Park, one of the two who voted against, said …" (not "Premier Tech", one word
    after the title, nor "Chief Justice Commission", an organisation's ending)."""
    rest = words[1:]
    return words[0].rstrip(".").lower() in TITLES and 2 <= len(rest) <= 3 and \
        all(w[:1].isupper() and w[1:2].islower() for w in rest) and \
        rest[-1].lower().rstrip(".") not in ORGANISATION_NAME_ENDINGS and not is_organisation_name(" ".join(rest))


def _resolve_org(m: Mention, state: State) -> str:
    """``speaker_org``: orgs without a leading "The"; a shorter later form folds into an earlier longer one."""
    words = _org_words(m.text)
    while len(words) > 1 and m.kind == "org" and words[0].islower() and any(w[:1].isupper() for w in words[1:]):
        words = words[1:]  # "The independent Board of Harbour Pilots" → "Board of …"
    if m.kind == "org":
        first = m.text.split()[0] if m.text.split() else ""
        words = drop_kind_prefix(words, _sentence_initial(state.text, state.text.rfind(first, 0, m.pos + 1)))
    if m.kind == "generic" or not words or not words[0][:1].isupper():
        return as_written(m.text)
    if _titled_person(words):
        return resolve_person(m, state)
    cleaned = clean_name(m.text)[0]
    if len(cleaned.split()) <= 3 and state.people.lookup(cleaned) is not None:
        return resolve_person(m, state)  # also "Police chief Wendell Ames" tagged as an organisation  # a known person's surname the parser did not tag as a person
    name = " ".join(words)
    key = state.org_suffixes.get(tuple(words))
    if key is None and len(words) == 1 and words[0].isupper():
        key = state.org_acronyms.get(words[0])
    if key is not None:
        _add_form(state, key, m.text)
        return key
    state.orgs[name] = words
    kw = name.split()
    for k in range(1, len(kw) + 1):  # every ending of the name: "New York Post" → ("Post",), ("York", "Post"), …
        state.org_suffixes.setdefault(tuple(kw[-k:]), name)
    state.org_acronyms.setdefault("".join(w[0] for w in kw if w[0].isupper()), name)
    _add_form(state, name, m.text)
    return name


# --------------------------------------------------------------------------------------------------------------
# Timeline of mentions (for pronouns): people and groups outside quotations


def note_mentions(sent: SentInfo, state: State) -> None:
    if sent.furniture:
        return  # ``page_furniture``: its names are no antecedents
    off = chunk_offset(sent)
    named_at: dict[int, str] = {}  # the last token of each person's name run → the person's key
    inside_org = -1  # the end of the organisation name already noted whole
    noted_to = -1  # the same, as a character offset, for a name its acronym spells
    for run, before in name_runs(sent) if sent.tokens else []:
        pos = run[0].idx + off
        if any(q.start <= pos < q.end and q.closed for q in sent.quotes):
            continue  # names inside a quotation are not antecedents (an unclosed stray mark does not hide them)
        if run[0].i < inside_org:
            continue
        whole = _organisation_through_of(run)
        if whole is not None:
            inside_org = whole[-1].i + 1
            surface = state.text[whole[0].idx + off : whole[-1].idx + len(whole[-1].text) + off]
            state.timeline.append(Entry(sent.index, pos, _org_key(surface), "group", 0.7))
            continue
        end = run[-1].idx + len(run[-1].text) + off
        if pos < noted_to or spelled_acronym(state.text, pos, end):
            continue  # ``organisation_acronym_expansion``: "(IRCC)" after the name it spells is that body again
        spelled = acronym_name_at(state.text, pos)
        if spelled is not None:
            noted_to = spelled[1]
            state.timeline.append(Entry(sent.index, pos, _org_key(spelled[2]), "group", 0.7))
            continue
        surface = state.text[pos:end]
        name, roles = clean_name(surface)
        doc = run[0].doc
        if run[0].i > 0 and doc[run[0].i - 1].text[:1].isupper() and doc[run[0].i - 1].pos_ == "ADJ":
            surface = f"{doc[run[0].i - 1].text} {surface}"  # "Russian President Vladimir Putin"
        if _platform(run[-1]):
            continue
        group = _named_group(run)
        if group is not None:
            weight = 2.0 if run[-1].dep_ in ("nsubj", "nsubjpass") else 0.6
            state.timeline.append(Entry(sent.index, pos, group, "group", weight, plural=True))
            continue
        person = state.people.lookup(name, gender_of(None, before + roles)) if name else None
        if person is None:
            if any(t.ent_type_ in ("ORG", "NORP") for t in run) or name.lower() in state.named_orgs or \
                    is_organisation_name(name):
                state.timeline.append(Entry(sent.index, pos, _org_key(surface), "group", 0.7,
                                             plural=run[-1].tag_ == "NNPS" or run[-1].ent_type_ == "NORP"))
            elif unlabelled_name(run, name):
                state.timeline.append(Entry(sent.index, pos, name, "name", 1.0))
            continue
        dep = run[-1].dep_
        if dep == "appos" and run[-1].head.dep_ in ("nsubj", "nsubjpass"):
            dep = run[-1].head.dep_  # ``pronoun_appositive_subject``: "The store's owner, Bernard Quist, had run …"
        weight = 2.0 if dep in ("nsubj", "nsubjpass") else 0.6 if dep in ("pobj", "dobj") else 1.0
        state.timeline.append(Entry(sent.index, pos, person.key, "person", weight))
        _add_form(state, person.key, surface)
        named_at[run[-1].i] = person.key
    _note_named_pairs(sent, state, named_at, off)
    for tok in sent.tokens:
        if in_quote(sent, tok.idx + off) or not sent.start <= tok.idx + off < sent.end:
            continue
        if tok.dep_ == "dobj" and tok.lemma_.lower() in DOCUMENT_NOUNS:
            _note_document(state, tok)
        if tok.tag_ == "NNS" and tok.dep_ in ("nsubj", "nsubjpass") and animate_noun(tok.lower_):
            # ``pronoun_animate``: "they" after "The changes have expanded the program" is not the changes
            state.timeline.append(Entry(sent.index, tok.idx + off, tok.text, "group", 1.0, plural=True))
        elif tok.tag_ == "NN" and tok.lower_ in ROLE_NOUNS and any(c.lower_ == "the" for c in tok.children):
            _note_role(sent, state, tok, off)


def _organisation_through_of(run: list[Any]) -> list[Any] | None:
    """``organisation_name_through_of``: "The University of Northern Alberta will raise tuition. … it said" is the
    university, not "University": an organisation the parser tagged whole goes on through its "of" into the next
    capitalised run (the tokens of the entity from the run on), and is noted once."""
    doc = run[0].doc
    ent = entity_of(run[0])
    if ent is None or ent.label_ != "ORG" or ent.end <= run[-1].i + 1:
        return None
    rest = doc[run[-1].i + 1 : ent.end]
    if not rest or rest[0].lower_ not in ("of", "for", "on") or not all(
            t.text[:1].isupper() or t.lower_ in ("of", "and", "the", "for", "on", "&") for t in rest):
        return None
    return list(run) + list(rest)


def _named_group(run: list[Any]) -> str | None:
    """``pronoun_named_group``: "The" and a name in the plural name a group, the antecedent of "they": "Folk duo The
    Larkspur Sisters cancelled their tour. … they said" is the band ("The Weeping Elms", "The Harbour Boys")."""
    words = [t for t in run if t.lower_ != "the"]
    doc = run[0].doc
    the = run[0].text == "The" or run[0].i > 0 and doc[run[0].i - 1].text == "The"
    if not the or not words or words[-1].tag_ != "NNPS" and not (words[-1].pos_ == "PROPN" and
                                                                  words[-1].text.endswith("s") and len(words) >= 2):
        return None
    return "The " + " ".join(t.text for t in words)


def _note_named_pairs(sent: SentInfo, state: State, named_at: dict[int, str], off: int) -> None:
    """``pronoun_they_named_pair``: "Senators Ines Molnar and Tom Reyes wrote to the agency. … they say." — "they"
    is the two (one speaker, "Ines Molnar and Tom Reyes", as "Molnar and Reyes said" is), not the last plural noun."""
    for i, key in named_at.items():
        tok = sent.tokens[0].doc[i]
        if tok.dep_ not in ("nsubj", "nsubjpass"):
            continue
        others = [named_at[c.i] for c in tok.children if c.dep_ == "conj" and c.i in named_at]
        if others:
            keys = " and ".join(dict.fromkeys([key, *others]))
            state.timeline.append(Entry(sent.index, tok.idx + off, keys, "group", 2.0, plural=True))


_POSTING_VERBS = frozenset("post write tweet say share announce publish comment reply".split())


def _platform(tok: Any) -> bool:
    """``name_platform``: where something was posted is no antecedent: in "In a post on Instagram, they said …"
    "they" is the band, not Instagram ("on X" after a post, a message or a verb of posting)."""
    prep = tok.head
    return tok.dep_ == "pobj" and prep.lower_ == "on" and (
        prep.head.lemma_.lower() in MEDIUM_NOUNS or prep.head.lemma_.lower() in _POSTING_VERBS)


def _note_document(state: State, tok: Any) -> None:
    """``speaker_document``: "Leon Achterberg published a white paper" → the paper speaks for him later."""
    subj = next((c for c in tok.head.children if c.dep_ == "nsubj"), None)
    if subj is None or subj.pos_ != "PROPN":
        return
    name = " ".join(t.text for t in subj.subtree if t.pos_ == "PROPN")
    person = state.people.lookup(clean_name(name)[0])
    state.documents[tok.lemma_.lower()] = person.key if person is not None else _org_key(name)


def _note_role(sent: SentInfo, state: State, tok: Any, off: int) -> None:
    """"I asked the mayor …": a role noun is an antecedent too: the known person it describes, else itself."""
    words = tuple(t.lower_ for t in tok.lefts if t.dep_ in ("det", "amod", "compound")) + (tok.lower_,)
    wanted = _role_words(words)
    weight = 2.0 if tok.dep_ in ("nsubj", "nsubjpass") else 0.6
    match = [p for p in state.people.with_role(wanted) if p.key in state.people.by_key]
    if match:
        state.timeline.append(Entry(sent.index, tok.idx + off, max(match, key=lambda p: p.count).key, "person", weight))
    elif tok.dep_ in ("dobj", "pobj", "nsubj", "nsubjpass"):
        state.timeline.append(Entry(sent.index, tok.idx + off, as_written(" ".join(words)), "role", weight))


def _org_key(surface: str) -> str:
    words = _org_words(surface)
    return " ".join(words) if words else surface


def learn_gender(state: State, speaker: str, cue: Cue) -> None:
    """``speaker_pronoun`` evidence: "Morgan said she would run" makes Morgan female for later pronouns."""
    person = state.people.by_key.get(speaker)
    if person is not None and (person.gender is None or person.gender_guessed) and cue.echo and \
            cue.mention.kind == "person":
        person.gender, person.gender_guessed = ("m" if cue.echo == "he" else "f"), False
