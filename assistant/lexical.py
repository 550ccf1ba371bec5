"""The lexical ranker: BM25 (``bm25s``) over stemmed, stop-word-free tokens, saved beside the FAISS index."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import numpy as np

_WORD = re.compile(r"\w+", re.UNICODE)


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_EN

    return frozenset(STOPWORDS_EN)


@lru_cache(maxsize=1)
def _stemmer():  # noqa: ANN202 - PyStemmer has no type hints
    import Stemmer

    return Stemmer.Stemmer("english")


def tokenize(text: str) -> list[str]:
    """Lower-cased, stemmed words without English stop words (numbers kept: they answer many questions)."""
    words = [w for w in _WORD.findall(text.lower().replace("’", "'")) if w not in _stopwords()]
    return list(_stemmer().stemWords(words))


class LexicalIndex:
    """BM25 scores for every sentence of the index."""

    def __init__(self, retriever, size: int) -> None:  # noqa: ANN001 - bm25s.BM25
        self._retriever = retriever
        self.size = size

    def scores(self, question: str) -> np.ndarray:
        """One BM25 score per sentence (zeros when no question word is in the index)."""
        tokens = [t for t in tokenize(question) if t in self._retriever.vocab_dict]
        if not tokens or self.size == 0:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._retriever.get_scores(tokens), dtype=np.float32)


def build(texts: list[str], directory: Path, k1: float = 1.2, b: float = 0.75) -> None:
    """Index ``texts`` (one per sentence, in index order) and save to ``directory``."""
    import bm25s

    corpus = [tokenize(t) or ["\u2205"] for t in texts]  # an empty token list would break bm25s
    retriever = bm25s.BM25(k1=k1, b=b)
    retriever.index(corpus, show_progress=False)
    retriever.save(str(directory))


def load(directory: Path, size: int) -> LexicalIndex:
    import bm25s

    retriever = bm25s.BM25.load(str(directory))
    return LexicalIndex(retriever, size)
