"""The inner loops of scoring a large segment's candidates for a question, compiled with numba.

- ``summed``: a question's rarer terms summed into a zeroed per-row accumulator, read back for every posting and
  zeroed again (``bm25.best_rows``, the lexical candidates), each posting's row fetched ahead (``prefetch``);
- ``add_rows``: one term's score added for the candidate rows that hold it, a binary search of its posting list
  per row (``bm25.score_rows``, the exact BM25 of the candidates);
- ``counts_at_rows`` and ``sentence_and_window_scores``: a large segment's candidates scored over their sentences
  and their windows at once, from the sentence lists' counts at the rows the windows span
  (``bm25.score_rows_and_windows``);
- ``window_scores``: the dense part of the score from the stored vectors of the candidates and their neighbours
  (``Segment.dense_scores``);
- ``read_runs``: those stored vectors read from their file, one ``pread`` per run of consecutive rows
  (``Segment.read_vectors``): the same system calls as ``os.preadv`` from Python, without Python's work around
  each one (0.97 against 1.58 ms for the ~390 runs of a question at 1M sentences, docs/speed.md).

In numpy each of these was several passes over temporary arrays per term (the lengths' normaliser gathered, the
scores gathered, added and scattered back, a searchsorted and a compare); compiled, each posting or row is visited
once. The BM25 loops compute what ``bm25._tf_part`` computes, in float32 and with the terms added in the same
order, so the scores are the same numbers (tests/test_retrieval.py compares them with ``bm25.score_all``); the
dense one equals ``segment.dense_vectors(...) @ q`` up to float rounding (the same test file). They index without
bounds checks: every posting list is checked against the segment's size when it is read (``Postings._checked``),
the candidate rows are the segment's own, and the window's positions come from ``Segment.dense_scores``.

numba is imported on first use, so a process that only ever reads small segments (scanned whole by
``bm25.score_all``) never loads it; the machine code is cached beside this module (``cache=True``; numba falls
back to a per-user cache directory where this one is read-only), so only the first process after an install
compiles it (about a second). Measured at 1M sentences (docs/speed.md): lexical candidates 5.5 → 4.1 ms and exact
BM25 3.6 → 2.4 ms a question, the same candidates and scores.
"""

from __future__ import annotations

import llvmlite.ir as ir
import numpy as np
from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic

_pread = types.ExternalFunction("pread", types.intp(types.intc, types.voidptr, types.uintp, types.int64))
"""POSIX ``ssize_t pread(int fd, void *buf, size_t count, off_t offset)``, found by name in the C library when the
compiled code is loaded (so the compiled loop can be cached: no address of this process is built into it)."""


PREFETCH_AHEAD = 16
"""Postings ahead of the current one whose row's accumulator and length normaliser ``summed`` asks the CPU to fetch
(``prefetch``). The rows of a question's postings are scattered over the segment, so each posting's two reads miss
the cache when the question comes cold (after other work, as in the product and in scripts/speed_ratios.py, where a
torch encode runs between questions): asked for 16 postings early, the misses overlap. Measured at 1M sentences on
the postings of 300 questions, each after 96 MB of other reads: 1.34 → 0.91 ms a question (8, 32 and 64 ahead
0.95, 0.92, 0.93; the accumulator alone 1.32), the same sums (docs/speed.md)."""


@intrinsic
def prefetch(typingctx, array, index):  # noqa: ANN001, ANN201 - numba's intrinsic protocol
    """``array[index]``'s cache line asked for ahead of its read (LLVM's ``llvm.prefetch``: a read, kept in every
    cache level); only a hint: nothing is read, so an index past the end would do no harm, and none is passed."""
    signature = types.void(array, index)

    def codegen(context, builder, sig, args):  # noqa: ANN001, ANN202
        array_type = sig.args[0]
        data = context.make_array(array_type)(context, builder, args[0])
        pointer = cgutils.get_item_pointer(context, builder, array_type, data, [args[1]])
        byte_pointer = ir.IntType(8).as_pointer()
        int32 = ir.IntType(32)
        function = cgutils.get_or_insert_function(
            builder.module, ir.FunctionType(ir.VoidType(), [byte_pointer, int32, int32, int32]), "llvm.prefetch.p0i8"
        )
        # read (0), locality 3 (keep in all levels), data cache (1)
        builder.call(function, [builder.bitcast(pointer, byte_pointer), int32(0), int32(3), int32(1)])
        return context.get_dummy_value()

    return signature, codegen


@njit(nogil=True, cache=True)
def summed(acc: np.ndarray, norm: np.ndarray, docs: np.ndarray, tfs: np.ndarray, bounds: np.ndarray,
           weights: np.ndarray) -> np.ndarray:  # pragma: no cover - compiled; tested through bm25.best_rows
    """Term ``t``'s postings are ``docs[bounds[t]:bounds[t + 1]]`` with counts ``tfs``; adds
    ``weights[t] · tf / (tf + norm[row])`` into ``acc`` term by term, returns the sum at each posting (a row holding
    several of the terms is read once per term) and hands ``acc`` back zeroed. The rows ``PREFETCH_AHEAD``
    postings on are fetched ahead."""
    n = len(docs)
    for t in range(len(weights)):
        w = weights[t]
        for j in range(bounds[t], bounds[t + 1]):
            if j + PREFETCH_AHEAD < n:
                ahead = docs[j + PREFETCH_AHEAD]
                prefetch(acc, ahead)
                prefetch(norm, ahead)
            row = docs[j]
            tf = np.float32(tfs[j])
            acc[row] += w * (tf / (tf + norm[row]))
    scores = np.empty(len(docs), np.float32)
    for j in range(len(docs)):
        scores[j] = acc[docs[j]]
    for j in range(len(docs)):
        acc[docs[j]] = 0
    return scores


@njit(nogil=True, cache=True)
def _gallop(docs: np.ndarray, lo: int, row: int) -> int:  # pragma: no cover - compiled; tested via add_rows
    """The first place at or after ``lo`` in the ascending ``docs`` whose posting is ``>= row`` (``len(docs)`` if
    none), searched in steps doubling from ``lo`` (a few probes near the last row found, not twenty across the
    list), then by halves."""
    n = len(docs)
    if lo < n and docs[lo] < row:  # else docs[lo] is the first posting >= row already
        step = 1
        hi = lo + 1
        while hi < n and docs[hi] < row:  # docs[lo] < row all along
            lo = hi
            step <<= 1
            hi = lo + step
        hi = min(hi, n)  # docs[hi] >= row, or the end
        lo += 1
        while lo < hi:
            mid = (lo + hi) >> 1
            if docs[mid] < row:
                lo = mid + 1
            else:
                hi = mid
    return lo


@njit(nogil=True, cache=True)
def add_rows(scores: np.ndarray, rows: np.ndarray, norm_rows: np.ndarray, docs: np.ndarray, tfs: np.ndarray,
             weight: np.float32) -> None:  # pragma: no cover - compiled; tested through bm25.score_rows
    """Adds ``weight · tf / (tf + norm_rows[i])`` to ``scores[i]`` for each ``rows[i]`` found in the ascending
    posting list ``docs``. Rows in ascending order (the candidates are) are searched from where the last one was
    found, in steps doubling from there (galloping: a few probes near the last, not twenty across the list); a row
    below the last one is searched for in the whole list."""
    n = len(docs)
    lo = 0
    previous = -1
    for i in range(len(rows)):
        row = rows[i]
        if row < previous:
            lo = 0
        previous = row
        lo = _gallop(docs, lo, row)
        if lo < n and docs[lo] == row:
            tf = np.float32(tfs[lo])
            scores[i] += weight * (tf / (tf + norm_rows[i]))


@njit(nogil=True, cache=True)
def window_scores(vectors: np.ndarray, sims: np.ndarray, own: np.ndarray, before: np.ndarray, after: np.ndarray,
                  context_weight: np.float32) -> np.ndarray:  # pragma: no cover - compiled; tested via Segment
    """``q · (v + c · window(v))`` for each candidate, where ``vectors`` holds the stored vectors read, ``sims`` their
    similarities to ``q`` (``vectors @ q``) and ``own``, ``before``, ``after`` are each candidate's places in them
    (``before == own`` where the paragraph has no sentence before). By linearity ``q · window(v)`` is the sum of
    the similarities over the norm of the summed vectors: only that norm needs the vectors, one pass each."""
    out = np.empty(len(own), np.float32)
    d = vectors.shape[1]
    for i in range(len(own)):
        r, b, a = own[i], before[i], after[i]
        has_b, has_a = b != r, a != r
        square = 0.0
        for k in range(d):
            x = vectors[r, k]
            if has_b:
                x += vectors[b, k]
            if has_a:
                x += vectors[a, k]
            square += x * x
        norm = np.sqrt(square)
        window = sims[r] + (sims[b] if has_b else 0.0) + (sims[a] if has_a else 0.0)
        out[i] = sims[r] + context_weight * (window / norm if norm > 0 else 0.0)
    return out


@njit(nogil=True, cache=True)
def read_runs(fd: int, offset: int, out: np.ndarray, rows: np.ndarray) -> int:  # pragma: no cover - compiled; tested via Segment
    """Reads row ``rows[i]`` of a file of float32 rows of ``out.shape[1]`` (the first at byte ``offset``) into
    ``out[i]``, rows ascending, one ``pread`` per run of consecutive rows; -1 when every read was whole, else the
    index of the first row whose run came back short (a file shorter than its rows, or a failed read)."""
    row_bytes = out.shape[1] * 4
    base = out.ctypes.data
    n = len(rows)
    i = 0
    while i < n:
        j = i + 1
        while j < n and rows[j] == rows[j - 1] + 1:
            j += 1
        want = (j - i) * row_bytes
        if _pread(fd, base + i * row_bytes, want, offset + rows[i] * row_bytes) != want:
            return i
        i = j
    return -1


@njit(nogil=True, cache=True)
def counts_at_rows(out: np.ndarray, rows: np.ndarray, docs: np.ndarray, tfs: np.ndarray) -> None:  # pragma: no cover - compiled; tested through bm25.score_rows_and_windows
    """``out[i]`` = the count at row ``rows[i]`` in the ascending posting list ``docs`` (``tfs``), 0 where the row
    is not in it; rows ascending, searched as ``add_rows`` searches them (galloping from the last one found)."""
    n = len(docs)
    lo = 0
    for i in range(len(rows)):
        row = rows[i]
        lo = _gallop(docs, lo, row)
        out[i] = tfs[lo] if lo < n and docs[lo] == row else 0


@njit(nogil=True, cache=True)
def sentence_and_window_scores(counts: np.ndarray, own: np.ndarray, before: np.ndarray, after: np.ndarray,
                               norm: np.ndarray, window_norm: np.ndarray, weights: np.ndarray,
                               window_weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover - compiled; tested through bm25.score_rows_and_windows
    """BM25 of candidate ``i`` over its sentence and over its window, from the counts of each term ``t`` at the rows
    read (``counts[t, j]``): the sentence's count is ``counts[t, own[i]]``, the window's the sum with the rows
    ``before[i]`` and ``after[i]`` (``== own[i]`` at a paragraph's edge), capped as the window postings cap it
    (uint16). The terms are added in order, each as ``weight · tf / (tf + norm)`` in float32, as ``add_rows`` does."""
    m = len(own)
    scores = np.zeros(m, np.float32)
    window = np.zeros(m, np.float32)
    for t in range(counts.shape[0]):
        w = weights[t]
        ww = window_weights[t]
        for i in range(m):
            r, b, a = own[i], before[i], after[i]
            c = np.int64(counts[t, r])
            if c > 0:
                tf = np.float32(c)
                scores[i] += w * (tf / (tf + norm[i]))
            if b != r:
                c += counts[t, b]
            if a != r:
                c += counts[t, a]
            if c > 0:
                tf = np.float32(min(c, 65535))
                window[i] += ww * (tf / (tf + window_norm[i]))
    return scores, window
