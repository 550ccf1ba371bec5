"""Retrieval: fusion, ties, near-duplicates, windows (tiny synthetic data, no model) and a small real index."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.errors import AssistantError
from assistant.search import retrieval
from assistant.pipeline.analysed import Analysed, DocRecord
from assistant.store import IndexWriter, Snapshot, bm25, open_snapshot
from assistant.pipeline import embedding
from assistant.store import segment as segment_module


def _analysed(paragraphs: list[list[str]], vectors: np.ndarray, speakers: list[str | None] | None = None) -> Analysed:
    """One synthetic document from paragraphs of sentences, with the given (normalised) sentence vectors."""
    text, rows = "", []
    for p, sentences in enumerate(paragraphs, start=1):
        if text:
            text += "\n\n"
        for j, sentence in enumerate(sentences):
            if j:
                text += " "
            rows.append((len(text), len(text) + len(sentence), p))
            text += sentence
    n = len(rows)
    speakers = speakers or [None] * n
    names = sorted({s for s in speakers if s})
    return Analysed(
        documents=[DocRecord("doc", "Doc", None, "doc.txt", text)], doc=np.zeros(n, np.int32),
        number=np.arange(1, n + 1, dtype=np.int32), start=np.array([r[0] for r in rows], np.int32),
        end=np.array([r[1] for r in rows], np.int32), paragraph=np.array([r[2] for r in rows], np.int32),
        speaker=np.array([names.index(s) if s else -1 for s in speakers], np.int32), speaker_names=names,
        attribution=np.array([1 if s else 0 for s in speakers], np.int8), vectors=vectors.astype(np.float32),
    )


def _index(tmp_path: Path, paragraphs: list[list[str]], vectors: np.ndarray, speakers=None) -> Snapshot:
    """A one-segment index on disk over one synthetic document (no model needed)."""
    analysed = _analysed(paragraphs, vectors, speakers)
    index_dir = tmp_path / f"index-{len(list(tmp_path.iterdir()))}"
    with IndexWriter(index_dir, "test-model", analysed.dimension) as writer:
        writer.apply(analysed, ["test"], ["hash"])
    return open_snapshot(index_dir)


def _rows(ranked) -> list[int]:
    return [loc.row for loc, _ in ranked]


def _unit(*rows: list[float]) -> np.ndarray:
    v = np.array(rows, dtype=np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


# ----- lexical
def test_tokenize_stems_and_keeps_stop_words():
    assert bm25.tokenize("Who founded the Universities?") == ["who", "found", "the", "universiti"]
    assert bm25.tokenize("Putin’s hackers") == bm25.tokenize("Putin's hacker")


TEXTS = ["The cat sat on the mat.", "A dog chased the cat.", "Nothing here.", "!!!", "The mat, the mat!"]


def _bm25s_scores(texts: list[str], question: str) -> np.ndarray:
    import bm25s

    reference = bm25s.BM25(k1=bm25.K1, b=bm25.B, method="lucene")
    reference.index([bm25.tokenize(t) or ["\u2205"] for t in texts], show_progress=False)
    tokens = [t for t in bm25.tokenize(question) if t in reference.vocab_dict]
    return reference.get_scores(tokens) if tokens else np.zeros(len(texts))


@pytest.mark.parametrize("question", ["Which cat sat on the mat, the cat?", "zebra", "the the dog", "mat"])
def test_bm25_scores_equal_bm25s_lucene(tmp_path: Path, question: str):
    bm25.write_postings(bm25.Tokenized.of(TEXTS), tmp_path / "lex")
    postings = bm25.Postings.open(tmp_path / "lex")
    query = bm25.QueryTerms.of(question, [postings])
    assert np.allclose(bm25.score_all(postings, query), _bm25s_scores(TEXTS, question), atol=1e-5)
    rows = np.array([4, 0, 2])
    assert np.allclose(bm25.score_rows(postings, query, rows), bm25.score_all(postings, query)[rows])


def test_bm25_statistics_are_global_across_segments(tmp_path: Path):
    """Two segments score exactly as one index of all their texts (N, df and avgdl are global)."""
    bm25.write_postings(bm25.Tokenized.of(TEXTS[:2]), tmp_path / "a")
    bm25.write_postings(bm25.Tokenized.of(TEXTS[2:]), tmp_path / "b")
    parts = [bm25.Postings.open(tmp_path / "a"), bm25.Postings.open(tmp_path / "b")]
    query = bm25.QueryTerms.of("the cat on the mat", parts)
    joined = np.concatenate([bm25.score_all(p, query) for p in parts])
    assert np.allclose(joined, _bm25s_scores(TEXTS, "the cat on the mat"), atol=1e-5)


def test_window_postings_equal_bm25_over_the_window_texts(tmp_path: Path):
    doc, paragraph = np.array([0, 0, 0, 0, 1]), np.array([1, 1, 1, 2, 1])
    neighbours = segment_module.window_neighbours(doc, paragraph)
    bm25.write_postings(bm25.Tokenized.of(TEXTS), tmp_path / "w", neighbours=neighbours)
    windows = [" ".join(TEXTS[j] for j in sorted({int(neighbours[0][i]), i, int(neighbours[1][i])})) for i in range(5)]
    postings = bm25.Postings.open(tmp_path / "w")
    for question in ("the cat", "dog mat here"):
        query = bm25.QueryTerms.of(question, [postings])
        assert np.allclose(bm25.score_all(postings, query), _bm25s_scores(windows, question), atol=1e-5)


def test_best_rows_finds_the_rare_terms_rows(tmp_path: Path):
    texts = [f"common words here {i}" for i in range(50)] + ["common words zanzibar"]
    bm25.write_postings(bm25.Tokenized.of(texts), tmp_path / "lex")
    postings = bm25.Postings.open(tmp_path / "lex")
    query = bm25.QueryTerms.of("zanzibar common", [postings])
    assert 50 in bm25.best_rows(postings, query, wanted=3, max_share=0.2).tolist()



def test_best_rows_are_the_best_by_the_rarer_terms_and_leave_no_trace(tmp_path: Path):
    """The top rows by BM25 over the chosen (rarer) terms, rows holding several of them summed once each; the
    scratch array is handed back zeroed, so a second question is not skewed by the first."""
    rng = np.random.default_rng(7)
    vocabulary = [f"w{i}" for i in range(40)]
    texts = [" ".join(rng.choice(vocabulary, size=int(rng.integers(3, 12)))) for _ in range(400)]
    bm25.write_postings(bm25.Tokenized.of(texts), tmp_path / "lex")
    postings = bm25.Postings.open(tmp_path / "lex")
    for question in ("w1 w2 w3 w5 w8", "w13 w21 w34", "w1 w2 w3 w5 w8"):
        query = bm25.QueryTerms.of(question, [postings])
        got = bm25.best_rows(postings, query, wanted=10, max_share=1.0)
        full = bm25.score_all(postings, query)  # max_share 1.0: every term is chosen
        assert sorted(got.tolist()) == sorted(np.argsort(-full, kind="stable")[:10].tolist())


def test_huge_page_arrays_are_zeroed_aligned_and_private_to_the_process():
    """The scratch arrays of a large segment's scoring: zeroed, writable, 2 MB aligned where large, and private (a
    forked child writing into its copy leaves the parent's as it was)."""
    import mmap
    import os

    small = bm25.huge_zeros(10, np.float32)
    assert small.tolist() == [0.0] * 10
    large = bm25.huge_zeros(1_000_003, np.float32)
    assert large.shape == (1_000_003,) and large.dtype == np.float32 and not large.any()
    if hasattr(mmap, "MADV_HUGEPAGE"):
        assert large.ctypes.data % bm25.HUGE_PAGE == 0
    if hasattr(os, "fork"):
        child = os.fork()
        if child == 0:  # pragma: no cover - the child
            large[:] = 7.0
            os._exit(0)
        os.waitpid(child, 0)
    large[-1] = 1.5
    assert float(large.sum()) == 1.5


def test_add_rows_finds_each_row_as_a_binary_search_does():
    """The compiled lookup gallops from the last row found when the rows ascend, and starts again when one does
    not: either way each row gets its posting's score, or nothing where the list lacks it."""
    from assistant.store import scoring_loops

    rng = np.random.default_rng(11)
    for trial in range(400):
        size = int(rng.integers(1, 2000))
        docs = np.unique(rng.integers(0, size, int(rng.integers(0, 300)))).astype(np.int32)
        tfs = rng.integers(1, 5, len(docs)).astype(np.uint16)
        rows = rng.integers(0, size, int(rng.integers(0, 200)))
        rows = np.unique(rows) if trial % 2 else rows  # ascending, or in any order with repeats
        norm = (rng.random(len(rows)) + 0.5).astype(np.float32)
        got = np.zeros(len(rows), np.float32)
        scoring_loops.add_rows(got, rows, norm, docs, tfs, np.float32(1.7))
        place = np.minimum(np.searchsorted(docs, rows), max(len(docs) - 1, 0))
        hit = (docs[place] == rows) if len(docs) else np.zeros(len(rows), bool)
        want = np.zeros(len(rows), np.float32)
        tf = tfs[place[hit]].astype(np.float32)
        want[hit] += np.float32(1.7) * (tf / (tf + norm[hit]))
        assert np.array_equal(got, want), trial


def test_a_large_segments_postings_score_as_the_whole_scan(tmp_path: Path, monkeypatch):
    """Read as a large segment reads them (``pread``, common lists kept, a common term kept as a count per row, the
    lists the candidates read passed on to their scoring), the candidates' scores and the rarer terms' best rows are
    those of scoring every row; so too once the kept arrays are dropped again for lack of room."""
    rng = np.random.default_rng(3)
    vocabulary = ["the"] * 6 + ["of"] * 3 + [f"w{i}" for i in range(120)]  # "the", "of": in over a sixth of rows
    texts = [" ".join(rng.choice(vocabulary, size=int(rng.integers(4, 14)))) for _ in range(600)]
    bm25.write_postings(bm25.Tokenized.of(texts), tmp_path / "lex")
    monkeypatch.setattr(bm25, "HOT_MIN_POSTINGS", 50)
    scanned = bm25.Postings.open(tmp_path / "lex")
    large = bm25.Postings.open(tmp_path / "lex", read_slices=True)
    rows = rng.permutation(600)[:150]
    for hot_bytes in (1 << 20, 200):  # room for everything; room for almost nothing
        monkeypatch.setattr(bm25, "HOT_BYTES", hot_bytes)
        for question in ("the w1 of w2", "w7 the the", "w3 w4 w5", "the w1 of w2"):
            query = bm25.QueryTerms.of(question, [scanned])
            full = bm25.score_all(scanned, query)
            assert np.array_equal(bm25.score_rows(large, query, rows), full[rows])
            read: dict = {}
            assert sorted(bm25.best_rows(large, query, wanted=8, max_share=0.2, read=read).tolist()) == \
                sorted(bm25.best_rows(scanned, query, wanted=8, max_share=0.2).tolist())
            assert read and np.array_equal(bm25.score_rows(large, query, rows, read), full[rows])  # lists passed on
    assert large.counts(bm25.term_hash("the")) is not None and large.counts(bm25.term_hash("w1")) is None
    assert scanned.counts(bm25.term_hash("the")) is None  # a small segment scores its lists whole
    large.close()


def test_window_scores_from_the_sentence_postings_equal_the_window_postings(tmp_path: Path, monkeypatch):
    """A window's BM25 computed from its three sentences' counts (``score_rows_and_windows``) is the score of its
    own postings, to the bit, for common and rare terms, repeated words, paragraph edges and one-sentence
    paragraphs; the sentence scores too."""
    rng = np.random.default_rng(5)
    vocabulary = ["the"] * 6 + ["of"] * 3 + [f"w{i}" for i in range(80)]
    texts = [" ".join(rng.choice(vocabulary, size=int(rng.integers(0, 14)))) for _ in range(700)]  # some empty
    doc = np.repeat(np.arange(70), 10)
    paragraph = np.tile([0, 0, 0, 1, 2, 2, 3, 3, 3, 3], 70)  # one-, two- and more-sentence paragraphs
    before, after = segment_module.window_neighbours(doc, paragraph)
    tokenized = bm25.Tokenized.of(texts)
    bm25.write_postings(tokenized, tmp_path / "lex")
    bm25.write_postings(tokenized, tmp_path / "win", neighbours=(before, after))
    monkeypatch.setattr(bm25, "HOT_MIN_POSTINGS", 50)
    sentences = bm25.Postings.open(tmp_path / "lex", read_slices=True)
    windows = bm25.Postings.open(tmp_path / "win", read_slices=True)
    for question in ("the w1 of w2", "w7 w7 the the", "w3 w4 w5 nowhere", "of"):
        terms = bm25.question_terms(question)
        query = bm25.QueryTerms.of_terms(terms, [sentences])
        window_query = bm25.QueryTerms.of_terms(terms, [windows])
        for rows in (np.arange(700), np.unique(rng.integers(0, 700, 120)), np.array([0, 3, 699])):
            b, a = before[rows], after[rows]
            need = np.unique(np.concatenate([rows, b, a]))
            places = (need, *(np.searchsorted(need, x) for x in (rows, b, a)))
            lexical, window = bm25.score_rows_and_windows(sentences, windows, query, window_query, places)
            assert np.array_equal(lexical, bm25.score_rows(sentences, query, rows)), question
            assert np.array_equal(window, bm25.score_rows(windows, window_query, rows)), question
    assert sentences.counts(bm25.term_hash("the")) is not None  # the common-term path was taken
    sentences.close()
    windows.close()


# ----- windows
def test_window_neighbours_stay_in_the_paragraph_and_document():
    before, after = segment_module.window_neighbours(np.array([0, 0, 0, 0, 1]), np.array([1, 1, 1, 2, 2]))
    assert before.tolist() == [0, 0, 1, 3, 4]
    assert after.tolist() == [1, 2, 2, 3, 4]


def test_embedding_text_puts_the_title_first():
    assert embedding.embedding_text("Putin  interview\n", "He also alleged it.") == "Putin interview: He also alleged it."
    assert embedding.embedding_text("", "Then left.") == "Then left."


def test_window_vectors_are_normalised_means():
    vectors = _unit([1, 0], [0, 1], [1, 0])
    before, after = np.array([0, 0, 2]), np.array([1, 1, 2])
    window = segment_module.window_vectors(vectors, before, after)
    assert np.allclose(window[0], _unit([1, 1])[0]) and np.allclose(window[1], _unit([1, 1])[0])
    assert np.allclose(window[2], [1, 0])


# ----- fusion, ties, duplicates
def test_fused_score_is_the_documented_formula(tmp_path: Path):
    paragraphs = [["Red apples grow here.", "Blue sky above."], ["Green grass."]]
    vectors = _unit([1, 0], [0, 1], [1, 1])
    index = _index(tmp_path, paragraphs, vectors)
    q = _unit([1, 0])[0]
    _, rows, got = retrieval.fused(retrieval.score_parts(index, "red apples", q), retrieval.LEXICAL_WEIGHT, index.context_weight)
    texts = ["Red apples grow here.", "Blue sky above.", "Green grass."]
    windows = ["Red apples grow here. Blue sky above.", "Red apples grow here. Blue sky above.", "Green grass."]
    lexical, window_lexical = _bm25s_scores(texts, "red apples"), _bm25s_scores(windows, "red apples")
    before, after = np.array([0, 0, 2]), np.array([1, 1, 2])
    context = segment_module.window_vectors(vectors, before, after)
    expected = (
        vectors @ q + retrieval.LEXICAL_WEIGHT * lexical / lexical.max()
        + index.context_weight * (context @ q + retrieval.LEXICAL_WEIGHT * window_lexical / window_lexical.max())
    )
    assert rows.tolist() == [0, 1, 2]
    assert np.allclose(got, expected / retrieval.score_scale(retrieval.LEXICAL_WEIGHT, index.context_weight), atol=1e-5)
    assert got.max() <= 1.0 + 1e-6


def test_no_lexical_match_leaves_the_dense_ranking(tmp_path: Path):
    index = _index(tmp_path, [["Alpha."], ["Beta."], ["Gamma."]], _unit([1, 0], [0, 1], [0.6, 0.8]))
    assert _rows(retrieval.rank(index, "zzz", _unit([0, 1])[0], 3)) == [1, 2, 0]


def test_a_rare_word_lifts_its_sentence_over_a_closer_vector(tmp_path: Path):
    index = _index(tmp_path, [["The Zyxwv treaty was signed."], ["Treaties were often signed."]], _unit([0.6, 0.8], [0, 1]))
    assert _rows(retrieval.rank(index, "When was Zyxwv signed?", _unit([0, 1])[0], 1)) == [0]


def test_top_order_breaks_ties_by_position():
    scores = np.array([0.5, 0.9, 0.5, 0.9, 0.1, 0.5, -np.inf])
    assert retrieval.top_order(scores, 3).tolist()[:3] == [1, 3, 0]
    assert retrieval.top_order(scores, 10).tolist() == [1, 3, 0, 2, 5, 4]
    assert retrieval.top_order(np.full(3, -np.inf), 2).tolist() == []


def test_equal_scores_rank_by_position(tmp_path: Path):
    index = _index(tmp_path, [["One cat."], ["Two dogs."], ["Three birds."]], _unit([1, 0], [1, 0], [1, 0]))
    ranked = retrieval.rank(index, "zzz", _unit([1, 0])[0], 3)
    assert _rows(ranked) == [0, 1, 2]
    assert ranked[0][1] == ranked[1][1] == ranked[2][1]


def test_near_duplicates_do_not_crowd_out_the_answer(tmp_path: Path):
    paragraphs = [["Prices rose sharply in May."], ["In May, prices rose sharply."], ["prices rose sharply in May!"],
                  ["The bank raised rates."]]
    index = _index(tmp_path, paragraphs, _unit([1, 0.01], [1, 0.02], [1, 0.03], [0.8, 0.6]))
    assert _rows(retrieval.rank(index, "What happened to prices in May?", _unit([1, 0])[0], 2)) == [0, 3]


def test_near_duplicate_threshold():
    assert bm25.word_set("The army's") | bm25.word_set("left it.") == set(bm25.tokenize("The army's left it."))
    same = bm25.word_set("The army left the city in 1945.")
    assert retrieval.near_duplicate(same, bm25.word_set("In 1945 the army left the city"))
    assert not retrieval.near_duplicate(same, bm25.word_set("The army entered the city in 1939."))


def test_speaker_filter_and_k_larger_than_the_index(tmp_path: Path):
    index = _index(tmp_path, [["A."], ["B."]], _unit([1, 0], [0, 1]), speakers=[None, "Ann"])
    ranked = retrieval.rank(index, "b", _unit([1, 0])[0], 5, allowed_speakers={"Ann"})
    assert _rows(ranked) == [1]
    assert len(retrieval.rank(index, "b", _unit([1, 0])[0], 5)) == 2


def _large_index(tmp_path: Path, monkeypatch, n: int = 400):
    """A segment big enough (with ANN_MIN lowered) to be searched through its IVF index and BM25 candidates."""
    monkeypatch.setattr(segment_module, "ANN_MIN_SENTENCES", 100)
    rng = np.random.default_rng(1)
    words = ["river", "bridge", "council", "budget", "harbour", "school", "train", "storm", "museum", "festival"]
    sentences = [" ".join(rng.choice(words, 5)) + f" item{i}." for i in range(n)]
    vectors = rng.normal(size=(n, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    speakers = [f"Speaker {i % 7}" if i % 3 == 0 else None for i in range(n)]
    paragraphs = [sentences[i : i + 4] for i in range(0, n, 4)]
    return _index(tmp_path, paragraphs, vectors, speakers), vectors


def test_a_large_segment_finds_what_the_exact_scan_finds(tmp_path: Path, monkeypatch):
    index, vectors = _large_index(tmp_path, monkeypatch)
    assert index.segments[0].ann is not None
    monkeypatch.setattr(retrieval, "NPROBE", 16)  # every list: the candidate step itself must not lose the best
    for i in (5, 77, 301):
        q = vectors[i]
        assert _rows(retrieval.rank(index, f"item{i} river", q, 1)) == [i]


def test_a_large_segments_dense_scores_are_the_dense_vectors_inner_products(tmp_path: Path, monkeypatch):
    index, vectors = _large_index(tmp_path, monkeypatch)
    seg = index.segments[0]
    before, after = seg.neighbours
    expected = segment_module.dense_vectors(vectors, before, after, context_weight=seg.context_weight)
    rows = np.array([0, 3, 4, 5, 77, 78, 200, 399])  # paragraph edges and middles, unsorted-safe
    q = vectors[11]
    assert np.allclose(seg.dense_scores(rows, q), expected[rows] @ q, atol=1e-6)
    assert np.allclose(seg.dense_scores(rows[::-1].copy(), q), (expected[rows] @ q)[::-1], atol=1e-6)


def test_dense_scores_reuse_one_scratch_array_without_mixing_questions(tmp_path: Path, monkeypatch):
    """The vectors a question reads go into one array kept for the thread: a question with fewer rows after one
    with more, and one with more than it holds, still get their own rows' scores."""
    index, vectors = _large_index(tmp_path, monkeypatch, n=1200)  # more rows than the first array made holds (1,024)
    seg = index.segments[0]
    before, after = seg.neighbours
    expected = segment_module.dense_vectors(vectors, before, after, context_weight=seg.context_weight)
    everything = np.arange(seg.size)
    for rows, q in ((np.array([7, 8, 300]), vectors[5]), (everything, vectors[3]), (np.array([9, 1100]), vectors[9])):
        assert np.allclose(seg.dense_scores(rows, q), expected[rows] @ q, atol=1e-6)
    kept = segment_module._vector_scratch(10, seg.vectors.shape[1])
    assert segment_module._vector_scratch(5, seg.vectors.shape[1]).base is kept.base  # reused, not made again


def test_a_large_segment_reads_its_stored_vectors_and_refuses_a_short_file(tmp_path: Path, monkeypatch):
    """The compiled read (one pread per run of consecutive rows) returns exactly the stored rows; a vectors file cut
    short is one clear error, not rows of garbage."""
    index, vectors = _large_index(tmp_path, monkeypatch)
    seg = index.segments[0]
    rows = np.array([0, 1, 2, 10, 200, 201, 399])
    assert np.array_equal(seg.read_vectors(rows), np.asarray(seg.vectors)[rows])
    assert seg.read_vectors(np.zeros(0, dtype=np.int64)).shape == (0, seg.vectors.shape[1])
    path = seg.directory / "vectors.npy"
    with open(path, "r+b") as f:
        f.truncate(path.stat().st_size - 4 * seg.vectors.shape[1] * 3)  # the last three rows gone
    with pytest.raises(AssistantError, match="damaged vectors.npy"):
        seg.read_vectors(np.array([5, 398]))
    assert np.array_equal(seg.read_vectors(np.array([5, 6])), np.asarray(vectors)[[5, 6]])


def test_a_documents_speakers_are_those_of_the_speaker_table(tmp_path: Path):
    index = _index(tmp_path, [["Ann said it.", "The company said so."]], _unit([1, 0], [0, 1]),
                   speakers=["Ann Lee", "The company"])
    assert [e.name for e in index.speakers] == ["Ann Lee"]
    assert index.documents()[0].speakers == ["Ann Lee"]  # a description the text never named is no speaker of it


def test_a_large_segment_records_its_ann_and_searches_it_by_its_codes(tmp_path: Path, monkeypatch):
    import faiss

    index, _ = _large_index(tmp_path, monkeypatch)
    entry = index.manifest["segments"][0]
    assert entry["ann"] == segment_module.ann_factory(400, 16) == "IVF16,PQ4x4fs"
    assert retrieval.nprobe(index.segments[0].ann) == 16 // retrieval.NPROBE_SHARE  # a quarter of its 16 lists
    assert retrieval.nprobe(faiss.index_factory(16, "IVF1005,PQ4x4fs", faiss.METRIC_INNER_PRODUCT)) == retrieval.NPROBE
    scalar = faiss.IndexIVFScalarQuantizer(faiss.IndexFlatIP(16), 16, 4, faiss.ScalarQuantizer.QT_8bit,
                                           faiss.METRIC_INNER_PRODUCT)
    assert retrieval.nprobe(scalar) == retrieval.SCALAR_NPROBE  # a segment written before the fast-scan codes
    assert segment_module.ann_factory(1_005_225, 384) == "IVF1005,PQ96x4fs"
    assert segment_module.ann_factory(60_000, 30) == "IVF60,PQ15x4fs"  # 30 does not divide by 4


def test_a_speaker_filter_in_a_large_segment_returns_only_that_speaker(tmp_path: Path, monkeypatch):
    index, vectors = _large_index(tmp_path, monkeypatch)
    seg = index.segments[0]
    for scan in (10_000, 5):  # all of the speaker's rows scored, and the ANN with an ID selector
        monkeypatch.setattr(retrieval, "FILTER_SCAN", scan)
        ranked = retrieval.rank(index, "river bridge", vectors[21], 5, allowed_speakers={"Speaker 0"})
        assert len(ranked) == 5
        assert {seg.speaker_name(int(seg.speaker[loc.row])) for loc, _ in ranked} == {"Speaker 0"}
        assert ranked[0][0].row == 21  # its own vector: the best of that speaker's sentences


# ----- a real index over several documents
DOCS = {
    "harbour-news": "date 2021-03-04\n# Harbour reopens\n\nThe old harbour reopened on Monday after two years of "
    "repairs. The mayor said the fishing fleet would return in spring.\n\nCrowds watched the first boats arrive.",
    "mountain-report": "Snow closed the mountain pass for a week. Engineers from Kvarnstrøm & Olafsdottir cleared "
    "the road with three ploughs.\n\nThe pass is the only link between the two valleys.",
    "garden-club": "The garden club planted two hundred tulips along the river. Members meet every Thursday in the "
    "library.\n\nNew members are welcome.",
}


@pytest.fixture(scope="module")
def small_assistant(tmp_path_factory: pytest.TempPathFactory):
    from assistant import Assistant

    folder = tmp_path_factory.mktemp("docs")
    for name, text in DOCS.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    return Assistant.build([folder], tmp_path_factory.mktemp("idx") / "index")


def test_each_passage_names_its_document(small_assistant):
    answer = small_assistant.ask("What happened?", k=8).to_dict()
    assert {p["doc_id"] for p in answer["passages"]} == set(DOCS)
    for p in answer["passages"]:
        assert DOCS[p["doc_id"]][p["start"] : p["end"]] == p["text"]
        assert p["doc_title"]
    titles = {p["doc_id"]: p["doc_title"] for p in answer["passages"]}
    assert titles["harbour-news"] == "Harbour reopens"


def test_a_rare_name_is_found_by_its_letters(small_assistant):
    answer = small_assistant.ask("Who are Kvarnstrøm & Olafsdottir?", k=1)
    assert answer.passages[0].doc_id == "mountain-report"
    assert "Kvarnstrøm" in answer.passages[0].text


def test_the_index_answers_by_meaning_too(small_assistant):
    answer = small_assistant.ask("When do the gardeners get together?", k=2)
    assert answer.passages[0].doc_id == "garden-club"
    assert any("every Thursday" in p.text for p in answer.passages)


def test_each_model_has_its_lexical_weight():
    from assistant.pipeline import qa_model
    from assistant import settings

    assert retrieval.lexical_weight(qa_model.NAME) == retrieval.TRAINED_LEXICAL_WEIGHT
    assert retrieval.lexical_weight(settings.STOCK_MODEL) == retrieval.LEXICAL_WEIGHT
    assert retrieval.lexical_weight("/some/other/model") == retrieval.LEXICAL_WEIGHT
