"""A loaded index and the ranking of its sentences for a question: dense + lexical, fused, filtered, de-duplicated."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from . import lexical, store
from .speakers import SpeakerEntry, speaker_table

DENSE_WEIGHT = 1.0
LEXICAL_WEIGHT = 0.3
"""Fusion: ``score = DENSE_WEIGHT·cosine + LEXICAL_WEIGHT·bm25/max(bm25)``; chosen on ReQA SQuAD (README)."""
NEAR_DUPLICATE = 0.97
"""Cosine above which a lower-ranked sentence repeats a better one and is left out."""


@dataclass
class LoadedIndex:
    """Everything a question needs, read from one index directory and checked against its manifest."""

    index_dir: Path
    manifest: dict[str, Any]
    documents: list[store.StoredDocument]
    sentences: list[store.StoredSentence]
    dense: Any  # faiss.Index
    vectors: np.ndarray
    lexical: lexical.LexicalIndex
    speakers: list[SpeakerEntry]
    doc_offsets: list[int]  # index of each document's first sentence

    @property
    def build_id(self) -> str:
        return str(self.manifest["build_id"])

    @property
    def model(self) -> str:
        return str(self.manifest["model"])

    def text(self, i: int) -> str:
        s = self.sentences[i]
        return self.documents[s.doc].text[s.start : s.end]

    def neighbour(self, i: int, step: int) -> str:
        """The sentence ``step`` away within the same document, or ''."""
        j = i + step
        if 0 <= j < len(self.sentences) and self.sentences[j].doc == self.sentences[i].doc:
            return self.text(j)
        return ""


def load_index(index_dir: Path, attempts: int = 3) -> LoadedIndex:
    """Load and verify ``index_dir``; retried when a rebuild swapped the directory while it was being read."""
    last: store.IndexProblem | None = None
    for attempt in range(attempts):
        try:
            return _load_once(index_dir)
        except store.IndexProblem as problem:
            last = problem
            manifest_now = index_dir / store.MANIFEST
            if attempt + 1 < attempts and manifest_now.exists():
                time.sleep(0.05)
                continue
            raise
    assert last is not None
    raise last


def _load_once(index_dir: Path) -> LoadedIndex:
    import faiss

    manifest = store.read_manifest(index_dir)
    store.verify_files(index_dir, manifest)
    documents, sentences = store.read_metadata(index_dir)
    try:
        dense = faiss.read_index(str(index_dir / store.VECTORS))
    except RuntimeError:
        raise store.IndexProblem(index_dir, f"has an unreadable {store.VECTORS}") from None
    if dense.ntotal != len(sentences) or dense.d != manifest["dimension"]:
        raise store.IndexProblem(index_dir, "has vectors that do not match its sentences")
    try:
        lex = lexical.load(index_dir / store.LEXICAL, len(sentences))
    except Exception:  # noqa: BLE001 - any failure to read the BM25 files is a damaged index
        raise store.IndexProblem(index_dir, f"has an unreadable {store.LEXICAL}/ index") from None
    vectors = dense.reconstruct_n(0, dense.ntotal) if dense.ntotal else np.zeros((0, dense.d), np.float32)
    offsets: list[int] = []
    for i, s in enumerate(sentences):
        if s.number == 1:
            offsets.append(i)
    return LoadedIndex(
        index_dir=index_dir, manifest=manifest, documents=documents, sentences=sentences, dense=dense,
        vectors=vectors, lexical=lex, speakers=speaker_table(documents, sentences), doc_offsets=offsets,
    )


def fused_scores(index: LoadedIndex, question: str, question_vector: np.ndarray) -> np.ndarray:
    """Dense cosine for every sentence plus a weighted, max-normalised BM25 score."""
    dense = index.vectors @ question_vector
    bm25 = index.lexical.scores(question)
    top = float(bm25.max()) if bm25.size else 0.0
    if top > 0:
        return DENSE_WEIGHT * dense + LEXICAL_WEIGHT * (bm25 / top)
    return DENSE_WEIGHT * dense


def rank(
    index: LoadedIndex,
    question: str,
    question_vector: np.ndarray,
    k: int,
    allowed_speakers: set[str] | None = None,
) -> list[tuple[int, float]]:
    """The ``k`` best sentences as (sentence index, score); ties break by position; near-duplicates dropped."""
    if not index.sentences or k <= 0:
        return []
    scores = fused_scores(index, question, question_vector)
    if allowed_speakers is not None:
        mask = np.array([s.speaker in allowed_speakers for s in index.sentences])
        scores = np.where(mask, scores, -np.inf)
    order = np.lexsort((np.arange(len(scores)), -scores))  # by score, then by position
    chosen: list[tuple[int, float]] = []
    for i in order:
        if not np.isfinite(scores[i]):
            break
        vector = index.vectors[i]
        if any(float(index.vectors[j] @ vector) >= NEAR_DUPLICATE for j, _ in chosen):
            continue
        chosen.append((int(i), float(scores[i])))
        if len(chosen) == k:
            break
    return chosen
