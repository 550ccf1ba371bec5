"""The changes a user asks for: build, add, remove and import, each the analysis fed to the store's writer.

``build`` and ``add`` run :func:`assistant.pipeline.analysis.analyse_documents` (reusing what the index already
holds with the same text, title, model and analysis version) and hand the result to :class:`IndexWriter`;
``import_dirs`` reads analysed forms written elsewhere; ``remove`` only marks deletions.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

from .. import settings
from ..errors import AssistantError, printable
from ..pipeline import analysed as analysed_form
from ..pipeline.analysis import Reuse, analyse_documents, check_unique, text_hash
from ..schema import Document, Progress
from .manifest import MANIFEST, IndexProblem, segment_folders
from .snapshot import SegmentCache, Snapshot, open_snapshot
from .writer import Change, IndexWriter, claim_folder


def _quiet(fraction: float, message: str) -> None:  # noqa: ARG001 - default progress sink
    return None


def _reuse(snapshot: Snapshot | None) -> Reuse | None:
    return snapshot.stored_analysis if snapshot is not None else None


def _current(index_dir: Path, cache: SegmentCache | None = None) -> Snapshot | None:
    """The index as it is, for reusing analysis (None if there is none we can read)."""
    try:
        return open_snapshot(index_dir, cache)
    except (IndexProblem, OSError):
        return None


def _has_index_files(index_dir: Path) -> bool:
    """A manifest or segments on disk: an index whose problem (say, no readable manifest) must be named before any
    work, and which no change may overwrite (only a build replaces it)."""
    return (index_dir / MANIFEST).exists() or bool(segment_folders(index_dir))


def build(documents: Sequence[Document], index_dir: Path, model: str, progress: Progress = _quiet, show_bar: bool = False) -> Change:
    """Replace the whole index with ``documents`` (texts already indexed with the same analysis are reused)."""
    started = time.perf_counter()
    if not documents:
        raise AssistantError("no documents to index.")
    check_unique(documents)
    claim_folder(index_dir)  # refuse a folder that is not ours before any work
    current = _current(index_dir)
    analysed, keys, hashes, _ = analyse_documents(documents, model, progress, show_bar, _reuse(current if current and current.model == model else None))
    with IndexWriter(index_dir, model, analysed.dimension, replace_all=True) as writer:
        change = writer.apply(analysed, keys, hashes, progress=progress)
    change.seconds = time.perf_counter() - started
    progress(1.0, "done")
    return change


def add(
    documents: Sequence[Document], index_dir: Path, model: str | None, progress: Progress = _quiet,
    show_bar: bool = False, cache: SegmentCache | None = None,
) -> Change:
    """Analyse only ``documents`` and add them; a document whose id is indexed already is replaced."""
    started = time.perf_counter()
    if not documents:
        raise AssistantError("no documents to add.")
    check_unique(documents)
    cache = cache or SegmentCache()
    current = _current(index_dir, cache)
    if current is None and _has_index_files(index_dir):
        open_snapshot(index_dir)  # raises the index's own clear message
    chosen = model or (current.model if current else None)
    if chosen is None:
        chosen = settings.default_model()
    if current is not None and chosen != current.model:
        raise AssistantError(
            f"index {printable(index_dir)} was built with model {current.model!r}, not {chosen!r}; "
            f"rebuild it with: assistant build SOURCES --index {printable(index_dir)} --model {chosen}"
        )
    analysed, keys, hashes, _ = analyse_documents(documents, chosen, progress, show_bar, _reuse(current))
    with IndexWriter(index_dir, chosen, analysed.dimension, cache=cache) as writer:
        change = writer.apply(analysed, keys, hashes, progress=progress)
    change.seconds = time.perf_counter() - started
    progress(1.0, "done")
    return change


def remove(doc_ids: Sequence[str], index_dir: Path, cache: SegmentCache | None = None) -> Change:
    """Take documents out of the index (an unknown id is an error and nothing changes)."""
    ids = list(doc_ids)
    if not ids or not all(isinstance(d, str) and d for d in ids):
        raise AssistantError("give the id of at least one document to remove (assistant documents lists them).")
    cache = cache or SegmentCache()
    current = open_snapshot(index_dir, cache)
    with IndexWriter(index_dir, current.model, current.dimension, cache=cache) as writer:
        return writer.apply(None, [], [], remove_ids=list(dict.fromkeys(ids)))


def _check_new_model(model: str, dimension: int) -> None:
    """A new index answers questions with the analysed form's model: it must load here and make vectors of the
    form's dimension, before anything is written (issue 22: ``"model": "/etc"`` built an index no question could use)."""
    from ..pipeline.embedding import embedding_dimension

    try:
        made = embedding_dimension(model)
    except AssistantError as error:
        raise AssistantError(f"{error} The analysed form names it; nothing was written.") from None
    if made != dimension:
        raise AssistantError(f"model {printable(model, 100)!r} makes {made}-dimensional vectors but the analysed form "
                             f"holds {dimension}-dimensional ones; nothing was written.")


def import_dirs(directories: Sequence[Path], index_dir: Path, progress: Progress = _quiet) -> Change:
    """Add analysed directories to the index (created if missing), replacing documents with the same ids."""
    started = time.perf_counter()
    if not directories:
        raise AssistantError("give at least one analysed directory to import.")
    current = _current(index_dir)
    if current is None and _has_index_files(index_dir):
        open_snapshot(index_dir)
    model = current.model if current else None
    dimension = current.dimension if current else None
    parts = []
    for n, directory in enumerate(directories, start=1):
        progress(0.1 * n / len(directories), f"reading {printable(directory)}")
        found_model, part = analysed_form.read(Path(directory), model, dimension)
        model, dimension = found_model, part.dimension
        parts.append(part)
    assert model is not None and dimension is not None
    if current is None:
        _check_new_model(model, dimension)
    analysed = analysed_form.concat(parts, dimension)
    check_unique(analysed.documents)
    keys = ["imported"] * len(analysed.documents)
    hashes = [text_hash(d.text) for d in analysed.documents]
    progress(0.2, f"indexing {analysed.size:,} sentences")
    with IndexWriter(index_dir, model, dimension) as writer:
        change = writer.apply(analysed, keys, hashes, progress=progress)
    change.seconds = time.perf_counter() - started
    progress(1.0, "done")
    return change
