"""Sentence embeddings with a sentence-transformers model loaded offline, once per process.

The encoder runtime (``settings.encoder_runtime``: ``ASSISTANT_ENCODER`` or ``--encoder``) is ONNX Runtime by
default (:mod:`assistant.pipeline.encoder`, the same model exported once) or the model's own torch; both give the
same fp32 vectors (cosine ≥ 0.99999, tests/test_onnx.py), so either runtime reads an fp32 index made by the other.
On ONNX Runtime every text is encoded on its own (a vector depends on its text alone). The precision
(``encoder.PRECISIONS``) is what an index or analysed form was encoded at: :func:`encode` makes int8 vectors with the
int8 graph on ONNX Runtime whatever the runtime setting (new indexes are fp32: ``encoder.BULK_INT8_MODELS``).
Questions go through :func:`encode_questions`, given their index's precision: an int8 index gets int8 questions; an
fp32 index of the shipped model gets int8 questions on ONNX, measured to keep retrieval quality (docs/speed.md,
quantisation).
"""

from __future__ import annotations

import sys
import threading
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from . import encoder as onnx_encoder
from . import qa_model
from .encoder import FP32, INT8, OLD_PRECISION
from .. import settings
from ..errors import AssistantError

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

_LOCK = threading.Lock()
_THREADS: list[int] = []
"""The thread count last set by :func:`set_threads` (empty: the question setting); ONNX sessions are made per count."""

TITLE_CHARS = 100
"""Characters of the title kept in front of a sentence (longer titles add noise, not topic)."""
EMBEDDING_TEXT = "title: sentence"
"""The name of the form :func:`embedding_text` gives a sentence; recorded in every index manifest, because the
stored vectors were made from it (an index made with another form says how to rebuild)."""


def embedding_text(title: str, sentence: str) -> str:
    """What is embedded for a sentence: ``"<document title>: <sentence>"`` (title cut to TITLE_CHARS).

    The title tells the model what a sentence is about when the sentence alone does not ("He also alleged …");
    measured on ReQA SQuAD it raised MRR on both halves, also fused with BM25 (README, retrieval).
    """
    title = " ".join(title.split())[:TITLE_CHARS].strip()
    return f"{title}: {sentence}" if title else sentence


def resolve_model_path(model: str) -> str:
    """Map the setting to something SentenceTransformer can load without a network."""
    if model in (settings.STOCK_MODEL, "sentence-transformers/" + settings.STOCK_MODEL):
        return str(qa_model.stock_dir())
    if model == qa_model.NAME:
        return str(qa_model.shipped_dir())
    if Path(model).expanduser().exists():
        return str(Path(model).expanduser())
    return model  # a name already in the local Hugging Face cache (offline)


def set_threads(threads: int | None = None) -> None:
    """Encoder (torch intra-op or ONNX Runtime session) and FAISS OpenMP thread counts."""
    import faiss

    count = threads or settings.thread_count()
    _THREADS[:] = [count]
    if "torch" in sys.modules or settings.encoder_runtime() == "torch":
        import torch

        torch.set_num_threads(count)
    faiss.omp_set_num_threads(count)


def current_threads() -> int:
    return _THREADS[0] if _THREADS else settings.thread_count()


def ready(model: str, runtime: str | None = None, precision: str = FP32) -> None:
    """Load (once) what encodes with ``model`` on the runtime at ``precision`` (exporting it to ONNX, and making its
    int8 graph, the first time)."""
    if onnx_encoder.runtime_of(precision, runtime or settings.encoder_runtime()) == "onnx":
        loaded = onnx_encoder.load(model, resolve_model_path(model))
        if precision == INT8:
            loaded.int8(model)
    else:
        load_model(model)


@lru_cache(maxsize=4)
def load_model(model: str) -> "SentenceTransformer":
    """Load (once) the embedding model named by the setting ``model``."""
    settings.go_offline()
    from sentence_transformers import SentenceTransformer

    set_threads()
    path = resolve_model_path(model)
    try:
        if qa_model.is_patch_dir(Path(path)):
            return qa_model.load_patched(Path(path))
        return SentenceTransformer(path, device="cpu")
    except Exception as exc:  # noqa: BLE001 - any load failure is the user's model setting
        raise AssistantError(f"cannot load embedding model {model!r} offline ({type(exc).__name__}).") from None


def embedding_dimension(model: str, runtime: str | None = None) -> int:
    if (runtime or settings.encoder_runtime()) == "onnx":
        return onnx_encoder.load(model, resolve_model_path(model)).dimension
    loaded = load_model(model)
    dim = loaded.get_embedding_dimension() if hasattr(loaded, "get_embedding_dimension") else None
    return int(dim or loaded.get_sentence_embedding_dimension())


def encode_questions(model: str, questions: list[str], runtime: str | None = None,
                     index_precision: str = OLD_PRECISION) -> np.ndarray:
    """Question vectors against an index of ``model`` encoded at ``index_precision`` (the manifest's
    ``encoder_precision``): int8 as ``encoder.question_precision`` says, one question at a time (``ask_many`` equals
    ``ask``), else as :func:`encode`."""
    runtime = runtime or settings.encoder_runtime()
    if onnx_encoder.question_precision(model, runtime, index_precision) == INT8:
        return encode(model, questions, runtime=runtime, precision=INT8)  # ~2 ms a question
    return encode(model, questions, batch_size=64, runtime=runtime)


def encode(model: str, texts: list[str], batch_size: int = 64, progress: bool = False, runtime: str | None = None,
           precision: str = FP32) -> np.ndarray:
    """L2-normalised float32 vectors, one row per text, on ``runtime`` (default: the setting) at ``precision``.

    On ONNX Runtime the texts are encoded one at a time, the current thread count of them side by side
    (``OnnxEncoder.encode_alone``; ``batch_size`` is torch's): a text's vector never depends on the texts it is
    encoded with, so a Ray worker, a local analysis and a question all give the same vector for the same text. int8
    runs the model's int8 graph on ONNX Runtime, the only runtime that has one, whatever ``runtime`` says."""
    onnx_encoder.check_precision(precision)
    if onnx_encoder.runtime_of(precision, runtime or settings.encoder_runtime()) == "onnx":
        loaded = onnx_encoder.load(model, resolve_model_path(model))
        threads = current_threads() if len(texts) > 1 else 1  # a question is one text: no thread count to read
        return loaded.encode_alone(texts, threads, loaded.int8(model) if precision == INT8 else None)
    loaded = load_model(model)
    if not texts:
        return np.zeros((0, embedding_dimension(model)), dtype=np.float32)
    with _LOCK:  # torch modules are not guaranteed re-entrant; encoding a question takes milliseconds
        vectors = loaded.encode(
            texts,
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=progress,
        )
    return np.ascontiguousarray(vectors, dtype=np.float32)
