"""Sentence splitting with character offsets and paragraph numbers.

``split_sentences(text)`` returns ``(start, end, paragraph)`` for every sentence of the text body (a leading
``date YYYY-MM-DD`` header is skipped), so that ``text[start:end]`` is the sentence without surrounding white space.

Paragraphs count from 1 and are separated by blank lines. A single newline also ends a paragraph when the line
before it ends in sentence punctuation (optionally followed by closing quotes/brackets), is a markdown heading, or
when the next line starts a markdown list item; any other single newline is a soft wrap inside the paragraph.

Sentence boundaries are found by small rules (measured against pysbd on the traps below: pysbd splits
``?” he said``, misses ``idea.I don’t`` and costs ~20x more time):
- a run of ``.``, ``!``, ``?`` or ``…`` plus any closing quotes/brackets (``.”``, ``”.``, ``?)``) followed by white
  space and something that can start a sentence (capital, digit, opening quote or bracket);
- a missing space: ``idea.I don’t``, ``he said.Evidence`` (a lower-case word, a full stop, then a capitalised word);
- not after a title (``Mr.``, ``Dr.``, ``Sen.``), an initial (``J. K. Rowling``), ``No. 5``, ``Jan. 5``; a
  temperature's unit is no initial (``above 35 C. “We saw …``);
- after ambiguous abbreviations (``U.S.``, ``a.m.``, ``Inc.``, ``etc.``) only when the next word usually starts a
  sentence (``The``, ``He``, ``But``…) or the text ends;
- never inside ``?” he said`` (the next word is lower case) or a decimal (``3.5``).
"""

from __future__ import annotations

import re

from .documents import parse_header

# Titles and other abbreviations after which a full stop never ends a sentence.
_NEVER_END = frozenset(
    """mr mrs ms mx dr prof gov sen rep reps gen col lt sgt capt cmdr adm maj rev hon pres supt det insp messrs
    mme mlle sr jr st ft mt fr sens atty gens cpl pvt brig cmdr assn dept univ vs v cf approx est fig figs
    del amb asst supt sec const cst coun couns ald msgr
    jan feb apr jun jul aug sep sept oct nov dec""".split()
)
# Abbreviations that often end a sentence too: a boundary only before a typical sentence opener.
_MAYBE_END = frozenset("inc corp ltd co llc plc bros etc al ave blvd rd mar no nos vol ed eds pp".split())
# Words that usually start a sentence (used after ambiguous abbreviations such as "U.S." or "a.m.").
_OPENERS = frozenset(
    """the a an he she it they we i you this that these those there his her its their our my but and so yet
    however meanwhile still then now in on at for if when while after before as asked according what who why how
    where mr mrs ms dr""".split()
)

_CLOSERS = "\"”’'»)]}"
_OPENERS_CHARS = "\"“‘'«([{¿¡"
# terminal punctuation, then closing quotes/brackets possibly followed by another full stop (`”.`)
_TERMINAL = re.compile(r"(?:[.!?…]+|\.\.\.)(?:[\"”’'»)\]}]+[.!?]?)*")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)$")
_NEXT_WORD = re.compile(r"[\"“‘'«(\[]*([A-Za-z]+)")
_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n\s*")
_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]")
_LIST_ITEM = re.compile(r"^[ \t]*(?:[-*+•]|\d{1,3}[.)])[ \t]+\S")
_LINE_END = re.compile(r"[.!?…:][\"”’'»)\]]*[ \t\r]*$|[”\"][ \t\u00a0]*[―—–][ \t\u00a0]*[A-Z][^\n“”\"]{0,80}$")


def split_sentences(text: str) -> list[tuple[int, int, int]]:
    """``(start, end, paragraph)`` for every sentence of ``text`` after its header; never raises on a string."""
    if not isinstance(text, str) or not text:
        return []
    body = parse_header(text).body_start
    result: list[tuple[int, int, int]] = []
    for number, (p_start, p_end) in enumerate(paragraph_spans(text, body), start=1):
        for s_start, s_end in _sentences_in(text, p_start, p_end):
            result.append((s_start, s_end, number))
    return result


def paragraph_spans(text: str, start: int = 0) -> list[tuple[int, int]]:
    """Paragraphs as ``(start, end)`` spans, stripped of white space, from ``start`` on."""
    spans: list[tuple[int, int]] = []
    pos = start
    for block_start, block_end in _blocks(text, start):
        spans.extend(_split_block_lines(text, block_start, block_end))
        pos = block_end
    del pos
    return spans


def _blocks(text: str, start: int) -> list[tuple[int, int]]:
    blocks: list[tuple[int, int]] = []
    pos = start
    for match in _BLANK_LINE.finditer(text, start):
        blocks.append((pos, match.start()))
        pos = match.end()
    blocks.append((pos, len(text)))
    return [span for span in (_strip(text, a, b) for a, b in blocks) if span[0] < span[1]]


def _split_block_lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split a block at single newlines that end a paragraph (see the module doc)."""
    spans: list[tuple[int, int]] = []
    para_start = start
    line_start = start
    while True:
        newline = text.find("\n", line_start, end)
        if newline < 0:
            break
        line = text[line_start:newline]
        next_end = text.find("\n", newline + 1, end)
        next_line = text[newline + 1 : end if next_end < 0 else next_end]
        if _HEADING.match(line) or _LINE_END.search(line) or _HEADING.match(next_line) or _LIST_ITEM.match(next_line):
            spans.append((para_start, newline))
            para_start = newline + 1
        line_start = newline + 1
    spans.append((para_start, end))
    return [span for span in (_strip(text, a, b) for a, b in spans) if span[0] < span[1]]


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _sentences_in(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    if _HEADING.match(text, start) is not None:
        return [(start, end)]
    sent_start = start
    for match in _TERMINAL.finditer(text, start, end):
        cut = match.end()
        if cut >= end:
            break
        if _is_boundary(text, match.start(), cut, end):
            spans.append((sent_start, cut))
            sent_start = cut
    spans.append((sent_start, end))
    return [span for span in (_strip(text, a, b) for a, b in spans) if span[0] < span[1]]


def _is_boundary(text: str, punct_start: int, cut: int, end: int) -> bool:
    """Does the sentence end at ``cut`` (just after the terminal punctuation and closing quotes)?"""
    mark = text[punct_start:cut]
    after = text[cut:min(end, cut + 60)]
    if not after:
        return True
    if not after[0].isspace():
        return _missing_space(text, punct_start, cut, mark, after)
    rest = after.lstrip()
    if not rest:
        return True
    first = rest[0]
    if not (first.isupper() or first.isdigit() or first in _OPENERS_CHARS or first in "—–-•*#"):
        return False  # "?” he said", "e.g. this", "3 p.m. on Sunday"
    if first in "—–-" and any(q in mark for q in "”\"’"):
        return False  # "…” -Commissioner X": an inverted cue after a dash
    if mark[0] != ".":
        return True  # ! ? … end sentences before a capital
    if mark.startswith("...") or mark.startswith("…"):
        return True
    if len(mark) > 1 and mark[1:2] in _CLOSERS:
        return True  # `.”` or `.)` closes something: a sentence end
    return not _abbreviation_blocks(text, punct_start, rest)


def _missing_space(text: str, punct_start: int, cut: int, mark: str, after: str) -> bool:
    """``idea.I don’t`` / ``said.Evidence``: a word of 2+ lower-case letters, a stop, a capitalised word."""
    if mark[0] not in ".!?" or len(mark) > 1:
        return False
    before = text[max(0, punct_start - 3):punct_start]
    if len(before) < 2 or not before[-2:].isalpha() or not before[-2:].islower():
        return False
    match = re.match(r"[A-Z](?:[a-z]+|\b|’|')", after)
    if match is None:
        return False
    word = re.match(r"[A-Za-z]+", after)
    # not "example.Com"-like domains: the capitalised word must be followed by space or lower-case letters
    return word is not None and (word.group(0) == "I" or word.group(0)[1:].islower())


def _abbreviation_blocks(text: str, punct_start: int, rest: str) -> bool:
    """Is the full stop at ``punct_start`` part of an abbreviation that does not end the sentence?"""
    window = text[max(0, punct_start - 40):punct_start]
    match = _WORD_BEFORE.search(window)
    if match is None:
        return False
    word = match.group(1)
    bare = word.rstrip(".").lower()
    next_match = _NEXT_WORD.match(rest)
    next_word = next_match.group(1) if next_match else ""
    opener = next_word.lower() in _OPENERS
    if "." in word:  # U.S., a.m., Ph.D, e.g
        return not opener
    if len(word) == 1 and word in "CF" and re.search(r"\d\s?[CF]$", window):
        return False  # ``temperature_unit``: "temperatures above 35 C. “We saw …”" (degrees, not an initial)
    if len(word) == 1 and word.isupper():
        return True  # an initial: J. K. Rowling
    if bare in _NEVER_END:
        return not (bare in {"jan", "feb", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"} and opener)
    if bare in {"no", "nos"}:
        return bool(re.match(r"\d", rest))
    if bare in _MAYBE_END:
        return not opener
    return False
