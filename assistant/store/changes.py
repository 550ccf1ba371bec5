"""The changes a user asks for: build, add, remove and import, each the analysis fed to the store's writer.

``build`` and ``add`` run :func:`assistant.pipeline.analysis.analyse_documents` (reusing what the index already
holds with the same text, title, model, precision and analysis version) and hand the result to :class:`IndexWriter`;
``import_dirs`` reads analysed forms written elsewhere; ``remove`` only marks deletions.

Precision: ``build`` encodes at the precision of the model and runtime
(:func:`assistant.pipeline.analysis.default_precision`: fp32 for every model today), which the new index records; ``add`` encodes at the index's
own precision, so an older fp32 index stays fp32; ``import`` refuses an analysed form of another precision than
the index in one line that names the commands that make them match.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

from .. import settings
from ..errors import AssistantError, printable
from ..pipeline import analysed as analysed_form
from ..pipeline.analysis import Reuse, analyse_documents, check_unique, default_precision, text_hash
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
    precision = default_precision(model)
    analysed, keys, hashes, _ = analyse_documents(documents, model, progress, show_bar,
                                                  _reuse(current if current and current.model == model else None), precision)
    with IndexWriter(index_dir, model, analysed.dimension, replace_all=True, precision=precision) as writer:
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
    precision = current.encoder_precision if current is not None else default_precision(chosen)  # never a mix
    analysed, keys, hashes, _ = analyse_documents(documents, chosen, progress, show_bar, _reuse(current), precision)
    with IndexWriter(index_dir, chosen, analysed.dimension, cache=cache, precision=precision) as writer:
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


def _check_new_model(model: str, dimension: int, precision: str) -> None:
    """A new index answers questions with the analysed form's model: it must load here (on the runtime its
    precision's questions need) and make vectors of the form's dimension, before anything is written (issue 22:
    ``"model": "/etc"`` built an index no question could use)."""
    from ..pipeline.embedding import embedding_dimension
    from ..pipeline.encoder import runtime_of

    try:
        made = embedding_dimension(model, runtime_of(precision, settings.encoder_runtime()))
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
    precision = _precision(directories, index_dir, current)  # before any table is read: refused in a moment
    parts = []
    for n, directory in enumerate(directories, start=1):
        progress(0.1 * n / len(directories), f"reading {printable(directory)}")
        found_model, part = analysed_form.read(Path(directory), model, dimension)
        model, dimension = found_model, part.dimension
        parts.append(part)
    assert model is not None and dimension is not None
    if current is None:
        _check_new_model(model, dimension, precision)
    analysed = analysed_form.concat(parts, dimension)
    check_unique(analysed.documents)
    keys = ["imported"] * len(analysed.documents)
    hashes = [text_hash(d.text) for d in analysed.documents]
    progress(0.2, f"indexing {analysed.size:,} sentences")
    with IndexWriter(index_dir, model, dimension, precision=precision) as writer:
        change = writer.apply(analysed, keys, hashes, progress=progress)
    change.seconds = time.perf_counter() - started
    progress(1.0, "done")
    return change


def _precision(directories: Sequence[Path], index_dir: Path, current: Snapshot | None) -> str:
    """The precision of the analysed directories (``analysed.read_precision``), which must all equal the index's
    (or, for a new index, the first's); a mix is refused in one line, since vectors of two precisions are not comparable.
    The line names the command that makes the other side again at the precision this version encodes at."""
    found = [analysed_form.read_precision(Path(d)) for d in directories]
    held = current.encoder_precision if current is not None else found[0]
    for directory, precision in zip(directories, found):
        if precision == held:
            continue
        name, index = printable(directory), printable(index_dir)
        model = current.model if current is not None else str(analysed_form.read_header(Path(directory))["model"])
        made = default_precision(model)  # what `assistant analyse` and `assistant build` encode at here
        if current is None:
            first = printable(directories[0])
            odd = name if precision != made else first
            raise AssistantError(
                f"{name} holds {precision} vectors but {first} holds {held} ones, which do not mix in one index; "
                f"nothing was written. Analyse it again with: assistant analyse SOURCES --out {odd} "
                f"(this version encodes {made})"
            )
        fix = (f"analyse it again with: assistant analyse SOURCES --out {name}" if made == held else
               f"rebuild the index with: assistant build SOURCES --index {index}, then import it")
        raise AssistantError(
            f"{name} holds {precision} vectors but index {index} holds {held} ones, which do not mix; nothing was "
            f"changed. To import it, {fix} (this version encodes {made})"
        )
    return held
