"""People in one text: name clean-up, gender, role words and folding every alias into one canonical name.

Rules:
- ``name_strip_titles``: "Russian President Vladimir Putin", "Mr Putin", "Sen. Ted Cruz" → the bare name; the
  stripped words become role words (russian, president) and titles give gender (Mr → male, Ms → female).
- ``name_canonical_first_full``: the canonical name of a person is the longest "First Last" form seen in the text
  (the first one when several are as long); "Putin" and "Mr Putin" fold into "Vladimir Putin".
- ``name_same_surname``: two different first names with one surname are two people; a bare surname goes to the
  one mentioned most.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .lexicon import (
    HEADLINE_VERBS,
    HONORIFICS,
    CENSUS_GENDERS,
    FEMALE_NAMES,
    FEMALE_ROLES,
    FEMALE_TITLES,
    MALE_NAMES,
    MALE_ROLES,
    MALE_TITLES,
    NAME_PARTICLES,
    PRONOUNS_FEMALE,
    PRONOUNS_FIRST,
    PRONOUNS_MALE,
    PRONOUNS_PLURAL,
    ROLES_AND_TITLES,
    TITLES,
)

_FUNCTION_WORDS = frozenset(
    "but and or so then when if as in on at the a an while after before because since though yet also said says"
    " asked added".split()
)
_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
_NAME_TOKEN = re.compile(r"^[A-Z][\w'’.\-]*$")


@dataclass
class Person:
    """One person of a text, with every surface form that was folded into it."""

    key: str
    first: str | None
    surname: str
    full: str
    gender: str | None = None  # "m" | "f" | None
    gender_guessed: bool = False  # the gender came from the census first names only: the text may override it
    roles: set[str] = field(default_factory=set)
    forms: list[str] = field(default_factory=list)
    count: int = 0
    descriptions: list[str] = field(default_factory=list)  # "the union's leader": aliases, not names

    def add_descriptions(self, descriptions: list[str]) -> None:
        for d in descriptions:
            if d not in self.descriptions:
                self.descriptions.append(d)

    def add_form(self, form: str) -> None:
        form = form.strip()
        if form and form not in self.forms:
            self.forms.append(form)


def _in_surname(words: list[str], k: int) -> bool:
    """``name_particles``: "van", "der", "de" between a capitalised word and the rest of a surname are part of the
    name ("Anna van der Berg", "Jan de Vries"), not a role word the name follows ("city manager Ida Roe")."""
    def capital(i: int) -> bool:
        return 0 <= i < len(words) and words[i][:1].isupper()

    def particle(i: int) -> bool:
        return 0 <= i < len(words) and words[i].lower() in NAME_PARTICLES

    if not particle(k):
        return False
    first, last = k, k
    while particle(first - 1):
        first -= 1
    while particle(last + 1):
        last += 1
    return capital(first - 1) and capital(last + 1)


def clean_name(surface: str) -> tuple[str, list[str]]:
    """``("Vladimir Putin", ["russian", "president"])`` from "Russian President Vladimir Putin’s"."""
    surface = re.sub(r"\s*[\"“][^\"“”]{1,20}[\"”]\s*", " ", surface)  # nicknames: Marcia "Cia" Price
    words = surface.replace("\n", " ").split()
    if words:
        words[-1] = _POSSESSIVE.sub("", words[-1])
    stop = next((k for k, w in enumerate(words) if k > 0 and w.lower() in HEADLINE_VERBS), None)
    if stop is not None:
        words = words[:stop]  # a title-case headline run: "Ruiz Says Harbour Museum …" → "Ruiz"
    roles: list[str] = []
    while len(words) > 1 and words[0].lower() in _FUNCTION_WORDS:
        words.pop(0)  # "But Trump", "When Putin" (a sentence-initial word tagged as part of the name)
    while len(words) > 1 and _is_role_word(words):
        roles.append(words.pop(0).rstrip(".").lower())
    cut = max((k for k, w in enumerate(words[:-1]) if w[:1].islower() and not _in_surname(words, k)
               or _POSSESSIVE.search(w) or w.rstrip(".").lower() in TITLES), default=-1)  # "… Minister Ngozi Okonjo-Iweala"
    if cut >= 0:  # "the mayor’s campaign manager Ida Roe" → "Ida Roe"
        roles.extend(w.rstrip(".").lower() for w in words[: cut + 1])
        words = words[cut + 1 :]
    first_known = bool(words) and (words[0].lower() in MALE_NAMES or words[0].lower() in FEMALE_NAMES)
    for k in range(1, len(words) - 1):
        if first_known:
            break  # "Robert Alan Hale": a middle name is no reason to cut
        if words[k].lower() in MALE_NAMES or words[k].lower() in FEMALE_NAMES:
            roles.extend(w.rstrip(".").lower() for w in words[:k])  # "Transport Ana M. Duarte" → "Ana M. Duarte"
            words = words[k:]
            break
    if words and words[0].rstrip(".").lower() in HONORIFICS and len(words) == 1:
        roles.append(words.pop(0).rstrip(".").lower())
    name = " ".join(w for w in words if w)
    return name, roles


def _is_role_word(words: list[str]) -> bool:
    """Is ``words[0]`` a title or description before the name ("Russian" in "Russian President X")?"""
    word = words[0]
    if word.rstrip(".").lower() in TITLES or not _NAME_TOKEN.match(word):
        return True
    if word.isupper() and len(word) > 1 and "." not in word and (len(words) > 2 or words[1].isupper()):
        # FBI Director James Comey. ``acronym_then_one_word``: with one word after it, an acronym is part of a
        # name, not a role before a surname: "OC Transpo warned riders", "BC Hydro said" (not "Transpo", "Hydro");
        # a headline in capitals ("EDGAR ALLEN POE WAS …") is no such name
        return True
    return len(words) > 2 and words[1].rstrip(".").lower() in TITLES


def drop_role_prefix(name: str, roles: list[str], initial: bool) -> tuple[str, list[str]]:
    """``name_role_prefix``: "Analyst Freya Lund", "Nurse Ana Ruiz", "Goalkeeper Ole Brandt": a capitalised role
    word before a First Last name, at the start of a sentence (or a known role/title anywhere), is a role word, not a
    first name. A known first name is never dropped ("Mary Ann Smith")."""
    parts = name.split()
    if len(parts) < 3 or parts[0].lower() in MALE_NAMES | FEMALE_NAMES or not parts[1][:1].isupper():
        return name, roles
    if initial or parts[0].rstrip(".").lower() in ROLES_AND_TITLES:
        return " ".join(parts[1:]), roles + [parts[0].rstrip(".").lower()]
    return name, roles


def gender_of(first: str | None, roles: list[str] | set[str]) -> str | None:
    """Gender from a title or role word first, else from a common first name; None when unknown."""
    lowered = {r.lower() for r in roles}
    if lowered & (MALE_TITLES | MALE_ROLES):
        return "m"
    if lowered & (FEMALE_TITLES | FEMALE_ROLES):
        return "f"
    if first:
        name = first.rstrip(".").lower()
        if name in MALE_NAMES and name not in FEMALE_NAMES:
            return "m"
        if name in FEMALE_NAMES and name not in MALE_NAMES:
            return "f"
    return None


def census_gender(first: str | None) -> str | None:
    """``first_name_census``: the gender most bearers of this first name have ("Nadia", "Tomas", past the hand
    lists), a guess that the text's own evidence (a title, a pronoun that refers back) overrides."""
    return CENSUS_GENDERS.get(first.rstrip(".").lower()) if first else None


_SUFFIXES = frozenset("jr jr. sr sr. ii iii iv".split())


def _surname(parts: list[str]) -> str:
    """The last name, skipping a suffix: "Martin Luther King Jr." → "King"."""
    if len(parts) > 1 and parts[-1].lower().rstrip(",") in _SUFFIXES:
        return parts[-2].rstrip(",")
    return parts[-1]


@dataclass
class People:
    """The registry of people of one text, keyed by canonical name, with indexes by surname, first name and role
    word (``bounded_lookup``: a text with tens of thousands of names must not scan them all for each mention)."""

    by_key: dict[str, Person] = field(default_factory=dict)
    by_surname: dict[str, list[Person]] = field(default_factory=dict)
    by_first: dict[str, list[Person]] = field(default_factory=dict)
    by_role: dict[str, list[Person]] = field(default_factory=dict)

    def _index(self, person: Person) -> None:
        self.by_key[person.key] = person
        self.by_surname.setdefault(person.surname.lower(), []).append(person)
        if person.first:
            self.by_first.setdefault(person.first.lower(), []).append(person)

    def with_role(self, words: set[str], limit: int = 50) -> list[Person]:
        """The people with any of these role words (the last ``limit`` registered per word: bounded work), each
        once."""
        seen: dict[int, Person] = {}
        for w in words:
            for p in self.by_role.get(w, [])[-limit:]:
                seen.setdefault(id(p), p)
        return list(seen.values())

    def add_full(self, surface: str, name: str, roles: list[str]) -> Person | None:
        """Register a mention with a first name ("Vladimir Putin"); returns its person."""
        parts = name.split()
        if len(parts) < 2:
            return None
        known = self._by_particle_surname(parts)
        if known is not None:
            self._note(known, surface, roles, None)
            return known
        first, surname = parts[0], _surname(parts)
        person = self._find(surname, first)
        if person is None:
            person = Person(key=name, first=first, surname=surname, full=name)
            self._index(person)
        elif len(name) > len(person.full) and first == person.first:
            pass  # keep the first full form as canonical (a middle initial does not rename)
        self._note(person, surface, roles, first)
        return person

    def add_bare(self, surface: str, name: str, roles: list[str]) -> Person:
        """Register a surname-only mention ("Mr Putin", "Putin"); creates a person when none matches (nor agrees
        with its title's gender: ``surname_title_gender``)."""
        surname = _surname(name.split()) if name else surface
        person = self._find(surname, None, gender_of(None, roles))
        if person is None:
            person = Person(key=surname, first=None, surname=surname, full=surname)
            self._index(person)
        known_first = surname.lower() in MALE_NAMES or surname.lower() in FEMALE_NAMES
        self._note(person, surface, roles, surname if known_first and person.first is None else None)
        return person

    def lookup(self, name: str, gender: str | None = None) -> Person | None:
        """The person ``name`` refers to; ``gender`` is what the mention's own title or role says (Ms → "f"): a
        bare surname never goes to a person of the other gender (``surname_title_gender``)."""
        parts = name.split()
        if not parts:
            return None
        known = self._by_particle_surname(parts)
        if known is not None:
            return known
        found = self._find(_surname(parts), parts[0] if len(parts) > 1 else None, gender)
        if found is None and len(parts) >= 3:  # "Analyst Freya Lund" → "Freya Lund" (``name_role_prefix``)
            return self._find(_surname(parts), parts[1])
        return found

    def _by_particle_surname(self, parts: list[str]) -> Person | None:
        """``name_particles``: "De Vries" after "Jan de Vries" is that person, not a new one with the first name
        "De"; "Van Jones" with no "… van Jones" before is a name of its own."""
        if len(parts) < 2 or parts[0].lower() not in NAME_PARTICLES:
            return None
        tail = " " + " ".join(parts).lower()
        return next((p for p in self.by_surname.get(_surname(parts).lower(), []) if p.full.lower().endswith(tail)), None)

    def _find(self, surname: str, first: str | None, gender: str | None = None) -> Person | None:
        same = self.by_surname.get(surname.lower(), [])
        if gender is not None and same:  # ``surname_title_gender``: "Ms. Hadley" is not "Tom Hadley", her brother
            same = [p for p in same if p.gender in (None, gender) or p.gender_guessed]
            if not same:
                return None
        if first is not None:
            exact = [p for p in same if p.first and p.first.lower() == first.lower()]
            if exact:
                return exact[0]
            bare = [p for p in same if p.first is None]
            if bare:  # "Putin" seen before "Vladimir Putin": upgrade that person
                person = bare[0]
                del self.by_key[person.key]
                person.first, person.full, person.key = first, f"{first} {surname}", f"{first} {surname}"
                self.by_key[person.key] = person
                self.by_first.setdefault(first.lower(), []).append(person)
                return person
            return None
        if not same:  # "Xi" for "Xi Jinping", "Melanie" for "Melanie Austin": a bare name that is a first name
            same = self.by_first.get(surname.lower(), [])
            if len(same) != 1:
                return None
        return max(same, key=lambda p: p.count)

    def _note(self, person: Person, surface: str, roles: list[str], first: str | None) -> None:
        person.count += 1
        person.add_form(surface)
        for r in roles:
            if r and r not in person.roles:
                person.roles.add(r)
                self.by_role.setdefault(r, []).append(person)
        if person.gender is None or person.gender_guessed:
            said = gender_of(first or person.first, roles)
            if said is not None:
                person.gender, person.gender_guessed = said, False
            elif person.gender is None:
                person.gender = census_gender(first or person.first)
                person.gender_guessed = person.gender is not None


_DESCRIPTION_OPENERS = frozenset("the a an this that his her its their our".split())
_PRONOUNS = PRONOUNS_MALE | PRONOUNS_FEMALE | PRONOUNS_PLURAL | PRONOUNS_FIRST | {"it", "you"}


def is_description(speaker: str) -> bool:
    """``speaker_table_entities``: a speaker the text never named ("The company", "The 26-year-old", "Her office")
    stays on its sentences as written but is no entry of the speaker table, which lists people, organisations and
    named groups ("The Associated Press" is a name: its second word is capitalised)."""
    words = speaker.split()
    if len(words) == 1 and words[0].lower() in _PRONOUNS:
        return True  # "They" with no one to point to
    return len(words) >= 2 and words[0].lower() in _DESCRIPTION_OPENERS and not words[1][:1].isupper()


_ACRONYM_BEFORE = re.compile(r"([A-Z][\w’'&,\s-]{3,120}?)\s*\(([A-Z][A-Za-z]{1,7})\)\s+$")
_NAME_CONNECTORS = frozenset("and of the for on & de du des la et".split())
_NAME_THEN_ACRONYM = re.compile(
    r"(?:(?:[A-Z][\w’'&-]*|and|of|&|the|for|on)(?![\w’'&-])|,|\s)+?(?=\s*\(([A-Z][A-Za-z]{1,7})\))")
"""Whole words only (no split inside a word), so that a long run of capitals cannot make the match backtrack."""
_BRANCH_AFTER = re.compile(r"\)\s+((?:Local|Lodge)\s+\d+)\b")


def _acronym_start(text: str, end: int, acronym: str) -> int | None:
    """Where the name ending at ``end`` begins whose capitalised words (or their hyphenated parts) spell
    ``acronym``, walking back over connectors and commas; None when no run of the text spells it."""
    base = max(0, end - 160)
    parts, firsts = "", ""  # the initials with and without the parts of hyphenated words ("Thompson-Nicola")
    for hit in reversed(list(re.finditer(r"[\w’'&-]+|,", text[base:end]))):
        word = hit.group(0)
        if word == "," or word.lower() in _NAME_CONNECTORS:
            continue
        if not word[:1].isupper():
            return None
        parts = "".join(p[0] for p in word.split("-") if p[:1].isupper()) + parts
        firsts = word[0] + firsts
        if acronym.upper() in (parts.upper(), firsts.upper()):
            return base + hit.start()
        if len(firsts) >= len(acronym):
            return None
    return None


def acronym_name_at(text: str, pos: int) -> tuple[int, int, str] | None:
    """``organisation_acronym_expansion``: an organisation's name is the run of words its acronym in parentheses
    spells. The parse cuts such names at a comma or an "and": "Immigration, Refugees and Citizenship Canada (IRCC)
    said" is not "Citizenship Canada". Here: the whole name around a mention that starts at ``pos`` and whose words
    run on to such an acronym (a leading "The" aside), with a branch written after the acronym ("… Workers (UWLW)
    Local 117"), as (start, end, name); None when the words from ``pos`` reach no acronym that spells them."""
    hit = _NAME_THEN_ACRONYM.match(text, pos)
    if hit is None:
        return None
    name_end = len(text[: hit.end()].rstrip(" ,"))
    begin = _acronym_start(text, name_end, hit.group(1))
    if begin is None or begin > pos and text[pos:begin].strip().lower() != "the":
        return None
    name, end = " ".join(text[begin:name_end].split()), name_end
    branch = _BRANCH_AFTER.match(text, text.index(")", name_end))
    if branch is not None:
        name, end = f"{name} {branch.group(1)}", branch.end(1)
    return begin, end, name


def acronym_expansion(text: str, start: int, end: int) -> str | None:
    """``organisation_acronym_expansion`` for the mention ``text[start:end]`` as the parse found it: the name
    ``acronym_name_at`` finds from it, or, for a branch written after the acronym ("The United Warehouse and
    Logistics Workers (UWLW) Local 117 said", where the parse keeps "Local 117"), the spelled name before it and the
    branch. None when no acronym is beside it."""
    spelled = acronym_name_at(text, start)
    if spelled is not None:
        return spelled[2]
    before = _ACRONYM_BEFORE.search(text[max(0, start - 160) : start])
    if before is not None and text[start:start + 1].isupper():
        name_end = max(0, start - 160) + before.end(1)
        begin = _acronym_start(text, name_end, before.group(2))
        if begin is not None:
            return " ".join(text[begin:name_end].split()) + " " + " ".join(text[start:end].split())
    return None


def spelled_acronym(text: str, start: int, end: int) -> bool:
    """Is ``text[start:end]`` an acronym in parentheses right after the name it spells ("… Citizenship Canada
    (IRCC)")?"""
    acronym = text[start:end]
    if not (re.fullmatch(r"[A-Z][A-Za-z]{1,7}", acronym) and text[start - 1 : start] == "(" and text[end : end + 1] == ")"):
        return False
    return _acronym_start(text, len(text[: start - 1].rstrip()), acronym) is not None
