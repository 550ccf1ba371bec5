"""Limits and checks for every way in (CLI, Python API, web): the same numbers everywhere."""

from __future__ import annotations

import unicodedata

from .errors import AssistantError

MAX_QUESTION_CHARS = 2_000
MAX_K = 50


def clean_question(question: object) -> str:
    """Validate a question: text, not empty, not too long; control characters become spaces."""
    if not isinstance(question, str):
        raise AssistantError("the question must be text.")
    cleaned = "".join(" " if unicodedata.category(ch) in ("Cc", "Cs") else ch for ch in question).strip()
    if all(unicodedata.category(ch) in ("Cf", "Zs", "Mn") for ch in cleaned):  # only invisible characters
        raise AssistantError("the question is empty; type a question about the article.")
    if len(cleaned) > MAX_QUESTION_CHARS:
        raise AssistantError(
            f"the question is {len(cleaned):,} characters long; the limit is {MAX_QUESTION_CHARS:,}."
        )
    return cleaned


def check_k(k: object) -> int:
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= MAX_K:
        raise AssistantError(f"k must be a whole number from 1 to {MAX_K}, not {k!r}.")
    return k
