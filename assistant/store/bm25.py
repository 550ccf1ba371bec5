"""BM25 over a growing set of segments: per-segment postings on disk, global statistics at question time.

The scores equal ``bm25s``'s Lucene variant (Robertson et al.; Lucene's idf), which the ranking was tuned with::

    idf(t)        = ln(1 + (N − df(t) + 0.5) / (df(t) + 0.5))
    bm25(t, d)    = idf(t) · tf(t, d) / (tf(t, d) + k1 · (1 − b + b · |d| / avgdl))
    bm25(q, d)    = Σ over the question's tokens (repeats count again) of bm25(t, d)

with ``N``, ``df`` and ``avgdl`` taken over every segment of the index (as Lucene does, a deleted sentence still
counts until a merge drops it). A text without words is one token long, as in ``bm25s``.

A segment keeps, per indexed text: its token count (``lengths.npy``); and per term, sorted by a stable 64-bit hash
of the term (``terms.npy``), the slice ``indptr[t]:indptr[t+1]`` of ``docs.npy`` (row numbers, ascending) and
``tfs.npy`` (term frequencies, uint16). Everything is memory-mapped: a question touches only its own terms' postings.
"""

from __future__ import annotations

import hashlib
import mmap
import os
import re
import threading
from collections import Counter, OrderedDict
from itertools import chain
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np

from ..errors import AssistantError

K1 = 0.9
B = 0.4
_WORD = re.compile(r"\w+", re.UNICODE)
FILES = ("terms.npy", "indptr.npy", "docs.npy", "tfs.npy", "lengths.npy")
HOT_MIN_POSTINGS = 20_000
"""Posting lists at least this long (common words) are kept in memory once read from a large segment ..."""
HOT_BYTES = 64 << 20
"""... up to this many bytes per postings file (least recently used dropped first)."""
SLOTS_KEPT = 1 << 12
"""Term slots a segment's postings remember (``Postings.slot``; then forgotten all at once): a question has a dozen
terms, and 4,096 entries take some 300 KB however many segments an index has."""
DENSE_SHARE = 6
"""A term in at least 1/6 of a large segment's rows ("the", "what") is kept as a count per row instead, for scoring
candidates (``Postings.counts``): its list takes six bytes a posting, so the counts (one byte a row) are no larger,
and a candidate's count is one lookup, not a binary search through up to a million postings (docs/speed.md)."""


@lru_cache(maxsize=1)
def _stemmer():  # noqa: ANN202 - PyStemmer has no type hints
    import Stemmer

    return Stemmer.Stemmer("english")


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    return _stemmer().stemWord(word)


def tokenize(text: str) -> list[str]:
    """Lower-cased, stemmed words (stop words and numbers kept)."""
    return [_stem(w) for w in _WORD.findall(text.lower().replace("’", "'"))]


@lru_cache(maxsize=4096)
def word_set(text: str) -> frozenset[str]:
    """The distinct ``tokenize`` words of ``text``, remembered for the last 4,096 texts: a question's answer reads
    the same sentences' words twice (near-duplicates among the best, then the evidence in their windows,
    search/found.py), and the sentences that rank high for one question often rank for the next. At 1M sentences
    this was ~20 tokenizations a question (docs/speed.md)."""
    return frozenset(tokenize(text))


def term_hash(term: str) -> int:
    """A stable 64-bit key for a term (the same in every process and on every machine)."""
    return int.from_bytes(hashlib.blake2b(term.encode("utf-8"), digest_size=8).digest(), "little")


@dataclass(frozen=True)
class Tokenized:
    """Texts as term ids: the tokens of text ``i`` are ``term_ids[row_ptr[i]:row_ptr[i + 1]]``."""

    vocabulary: list[str]
    row_ptr: np.ndarray  # int64, len = texts + 1
    term_ids: np.ndarray  # int32

    @property
    def rows(self) -> int:
        return len(self.row_ptr) - 1

    @classmethod
    def of(cls, texts: list[str]) -> Tokenized:
        """Tokenize many texts at once: words found per text, then each distinct word stemmed once."""
        import pyarrow as pa

        words = [_WORD.findall(t.lower().replace("’", "'")) for t in texts]
        row_ptr = np.zeros(len(texts) + 1, dtype=np.int64)
        np.cumsum([len(w) for w in words], out=row_ptr[1:])
        encoded = pa.array(list(chain.from_iterable(words)), type=pa.string()).dictionary_encode()
        stems = _stemmer().stemWords(encoded.dictionary.to_pylist())
        ids: dict[str, int] = {}
        word_to_term = np.array([ids.setdefault(s, len(ids)) for s in stems], dtype=np.int32)
        codes = encoded.indices.to_numpy(zero_copy_only=False)
        term_ids = word_to_term[codes] if len(codes) else np.zeros(0, dtype=np.int32)
        return cls(list(ids), row_ptr, term_ids.astype(np.int32))


def write_postings(tokenized: Tokenized, directory: Path, neighbours: tuple[np.ndarray, np.ndarray] | None = None) -> None:
    """Write the postings of ``tokenized`` into ``directory``; with ``neighbours`` (before, after: row numbers),
    each row is indexed as its window: its own tokens plus those of the rows before and after it (if different)."""
    directory.mkdir(parents=True, exist_ok=True)
    n = tokenized.rows
    counts = np.diff(tokenized.row_ptr)
    token_rows = np.repeat(np.arange(n, dtype=np.int64), counts)
    terms, rows = [tokenized.term_ids.astype(np.int64)], [token_rows]
    lengths = counts.copy()
    if neighbours is not None:
        for other in neighbours:  # the tokens of row j also belong to the window of row other[j]
            gives = other[token_rows] != token_rows
            terms.append(terms[0][gives])
            rows.append(other[token_rows][gives])
            has = other != np.arange(n)
            lengths[other[has]] += counts[has]
    hashes = np.array([term_hash(t) for t in tokenized.vocabulary], dtype=np.uint64)
    order = np.argsort(hashes, kind="stable")
    rank_of = np.empty(len(order), dtype=np.int64)
    rank_of[order] = np.arange(len(order))
    keys = rank_of[np.concatenate(terms)] * max(n, 1) + np.concatenate(rows)
    unique, tfs = np.unique(keys, return_counts=True)
    term_rank = unique // max(n, 1)
    indptr = np.zeros(len(order) + 1, dtype=np.int64)
    np.cumsum(np.bincount(term_rank, minlength=len(order)), out=indptr[1:])
    for name, array in zip(
        FILES,
        (hashes[order], indptr, (unique % max(n, 1)).astype(np.int32), np.minimum(tfs, 65535).astype(np.uint16),
         np.maximum(lengths, 1).astype(np.int32)),
    ):
        np.save(directory / name, array)


def random_access(array: np.memmap) -> np.ndarray:
    """A memory-mapped array read at random places: no read-ahead, and a plain ndarray view (no per-access
    overhead). ``release`` hands its pages back to the system's file cache."""
    if isinstance(array, np.memmap) and getattr(array, "_mmap", None) is not None:
        array._mmap.madvise(mmap.MADV_RANDOM)
    return array.view(np.ndarray)


def release(array: np.ndarray) -> None:
    """Unmap the pages of a memory-mapped array from this process (they stay in the file cache): what a reader
    touched stops counting against its memory; the next access maps them again without reading the disk."""
    base = array
    while base is not None and not isinstance(base, mmap.mmap):
        base = getattr(base, "base", None) if not hasattr(base, "_mmap") else base._mmap
    if isinstance(base, mmap.mmap):
        base.madvise(mmap.MADV_DONTNEED)


@dataclass
class Postings:
    """One segment's postings, memory-mapped; with ``read_slices`` (large segments) a term's postings are read
    with ``pread`` instead, so that the pages stay in the file cache rather than in this process's memory (a
    mapped read maps whole large folios: a few binary searches would map most of a long posting list)."""

    terms: np.ndarray
    indptr: np.ndarray
    docs: np.ndarray
    tfs: np.ndarray
    lengths: np.ndarray
    read_from: tuple[int, int, int, int] | None = None  # (docs fd, docs offset, tfs fd, tfs offset)
    hot: OrderedDict = field(default_factory=OrderedDict)  # the longest posting lists read, kept (HOT_BYTES)
    hot_bytes: int = 0
    hot_lock: threading.Lock = field(default_factory=threading.Lock)
    slots: dict[int, int] = field(default_factory=dict)  # term hash -> slot, the last SLOTS_KEPT asked
    _norm: tuple[float, np.ndarray] | None = None

    @classmethod
    def open(cls, directory: Path, read_slices: bool = False) -> Postings:
        arrays = [np.load(directory / name, mmap_mode="r") for name in FILES]
        read_from = None
        if read_slices:
            docs, tfs = arrays[FILES.index("docs.npy")], arrays[FILES.index("tfs.npy")]
            read_from = (os.open(directory / "docs.npy", os.O_RDONLY), docs.offset,
                         os.open(directory / "tfs.npy", os.O_RDONLY), tfs.offset)
        return cls(*(random_access(a) for a in arrays), read_from=read_from)

    def close(self) -> None:
        if self.read_from is not None:
            os.close(self.read_from[0])
            os.close(self.read_from[2])
            self.read_from = None

    @staticmethod
    def _pread(fd: int, offset: int, dtype: np.dtype, lo: int, hi: int) -> np.ndarray:
        size = dtype.itemsize
        return np.frombuffer(os.pread(fd, (hi - lo) * size, offset + lo * size), dtype=dtype)

    @property
    def size(self) -> int:
        return len(self.lengths)

    def slot(self, key: int) -> int:
        """The term's position, or -1 when the segment does not have it (remembered: a question asks for each of
        its terms' slot a few times over, in the idf, the candidates and the scores)."""
        found = self.slots.get(key)
        if found is None:
            i = int(np.searchsorted(self.terms, np.uint64(key)))
            found = i if i < len(self.terms) and int(self.terms[i]) == key else -1
            if len(self.slots) >= SLOTS_KEPT:
                self.slots.clear()
            self.slots[key] = found
        return found

    def df(self, key: int) -> int:
        i = self.slot(key)
        return int(self.indptr[i + 1] - self.indptr[i]) if i >= 0 else 0

    def release(self) -> None:
        for array in (self.terms, self.indptr, self.docs, self.tfs, self.lengths):
            release(array)

    def length_norm(self, avgdl: float) -> np.ndarray:
        """``k1 · (1 − b + b · |d| / avgdl)`` of every row, float32, for the index's current ``avgdl`` (kept for the
        last one asked: it changes only when the index does; in huge pages, as it is read at random rows)."""
        kept = self._norm
        if kept is None or kept[0] != avgdl:
            norm = huge_zeros(self.size, np.float32)
            norm[:] = K1 * (1 - B + B * self.lengths / avgdl)
            kept = self._norm = (avgdl, norm)
        return kept[1]

    @cached_property
    def total_length(self) -> float:
        """The sum of the token counts of every row (read once: a segment never changes)."""
        return float(self.lengths.sum()) if self.size else 0.0

    def posting(self, key: int) -> tuple[np.ndarray, np.ndarray]:
        """The rows holding a term and its counts there; a row outside the segment is a damaged file (checked
        whenever a list is read; a kept common list was checked when it was read)."""
        return self.posting_at(self.slot(key))

    def posting_at(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        """``posting`` of the term at position ``i`` (``slot``; -1: absent, no rows)."""
        if i < 0:
            return np.zeros(0, np.int32), np.zeros(0, np.uint16)
        if self.read_from is not None:
            with self.hot_lock:
                kept = self.hot.get(i)
                if kept is not None:
                    self.hot.move_to_end(i)
                    return kept
        return self._posting(i)

    def _checked(self, docs: np.ndarray, tfs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if len(docs) and (int(docs.min()) < 0 or int(docs.max()) >= self.size or len(tfs) != len(docs)):
            raise AssistantError("an index segment has a damaged bm25 postings file (a row outside the segment); "
                                 "assistant verify checks every file of the index.")
        return docs, tfs

    def counts(self, key: int) -> np.ndarray | None:
        """A common term's count in every row of a large segment (0 where it is absent), read once and kept with
        the long lists (``DENSE_SHARE``); None for any other term (score its list) and in a small segment."""
        return self.counts_at(self.slot(key))

    def counts_at(self, i: int) -> np.ndarray | None:
        """``counts`` of the term at position ``i`` (``slot``)."""
        if self.read_from is None or i < 0:
            return None
        if (int(self.indptr[i + 1]) - int(self.indptr[i])) * DENSE_SHARE < self.size:
            return None
        with self.hot_lock:
            kept = self.hot.get(~i)
            if kept is not None:
                self.hot.move_to_end(~i)
                return kept[0]
        docs, tfs = self._posting(i, keep=False)
        counts = np.zeros(self.size, dtype=np.uint8 if int(tfs.max(initial=0)) <= 0xFF else np.uint16)
        counts[docs] = tfs
        self._keep(~i, (counts,))
        return counts

    def _keep(self, slot: int, arrays: tuple[np.ndarray, ...]) -> None:
        """Keep a long list (``slot``) or a term's counts (``~slot``) in memory, the least recently used dropped
        first beyond ``HOT_BYTES``."""
        with self.hot_lock:
            if slot not in self.hot:
                self.hot[slot] = arrays
                self.hot_bytes += sum(a.nbytes for a in arrays)
            while self.hot_bytes > HOT_BYTES and len(self.hot) > 1:
                _, dropped = self.hot.popitem(last=False)
                self.hot_bytes -= sum(a.nbytes for a in dropped)

    def _posting(self, i: int, keep: bool = True) -> tuple[np.ndarray, np.ndarray]:
        lo, hi = int(self.indptr[i]), int(self.indptr[i + 1])
        if not 0 <= lo <= hi <= len(self.docs):
            raise AssistantError("an index segment has a damaged bm25 postings file (a posting outside the file); "
                                 "assistant verify checks every file of the index.")
        if self.read_from is not None and hi > lo:
            docs_fd, docs_at, tfs_fd, tfs_at = self.read_from
            found = self._checked(self._pread(docs_fd, docs_at, self.docs.dtype, lo, hi),
                                  self._pread(tfs_fd, tfs_at, self.tfs.dtype, lo, hi))
            if keep and hi - lo >= HOT_MIN_POSTINGS:  # a common word ("the", "of"): asked again and again, kept
                self._keep(i, found)
            return found
        return self._checked(self.docs[lo:hi], self.tfs[lo:hi])


@dataclass(frozen=True)
class QueryTerms:
    """A question's terms with their global weights: ``(hash, repeats · idf)``, and the global ``avgdl``."""

    weighted: list[tuple[int, float]]
    avgdl: float

    @classmethod
    def of(cls, question: str, segments: list[Postings]) -> QueryTerms:
        return cls.of_terms(question_terms(question), segments)

    @classmethod
    def of_terms(cls, counts: Counter, segments: list[Postings]) -> QueryTerms:
        """``of`` from the question's ``question_terms`` (found once for its sentence and window postings)."""
        n = sum(p.size for p in segments)
        total = sum(p.total_length for p in segments)
        weighted = []
        for key, repeats in counts.items():
            df = sum(p.df(key) for p in segments)
            if df:
                weighted.append((key, repeats * float(np.log(1 + (n - df + 0.5) / (df + 0.5)))))
        return cls(weighted, total / n if n else 1.0)


def question_terms(question: str) -> Counter:
    """The question's terms (``term_hash`` of each token) with how often each occurs."""
    return Counter(term_hash(t) for t in tokenize(question))


def _tf_part(tf: np.ndarray, norm: np.ndarray) -> np.ndarray:
    """``tf / (tf + k1 · (1 − b + b · |d| / avgdl))``, with the bracket times k1 given (``Postings.length_norm``)."""
    tf = np.asarray(tf, dtype=np.float32)
    return tf / (tf + norm)


_scratch = threading.local()
HUGE_PAGE = 2 << 20
"""The size of a transparent huge page on x86-64 and arm64 Linux (``Hugepagesize`` in /proc/meminfo)."""


def huge_zeros(n: int, dtype: type) -> np.ndarray:
    """A zeroed array that the kernel may back with huge pages (``MADV_HUGEPAGE``, 2 MB aligned) where it spans one
    at least; else a plain one. For the per-row arrays a large segment's scoring reads and writes at random rows
    (``_accumulator``, ``Postings.length_norm``): a scattered access there is a TLB miss on 4 KB pages, and on this
    machine the rarer terms' sum (``scoring_loops.summed``) took 1.89 ms instead of 2.33 a question at 1M
    sentences with both arrays in huge pages (docs/speed.md)."""
    nbytes = n * np.dtype(dtype).itemsize
    advise = getattr(mmap, "MADV_HUGEPAGE", None)
    if nbytes < HUGE_PAGE or advise is None or not hasattr(mmap, "MAP_PRIVATE"):
        return np.zeros(n, dtype=dtype)
    # private: a shared anonymous map is shared memory, which gets no huge pages by default (shmem_enabled) and
    # which a forked child would write into; zeroed by the kernel; the array's base keeps it mapped
    region = mmap.mmap(-1, nbytes + HUGE_PAGE, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    try:
        region.madvise(advise)
    except OSError:  # a kernel without transparent huge pages: plain pages, the same numbers
        pass
    raw = np.frombuffer(region, dtype=np.uint8)
    skip = -raw.ctypes.data % HUGE_PAGE
    return raw[skip : skip + nbytes].view(dtype)


def _accumulator(size: int) -> np.ndarray:
    """A zeroed float32 array of ``size`` for this thread, to be handed back zeroed (``best_rows``)."""
    kept = getattr(_scratch, "arrays", None)
    if kept is None:
        kept = _scratch.arrays = {}
    if size not in kept:
        kept[size] = huge_zeros(size, np.float32)
    return kept[size]


def score_all(postings: Postings, query: QueryTerms) -> np.ndarray:
    """BM25 of every row of the segment."""
    scores = np.zeros(postings.size, dtype=np.float32)
    norm = postings.length_norm(query.avgdl)
    for key, weight in query.weighted:
        docs, tfs = postings.posting(key)
        if len(docs):
            scores[docs] += weight * _tf_part(tfs, norm[docs])
    return scores


def _term_at(postings: Postings, key: int, read: dict | None) -> tuple[np.ndarray | None, tuple[np.ndarray, np.ndarray]]:
    """How a candidate's count of the term ``key`` is looked up: ``(counts, _)`` for a large segment's common term
    (its count per row, ``Postings.counts``), else ``(None, (docs, tfs))``, its list (from ``read``, the lists this
    question has read already, by slot, when it is there)."""
    i = postings.slot(key)  # looked up once for both reads below
    counts = postings.counts_at(i)
    if counts is not None:
        return counts, (np.zeros(0, np.int32), np.zeros(0, np.uint16))
    return None, (read[i] if read is not None and i in read else postings.posting_at(i))


def score_rows(postings: Postings, query: QueryTerms, rows: np.ndarray, read: dict | None = None) -> np.ndarray:
    """BM25 of the given rows only (sorted ascending or not): a search per term and row (compiled:
    store/scoring_loops.py), a lookup for a large segment's common terms (``Postings.counts``); ``read``: lists
    this question has read already (``best_rows``), by slot."""
    from . import scoring_loops

    scores = np.zeros(len(rows), dtype=np.float32)
    if not len(rows):
        return scores
    norm = postings.length_norm(query.avgdl)[rows]
    for key, weight in query.weighted:
        counts, (docs, tfs) = _term_at(postings, key, read)
        if counts is not None:  # a common term: its count per row
            tf = counts[rows]
            hit = tf > 0
            scores[hit] += weight * _tf_part(tf[hit], norm[hit])
        elif len(docs):
            scoring_loops.add_rows(scores, rows, norm, docs, tfs, np.float32(weight))
    return scores


def score_rows_and_windows(sentences: Postings, windows: Postings, query: QueryTerms, window_query: QueryTerms,
                           places: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
                           read: dict | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``score_rows`` of some rows over ``sentences`` and over ``windows`` (the same segment's window postings) at
    once, from the sentence postings alone. ``places`` is ``(need, own, before, after)``: the rows read (sorted,
    unique; ``Segment.window_places``) and each candidate's own, previous and next row as places in them.

    A window is indexed as its sentence's tokens plus those of its neighbours in the paragraph (``write_postings``
    with the segment's ``window_neighbours``), so its count of a term is the sum of the three sentences' counts, and
    its length and its terms' idf are the window postings' own (``length_norm``, ``window_query``): the scores are
    those of ``score_rows(windows, …)``, while only the sentence lists are read, which the candidates and the
    sentence score read anyway. The window lists hold each token three times over; reading them cost ~1 ms of a
    question at 1M sentences (docs/speed.md)."""
    from . import scoring_loops

    need, own, before, after = places
    rows = need[own]
    if not len(rows):
        empty = np.zeros(0, dtype=np.float32)
        return empty, empty.copy()
    window_weight = dict(window_query.weighted)
    keys = [key for key, _ in query.weighted]
    counts = np.zeros((len(keys), len(need)), dtype=np.uint16)
    for t, key in enumerate(keys):
        dense, (docs, tfs) = _term_at(sentences, key, read)
        if dense is not None:  # a common term: its count per row
            counts[t] = dense[need]
        elif len(docs):
            scoring_loops.counts_at_rows(counts[t], need, docs, tfs)
    weights = np.array([weight for _, weight in query.weighted], dtype=np.float32)
    window_weights = np.array([window_weight.get(key, 0.0) for key in keys], dtype=np.float32)
    return scoring_loops.sentence_and_window_scores(
        counts, own, before, after, sentences.length_norm(query.avgdl)[rows],
        windows.length_norm(window_query.avgdl)[rows], weights, window_weights)


def best_rows(postings: Postings, query: QueryTerms, wanted: int, max_share: float, read: dict | None = None) -> np.ndarray:
    """Rows likely to score best: BM25 restricted to the rarer terms (in at most ``max_share`` of the rows, and
    always the rarest term), top ``wanted``. Used as candidates in a large segment, then scored exactly; the lists
    read are put in ``read`` by slot, for ``score_rows`` of the same question."""
    from . import scoring_loops

    parts = sorted((postings.df(key), key, weight) for key, weight in query.weighted)
    parts = [p for p in parts if p[0] > 0]
    if not parts:
        return np.zeros(0, dtype=np.int64)
    limit = max(1, int(max_share * postings.size))
    chosen = [p for i, p in enumerate(parts) if i == 0 or p[0] <= limit]
    slots = [postings.slot(key) for _, key, _ in chosen]
    lists = [postings.posting_at(i) for i in slots]  # read (and checked) before any is summed
    if read is not None:
        read.update(zip(slots, lists))
    docs = np.concatenate([d for d, _ in lists])
    bounds = np.zeros(len(lists) + 1, dtype=np.int64)
    np.cumsum([len(d) for d, _ in lists], out=bounds[1:])
    weights = np.array([weight for _, _, weight in chosen], dtype=np.float32)
    scores = scoring_loops.summed(_accumulator(postings.size), postings.length_norm(query.avgdl), docs,
                               np.concatenate([t for _, t in lists]), bounds, weights)
    # a row holding several of the terms is listed once per term: among the best wanted × terms listings are at
    # least ``wanted`` distinct rows, the best ``wanted`` of them among them
    if len(docs) > wanted * len(chosen):
        best = np.argpartition(-scores, wanted * len(chosen))[: wanted * len(chosen)]
        docs, scores = docs[best], scores[best]
    unique, first = np.unique(docs, return_index=True)
    if len(unique) > wanted:
        unique = unique[np.argsort(-scores[first], kind="stable")[:wanted]]
    return unique.astype(np.int64)
