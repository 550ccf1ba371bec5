"""The index directory: FAISS vectors, sentence metadata and a manifest, written atomically and checked on load.

Layout of ``DIR``::

    manifest.json     format version, model, dimension, counts, per-document and per-file sha256, build id
    vectors.faiss     the dense index (inner product over L2-normalised vectors)
    metadata.json     documents (with their text), sentences (offsets, speaker, attribution) and speakers
    lexical/          the BM25 index over the same sentences
    sources/          copies of the source texts, so that a rebuild can always be repeated

A build writes everything into a sibling ``.DIR.build-<pid>`` directory and swaps it with ``DIR`` in one
``renameat2(RENAME_EXCHANGE)`` call, so a reader sees the old index or the new one, never a mix.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import json
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import AssistantError

FORMAT = "article-assistant-index"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
VECTORS = "vectors.faiss"
METADATA = "metadata.json"
LEXICAL = "lexical"
SOURCES = "sources"
BUILD_PREFIX = ".{name}.build-"
OLD_PREFIX = ".{name}.old-"


def rebuild_hint(index_dir: Path) -> str:
    return f"rebuild it with: assistant build SOURCES --index {index_dir}"


class IndexProblem(AssistantError):
    """The index directory cannot be used as it is."""

    def __init__(self, index_dir: Path, problem: str) -> None:
        super().__init__(f"index {index_dir} {problem}; {rebuild_hint(index_dir)}")
        self.index_dir = index_dir
        self.problem = problem


@dataclass(frozen=True)
class StoredSentence:
    """A sentence as kept in the index: ``doc`` indexes the document list; ``number`` counts from 1 per document."""

    doc: int
    number: int
    start: int
    end: int
    paragraph: int
    speaker: str | None
    attribution: str


@dataclass(frozen=True)
class StoredDocument:
    id: str
    title: str
    date: str | None
    text: str
    source: str
    aliases: dict[str, list[str]] = field(default_factory=dict)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _fsync_tree(root: Path) -> None:
    for path in sorted(root.rglob("*")):
        if path.is_file():
            with path.open("rb") as handle:
                os.fsync(handle.fileno())
    for directory in [root, *[p for p in root.rglob("*") if p.is_dir()]]:
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two existing paths (Linux renameat2); False where the system cannot."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_leftovers(index_dir: Path) -> list[Path]:
    """Remove what killed builds left beside ``index_dir`` (temporary build and old directories of dead processes)."""
    parent = index_dir.parent
    removed: list[Path] = []
    if not parent.exists():
        return removed
    for prefix in (BUILD_PREFIX, OLD_PREFIX):
        stem = prefix.format(name=index_dir.name)
        for path in parent.glob(stem + "*"):
            pid_text = path.name[len(stem) :].split("-")[0]
            if pid_text.isdigit() and _pid_alive(int(pid_text)) and int(pid_text) != os.getpid():
                continue
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def new_build_dir(index_dir: Path) -> Path:
    """A fresh private directory beside ``index_dir`` to write a build into."""
    index_dir.parent.mkdir(parents=True, exist_ok=True)
    clean_leftovers(index_dir)
    path = index_dir.parent / (BUILD_PREFIX.format(name=index_dir.name) + f"{os.getpid()}-{time.time_ns()}")
    path.mkdir()
    return path


def write_manifest(build_dir: Path, manifest: dict[str, Any]) -> None:
    """Write the manifest last, with the sha256 of every other file, so that it seals the build."""
    files = {
        str(p.relative_to(build_dir)): sha256_file(p)
        for p in sorted(build_dir.rglob("*"))
        if p.is_file() and p.name != MANIFEST
    }
    sealed = {**manifest, "format": FORMAT, "format_version": FORMAT_VERSION, "files": files}
    (build_dir / MANIFEST).write_text(json.dumps(sealed, indent=2, ensure_ascii=False), encoding="utf-8")


def publish(build_dir: Path, index_dir: Path) -> None:
    """Make the finished ``build_dir`` the index at ``index_dir`` in one atomic step, then drop the old one."""
    _fsync_tree(build_dir)
    if index_dir.exists() and not index_dir.is_dir():
        raise AssistantError(f"{index_dir} exists and is not a directory.")
    if not index_dir.exists():
        os.replace(build_dir, index_dir)
    elif _exchange(build_dir, index_dir):
        shutil.rmtree(build_dir, ignore_errors=True)  # now holds the previous index
    else:  # no renameat2: two renames, with a very short window where the directory is absent
        old = index_dir.parent / (OLD_PREFIX.format(name=index_dir.name) + f"{os.getpid()}-{time.time_ns()}")
        os.replace(index_dir, old)
        os.replace(build_dir, index_dir)
        shutil.rmtree(old, ignore_errors=True)
    fd = os.open(index_dir.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def read_manifest(index_dir: Path) -> dict[str, Any]:
    """The manifest, checked for format and version; every problem names itself and the rebuild command."""
    if not index_dir.exists():
        raise IndexProblem(index_dir, "does not exist")
    path = index_dir / MANIFEST
    if not path.is_file():
        raise IndexProblem(index_dir, f"has no {MANIFEST}")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise IndexProblem(index_dir, f"has a corrupt {MANIFEST}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise IndexProblem(index_dir, f"has a {MANIFEST} that is not an article-assistant manifest")
    version = manifest.get("format_version")
    if not isinstance(version, int):
        raise IndexProblem(index_dir, f"has a {MANIFEST} without a format version")
    if version > FORMAT_VERSION:
        raise IndexProblem(
            index_dir, f"was written by a newer version of the assistant (format {version}, this one reads {FORMAT_VERSION})"
        )
    if version < FORMAT_VERSION:
        raise IndexProblem(index_dir, f"uses an old index format ({version})")
    for key in ("model", "dimension", "files", "build_id"):
        if key not in manifest:
            raise IndexProblem(index_dir, f"has a {MANIFEST} without {key!r}")
    return manifest


def verify_files(index_dir: Path, manifest: dict[str, Any]) -> None:
    """Every file the manifest lists is present and unchanged."""
    files = manifest["files"]
    if not isinstance(files, dict):
        raise IndexProblem(index_dir, f"has a {MANIFEST} with a bad file list")
    for required in (VECTORS, METADATA):
        if required not in files:
            raise IndexProblem(index_dir, f"has a {MANIFEST} that does not list {required}")
    for name, digest in files.items():
        path = index_dir / name
        if not path.is_file():
            raise IndexProblem(index_dir, f"is missing {name}")
        if sha256_file(path) != digest:
            raise IndexProblem(index_dir, f"has a damaged {name} (its checksum does not match the manifest)")


def write_metadata(build_dir: Path, documents: list[StoredDocument], sentences: list[StoredSentence]) -> None:
    payload = {
        "documents": [
            {"id": d.id, "title": d.title, "date": d.date, "text": d.text, "source": d.source, "aliases": d.aliases}
            for d in documents
        ],
        "sentences": [
            [s.doc, s.number, s.start, s.end, s.paragraph, s.speaker, s.attribution] for s in sentences
        ],
    }
    (build_dir / METADATA).write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")


def read_metadata(index_dir: Path) -> tuple[list[StoredDocument], list[StoredSentence]]:
    try:
        payload = json.loads((index_dir / METADATA).read_text(encoding="utf-8"))
        documents = [
            StoredDocument(
                id=d["id"], title=d["title"], date=d["date"], text=d["text"], source=d["source"],
                aliases={k: list(v) for k, v in d.get("aliases", {}).items()},
            )
            for d in payload["documents"]
        ]
        sentences = [StoredSentence(*row) for row in payload["sentences"]]
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError):
        raise IndexProblem(index_dir, f"has unreadable {METADATA}") from None
    return documents, sentences
