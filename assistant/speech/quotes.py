"""Pairing quotation marks into quoted spans, robust to apostrophes, stray marks and straight quotes.

Rules (each tested in tests/test_attribution.py):
- ``quote_pairs_double``: “…”, „…“, «…» and straight "…" pair within a paragraph; a straight mark opens after
  white space or an opening bracket and closes before white space or punctuation; ``5"`` after a digit is an inch.
- ``quote_apostrophes_ignored``: ’ in parents’, it’s, ’90s is never a quotation mark. Single quotes only count as
  quotation marks when they clearly are: ‘ after a space before a letter, ’ right after , . ! ? (``interfered.’``).
- ``quote_unclosed_stays_in_paragraph``: a quotation still open at the end of a paragraph ends there (the next
  paragraph is quotation only if it opens with a mark itself), so a stray mark never flips the rest of an article.
- ``quote_stray_closer``: a closing mark with no opening one makes a quotation from the start of its sentence.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

_OPEN_DOUBLE = "“„«‟"
_CLOSE_DOUBLE = "”»"
_STRAIGHT = '"'
_DOUBLE_MARK = re.compile('[“„«‟”»"]')
_OPEN_BEFORE = " \t\n([{—–-/:;“‘"
_CLOSE_AFTER = " \t\n.,;:!?)]}—–-…”’'"


@dataclass(frozen=True)
class QuoteSpan:
    """A quotation: ``start`` is the opening mark (or where an unmarked start was inferred), ``end`` is just past
    the closing mark (or the paragraph end when ``closed`` is False)."""

    start: int
    end: int
    closed: bool
    opened: bool = True

    def inner(self, text: str) -> str:
        return text[self.start : self.end].strip(" \t\n\"“”„«»‟‘’'")


def quote_spans(
    text: str, paragraphs: list[tuple[int, int]], sentence_starts: list[int] | None = None
) -> list[QuoteSpan]:
    """All quotations of ``text``, paragraph by paragraph; never spans two paragraphs."""
    starts = sorted(sentence_starts or [])
    text = _normalise_marks(text)
    spans: list[QuoteSpan] = []
    for p_start, p_end in paragraphs:
        doubles = _double_spans(text, p_start, p_end, starts)
        spans.extend(doubles)
        if "‘" in text[p_start:p_end] or "’" in text[p_start:p_end]:
            spans.extend(_single_spans(text, p_start, p_end, starts, doubles))
    spans.sort(key=lambda q: q.start)
    return spans


def _normalise_marks(text: str) -> str:
    """``quote_two_apostrophes``: '' and `` (newspaper style) count as one straight double mark."""
    if "''" not in text and "``" not in text:
        return text
    return text.replace("''", '"\x00').replace("``", '"\x00')


def _kind(text: str, i: int, p_start: int, p_end: int, is_open: bool) -> str:
    """'open', 'close' or 'skip' for the double mark at ``i``."""
    ch = text[i]
    if ch in _OPEN_DOUBLE:
        return "open"
    prev = text[i - 1] if i > p_start else " "
    nxt = text[i + 1] if i + 1 < p_end else " "
    if ch in _CLOSE_DOUBLE:
        # ``quote_reversed_opener``: ”What… at a paragraph start (or after a space, not in a quote) opens
        return "open" if not is_open and prev.isspace() and nxt.isalnum() else "close"
    if nxt == "\x00":
        nxt = text[i + 2] if i + 2 < p_end else " "
    if prev == "\x00":
        prev = '"'
    if prev.isdigit() and not is_open:
        return "skip"  # 5" screen
    can_open = prev in _OPEN_BEFORE and not nxt.isspace()
    can_close = nxt in _CLOSE_AFTER and not prev.isspace()
    if can_open and not can_close:
        return "open"
    if can_close and not can_open:
        return "close"
    return "close" if is_open else "open"


def _sentence_start(starts: list[int], pos: int, floor: int) -> int:
    i = bisect.bisect_right(starts, pos) - 1
    return max(floor, starts[i]) if i >= 0 else floor


def _double_spans(text: str, p_start: int, p_end: int, starts: list[int]) -> list[QuoteSpan]:
    spans: list[QuoteSpan] = []
    open_at: int | None = None
    any_closed = False
    for match in _DOUBLE_MARK.finditer(text, p_start, p_end):
        i = match.start()
        kind = _kind(text, i, p_start, p_end, open_at is not None)
        if kind == "open":
            if open_at is not None:
                spans.append(QuoteSpan(open_at, i, closed=False))
            open_at = i
        elif kind == "close":
            if open_at is not None:
                width = 2 if i + 1 < p_end and text[i + 1] == "\x00" else 1
                spans.append(QuoteSpan(open_at, i + width, closed=True))
                open_at = None
                any_closed = True
            elif not any_closed:  # a leftover after balanced pairs is ignored
                begin = _sentence_start(starts, i, p_start)
                if i - begin > 1:
                    spans.append(QuoteSpan(begin, i + 1, closed=True, opened=False))
                    any_closed = True
    if open_at is not None:
        spans.append(QuoteSpan(open_at, p_end, closed=False))
    return spans


class QuoteIndex:
    """``bounded_lookup``: which quotations overlap a range, in logarithmic time. The spans are split into layers of
    non-overlapping spans (double marks never overlap each other, nor do single ones), so that within a layer both
    starts and ends are sorted and a range query is two bisections."""

    def __init__(self, spans: list[QuoteSpan]) -> None:
        self.layers: list[tuple[list[int], list[int], list[QuoteSpan]]] = []
        for q in sorted(spans, key=lambda q: (q.start, q.end)):
            for starts, ends, items in self.layers:
                if ends[-1] <= q.start:
                    break
            else:
                starts, ends, items = [], [], []
                self.layers.append((starts, ends, items))
            starts.append(q.start)
            ends.append(q.end)
            items.append(q)

    def overlapping(self, start: int, end: int) -> list[QuoteSpan]:
        """The spans with ``q.start < end and q.end > start``, in order of start."""
        out: list[QuoteSpan] = []
        for starts, ends, items in self.layers:
            out.extend(items[bisect.bisect_right(ends, start) : bisect.bisect_left(starts, end)])
        if len(self.layers) > 1:
            out.sort(key=lambda q: q.start)
        return out

    def contains(self, pos: int) -> bool:
        for starts, ends, _ in self.layers:
            i = bisect.bisect_right(starts, pos) - 1
            if i >= 0 and pos < ends[i]:
                return True
        return False


def _inside(spans: QuoteIndex, i: int) -> bool:
    return spans.contains(i)


def _single_spans(
    text: str, p_start: int, p_end: int, starts: list[int], doubles: list[QuoteSpan]
) -> list[QuoteSpan]:
    """Single quotation marks, strictly: ‘ after space before a letter; ’ right after , . ! ?"""
    spans: list[QuoteSpan] = []
    open_at: int | None = None
    inside = QuoteIndex(doubles)
    for match in re.finditer("[‘’]", text[p_start:p_end]):
        i = p_start + match.start()
        ch = text[i]
        if _inside(inside, i):
            continue
        prev = text[i - 1] if i > p_start else " "
        nxt = text[i + 1] if i + 1 < p_end else " "
        if ch == "‘" and prev in _OPEN_BEFORE and nxt.isalpha():
            open_at = i if open_at is None else open_at
        elif ch == "’" and prev in ",.!?" and (nxt.isspace() or i + 1 >= p_end):
            begin = open_at if open_at is not None else _sentence_start(starts, i, p_start)
            if i - begin > 1:
                spans.append(QuoteSpan(begin, i + 1, closed=True, opened=open_at is not None))
            open_at = None
        elif ch == "’" and open_at is not None and (nxt.isspace() or nxt in ",.;:!?"):
            spans.append(QuoteSpan(open_at, i + 1, closed=True))
            open_at = None
    return spans


def quoted_chars(spans: list[QuoteSpan], start: int, end: int) -> int:
    """How many characters of ``[start, end)`` lie inside quotations (``spans``: those overlapping the range)."""
    total = 0
    for q in spans:
        lo, hi = max(start, q.start), min(end, q.end)
        if lo < hi:
            total += hi - lo
    return total


def spans_in(spans: list[QuoteSpan] | QuoteIndex, start: int, end: int) -> list[QuoteSpan]:
    """The quotations that overlap ``[start, end)`` (pass a QuoteIndex when asking for many ranges)."""
    if isinstance(spans, QuoteIndex):
        return spans.overlapping(start, end)
    return [q for q in spans if q.start < end and q.end > start]
