"""The one Python API that the CLI, the web UI and the build worker are thin shells over.

:class:`Assistant` answers questions over one index and changes it; the module functions below act on an index
folder without opening it first (``add`` creates one, ``documents`` and ``verify`` only read), read sources into
Documents, and re-export the few pure helpers the shells show answers with. Every ``index_dir`` defaults to
``$ASSISTANT_INDEX``, else ``./index`` (:func:`assistant.settings.default_index_dir`).
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import replace
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .pipeline import embedding
from .store import changes
from . import settings
from .search.answers import NOT_AN_ANSWER, citation, escape_markdown, lead_lines, make_answer, plan_question, speaker_label
from .speech.attribution import attribute
from .text.documents import (
    bundled_article, decode, iter_documents, make_document, parse_header, paste_stem, read_document, read_documents,
    title_of, unique_ids,
)
from .text.sources import SOURCE_SUFFIXES
from .errors import AssistantError, printable
from .pipeline.analysis import analyse_to_dir
from .pipeline.stages import SPLIT
from .limits import check_k, check_speaker, clean_question
from .search.links import html_link
from .search.retrieval import passage_at, rank
from .search.quote_check import VERDICT_TITLES, aligned_diff, check_quote, parse_quote_question
from .schema import Answer, Document, DocumentInfo, Passage, Progress, QuoteCheck, QuoteMatch
from .schema import SpeakerEntry
from .search.speakers import find_speakers, match_speakers
from .store import Change, IndexProblem, SegmentCache, Snapshot, open_snapshot
from .store import manifest as manifest_file
from .store import verify as verify_index
from .store.snapshot import Location

def _quiet(fraction: float, message: str) -> None:  # noqa: ARG001 - the default progress sink
    return None


def _directory(index_dir: str | Path | None) -> Path:
    return Path(index_dir) if index_dir is not None else settings.default_index_dir()


CHECK_INTERVAL = 0.2
"""Seconds between looks at the manifest on disk: another process's change is seen within this (and < 1 s)."""


def _load(index_dir: Path, cache: SegmentCache, attempts: int = 3) -> Snapshot:
    """Open the snapshot the manifest names; retried when a change replaced segments while they were opened."""
    for _ in range(attempts - 1):
        try:
            return open_snapshot(index_dir, cache)
        except IndexProblem:
            if not (index_dir / manifest_file.MANIFEST).exists():
                raise
            time.sleep(0.05)
    return open_snapshot(index_dir, cache)


class Assistant:
    """Questions over one index directory. Safe to share between threads; sees changes made by other processes."""

    def __init__(self, index_dir: Path, model: str | None = None) -> None:
        self.index_dir = Path(index_dir)
        self._cache = SegmentCache()
        self._snapshot = _load(self.index_dir, self._cache)
        self._stamp = manifest_file.stamp(self.index_dir)
        self._checked = time.monotonic()
        self._reload_lock = threading.Lock()
        if model is not None and model != self._snapshot.model:
            raise AssistantError(
                f"index {printable(self.index_dir)} was built with model {self._snapshot.model!r}, not {model!r}; "
                f"rebuild it with: assistant build SOURCES --index {printable(self.index_dir)} --model {model}"
            )

    # ----- construction -----
    @classmethod
    def build(
        cls,
        sources: Sequence[str | Path],
        index_dir: str | Path | None = None,
        model: str | None = None,
        progress: Progress | None = None,
        show_bar: bool = False,
    ) -> Assistant:
        """Build (replace) the index from source files (any supported format) or folders and open it."""
        documents = read_sources(sources)
        change = cls.build_documents(documents, index_dir, model, progress, show_bar)
        return cls.load(change.index_dir)

    @staticmethod
    def build_documents(
        documents: list[Document],
        index_dir: str | Path | None = None,
        model: str | None = None,
        progress: Progress | None = None,
        show_bar: bool = False,
    ) -> Change:
        """Replace the whole index with Documents already read (texts indexed before are not analysed again)."""
        chosen = model or settings.default_model()
        return changes.build(documents, _directory(index_dir), chosen, progress or _quiet, show_bar)

    @classmethod
    def load(cls, index_dir: str | Path | None = None, model: str | None = None) -> Assistant:
        """Open an existing index; a missing, damaged or foreign index is an AssistantError naming the fix."""
        return cls(_directory(index_dir), model)

    @classmethod
    def open(cls, index_dir: str | Path | None = None, model: str | None = None) -> Assistant:
        """Open ``index_dir`` (default ``$ASSISTANT_INDEX``, else ``./index``); if it does not exist yet, build it from the bundled article."""
        directory = _directory(index_dir)
        if not directory.exists():
            return cls.build([bundled_article()], directory, model)
        return cls.load(directory, model)

    # ----- changes -----
    def add(self, sources: Sequence[str | Path], progress: Progress | None = None) -> Change:
        """Analyse only these files (or folders of them) and add them; an id already indexed is replaced."""
        return self.add_documents(read_sources(sources), progress)

    def add_documents(self, documents: Sequence[Document], progress: Progress | None = None) -> Change:
        change = changes.add(documents, self.index_dir, self.index.model, progress or _quiet, cache=self._cache)
        self._refresh(force=True)
        return change

    def remove(self, doc_ids: Sequence[str]) -> Change:
        """Take documents out of the index by id."""
        if isinstance(doc_ids, str):
            doc_ids = [doc_ids]
        change = changes.remove(list(doc_ids), self.index_dir, cache=self._cache)
        self._refresh(force=True)
        return change

    def import_analysed(self, directories: Sequence[str | Path], progress: Progress | None = None) -> Change:
        """Add analysed directories (``assistant analyse`` output) to this index."""
        if isinstance(directories, (str, Path)):
            directories = [directories]
        change = changes.import_dirs([Path(d) for d in directories], self.index_dir, progress or _quiet)
        self._refresh(force=True)
        return change

    def verify(self) -> dict[str, int]:
        """Check every file of the index against its checksums (loading checks only sizes)."""
        return verify_index(self.index_dir)

    # ----- the index in use -----
    def _refresh(self, force: bool = False) -> Snapshot:
        now = time.monotonic()
        if not force and now - self._checked < CHECK_INTERVAL:
            return self._snapshot
        self._checked = now
        stamp = manifest_file.stamp(self.index_dir)
        if stamp is not None and stamp != self._stamp:
            with self._reload_lock:
                if manifest_file.stamp(self.index_dir) != self._stamp:
                    try:
                        fresh = _load(self.index_dir, self._cache)
                    except AssistantError:
                        return self._snapshot  # a damaged new manifest: keep answering from the last good one
                    self._snapshot = fresh
                    self._stamp = manifest_file.stamp(self.index_dir)
        return self._snapshot

    @property
    def index(self) -> Snapshot:
        """The current snapshot; a change on disk is picked up (only its new segments are opened)."""
        return self._refresh()

    def warm_up(self) -> None:
        """Load the embedding model and run it once, so that the first question is as fast as the rest."""
        index = self.index
        embedding.encode_questions(index.model, ["warm up"], index_precision=index.encoder_precision)

    def info(self) -> dict[str, object]:
        """Figures of the index in use: documents, sentences, speakers, model, when it last changed."""
        index = self._refresh(force=True)
        counts = index.manifest.get("counts", {})
        return {
            "index": str(index.index_dir),
            "documents": counts.get("documents", 0),
            "sentences": counts.get("sentences", 0),
            "speakers": counts.get("speakers", 0),
            "segments": len(index.segments),
            "model": index.model,
            "created": index.manifest.get("created"),
            "build_id": index.build_id,
        }

    def model_notice(self) -> str | None:
        """One line when the index was built with the old default model: it still answers (with the model that built
        it), but a rebuild gets the retrieval model trained for questions (README, retrieval)."""
        model = self.index.model
        if model != settings.STOCK_MODEL or settings.default_model() == settings.STOCK_MODEL:
            return None
        return (f"index {printable(self.index_dir)} was built with the old default model {model!r}; for better answers "
                f"rebuild it with: assistant build SOURCES --index {printable(self.index_dir)}")

    def speakers(self) -> list[SpeakerEntry]:
        return self.index.speakers

    def find_speakers(self, search: str) -> list[SpeakerEntry]:
        """The Speakers search: speakers whose name or alias holds ``search``, or whom it describes ("the mayor")."""
        return find_speakers(search, self.index.speakers)

    def documents(self) -> list[DocumentInfo]:
        """The indexed documents (no text): id, title, date, source, sentences, speakers."""
        return self.index.documents()

    def document(self, doc_id: str) -> Document | None:
        """One document with its text, or None."""
        index = self.index
        found = index.document_index.get(doc_id) if isinstance(doc_id, str) else None
        if found is None:
            return None
        record = index.segments[found[0]].document(found[1])
        return Document(id=record.id, title=record.title, date=record.date, text=record.text, source=record.source,
                        url=record.url, author=record.author)

    def quotes(self, speaker: str) -> list[Passage]:
        """Every sentence of a speaker (a name or alias), newest document first, each in document order."""
        index = self.index
        names = match_speakers(speaker, index.speakers)
        found: list[tuple[Location, str]] = []
        for i, seg in enumerate(index.segments):
            codes = seg.speaker_codes(names)
            if not len(codes):
                continue
            rows = np.flatnonzero(np.isin(seg.speaker, codes))
            live = index.live[i]
            if live is not None:
                rows = rows[live[rows]]
            found.extend((Location(i, int(r)), seg.doc_meta(int(seg.doc[r])).date or "") for r in rows)
        found.sort(key=lambda item: (item[0].segment, item[0].row))  # index order: documents kept together
        found.sort(key=lambda item: item[1], reverse=True)  # newest date first (stable: order kept within a date)
        return [passage_at(index, loc, n, 1.0) for n, (loc, _) in enumerate(found, start=1)]

    # ----- questions -----
    def ask(self, question: str, k: int = 5, speaker: str | None = None) -> Answer:
        """The ``k`` sentences that best answer ``question``, optionally only those of ``speaker``."""
        return self.ask_many([question], k=k, speaker=speaker)[0]

    def ask_many(self, questions: Sequence[str], k: int = 5, speaker: str | None = None) -> list[Answer]:
        """Answer several questions with one batched encoding (all from the same index snapshot)."""
        index = self.index  # one snapshot for the whole batch: no mixed answers during a change
        about = what_it_holds(index.manifest.get("counts", {}).get("documents", 0))
        cleaned = [clean_question(q, about) for q in questions]
        k = check_k(k)
        speaker = check_speaker(speaker) if speaker is not None else None
        # answers.plan_question: the speaker filter, "What did X say …?" questions, room for left-out cue sentences
        plans = [plan_question(q, index.speakers, k, speaker) for q in cleaned]
        quotes = [parse_quote_question(q) for q in cleaned]  # "Did X say '…'?", a pasted quote: search/quote_check
        vectors = embedding.encode_questions(index.model, [c.quote if c else q for c, q in zip(quotes, cleaned)],
                                             index_precision=index.encoder_precision)  # as the index was encoded
        self._check_dimension(index, vectors.shape[1])
        return [
            check_quote(index, c, p.question, vector, k, speaker) if c is not None
            else make_answer(p.question, index, rank(index, p.question, vector, p.fetch, p.allowed), p)
            for p, c, vector in zip(plans, quotes, vectors)
        ]

    @staticmethod
    def _check_dimension(index: Snapshot, dimension: int) -> None:
        if dimension != index.dimension:
            raise AssistantError(
                f"index {printable(index.index_dir)} holds {index.dimension}-dimensional vectors but model "
                f"{index.model!r} makes {dimension}; rebuild it with: assistant build SOURCES --index {printable(index.index_dir)}"
            )


def analyse(
    sources: Sequence[str | Path],
    out: str | Path,
    model: str | None = None,
    ray: str | None = None,
    progress: Progress | None = None,
    notes: list[str] | None = None,
) -> tuple[int, int, float]:
    """Segment, attribute and embed texts into the analysed form at ``out`` (no index is touched).

    Returns (documents, sentences, seconds). ``ray`` ("local" or a cluster address) runs the work on Ray. Without
    it, the sources are streamed (no build limits: an archive of any size); ``notes`` gets renamed ids and dates
    that were not dates."""
    chosen = model or settings.default_model()
    SPLIT.reset()
    if ray is not None:
        try:
            from .pipeline.distributed import analyse_on_ray
        except ImportError:
            raise AssistantError('Ray is not installed; install it with: pip install -e ".[cluster]"') from None
        return analyse_on_ray([Path(s) for s in sources], Path(out), chosen, ray, progress)
    from .pipeline.analysed import check_out

    check_out(Path(out), sources)  # before the texts are read
    read = [0.0]

    def reading(fraction: float, message: str) -> None:  # noqa: ARG001 - the share of the sources read so far
        read[0] = fraction

    # streamed: a dump or archive of any size, one batch in memory at a time (the per-text limits still hold)
    stream = SPLIT.timed_iter("read", iter_documents([Path(s) for s in sources], limited=False, notes=notes, progress=reading))
    return analyse_to_dir(stream, Path(out), chosen, progress or _quiet, read_fraction=lambda: read[0], sources=sources)


def analysis_time_split() -> str | None:
    """Where the last :func:`analyse` in this process spent its time (read, parse, attribute, encode, write), one
    line; None after a Ray run (its work ran in other processes)."""
    return SPLIT.line() if any(SPLIT.seconds.values()) else None


# ----- an index folder, without opening it first -----

def read_sources(
    sources: Sequence[str | Path], notes: list[str] | None = None, progress: Progress | None = None,
) -> list[Document]:
    """The Documents of files or folders in any supported format (docs/sources.md); ``notes`` collects renamed
    ids and dates that were not dates; ``progress`` hears of every record read from a dump, feed or archive."""
    return read_documents([Path(s) for s in sources], notes=notes, progress=progress)


def read_source(path: str | Path) -> Document:
    """One file as a Document (a folder, device, FIFO or non-text file is one clear AssistantError)."""
    return read_document(Path(path))


def add(
    sources: Sequence[str | Path], index_dir: str | Path | None = None, progress: Progress | None = None,
    notes: list[str] | None = None,
) -> Change:
    """Analyse only these texts and add them to the index (created if missing); an id already indexed is replaced."""
    return add_documents(read_sources(sources, notes), index_dir, progress)


def add_documents(documents: Sequence[Document], index_dir: str | Path | None = None, progress: Progress | None = None) -> Change:
    return changes.add(documents, _directory(index_dir), None, progress or _quiet)


def remove(doc_ids: Sequence[str], index_dir: str | Path | None = None) -> Change:
    """Take documents out of the index by id (an unknown id is an error and nothing changes)."""
    return changes.remove([doc_ids] if isinstance(doc_ids, str) else list(doc_ids), _directory(index_dir))


def import_analysed(directories: Sequence[str | Path], index_dir: str | Path | None = None, progress: Progress | None = None) -> Change:
    """Add analysed directories to the index (created if missing), replacing documents with the same ids."""
    return changes.import_dirs([Path(d) for d in directories], _directory(index_dir), progress or _quiet)


def documents(index_dir: str | Path | None = None) -> list[DocumentInfo]:
    """The indexed documents, read without loading the model or building a missing index."""
    return open_snapshot(_directory(index_dir)).documents()


def verify(index_dir: str | Path | None = None) -> dict[str, int]:
    """Check every file of the index against its checksums."""
    return verify_index(_directory(index_dir))


def evaluate_retrieval(cases: str | Path, docs: str | Path, index_dir: str | Path | None = None,
                       limit: int | None = None) -> str:
    """The report of ``assistant eval retrieval``: ReQA-style MRR, recall and timings over an index built of ``docs``."""
    from .evaluation.reqa import evaluate_retrieval as report

    return report(Path(cases), Path(docs), Assistant.build, Path(index_dir) if index_dir else None, limit)


def evaluate_speakers(path: str | Path) -> str:
    """The report of ``assistant eval speakers``: attribution against gold (PolNeAR JSON Lines or a written set)."""
    from .evaluation.polnear import evaluate_file

    return evaluate_file(path)


def what_it_holds(documents: int) -> str:
    """The index's texts in a message: "the article" (one), "the 4 texts", "the texts" (none counted)."""
    if documents == 1:
        return "the article"
    return f"the {documents:,} texts" if documents > 1 else "the texts"


def pasted_document(
    text: str, name: str = "", beside: Assistant | None = None, taken: Sequence[str] = (),
) -> tuple[Document, str]:
    """A pasted text as a Document with an id of its own, and one line that says which (for the page's summary).

    The id is ``name`` when one is given, else the text's headline or the first words of its first line, else
    ``pasted-text`` (:func:`assistant.text.documents.paste_stem`); ``beside`` is the index it is added to (None: a
    new index), ``taken`` the ids of the texts added with it. A paste never replaces a document: a derived id
    another text has becomes ``-2``, ``-3``…; a given name that another text has, or a text the index already holds
    word for word, is refused with one clear line (an AssistantError)."""
    stem = paste_stem(text, name)
    indexed = {d.id.casefold(): d for d in beside.documents()} if beside is not None else {}
    others = {t.casefold() for t in taken}
    document = make_document(text, stem, source="pasted.txt", name="the pasted text")  # its own checks first

    def same_text(doc_id: str) -> bool:
        held = beside.document(doc_id) if beside is not None else None
        return held is not None and held.text == document.text

    if name.strip():
        old = indexed.get(stem.casefold())
        if old is not None:
            if same_text(old.id):
                raise AssistantError(f"the pasted text is already in the index, as {printable(old.id, 80)}.")
            raise AssistantError(
                f"a text named {printable(old.id, 80)} is already in the index (\u201c{printable(old.title, 80)}\u201d); "
                f"give the pasted text another name, or remove {printable(old.id, 80)} first."
            )
        if stem.casefold() in others:
            raise AssistantError(f"{printable(stem, 80)} is also the id of an uploaded file; give the pasted text "
                                 "another name.")
        return document, f"The pasted text is indexed as {printable(stem, 80)}."
    family = re.compile(re.escape(stem.casefold()) + r"(-\d+)?")
    for key, info in indexed.items():
        if family.fullmatch(key) and same_text(info.id):
            raise AssistantError(f"the pasted text is already in the index, as {printable(info.id, 80)}.")
    fresh = unique_ids([stem], taken=[*indexed, *others])[0]
    note = f"The pasted text is indexed as {printable(fresh, 80)}"
    note += f" ({printable(stem, 80)} is another text's id)." if fresh != stem else "."
    return replace(document, id=fresh, title=title_of(document.text, fresh)) if fresh != stem else document, note


PROGRESS_STAGES: tuple[tuple[str, str], ...] = (
    (r"starting", "Starting"),
    (r"reading and attributing (?P<n>[\d,]+) document", "Finding who said what in {n} {texts}"),
    (r"attributed (?P<i>[\d,]+)/(?P<n>[\d,]+) document", "Finding who said what: {i} of {n} {texts}"),
    (r"embedding (?P<n>[\d,]+) sentences", "Preparing {n} sentences for search"),
    (r"embedded (?P<i>[\d,]+)/(?P<n>[\d,]+) sentences", "Preparing sentences for search: {i} of {n}"),
    (r"analysed (?P<n>[\d,]+) document", "Analysed {n} {texts}"),
    (r"writing a segment of (?P<n>[\d,]+) sentences", "Saving {n} sentences to the index"),
    (r"committed", "Saved"),
    (r"merging", "Tidying up the index"),
    (r"indexing (?P<n>[\d,]+) sentences", "Adding {n} sentences to the index"),
    (r"reading", "Reading the texts"),
    (r"done", "Done"),
)
"""What a change reports (the pipeline's and the store's progress messages, which name model ids and internal
steps) in the words of the page: (pattern at the start of the message, words; ``{texts}`` is "text" or "texts")."""
WORKING = "Working on the index"
"""The words for a progress message that no stage names."""


def progress_words(message: str) -> str:
    """A change's progress message in plain words for end users: the stage, its counts, no model ids or paths."""
    for pattern, words in PROGRESS_STAGES:
        found = re.match(pattern, message.strip())
        if found:
            counts = found.groupdict()
            return words.format(**counts, texts="text" if counts.get("n") == "1" else "texts")
    return WORKING


def example_questions(assistant: Assistant) -> list[str]:
    """Questions worth asking of this index: its most quoted speakers and its documents' topics."""
    from .search.examples import example_questions as make

    return make(assistant.speakers(), assistant.quotes, [d.title for d in assistant.documents()])


__all__ = [
    "NOT_AN_ANSWER", "Answer", "Assistant", "AssistantError", "Change", "Document", "DocumentInfo", "Passage",
    "Progress", "SpeakerEntry", "add", "add_documents", "analyse", "attribute", "bundled_article", "citation",
    "decode", "documents", "escape_markdown", "evaluate_retrieval", "evaluate_speakers", "example_questions", "import_analysed", "lead_lines", "make_document",
    "parse_header", "read_source", "read_sources", "remove", "speaker_label", "unique_ids", "verify",
    "QuoteCheck", "QuoteMatch", "VERDICT_TITLES", "aligned_diff",
    "SOURCE_SUFFIXES", "html_link", "pasted_document", "progress_words", "what_it_holds",
]
