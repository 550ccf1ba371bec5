"""Reading source texts into Documents: decoding, a leading ``date YYYY-MM-DD``, titles and ids."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .errors import AssistantError
from .schema import Document

TEXT_SUFFIXES = (".txt", ".md")
MAX_FILE_BYTES = 5_000_000

_HEADER = re.compile(r"\A[\ufeff\s]*date[ \t]*:?[ \t]*(\d{4}-\d{2}-\d{2})\b[ \t]*\n?[ \t]*", re.IGNORECASE)
_MD_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+(.+?)[ \t#]*$", re.MULTILINE)


@dataclass(frozen=True)
class Header:
    """Metadata found at the top of a text and where the body starts."""

    date: str | None
    body_start: int


def parse_header(text: str) -> Header:
    """Find a leading ``date YYYY-MM-DD`` (metadata, not part of the first sentence)."""
    match = _HEADER.match(text)
    if match is None:
        return Header(date=None, body_start=0)
    return Header(date=match.group(1), body_start=match.end())


def decode(data: bytes, name: str) -> str:
    """Decode UTF-8 (with or without BOM); anything else is a clear error."""
    if b"\x00" in data:
        raise AssistantError(f"{name} looks like a binary file, not UTF-8 text.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise AssistantError(
            f"{name} is not valid UTF-8 text (bad byte at position {exc.start}); save it as UTF-8 and try again."
        ) from None
    return text


def clean_text(text: str) -> str:
    """Control characters (except line ends, tabs and form feeds) and lone surrogates become spaces (same length)."""
    return "".join(
        " " if (unicodedata.category(ch) == "Cc" and ch not in "\n\r\t\f") or unicodedata.category(ch) == "Cs" else ch
        for ch in text
    )


def readable_title(doc_id: str) -> str:
    """``putin-nbc-2017-06-05`` → ``Putin nbc`` (a trailing date is left out)."""
    words = re.sub(r"[-_]+", " ", re.sub(r"[-_ ]*\d{4}-\d{2}-\d{2}$", "", doc_id)).strip() or doc_id
    return words[:1].upper() + words[1:] if words else doc_id


def title_of(text: str, doc_id: str) -> str:
    """A markdown heading in the text if it has one, else the id made readable."""
    match = _MD_HEADING.search(text)
    if match:
        return match.group(1).strip()
    return readable_title(doc_id)


def make_document(text: str, doc_id: str, source: str = "") -> Document:
    """A Document from already decoded text (control characters cleaned); an empty body is an error."""
    text = clean_text(text)
    header = parse_header(text)
    if not text[header.body_start :].strip():
        raise AssistantError(f"{source or doc_id} is empty: there is no text to index.")
    return Document(id=doc_id, title=title_of(text, doc_id), date=header.date, text=text, source=source)


def read_document(path: Path, doc_id: str | None = None) -> Document:
    """Read one ``.txt``/``.md`` file."""
    if not path.exists():
        raise AssistantError(f"{path} does not exist.")
    if path.suffix.lower() not in TEXT_SUFFIXES:
        raise AssistantError(f"{path} is not a .txt or .md file.")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise AssistantError(f"{path} is {size:,} bytes; the limit is {MAX_FILE_BYTES:,} bytes per file.")
    text = decode(path.read_bytes(), str(path))
    return make_document(text, doc_id or slug(path.stem), source=path.name)


MAX_ID_BYTES = 100


def slug(name: str) -> str:
    """A safe document id from a file name (at most MAX_ID_BYTES bytes, so that ``sources/<id>.txt`` fits a file name)."""
    cleaned = re.sub(r"[^\w.-]+", "-", name, flags=re.UNICODE).strip("-.")
    cleaned = cleaned.encode("utf-8")[:MAX_ID_BYTES].decode("utf-8", "ignore").rstrip("-.")
    return cleaned or "document"


def collect_files(sources: list[Path]) -> list[Path]:
    """Expand folders into their ``.txt``/``.md`` files (sorted); missing paths and empty folders are errors."""
    files: list[Path] = []
    for source in sources:
        if source.is_dir():
            found = sorted(p for p in source.rglob("*") if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES)
            if not found:
                raise AssistantError(f"{source} holds no .txt or .md files.")
            files.extend(found)
        elif source.exists():
            files.append(source)
        else:
            raise AssistantError(f"{source} does not exist.")
    if not files:
        raise AssistantError("no source files were given.")
    return files


def unique_ids(stems: list[str]) -> list[str]:
    """Make ids unique within one index: ``a``, ``a-2``, ``a-3``…"""
    seen: dict[str, int] = {}
    ids: list[str] = []
    taken = set()
    for stem in stems:
        base = slug(stem)
        candidate = base
        while candidate in taken:
            seen[base] = seen.get(base, 1) + 1
            candidate = f"{base}-{seen[base]}"
        taken.add(candidate)
        ids.append(candidate)
    return ids


def read_documents(sources: list[Path]) -> list[Document]:
    """Read every file under ``sources`` into Documents with unique ids."""
    files = collect_files(sources)
    ids = unique_ids([f.stem for f in files])
    return [read_document(f, doc_id) for f, doc_id in zip(files, ids)]


def bundled_article() -> Path:
    """The article the product ships with."""
    return Path(__file__).parent / "data" / "putin-nbc-2017-06-05.txt"
