"""Changing an index: add or replace documents, remove them, replace everything, merge small segments.

Every change runs under the writer lock and follows Lucene's order: write the new segment under a temporary name,
rename it into ``segments/``, then commit a new manifest in one atomic rename. A process killed at any point leaves
the previous manifest in force; what it wrote is unreferenced and the next change deletes it.

The index folder is the app's alone: a change only creates an index in a folder that does not exist or is empty,
or that holds our marker or manifest, and it only ever deletes files it wrote (segments the manifest no longer
names, its own temporary files, and the files of an index of the previous format that it replaces).
"""

from __future__ import annotations

import os
import shutil
import time
import uuid

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..pipeline.analysed import Analysed, concat
from ..pipeline.encoder import runtime_of
from .. import settings
from ..errors import AssistantError, os_error_line, printable
from . import manifest as manifest_file
from .manifest import MARKER, SEGMENTS, IndexProblem
from .segment import ANN_MIN_SENTENCES, file_table
from .segment import write as write_segment
from .snapshot import SegmentCache, Snapshot, open_snapshot

from ..schema import Progress
MAX_SEGMENTS = 10
"""More live segments than this and the small ones are merged into one (on the change that crossed it)."""
SMALL_SHARE = 0.1
"""A segment is small (merge material) when it has at most this share of the largest segment's sentences."""
OLD_FORMAT_FILES = ("vectors.faiss", "metadata.json", "lexical", "sources")


def _quiet(fraction: float, message: str) -> None:  # noqa: ARG001
    return None


def write_failure_reason(exc: BaseException) -> str:
    """Why writing the index failed, in plain words: a full disk is said so whichever layer noticed it (an OSError
    with or without errno, numpy's "not enough free space", SQLite's "database or disk is full", faiss)."""
    import errno
    import sqlite3

    text = str(exc)
    if (isinstance(exc, OSError) and exc.errno == errno.ENOSPC) or "disk is full" in text or "free space" in text \
            or "No space left" in text:
        return "the disk is full (no space left on device)"
    if isinstance(exc, OSError):
        return os_error_line(exc)
    if isinstance(exc, sqlite3.Error):
        return f"the documents database could not be written ({printable(text, 120)})"
    return f"{type(exc).__name__}: {printable(text, 120)}"


class WriteFailed(AssistantError):
    """A step of a change could not write; ``reason`` says why in plain words."""

    def __init__(self, index_dir: Path, reason: str) -> None:
        super().__init__(f"cannot write the index at {printable(index_dir)}: {reason}; it was left as it was.")
        self.reason = reason


KILL_POINTS = ("segment-written", "segment-renamed", "manifest-written", "committed", "merge-written", "merged")
"""The steps of a change, in order; the crash tests kill a change at each (``ASSISTANT_KILL_AT``)."""


def checkpoint(step: str) -> None:
    """A named step of a change: the crash tests set ``ASSISTANT_KILL_AT`` to be killed (SIGKILL) right here."""
    if os.environ.get("ASSISTANT_KILL_AT") == step:
        os.kill(os.getpid(), 9)


@dataclass
class Change:
    """What a change did, and the index's figures after it."""

    index_dir: Path
    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    documents: int = 0
    sentences: int = 0
    speakers: int = 0
    merged_segments: int = 0
    seconds: float = 0.0
    warning: str | None = None
    """Set when the change was committed but what follows it (the merge of small segments) failed."""

    def __str__(self) -> str:
        parts = []
        if self.added:
            parts.append(f"added {len(self.added)}")
        if self.replaced:
            parts.append(f"replaced {len(self.replaced)} ({', '.join(printable(i, 60) for i in self.replaced[:5])}{'…' if len(self.replaced) > 5 else ''})")
        if self.removed:
            parts.append(f"removed {len(self.removed)}")
        done = ", ".join(parts) or "no change"
        line = (
            f"{printable(self.index_dir)}: {done}; now {self.documents} document(s), {self.sentences} sentences, "
            f"{self.speakers} speaker(s) ({self.seconds:.1f} s)"
        )
        return f"{line}; warning: {printable(self.warning, 300)}" if self.warning else line


def is_old_format(index_dir: Path) -> bool:
    try:
        manifest_file.read(index_dir)
        return False
    except IndexProblem as problem:
        return "old index format" in problem.problem


def claim_folder(index_dir: Path) -> None:
    """Make sure ``index_dir`` may hold our index: ours already, empty, or new. Anything else is refused."""
    if index_dir.is_symlink() and not index_dir.exists():
        raise AssistantError(f"{printable(index_dir)} is a broken symbolic link.")
    if index_dir.exists():
        if not index_dir.is_dir():
            raise AssistantError(f"{printable(index_dir)} exists and is not a folder; choose another --index.")
        if (index_dir / MARKER).is_file() or _has_our_manifest(index_dir):
            return
        try:
            entries = [p.name for p in index_dir.iterdir()]
        except OSError as exc:
            raise AssistantError(f"cannot read {printable(index_dir)}: {exc.strerror}.") from None
        if entries:
            raise AssistantError(
                f"{printable(index_dir)} is not empty and is not an index; nothing was changed "
                f"(choose a new or empty folder for --index)."
            )
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        (index_dir / MARKER).write_text("This folder is an article-assistant index. Its files are managed by the app.\n")
    except OSError as exc:
        raise AssistantError(f"cannot create the index at {printable(index_dir)}: {write_failure_reason(exc)}.") from None


def _has_our_manifest(index_dir: Path) -> bool:
    import json

    try:
        data = json.loads((index_dir / manifest_file.MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return False
    return isinstance(data, dict) and data.get("format") == manifest_file.FORMAT


def _clean(index_dir: Path, keep: set[str]) -> None:
    """Delete what this app wrote and no manifest names: unreferenced segments, temporary files."""
    segments = index_dir / SEGMENTS
    if segments.is_dir():
        for path in segments.iterdir():
            ours = path.name.startswith(".tmp-") or (path.is_dir() and (path / "sentences.npy").exists())
            if ours and path.name not in keep:
                shutil.rmtree(path, ignore_errors=True)
    for path in index_dir.glob(f".{manifest_file.MANIFEST}.tmp-*"):
        path.unlink(missing_ok=True)


def _counts(snapshot: Snapshot) -> dict[str, int]:
    docs = 0
    sentences = 0
    for i, seg in enumerate(snapshot.segments):
        for row in seg.document_rows():
            if row.ord not in snapshot.deleted[i]:
                docs += 1
                sentences += row.sentences
    return {"documents": docs, "sentences": sentences, "speakers": len(snapshot.speakers)}


class IndexWriter:
    """One change to one index, under its lock. Use as a context manager."""

    def __init__(
        self, index_dir: Path, model: str, dimension: int, replace_all: bool = False, cache: SegmentCache | None = None,
        precision: str | None = None,
    ) -> None:
        self.cache = cache or SegmentCache()  # segments opened once for the whole change (and shared with a reader)
        self.index_dir = index_dir
        self.model = model
        self.dimension = dimension
        self.precision = precision
        """The precision of the vectors this change brings (None: it brings none, as ``remove``): a new or replaced
        index records it; an existing index of another precision refuses the change (its vectors do not mix)."""
        self.replace_all = replace_all
        self._lock = None

    def __enter__(self) -> IndexWriter:
        claim_folder(self.index_dir)
        self._lock = manifest_file.writer_lock(self.index_dir)
        self._lock.__enter__()
        try:
            self.base = self._read_base()
        except BaseException:
            self._lock.__exit__(None, None, None)
            raise
        _clean(self.index_dir, self.on_disk)
        return self

    def __exit__(self, *exc: object) -> None:
        self._lock.__exit__(*exc)

    def _read_base(self) -> dict[str, Any]:
        self.previous: dict[str, Any] | None = None  # the index before a full replacement, for reusing analysis
        self.on_disk: set[str] = set()  # segments the manifest in force names: never cleaned before the commit
        if not (self.index_dir / manifest_file.MANIFEST).exists() and not manifest_file.segment_folders(self.index_dir):
            return self._empty()
        try:
            base = manifest_file.read(self.index_dir)
            self.on_disk = {s["name"] for s in base["segments"]}
        except IndexProblem as problem:
            if self.replace_all and (_has_our_manifest(self.index_dir) or (self.index_dir / MARKER).is_file()):
                # a build replaces an old-format or damaged index of ours (the user asked); its segments stay
                # until the build's commit, so that a failed build leaves them for a restored manifest
                self.on_disk = set(manifest_file.segment_folders(self.index_dir))
                return self._empty()
            raise problem
        if self.replace_all:
            if base["model"] == self.model and base["dimension"] == self.dimension:
                self.previous = base
            return {**self._empty(), "generation": base["generation"], "index_id": base.get("index_id", uuid.uuid4().hex)}
        if base["model"] != self.model or base["dimension"] != self.dimension:
            raise AssistantError(
                f"index {printable(self.index_dir)} was built with model {base['model']!r} ({base['dimension']} dimensions), "
                f"not {self.model!r}; rebuild it with: assistant build SOURCES --index {printable(self.index_dir)} --model {self.model}"
            )
        held = str(manifest_file.stored_shape(base)["encoder_precision"])
        if self.precision is not None and self.precision != held:
            raise AssistantError(
                f"index {printable(self.index_dir)} holds {held} vectors, not {self.precision}; nothing was changed "
                f"({manifest_file.rebuild_hint(self.index_dir)})"
            )
        self.precision = held
        return base

    @property
    def context_weight(self) -> float:
        """The index's recorded window weight: every segment of an index is written with the same one."""
        return float(manifest_file.stored_shape(self.base)["context_weight"])

    def _empty(self) -> dict[str, Any]:
        return {"model": self.model, "dimension": self.dimension, **manifest_file.STORED_SHAPE,
                "encoder_precision": self.precision or manifest_file.STORED_SHAPE["encoder_precision"], "generation": 0,
                "index_id": uuid.uuid4().hex, "segments": []}

    def snapshot(self) -> Snapshot:
        """The index as it is before this change (its documents can be reused by a full replacement too)."""
        if self.base["segments"] or self.previous is not None:
            try:
                return open_snapshot(self.index_dir, self.cache)
            except IndexProblem:
                if not self.replace_all:
                    raise
        return Snapshot(self.index_dir, {**self.base, "segments": []}, [])

    def apply(
        self,
        new: Analysed | None,
        keys: list[str],
        hashes: list[str],
        remove_ids: list[str] = (),  # type: ignore[assignment]
        progress: Progress = _quiet,
    ) -> Change:
        """Add (replacing same ids) ``new`` and remove ``remove_ids``, in one commit; then merge if due."""
        started = time.perf_counter()
        where = {} if self.replace_all else self.snapshot().document_index
        missing = [i for i in remove_ids if i not in where]
        if missing:
            raise AssistantError(
                f"no document {printable(missing[0], 100)} in index {printable(self.index_dir)} "
                f"(assistant documents lists them); nothing was changed."
            )
        segments = [] if self.replace_all else [dict(s, deleted=list(s.get("deleted", []))) for s in self.base["segments"]]
        change = Change(self.index_dir)
        new_ids = [d.id for d in new.documents] if new is not None else []
        for doc_id in [*new_ids, *remove_ids]:
            if doc_id in where:
                seg, ord_ = where[doc_id]
                segments[seg]["deleted"].append(ord_)
        change.replaced = [i for i in new_ids if i in where]
        change.added = [i for i in new_ids if i not in where]
        change.removed = list(remove_ids)
        segments = [s for s in segments if len(set(s["deleted"])) < s["documents"]]
        if new is not None and new.documents:
            progress(0.92, f"writing a segment of {new.size:,} sentences")
            segments.append(self._write(new, keys, hashes))
        self._commit(segments)
        progress(0.97, "committed")
        try:
            merged = self._merge_if_due(progress)
        except Exception as exc:  # noqa: BLE001 - the change is committed: a failed merge must not say otherwise
            reason = exc.reason if isinstance(exc, WriteFailed) else write_failure_reason(exc)
            change.warning = (f"the change is saved, but merging small segments failed ({reason}); "
                              "the next change merges them")
            merged = 0
        after = open_snapshot(self.index_dir, self.cache)
        counts = after.manifest.get("counts", {})
        change.documents, change.sentences, change.speakers = counts.get("documents", 0), counts.get("sentences", 0), counts.get("speakers", 0)
        change.merged_segments = merged
        change.seconds = time.perf_counter() - started
        return change

    def _write(self, analysed: Analysed, keys: list[str], hashes: list[str], merging: bool = False) -> dict[str, Any]:
        name = f"{time.strftime('%Y%m%d%H%M%S', time.gmtime())}-{uuid.uuid4().hex[:10]}"
        root = self.index_dir / SEGMENTS
        root.mkdir(exist_ok=True)
        tmp = root / f".tmp-{name}"
        try:
            ann = write_segment(analysed, tmp, keys, hashes, context_weight=self.context_weight)
            files = file_table(tmp)
            for path in tmp.rglob("*"):
                if path.is_file():
                    with path.open("rb") as handle:
                        os.fsync(handle.fileno())
            checkpoint("merge-written" if merging else "segment-written")
            os.replace(tmp, root / name)
            manifest_file.fsync_dir(root)
            checkpoint("segment-renamed")
        except Exception as exc:  # noqa: BLE001 - OSError, SQLite, numpy and faiss all fail on a full disk
            shutil.rmtree(tmp, ignore_errors=True)
            raise WriteFailed(self.index_dir, write_failure_reason(exc)) from None
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        entry = {"name": name, "documents": len(analysed.documents), "sentences": analysed.size, "deleted": [], "files": files}
        return {**entry, "ann": ann} if ann else entry

    def _commit(self, segments: list[dict[str, Any]]) -> None:
        for s in segments:
            s["deleted"] = sorted(set(s["deleted"]))
        manifest = {
            **self.base,
            **manifest_file.stored_shape(self.base),  # an older manifest gets the values it was built with, in writing
            "model": self.model,
            "dimension": self.dimension,
            # the runtime of this change's process (int8 is made by ONNX Runtime whatever the setting); information only
            "encoder_runtime": runtime_of(str(manifest_file.stored_shape(self.base)["encoder_precision"]), settings.encoder_runtime()),
            "generation": int(self.base.get("generation", 0)) + 1,
            "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "segments": segments,
        }
        segs = [self.cache.get(self.index_dir / SEGMENTS / s["name"], self.context_weight) for s in segments]
        manifest["counts"] = _counts(Snapshot(self.index_dir, manifest, segs))
        old_format = self.replace_all and is_old_format(self.index_dir)
        try:
            manifest_file.write(self.index_dir, manifest, before_rename=lambda: checkpoint("manifest-written"))
        except OSError as exc:
            raise WriteFailed(self.index_dir, write_failure_reason(exc)) from None
        self.base = manifest
        checkpoint("committed")
        _clean(self.index_dir, {s["name"] for s in segments})
        if old_format:
            for name in OLD_FORMAT_FILES:
                path = self.index_dir / name
                if path.is_dir():
                    shutil.rmtree(path, ignore_errors=True)
                elif path.exists():
                    path.unlink()

    def _merge_if_due(self, progress: Progress) -> int:
        """Merge the small segments into one when there are too many (Lucene's tiered merging, simplified)."""
        segments = self.base["segments"]
        if len(segments) <= MAX_SEGMENTS:
            return 0
        live = [s["sentences"] for s in segments]
        largest = max(live)
        small = [s for s in segments if s["sentences"] <= SMALL_SHARE * largest or s["sentences"] < ANN_MIN_SENTENCES]
        if len(small) < 2:
            return 0
        progress(0.98, f"merging {len(small)} small segments")
        snapshot = open_snapshot(self.index_dir, self.cache)
        by_name = {s.name: (i, s) for i, s in enumerate(snapshot.segments)}
        parts, keys, hashes = [], [], []
        for entry in small:
            i, seg = by_name[entry["name"]]
            keep = [r.ord for r in seg.document_rows() if r.ord not in snapshot.deleted[i]]
            analysed, k, h = seg.analysed(keep)
            parts.append(analysed)
            keys.extend(k)
            hashes.extend(h)
        merged = concat(parts, self.dimension)
        names = {s["name"] for s in small}
        rest = [dict(s) for s in segments if s["name"] not in names]
        if merged.documents:
            rest.append(self._write(merged, keys, hashes, merging=True))
        self._commit(rest)
        checkpoint("merged")
        return len(small)


def live_rows(snapshot: Snapshot, segment: int) -> np.ndarray:
    live = snapshot.live[segment]
    return np.arange(snapshot.segments[segment].size) if live is None else np.flatnonzero(live)
