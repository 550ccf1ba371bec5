"""Train the question → answer-sentence retrieval model, and measure it honestly (half/half by article).

    # pick the recipe: train on one half of the articles, measure on the other (both ways)
    python scripts/train_retrieval.py ../shared/eval/reqa_squad_dev.jsonl --docs ../shared/eval/squad_dev_articles \
        --validate --recipe top2
    # train the shipped weights on every shared article and write them into the package
    python scripts/train_retrieval.py ../shared/eval/reqa_squad_dev.jsonl --docs ../shared/eval/squad_dev_articles \
        --recipe top2 --out assistant/data/qa-minilm

Pairs are (question, gold sentence) from ReQA SQuAD (read by path, never copied), each with one hard negative: a
sentence of the same article that the stock model ranks near the top but that does not hold the answer. A sentence
is embedded exactly as the index embeds it (``store.segment.embedding_text``: "title: sentence"). The loss is the
in-batch softmax (MultipleNegativesRanking, scale 20) over the batch's golds and hard negatives, with a question's
other golds masked out. Everything is seeded (``--seed``); the training time is printed.

Recipes (``--recipe``):
  ``full``     every transformer layer trained (word embeddings frozen);
  ``topN``     only the top N of the 6 transformer layers trained (N = 1..5); the rest stays the packaged model;
  ``adapter``  the model frozen; a linear map on question vectors (384 × 384) trained on cached vectors.

``--validate`` prints, for each half held out, the dense-only and the full hybrid ranking (the product's formula,
``retrieval.py``) of the held-out questions against the held-out articles' sentences, before and after training,
plus the ranks of the bundled news article's seed questions. The held-out half's sentences are the only
candidates, as in an index of unseen articles.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from assistant.pipeline import embedding  # noqa: E402
from assistant.pipeline import qa_model  # noqa: E402
from assistant.text.documents import bundled_article, read_documents  # noqa: E402
from assistant.search.retrieval import LEXICAL_WEIGHT  # noqa: E402
from assistant.settings import STOCK_MODEL  # noqa: E402
from assistant.pipeline.embedding import embedding_text  # noqa: E402
from assistant.store.segment import CONTEXT_WEIGHT  # noqa: E402
import retrieval_experiments as rx  # noqa: E402

SCALE = 20.0
HARD_POOL = 5  # the hard negative is drawn from the stock model's top non-gold sentences of the article


@dataclass
class Data:
    corpus: rx.Corpus
    texts: list[str]  # per sentence: what the index embeds
    articles: list[str]  # per document: its id


def load(cases_path: Path, docs_path: Path) -> Data:
    cases = [json.loads(line) for line in cases_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    docs = read_documents([docs_path])
    corpus = rx.load_corpus(docs, cases)
    texts = [embedding_text(corpus.titles[corpus.doc[i]], corpus.sentence(i)) for i in range(len(corpus.spans))]
    return Data(corpus, texts, [d.id for d in docs])


def halves(data: Data) -> tuple[set[int], set[int]]:
    """Article indices of half A and B: alternately in name order (as scripts/retrieval_experiments.py)."""
    names = sorted(data.articles)
    in_a = {n for i, n in enumerate(names) if i % 2 == 0}
    a = {d for d, n in enumerate(data.articles) if n in in_a}
    return a, set(range(len(data.articles))) - a


# ---------------------------------------------------------------- training pairs
def training_pairs(data: Data, articles: set[int], stock_q: np.ndarray, stock_s: np.ndarray,
                   rng: random.Random) -> list[tuple[str, str, str]]:
    """(question, gold text, hard negative text) for the questions of ``articles``."""
    c = data.corpus
    out = []
    for q, gold in enumerate(c.golds):
        d = int(c.qdoc[q])
        if d not in articles or len(gold) == 0:
            continue
        rows = np.flatnonzero(c.doc == d)
        scores = stock_s[rows] @ stock_q[q]
        ranked = [int(rows[i]) for i in np.argsort(-scores) if int(rows[i]) not in set(gold.tolist())]
        negative = rng.choice(ranked[:HARD_POOL]) if ranked else int(rows[0])
        positive = int(gold[0])
        out.append((c.questions[q], data.texts[positive], data.texts[negative]))
    return out


def trainable_layers(recipe: str) -> list[int]:
    if recipe == "full":
        return list(range(6))
    if recipe.startswith("top") and recipe[3:].isdigit() and 1 <= int(recipe[3:]) <= 5:
        return list(range(6 - int(recipe[3:]), 6))
    raise SystemExit(f"unknown recipe {recipe!r}: full, top1..top5 or adapter")


def train_layers(pairs: list, recipe: str, epochs: int, lr: float, batch: int, seed: int, threads: int):
    """Fine-tune the chosen transformer layers; returns the model (in eval mode)."""
    import torch
    from sentence_transformers import SentenceTransformer

    torch.manual_seed(seed)
    embedding.set_threads(threads)
    model = SentenceTransformer(embedding.resolve_model_path(STOCK_MODEL), device="cpu")
    layers = trainable_layers(recipe)
    for name, parameter in model.named_parameters():
        parameter.requires_grad = any(f"encoder.layer.{i}." in name for i in layers)
    params = [p for p in model.parameters() if p.requires_grad]
    optimiser = torch.optim.AdamW(params, lr=lr, weight_decay=0.01)
    steps = epochs * ((len(pairs) + batch - 1) // batch)
    warmup = max(1, steps // 10)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda s: min(1.0, (s + 1) / warmup) * max(0.0, (steps - s) / max(1, steps - warmup)))
    rng = random.Random(seed)
    model.train()
    step = 0
    for epoch in range(epochs):
        order = list(range(len(pairs)))
        rng.shuffle(order)
        for start in range(0, len(order), batch):
            chunk = [pairs[i] for i in order[start:start + batch]]
            questions = [p[0] for p in chunk]
            candidates = [p[1] for p in chunk] + [p[2] for p in chunk]
            q = _embed(model, questions)
            s = _embed(model, candidates)
            logits = SCALE * q @ s.T
            logits = logits.masked_fill(_false_negatives(chunk), float("-inf"))
            loss = torch.nn.functional.cross_entropy(logits, torch.arange(len(chunk)))
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
            step += 1
            if step % 20 == 0:
                print(f"  epoch {epoch + 1} step {step}/{steps} loss {loss.item():.3f}", file=sys.stderr, flush=True)
    model.eval()
    return model


def _embed(model, texts: list[str]):
    features = model.tokenize(texts)
    return model(features)["sentence_embedding"]  # the model's last module normalises


def _false_negatives(chunk: list) -> "torch.Tensor":
    """Mask the candidates that repeat a question's own gold text elsewhere in the batch (not negatives)."""
    import torch

    n = len(chunk)
    texts = [p[1] for p in chunk] + [p[2] for p in chunk]
    mask = torch.zeros((n, 2 * n), dtype=torch.bool)
    for i, pair in enumerate(chunk):
        for j, text in enumerate(texts):
            if j != i and text == pair[1]:
                mask[i, j] = True
    return mask


def train_adapter(q: np.ndarray, gold: list[int], s: np.ndarray, epochs: int, lr: float, seed: int) -> np.ndarray:
    """A 384×384 map W on question vectors (identity at the start), softmax over every training sentence."""
    import torch

    torch.manual_seed(seed)
    Q = torch.tensor(q)
    S = torch.tensor(s)
    target = torch.tensor(gold)
    W = torch.nn.Parameter(torch.eye(q.shape[1]))
    optimiser = torch.optim.Adam([W], lr=lr)
    eye = torch.eye(q.shape[1])
    for _ in range(epochs):
        mapped = torch.nn.functional.normalize(Q @ W, dim=1)
        loss = torch.nn.functional.cross_entropy(SCALE * mapped @ S.T, target) + 0.1 * ((W - eye) ** 2).sum()
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    return W.detach().numpy()


# ---------------------------------------------------------------- measuring
def encode_with(model, texts: list[str]) -> np.ndarray:
    vectors = model.encode(texts, batch_size=64, normalize_embeddings=True, convert_to_numpy=True)
    return np.ascontiguousarray(vectors, dtype=np.float32)


@dataclass
class Lexical:
    sentence: np.ndarray  # questions × sentences, max-normalised BM25
    window: np.ndarray


def lexical_scores(c: rx.Corpus, questions: list[str], rows: np.ndarray) -> Lexical:
    tok = rx.make_tokenizer(True, False)
    sent = [c.sentence(int(i)) for i in rows]
    windows = []
    for i in rows:
        i = int(i)
        parts = [c.neighbour(i, -1, True), c.sentence(i), c.neighbour(i, 1, True)]
        windows.append(" ".join(p for p in parts if p))
    return Lexical(rx.maxnorm(rx.bm25_matrix(sent, questions, 0.9, 0.4, tok)),
                   rx.maxnorm(rx.bm25_matrix(windows, questions, 0.9, 0.4, tok)))


def window_matrix(vectors: np.ndarray, c: rx.Corpus, rows: np.ndarray) -> np.ndarray:
    sub = rx.Corpus(c.titles, c.texts, c.doc[rows], [c.spans[int(i)] for i in rows], c.para[rows], [], [], np.array([]))
    return rx.window_mean(vectors, sub)


def ranks(q: np.ndarray, s: np.ndarray, c: rx.Corpus, rows: np.ndarray, golds: list[np.ndarray],
          lexical: Lexical | None) -> np.ndarray:
    dense = q @ s.T + CONTEXT_WEIGHT * (q @ window_matrix(s, c, rows).T)
    score = dense if lexical is None else dense + LEXICAL_WEIGHT * (lexical.sentence + CONTEXT_WEIGHT * lexical.window)
    return rx.gold_ranks(score, golds)


def fusion_grid(q: np.ndarray, s: np.ndarray, c: rx.Corpus, rows: np.ndarray, golds: list[np.ndarray],
                lexical: Lexical) -> dict[tuple[float, float], dict[str, float]]:
    """Held-out metrics of ``d + w·L + c·(window d + w·window L)`` for a grid of (w, c)."""
    d, wd = q @ s.T, q @ window_matrix(s, c, rows).T
    out = {}
    for w in (0.1, 0.2, 0.3, 0.4, 0.5, 0.6):
        for cw in (0.25, 0.5, 0.75, 1.0):
            score = d + w * lexical.sentence + cw * (wd + w * lexical.window)
            out[(w, cw)] = rx.metrics(rx.gold_ranks(score, golds))
    return out


def local_golds(c: rx.Corpus, questions: np.ndarray, rows: np.ndarray) -> list[np.ndarray]:
    position = {int(r): i for i, r in enumerate(rows)}
    return [np.array([position[int(g)] for g in c.golds[q] if int(g) in position]) for q in questions]


def fmt(m: dict) -> str:
    return "  ".join(f"{k} {v:.3f}" for k, v in m.items())


def news_corpus(seed: Path) -> rx.Corpus:
    return rx.load_corpus(read_documents([bundled_article()]), None, json.loads(seed.read_text(encoding="utf-8")))


def news_ranks(encode_q, encode_s, news: rx.Corpus) -> list[int]:
    rows = np.arange(len(news.spans))
    texts = [embedding_text(news.titles[news.doc[i]], news.sentence(i)) for i in rows]
    lexical = lexical_scores(news, news.questions, rows)
    return [int(r) for r in ranks(encode_q(news.questions), encode_s(texts), news, rows, news.golds, lexical)]


# ---------------------------------------------------------------- main
def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("cases", type=Path)
    ap.add_argument("--docs", type=Path, required=True)
    ap.add_argument("--recipe", default="top2")
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--lr", type=float, default=3e-5)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--validate", action="store_true", help="train on each half, measure on the other")
    ap.add_argument("--only", choices=["A", "B"], help="with --validate: train on this half only")
    ap.add_argument("--cache", type=Path, help="keep the stock model's vectors here between runs (outside the repo)")
    ap.add_argument("--out", type=Path, help="write the trained weights here (the shipped form)")
    ap.add_argument("--news-seed", type=Path, default=ROOT / "tests" / "seed_dev.json")
    args = ap.parse_args()
    embedding.set_threads(args.threads)
    if args.out and args.recipe == "adapter":
        raise SystemExit("the adapter recipe is for comparison only; ship a layer recipe")

    data = load(args.cases, args.docs)
    c = data.corpus
    news = news_corpus(args.news_seed)
    stock = embedding.load_model(STOCK_MODEL)
    t = time.perf_counter()
    cached = rx.Encoder(args.cache, STOCK_MODEL) if args.cache else None
    stock_q = cached(c.questions) if cached else encode_with(stock, c.questions)
    stock_s = cached(data.texts) if cached else encode_with(stock, data.texts)
    print(f"{len(data.articles)} articles, {len(c.spans)} sentences, {len(c.questions)} questions "
          f"(stock vectors in {time.perf_counter() - t:.0f} s)", flush=True)
    half_a, half_b = halves(data)

    def run(train_articles: set[int]):
        rng = random.Random(args.seed)
        pairs = training_pairs(data, train_articles, stock_q, stock_s, rng)
        t = time.perf_counter()
        if args.recipe == "adapter":
            train_rows = np.flatnonzero(np.isin(c.doc, sorted(train_articles)))
            position = {int(r): i for i, r in enumerate(train_rows)}
            qs = [q for q in range(len(c.questions)) if int(c.qdoc[q]) in train_articles and len(c.golds[q])]
            W = train_adapter(stock_q[qs], [position[int(c.golds[q][0])] for q in qs], stock_s[train_rows],
                              args.epochs, args.lr, args.seed)

            def encode_q(texts: list[str]) -> np.ndarray:
                v = encode_with(stock, texts) @ W
                return v / np.linalg.norm(v, axis=1, keepdims=True)

            encode_s = lambda texts: encode_with(stock, texts)  # noqa: E731
            trained = None
        else:
            model = train_layers(pairs, args.recipe, args.epochs, args.lr, args.batch, args.seed, args.threads)
            encode_q = encode_s = lambda texts: encode_with(model, texts)  # noqa: E731
            trained = model
        print(f"trained {args.recipe} on {len(pairs)} pairs in {time.perf_counter() - t:.0f} s", flush=True)
        return trained, encode_q, encode_s

    if args.validate:
        grids: dict[str, dict] = {}
        for name, train, test in (("A", half_a, half_b), ("B", half_b, half_a)):
            if args.only and args.only != name:
                continue
            print(f"--- train on half {name} ({len(train)} articles), measure on the other half", flush=True)
            _, encode_q, encode_s = run(train)
            rows = np.flatnonzero(np.isin(c.doc, sorted(test)))
            questions = np.array([q for q in range(len(c.questions)) if int(c.qdoc[q]) in test])
            golds = local_golds(c, questions, rows)
            lexical = lexical_scores(c, [c.questions[q] for q in questions], rows)
            tq = encode_q([c.questions[q] for q in questions])
            ts = encode_s([data.texts[int(r)] for r in rows])
            for label, q, s in (("stock", stock_q[questions], stock_s[rows]), (args.recipe, tq, ts)):
                print(f"  {label:<8} dense  {fmt(rx.metrics(ranks(q, s, c, rows, golds, None)))}")
                print(f"  {label:<8} hybrid {fmt(rx.metrics(ranks(q, s, c, rows, golds, lexical)))}", flush=True)
            grid = grids[name] = fusion_grid(tq, ts, c, rows, golds, lexical)
            best = sorted(grid, key=lambda k: -grid[k]["MRR"])[:8]
            print("  fusion (w, c) best on this half: " + "; ".join(f"{k} MRR {grid[k]['MRR']:.3f} R@5 {grid[k]['R@5']:.3f}" for k in best))
            print(f"  fusion (0.4, 0.5) {fmt(grid[(0.4, 0.5)])}", flush=True)
            print(f"  news seed ranks, stock {news_ranks(lambda x: encode_with(stock, x), lambda x: encode_with(stock, x), news)}"
                  f"  {args.recipe} {news_ranks(encode_q, encode_s, news)}", flush=True)
        if len(grids) == 2:  # pick (w, c) on one held-out half, confirm on the other
            for pick, other in (("A", "B"), ("B", "A")):
                best = max(grids[pick], key=lambda k: grids[pick][k]["MRR"])
                print(f"fusion picked on the half held out from model {pick}: {best}; "
                      f"there {fmt(grids[pick][best])} | other half {fmt(grids[other][best])}")
    if args.out:
        trained, encode_q, encode_s = run(half_a | half_b)
        qa_model.save_layers(trained, trainable_layers(args.recipe), args.out, {
            "recipe": args.recipe, "epochs": args.epochs, "lr": args.lr, "batch": args.batch, "seed": args.seed,
            "hard_negatives": f"1 per question, from the stock model's top {HARD_POOL} non-gold sentences of its article",
            "pairs": f"{sum(len(g) > 0 for g in c.golds)} ReQA SQuAD v1.1 dev questions of {len(data.articles)} articles",
        })
        print(f"wrote {args.out}; news seed ranks {news_ranks(encode_q, encode_s, news)}")


if __name__ == "__main__":
    main()
