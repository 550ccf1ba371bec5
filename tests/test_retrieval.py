"""Retrieval: fusion, ties, near-duplicates, windows (tiny synthetic data, no model) and a small real index."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant import lexical, retrieval, store


def _sentences(paragraphs: list[list[str]], doc: int = 0) -> tuple[str, list[store.StoredSentence]]:
    """A document text and its StoredSentences from paragraphs of sentences."""
    text, out, number = "", [], 0
    for p, sentences in enumerate(paragraphs, start=1):
        if text:
            text += "\n\n"
        for j, sentence in enumerate(sentences):
            if j:
                text += " "
            number += 1
            out.append(store.StoredSentence(doc, number, len(text), len(text) + len(sentence), p, None, "narration"))
            text += sentence
    return text, out


def _index(paragraphs: list[list[str]], vectors: np.ndarray, context_index: bool = True) -> retrieval.LoadedIndex:
    """A LoadedIndex over one synthetic document with the given (normalised) sentence vectors."""
    from assistant.indexing import context_text
    from assistant.schema import Document

    text, sentences = _sentences(paragraphs)
    document = store.StoredDocument("doc", "Doc", None, text, "doc.txt")
    before, after = retrieval.window_neighbours(sentences)
    windows = [context_text(Document("doc", "Doc", None, text), sentences, i) for i in range(len(sentences))]
    return retrieval.LoadedIndex(
        index_dir=Path("."), manifest={}, documents=[document], sentences=sentences, dense=None,
        vectors=vectors, lexical=lexical.in_memory([text[s.start : s.end] for s in sentences]),
        context_vectors=retrieval.window_vectors(vectors, before, after),
        context_lexical=lexical.in_memory(windows) if context_index else None, before=before, after=after,
        speakers=[],
    )


def _unit(*rows: list[float]) -> np.ndarray:
    v = np.array(rows, dtype=np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


# ----- lexical
def test_tokenize_stems_and_keeps_stop_words():
    assert lexical.tokenize("Who founded the Universities?") == ["who", "found", "the", "universiti"]
    assert lexical.tokenize("Putin’s hackers") == lexical.tokenize("Putin's hacker")


def test_lexical_scores_equal_bm25s_get_scores(tmp_path: Path):
    import bm25s

    texts = ["The cat sat on the mat.", "A dog chased the cat.", "Nothing here.", "!!!"]
    lexical.build(texts, tmp_path / "lex")
    index = lexical.load(tmp_path / "lex", len(texts))
    reference = bm25s.BM25.load(str(tmp_path / "lex"))
    question = "Which cat sat on the mat, the cat?"
    tokens = [t for t in lexical.tokenize(question) if t in reference.vocab_dict]
    assert np.allclose(index.scores(question), reference.get_scores(tokens), atol=1e-6)
    assert index.scores("zebra").tolist() == [0.0] * 4


def test_lexical_load_rejects_a_size_mismatch(tmp_path: Path):
    lexical.build(["one", "two"], tmp_path / "lex")
    with pytest.raises(ValueError):
        lexical.load(tmp_path / "lex", 3)


def test_context_index_is_saved_and_loaded_beside_the_sentence_index(tmp_path: Path):
    lexical.build(["one", "two"], tmp_path / "plain")
    assert lexical.load_context(tmp_path / "plain", 2) is None
    lexical.build(["one", "two"], tmp_path / "lex", contexts=["one two", "one two"])
    both = lexical.load_context(tmp_path / "lex", 2)
    assert both is not None and both.scores("one")[0] == both.scores("one")[1] > 0
    assert lexical.load(tmp_path / "lex", 2).scores("one")[1] == 0
    with pytest.raises(ValueError):
        lexical.build(["one", "two"], tmp_path / "bad", contexts=["one"])


# ----- windows
def test_window_neighbours_stay_in_the_paragraph():
    _, sentences = _sentences([["A one.", "A two.", "A three."], ["B one."]])
    before, after = retrieval.window_neighbours(sentences)
    assert before.tolist() == [0, 0, 1, 3]
    assert after.tolist() == [1, 2, 2, 3]


def test_window_neighbours_stay_in_the_document():
    _, first = _sentences([["A one.", "A two."]], doc=0)
    _, second = _sentences([["B one."]], doc=1)
    before, after = retrieval.window_neighbours(first + second)
    assert before.tolist() == [0, 0, 2] and after.tolist() == [1, 1, 2]


def test_context_text_is_the_window_in_the_paragraph():
    from assistant.indexing import context_text
    from assistant.schema import Document

    text, sentences = _sentences([["A one.", "A two.", "A three."], ["B one."]])
    document = Document("d", "D", None, text)
    assert [context_text(document, sentences, i) for i in range(4)] == [
        "A one. A two.", "A one. A two. A three.", "A two. A three.", "B one."
    ]


def test_embedding_text_puts_the_title_first():
    from assistant.indexing import embedding_text
    from assistant.schema import Document

    text, sentences = _sentences([["He also alleged it.", "Then left."]])
    assert embedding_text(Document("d", "Putin  interview\n", None, text), sentences, 0) == (
        "Putin interview: He also alleged it."
    )
    assert embedding_text(Document("d", "", None, text), sentences, 1) == "Then left."


def test_window_max_without_a_context_index():
    before, after = np.array([0, 0, 1, 3]), np.array([1, 2, 2, 3])
    assert retrieval.window_max(np.array([1.0, 0.0, 3.0, 2.0]), before, after).tolist() == [1, 3, 3, 2]


def test_window_vectors_are_normalised_means():
    vectors = _unit([1, 0], [0, 1], [1, 0])
    before, after = np.array([0, 0, 2]), np.array([1, 1, 2])
    window = retrieval.window_vectors(vectors, before, after)
    assert np.allclose(window[0], _unit([1, 1])[0]) and np.allclose(window[1], _unit([1, 1])[0])
    assert np.allclose(window[2], [1, 0])


# ----- fusion, ties, duplicates
def test_fused_score_is_the_documented_formula():
    index = _index([["Red apples grow here.", "Blue sky above."], ["Green grass."]], _unit([1, 0], [0, 1], [1, 1]))
    q = _unit([1, 0])[0]
    got = retrieval.fused_scores(index, "red apples", q)
    bm25 = index.lexical.scores("red apples")
    window_bm25 = index.context_lexical.scores("red apples")
    expected = (
        index.vectors @ q + retrieval.LEXICAL_WEIGHT * bm25 / bm25.max()
        + retrieval.CONTEXT_WEIGHT * (index.context_vectors @ q + retrieval.LEXICAL_WEIGHT * window_bm25 / window_bm25.max())
    )
    assert np.allclose(got, expected / retrieval.SCORE_SCALE)
    assert int(np.argmax(got)) == 0
    assert got.max() <= 1.0 + 1e-6


def test_fused_score_without_a_context_index_uses_the_window_max():
    paragraphs = [["Red apples grow here.", "Blue sky above."], ["Green grass."]]
    index = _index(paragraphs, _unit([1, 0], [0, 1], [1, 1]), context_index=False)
    q = _unit([1, 0])[0]
    bm25 = index.lexical.scores("red apples")
    window_bm25 = retrieval.window_max(bm25, index.before, index.after)
    assert window_bm25[1] == bm25[0] > 0
    expected = (
        index.vectors @ q + retrieval.LEXICAL_WEIGHT * bm25 / bm25.max()
        + retrieval.CONTEXT_WEIGHT * (index.context_vectors @ q + retrieval.LEXICAL_WEIGHT * window_bm25 / window_bm25.max())
    )
    assert np.allclose(retrieval.fused_scores(index, "red apples", q), expected / retrieval.SCORE_SCALE)


def test_no_lexical_match_leaves_the_dense_ranking():
    index = _index([["Alpha."], ["Beta."], ["Gamma."]], _unit([1, 0], [0, 1], [0.6, 0.8]))
    q = _unit([0, 1])[0]
    assert [i for i, _ in retrieval.rank(index, "zzz", q, 3)] == [1, 2, 0]


def test_a_rare_word_lifts_its_sentence_over_a_closer_vector():
    index = _index([["The Zyxwv treaty was signed."], ["Treaties were often signed."]], _unit([0.6, 0.8], [0, 1]))
    q = _unit([0, 1])[0]
    assert retrieval.rank(index, "When was Zyxwv signed?", q, 1)[0][0] == 0


def test_top_order_breaks_ties_by_position():
    scores = np.array([0.5, 0.9, 0.5, 0.9, 0.1, 0.5, -np.inf])
    assert retrieval.top_order(scores, 3).tolist()[:3] == [1, 3, 0]
    assert retrieval.top_order(scores, 10).tolist() == [1, 3, 0, 2, 5, 4]
    assert retrieval.top_order(np.full(3, -np.inf), 2).tolist() == []


def test_equal_scores_rank_by_position():
    index = _index([["One cat."], ["Two dogs."], ["Three birds."]], _unit([1, 0], [1, 0], [1, 0]))
    ranked = retrieval.rank(index, "zzz", _unit([1, 0])[0], 3)
    assert [i for i, _ in ranked] == [0, 1, 2]
    assert ranked[0][1] == ranked[1][1] == ranked[2][1]


def test_near_duplicates_do_not_crowd_out_the_answer():
    paragraphs = [["Prices rose sharply in May."], ["In May, prices rose sharply."], ["prices rose sharply in May!"],
                  ["The bank raised rates."]]
    index = _index(paragraphs, _unit([1, 0.01], [1, 0.02], [1, 0.03], [0.8, 0.6]))
    ranked = retrieval.rank(index, "What happened to prices in May?", _unit([1, 0])[0], 2)
    assert [i for i, _ in ranked] == [0, 3]


def test_near_duplicate_threshold():
    same = retrieval.words("The army left the city in 1945.")
    assert retrieval.near_duplicate(same, retrieval.words("In 1945 the army left the city"))
    assert not retrieval.near_duplicate(same, retrieval.words("The army entered the city in 1939."))


def test_speaker_filter_and_k_larger_than_the_index():
    index = _index([["A."], ["B."]], _unit([1, 0], [0, 1]))
    index.sentences[1] = store.StoredSentence(0, 2, index.sentences[1].start, index.sentences[1].end, 2, "Ann", "direct")
    assert retrieval.rank(index, "b", _unit([1, 0])[0], 5, allowed_speakers={"Ann"}) == [
        (1, pytest.approx(retrieval.fused_scores(index, "b", _unit([1, 0])[0])[1]))
    ]
    assert len(retrieval.rank(index, "b", _unit([1, 0])[0], 5)) == 2


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
