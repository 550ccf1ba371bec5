"""Reading source texts into Documents: decoding, a leading ``date YYYY-MM-DD``, titles and ids.

What is refused, with one clear line (:class:`AssistantError`), before any work is done:
- anything that is not a regular file: folders, devices (``/dev/zero``, also through a ``.txt`` symlink), FIFOs,
  sockets; they are checked with ``stat`` and again on the opened descriptor (opened non-blocking, so a FIFO can
  never hang the reader), and at most ``MAX_FILE_BYTES + 1`` bytes are ever read;
- files over ``MAX_FILE_BYTES``, pasted texts over ``MAX_PASTE_BYTES`` (the same number), builds over the file,
  byte or sentence limits of :mod:`assistant.limits`;
- binary data, UTF-16/32, invalid UTF-8; texts that are empty or hold only invisible characters.

How texts are normalised: a BOM anywhere is dropped, line ends become ``\\n`` (CRLF, CR, NEL, U+2028; U+2029
becomes a blank line), other control characters and lone surrogates become spaces, then NFC.

Ids: the file name without its extension, NFKC-normalised, invisible format characters (zero-width, bidi controls)
dropped, anything but letters, digits, ``_``, ``.`` and ``-`` replaced by ``-``, at most ``MAX_ID_BYTES`` bytes.
Two names that give the same id (``my report.txt`` and ``my-report.txt``, ``Report.txt`` and ``report.txt``: ids are
compared case-insensitively) never share it: the later one gets ``-2``, ``-3``… and :func:`id_notes` /
:func:`place_documents` say so.

Dates: a leading ``date YYYY-MM-DD`` is metadata only when it is a real calendar day from 1800-01-01 to
2100-12-31 (``limits.valid_date``); otherwise (``2017-02-31``, ``9999-12-31``) the line stays part of the text.

Other formats (web pages, JSON Lines dumps, feeds, web archives: :mod:`assistant.text.sources`) give Records with
their own title, date, url and author; :func:`record_document` makes each a Document (its title as a ``# heading``
line, so that the text's header is the headline, as in a markdown file), and :func:`iter_documents` streams the
Documents of any mix of sources with unique ids, one record at a time.
"""

from __future__ import annotations

import functools
import os
import re
import stat
import unicodedata
from collections.abc import Iterable, Sequence
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO

from ..errors import BIDI_CONTROLS, AssistantError, printable
from .. import limits
from ..limits import (
    MAX_FEED_BYTES,
    MAX_FILE_BYTES,
    MAX_ID_BYTES,
    MAX_TITLE_CHARS,
    check_build,
    check_file_size,
    check_paste,
    estimate_sentences,
    is_invisible,
    utf8_size,
    valid_date,
)
from ..schema import Document, Progress
from . import sources as formats
from .jsonl import Place
from .records import Record
from .sources import SOURCE_SUFFIXES, STREAMED_SUFFIXES, TEXT_SUFFIXES, is_source, stem_of, suffix_of

__all__ = [
    "MAX_FILE_BYTES", "MAX_ID_BYTES", "TEXT_SUFFIXES", "Header", "bundled_article", "clean_text", "collect_files",
    "decode", "id_notes", "iter_documents", "make_document", "parse_header", "paste_stem", "place_documents",
    "plan_entries",
    "read_document", "read_documents", "read_entry", "readable_title", "record_document", "slug", "title_of",
    "unique_ids",
]
PASTED_SOURCES = ("", "pasted.txt")
"""Sources of texts that have no name of their own (pasted): they never replace another text of the same id."""
PASTED_ID = "pasted-text"
"""The id of a pasted text without a name, a headline or words to take one from (then ``pasted-text-2``…)."""
PASTE_ID_WORDS = 6
PASTE_ID_CHARS = 60
"""An unnamed paste without a headline takes its id from the first words of its first line: at most this many
words and characters (an id to read in the Texts tab, not a sentence)."""

_HEADER = re.compile(r"\A[\ufeff\s]*date[ \t]*:?[ \t]*(\d{4}-\d{2}-\d{2})\b[ \t]*\n?[ \t]*", re.IGNORECASE)
_MD_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+(\S[^\n]*)", re.MULTILINE)


@dataclass(frozen=True)
class Header:
    """Metadata found at the top of a text and where the body starts."""

    date: str | None
    body_start: int
    title: str | None = None


HEADLINE_MAX_CHARS = 120
HEADLINE_MAX_WORDS = 20
_LINE_END_PUNCTUATION = re.compile(r"[.!?…:;,]['\"’”»)\]]*$")
_QUOTE_MARKS = re.compile(r"[\"“”«»„]")


def is_headline(line: str) -> bool:
    """A short line that does not end like a sentence and quotes no one: the article's headline."""
    words = line.split()
    return (
        0 < len(line) <= HEADLINE_MAX_CHARS
        and len(words) <= HEADLINE_MAX_WORDS
        and any(ch.isalpha() for ch in line)
        and not _LINE_END_PUNCTUATION.search(line)
        and not _QUOTE_MARKS.search(line)
        and words[0].lower() != "by"  # a byline is not a headline
    )


def parse_header(text: str) -> Header:
    """Find a leading ``date YYYY-MM-DD`` and a headline, both metadata, not part of the first sentence.

    An impossible or out-of-range date (``2017-02-31``, ``9999-12-31``) is not metadata: the line stays in the
    text. The headline is the first line after it when that line is a markdown heading (``# …``) or
    :func:`is_headline`, and more text follows it."""
    match = _HEADER.match(text)
    date, start = None, 0
    if match is not None and valid_date(match.group(1)):
        date, start = match.group(1), match.end()
    first = len(text) - len(text[start:].lstrip())
    line_end = text.find("\n", first)
    if line_end < 0 or not text[line_end:].strip():
        return Header(date=date, body_start=start)
    line = text[first:line_end].strip()
    heading = _MD_HEADING.match(line)
    title = _heading_text(heading.group(1)).strip() if heading else line if is_headline(line) else None
    if not title:
        return Header(date=date, body_start=start)
    rest = line_end + len(text[line_end:]) - len(text[line_end:].lstrip())
    return Header(date=date, body_start=rest, title=title)


_UTF16_32_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")


def decode(data: bytes, name: str) -> str:
    """Decode UTF-8 (with or without BOM); binary data, UTF-16/32 and invalid UTF-8 are clear errors.

    A text is binary when a NUL byte comes in its first 8,000 bytes (git's rule); a stray NUL further on becomes
    a space like any other control character.
    """
    shown = printable(name)
    utf16 = data.startswith(_UTF16_32_BOMS)
    if utf16 or b"\x00" in data[:8000]:
        hint = " (it may be UTF-16: save it as UTF-8)" if utf16 else ""
        raise AssistantError(f"{shown} looks like a binary file, not UTF-8 text{hint}.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise AssistantError(
            f"{shown} is not valid UTF-8 text (bad byte at position {exc.start}); save it as UTF-8 and try again."
        ) from None


_LINE_ENDS = re.compile(r"\r\n?|[\x85\u2028]")
_CONTROLS_TO_SPACE = {c: " " for c in [*range(0x20), *range(0x7F, 0xA0)] if chr(c) not in "\n\t\f"}
_SURROGATE = re.compile("[\ud800-\udfff]")


def clean_text(text: str) -> str:
    """The stored form of a text: BOMs dropped, line ends ``\\n`` (U+2029 a blank line), control characters
    (except ``\\n``, tabs and form feeds) and lone surrogates become spaces, NFC."""
    if "\ufeff" in text:
        text = text.replace("\ufeff", "")
    if "\r" in text or "\x85" in text or "\u2028" in text:
        text = _LINE_ENDS.sub("\n", text)
    if "\u2029" in text:
        text = text.replace("\u2029", "\n\n")
    text = text.translate(_CONTROLS_TO_SPACE)
    if _SURROGATE.search(text):
        text = _SURROGATE.sub(" ", text)
    return unicodedata.normalize("NFC", text)


def clean_name(name: str) -> str:
    """A name or title for display: NFC, bidi controls dropped, control characters and runs of white space become
    one space."""
    name = "".join(
        " " if unicodedata.category(ch) in ("Cc", "Cs", "Zl", "Zp") else ch for ch in name if ch not in BIDI_CONTROLS
    )
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", name)).strip()


def readable_title(doc_id: str) -> str:
    """``putin-nbc-2017-06-05`` → ``Putin nbc`` (a trailing date is left out)."""
    words = re.sub(r"[-_]+", " ", re.sub(r"[-_ ]*\d{4}-\d{2}-\d{2}$", "", doc_id)).strip() or doc_id
    return words[:1].upper() + words[1:] if words else doc_id


def _heading_text(line: str) -> str:
    """``Title ##`` → ``Title`` (a closing run of ``#`` after white space), in linear time."""
    line = line.rstrip(" \t")
    stripped = line.rstrip("#")
    if stripped != line and (not stripped or stripped[-1] in " \t"):
        line = stripped.rstrip(" \t")
    return line


def title_of(text: str, doc_id: str) -> str:
    """The headline (:func:`parse_header`), else the first markdown heading in the text that shows something, else
    the id made readable; bidi controls dropped, at most MAX_TITLE_CHARS characters."""
    headline = clean_name(parse_header(text).title or "")
    if headline and not is_invisible(headline):
        return headline[:MAX_TITLE_CHARS].rstrip()
    for match in _MD_HEADING.finditer(text):
        title = clean_name(_heading_text(match.group(1)[: 4 * MAX_TITLE_CHARS]))
        if not is_invisible(title):
            return title[:MAX_TITLE_CHARS].rstrip() if len(title) > MAX_TITLE_CHARS else title
    return readable_title(doc_id)


def make_document(
    text: str, doc_id: str, source: str = "", *, title: str | None = None, date: str | None = None,
    url: str | None = None, author: str | None = None, name: str | None = None,
) -> Document:
    """A Document from already decoded text (a file's, a record's or a pasted one): the same byte limit as a file,
    normalised (see :func:`clean_text`); an empty or invisible-only body, or one over the sentence limit, is an
    error. ``title`` and ``date``, when given, are the source's own and win over the text's header; ``name``
    names the text in messages (default: ``source``, else the id)."""
    shown = name or source or doc_id
    name = printable(shown)
    check_paste(text, shown)
    text = clean_text(text)
    header = parse_header(text)
    body = text[header.body_start :]
    if not body.strip():
        raise AssistantError(f"{name} is empty: there is no text to index.")
    if is_invisible(body):
        raise AssistantError(f"{name} is empty: it holds only invisible characters, no text to index.")
    sentences = estimate_sentences(body)
    if sentences > limits.MAX_BUILD_SENTENCES:
        raise AssistantError(
            f"{name} holds about {sentences:,} sentences; the limit is {limits.MAX_BUILD_SENTENCES:,} sentences "
            "per build."
        )
    given = clean_name(title)[:MAX_TITLE_CHARS].rstrip() if title else ""
    return Document(
        id=doc_id, title=given if given and not is_invisible(given) else title_of(text, doc_id),
        date=date if date is not None else header.date, text=text, source=source, url=url,
        author=clean_name(author) or None if author else None,
    )


def record_document(record: Record, doc_id: str, source: str) -> Document:
    """The Document of one record of a page, dump, feed or archive. Its title becomes the text's ``# heading``
    line (the header, not a sentence); the record's date, url and author are kept as the source gave them."""
    title = clean_name(record.title or "")
    text = f"# {title}\n\n{record.text}" if title and not is_invisible(title) else record.text
    return make_document(text, doc_id, source, title=title or None, date=record.date, url=record.url,
                         author=record.author, name=record.where)


def _stat(path: Path) -> os.stat_result:
    """``os.stat`` of a source, every failure one clear line (missing, a broken link, unreadable)."""
    try:
        return os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            raise AssistantError(f"{printable(path)} is a broken link: its target does not exist.") from None
        raise AssistantError(f"{printable(path)} does not exist.") from None
    except OSError as error:
        raise _unreadable(path, error) from None


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _unreadable(path: Path, error: OSError) -> AssistantError:
    reason = error.strerror or type(error).__name__
    return AssistantError(f"{printable(path)} cannot be read: {reason[:1].lower()}{reason[1:]}.")


def read_bytes(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file, at most ``limit``; anything else (folder, device, FIFO, socket, a symlink to
    one, a file over the limit) is refused before reading. Never blocks on a FIFO, never reads past ``limit + 1``."""
    name = printable(path)
    info = _stat(path)
    if not stat.S_ISREG(info.st_mode):
        raise AssistantError(f"{name} is {_kind(info.st_mode)}, not a text file; refusing to read it.")
    check_file_size(info.st_size, name)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as error:
        raise _unreadable(path, error) from None
    try:
        opened = os.fstat(fd)
        if not stat.S_ISREG(opened.st_mode):  # swapped between the stat and the open
            raise AssistantError(f"{name} is {_kind(opened.st_mode)}, not a text file; refusing to read it.")
        chunks: list[bytes] = []
        total = 0
        while total <= limit:
            try:
                chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            except OSError as error:
                raise _unreadable(path, error) from None
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    finally:
        os.close(fd)
    if total > limit:  # it grew after the stat
        check_file_size(total, name)
    return b"".join(chunks)


def open_source(path: Path, limit: int | None = MAX_FILE_BYTES) -> IO[bytes]:
    """A regular file opened for reading in binary (checked as :func:`read_bytes` checks it; ``limit``: its size
    bound, None for a streamed dump or archive, which is never read whole)."""
    name = printable(path)
    info = _stat(path)
    if not stat.S_ISREG(info.st_mode):
        raise AssistantError(f"{name} is {_kind(info.st_mode)}, not a source file; refusing to read it.")
    if limit is not None and info.st_size > limit:
        raise AssistantError(f"{name} is {info.st_size:,} bytes; the limit is {limit:,} bytes for such a file.")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as error:
        raise _unreadable(path, error) from None
    opened = os.fstat(fd)
    if not stat.S_ISREG(opened.st_mode):  # swapped between the stat and the open
        os.close(fd)
        raise AssistantError(f"{name} is {_kind(opened.st_mode)}, not a source file; refusing to read it.")
    return os.fdopen(fd, "rb", buffering=1 << 20)


def _check_path(path: Path) -> str:
    """The format's extension of an existing, non-folder source path; anything else one clear line."""
    if not os.path.lexists(path):
        raise AssistantError(f"{printable(path)} does not exist.")
    if os.path.isdir(path):
        raise AssistantError(f"{printable(path)} is a folder, not a source file ({formats.SUPPORTED}).")
    suffix = suffix_of(path.name)
    if suffix not in SOURCE_SUFFIXES:
        raise formats.unsupported(printable(path))
    return suffix


def read_document(path: Path, doc_id: str | None = None) -> Document:
    """Read one file that holds one text: ``.txt``/``.md`` (a regular file, within the limits) or a saved web page
    (``.html``/``.htm``). A dump, feed or archive holds many: :func:`iter_documents` reads those."""
    path = Path(path)
    suffix = _check_path(path)
    doc_id = doc_id or slug(stem_of(path.name))
    if suffix in TEXT_SUFFIXES:
        text = decode(read_bytes(path), str(path))
        return make_document(text, doc_id, source=path.name)
    if suffix not in formats.PAGE_SUFFIXES:
        raise AssistantError(
            f"{printable(path)} holds many documents ({suffix}); give it to build, add or analyse, which read "
            "every one (attribute reads one text: a .txt, .md or .html file)."
        )
    data = read_bytes(path)
    formats.check_content(data[:65536], suffix, printable(path))
    _, record = next(formats.records(_Bytes(data), suffix, printable(path.name), stem_of(path.name)))
    return record_document(record, doc_id, path.name)


class _Bytes:
    """Bytes already read, as the small file interface the format readers use."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def read(self, size: int = -1) -> bytes:
        return self.data


def _cut(text: str, max_bytes: int) -> str:
    return text.encode("utf-8", "surrogatepass")[:max_bytes].decode("utf-8", "ignore").rstrip("-.")


def slug(name: str) -> str:
    """A safe document id from a file name: NFKC, zero-width and bidi characters dropped, every run of characters
    other than letters, digits, combining marks, ``_``, ``.`` and ``-`` becomes ``-``; at most MAX_ID_BYTES bytes
    (so that ``sources/<id>.txt`` fits a file name)."""
    name = unicodedata.normalize("NFKC", str(name)[: 4 * MAX_ID_BYTES])  # a file name has ≤ 255 bytes; titles more
    out: list[str] = []
    replaced = False
    for ch in name:
        category = unicodedata.category(ch)
        if category == "Cf":  # zero-width characters, bidi controls, soft hyphens: they show nothing
            continue
        keep = ch.isalnum() or ch in "_.-" or (category[0] == "M" and out and not replaced)
        if keep:
            out.append(ch)
            replaced = False
        elif not replaced:
            out.append("-")
            replaced = True
    cleaned = "".join(out).strip("-.")
    return _cut(cleaned, MAX_ID_BYTES) or "document"


def paste_stem(text: str, name: str = "") -> str:
    """The id a pasted text asks for, before it is made unique (:func:`unique_ids`): ``name`` when one is given;
    else its headline (:func:`parse_header`), else the first words of its first line, lower case; else
    :data:`PASTED_ID`."""
    if name.strip():
        return slug(name.strip())
    cleaned = clean_text(text[: 64 * PASTE_ID_CHARS] if len(text) > 64 * PASTE_ID_CHARS else text)
    header = parse_header(cleaned)
    line = header.title or cleaned[header.body_start :].strip().split("\n", 1)[0]
    words: list[str] = []
    for word in line.split()[:PASTE_ID_WORDS]:
        if words and len(" ".join([*words, word])) > PASTE_ID_CHARS:
            break
        words.append(word[:PASTE_ID_CHARS])
    stem = slug(" ".join(words)).lower() if words else ""
    return stem if stem and stem != "document" and any(ch.isalnum() for ch in stem) else PASTED_ID


def unique_ids(stems: list[str], taken: Iterable[str] = ()) -> list[str]:
    """Make ids unique within one index (and apart from ``taken``): ``a``, ``a-2``, ``a-3``… Ids differing only in
    case count as the same (``sources/<id>.txt`` must not collide on a case-insensitive file system)."""
    used = {t.casefold() for t in taken}
    counters: dict[str, int] = {}
    ids: list[str] = []
    for stem in stems:
        base = slug(stem)
        candidate = base
        key = base.casefold()
        while candidate.casefold() in used:
            counters[key] = counters.get(key, 1) + 1
            suffix = f"-{counters[key]}"
            candidate = _cut(base, MAX_ID_BYTES - len(suffix)) + suffix
        used.add(candidate.casefold())
        ids.append(candidate)
    return ids


def id_notes(names: Sequence[str], ids: Sequence[str]) -> list[str]:
    """One line for every name whose id is not its plain slug (another text had it): what it is indexed as."""
    notes = []
    given: dict[str, str] = {}
    for name, doc_id in zip(names, ids):
        wanted = slug(Path(name).stem if Path(name).suffix.lower() in TEXT_SUFFIXES else name)
        if wanted != doc_id:
            holder = given.get(wanted.casefold(), wanted)
            notes.append(f"{printable(name, 80)} is indexed as {doc_id} ({holder} is another text's id).")
        given.setdefault(doc_id.casefold(), doc_id)
    return notes


def place_documents(existing: Sequence[object], new: Sequence[Document]) -> tuple[list[Document], list[str]]:
    """Ids for ``new`` documents added beside ``existing`` ones (Documents or stored documents: ``id``, ``source``,
    ``text``), and one note per decision. A new document with an indexed id replaces that document only when it is
    the same text, or comes from a file of the same name; otherwise (``my-report.txt`` beside ``my report.txt``, a
    second untitled paste) it gets a free id (``-2``…) and a note says so. Never silent."""
    by_key = {str(getattr(d, "id")).casefold(): d for d in existing}
    used = {str(getattr(d, "id")) for d in existing}
    placed: list[Document] = []
    notes: list[str] = []
    for document in new:
        old = by_key.get(document.id.casefold())
        if old is not None:
            old_source = str(getattr(old, "source", "") or "")
            same_text = getattr(old, "text", None) == document.text
            same_file = old_source == document.source and document.source not in PASTED_SOURCES
            if same_text or same_file:
                used.discard(str(getattr(old, "id")))
                what = "the same text as" if same_text else "a new version of"
                notes.append(f"{printable(document.source or document.id, 80)} replaces {getattr(old, 'id')} "
                             f"({what} the indexed one).")
            else:
                fresh = unique_ids([document.id], taken=used | {d.id for d in placed})[0]
                notes.append(
                    f"{printable(document.source or document.id, 80)} is indexed as {fresh}: {document.id} is "
                    f"already {printable(old_source or 'another text', 80)}."
                )
                document = replace(document, id=fresh, title=document.title)
        used.add(document.id)
        placed.append(document)
    return placed, notes


def _walk(folder: Path, limited: bool = True) -> list[Path]:
    """Source files under ``folder`` (any supported extension; not following folder links; hidden files and
    folders skipped)."""
    found: list[Path] = []

    def fail(error: OSError) -> None:
        raise _unreadable(Path(error.filename or folder), error)

    for root, dirs, names in os.walk(folder, onerror=fail, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in names:
            if not name.startswith(".") and is_source(name):
                path = Path(root) / name
                if not os.path.isdir(path):
                    found.append(path)
                    if limited and len(found) > limits.MAX_BUILD_FILES:
                        check_build(files=len(found))
    return sorted(found)


def _once(files: list[Path]) -> list[Path]:
    """Each file once, however often it was named (``docs docs/ferry.txt``: issue 22 indexed it twice)."""
    seen: set[str] = set()
    kept = []
    for path in files:
        key = os.path.realpath(path)
        if key not in seen:
            seen.add(key)
            kept.append(path)
    return kept


def collect_files(sources: list[Path], limited: bool = True) -> list[Path]:
    """Expand folders into their source files (sorted; hidden ones skipped); missing paths, empty folders
    and (when ``limited``) more than MAX_BUILD_FILES files are errors. Special files are kept, for
    :func:`read_document` to refuse. ``limited=False`` is for the analysis of archives on a cluster."""
    files: list[Path] = []
    for source in sources:
        source = Path(source)
        if stat.S_ISDIR(_stat(source).st_mode):
            found = _walk(source, limited)
            if not found:
                raise AssistantError(f"{printable(source)} holds no source files ({formats.SUPPORTED}).")
            files.extend(found)
        else:
            files.append(source)
        files = _once(files)
        if limited:
            check_build(files=len(files))
    if not files:
        raise AssistantError("no source files were given.")
    return files


class IdMaker:
    """Unique ids handed out one document at a time, as :func:`unique_ids` gives them to a whole list (so that a
    stream of millions of records needs only the set of ids so far); ``notes`` says which were renamed."""

    def __init__(self) -> None:
        self.used: set[str] = set()
        self.counters: dict[str, int] = {}
        self.notes: list[str] = []
        self.holders: dict[str, str] = {}

    def take(self, stem: str, name: str) -> str:
        base = slug(stem)
        candidate, key = base, base.casefold()
        while candidate.casefold() in self.used:
            self.counters[key] = self.counters.get(key, 1) + 1
            suffix = f"-{self.counters[key]}"
            candidate = _cut(base, MAX_ID_BYTES - len(suffix)) + suffix
        self.used.add(candidate.casefold())
        if candidate != base:
            holder = self.holders.get(key, base)
            self.notes.append(f"{printable(name, 80)} is indexed as {candidate} ({holder} is another text's id).")
        self.holders.setdefault(candidate.casefold(), candidate)
        return candidate


def _entries(files: Sequence[Path], extract: bool, progress: Progress | None) -> Iterator[tuple[Path, Place | None, Record | None]]:
    """``(file, place, record)`` for every text of ``files`` in order: a text file is one entry with no record
    (read by :func:`read_document`); other formats one per record, read here, one at a time."""
    sizes = []
    for f in files:
        try:
            sizes.append(os.stat(f).st_size)
        except OSError:
            sizes.append(0)
    total, done = max(1, sum(sizes)), 0
    for f, size in zip(files, sizes):
        suffix = _check_path(f)
        if suffix in TEXT_SUFFIXES:
            yield f, None, None
        else:
            name = printable(f.name)
            limit = None if suffix in STREAMED_SUFFIXES else MAX_FEED_BYTES if suffix in formats.FEED_SUFFIXES else MAX_FILE_BYTES
            with open_source(f, limit) as stream:
                head = stream.peek(65536)[:65536]  # type: ignore[attr-defined]
                formats.check_content(head, suffix, printable(f))
                count = 0
                for place, record in formats.records(stream, suffix, name, stem_of(f.name), extract):
                    count += 1
                    yield f, place, record
                    if progress is not None:
                        position = place.offset + place.length if place is not None else size
                        progress(min(1.0, (done + position) / total), f"read {count:,} record(s) of {name}")
        done += size


def iter_documents(
    sources: Sequence[Path], limited: bool = True, notes: list[str] | None = None, progress: Progress | None = None,
) -> Iterator[Document]:
    """The Documents of every source, in order, with unique ids, one record at a time (a 1 GB dump is never held
    whole). ``limited``: the build limits (files, documents, total bytes of the texts) hold, checked as the texts
    are read, so that a large dump is refused as soon as it passes them. At the end, ``notes`` gets the renamed ids
    and how many dates were not dates."""
    files = collect_files(list(sources), limited)
    if limited:
        whole = 0
        for f in files:
            if suffix_of(f.name) in TEXT_SUFFIXES + formats.PAGE_SUFFIXES:
                try:
                    whole += os.stat(f).st_size
                except OSError:
                    pass  # read_document names the problem
        check_build(files=len(files), size=whole)
    ids = IdMaker()
    count = size = bad_dates = 0
    for path, _, record in _entries(files, True, progress):
        if record is None:
            document = read_document(path, ids.take(stem_of(path.name), path.name))
        else:
            document = record_document(record, ids.take(record.stem, record.where), path.name)
            bad_dates += record.bad_date
        count += 1
        size += utf8_size(document.text)
        if limited:
            check_build(documents=count, size=size)
        yield document
    if notes is not None:
        notes.extend(ids.notes)
        if bad_dates:
            notes.append(f"{bad_dates} document(s) gave a date that is not a date (YYYY-MM-DD or an ISO date-time "
                         "from 1800 to 2100); they are kept without a date.")


def read_documents(sources: list[Path], notes: list[str] | None = None, progress: Progress | None = None) -> list[Document]:
    """Read every source into Documents with unique ids. The build limits (files, documents, total bytes,
    sentences) are checked before the texts are analysed; renamed ids and dates that are not dates are added to
    ``notes`` if given."""
    documents = list(iter_documents(sources, True, notes, progress))
    check_build(sentences=sum(estimate_sentences(d.text) for d in documents))
    return documents


def plan_entries(sources: Sequence[Path]) -> Iterator[tuple[Path, Place | None, str]]:
    """``(file, place, id)`` of every text, ids as :func:`iter_documents` gives them, without the build limits:
    the Ray driver's plan. Every text file is read once and every record of a dump or archive checked (not
    extracted), so that a bad source is named before any work; the workers read by :func:`read_entry`."""
    ids = IdMaker()
    items: dict[Path, int] = {}
    for path, place, record in _entries(collect_files(list(sources), limited=False), False, None):
        if record is None:
            doc_id = ids.take(stem_of(path.name), path.name)
            read_document(path, doc_id)
            yield path, None, doc_id
            continue
        if place is None:  # a feed's item (a page is item 1): the worker reads the file again, by item number
            items[path] = items.get(path, 0) + 1
            place = Place(0, 0, items[path])
        yield path, place, ids.take(record.stem, record.where)


@functools.lru_cache(maxsize=2)
def _whole_records(path: str, modified: int) -> tuple[Record, ...]:  # noqa: ARG001 - the cache key
    """The records of a feed or page, read once per worker (its batch asks for them one by one)."""
    suffix = suffix_of(Path(path).name)
    limit = MAX_FEED_BYTES if suffix in formats.FEED_SUFFIXES else MAX_FILE_BYTES
    with open_source(Path(path), limit) as stream:
        name = printable(Path(path).name)
        return tuple(r for _, r in formats.records(stream, suffix, name, stem_of(Path(path).name)))


def read_entry(path: Path, place: Place | None, doc_id: str) -> Document:
    """One planned text: a text file (``place`` None), item ``place.number`` of a feed or page, or the record of
    a dump or archive at ``place``."""
    path = Path(path)
    suffix = suffix_of(path.name)
    if place is None:
        return read_document(path, doc_id)
    if suffix not in STREAMED_SUFFIXES:
        found = _whole_records(str(path), _stat(path).st_mtime_ns)
        if not 1 <= place.number <= len(found):
            raise AssistantError(f"{printable(path)} has changed since the run was planned; nothing was written.")
        return record_document(found[place.number - 1], doc_id, path.name)
    with open_source(path, None) as stream:
        record = formats.record_at(stream, suffix, place, printable(path.name), stem_of(path.name))
    return record_document(record, doc_id, path.name)


def bundled_article() -> Path:
    """The article the product ships with."""
    return Path(__file__).resolve().parent.parent / "data" / "putin-nbc-2017-06-05.txt"
