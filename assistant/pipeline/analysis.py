"""The per-document analysis: a Document becomes its sentences, their speakers and their vectors (one Analysed).

``analyse_documents`` segments (:mod:`assistant.text.sentences`), attributes (:mod:`assistant.speech.attribution`)
and embeds (:mod:`assistant.pipeline.embedding`) documents into one :class:`~assistant.pipeline.analysed.Analysed`,
reusing a stored analysis where the caller has one for the same text, title, model, precision and
:data:`ANALYSIS_VERSION`. ``analyse_to_dir`` writes the result as the analysed form, for ``assistant import``
(possibly on another machine). The vectors are encoded at the precision the caller gives (an index's own, for
``add``), by default :func:`assistant.pipeline.encoder.bulk_precision` of the model and runtime (fp32 for every
model today: ``encoder.BULK_INT8_MODELS``).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np

from . import analysed as analysed_form
from . import embedding
from .encoder import FP32, bulk_precision
from .stages import SPLIT
from .analysed import ATTRIBUTIONS, Analysed, DocRecord
from .. import settings
from ..errors import AssistantError, printable
from ..schema import Document, Progress

ANALYSIS_VERSION = "2026-12-04.6"
"""The version of what turns a text into sentences and speakers (splitter and attribution rules).

A stored analysis is reused by ``build`` and ``add`` only under the same version. Bump it whenever a change to
:mod:`assistant.text` or :mod:`assistant.speech` changes their output; ``tests/test_analysis_version.py`` pins the
output of written texts to this version and fails when the output changes but the version does not. (Until
2026-12 the key was a hash of the source files, so that editing a docstring discarded every stored analysis.)"""
ENCODE_CHUNK = 256
"""Sentences encoded per call, so that the page's progress bar moves during a long build."""

Reuse = Callable[[str, str, str], "Analysed | None"]
"""(text sha256, analysis key, title) → the stored analysis of that document, or None."""


def _quiet(fraction: float, message: str) -> None:  # noqa: ARG001 - default progress sink
    return None


def analysis_key(model: str, precision: str = FP32) -> str:
    """What must match for a stored analysis to be reused: the analysis version, the embedding model and the
    precision of its vectors (fp32 keys are those of every index before int8: ``…:<model hash>``; int8 adds
    ``:int8``, so that a rebuild at another precision encodes every sentence again)."""
    key = f"{ANALYSIS_VERSION}:{hashlib.sha256(model.encode()).hexdigest()[:12]}"
    return key if precision == FP32 else f"{key}:{precision}"


def default_precision(model: str) -> str:
    """The precision a new index or analysed form of ``model`` is encoded at with this process's runtime."""
    return bulk_precision(model, settings.encoder_runtime())


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _analyse_one(document: Document) -> tuple[DocRecord, list]:
    from ..speech.attribution import attribute_text
    from ..speech.nlp import PARSE_TIME

    started, parse_before = time.perf_counter(), PARSE_TIME.seconds
    attributed = attribute_text(document.text)
    parsed = PARSE_TIME.seconds - parse_before
    SPLIT.add("parse", parsed)
    SPLIT.add("attribute", time.perf_counter() - started - parsed)
    if not attributed.sentences:
        raise AssistantError(f"{printable(document.source or document.id)} has no sentences to index.")
    record = DocRecord(
        id=document.id, title=document.title, date=document.date, source=document.source, text=document.text,
        aliases=attributed.aliases, url=document.url, author=document.author,
    )
    return record, attributed.sentences


def analyse_documents(
    documents: Sequence[Document],
    model: str,
    progress: Progress = _quiet,
    show_bar: bool = False,
    reuse: Reuse | None = None,
    precision: str | None = None,
) -> tuple[Analysed, list[str], list[str], int]:
    """Segment, attribute and embed (at ``precision``, default :func:`default_precision`); returns the analysis, its
    per-document keys and text hashes, and how many documents were taken from ``reuse`` instead of analysed again."""
    precision = precision or default_precision(model)
    key = analysis_key(model, precision)
    hashes = [text_hash(d.text) for d in documents]
    parts: list[Analysed | None] = [None] * len(documents)
    reused = 0
    for i, (document, digest) in enumerate(zip(documents, hashes)):
        part = reuse(digest, key, document.title) if reuse is not None else None
        if part is not None:
            part.documents[0] = DocRecord(
                id=document.id, title=document.title, date=document.date, source=document.source,
                text=document.text, aliases=part.documents[0].aliases, url=document.url, author=document.author,
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
        texts = [
            embedding.embedding_text(records[i][0].title, records[i][0].text[s.start : s.end])
            for i in todo for s in records[i][1]
        ]
        with SPLIT.timing("encode"):
            vectors = _encode_with_progress(model, texts, progress, show_bar, precision)
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


def _encode_with_progress(model: str, texts: list[str], progress: Progress, show_bar: bool, precision: str) -> np.ndarray:
    """Encode in chunks so that the UI's progress bar moves during long builds."""
    progress(0.20, f"embedding {len(texts):,} sentences with {model}")
    embedding.ready(model, precision=precision)
    parts: list[np.ndarray] = []
    embedding.set_threads(settings.build_thread_count())
    try:
        for begin in range(0, len(texts), ENCODE_CHUNK):
            parts.append(embedding.encode(model, texts[begin : begin + ENCODE_CHUNK], progress=show_bar, precision=precision))
            done = min(len(texts), begin + ENCODE_CHUNK)
            progress(0.20 + 0.70 * done / len(texts), f"embedded {done:,}/{len(texts):,} sentences")
    finally:
        embedding.set_threads()
    return np.concatenate(parts, axis=0)


def check_unique(documents: Sequence[Document | DocRecord]) -> None:
    seen: set[str] = set()
    for d in documents:
        if d.id in seen:
            raise AssistantError(f"two documents have the id {printable(d.id, 100)}; ids must be unique.")
        seen.add(d.id)


STREAM_BATCH_DOCUMENTS = 64
"""Documents analysed and written together when a stream is analysed into the analysed form: one Parquet part each,
so that memory holds one batch's texts and vectors, not the archive's."""
STREAM_BATCH_BYTES = 4_000_000
"""A batch ends early when its texts come to this many bytes (long articles), for the same bound on memory."""


def analyse_to_dir(
    documents: Iterable[Document], out: Path, model: str, progress: Progress = _quiet, show_bar: bool = False,
    read_fraction: Callable[[], float] | None = None, sources: Sequence[Path | str] = (), precision: str | None = None,
) -> tuple[int, int, float]:
    """Write the analysed form of ``documents`` (a list, or a stream of any length) to ``out``; returns documents,
    sentences and seconds. Batches of STREAM_BATCH_DOCUMENTS documents are analysed and written as Parquet parts
    one after another into a temporary sibling, renamed to ``out`` when all are done (nothing is written on error).
    Progress is reported per batch, as ``read_fraction()`` (how much of the sources is read) if given. ``out`` is
    checked before any work and again before the swap (:func:`assistant.pipeline.out_folder.check_out`: only a
    folder analyse wrote, apart from ``sources``). The vectors are encoded at ``precision`` (default
    :func:`default_precision`), which every sentences part records."""
    started = time.perf_counter()
    out = Path(out)
    precision = precision or default_precision(model)
    analysed_form.check_out(out, sources)
    tmp = out.parent / f".{out.name}.analysing-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    seen: set[str] = set()
    counts = {"documents": 0, "sentences": 0, "parts": 0, "dimension": 0}
    batch: list[Document] = []
    size = 0

    def flush() -> None:
        part, _, _, _ = analyse_documents(batch, model, _quiet, show_bar, precision=precision)
        with SPLIT.timing("write"):
            analysed_form.write_parts(part, tmp, f"part-{counts['parts']:06d}", precision)
        counts["parts"] += 1
        counts["documents"] += len(part.documents)
        counts["sentences"] += part.size
        counts["dimension"] = part.dimension
        batch.clear()
        fraction = min(0.99, read_fraction()) if read_fraction is not None else 0.5
        progress(fraction, f"analysed {counts['documents']:,} document(s), {counts['sentences']:,} sentences")

    tmp.mkdir(parents=True)
    try:
        for document in documents:
            if document.id in seen:
                raise AssistantError(f"two documents have the id {printable(document.id, 100)}; ids must be unique.")
            seen.add(document.id)
            batch.append(document)
            size += len(document.text)
            if len(batch) >= STREAM_BATCH_DOCUMENTS or size >= STREAM_BATCH_BYTES:
                flush()
                size = 0
        if batch:
            flush()
        if not counts["documents"]:
            raise AssistantError("no documents to analyse.")
        analysed_form.write_header(tmp, model, counts["dimension"])
        analysed_form.publish_directory(tmp, out, sources)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    progress(1.0, "done")
    return counts["documents"], counts["sentences"], time.perf_counter() - started
