"""A loaded index and the ranking of its sentences for a question: dense + lexical, fused, filtered, de-duplicated."""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from . import lexical, store
from .speakers import SpeakerEntry, speaker_table

LEXICAL_WEIGHT = 0.4
"""Weight of the max-normalised BM25 score beside the cosine (the cosine's weight is 1)."""
CONTEXT_WEIGHT = 0.5
"""Weight of the sentence's context window (itself and its neighbours in the paragraph), scored the same way."""
SCORE_SCALE = (1 + LEXICAL_WEIGHT) * (1 + CONTEXT_WEIGHT)
"""The score is divided by its largest possible value, so that a passage's reported score is at most 1."""
NEAR_DUPLICATE = 0.9
"""Word-set Jaccard similarity at or above which a lower-ranked sentence repeats a better one and is left out."""

# score(sentence) =  cos(q, sentence) + LEXICAL_WEIGHT · bm25(q, sentence) / max bm25
#                  + CONTEXT_WEIGHT · [cos(q, window) + LEXICAL_WEIGHT · bm25(q, window) / max bm25(window)]
# where the sentence vector embeds "document title: sentence" (indexing.embedding_text) and the window is the
# sentence with the one before and after it in the same paragraph. The window's vector is the normalised mean of
# the three sentence vectors (derived at load time); its BM25 is over the window's text when the build saved
# lexical/context/ (indexing.context_text), else the best sentence BM25 within the window. Chosen on ReQA SQuAD
# by scripts/retrieval_experiments.py: picked on one half of the articles, confirmed on the other (README).


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
    context_vectors: np.ndarray  # per sentence: its window's mean vector, normalised
    context_lexical: lexical.LexicalIndex | None  # per sentence: BM25 over its window's text, if the build saved it
    before: np.ndarray  # per sentence: the index of the sentence before it in its paragraph (itself if none)
    after: np.ndarray  # … and after it
    speakers: list[SpeakerEntry]

    @property
    def build_id(self) -> str:
        return str(self.manifest["build_id"])

    @property
    def model(self) -> str:
        return str(self.manifest["model"])

    @cached_property
    def scoring_vectors(self) -> np.ndarray:
        """``vectors + CONTEXT_WEIGHT · context_vectors``: both cosines of the score in one product."""
        return np.ascontiguousarray(self.vectors + CONTEXT_WEIGHT * self.context_vectors, dtype=np.float32)

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
    for _ in range(attempts - 1):
        try:
            return _load_once(index_dir)
        except store.IndexProblem:
            if not (index_dir / store.MANIFEST).exists():
                raise
            time.sleep(0.05)
    return _load_once(index_dir)


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
        context_lex = lexical.load_context(index_dir / store.LEXICAL, len(sentences))
    except Exception:  # noqa: BLE001 - any failure to read the BM25 files is a damaged index
        raise store.IndexProblem(index_dir, f"has an unreadable {store.LEXICAL}/ index") from None
    vectors = dense.reconstruct_n(0, dense.ntotal) if dense.ntotal else np.zeros((0, dense.d), np.float32)
    before, after = window_neighbours(sentences)
    return LoadedIndex(
        index_dir=index_dir, manifest=manifest, documents=documents, sentences=sentences, dense=dense,
        vectors=vectors, lexical=lex, context_vectors=window_vectors(vectors, before, after),
        context_lexical=context_lex, before=before, after=after,
        speakers=speaker_table(documents, sentences),
    )


def window_neighbours(sentences: list[store.StoredSentence]) -> tuple[np.ndarray, np.ndarray]:
    """For each sentence, the index of the sentence before and after it in its paragraph (itself at an edge)."""
    n = len(sentences)
    before = np.arange(n)
    after = np.arange(n)
    for i in range(1, n):
        a, b = sentences[i - 1], sentences[i]
        if a.doc == b.doc and a.paragraph == b.paragraph:
            before[i] = i - 1
            after[i - 1] = i
    return before, after


def window_vectors(vectors: np.ndarray, before: np.ndarray, after: np.ndarray) -> np.ndarray:
    """The normalised sum of each sentence's vector and its in-paragraph neighbours' (each counted once)."""
    n = len(vectors)
    total = vectors.copy()
    has_before = before != np.arange(n)
    has_after = after != np.arange(n)
    total[has_before] += vectors[before[has_before]]
    total[has_after] += vectors[after[has_after]]
    norms = np.linalg.norm(total, axis=1, keepdims=True)
    return np.divide(total, norms, out=np.zeros_like(total), where=norms > 0).astype(np.float32)


def _max_normalised(scores: np.ndarray) -> np.ndarray:
    top = float(scores.max()) if scores.size else 0.0
    return scores / top if top > 0 else scores


def window_max(scores: np.ndarray, before: np.ndarray, after: np.ndarray) -> np.ndarray:
    """Each sentence's best score within its window (itself and its in-paragraph neighbours)."""
    return np.maximum(scores, np.maximum(scores[before], scores[after]))


def fused_scores(index: LoadedIndex, question: str, question_vector: np.ndarray) -> np.ndarray:
    """The score of every sentence for ``question`` (see the formula at the top of this module)."""
    bm25 = index.lexical.scores(question)
    if index.context_lexical is not None:
        window_bm25 = index.context_lexical.scores(question)
    else:  # an index built without lexical/context/: the window's best sentence score stands in (README)
        window_bm25 = window_max(bm25, index.before, index.after)
    lexical_part = _max_normalised(bm25) + CONTEXT_WEIGHT * _max_normalised(window_bm25)
    return (index.scoring_vectors @ question_vector + LEXICAL_WEIGHT * lexical_part) / SCORE_SCALE


def top_order(scores: np.ndarray, wanted: int) -> np.ndarray:
    """Indices of at least the ``wanted`` best finite scores, best first, equal scores by position."""
    finite = np.isfinite(scores)
    count = int(finite.sum())
    if count == 0:
        return np.zeros(0, dtype=np.int64)
    if wanted < count:
        cut = np.partition(scores[finite], count - wanted)[count - wanted]  # the wanted-th best score
        candidates = np.flatnonzero(finite & (scores >= cut))  # every tie at the cut, so position decides
    else:
        candidates = np.flatnonzero(finite)
    return candidates[np.lexsort((candidates, -scores[candidates]))]


def words(text: str) -> frozenset[str]:
    return frozenset(lexical.tokenize(text))


def near_duplicate(a: frozenset[str], b: frozenset[str]) -> bool:
    """Word sets that overlap by ``NEAR_DUPLICATE`` (Jaccard) or more: the same sentence, perhaps re-worded."""
    if not a or not b:
        return a == b
    return len(a & b) >= NEAR_DUPLICATE * len(a | b)


def select(index: LoadedIndex, scores: np.ndarray, k: int) -> list[tuple[int, float]]:
    """The ``k`` best sentences by ``scores``, skipping near-duplicates of better ones."""
    wanted = k
    while True:
        order = top_order(scores, 2 * wanted + 8)
        chosen: list[tuple[int, float]] = []
        kept: list[frozenset[str]] = []
        for i in order:
            seen = words(index.text(int(i)))
            if any(near_duplicate(seen, other) for other in kept):
                continue
            chosen.append((int(i), float(scores[i])))
            kept.append(seen)
            if len(chosen) == k:
                return chosen
        if len(order) >= int(np.isfinite(scores).sum()):
            return chosen
        wanted *= 4


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
    return select(index, scores, k)
