"""``assistant eval retrieval``: ReQA-style sentence retrieval — MRR, R@1/5/10, build time and time per question."""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


from ..errors import AssistantError

DEPTH = 20
"""Ranks looked at per question: MRR counts 0 for a gold below this depth (MRR@20)."""
ANCHORS = [
    ("BM25 (measured on this machine, full SQuAD dev)", 0.710, 0.629, 0.806),
    ("all-MiniLM-L6-v2 alone", 0.686, 0.587, 0.805),
    ("RRF of the two", 0.731, None, 0.844),
    ("USE-QA (ReQA paper)", 0.625, None, None),
]


@dataclass(frozen=True)
class Case:
    id: str
    question: str
    doc_id: str
    spans: list[tuple[int, int]]


@dataclass(frozen=True)
class RetrievalScores:
    cases: int
    mrr: float
    recall: dict[int, float]
    build_seconds: float
    sentences: int
    batched_ms: float
    single_ms: float
    floor_ms: float


def read_cases(path: Path) -> list[Case]:
    if not path.is_file():
        raise AssistantError(f"{path} does not exist.")
    cases: list[Case] = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                cases.append(
                    Case(str(row["id"]), row["question"], row["doc_id"], [(int(a), int(b)) for a, b in row["answer_spans"]])
                )
            except (json.JSONDecodeError, KeyError, TypeError, ValueError):
                raise AssistantError(f"{path} line {number} is not a retrieval case (id, question, doc_id, answer_spans).") from None
    if not cases:
        raise AssistantError(f"{path} holds no cases.")
    return cases


def is_hit(passage: dict, case: Case) -> bool:
    """From the case's document and overlapping one of its answer spans."""
    if passage["doc_id"] != case.doc_id:
        return False
    return any(passage["start"] < end and start < passage["end"] for start, end in case.spans)


def first_hit_rank(passages: list[dict], case: Case) -> int | None:
    return next((p["rank"] for p in passages if is_hit(p, case)), None)


def score_ranks(ranks: list[int | None]) -> tuple[float, dict[int, float]]:
    n = len(ranks)
    mrr = sum(1.0 / r for r in ranks if r) / n
    recall = {k: sum(1 for r in ranks if r and r <= k) / n for k in (1, 5, 10)}
    return mrr, recall


def run(
    cases_path: Path, docs: Path, build: Callable[[list[Path], Path], Any], index_dir: Path | None = None,
    limit: int | None = None,
) -> RetrievalScores:
    """Build an index of ``docs`` with ``build(files, index_dir)`` (the API's ``Assistant.build``: this package sits
    below the API and is handed it) and score every case's ranking."""
    cases = read_cases(cases_path)[: limit or None]
    if not docs.is_dir():
        raise AssistantError(f"{docs} is not a folder of .txt files.")
    files = sorted(docs.glob("*.txt"))
    if not files:
        raise AssistantError(f"{docs} holds no .txt files.")
    with tempfile.TemporaryDirectory(prefix="assistant-eval-") as tmp:
        target = index_dir or Path(tmp) / "index"
        from ..pipeline.embedding import ready
        from ..settings import default_model

        ready(default_model())  # model load is not build time
        started = time.perf_counter()
        assistant = build(files, target)
        build_seconds = time.perf_counter() - started
        questions = [c.question for c in cases]
        started = time.perf_counter()
        answers = []
        for begin in range(0, len(questions), 64):
            answers.extend(assistant.ask_many(questions[begin : begin + 64], k=DEPTH))
        batched_ms = (time.perf_counter() - started) * 1000 / len(questions)
        from ..pipeline.embedding import encode_questions
        from ..search.retrieval import dense_floor

        index = assistant.index
        single, floor = [], []
        for q in questions[:200]:  # the full ask() and its floor (encode the question + a dense search), alternately
            t = time.perf_counter()
            assistant.ask(q, k=5)
            single.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            dense_floor(index, encode_questions(index.model, [q], index_precision=index.encoder_precision)[0], 5)
            floor.append((time.perf_counter() - t) * 1000)
        ranks = [first_hit_rank([p.to_dict() for p in a.passages], c) for a, c in zip(answers, cases)]
        mrr, recall = score_ranks(ranks)
        return RetrievalScores(
            cases=len(cases), mrr=mrr, recall=recall, build_seconds=build_seconds,
            sentences=assistant.index.size, batched_ms=batched_ms, single_ms=statistics.median(single),
            floor_ms=statistics.median(floor),
        )


def format_scores(s: RetrievalScores) -> str:
    lines = [
        f"cases {s.cases}, candidate sentences {s.sentences}",
        f"MRR@{DEPTH} {s.mrr:.3f}   R@1 {s.recall[1]:.3f}   R@5 {s.recall[5]:.3f}   R@10 {s.recall[10]:.3f}",
        f"index build {s.build_seconds:.1f} s ({s.sentences / s.build_seconds:.0f} sentences/s, model load excluded)",
        f"time per question: {s.batched_ms:.1f} ms batched (ask_many, 64 a batch), "
        f"{s.single_ms:.1f} ms one at a time (median of {min(200, s.cases)})",
        f"floor (encode the question + FAISS search): {s.floor_ms:.1f} ms; full ask / floor {s.single_ms / s.floor_ms:.2f}",
        "anchors (MRR, R@1, R@5):",
    ]
    for name, mrr, r1, r5 in ANCHORS:
        fmt = lambda v: f"{v:.3f}" if v is not None else "  -  "  # noqa: E731
        lines.append(f"  {name:<50} {fmt(mrr)}  {fmt(r1)}  {fmt(r5)}")
    return "\n".join(lines)


def evaluate_retrieval(
    cases: Path, docs: Path, build: Callable[[list[Path], Path], Any], index_dir: Path | None = None,
    limit: int | None = None,
) -> str:
    return format_scores(run(cases, docs, build, index_dir, limit))
