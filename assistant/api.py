"""The one Python API that the CLI and the web UI are thin shells over."""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from pathlib import Path

from . import embedding, settings, store
from .answers import make_answer, plan_question
from .documents import bundled_article, read_documents
from .errors import AssistantError
from .limits import check_k, clean_question
from .indexing import BuildSummary, Progress, build_index
from .retrieval import LoadedIndex, load_index, rank
from .schema import Answer, Document
from .speakers import SpeakerEntry, match_speakers

def _manifest_stamp(index_dir: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(index_dir / store.MANIFEST)
    except OSError:
        return None
    return (st.st_ino, st.st_mtime_ns)


class Assistant:
    """Questions over one index directory. Safe to share between threads; notices a rebuilt index on disk."""

    def __init__(self, index: LoadedIndex, model: str | None = None) -> None:
        self._check_model(index, model)
        self._index = index
        self._stamp = _manifest_stamp(index.index_dir)
        self._reload_lock = threading.Lock()

    # ----- construction -----
    @classmethod
    def build(
        cls,
        sources: Sequence[str | Path],
        index_dir: str | Path = "index",
        model: str | None = None,
        progress: Progress | None = None,
        show_bar: bool = False,
    ) -> Assistant:
        """Build an index from ``.txt``/``.md`` files or folders and open it."""
        documents = read_documents([Path(s) for s in sources])
        summary = cls.build_documents(documents, index_dir, model, progress, show_bar)
        return cls.load(summary.index_dir)

    @staticmethod
    def build_documents(
        documents: list[Document],
        index_dir: str | Path = "index",
        model: str | None = None,
        progress: Progress | None = None,
        show_bar: bool = False,
    ) -> BuildSummary:
        """Build an index from Documents already read (the UI's pasted texts); replaces ``index_dir`` atomically."""
        chosen = model or settings.default_model()
        return build_index(documents, Path(index_dir), chosen, progress or (lambda f, m: None), show_bar)

    @classmethod
    def load(cls, index_dir: str | Path = "index", model: str | None = None) -> Assistant:
        """Open an existing index; a missing, damaged or foreign index is an AssistantError naming the fix."""
        return cls(load_index(Path(index_dir)), model)

    @classmethod
    def open(cls, index_dir: str | Path | None = None, model: str | None = None) -> Assistant:
        """Open ``index_dir`` (default ``./index``); if it does not exist yet, build it from the bundled article."""
        directory = Path(index_dir) if index_dir is not None else settings.default_index_dir()
        if not directory.exists():
            return cls.build([bundled_article()], directory, model)
        return cls.load(directory, model)

    @staticmethod
    def _check_model(index: LoadedIndex, model: str | None) -> None:
        if model is not None and model != index.model:
            raise AssistantError(
                f"index {index.index_dir} was built with model {index.model!r}, not {model!r}; "
                f"rebuild it with: assistant build SOURCES --index {index.index_dir} --model {model}"
            )

    # ----- the index in use -----
    @property
    def index(self) -> LoadedIndex:
        """The current index; reloaded when a build has replaced it on disk (a damaged new one keeps the old)."""
        stamp = _manifest_stamp(self._index.index_dir)
        if stamp is not None and stamp != self._stamp:
            with self._reload_lock:
                if _manifest_stamp(self._index.index_dir) != self._stamp:
                    try:
                        fresh = load_index(self._index.index_dir)
                    except AssistantError:
                        return self._index
                    self._index = fresh
                    self._stamp = _manifest_stamp(fresh.index_dir)
        return self._index

    def warm_up(self) -> None:
        """Load the embedding model and run it once, so that the first question is as fast as the rest."""
        embedding.encode(self.index.model, ["warm up"])

    def info(self) -> dict[str, object]:
        """Figures of the index in use: documents, sentences, speakers, model, build time."""
        index = self.index
        counts = index.manifest.get("counts", {})
        return {
            "index": str(index.index_dir),
            "documents": counts.get("documents", len(index.documents)),
            "sentences": counts.get("sentences", len(index.sentences)),
            "speakers": counts.get("speakers", len(index.speakers)),
            "model": index.model,
            "created": index.manifest.get("created"),
            "build_id": index.build_id,
        }

    def speakers(self) -> list[SpeakerEntry]:
        return self.index.speakers

    def documents(self) -> list[store.StoredDocument]:
        return self.index.documents

    # ----- questions -----
    def ask(self, question: str, k: int = 5, speaker: str | None = None) -> Answer:
        """The ``k`` sentences that best answer ``question``, optionally only those of ``speaker``."""
        return self.ask_many([question], k=k, speaker=speaker)[0]

    def ask_many(self, questions: Sequence[str], k: int = 5, speaker: str | None = None) -> list[Answer]:
        """Answer several questions with one batched encoding (all from the same index version)."""
        cleaned = [clean_question(q) for q in questions]
        k = check_k(k)
        index = self.index  # one version for the whole batch: no mixed answers during a rebuild
        # answers.plan_question: the speaker filter, "What did X say …?" questions, room for left-out cue sentences
        plans = [plan_question(q, index.speakers, k, speaker) for q in cleaned]
        vectors = embedding.encode(index.model, cleaned, batch_size=64)
        self._check_dimension(index, vectors.shape[1])
        return [
            make_answer(p.question, index, rank(index, p.question, vector, p.fetch, p.allowed), p)
            for p, vector in zip(plans, vectors)
        ]

    @staticmethod
    def _check_dimension(index: LoadedIndex, dimension: int) -> None:
        if dimension != index.manifest["dimension"]:
            raise AssistantError(
                f"index {index.index_dir} holds {index.manifest['dimension']}-dimensional vectors but model "
                f"{index.model!r} makes {dimension}; rebuild it with: assistant build SOURCES --index {index.index_dir}"
            )
