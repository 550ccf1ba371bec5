"""Speaker attribution: who said each sentence, and how ("direct", "indirect" or "narration").

A sieve of small named rules, in the spirit of textacy's quotation rules and the Gender Gap Tracker's quote
extractor. Each rule is tested on an invented sentence that motivates it (tests/test_attribution.py). Modules:
speech/quotes.py pairs quotation marks, speech/cues.py finds the cue of a sentence, speech/resolve.py and
speech/names.py turn the cue's subject into a canonical speaker, speech/sieve.py decides each sentence, and
this module runs them in order on a text.

Quotation marks (speech/quotes.py): ``quote_pairs_double``, ``quote_two_apostrophes`` ('' … ''),
``quote_reversed_opener`` (”What …), ``quote_apostrophes_ignored`` (parents’, it’s, ’90s),
``quote_unclosed_stays_in_paragraph``, ``quote_stray_closer``.

Finding the cue of a sentence (speech/cues.py: ``parsed_cues`` on the spaCy parse, ``pattern_cues`` without it;
speech/nlp.py ``paragraph_starts``: no parsed sentence runs across a paragraph break):
- ``cue_verb``: a speech verb (said, told, added, argued, stated, alleged, claimed, warned, denied, …) outside the
  quotation, with its subject as the speaker: "X said: “…”", "“…”, X said", "“…” said X", "“…,” X said, “…”".
- ``cue_needs_content``: a cue counts only with content: a clause ("said he had", "said that"), a quotation, a
  colon, "accused X of …", or content before it ("…, X said"). "added a goal", "the index added 0.4 per cent",
  "reported receiving" and "is said to be" stay narration.
- ``cue_speech_act``: verbs that name a speech act need only an object ("cited his endorsements", "vowed not to
  repeat it", "called the claims baseless", "spoke of the legacy").
- ``cue_negated``: "did not answer my calls", "it declined to comment" are narration; a speech verb inside
  a relative clause ("a birther who has claimed …") does not make the sentence speech.
- ``cue_according_to``: "according to X" → X.   ``cue_passive_quoted``: "X was quoted as saying …" → X.
- ``cue_conjoined``: "X said … and criticized …", "X issued a statement saying …": the verb borrows the subject.
- ``cue_dash_credit``: "“…” ― Name" / "“…” -Commissioner X" → the credited name.
- ``cue_inside_marks``: misplaced marks around the cue itself (`… to blame, “Putin said through a translator”.`).
- ``cue_cross_check``: when the parse gives the verb a far or quoted subject, a name right before the verb
  ("…, Harbour Master Ida Roe said, …"), an appositive ("Lund, a veteran pilot, said") or "said X" wins.
- ``colon_intro``: "Okafor made the following comment:" introduces the next paragraph.
- ``cue_as_said``: "…, as police have said", "As reported by the Ledger, …" frame the clause they stand in.
- ``cue_occasion_frame``: "In a statement issued Tuesday, Ruiz was more cautious …" reports what Ruiz said there.
- ``headline_name_label``: a line "Ruiz: Budget Will Not Raise Fares" gives the claim to Ruiz.
- ``cue_person_object``: "grilled the bank's chief", "pressed the minister on the delays" (not "grilled steaks").
- ``subject_next_to_verb``: of two subjects the parser gives "said" ("People like Okafor, he said."), the one after
  the comma speaks; an as-phrase hung on the subject ("Ruiz, as the city's mayor, argued") does not hide it.
- ``source_frame`` / ``before_source_frame``: "That's the message from X", "So says X", "That's according to X"
  give the frame and the sentence before it to X.
- ``cue_in_the_words_of``: "In the words of X, …" at a start or after punctuation.
- ``cue_clause_after_place``: "told reporters outside the courthouse that justice had been served" keeps its
  clause; ``cue_call_object``: "called a penalty", "called a strike" are no speech ("called on the province to
  pay" is).
- ``subject_across_sentences``: where the parser ran two sentences together and left "said" without a subject,
  the noun right before the verb, hung on the sentence before, is its subject.
Who the subject is (speech/resolve.py, speech/names.py):
- ``speaker_name``: one canonical name per person per text, the first longest "First Last" form, titles and roles
  stripped ("Russian President Vladimir Putin", "Mr Putin", "Putin" → "Vladimir Putin"); nicknames, suffixes
  (Jr.), hyphenated names, "the mayor’s campaign manager Ida Roe" → "Ida Roe".
- ``speaker_coordinated``: "Ms. Park and Mr. Lund say" → both names.
- ``speaker_pronoun``: he/she/they/it → the most salient compatible antecedent: gender (Mr/Ms, common first names,
  "Morgan said she …" agreement), number, recency, subject and speaker roles; names inside quotations never count;
  an unnamed role ("I asked the mayor … “Absolutely,” he said") and an organisation that spoke ("The company
  said …; it said …") are antecedents too; a plural thing is no antecedent of "they" (``pronoun_animate``), two
  named subjects are (``pronoun_they_named_pair``).
- ``speaker_description``: "the Russian leader", "the senator" → the person whose role words match, else the most
  salient compatible speaker.
- ``speaker_body_based``: "The Ottawa-based company" is a body, not a person; ``speaker_police_force``: "police
  said" → the force named before; ``speaker_lower_case_noun``: "the cheerful baker" is a description, no name;
  ``description_not_the_told``: a name told something after a description is not the description's person;
  ``pronoun_named_group``: "The Larkspur Sisters said … they" is a plural group; ``subject_joined_roles``:
  "Councillor and advocate X" is X; ages and roles stay as written ("The mayor"); ``description_other_role``:
  "the 26-year-old winger" is not the coach or captain named before it; ``union_of_workers``: "the union" is the
  "Alberta Teachers' Association" named before; ``organisation_local_number``: "Amalgamated Transit Union Local
  279" keeps its number and is "the union"; ``name_plural_possessive``: "Ontario Nurses’ Association" is one name;
  ``speaker_team``: "the team said" is the team named just before ("The Calgary Stampeders");
  ``description_title_abbreviation``: "the councillor" is "Coun. X", "the CEO" the chief executive, "the judge"
  Justice X; ``organisation_name_through_of``: "it" after "The University of Northern Alberta" is the whole name;
  ``person_of_place``: "Jan de Vries of Lacombe" is de Vries; ``person_by_elected_title``: "MLA X", "Mayor X";
  ``description_public_agency``: "the agency" after "Health Canada"; ``company_not_union``: "the company" is never
  the union; ``title_local_office``: "Trustee X", "Reeve X" are people.
- ``organisation_acronym_expansion``: "Immigration, Refugees and Citizenship Canada (IRCC)" is one name, as its
  acronym spells it; ``organisation_civic_of``: "The City of Ottawa"; ``acronym_then_one_word``: "OC Transpo";
  ``document_bulletin``: "A bargaining update posted by the union says …" is the union's.
- ``speaker_org``: organisations and groups as written, without a leading "The" or adjectives ("The independent
  Board of Harbour Pilots" → "Board of Harbour Pilots"; later "The Courier" folds into "Harbour Courier"); generic sources ("officials", "a source") as written.
- ``speaker_parenthesis``: "Marcia Price (D-Newport News) said" → Marcia Price.
- ``speaker_first_person``: the writer's "I"/"we"/"my …" and the reader's "you" are no source; nor are datelines
  ("LOS ANGELES (AP) —") or words such as "each", "this".
Which sentences are speech (speech/sieve.py: ``RULES``, an ordered list that one loop runs; the first rule that
decides a sentence wins, and the sentence records its name):
- ``direct_cued``: a quotation with a cue in its sentence.
- ``direct_group``: a quotation that spans several sentences, or continues into a paragraph that opens with a
  mark after an unclosed one, takes the cue found anywhere in it.
- ``direct_cue_after``: a quotation followed in its paragraph by the sentence holding the cue ("she said", a dash
  credit). A bare "Putin said." after a sentence that ends in a quotation credits that quotation, and the bare cue
  sentence is "direct" too: a reader takes the stray full stop for the comma of "“…”, Putin said."
  (``bare_cue_no_object``: "Hull added a late penalty." is no bare cue: its object is a thing).
- ``direct_after_subject``: a pure quotation right after a narration sentence whose main subject is a person the
  text names is that person's ("Mayor Ana Ruiz has backed the plan since March.\n\n“It is the only way.”").
- ``direct_floating``: a quotation with no cue continues the previous speaker of this or the previous paragraph.
- ``transcript_label``: "WALLACE: Let's start …" gives its paragraph to the labelled speaker.
- ``indirect_cued``: reported speech without marks ("X said he…", "according to X", "X told NBC that…").
- ``letter_signed``: in a text marked as a letter to the editor ("LETTER: …", "Letters to the editor"), the
  sentences before a signature line ("Gordon Baptiste, Surrey") with no speaker of their own are the signer's.
- ``narration_filters``: headlines, bylines, author bio lines, "Editor's note", "Follow X on Twitter" are
  narration; short scare quotes (“fake news”) in a sentence without a cue are not quotations.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..text.documents import parse_header
from ..schema import Sentence
from ..text.sentences import paragraph_spans, split_sentences
from .cues import (
    SentInfo,
    dash_credit,
    cross_check,
    mark_inside_cues,
    parsed_cues,
    pattern_cues,
    tokens_of,
)
from .furniture import mark_furniture
from .nlp import parse_chunks
from .quotes import QuoteIndex, quote_spans, quoted_chars, spans_in
from .resolve import State, register_entities
from .sieve import decide


@dataclass
class AttributedText:
    """Every sentence of a text with its speaker, and the surface forms folded into each canonical speaker."""

    sentences: list[Sentence]
    aliases: dict[str, list[str]] = field(default_factory=dict)
    rules: list[str] = field(default_factory=list)
    """The sieve rule that decided each sentence (speech/sieve.py ``RULES``), in sentence order."""


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
    mark_furniture(text, sents)
    body = [s for s in sents if not s.furniture]
    people, organisations = register_entities(text, body)
    state = State(text=text, people=people, named_orgs=organisations)
    for sent in sents:
        if sent.furniture:
            continue  # ``page_furniture``: no cue of its own
        mark_inside_cues(text, sent)
        sent.cues = cross_check(parsed_cues(text, sent, people), pattern_cues(text, sent)) if sent.tokens \
            else pattern_cues(text, sent)
        sent.cues += dash_credit(text, sent)
    decide(sents, state)
    sentences = [
        Sentence(s.start, s.end, text[s.start : s.end], s.paragraph, s.speaker, s.attribution)  # type: ignore[arg-type]
        for s in sents
    ]
    used = {s.speaker for s in sentences if s.speaker}
    aliases = {k: v for k, v in state.forms.items() if k in used}
    for key in used:  # ``person_description``: "the union's leader" is an alias of the person it describes
        person = state.people.by_key.get(key or "")
        if person is not None and person.descriptions:
            known = aliases.setdefault(key or "", [])
            known.extend(d for d in person.descriptions if d not in known)
    return AttributedText(sentences, aliases, [s.rule for s in sents])


def _make_sent(i: int, s: int, e: int, p: int, text: str, quotes: QuoteIndex, chunks: list) -> SentInfo:
    mine = spans_in(quotes, s, e)
    tokens, offset = tokens_of(chunks, s, e)
    return SentInfo(i, s, e, p, mine, quoted_chars(mine, s, e), tokens, offset=offset)
