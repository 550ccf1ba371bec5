"""Limits and checks for every way in (CLI, Python API, web): the same numbers everywhere, checked before the work.

| limit                  | value          | applies to                                                         |
|------------------------|----------------|--------------------------------------------------------------------|
| MAX_FILE_BYTES         | 5,000,000      | one source file (CLI, API, web upload); the text of each record of a dump, feed or web archive |
| MAX_RECORD_BYTES       | 20,000,000     | one raw record: a JSON line, a WARC record's page (memory bound of streaming) |
| MAX_FEED_BYTES         | 20,000,000     | one RSS/Atom feed file (parsed whole)                              |
| MAX_PASTE_BYTES        | 5,000,000      | one pasted text (UTF-8 bytes), the same as a file                  |
| MAX_BUILD_FILES        | 1,000          | files in one build/add (folders expanded)                          |
| MAX_BUILD_BYTES        | 20,000,000     | all texts of one build/add together                                |
| MAX_BUILD_SENTENCES    | 100,000        | sentences of one build/add (estimated up front, cheaply)           |
| MAX_QUESTION_CHARS     | 2,000          | a question                                                         |
| MAX_SPEAKER_CHARS      | 200            | a speaker filter                                                   |
| MAX_K                  | 50             | passages per answer (k from 1)                                     |
| MAX_ID_BYTES           | 100            | a document id (UTF-8 bytes; longer names are cut)                  |
| MAX_TITLE_CHARS        | 300            | a document title (longer headings are cut)                         |
| DATES                  | 1800-01-01 … 2100-12-31 | a leading ``date YYYY-MM-DD``; other dates stay text      |
| MAX_IMPORT_SENTENCES   | 1,000,000      | sentences of one ``import`` (a document: MAX_BUILD_SENTENCES)      |
| MAX_IMPORT_TEXT_BYTES  | 200,000,000    | all texts of one ``import`` (a document: MAX_FILE_BYTES)           |

Messages never echo more than ``ECHO_CHARS`` characters of what the user sent.
"""

from __future__ import annotations

import datetime
import re
import reprlib
import unicodedata

from .errors import BIDI_CONTROLS, AssistantError, printable

MAX_FILE_BYTES = 5_000_000
MAX_PASTE_BYTES = MAX_FILE_BYTES
MAX_BUILD_FILES = 1_000
MAX_BUILD_BYTES = 20_000_000
MAX_BUILD_SENTENCES = 100_000
MAX_RECORD_BYTES = 4 * MAX_FILE_BYTES
"""A record's raw bytes (its text plus markup or JSON) may be several times its text; streaming a dump or an
archive holds at most one such record in memory, whatever the size of the file."""
MAX_FEED_BYTES = 4 * MAX_FILE_BYTES
"""A feed is parsed whole (feedparser), so its file has a bound of its own: as many bytes as one build."""
MAX_QUESTION_CHARS = 2_000
MAX_SPEAKER_CHARS = 200
MAX_K = 50
MAX_ID_BYTES = 100
MAX_TITLE_CHARS = 300
MIN_DATE = datetime.date(1800, 1, 1)
MAX_DATE = datetime.date(2100, 12, 31)
ECHO_CHARS = 60
MAX_IMPORT_SENTENCES = 1_000_000
"""Sentences of one ``import``: the size scripts/scale_benchmark.py imports at once (its RSS grows ~10 GB per
million, docs/speed.md); a larger archive is imported in parts. One document holds at most MAX_BUILD_SENTENCES, as a
text does. Checked from the Parquet metadata before any table is read (issue 22: 1M sentences in a 4.5 MB form took
9.45 GB)."""
MAX_IMPORT_TEXT_BYTES = 200_000_000
"""All document texts of one ``import`` (UTF-8 bytes): ten builds' worth (MAX_BUILD_BYTES); one text is at most
MAX_FILE_BYTES, as a file is. Checked before the texts are decoded (issue 22: a 17 KB Parquet file held 500 MB of
compressed text and took 2.6 GB)."""

_ECHO = reprlib.Repr()
_ECHO.maxstring = _ECHO.maxother = ECHO_CHARS


def echo(value: object) -> str:
    """A short, safe ``repr`` of a user's value for a message (never more than about ECHO_CHARS characters)."""
    return printable(_ECHO.repr(value), 2 * ECHO_CHARS)

# Characters that show nothing: format characters are handled by category; these are letters or symbols that
# render blank (Hangul fillers, the braille blank, the Mongolian vowel separator).
BLANK_LOOKING = frozenset("\u115f\u1160\u3164\uffa0\u2800\u180e")


def is_invisible(text: str) -> bool:
    """True when ``text`` has no letter, digit, punctuation mark or symbol that shows (only white space, control,
    format, zero-width, combining characters or blank-looking letters)."""
    for ch in text:
        if ch in BLANK_LOOKING:
            continue
        if unicodedata.category(ch)[0] in "LNPS":
            return False
    return True


def _clean_controls(text: str) -> str:
    """Control characters and lone surrogates become spaces; bidi controls go; NFC."""
    if not text.isprintable() or any(ch in BIDI_CONTROLS for ch in text):
        text = "".join(
            " " if unicodedata.category(ch) in ("Cc", "Cs", "Zl", "Zp") else ch
            for ch in text
            if ch not in BIDI_CONTROLS
        )
    return unicodedata.normalize("NFC", text)


def clean_question(question: object, about: str = "the texts") -> str:
    """Validate a question: text, not empty, not too long; control characters become spaces, NFC.

    A question far over the limit is refused on its length alone, before it is read character by character.
    ``about`` names what the index holds in the message for an empty question ("the article", "the 4 texts").
    """
    if not isinstance(question, str):
        raise AssistantError("the question must be text.")
    if len(question) > 2 * MAX_QUESTION_CHARS:  # cheap: no pass over a 100 MB question
        raise AssistantError(
            f"the question is {len(question):,} characters long; the limit is {MAX_QUESTION_CHARS:,}."
        )
    cleaned = "".join(" " if unicodedata.category(ch) in ("Cc", "Cs") else ch for ch in question).strip()
    cleaned = unicodedata.normalize("NFC", cleaned)
    if is_invisible(cleaned):  # only invisible characters
        raise AssistantError(f"the question is empty; type a question about {about}.")
    if len(cleaned) > MAX_QUESTION_CHARS:
        raise AssistantError(
            f"the question is {len(cleaned):,} characters long; the limit is {MAX_QUESTION_CHARS:,}."
        )
    return cleaned


def check_k(k: object) -> int:
    """``k`` as a plain int from 1 to MAX_K; any integer type (``numpy.int64(5)``) is accepted, booleans are not."""
    value: int | None = None
    if not isinstance(k, bool) and type(k).__name__ != "bool_":
        try:
            value = k.__index__()  # type: ignore[attr-defined]  # int, numpy integers, other exact integers
        except (AttributeError, TypeError):
            value = None
    if value is None or not 1 <= value <= MAX_K:
        raise AssistantError(f"k must be a whole number from 1 to {MAX_K}, not {echo(k)}.")
    return int(value)


def check_speaker(value: object) -> str:
    """A speaker filter as clean text: control characters become spaces, bidi controls go, NFC, runs of white
    space become one space. Not text, empty (or invisible) or longer than MAX_SPEAKER_CHARS is an error that never
    echoes the value."""
    if not isinstance(value, str):
        raise AssistantError("the speaker filter must be text (a name or alias).")
    if len(value) > 2 * MAX_SPEAKER_CHARS:  # cheap: refused before a pass over the text
        raise AssistantError(
            f"the speaker filter is {len(value):,} characters long; the limit is {MAX_SPEAKER_CHARS:,}."
        )
    cleaned = re.sub(r"\s+", " ", _clean_controls(value)).strip()
    if is_invisible(cleaned):
        raise AssistantError("the speaker filter is empty.")
    if len(cleaned) > MAX_SPEAKER_CHARS:
        raise AssistantError(
            f"the speaker filter is {len(cleaned):,} characters long; the limit is {MAX_SPEAKER_CHARS:,}."
        )
    return cleaned


def utf8_size(text: str) -> int:
    """Bytes of ``text`` in UTF-8 (lone surrogates count 3), without building the encoded copy for ASCII text."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-8", "surrogatepass"))


def check_paste(text: str, name: str = "the pasted text") -> None:
    """A pasted text obeys the same byte limit as a file; refused on its length before any other work."""
    if len(text) > MAX_PASTE_BYTES:  # more characters than the limit has bytes: no need to count bytes
        raise AssistantError(
            f"{printable(name, ECHO_CHARS)} is {len(text):,} characters long; the limit is {MAX_PASTE_BYTES:,} "
            "bytes per text."
        )
    if len(text) * 4 > MAX_PASTE_BYTES and (size := utf8_size(text)) > MAX_PASTE_BYTES:
        raise AssistantError(
            f"{printable(name, ECHO_CHARS)} is {size:,} bytes; the limit is {MAX_PASTE_BYTES:,} bytes per text."
        )


def check_file_size(size: int, name: str) -> None:
    if size > MAX_FILE_BYTES:
        raise AssistantError(f"{name} is {size:,} bytes; the limit is {MAX_FILE_BYTES:,} bytes per file.")


def check_build(files: int = 0, size: int = 0, sentences: int = 0, documents: int = 0) -> None:
    """The limits of one build (or add): number of files (and of the documents in dumps and feeds), total bytes,
    sentences; called before the work starts."""
    if files > MAX_BUILD_FILES:
        raise AssistantError(f"{files:,} files were given; the limit is {MAX_BUILD_FILES:,} files per build.")
    if documents > MAX_BUILD_FILES:
        raise AssistantError(
            f"the sources hold more than {MAX_BUILD_FILES:,} documents; the limit is {MAX_BUILD_FILES:,} per build "
            "(build fewer at once and add the rest, or use assistant analyse and import for an archive)."
        )
    if size > MAX_BUILD_BYTES:
        raise AssistantError(
            f"the texts come to {size:,} bytes; the limit is {MAX_BUILD_BYTES:,} bytes per build "
            "(build fewer texts at once, then add the rest)."
        )
    if sentences > MAX_BUILD_SENTENCES:
        raise AssistantError(
            f"the texts hold about {sentences:,} sentences; the limit is {MAX_BUILD_SENTENCES:,} sentences per "
            "build (build fewer texts at once, then add the rest)."
        )


_SENTENCE_END = re.compile(r"[.!?…。！？]+")
_LINE_START = re.compile(r"\n\s*(?=\S)")


def estimate_sentences(text: str) -> int:
    """A cheap, linear upper estimate of the sentences in ``text``: runs of sentence punctuation plus lines that
    hold something. Used to refuse a build over MAX_BUILD_SENTENCES before any text is segmented or embedded."""
    quick = sum(text.count(mark) for mark in ".!?…。！？\n") + 1  # an upper bound of the estimate, in C
    if quick <= MAX_BUILD_SENTENCES:
        return quick
    return len(_SENTENCE_END.findall(text)) + len(_LINE_START.findall(text)) + 1


def valid_date(value: str) -> bool:
    """``YYYY-MM-DD`` that is a real calendar day between MIN_DATE and MAX_DATE (``2017-02-31`` and
    ``9999-12-31`` are not)."""
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return MIN_DATE <= day <= MAX_DATE
