"""Ranking the sentences of an index snapshot for a question: dense + lexical, fused, filtered, de-duplicated.

score(sentence) =  cos(q, sentence) + w · bm25(q, sentence) / max bm25
                 + c · [cos(q, window) + w · bm25(q, window) / max bm25(window)]

with the lexical weight w chosen per model (``lexical_weight``): the trained model's cosine is the stronger
signal, so BM25 weighs less beside it; and the context weight c recorded in the index's manifest
(``Snapshot.context_weight``, 0.5 for a new index: ``store.segment.CONTEXT_WEIGHT``), because large segments hold
``sentence + c · window`` in their IVF.

where the sentence vector embeds "document title: sentence" (pipeline.embedding.embedding_text) and the window is the sentence
with the one before and after it in the same paragraph; the window's vector is the normalised sum of those
sentences' vectors and its BM25 is over the window's text. Chosen on ReQA SQuAD by
scripts/retrieval_experiments.py: picked on one half of the articles, confirmed on the other (README).

Which sentences are scored:
- a segment without an ANN index (small: store/segment.py ANN_MIN_SENTENCES) is scored whole, exactly;
- a large segment contributes candidates: the ANN's best rows for the dense part, and the best rows by BM25 over
  the question's rarer terms in the sentence postings (the window postings propose none: ``LEXICAL_CANDIDATES``);
  the fused score above is then computed exactly for those candidates only, the window's BM25 too from the sentence
  postings (a window's counts are its sentences': ``bm25.score_rows_and_windows``), the maxima of the BM25 terms
  taken over everything scored;
- with a speaker filter, only that speaker's sentences are candidates: all of them where they are few (and in
  small segments), else the ANN's best among them (an ID selector inside the search) and their best by BM25.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..pipeline import qa_model
from ..schema import Passage
from ..store import bm25
from ..store.segment import Segment
from ..pipeline.analysed import ATTRIBUTIONS
from ..store.manifest import IndexProblem
from ..store.snapshot import Location, Snapshot

LEXICAL_WEIGHT = 0.4
"""Weight of the max-normalised BM25 score beside the cosine (the cosine's weight is 1), for the stock model."""
TRAINED_LEXICAL_WEIGHT = 0.3
"""The same for the shipped model trained for questions (qa_model.NAME); re-tuned half/half (README, retrieval)."""


def lexical_weight(model: str) -> float:
    return TRAINED_LEXICAL_WEIGHT if model == qa_model.NAME else LEXICAL_WEIGHT


def score_scale(weight: float, context_weight: float) -> float:
    """The score's largest possible value: the score is divided by it, so that a reported score is at most 1."""
    return (1 + weight) * (1 + context_weight)

NEAR_DUPLICATE = 0.9
"""Word-set Jaccard similarity at or above which a lower-ranked sentence repeats a better one and is left out."""
DENSE_CANDIDATES = 200
"""Rows a large segment's ANN index proposes per question (measured: README, scale)."""
LEXICAL_CANDIDATES = 200
"""Rows a large segment's sentence postings propose by BM25 over the rarer terms. Its window postings propose none:
they hold each sentence's words three times over (its own and its two neighbours'), so summing them cost about as
much as the rest of the lexical work, and 100 rows from each gave MRR@20 0.8822 at 1M sentences (0.8839 at 100k)
against 0.8819 (0.8835) with 200 from the sentence postings alone; 100 from those alone gave 0.8796 (0.8832)
(docs/speed.md). With a speaker filter both still propose (``_filtered_candidates``): that scores the rows anyway."""
RARE_SHARE = 0.02
"""Terms in at most this share of a segment's rows propose lexical candidates (the rarest term always does)."""
NPROBE = 48
"""IVF lists searched per question in a large segment's fast-scan index (store/segment.py ann_factory): 48 of the
1,005 lists at 1M sentences gave MRR@20 0.883 against 0.881 with 24, at the same p50 (docs/speed.md)."""
NPROBE_SHARE = 4
"""... and at most a quarter of them: 48 of the 105 lists of a 100k-sentence segment scan 46% of its codes. A
quarter (26 lists) gave MRR@20 0.8839 against 0.8841 and 0.3 ms less; at 50k (12 of 50 lists) 0.8829 against
0.8838 and 0.6 ms less, both above the real articles alone (0.882; docs/speed.md). At 1M (1,005 lists) 48 stand."""
SCALAR_NPROBE = 24
"""The same for the 8-bit scalar-quantizer IVF of segments written before the fast-scan codes (measured then)."""
FILTER_SCAN = 3_000
"""A speaker with at most this many sentences in a large segment has all of them scored exactly."""
FILTER_LEXICAL = 100
"""... else this many of them are proposed by each of their sentence and window BM25 (scored for all of them)."""


@dataclass
class Scored:
    """Raw score parts of some rows of one segment."""

    segment: int
    rows: np.ndarray
    dense: np.ndarray
    lexical: np.ndarray
    window_lexical: np.ndarray
    max_lexical: float | None = None  # the maxima over more rows than these (a filtered exact segment)
    max_window: float | None = None


def _live(snapshot: Snapshot, i: int, rows: np.ndarray) -> np.ndarray:
    live = snapshot.live[i]
    return rows if live is None else rows[live[rows]]


def nprobe(ann: object) -> int:
    """IVF lists to search in ``ann``: its codes decide what a list costs to scan, and a fast-scan segment is
    searched in at most a share of its lists (``NPROBE_SHARE``)."""
    import faiss

    if isinstance(ann, faiss.IndexIVFScalarQuantizer):
        return SCALAR_NPROBE
    return max(1, min(NPROBE, int(ann.nlist) // NPROBE_SHARE))


def _candidates(seg: Segment, query: bm25.QueryTerms, vector: np.ndarray, read: dict) -> np.ndarray:
    """A large segment's candidates: the ANN's best rows and the best rows by BM25 over the rarer terms of the
    sentence postings (``LEXICAL_CANDIDATES``; the lists read are left in ``read``)."""
    import faiss

    found = [bm25.best_rows(seg.lexical, query, LEXICAL_CANDIDATES, RARE_SHARE, read)]
    params = faiss.SearchParametersIVF(nprobe=nprobe(seg.ann))
    _, ids = seg.ann.search(vector.reshape(1, -1).astype(np.float32), DENSE_CANDIDATES, params=params)
    found.append(ids[0][ids[0] >= 0])
    return np.unique(np.concatenate(found).astype(np.int64))


def _filtered_candidates(
    seg: Segment, rows: np.ndarray, query: bm25.QueryTerms, window_query: bm25.QueryTerms, vector: np.ndarray
) -> np.ndarray:
    """Candidates among ``rows`` (a speaker's sentences in a large segment): all of them when they are few;
    else the ANN's best among them only (an ID selector inside the search, not a filter after it) and their
    best by BM25. Either way nothing outside ``rows`` can be returned, and none of them is skipped unseen."""
    import faiss

    if len(rows) <= FILTER_SCAN:
        return rows
    lexical = bm25.score_rows(seg.lexical, query, rows)
    window = bm25.score_rows(seg.window_lexical, window_query, rows)
    found = [rows[np.argsort(-lexical)[:FILTER_LEXICAL]], rows[np.argsort(-window)[:FILTER_LEXICAL]]]
    mask = np.zeros(seg.size, dtype=bool)
    mask[rows] = True
    bitmap = np.packbits(mask, bitorder="little")
    selector = faiss.IDSelectorBitmap(seg.size, faiss.swig_ptr(bitmap))
    params = faiss.SearchParametersIVF(nprobe=nprobe(seg.ann), sel=selector)
    _, ids = seg.ann.search(vector.reshape(1, -1).astype(np.float32), DENSE_CANDIDATES, params=params)
    found.append(ids[0][ids[0] >= 0])
    return np.unique(np.concatenate(found).astype(np.int64))


def score_parts(
    snapshot: Snapshot, question: str, vector: np.ndarray, allowed_speakers: set[str] | None = None
) -> list[Scored]:
    """The raw parts of the score for every row that is scored (see the module docstring)."""
    segments = snapshot.segments
    terms = bm25.question_terms(question)
    query = bm25.QueryTerms.of_terms(terms, [s.lexical for s in segments])
    window_query = bm25.QueryTerms.of_terms(terms, [s.window_lexical for s in segments])
    parts: list[Scored] = []
    for i, seg in enumerate(segments):
        if seg.size == 0:
            continue
        if seg.ann is None:
            rows = _live(snapshot, i, np.arange(seg.size))
            dense = seg.dense[rows] @ vector if snapshot.live[i] is not None else seg.dense @ vector
            lexical = bm25.score_all(seg.lexical, query)[rows]
            window = bm25.score_all(seg.window_lexical, window_query)[rows]
            if allowed_speakers is not None:  # the maxima stay those of the whole segment, as before filtering
                keep = np.isin(seg.speaker[rows], seg.speaker_codes(allowed_speakers))
                parts.append(
                    Scored(i, rows[keep], dense[keep], lexical[keep], window[keep],
                           float(lexical.max(initial=0.0)), float(window.max(initial=0.0)))
                )
                continue
        else:
            read: dict = {}  # the sentence postings' lists the candidates read, scored again below
            if allowed_speakers is not None:
                rows = _live(snapshot, i, np.flatnonzero(np.isin(seg.speaker, seg.speaker_codes(allowed_speakers))))
                rows = _filtered_candidates(seg, rows, query, window_query, vector)
            else:
                rows = _live(snapshot, i, _candidates(seg, query, vector, read))
            places = seg.window_places(rows)  # the rows the candidates' windows span, read once for both below
            dense = seg.dense_scores(rows, vector, places)
            lexical, window = bm25.score_rows_and_windows(seg.lexical, seg.window_lexical, query, window_query,
                                                          places, read)
            seg.answered()
        parts.append(Scored(i, rows, dense, lexical, window))
    return parts


def _max(parts: list[Scored], field: str, override: str) -> float:
    values = [getattr(p, override) if getattr(p, override) is not None else float(getattr(p, field).max(initial=0.0)) for p in parts]
    return max(values, default=0.0)


def fused(parts: list[Scored], weight: float, context_weight: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(segment, row, score) of every scored row, in index order (segments in manifest order, rows ascending);
    ``weight`` is the lexical weight (``lexical_weight`` of the index's model), ``context_weight`` the window's
    (recorded in the index's manifest: ``Snapshot.context_weight``)."""
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0, dtype=np.float32)
    top = _max(parts, "lexical", "max_lexical")
    top_window = _max(parts, "window_lexical", "max_window")
    scale = score_scale(weight, context_weight)
    seg_ids, rows, scores = [], [], []
    for p in parts:
        lexical = p.lexical / top if top > 0 else p.lexical
        window = p.window_lexical / top_window if top_window > 0 else p.window_lexical
        score = (p.dense + weight * (lexical + context_weight * window)) / scale
        seg_ids.append(np.full(len(p.rows), p.segment, dtype=np.int64))
        rows.append(np.asarray(p.rows, dtype=np.int64))
        scores.append(np.asarray(score, dtype=np.float32))
    return np.concatenate(seg_ids), np.concatenate(rows), np.concatenate(scores)


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


def near_duplicate(a: frozenset[str], b: frozenset[str]) -> bool:
    """Word sets that overlap by ``NEAR_DUPLICATE`` (Jaccard) or more: the same sentence, perhaps re-worded."""
    if not a or not b:
        return a == b
    return len(a & b) >= NEAR_DUPLICATE * len(a | b)


def select(snapshot: Snapshot, seg_ids: np.ndarray, rows: np.ndarray, scores: np.ndarray, k: int) -> list[tuple[Location, float]]:
    """The ``k`` best rows by ``scores``, skipping near-duplicates of better ones."""
    wanted = k
    while True:
        order = top_order(scores, 2 * wanted + 8)
        chosen: list[tuple[Location, float]] = []
        kept: list[frozenset[str]] = []
        for i in order:
            seg = snapshot.segments[int(seg_ids[i])]
            seen = bm25.word_set(seg.sentence_text(int(rows[i])))
            if any(near_duplicate(seen, other) for other in kept):
                continue
            chosen.append((Location(int(seg_ids[i]), int(rows[i])), float(scores[i])))
            kept.append(seen)
            if len(chosen) == k:
                return chosen
        if len(order) >= int(np.isfinite(scores).sum()):
            return chosen
        wanted *= 4


def rank(
    snapshot: Snapshot,
    question: str,
    vector: np.ndarray,
    k: int,
    allowed_speakers: set[str] | None = None,
) -> list[tuple[Location, float]]:
    """The ``k`` best sentences as (location, score); ties break by position; near-duplicates dropped."""
    if k <= 0 or not snapshot.segments:
        return []
    seg_ids, rows, scores = fused(score_parts(snapshot, question, vector, allowed_speakers), lexical_weight(snapshot.model), snapshot.context_weight)
    return select(snapshot, seg_ids, rows, scores, k)


def dense_floor(snapshot: Snapshot, vector: np.ndarray, k: int) -> list[tuple[int, int]]:
    """The floor a question cannot go below: a plain dense search of every segment (benchmarks compare to it)."""
    found: list[tuple[float, int, int]] = []
    for i, seg in enumerate(snapshot.segments):
        if seg.ann is not None:
            scores, ids = seg.ann.search(vector.reshape(1, -1).astype(np.float32), k)
            found.extend((float(s), i, int(r)) for s, r in zip(scores[0], ids[0]) if r >= 0)
        elif seg.size:
            scores = seg.dense @ vector
            top = np.argpartition(-scores, min(k, seg.size - 1))[:k]
            found.extend((float(scores[r]), i, int(r)) for r in top)
    return [(i, r) for _, i, r in sorted(found, reverse=True)[:k]]


def passage_at(snapshot: Snapshot, location: Location, rank: int, score: float) -> Passage:
    """The sentence at ``location`` as a cited Passage, with the sentences around it in its document."""
    seg = snapshot.segments[location.segment]
    doc, number, start, end, paragraph, speaker, attribution = seg.row(location.row)
    meta = seg.doc_meta(doc)
    text = seg.text(doc)
    if not 0 <= start < end <= len(text):  # only a damaged (or hand-edited and re-sealed) segment gets here
        raise IndexProblem(snapshot.index_dir, f"has a sentence outside its document's text ({meta.id!r})")

    def neighbour(step: int) -> str:
        row = location.row + step
        if 0 <= row < seg.size and int(seg.doc[row]) == doc:
            _, _, s, e, *_ = seg.row(row)
            return text[s:e]
        return ""

    return Passage(
        rank=rank, score=score, text=text[start:end], speaker=seg.speaker_name(speaker),
        attribution=ATTRIBUTIONS[attribution],  # type: ignore[arg-type]
        doc_id=meta.id, doc_title=meta.title, date=meta.date, paragraph=paragraph, sentence=number,
        start=start, end=end, context_before=neighbour(-1), context_after=neighbour(+1), url=meta.url,
    )
