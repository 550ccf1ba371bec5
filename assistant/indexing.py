"""The per-document work and the changes it feeds: documents → analysed form → index.

``analyse_documents`` segments, attributes and embeds documents into one :class:`~assistant.analysed.Analysed`
(reusing the analysis of documents the index already holds with the same text, title, model and analysis code);
``build``, ``add``, ``remove`` and ``import_dirs`` hand that to the store's writer. ``analyse`` writes the
analysed form to disk instead, for ``assistant import`` (possibly on another machine).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from . import analysed as analysed_form
from . import embedding
from .analysed import ATTRIBUTIONS, Analysed, DocRecord
from .errors import AssistantError, printable
from .schema import Document
from .store import Change, IndexProblem, IndexWriter, SegmentCache, Snapshot, open_snapshot
from .store.segment import embedding_text

Progress = Callable[[float, str], None]
ENCODE_CHUNK = 256


def _quiet(fraction: float, message: str) -> None:  # noqa: ARG001 - default progress sink
    return None


@lru_cache(maxsize=1)
def analysis_code_version() -> str:
    """A digest of the code that turns a text into sentences and speakers: any change to it is a new analysis."""
    root = Path(__file__).parent
    digest = hashlib.sha256()
    for path in sorted([root / "segment.py", root / "attribution.py", root / "documents.py", *root.glob("speech/*.py")]):
        if path.is_file():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def analysis_key(model: str) -> str:
    """What must match for a stored analysis to be reused: the analysis code and the embedding model."""
    return f"{analysis_code_version()}:{hashlib.sha256(model.encode()).hexdigest()[:12]}"


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _analyse_one(document: Document) -> tuple[DocRecord, list]:
    from .attribution import attribute_text

    attributed = attribute_text(document.text)
    if not attributed.sentences:
        raise AssistantError(f"{printable(document.source or document.id)} has no sentences to index.")
    record = DocRecord(
        id=document.id, title=document.title, date=document.date, source=document.source, text=document.text,
        aliases=attributed.aliases,
    )
    return record, attributed.sentences


def analyse_documents(
    documents: Sequence[Document],
    model: str,
    progress: Progress = _quiet,
    show_bar: bool = False,
    reuse_from: Snapshot | None = None,
) -> tuple[Analysed, list[str], list[str], int]:
    """Segment, attribute and embed; returns the analysis, its per-document keys and text hashes, and how many
    documents were reused from ``reuse_from`` instead of analysed again."""
    key = analysis_key(model)
    hashes = [text_hash(d.text) for d in documents]
    reusable = reuse_from.reusable if reuse_from is not None else {}
    parts: list[Analysed | None] = [None] * len(documents)
    reused = 0
    for i, (document, digest) in enumerate(zip(documents, hashes)):
        found = reusable.get((digest, key, document.title))
        if found is not None:
            seg_index, ord_ = found
            part, _, _ = reuse_from.segments[seg_index].analysed([ord_])  # type: ignore[union-attr]
            part.documents[0] = DocRecord(
                id=document.id, title=document.title, date=document.date, source=document.source,
                text=document.text, aliases=part.documents[0].aliases,
            )
            parts[i] = part
            reused += 1
    todo = [i for i, p in enumerate(parts) if p is None]
    if todo:
        progress(0.02, f"reading and attributing {len(todo)} document(s)")
    records: dict[int, tuple[DocRecord, list]] = {}
    for n, i in enumerate(todo, start=1):
        records[i] = _analyse_one(documents[i])
        progress(0.02 + 0.18 * n / len(todo), f"attributed {n}/{len(todo)} document(s)")
    if todo:
        texts = [embedding_text(records[i][0].title, records[i][0].text[s.start : s.end]) for i in todo for s in records[i][1]]
        vectors = _encode_with_progress(model, texts, progress, show_bar)
        at = 0
        for i in todo:
            record, sentences = records[i]
            parts[i] = _columns(record, sentences, vectors[at : at + len(sentences)])
            at += len(sentences)
    dimension = embedding.embedding_dimension(model) if todo or not parts else parts[0].dimension  # type: ignore[union-attr]
    keys = [key] * len(documents)
    return analysed_form.concat([p for p in parts if p is not None], dimension), keys, hashes, reused


def _columns(record: DocRecord, sentences: list, vectors: np.ndarray) -> Analysed:
    names: dict[str, int] = {}
    speaker = np.array([names.setdefault(s.speaker, len(names)) if s.speaker else -1 for s in sentences], dtype=np.int32)
    n = len(sentences)
    return Analysed(
        documents=[record], doc=np.zeros(n, np.int32), number=np.arange(1, n + 1, dtype=np.int32),
        start=np.array([s.start for s in sentences], np.int32), end=np.array([s.end for s in sentences], np.int32),
        paragraph=np.array([s.paragraph for s in sentences], np.int32), speaker=speaker, speaker_names=list(names),
        attribution=np.array([ATTRIBUTIONS.index(s.attribution) for s in sentences], np.int8), vectors=vectors,
    )


def _encode_with_progress(model: str, texts: list[str], progress: Progress, show_bar: bool) -> np.ndarray:
    """Encode in chunks so that the UI's progress bar moves during long builds."""
    from . import settings

    progress(0.20, f"embedding {len(texts):,} sentences with {model}")
    embedding.load_model(model)
    parts: list[np.ndarray] = []
    embedding.set_threads(settings.build_thread_count())
    try:
        for begin in range(0, len(texts), ENCODE_CHUNK):
            parts.append(embedding.encode(model, texts[begin : begin + ENCODE_CHUNK], progress=show_bar))
            done = min(len(texts), begin + ENCODE_CHUNK)
            progress(0.20 + 0.70 * done / len(texts), f"embedded {done:,}/{len(texts):,} sentences")
    finally:
        embedding.set_threads()
    return np.concatenate(parts, axis=0)


def _current(index_dir: Path, cache: SegmentCache | None = None) -> Snapshot | None:
    """The index as it is, for reusing analysis (None if there is none we can read)."""
    try:
        return open_snapshot(index_dir, cache)
    except (IndexProblem, OSError):
        return None


def build(documents: Sequence[Document], index_dir: Path, model: str, progress: Progress = _quiet, show_bar: bool = False) -> Change:
    """Replace the whole index with ``documents`` (texts already indexed with the same analysis are reused)."""
    started = time.perf_counter()
    if not documents:
        raise AssistantError("no documents to index.")
    _check_unique(documents)
    from .store.writer import claim_folder

    claim_folder(index_dir)  # refuse a folder that is not ours before any work
    current = _current(index_dir)
    analysed, keys, hashes, _ = analyse_documents(documents, model, progress, show_bar, current if current and current.model == model else None)
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
    _check_unique(documents)
    cache = cache or SegmentCache()
    current = _current(index_dir, cache)
    if current is None and (index_dir / "manifest.json").exists():
        open_snapshot(index_dir)  # raises the index's own clear message
    chosen = model or (current.model if current else None)
    if chosen is None:
        from . import settings

        chosen = settings.default_model()
    if current is not None and chosen != current.model:
        raise AssistantError(
            f"index {printable(index_dir)} was built with model {current.model!r}, not {chosen!r}; "
            f"rebuild it with: assistant build SOURCES --index {printable(index_dir)} --model {chosen}"
        )
    analysed, keys, hashes, _ = analyse_documents(documents, chosen, progress, show_bar, current)
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


def import_dirs(directories: Sequence[Path], index_dir: Path, progress: Progress = _quiet) -> Change:
    """Add analysed directories to the index (created if missing), replacing documents with the same ids."""
    started = time.perf_counter()
    if not directories:
        raise AssistantError("give at least one analysed directory to import.")
    current = _current(index_dir)
    if current is None and (index_dir / "manifest.json").exists():
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
    analysed = analysed_form.concat(parts, dimension)
    _check_unique(analysed.documents)
    keys = ["imported"] * len(analysed.documents)
    hashes = [text_hash(d.text) for d in analysed.documents]
    progress(0.2, f"indexing {analysed.size:,} sentences")
    with IndexWriter(index_dir, model, dimension) as writer:
        change = writer.apply(analysed, keys, hashes, progress=progress)
    change.seconds = time.perf_counter() - started
    progress(1.0, "done")
    return change


def analyse_to_dir(documents: Sequence[Document], out: Path, model: str, progress: Progress = _quiet, show_bar: bool = False) -> tuple[int, int, float]:
    """Write the analysed form of ``documents`` to ``out``; returns documents, sentences and seconds."""
    started = time.perf_counter()
    _check_unique(documents)
    analysed, _, _, _ = analyse_documents(documents, model, progress, show_bar)
    analysed_form.write(analysed, out, model)
    progress(1.0, "done")
    return len(analysed.documents), analysed.size, time.perf_counter() - started


def _check_unique(documents: Sequence[Document | DocRecord]) -> None:
    seen: set[str] = set()
    for d in documents:
        if d.id in seen:
            raise AssistantError(f"two documents have the id {printable(d.id, 100)}; ids must be unique.")
        seen.add(d.id)
