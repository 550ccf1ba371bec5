"""The commit point of an index: ``manifest.json``, which names the live segments and their deletions.

A change writes new segments first, then a new manifest to a temporary name, fsyncs it, and renames it over the old
one (one atomic step). A reader reads the manifest once and keeps that snapshot. Writers take ``.lock`` (an
exclusive ``flock``) so that two changes never interleave; the second waits, then gets a clear message.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..errors import AssistantError, printable
from ..pipeline.embedding import EMBEDDING_TEXT
from ..pipeline.encoder import OLD_PRECISION, PRECISIONS
from .segment import CONTEXT_WEIGHT

FORMAT = "article-assistant-index"
FORMAT_VERSION = 2
MANIFEST = "manifest.json"
LOCK = ".lock"
MARKER = ".article-assistant-index"
"""Written into every index folder when it is created: only folders with it (or an old manifest of ours) are ours."""
SEGMENTS = "segments"
LOCK_WAIT_SECONDS = 60.0


STORED_SHAPE = {"context_weight": CONTEXT_WEIGHT, "embedding_text": EMBEDDING_TEXT, "encoder_precision": OLD_PRECISION}
"""What shapes the stored vectors besides the model, recorded in every manifest (after Lucene, which records what
wrote a segment): the window weight baked into large segments' IVF, the form of text that was embedded, and the
encoder's precision (``fp32`` or ``int8``, pipeline/encoder.py: every vector of an index has the index's precision,
and its questions are encoded for it). The runtime does not shape fp32 vectors (ONNX Runtime's equal torch's), so
it is recorded as ``encoder_runtime`` for information only. Manifests written before these were recorded were made
with exactly these values (fp32 included), so a missing field means them; a new index records its own precision."""


def stored_shape(manifest: dict[str, Any]) -> dict[str, Any]:
    """The manifest's recorded shape, with the values every older index was built with where it records none."""
    return {key: manifest.get(key, default) for key, default in STORED_SHAPE.items()}


def rebuild_hint(index_dir: Path) -> str:
    return f"rebuild it with: assistant build SOURCES --index {printable(index_dir)}"


class IndexProblem(AssistantError):
    """The index directory cannot be used as it is."""

    def __init__(self, index_dir: Path, problem: str) -> None:
        super().__init__(f"index {printable(index_dir)} {problem}; {rebuild_hint(index_dir)}")
        self.index_dir = index_dir
        self.problem = problem


def segment_folders(index_dir: Path) -> list[str]:
    """The segments on disk (folders of ``segments/`` that hold a segment's table), named or not by a manifest."""
    root = index_dir / SEGMENTS
    try:
        return sorted(p.name for p in root.iterdir() if not p.name.startswith(".") and (p / "sentences.npy").exists())
    except OSError:
        return []


class NoCommitPoint(IndexProblem):
    """The index holds segments but no readable manifest: nothing may be written until the manifest is back
    (issue 22: the next change committed a manifest without them and deleted them)."""

    def __init__(self, index_dir: Path, problem: str, segments: int) -> None:
        AssistantError.__init__(
            self,
            f"index {printable(index_dir)} {problem} but holds {segments} segment(s); nothing was changed. "
            f"Restore {MANIFEST} (the segments are intact: assistant verify checks them once it is back), or "
            f"replace the index with: assistant build SOURCES --index {printable(index_dir)}",
        )
        self.index_dir = index_dir
        self.problem = problem


def fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def read(index_dir: Path) -> dict[str, Any]:
    """The manifest, checked for format, version and field types; every problem names the rebuild command."""
    path = index_dir / MANIFEST
    if not index_dir.exists():
        raise IndexProblem(index_dir, "does not exist")
    if not index_dir.is_dir():
        raise IndexProblem(index_dir, "is not a directory")
    if not path.is_file():
        _no_commit_point(index_dir, f"has no {MANIFEST}")
        raise IndexProblem(index_dir, f"has no {MANIFEST}")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):  # ValueError: bad JSON, or an int of 5,000 digits
        _no_commit_point(index_dir, f"has a corrupt {MANIFEST}")
        raise IndexProblem(index_dir, f"has a corrupt {MANIFEST}") from None
    except OSError as exc:
        raise IndexProblem(index_dir, f"has an unreadable {MANIFEST} ({exc.strerror})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise IndexProblem(index_dir, f"has a {MANIFEST} that is not an article-assistant manifest")
    version = manifest.get("format_version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise IndexProblem(index_dir, f"has a {MANIFEST} without a format version")
    if version > FORMAT_VERSION:
        raise IndexProblem(
            index_dir, f"was written by a newer version of the assistant (format {version}, this one reads {FORMAT_VERSION})"
        )
    if version < FORMAT_VERSION:
        raise IndexProblem(index_dir, f"uses an old index format ({version}; this version reads {FORMAT_VERSION})")
    check_fields(index_dir, manifest)
    return manifest


def _no_commit_point(index_dir: Path, problem: str) -> None:
    found = segment_folders(index_dir)
    if found:
        raise NoCommitPoint(index_dir, problem, len(found))


def check_fields(index_dir: Path, manifest: dict[str, Any]) -> None:
    def bad(what: str) -> IndexProblem:
        return IndexProblem(index_dir, f"has a {MANIFEST} with a bad {what}")

    if not isinstance(manifest.get("model"), str) or not manifest["model"]:
        raise bad("model")
    dim = manifest.get("dimension")
    if isinstance(dim, bool) or not isinstance(dim, int) or dim <= 0:
        raise bad("dimension")
    if isinstance(manifest.get("generation"), bool) or not isinstance(manifest.get("generation"), int):
        raise bad("generation")
    weight = manifest.get("context_weight", CONTEXT_WEIGHT)
    if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not 0 <= weight <= 10:
        raise bad("context weight")
    form = manifest.get("embedding_text", EMBEDDING_TEXT)
    if form != EMBEDDING_TEXT:
        raise IndexProblem(
            index_dir, f"was embedded as {printable(form, 60)!r}, a text form this version does not make ({EMBEDDING_TEXT!r})"
        )
    precision = manifest.get("encoder_precision", OLD_PRECISION)
    if precision not in PRECISIONS:
        raise IndexProblem(
            index_dir, f"was encoded at precision {printable(str(precision), 20)!r}, which this version does not make "
                       f"({', '.join(PRECISIONS)})"
        )
    segments = manifest.get("segments")
    if not isinstance(segments, list):
        raise bad("segment list")
    for seg in segments:
        if not isinstance(seg, dict) or not isinstance(seg.get("name"), str) or "/" in seg["name"] or seg["name"].startswith("."):
            raise bad("segment entry")
        for key in ("documents", "sentences"):
            if isinstance(seg.get(key), bool) or not isinstance(seg.get(key), int) or seg[key] < 0:
                raise bad(f"segment {key} count")
        deleted = seg.get("deleted", [])
        if not isinstance(deleted, list) or not all(isinstance(d, int) and not isinstance(d, bool) for d in deleted):
            raise bad("deletion list")
        files = seg.get("files")
        if not isinstance(files, dict) or not all(
            isinstance(v, dict) and isinstance(v.get("size"), int) and isinstance(v.get("sha256"), str) for v in files.values()
        ):
            raise bad("file list")


def write(index_dir: Path, manifest: dict[str, Any], before_rename: Callable[[], None] = lambda: None) -> None:
    """Replace the manifest in one atomic step (temporary file, fsync, rename, fsync of the folder)."""
    manifest = {**manifest, "format": FORMAT, "format_version": FORMAT_VERSION}
    tmp = index_dir / f".{MANIFEST}.tmp-{os.getpid()}"
    with tmp.open("w", encoding="utf-8") as handle:
        json.dump(manifest, handle, indent=1, ensure_ascii=False)
        handle.flush()
        os.fsync(handle.fileno())
    before_rename()
    os.replace(tmp, index_dir / MANIFEST)
    fsync_dir(index_dir)


def stamp(index_dir: Path) -> tuple[int, int, int] | None:
    """Changes whenever a new manifest is committed (a rename gives a new inode)."""
    try:
        st = os.stat(index_dir / MANIFEST)
    except OSError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


@contextmanager
def writer_lock(index_dir: Path, wait: float = LOCK_WAIT_SECONDS) -> Iterator[None]:
    """Hold the index's writer lock; another writer waits up to ``wait`` seconds, then gets a clear message."""
    path = index_dir / LOCK
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise AssistantError(f"cannot lock index {printable(index_dir)}: {exc.strerror}.") from None
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() >= deadline:
                    raise AssistantError(
                        f"index {printable(index_dir)} is being changed by another process; try again when it is done."
                    ) from None
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)  # closing releases the lock
