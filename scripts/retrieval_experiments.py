"""Retrieval experiments on ReQA-style SQuAD: which fusion, context and BM25 settings rank the answering sentence first.

    python scripts/retrieval_experiments.py ../shared/eval/reqa_squad_dev.jsonl \
        --docs ../shared/eval/squad_dev_articles [--cache /tmp/retrieval-cache] [--seed tests/seed_dev.json]

The articles are split with the project's own splitter (``assistant.text.sentences.split_sentences``); every text that is
embedded (sentences, sentences with context, paragraphs, questions) is encoded once and cached as ``.npy`` under
``--cache`` (outside the repository). Scoring is plain numpy over the full question × sentence matrices, so that a
variant costs a second or two.

The articles are split into two halves (alternately in name order). Weights are chosen on half A and confirmed on
half B (and the other way round); both halves are printed. A last check ranks the gold sentences of the bundled news
article's seed questions (their rank must stay ≤ 3).

Near-duplicate removal is not simulated here (SQuAD has almost none); ties count against the gold (strict ``>``
counts plus equal scores at earlier positions).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assistant.pipeline import embedding  # noqa: E402
from assistant.store import bm25 as lexical  # noqa: E402
from assistant.text.documents import bundled_article, read_documents  # noqa: E402
from assistant.text.sentences import split_sentences  # noqa: E402
from assistant.settings import default_model  # noqa: E402

DEPTH = 20


# ---------------------------------------------------------------- data
@dataclass
class Corpus:
    """Sentences of a set of documents, with paragraph ids and neighbours, and the questions with their golds."""

    titles: list[str]
    texts: list[str]  # document texts
    doc: np.ndarray  # per sentence: document index
    spans: list[tuple[int, int]]
    para: np.ndarray  # per sentence: global paragraph id
    questions: list[str]
    golds: list[np.ndarray]  # per question: indices of the sentences that hold the answer
    qdoc: np.ndarray  # per question: document index

    def sentence(self, i: int) -> str:
        a, b = self.spans[i]
        return self.texts[self.doc[i]][a:b]

    def neighbour(self, i: int, step: int, same_paragraph: bool) -> str:
        j = i + step
        if 0 <= j < len(self.spans) and self.doc[j] == self.doc[i] and (not same_paragraph or self.para[j] == self.para[i]):
            return self.sentence(j)
        return ""

    def paragraphs(self) -> list[str]:
        out: list[str] = []
        for p in range(int(self.para.max()) + 1):
            members = np.flatnonzero(self.para == p)
            a, b = self.spans[members[0]][0], self.spans[members[-1]][1]
            out.append(self.texts[self.doc[members[0]]][a:b])
        return out


def load_corpus(documents, cases: list[dict] | None, seed: dict | None = None) -> Corpus:
    titles, texts, doc, spans, para = [], [], [], [], []
    index_of = {}
    p_global = -1
    for d, document in enumerate(documents):
        index_of[document.id] = d
        titles.append(document.title)
        texts.append(document.text)
        last_p = None
        for start, end, p in split_sentences(document.text):
            if p != last_p:
                p_global += 1
                last_p = p
            doc.append(d)
            spans.append((start, end))
            para.append(p_global)
    doc_a, para_a = np.array(doc), np.array(para)
    questions, golds, qdoc = [], [], []
    if cases is not None:
        starts = np.array([s for s, _ in spans])
        ends = np.array([e for _, e in spans])
        for case in cases:
            d = index_of[case["doc_id"]]
            hit = np.zeros(len(spans), bool)
            for a, b in case["answer_spans"]:
                hit |= (doc_a == d) & (starts < b) & (a < ends)
            questions.append(case["question"])
            golds.append(np.flatnonzero(hit))
            qdoc.append(d)
    if seed is not None:
        text = texts[0]
        for item in seed["questions"]:
            frags = [fold(f) for f in item["gold"]]
            hit = [i for i, (a, b) in enumerate(spans) if any(f in fold(text[a:b]) for f in frags)]
            questions.append(item["q"])
            golds.append(np.array(hit))
            qdoc.append(0)
    return Corpus(titles, texts, doc_a, spans, para_a, questions, golds, np.array(qdoc))


def fold(text: str) -> str:
    for curly, straight in (("“", '"'), ("”", '"'), ("‘", "'"), ("’", "'")):
        text = text.replace(curly, straight)
    return " ".join(text.split())


# ---------------------------------------------------------------- embeddings (cached)
class Encoder:
    def __init__(self, cache: Path, model: str | None = None) -> None:
        self.cache = cache
        self.model = model or default_model()
        cache.mkdir(parents=True, exist_ok=True)

    def __call__(self, texts: list[str]) -> np.ndarray:
        key = hashlib.sha256("\x1e".join([self.model, *texts]).encode()).hexdigest()[:20]
        path = self.cache / f"{key}.npy"
        if path.exists():
            return np.load(path)
        t = time.perf_counter()
        vectors = embedding.encode(self.model, texts, batch_size=64)
        print(f"  (encoded {len(texts)} texts in {time.perf_counter() - t:.0f} s)", file=sys.stderr)
        np.save(path, vectors)
        return vectors


def sentence_texts(c: Corpus, variant: str) -> list[str]:
    """What is embedded per sentence: ``sent``, ``title``, ``prev``, ``title+prev``, ``window``, ``title+window``."""
    out = []
    for i in range(len(c.spans)):
        s = c.sentence(i)
        parts = []
        if "prev" in variant or "window" in variant:
            prev = c.neighbour(i, -1, same_paragraph="doc" not in variant)
            parts.append(prev)
        parts.append(s)
        if "window" in variant:
            parts.append(c.neighbour(i, 1, same_paragraph="doc" not in variant))
        body = " ".join(p for p in parts if p)
        out.append(f"{c.titles[c.doc[i]]}: {body}" if "title" in variant else body)
    return out


# ---------------------------------------------------------------- lexical
def bm25_matrix(docs: list[str], questions: list[str], k1: float, b: float, tokenize: Callable[[str], list[str]],
                method: str = "lucene") -> np.ndarray:
    """Questions × docs BM25 scores, exactly as ``bm25s.get_scores`` gives them, in one sparse product."""
    import bm25s

    corpus = [tokenize(t) or ["\u2205"] for t in docs]
    r = bm25s.BM25(k1=k1, b=b, method=method)
    r.index(corpus, show_progress=False)
    s = r.scores
    w = sp.csc_matrix((s["data"], s["indices"], s["indptr"]), shape=(s["num_docs"], len(s["indptr"]) - 1))
    rows, cols = [], []
    for qi, q in enumerate(questions):
        for t in tokenize(q):
            tid = r.vocab_dict.get(t)
            if tid is not None:
                rows.append(qi)
                cols.append(tid)
    qm = sp.csr_matrix((np.ones(len(rows), np.float32), (rows, cols)), shape=(len(questions), w.shape[1]))
    return np.asarray((qm @ w.T).todense(), dtype=np.float32)


def make_tokenizer(stem: bool, stop: bool) -> Callable[[str], list[str]]:
    import Stemmer
    from bm25s.stopwords import STOPWORDS_EN

    stops = frozenset(STOPWORDS_EN) if stop else frozenset()
    stemmer = Stemmer.Stemmer("english") if stem else None

    def tok(text: str) -> list[str]:
        words = [w for w in lexical._WORD.findall(text.lower().replace("’", "'")) if w not in stops]
        return list(stemmer.stemWords(words)) if stemmer else words

    return tok


# ---------------------------------------------------------------- scoring
def maxnorm(x: np.ndarray) -> np.ndarray:
    top = x.max(axis=1, keepdims=True)
    return np.divide(x, top, out=np.zeros_like(x), where=top > 0)


def znorm(x: np.ndarray) -> np.ndarray:
    sd = x.std(axis=1, keepdims=True)
    return np.divide(x - x.mean(axis=1, keepdims=True), sd, out=np.zeros_like(x), where=sd > 0)


def ranks_of(x: np.ndarray) -> np.ndarray:
    """1-based rank of every column per row (higher score first)."""
    order = np.argsort(-x, axis=1, kind="stable")
    r = np.empty_like(order)
    np.put_along_axis(r, order, np.arange(1, x.shape[1] + 1)[None, :].repeat(x.shape[0], 0), axis=1)
    return r


def gold_ranks(scores: np.ndarray, golds: list[np.ndarray]) -> np.ndarray:
    out = np.zeros(len(golds), int)
    for q, g in enumerate(golds):
        if len(g) == 0:
            out[q] = 10**9
            continue
        row = scores[q]
        best = g[np.argmax(row[g])]
        v = row[best]
        ahead = int((row > v).sum()) + int((row[:best] == v).sum())
        ahead -= int((row[g] > v).sum())  # none by construction
        out[q] = 1 + ahead
    return out


def metrics(r: np.ndarray) -> dict[str, float]:
    rr = np.where(r <= DEPTH, 1.0 / r, 0.0)
    return {"MRR": rr.mean(), "R@1": (r <= 1).mean(), "R@5": (r <= 5).mean(), "R@10": (r <= 10).mean()}


def group_mean(v: np.ndarray, groups: np.ndarray) -> np.ndarray:
    out = np.zeros((int(groups.max()) + 1, v.shape[1]), np.float32)
    np.add.at(out, groups, v)
    return out / np.linalg.norm(out, axis=1, keepdims=True)


def window_max(m: np.ndarray, c: Corpus) -> np.ndarray:
    """Per question, each sentence's best score among itself and its in-paragraph neighbours."""
    i = np.arange(len(c.spans))
    before = np.where(np.r_[False, c.para[1:] == c.para[:-1]], i - 1, i)
    after = np.where(np.r_[c.para[:-1] == c.para[1:], False], i + 1, i)
    return np.maximum(m, np.maximum(m[:, before], m[:, after]))


def window_mean(v: np.ndarray, c: Corpus) -> np.ndarray:
    out = v.copy()
    same_prev = np.r_[False, c.para[1:] == c.para[:-1]]
    same_next = np.r_[c.para[:-1] == c.para[1:], False]
    out[same_prev] += v[np.flatnonzero(same_prev) - 1]
    out[same_next] += v[np.flatnonzero(same_next) + 1]
    return out / np.linalg.norm(out, axis=1, keepdims=True)


def grid(c: Corpus, news: Corpus, Q, NQ, enc, halves, report) -> None:
    """The final grid: sentence (title-prefixed) + w·BM25, plus c × the same over a context; pick on A, show B."""
    print("--- grid: score = d[title] + w·L/max + c·(ctx d + w·ctx L/max); choose on one half, confirm on the other ---")
    sv = enc(sentence_texts(c, "title"))
    nsv = enc(sentence_texts(news, "title"))
    base_d, nbase_d = Q @ sv.T, NQ @ nsv.T
    ctx_d = {
        "paragraph": (Q @ group_mean(sv, c.para).T[:, c.para], NQ @ group_mean(nsv, news.para).T[:, news.para]),
        "window": (Q @ window_mean(sv, c).T, NQ @ window_mean(nsv, news).T),
    }
    rows = []
    for stop in (True, False):
        tok = make_tokenizer(True, stop)
        for k1, b in ((1.2, 0.75), (0.9, 0.4)):
            sent = [c.sentence(i) for i in range(len(c.spans))]
            nsent = [news.sentence(i) for i in range(len(news.spans))]
            L = maxnorm(bm25_matrix(sent, c.questions, k1, b, tok))
            NL = maxnorm(bm25_matrix(nsent, news.questions, k1, b, tok))
            ctx_l = {
                "paragraph": (maxnorm(bm25_matrix(c.paragraphs(), c.questions, k1, b, tok))[:, c.para],
                              maxnorm(bm25_matrix(news.paragraphs(), news.questions, k1, b, tok))[:, news.para]),
                "window": (maxnorm(bm25_matrix(sentence_texts(c, "window"), c.questions, k1, b, tok)),
                           maxnorm(bm25_matrix(sentence_texts(news, "window"), news.questions, k1, b, tok))),
                # no second BM25 index: each sentence's best sentence score within its window
                "window-max": (maxnorm(window_max(bm25_matrix(sent, c.questions, k1, b, tok), c)),
                               maxnorm(window_max(bm25_matrix(nsent, news.questions, k1, b, tok), news))),
            }
            ctx_d["window-max"] = ctx_d["window"]
            for ctx in ("none", "paragraph", "window", "window-max"):
                for w in (0.2, 0.3, 0.4, 0.5):
                    for cw in ((0.0,) if ctx == "none" else (0.3, 0.5, 0.75, 1.0)):
                        s = base_d + w * L
                        ns = nbase_d + w * NL
                        if ctx != "none":
                            s = s + cw * (ctx_d[ctx][0] + w * ctx_l[ctx][0])
                            ns = ns + cw * (ctx_d[ctx][1] + w * ctx_l[ctx][1])
                        ma, mb = report(f"stop={stop} k1={k1} b={b} ctx={ctx} w={w} c={cw}", s, ns)
                        nr = gold_ranks(ns, news.golds)
                        rows.append((f"stop={stop} k1={k1} b={b} ctx={ctx} w={w} c={cw}", ma, mb, int(nr.max())))
    for pick, other in (("A", "B"), ("B", "A")):
        ok = [r for r in rows if r[3] <= 3]
        key = (lambda r: r[1]["MRR"]) if pick == "A" else (lambda r: r[2]["MRR"])
        best = max(ok, key=key)
        print(f"best on {pick} (news gold ≤ 3): {best[0]}  A {fmt(best[1])}  |  B {fmt(best[2])}")


def fmt(m: dict) -> str:
    return " ".join(f"{k} {v:.3f}" for k, v in m.items())


# ---------------------------------------------------------------- main
def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("cases", type=Path)
    ap.add_argument("--docs", type=Path, required=True)
    ap.add_argument("--cache", type=Path, default=Path("/tmp/retrieval-cache"))
    ap.add_argument("--seed", type=Path, default=Path(__file__).resolve().parents[1] / "tests" / "seed_dev.json")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--grid-only", action="store_true", help="skip the single-signal tables; only the final grid")
    args = ap.parse_args()
    embedding.set_threads(args.threads)

    cases = [json.loads(line) for line in args.cases.read_text(encoding="utf-8").splitlines() if line.strip()]
    docs = read_documents([args.docs])
    c = load_corpus(docs, cases)
    news = load_corpus(read_documents([bundled_article()]), None, json.loads(args.seed.read_text(encoding="utf-8")))
    enc = Encoder(args.cache)
    print(f"{len(docs)} articles, {len(c.spans)} sentences, {int(c.para.max()) + 1} paragraphs, {len(cases)} questions")

    names = sorted(d.id for d in docs)
    half_a = {n for i, n in enumerate(names) if i % 2 == 0}
    in_a = np.array([docs[d].id in half_a for d in c.qdoc])
    halves = {"A": np.flatnonzero(in_a), "B": np.flatnonzero(~in_a)}

    Q = enc(c.questions)
    NQ = enc(news.questions)

    results: list[tuple[str, dict, dict]] = []

    def report(name: str, scores: np.ndarray, news_scores: np.ndarray | None = None) -> tuple[dict, dict]:
        r = gold_ranks(scores, c.golds)
        ma, mb = metrics(r[halves["A"]]), metrics(r[halves["B"]])
        extra = ""
        if news_scores is not None:
            nr = gold_ranks(news_scores, news.golds)
            extra = f"  news ranks {list(map(int, nr))}"
        line = "  ".join(f"{k} {ma[k]:.3f}/{mb[k]:.3f}" for k in ma)
        print(f"{name:<58} {line}{extra}", flush=True)
        results.append((name, ma, mb))
        return ma, mb

    if args.grid_only:
        grid(c, news, Q, NQ, enc, halves, report)
        return

    # ---- dense variants
    dense = {}
    news_dense = {}
    for variant in ("sent", "title", "prev", "title+prev"):
        dense[variant] = Q @ enc(sentence_texts(c, variant)).T
        news_dense[variant] = NQ @ enc(sentence_texts(news, variant)).T
        report(f"dense: {variant}", dense[variant], news_dense[variant])
    para_v = enc(c.paragraphs())
    news_para_v = enc(news.paragraphs())
    dense["para"] = (Q @ para_v.T)[:, c.para]
    news_dense["para"] = (NQ @ news_para_v.T)[:, news.para]
    report("dense: paragraph text (given to its sentences)", dense["para"], news_dense["para"])
    sv = enc(sentence_texts(c, "sent"))
    mean_v = np.zeros((int(c.para.max()) + 1, sv.shape[1]), np.float32)
    np.add.at(mean_v, c.para, sv)
    mean_v /= np.linalg.norm(mean_v, axis=1, keepdims=True)
    dense["pmean"] = (Q @ mean_v.T)[:, c.para]
    report("dense: mean of paragraph's sentence vectors", dense["pmean"])
    nsv = enc(sentence_texts(news, "sent"))
    news_dense["pmean"] = NQ @ group_mean(nsv, news.para).T[:, news.para]
    # a window of ±1 sentence in the paragraph as the mean of its sentence vectors (derived, nothing more to embed)
    dense["wmean"] = np.einsum("qd,nd->qn", Q, window_mean(sv, c))
    news_dense["wmean"] = NQ @ window_mean(nsv, news).T
    report("dense: mean of the ±1 window's sentence vectors", dense["wmean"], news_dense["wmean"])

    # ---- lexical variants
    lex = {}
    for stem, stop in ((True, True), (True, False), (False, True), (False, False)):
        tok = make_tokenizer(stem, stop)
        m = bm25_matrix([c.sentence(i) for i in range(len(c.spans))], c.questions, 1.2, 0.75, tok)
        report(f"bm25 sentence k1=1.2 b=0.75 stem={stem} stop={stop}", m)
    tok = make_tokenizer(True, True)
    sent_texts = [c.sentence(i) for i in range(len(c.spans))]
    news_sent_texts = [news.sentence(i) for i in range(len(news.spans))]
    for k1 in (0.6, 0.9, 1.2, 1.5, 2.0):
        for b in (0.3, 0.5, 0.75, 0.9):
            m = bm25_matrix(sent_texts, c.questions, k1, b, tok)
            report(f"bm25 sentence k1={k1} b={b}", m)
    for method in ("robertson", "atire", "bm25l", "bm25+"):
        report(f"bm25 sentence {method} k1=1.2 b=0.75", bm25_matrix(sent_texts, c.questions, 1.2, 0.75, tok, method))
    paras = c.paragraphs()
    for k1, b in ((1.2, 0.75), (1.2, 0.5), (0.9, 0.4), (1.5, 0.75)):
        m = bm25_matrix(paras, c.questions, k1, b, tok)[:, c.para]
        report(f"bm25 paragraph k1={k1} b={b}", m)
    win_texts = sentence_texts(c, "window")
    report("bm25 window (prev+sent+next in paragraph)", bm25_matrix(win_texts, c.questions, 1.2, 0.75, tok))

    np.save(args.cache / "done.npy", np.zeros(1))
    print("--- fusion ---")
    # fixed lexical matrices for fusion
    K1, B = 1.2, 0.75
    lex["sent"] = bm25_matrix(sent_texts, c.questions, K1, B, tok)
    lex["para"] = bm25_matrix(paras, c.questions, K1, B, tok)[:, c.para]
    lex["window"] = bm25_matrix(win_texts, c.questions, K1, B, tok)
    nlex = {
        "sent": bm25_matrix(news_sent_texts, news.questions, K1, B, tok),
        "para": bm25_matrix(news.paragraphs(), news.questions, K1, B, tok)[:, news.para],
        "window": bm25_matrix(sentence_texts(news, "window"), news.questions, K1, B, tok),
    }

    def fuse_ws(d: np.ndarray, l: np.ndarray, w: float) -> np.ndarray:
        return d + w * maxnorm(l)

    for dv in ("sent", "title", "title+prev"):
        for w in (0.1, 0.2, 0.3, 0.5):
            report(f"ws: dense[{dv}] + {w}·bm25/max", fuse_ws(dense[dv], lex["sent"], w),
                   fuse_ws(news_dense[dv], nlex["sent"], w))
    for w in (0.5, 1.0):
        report(f"z: z(dense[sent]) + {w}·z(bm25)", znorm(dense["sent"]) + w * znorm(lex["sent"]))
    rd, rl = ranks_of(dense["sent"]), ranks_of(lex["sent"])
    for k in (10, 60):
        report(f"rrf k={k}: dense[sent] + bm25", 1 / (k + rd) + 1 / (k + rl))
    del rd, rl

    # context evidence: sentence fused + c·context fused
    for ctx, cdv, clv in (("paragraph", "para", "para"), ("paragraph mean-vector", "pmean", "para"),
                          ("window mean-vector", "wmean", "window")):
        for w in (0.2, 0.3):
            for cw in (0.3, 0.5, 0.75, 1.0):
                for dv in ("sent", "title"):
                    s = fuse_ws(dense[dv], lex["sent"], w) + cw * fuse_ws(dense[cdv], lex[clv], w)
                    ns = fuse_ws(news_dense[dv], nlex["sent"], w) + cw * fuse_ws(news_dense[cdv], nlex[clv], w)
                    report(f"ctx {ctx}: d[{dv}]+{w}L + {cw}(ctx d+{w}L)", s, ns)

    grid(c, news, Q, NQ, enc, halves, report)
    out = args.cache / "results.json"
    out.write_text(json.dumps(results, indent=1))
    print(f"results in {out}")


if __name__ == "__main__":
    main()
