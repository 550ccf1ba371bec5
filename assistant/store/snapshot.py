"""A reader's view of an index: the segments one manifest names, minus its deletions. It never changes.

Opening checks the manifest and every file's presence and size (cheap); it does not read or hash the data
(``verify`` does). Segments are shared between snapshots through a cache keyed by name, so that seeing another
process's change opens only the new segments.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from ..digest import sha256_file
from ..schema import DocumentInfo
from ..pipeline.analysed import Analysed
from ..schema import SpeakerEntry
from ..speech.names import is_description
from . import manifest as manifest_file
from .manifest import IndexProblem
from .segment import CONTEXT_WEIGHT, Segment


@dataclass(frozen=True)
class Location:
    """Where a sentence lives: segment position in the snapshot and row in the segment."""

    segment: int
    row: int


class SegmentCache:
    """Opened segments by name, shared by the snapshots of one index (segments are immutable)."""

    def __init__(self) -> None:
        self._open: dict[str, Segment] = {}
        self._lock = threading.Lock()

    def get(self, directory: Path, context_weight: float = CONTEXT_WEIGHT) -> Segment:
        with self._lock:
            seg = self._open.get(directory.name)
            if seg is None or seg.context_weight != context_weight:
                seg = Segment(directory, context_weight)
                self._open[directory.name] = seg
            return seg

    def keep_only(self, names: set[str]) -> None:
        with self._lock:
            for name in [n for n in self._open if n not in names]:
                del self._open[name]  # still usable by an older snapshot that holds it


class Snapshot:
    """The index as one committed manifest describes it."""

    def __init__(self, index_dir: Path, manifest: dict[str, Any], segments: list[Segment]) -> None:
        self.index_dir = index_dir
        self.manifest = manifest
        self.segments = segments
        self.deleted: list[set[int]] = [set(s.get("deleted", [])) for s in manifest["segments"]]
        self.live: list[np.ndarray | None] = []
        for seg, gone in zip(segments, self.deleted):
            if gone:
                self.live.append(~np.isin(seg.doc, np.fromiter(gone, dtype=np.int64)))
            else:
                self.live.append(None)

    @property
    def model(self) -> str:
        return str(self.manifest["model"])

    @property
    def dimension(self) -> int:
        return int(self.manifest["dimension"])

    @property
    def context_weight(self) -> float:
        """The window weight this index was built with (its manifest's ``context_weight``)."""
        return float(manifest_file.stored_shape(self.manifest)["context_weight"])

    @property
    def encoder_precision(self) -> str:
        """The precision every stored vector was encoded at (``fp32`` for an index that records none); questions
        are encoded for it (:func:`assistant.pipeline.embedding.encode_questions`)."""
        return str(manifest_file.stored_shape(self.manifest)["encoder_precision"])

    @property
    def generation(self) -> int:
        return int(self.manifest["generation"])

    @property
    def build_id(self) -> str:
        return f"{self.manifest.get('index_id', '')}-{self.generation}"

    @property
    def size(self) -> int:
        """Live sentences."""
        return int(self.manifest.get("counts", {}).get("sentences", sum(s.size for s in self.segments)))

    def is_live_doc(self, segment: int, ord_: int) -> bool:
        return ord_ not in self.deleted[segment]

    @cached_property
    def document_index(self) -> dict[str, tuple[int, int]]:
        """Live document id → (segment position, ord)."""
        index: dict[str, tuple[int, int]] = {}
        for i, seg in enumerate(self.segments):
            for row in seg.document_rows():
                if row.ord not in self.deleted[i]:
                    index[row.id] = (i, row.ord)
        return index

    @cached_property
    def reusable(self) -> dict[tuple[str, str, str], tuple[int, int]]:
        """(text sha256, analysis key, title) → where an already analysed live document is kept."""
        found: dict[tuple[str, str, str], tuple[int, int]] = {}
        for i, seg in enumerate(self.segments):
            for row in seg.document_rows():
                if row.ord not in self.deleted[i]:
                    found[(row.sha256, row.analysis, row.title)] = (i, row.ord)
        return found

    def stored_analysis(self, sha256: str, key: str, title: str) -> Analysed | None:
        """The stored analysis of a live document with this text hash, analysis key and title (for reuse)."""
        found = self.reusable.get((sha256, key, title))
        if found is None:
            return None
        seg_index, ord_ = found
        part, _, _ = self.segments[seg_index].analysed([ord_])
        return part

    def documents(self) -> list[DocumentInfo]:
        """Live documents in index order, each with its speakers (most quoted first); listed once per snapshot
        (which never changes: the page lists them on every refresh)."""
        return list(self._documents)

    @cached_property
    def _documents(self) -> tuple[DocumentInfo, ...]:
        infos: list[DocumentInfo] = []
        for i, seg in enumerate(self.segments):
            by_doc: dict[int, list[tuple[int, str]]] = {}
            for ord_, name, count, _, _ in seg.doc_speakers():
                by_doc.setdefault(ord_, []).append((-count, name))
            for row in seg.document_rows():
                if row.ord in self.deleted[i]:
                    continue
                # the speakers the speaker table lists (``speaker_table_entities``: no "The company" never named)
                speakers = [name for _, name in sorted(by_doc.get(row.ord, [])) if not is_description(name)]
                infos.append(DocumentInfo(row.id, row.title, row.date, row.source, row.sentences, speakers,
                                          url=row.url, author=row.author))
        return tuple(infos)

    @cached_property
    def speakers(self) -> list[SpeakerEntry]:
        """Every canonical speaker of the live documents, most quoted first (ties by name)."""
        table: dict[str, SpeakerEntry] = {}
        aliases: dict[str, set[str]] = {}
        for i, seg in enumerate(self.segments):
            gone = self.deleted[i]
            rows = seg.document_rows() if gone or len(seg.speaker_totals) else []
            ids = {r.ord: r.id for r in rows}
            for name, (count, direct, indirect, ords) in seg.speaker_totals.items():
                if gone:  # subtract the deleted documents' part (kept per document in the segment)
                    live = [o for o in ords if o not in gone]
                    if not live:
                        continue
                    if len(live) != len(ords):
                        count = direct = indirect = 0
                        for ord_, n, c, d, ind in seg.doc_speakers():
                            if n == name and ord_ not in gone:
                                count, direct, indirect = count + c, direct + d, indirect + ind
                    ords = live
                entry = table.setdefault(name, SpeakerEntry(name=name))
                entry.sentences += count
                entry.direct += direct
                entry.indirect += indirect
                entry.documents.extend(ids[o] for o in ords)
            for ord_, doc_aliases in seg.aliases():
                if ord_ in gone:
                    continue
                for name, names in doc_aliases.items():
                    aliases.setdefault(name, set()).update(a for a in names if a != name)
        for name, entry in table.items():
            entry.aliases = sorted(aliases.get(name, set()), key=str.lower)
            entry.documents = list(dict.fromkeys(entry.documents))
        named = [e for e in table.values() if not is_description(e.name)]  # ``speaker_table_entities``
        return sorted(named, key=lambda e: (-e.sentences, e.name.lower()))

    def close(self) -> None:
        for seg in self.segments:
            seg.close()


def open_snapshot(index_dir: Path, cache: SegmentCache | None = None) -> Snapshot:
    """Read the manifest and open its segments (checking presence and sizes, not checksums)."""
    cache = cache or SegmentCache()
    manifest = manifest_file.read(index_dir)
    segments: list[Segment] = []
    for entry in manifest["segments"]:
        directory = index_dir / manifest_file.SEGMENTS / entry["name"]
        for name, info in entry["files"].items():
            path = directory / name
            try:
                size = path.stat().st_size
            except OSError:
                raise IndexProblem(index_dir, f"is missing {manifest_file.SEGMENTS}/{entry['name']}/{name}") from None
            if size != info["size"]:
                raise IndexProblem(index_dir, f"has a damaged {manifest_file.SEGMENTS}/{entry['name']}/{name} (its size changed)")
        try:
            seg = cache.get(directory, manifest_file.stored_shape(manifest)["context_weight"])
        except Exception as exc:  # noqa: BLE001 - any unreadable segment file is a damaged index
            raise IndexProblem(index_dir, f"has an unreadable segment {entry['name']} ({type(exc).__name__})") from None
        if seg.size != entry["sentences"]:
            raise IndexProblem(index_dir, f"has a segment {entry['name']} that does not match its manifest")
        segments.append(seg)
    cache.keep_only({e["name"] for e in manifest["segments"]})
    return Snapshot(index_dir, manifest, segments)


def verify(index_dir: Path) -> dict[str, int]:
    """Check every file of the index against the checksums in its manifest; returns what was checked."""
    manifest = manifest_file.read(index_dir)
    files = 0
    total = 0
    for entry in manifest["segments"]:
        directory = index_dir / manifest_file.SEGMENTS / entry["name"]
        for name, info in entry["files"].items():
            path = directory / name
            if not path.is_file():
                raise IndexProblem(index_dir, f"is missing {manifest_file.SEGMENTS}/{entry['name']}/{name}")
            if sha256_file(path) != info["sha256"]:
                raise IndexProblem(
                    index_dir, f"has a damaged {manifest_file.SEGMENTS}/{entry['name']}/{name} (its checksum does not match the manifest)"
                )
            files += 1
            total += info["size"]
    snapshot = open_snapshot(index_dir)
    try:
        for seg in snapshot.segments:
            _check_offsets(index_dir, seg)
    finally:
        snapshot.close()
    return {"segments": len(manifest["segments"]), "files": files, "bytes": total}


def _check_offsets(index_dir: Path, seg: Segment) -> None:
    """Every sentence lies inside its document's text (a re-sealed segment could say otherwise)."""
    table = np.asarray(seg.table)
    if not len(table):
        return
    lengths = seg.text_lengths()
    ords = np.arange(int(table[:, 0].max()) + 1)
    length_of = np.array([lengths.get(int(o), -1) for o in ords], dtype=np.int64)
    doc, start, end = table[:, 0], table[:, 2], table[:, 3]
    outside = (doc < 0) | (start < 0) | (start >= end) | (end > length_of[np.clip(doc, 0, None)])
    if outside.any():
        ord_ = int(doc[np.argmax(outside)])
        name = seg.doc_meta(ord_).id if ord_ in lengths else f"#{ord_}"
        raise IndexProblem(index_dir, f"has a sentence outside the text of document {name!r}")
