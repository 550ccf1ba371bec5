"""The lexical ranker: BM25 (``bm25s``, Lucene variant) over stemmed words, saved beside the FAISS index.

Settings measured on ReQA SQuAD (``scripts/retrieval_experiments.py``, README): ``k1 = 0.9`` and ``b = 0.4`` beat
the textbook 1.2/0.75 on both halves of the articles (sentences are short, so length normalisation should be
mild), and keeping English stop words beat removing them ("who", "when", "first", "after" carry meaning in
questions; BM25's idf already weighs "the" down).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import numpy as np

K1 = 0.9
B = 0.4
_WORD = re.compile(r"\w+", re.UNICODE)
CONTEXT = "context"
"""Subdirectory of the lexical index with BM25 over each sentence's context window (optional)."""
_EMPTY = "\u2205"  # the token of a text without words: an empty token list would break bm25s


@lru_cache(maxsize=1)
def _stemmer():  # noqa: ANN202 - PyStemmer has no type hints
    import Stemmer

    return Stemmer.Stemmer("english")


def tokenize(text: str) -> list[str]:
    """Lower-cased, stemmed words (stop words and numbers kept)."""
    return list(_stemmer().stemWords(_WORD.findall(text.lower().replace("’", "'"))))


class LexicalIndex:
    """BM25 scores of every text of the index for a question (bm25s's precomputed per-token scores, summed)."""

    def __init__(self, retriever, size: int) -> None:  # noqa: ANN001 - bm25s.BM25
        self.size = size
        self._vocab: dict[str, int] = retriever.vocab_dict
        scores = retriever.scores
        self._data = np.asarray(scores["data"], dtype=np.float32)
        self._indices = np.asarray(scores["indices"], dtype=np.int64)
        self._indptr = np.asarray(scores["indptr"], dtype=np.int64)

    def scores(self, question: str) -> np.ndarray:
        """One BM25 score per text (zeros when no question word is in the index); equals ``BM25.get_scores``."""
        ids = [self._vocab[t] for t in tokenize(question) if t in self._vocab]
        if not ids or self.size == 0:
            return np.zeros(self.size, dtype=np.float32)
        parts = [slice(self._indptr[t], self._indptr[t + 1]) for t in ids]
        docs = np.concatenate([self._indices[p] for p in parts])
        weights = np.concatenate([self._data[p] for p in parts])
        return np.bincount(docs, weights=weights, minlength=self.size).astype(np.float32)


def _retriever(texts: list[str], k1: float = K1, b: float = B):  # noqa: ANN202 - bm25s.BM25
    import bm25s

    retriever = bm25s.BM25(k1=k1, b=b, method="lucene")
    retriever.index([tokenize(t) or [_EMPTY] for t in texts], show_progress=False)
    return retriever


def build(texts: list[str], directory: Path, contexts: list[str] | None = None, k1: float = K1, b: float = B) -> None:
    """Index ``texts`` (one per sentence, in index order) and save to ``directory``; with ``contexts`` (one per
    sentence: its window, ``indexing.context_text``) also a second index of those in ``directory/context``."""
    if contexts is not None and len(contexts) != len(texts):
        raise ValueError(f"{len(contexts)} contexts for {len(texts)} sentences")
    _retriever(texts, k1, b).save(str(directory))
    if contexts is not None:
        _retriever(contexts, k1, b).save(str(Path(directory) / CONTEXT))


def in_memory(texts: list[str], k1: float = K1, b: float = B) -> LexicalIndex:
    """Index ``texts`` without saving (the sentences' contexts, derived when an index is loaded)."""
    return LexicalIndex(_retriever(texts, k1, b), len(texts))


def load(directory: Path, size: int) -> LexicalIndex:
    import bm25s

    retriever = bm25s.BM25.load(str(directory))
    if int(retriever.scores["num_docs"]) != size:
        raise ValueError(f"{directory} indexes {retriever.scores['num_docs']} texts, not {size}")
    return LexicalIndex(retriever, size)


def load_context(directory: Path, size: int) -> LexicalIndex | None:
    """The context-window index saved beside the sentence index, or None if the build did not write one."""
    path = Path(directory) / CONTEXT
    return load(path, size) if path.is_dir() else None
