"""Checking a quote: "Did X say '…'?", "Is it true that X said '…'?", "Who said '…'?" and a quote pasted alone.

Three steps, the first two pure functions of text:

1. **Reading** (:func:`parse_quote_question`): the words inside the quote marks (straight, curly, single, « »),
   and the person the question names, if any. A partial quote ("Did Brenner call it 'a fair offer'?") is the part
   inside the marks; a question without quote marks is not a quote check (it is answered as before).
2. **Aligning** (:func:`align`): the quote's words against a sentence's, word by word: the fewest words changed,
   dropped or added (a word-level edit distance whose ends are free in the sentence, so that the sentence's words
   before and after the stretch the quote covers are context, not differences, and a partial quote can be
   verbatim, unless the cut leaves out a negation next to it: "a single penny …" from "Not a single penny …");
   words are folded for case, quote marks and apostrophes; punctuation and spacing are not words. The result: how
   many words differ, the character spans of the differing words on each side, and whether a negation, a number,
   a date or a name is among them.
3. **Deciding** (:func:`check_quote`, over a snapshot): candidates by the fused dense + BM25 score of the quote
   itself (:mod:`retrieval`, without its near-duplicate pruning: the same words credited to two people are both
   kept), and, when none of those is theirs and close, among the named speaker's own sentences; those that share
   enough words are aligned; then the verdict: ``verbatim`` (no word
   differs), ``close`` (few enough differ: :data:`CLOSE_MIN_SHARED`, :data:`CLOSE_MAX_DIFFER`; failing that, the words
   inside a candidate's quote marks mean nearly the same: :data:`DENSE_CLOSE`), ``other_speaker``
   (the words, exact or close, are credited to someone other than the person named) or ``not_found``.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import AssistantError
from ..schema import Answer, Passage, QuoteCheck, QuoteMatch
from ..speech.lexicon import (CUE_ONLY_FILLER, DATE_WORDS, HONORIFICS, NEGATION_WORDS, NUMBER_WORDS,
                               QUOTE_QUESTION_FORMS, TITLES, regex_alternatives)
from .answers import citation, escape_markdown, is_who_said, passage_line

if TYPE_CHECKING:
    import numpy as np

    from ..store.snapshot import Location, Snapshot

# ----- 1. reading the question -----

OPENING_MARKS = {'"': '"”“', "“": "”“\"", "„": "“”\"", "«": "»", "»": "«", "‘": "’'", "'": "'’", "‚": "‘’'"}
"""Each opening quote mark and the marks that may close it (curly pairs, German „…“, guillemets, singles)."""
_SINGLE = set("'‘’‚")
_BEFORE_OPENING = set(" \t\n(:[—–-/")
_AFTER_SINGLE_CLOSING = set(" \t\n?.!,;:)]—–-/")

_VERBS = regex_alternatives(QUOTE_QUESTION_FORMS)
_ADVERBS = r"(?:(?:really|ever|actually|also|just|once|publicly|truly|in\s+fact|indeed|recently)\s+)*"
_DID = re.compile(
    r"^\W*(?:(?:so|and|but|then)\s+)?(?:did|does|do|has|have|had|would)\s+(?P<name>.+?)\s+" + _ADVERBS
    + r"(?:" + _VERBS + r")\b",
    re.IGNORECASE,
)
_QUOTED_AS = re.compile(
    r"^\W*(?:was|were|is|has|have)\s+(?P<name>.+?)\s+" + _ADVERBS + r"(?:been\s+)?(?:quoted|heard|recorded)\b",
    re.IGNORECASE,
)
_IS_IT_TRUE = re.compile(
    r"^\W*(?:is\s+it\s+(?:true|right|correct|accurate)|was\s+it|true\s+or\s+false|did\s+you\s+know)\s*,?\s*"
    r"(?:that\s+)?(?P<name>.+?)\s+" + _ADVERBS + r"(?:" + _VERBS + r")\b",
    re.IGNORECASE,
)
_CHECK_WORDS = re.compile(
    r"^\W*(?:(?:please\s+)?(?:check|verify|fact[- ]?check)(?:\s+(?:this|that|the)\s*(?:quote)?)?|quote|"
    r"is\s+this\s+(?:quote\s+)?(?:real|true|genuine|accurate)|real\s+or\s+fake)\W*$",
    re.IGNORECASE,
)
_PROPER_NAME = r"(?:Mr|Mrs|Ms|Dr)?\.?\s*[A-Z][\w.'’-]*(?:\s+(?:[A-Z][\w.'’-]*|de|da|van|von|der|al|bin|la|le))*"
"""A name as it signs a pasted quote ("Putin:", "— Jane Doe"): capitalised words (and the particles of names)."""
_NAME_COLON = re.compile(r"^\W*(?P<name>" + _PROPER_NAME + r")\s*(?:[:—–]|\s-|\s+(?:said|says|wrote))\s*:?\s*$")
_DASH_NAME = re.compile(r"^\s*[,]?\s*[—–-]+\s*(?P<name>" + _PROPER_NAME + r")\W*$")
_TOPIC_WORDS = re.compile(r"\b(?:about|regarding|concerning|anything|something)\b", re.IGNORECASE)
"""Between the verb and the quote, these make it a question about a topic ("Did X say anything about 'hackers'?")."""
_NOT_A_NAME = {"he", "she", "they", "it", "you", "we", "i", "anyone", "anybody", "someone", "somebody", "one", "who",
               "people", "the article", "the text", "the texts", "this", "that", "there"}


@dataclass(frozen=True)
class QuoteQuestion:
    """A question that asks whether words were said: ``quote`` as the user gave it (inside the marks), ``name`` the
    person named as typed (None for "Who said …?" and a quote without a name), ``form`` how it was asked."""

    quote: str
    name: str | None
    form: str  # "did" | "who" | "pasted"


def quoted_part(text: str) -> tuple[int, int] | None:
    """The [start, end) of the longest stretch inside matching quote marks (the marks excluded), or None.

    An opening mark must start the text or follow a space or ``( : [ —``; a single mark closes only before a space,
    punctuation or the end, so that the apostrophes of "can't" and "Putin's" are not quote marks."""
    best: tuple[int, int] | None = None
    for i, mark in enumerate(text):
        if mark not in OPENING_MARKS or (i > 0 and text[i - 1] not in _BEFORE_OPENING):
            continue
        closers = OPENING_MARKS[mark]
        for j in range(i + 2, len(text)):
            if text[j] not in closers or text[j - 1].isspace():
                continue
            if mark in _SINGLE and j + 1 < len(text) and text[j + 1] not in _AFTER_SINGLE_CLOSING:
                continue
            if re.search(r"\w", text[i + 1:j]) and (best is None or j - i - 1 > best[1] - best[0]):
                best = (i + 1, j)
            break
    return best


def _name(text: str | None) -> str | None:
    if text is None:
        return None
    name = re.sub(r"\s+", " ", text).strip(" \t\"'“”‘’,.:;!?-—–")
    if not name or name.lower() in _NOT_A_NAME or len(name) > 80 or len(name.split()) > 8:
        return None
    return name


def parse_quote_question(question: str) -> QuoteQuestion | None:
    """The quote a question asks about and whom it names, or None when the question is not a quote check."""
    span = quoted_part(question)
    if span is None:
        return None
    start, end = span
    quote = re.sub(r"\s+", " ", question[start:end]).strip()
    before = re.sub(r"\s+", " ", question[: start - 1].replace("’", "'")).strip()
    after = question[end + 1:].strip()
    if is_who_said(before):
        return QuoteQuestion(quote, None, "who")
    for pattern in (_IS_IT_TRUE, _DID, _QUOTED_AS):
        match = pattern.match(before)
        if match:
            if _TOPIC_WORDS.search(before[match.end():]):
                return None
            return QuoteQuestion(quote, _name(match.group("name")), "did")
    if re.fullmatch(r"[\W_]*", after) or _DASH_NAME.match(after):
        signed = _DASH_NAME.match(after)
        if not before or re.fullmatch(r"[\W_]*", before) or _CHECK_WORDS.match(before):
            return QuoteQuestion(quote, _name(signed.group("name")) if signed else None, "pasted")
        named = _NAME_COLON.match(before)
        if named and not signed:
            return QuoteQuestion(quote, _name(named.group("name")), "pasted")
    return None


# ----- 2. aligning a quote with a sentence -----

_WORD = re.compile(r"\d+(?:[.,:]\d+)*%?|[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)


@dataclass(frozen=True)
class Word:
    key: str  # folded: lower case, ’ as '
    start: int
    end: int


def words(text: str) -> list[Word]:
    """The words of ``text`` with their character spans; punctuation, quote marks and spacing are not words."""
    return [Word(m.group().lower().replace("’", "'"), m.start(), m.end()) for m in _WORD.finditer(text)]


@dataclass(frozen=True)
class Alignment:
    """A quote aligned with a sentence. ``ops`` are difflib opcodes over the two word lists, trimmed to the stretch
    of the sentence the quote covers (``covered``: its first and last word + 1)."""

    quote_words: list[Word]
    source_words: list[Word]
    ops: list[tuple[str, int, int, int, int]]
    covered: tuple[int, int]

    @property
    def words_differ(self) -> int:
        """Words changed, dropped or added: a changed pair counts once, a replaced stretch by its longer side."""
        return sum(max(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in self.ops if tag != "equal")

    @property
    def shared(self) -> int:
        return sum(i2 - i1 for tag, i1, i2, _, _ in self.ops if tag == "equal")

    @property
    def shared_share(self) -> float:
        """Shared words over the longer of the quote and the stretch it covers (1.0: verbatim)."""
        longest = max(len(self.quote_words), self.covered[1] - self.covered[0], 1)
        return self.shared / longest

    def _spans(self, side: str) -> list[tuple[int, int]]:
        found: list[tuple[int, int]] = []
        for tag, i1, i2, j1, j2 in self.ops:
            if tag == "equal":
                continue
            lo, hi, seq = (i1, i2, self.quote_words) if side == "quote" else (j1, j2, self.source_words)
            if hi > lo:
                found.append((seq[lo].start, seq[hi - 1].end))
        return found

    @property
    def quote_spans(self) -> list[tuple[int, int]]:
        return self._spans("quote")

    @property
    def source_spans(self) -> list[tuple[int, int]]:
        return self._spans("source")

    def changed(self) -> tuple[list[Word], list[Word]]:
        """The differing words of the quote and of the sentence."""
        quote = [w for tag, i1, i2, _, _ in self.ops if tag != "equal" for w in self.quote_words[i1:i2]]
        source = [w for tag, _, _, j1, j2 in self.ops if tag != "equal" for w in self.source_words[j1:j2]]
        return quote, source


def _edit_table(quote: np.ndarray, source: np.ndarray, free_ends: bool = True) -> np.ndarray:
    """Word edit distances with the sentence's ends free: ``table[i, j]`` is the fewest words changed, dropped or
    added to turn the quote's first ``i`` words into some stretch of the sentence ending at word ``j``. One row per
    quote word, vectorised along the sentence (the row's left-to-right dependence is a running minimum)."""
    import numpy as np

    n, m = len(quote), len(source)
    table = np.zeros((n + 1, m + 1), dtype=np.int32)
    steps = np.arange(m + 1, dtype=np.int32)
    if not free_ends:  # the whole source: its words before the quote's first are added words
        table[0] = steps
    for i in range(1, n + 1):
        above = table[i - 1]
        best = np.empty(m + 1, dtype=np.int32)
        best[0] = above[0] + 1
        best[1:] = np.minimum(above[:-1] + (source != quote[i - 1]), above[1:] + 1)
        table[i] = np.minimum.accumulate(best - steps) + steps
    return table


def _opcodes(table: np.ndarray, quote: np.ndarray, source: np.ndarray,
             free_ends: bool = True) -> list[tuple[str, int, int, int, int]]:
    """The alignment traced back from the best end, as difflib-style opcodes (equal / replace / delete / insert)."""
    last = table[len(quote)]
    i, j = len(quote), len(last) - 1 - int(last[::-1].argmin())  # of equal ends, the one that matches more words
    if not free_ends:
        j = len(source)
    steps: list[tuple[bool, int, int, int, int]] = []  # (equal, i1, i2, j1, j2) of one word step
    while i > 0 or (not free_ends and j > 0):
        if i == 0:
            steps.append((False, 0, 0, j - 1, j))
            j -= 1
        elif j > 0 and table[i, j] == table[i - 1, j - 1] + (quote[i - 1] != source[j - 1]):
            steps.append((bool(quote[i - 1] == source[j - 1]), i - 1, i, j - 1, j))
            i, j = i - 1, j - 1
        elif table[i, j] == table[i - 1, j] + 1:
            steps.append((False, i - 1, i, j, j))
            i -= 1
        else:
            steps.append((False, i, i, j - 1, j))
            j -= 1
    ops: list[list] = []
    for same, i1, i2, j1, j2 in reversed(steps):
        if ops and ops[-1][0] == same:
            ops[-1][2], ops[-1][4] = i2, j2
        else:
            ops.append([same, i1, i2, j1, j2])
    tags = []
    for same, i1, i2, j1, j2 in ops:
        tag = "equal" if same else "replace" if i2 > i1 and j2 > j1 else "delete" if i2 > i1 else "insert"
        tags.append((tag, i1, i2, j1, j2))
    return tags


def align(quote: str, source: str, free_ends: bool = True) -> Alignment:
    """The quote's words aligned with the stretch of the sentence they are closest to (see the module docstring);
    ``free_ends=False``: with the whole of ``source``, its words before and after the quote's counted as added."""
    import numpy as np

    quote_words, source_words = words(quote), words(source)
    if not quote_words:
        return Alignment(quote_words, source_words, [], (0, 0))
    ids: dict[str, int] = {}
    q = np.array([ids.setdefault(w.key, len(ids)) for w in quote_words], dtype=np.int32)
    s = np.array([ids.setdefault(w.key, len(ids)) for w in source_words], dtype=np.int32)
    ops = _opcodes(_edit_table(q, s, free_ends), q, s, free_ends)
    first, last = ops[0][3], ops[-1][4]
    if first > 0 and _is_negation(source_words[first - 1]):  # "a single penny …" cut from "Not a single penny …"
        ops.insert(0, ("insert", 0, 0, first - 1, first))
    if last < len(source_words) and _is_negation(source_words[last]):  # "I am" cut from "I am not …"
        ops.append(("insert", len(quote_words), len(quote_words), last, last + 1))
    covered = (min(j1 for *_, j1, _ in ops), max(j2 for *_, j2 in ops))
    return Alignment(quote_words, source_words, ops, covered)


def _bare(key: str) -> str:
    return key.replace("'", "")


def _is_negation(word: Word) -> bool:
    return _bare(word.key) in NEGATION_WORDS or word.key.endswith("n't")


def _is_number(word: Word) -> bool:
    return any(c.isdigit() for c in word.key) or word.key in NUMBER_WORDS


def _is_date(word: Word) -> bool:
    return word.key in DATE_WORDS


def _is_name(word: Word, text: str) -> bool:
    """A capitalised word that does not start the text or a sentence (nor is "I"): a name, most likely."""
    first = text[word.start:word.end][:1]
    if not first.isupper() or word.key == "i":
        return False
    before = text[: word.start].rstrip()
    return bool(before) and before[-1] not in ".!?\"“”‘'«»(:—–"


def meaning_changes(alignment: Alignment, quote: str, source: str) -> tuple[str, ...]:
    """Which meaning-bearing kinds of words are among the differing ones: "negation", "number", "date", "name"."""
    quote_changed, source_changed = alignment.changed()
    pairs = [(w, quote) for w in quote_changed] + [(w, source) for w in source_changed]
    kinds = []
    if any(_is_negation(w) for w, _ in pairs):
        kinds.append("negation")
    if any(_is_number(w) for w, _ in pairs):
        kinds.append("number")
    if any(_is_date(w) for w, _ in pairs):
        kinds.append("date")
    swapped = [(a, b) for tag, i1, i2, j1, j2 in alignment.ops if tag == "replace"
               for a, b in zip(alignment.quote_words[i1:i2], alignment.source_words[j1:j2])]
    capitalised_pair = any(quote[a.start].isupper() and source[b.start].isupper() and "i" not in (a.key, b.key)
                           and not (_is_date(a) or _is_date(b)) and not {a.key, b.key} & CUE_ONLY_FILLER  # "We"/"They"
                           for a, b in swapped)  # "Jon Ola" for "Ben Ola", even at the start of the sentence
    if capitalised_pair or any(_is_name(w, text) and not _is_date(w) for w, text in pairs):
        kinds.append("name")
    return tuple(kinds)


CLOSE_MIN_SHARED = 0.6
"""A sentence is close to a quote when at least this share of the longer side's words are the same, in order.

Chosen on tests/quote_check/cases.json (``scripts/quote_check_eval.py --margins``, docs/quote_check.md): the quotes
with one to three words changed, dropped or added (or a negation or number changed) share 0.75–0.94 with their
sentence, the invented ones, however topical, 0.20–0.33 with the closest; 0.6 sits between, nearer the invented
side because a wrong "close" (a reworded quote shown with its differences) costs less than a missed one."""
CLOSE_MAX_DIFFER = 6
"""… and at most this many words differ (the changed quotes differ in 1–4, the invented in 6–10 on that set):
beyond it a long quote that shares 60% is a paraphrase, not the same words."""
DENSE_CLOSE = 0.75
"""… or, when no sentence is close word by word, the cosine (the question encoder) between the quote and a
candidate's quoted words at or above which they say nearly the same thing in other words: on tests/quote_check the
reworded and changed quotes score 0.82–0.99 with their sentence's quoted words, the invented ones at most 0.62 with
any candidate's; "Hackers are everywhere" scores 0.83 with "Hackers can be anywhere", whose words it shares too few
of (1 of 4) for the word rule above."""
REWORDED_CANDIDATES = 5
"""The best-ranked candidates whose quoted words are encoded for that (only when nothing is close word by word)."""
CANDIDATES = 30
"""Sentences considered per check, by the fused score of the quote (retrieval.py); the closest sentence ranked
first among them for every case of the set (docs/quote_check.md), so 30 leaves room for the same words credited to
several people; only those with enough words in common are aligned (:func:`could_be_close`)."""
SPEAKER_CANDIDATES = 10
"""… and, when none of those is the named speaker's and close, the best of their own sentences, so that theirs is
aligned even when others outrank it (a second, filtered ranking: skipped when it cannot change the verdict's
speaker, which saves about a third of a check at a million sentences)."""


def is_close(alignment: Alignment) -> bool:
    return (alignment.words_differ == 0 and alignment.shared > 0) or (
        alignment.shared_share >= CLOSE_MIN_SHARED and alignment.words_differ <= CLOSE_MAX_DIFFER
    )


# ----- the aligned diff the CLI prints -----

GAP = "·"
"""Shown on one side of the aligned diff where the other side has a word this side does not."""


def diff_columns(quote: str, source: str) -> list[tuple[str, str, bool]]:
    """(quote word, source word, differs) columns over the stretch the quote covers; ``GAP`` where a side has none.
    A quote not close word by word is set against the sentence's quoted words whole, as the check does."""
    alignment = align(quote, source)
    span = quoted_part(source)
    if not is_close(alignment) and span is not None:
        source = source[span[0]:span[1]]
        alignment = align(quote, source, free_ends=False)
    columns: list[tuple[str, str, bool]] = []
    for tag, i1, i2, j1, j2 in alignment.ops:
        q = [quote[w.start:w.end] for w in alignment.quote_words[i1:i2]]
        s = [source[w.start:w.end] for w in alignment.source_words[j1:j2]]
        for n in range(max(len(q), len(s))):
            columns.append((q[n] if n < len(q) else GAP, s[n] if n < len(s) else GAP, tag != "equal"))
    return columns


def aligned_diff(quote: str, source: str, width: int = 100) -> list[str]:
    """Lines "quote  …" / "source …" / "^^^" with the words in columns, wrapped at ``width`` characters."""
    lines: list[str] = []
    row: list[tuple[str, str, bool]] = []

    def flush() -> None:
        if not row:
            return
        widths = [max(len(q), len(s)) for q, s, _ in row]
        lines.append("quote   " + "  ".join(q.ljust(w) for (q, _, _), w in zip(row, widths)).rstrip())
        lines.append("source  " + "  ".join(s.ljust(w) for (_, s, _), w in zip(row, widths)).rstrip())
        marks = "  ".join(("^" if d else " ") * w for (_, _, d), w in zip(row, widths)).rstrip()
        if marks:
            lines.append("        " + marks)
        row.clear()

    used = 8
    for column in diff_columns(quote, source):
        size = max(len(column[0]), len(column[1])) + 2
        if row and used + size > width:
            flush()
            used = 8
        row.append(column)
        used += size
    flush()
    return lines


# ----- 3. deciding, over a snapshot -----

VERDICT_TITLES = {
    "verbatim": "Verbatim",
    "close": "Close, not exact",
    "other_speaker": "Said by someone else",
    "not_found": "Not found",
}
"""The verdict in plain words, as the reply, the CLI and the page say it first."""


@dataclass(frozen=True)
class _Candidate:
    location: Location
    score: float
    speaker: str | None
    alignment: Alignment | None  # None: too few words in common to be close (not aligned)

    @property
    def order(self) -> tuple[float, float, float]:
        if self.alignment is None:
            return (float("inf"), 0.0, -self.score)
        return (self.alignment.words_differ, -self.alignment.shared_share, -self.score)


def could_be_close(quote_keys: Counter[str], source: str) -> bool:
    """Whether an alignment could be close at all: the words shared in order are at most the words the two have in
    common (as multisets), and a close one shares ``CLOSE_MIN_SHARED`` of the quote's. Most candidates of a check
    fail this, and are not aligned."""
    common = quote_keys & Counter(w.key for w in words(source))
    return sum(common.values()) >= CLOSE_MIN_SHARED * sum(quote_keys.values()) > 0


def _candidates(snapshot: Snapshot, quote: str, vector: np.ndarray, wanted: int,
                allowed: set[str] | None) -> list[tuple[Location, float]]:
    from ..store.snapshot import Location
    from . import retrieval

    parts = retrieval.score_parts(snapshot, quote, vector, allowed)
    seg_ids, rows, scores = retrieval.fused(parts, retrieval.lexical_weight(snapshot.model), snapshot.context_weight)
    order = retrieval.top_order(scores, wanted)[:wanted]
    return [(Location(int(seg_ids[i]), int(rows[i])), float(scores[i])) for i in order]


def _speakers_named(snapshot: Snapshot, name: str | None) -> set[str]:
    """The canonical speakers ``name`` names; "the minister Oliver Grant" is tried as "minister Oliver Grant",
    then "Oliver Grant" (lower-case words, titles and honorifics before a name are dropped; "John Grant" is never
    "Grant"); nobody of that name: any match is someone else's."""
    from .speakers import match_speakers

    if name is None:
        return set()
    parts = name.split()
    for start in range(len(parts)):
        try:
            return match_speakers(" ".join(parts[start:]), snapshot.speakers)
        except AssistantError:
            word = parts[start].strip(".,").lower()
            if parts[start][:1].isupper() and word not in HONORIFICS and word not in TITLES:
                break  # "John Grant" is not "Grant": only roles and titles are dropped
    return set()


def check_quote(snapshot: Snapshot, asked: QuoteQuestion, question: str, vector: np.ndarray, k: int,
                speaker_filter: str | None = None) -> Answer:
    """The Answer to a quote check: the verdict, the matches (deciding one first) and the reply."""
    from .retrieval import passage_at

    name = asked.name or speaker_filter
    named = _speakers_named(snapshot, name)
    quote_keys = Counter(w.key for w in words(asked.quote))

    def aligned_at(location: Location, score: float) -> _Candidate:
        seg = snapshot.segments[location.segment]
        text = seg.sentence_text(location.row)
        alignment = align(asked.quote, text) if could_be_close(quote_keys, text) else None
        return _Candidate(location, score, seg.speaker_name(int(seg.speaker[location.row])), alignment)

    aligned = [aligned_at(loc, score) for loc, score in _candidates(snapshot, asked.quote, vector, CANDIDATES, None)]
    if named and not any(c.speaker in named and c.alignment is not None and is_close(c.alignment) for c in aligned):
        seen = {c.location for c in aligned}  # the named speaker's own sentences, in case others outrank theirs
        aligned += [aligned_at(loc, score) for loc, score in
                    _candidates(snapshot, asked.quote, vector, SPEAKER_CANDIDATES, named) if loc not in seen]
    aligned.sort(key=lambda c: c.order)
    close = [c for c in aligned if c.alignment is not None and is_close(c.alignment)]
    if not close and aligned:
        close = _reworded(snapshot, asked.quote, vector, aligned)
    verdict, chosen = decide(close, named, name is not None)
    chosen = chosen[:k]
    # the Answer's passages: the matches, then (up to k) the sentences nearest to the quote that are not matches
    taken = {c.location for c in chosen}
    rest = [c for c in aligned if c.location not in taken][: k - len(chosen)]
    passages = [passage_at(snapshot, c.location, rank, c.score) for rank, c in enumerate(chosen + rest, start=1)]
    matches = [  # every chosen candidate is close, so aligned
        QuoteMatch(rank=p.rank, passage=p, words_differ=c.alignment.words_differ,  # type: ignore[union-attr]
                   quote_spans=c.alignment.quote_spans, source_spans=c.alignment.source_spans,
                   meaning=meaning_changes(c.alignment, asked.quote, p.text))
        for c, p in zip(chosen, passages)
    ]
    canonical = _canonical(named, matches)
    result = QuoteCheck(verdict=verdict, quote=asked.quote, speaker=canonical, matches=matches)  # type: ignore[arg-type]
    reply = compose_quote_reply(asked, result, passages, name)
    return Answer(question=question, answer=reply, passages=passages, found=verdict != "not_found", quote_check=result)


def _reworded(snapshot: Snapshot, quote: str, vector: np.ndarray, candidates: list[_Candidate]) -> list[_Candidate]:
    """When no sentence is close word by word: the best-ranked candidates whose quoted words (the longest stretch
    inside quote marks, else the sentence) mean nearly what the quote says (``DENSE_CLOSE``) and share a word with
    it, best first, each aligned with those quoted words ("Hackers are everywhere" for "Hackers can be anywhere")."""
    from ..pipeline import embedding

    best = sorted(candidates, key=lambda c: -c.score)[:REWORDED_CANDIDATES]
    parts: list[tuple[str, int]] = []
    for c in best:
        text = snapshot.segments[c.location.segment].sentence_text(c.location.row)
        span = quoted_part(text)
        parts.append((text[span[0]:span[1]], span[0]) if span else (text, 0))
    similarity = embedding.encode(snapshot.model, [t for t, _ in parts]) @ vector
    found = []
    for c, (text, offset), cosine in sorted(zip(best, parts, similarity), key=lambda item: -item[2]):
        alignment = align(quote, text, free_ends=False)
        if cosine < DENSE_CLOSE or alignment.shared == 0:
            continue
        shifted = [Word(w.key, w.start + offset, w.end + offset) for w in alignment.source_words]
        found.append(_Candidate(c.location, c.score, c.speaker,
                                Alignment(alignment.quote_words, shifted, alignment.ops, alignment.covered)))
    return found


def decide(close: list[_Candidate], named: set[str], names_someone: bool) -> tuple[str, list[_Candidate]]:
    """The verdict from the close candidates (best first) and the speakers the question names; the matches listed,
    the deciding one first. A named speaker's own match wins unless someone else's is strictly closer."""
    if not close:
        return "not_found", []
    best = close[0]
    if not names_someone:
        return ("verbatim" if best.alignment.words_differ == 0 else "close"), close
    own = [c for c in close if c.speaker in named]
    others = [c for c in close if c.speaker not in named]
    if own and (not others or own[0].alignment.words_differ <= others[0].alignment.words_differ):
        return ("verbatim" if own[0].alignment.words_differ == 0 else "close"), own + others
    return "other_speaker", others + own


def _canonical(named: set[str], matches: list[QuoteMatch]) -> str | None:
    if not named:
        return None
    for match in matches:
        if match.passage.speaker in named:
            return match.passage.speaker
    return sorted(named)[0]


# ----- the reply -----

def marked_markdown(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` escaped for markdown, the spans in bold."""
    pieces, cursor = [], 0
    for start, end in spans:
        pieces.append(escape_markdown(text[cursor:start]))
        pieces.append(f"**{escape_markdown(text[start:end])}**")
        cursor = end
    pieces.append(escape_markdown(text[cursor:]))
    return "".join(pieces)


def _how(passage: Passage) -> str:
    return "in quotation marks" if passage.attribution == "direct" else "reported speech"


def _who(passage: Passage) -> str:
    if passage.speaker is None:
        return "the article's own narration (no speaker)"
    return f"**{escape_markdown(passage.speaker)}** ({_how(passage)})"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def meaning_sentence(meaning: tuple[str, ...]) -> str:
    if not meaning:
        return "no negation, number, date or name changed"
    kinds = {"negation": "a negation", "number": "a number", "date": "a date", "name": "a name"}
    shown = [kinds[m] for m in meaning]
    listed = shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]
    return f"the meaning may have changed: {listed} {'differs' if len(shown) == 1 else 'differ'}"


def verdict_line(asked: QuoteQuestion, check: QuoteCheck, name: str | None) -> str:
    """The reply's first paragraph: the verdict in plain words, then whose words they are and where."""
    title = f"**{VERDICT_TITLES[check.verdict]}.**"
    shown_name = escape_markdown(check.speaker or name or "")
    if check.verdict == "not_found":
        whose = f" (said by {shown_name} or anyone else)" if name else ""
        return (f"{title} No sentence in the texts is close to these words{whose}. The closest sentences are below; "
                "they are not the quote.")
    first = check.matches[0]
    where = f"see [{first.rank}] ({escape_markdown(citation(first.passage))})"
    if check.verdict == "verbatim":
        if asked.form == "who" and first.passage.speaker is not None:
            return (f"**{escape_markdown(first.passage.speaker)}** said it, word for word ({_how(first.passage)}), "
                    f"{where}.")
        return f"{title} These exact words are in a sentence credited to {_who(first.passage)}, {where}."
    differ = f"differs in {_plural(first.words_differ, 'word')}"
    if check.verdict == "close":
        return (f"{title} The nearest sentence, credited to {_who(first.passage)}, {differ} "
                f"({meaning_sentence(first.meaning)}), "
                f"{where}.")
    exact = "These exact words are" if first.words_differ == 0 else f"Close words (the sentence {differ}) are"
    whose = _who(first.passage)
    unquoted = "" if check.speaker else " (who is not quoted in the texts)"
    return f"{title} {exact} credited to {whose}, not to **{shown_name}**{unquoted}, {where}."


def compose_quote_reply(asked: QuoteQuestion, check: QuoteCheck, passages: list[Passage], name: str | None) -> str:
    """The chat reply: the verdict first; for a quote that differs, the two sides with the differing words in bold;
    then every sentence cited, those that are not matches marked so."""
    lines = [verdict_line(asked, check, name)]
    if check.matches and check.matches[0].words_differ:
        first = check.matches[0]
        lines.append(f"Quote: \u201c{marked_markdown(check.quote, first.quote_spans)}\u201d  \n"
                     f"Source [{first.rank}]: {marked_markdown(first.passage.text, first.source_spans)}")
    lines.extend(passage_line(p, p.rank <= len(check.matches)) for p in passages)  # the others are not the quote
    return "\n\n".join(lines)


